"""Server-drawn SVG charts: valid SVG with a title, a description and the same figures."""

import base64
import xml.etree.ElementTree as ET

from ombudsman.charts import Series, bar_chart, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_bar_chart_is_valid_svg_with_title_description_and_one_bar_per_value():
    chart = bar_chart(
        title="Overdue actions by service area",
        description="Adults has the most overdue actions.",
        categories=["Adults", "Children & <Families>"],
        series=[Series("Overdue", [5, 2])],
        slug="overdue-by-area",
    )
    root = ET.fromstring(chart.svg)  # escaped: "<Families>" does not break the XML
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Overdue actions by service area"
    assert root.find("svg:desc", NS).text == "Adults has the most overdue actions."
    bars = [r for r in root.findall("svg:rect", NS)]
    heights = [float(r.get("height")) for r in bars]
    assert len(bars) == 2 and heights[0] > heights[1] > 0
    assert heights[0] / heights[1] == 2.5  # drawn to scale
    assert chart.rows == [["Adults", 5], ["Children & <Families>", 2]]
    assert base64.b64decode(chart.data_uri.split(",", 1)[1]).decode() == chart.svg


def test_grouped_bars_have_a_legend_and_zero_values_draw_nothing_tall():
    chart = bar_chart(
        title="On time and late",
        description="x",
        categories=["Q1", "Q2"],
        series=[Series("On time", [3, 0]), Series("Late", [1, 2])],
    )
    root = ET.fromstring(chart.svg)
    texts = [t.text for t in root.findall("svg:text", NS)]
    assert "On time" in texts and "Late" in texts
    assert chart.rows == [["Q1", 3, 1], ["Q2", 0, 2]]


def test_line_chart_in_percent_marks_each_point():
    chart = line_chart(
        title="Upheld rate", description="y", categories=["2021-22", "2022-23", "2023-24"],
        series=[Series("Upheld rate", [60, 75, 70])], percent=True,
    )  # fmt: skip
    root = ET.fromstring(chart.svg)
    assert len(root.findall("svg:circle", NS)) == 3
    assert "70%" in [t.text for t in root.findall("svg:text", NS)]


def test_empty_chart_still_draws():
    chart = bar_chart(title="Nothing", description="No data", categories=[], series=[])
    assert ET.fromstring(chart.svg).find("svg:title", NS).text == "Nothing"


# --- Readable charts: whole-number ticks, no label cut or clipped, no label on another ---


def _boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """Every text of the drawing as (text, left, top, right, bottom), its width estimated
    generously (0.6 of the font size a character, as wide as Arial's widest letters)."""
    root = ET.fromstring(svg)
    boxes = []
    for t in root.iter("{http://www.w3.org/2000/svg}text"):
        size = float(t.get("font-size") or 13)
        width = len(t.text or "") * size * 0.6
        x, y = float(t.get("x")), float(t.get("y"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[t.get("text-anchor")]
        boxes.append((t.text, left, y - size * 0.8, left + width, y + size * 0.2))
    return boxes


def _assert_all_text_inside(svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.get("transform") is None
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    for text, left, top, right, bottom in _boxes(svg):
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, text
    assert "…" not in svg and "rotate(" not in svg  # nothing shortened or turned


def _overlaps(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


def _tick_labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("fill") == "#505a5f"
    ]


def test_count_axes_have_whole_number_ticks_only():
    from ombudsman.charts import ticks

    for top in range(0, 61):
        scale = ticks(top)
        assert all(isinstance(v, int) for v in scale), (top, scale)
        assert scale[0] == 0 and scale[-1] >= top and len(scale) <= 6
        assert len({b - a for a, b in zip(scale, scale[1:], strict=False)}) == 1
    assert ticks(3) == [0, 1, 2, 3] and ticks(7) == [0, 2, 4, 6, 8]
    chart = bar_chart(
        title="Actions due each week", description="x",
        categories=["1 Dec", "8 Dec", "15 Dec"], series=[Series("Actions due", [3, 1, 0])],
    )  # fmt: skip
    assert _tick_labels(chart.svg) == ["0", "1", "2", "3"]  # never 0.8, 1.5 or 2.2


def test_long_service_area_names_are_written_in_full_beside_horizontal_bars():
    from ombudsman.charts import horizontal_bar_chart

    names = ["Special educational needs", "Financial assessments and charging", "Leasehold"]
    chart = horizontal_bar_chart(
        title="Overdue actions by service area", description="x",
        categories=names, series=[Series("Overdue actions", [4, 2, 1])],
    )  # fmt: skip
    texts = [b[0] for b in _boxes(chart.svg)]
    assert all(name in texts for name in names)
    _assert_all_text_inside(chart.svg)
    assert _tick_labels(chart.svg) == ["0", "1", "2", "3", "4"]
    bars = ET.fromstring(chart.svg).findall("svg:rect", NS)
    assert [float(b.get("width")) for b in bars][0] / float(bars[2].get("width")) == 4


def test_year_and_quarter_names_under_bars_are_whole_and_inside_the_drawing():
    years = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    chart = bar_chart(
        title="Investigations", description="x", categories=years,
        series=[Series("Investigations", [1, 12, 30, 28, 2]), Series("Upheld", [1, 9, 21, 20, 1])],
    )  # fmt: skip
    _assert_all_text_inside(chart.svg)
    assert all(y in [b[0] for b in _boxes(chart.svg)] for y in years)
    quarters = bar_chart(
        title="Completed", description="x", categories=[f"Jan–Mar {y}" for y in range(2020, 2032)],
        series=[Series("On time", [1] * 12), Series("Late", [2] * 12)],
    )  # fmt: skip
    _assert_all_text_inside(quarters.svg)
    names = [b for b in _boxes(quarters.svg) if b[0] in ("Jan–Mar", "2020", "2031")]
    assert len(names) == 14  # "Jan–Mar" over its year, twelve times: wrapped, never cut
    assert not any(_overlaps(a, b) for a in names for b in names if a is not b)


def test_line_chart_year_labels_are_whole_and_equal_percentages_do_not_collide():
    years = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    chart = line_chart(
        title="Upheld rate and compliance rate", description="x", categories=years,
        series=[Series("Upheld rate", [100, 100, 50, 0, 100]),
                Series("Compliance rate", [100, 100, 50, 0, None])],
        percent=True,
    )  # fmt: skip
    _assert_all_text_inside(chart.svg)
    boxes = _boxes(chart.svg)
    assert all(y in [b[0] for b in boxes] for y in years)
    values = [b for b in boxes if b[0].endswith("%") and b[0] not in ("0%", "25%", "75%")]
    values = [b for b in values if b[1] > 60]  # the points' values, not the axis
    assert [b[0] for b in values].count("100%") == 5  # each point's value, both series
    for a in boxes:
        for b in boxes:
            assert a is b or not _overlaps(a, b), (a, b)


def test_a_trend_of_one_investigation_says_investigation():
    from decisions.statistics import AnnualStatistics, YearFigures, trend_charts

    stats = AnnualStatistics(
        year=2023, home_authority=None,
        trend=[YearFigures(year=2022, investigations=2, upheld=1),
               YearFigures(year=2023, investigations=1, upheld=1)],
    )  # fmt: skip
    description = trend_charts(stats)[-1].description
    assert "2023-24: 1 investigation, 1 upheld" in description
    assert "2022-23: 2 investigations, 1 upheld" in description
    assert "1 investigations" not in description

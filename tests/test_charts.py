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

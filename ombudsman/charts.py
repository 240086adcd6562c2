"""Charts drawn as SVG on the server: no JavaScript needed, the same drawing on a page
and in a PDF report.

Each chart carries its title, a text description and its figures as rows, so that the
page can give screen-reader users the same figures as a table. In a PDF, use
``chart.data_uri`` in an ``<img alt="...">``: WeasyPrint gives an inline ``<svg>`` no
alternative text in a tagged PDF.
"""

import base64
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe

# GOV.UK Design System colours, in the order series use them.
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


@dataclass
class Series:
    name: str
    # One per category. None is no figure: a gap in a line chart; a bar chart needs them all.
    values: list[float | None]


@dataclass
class Chart:
    title: str
    description: str
    categories: list[str]
    series: list[Series]
    svg: str = ""
    slug: str = "chart"
    rows: list[list] = field(default_factory=list)

    @property
    def svg_safe(self):
        # Every text in the drawing was escaped when it was built.
        return mark_safe(self.svg)  # noqa: S308

    @property
    def data_uri(self) -> str:
        encoded = base64.b64encode(self.svg.encode()).decode()
        return f"data:image/svg+xml;base64,{encoded}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * ((int(value) // step) + (1 if value % step or value == 0 else 0))
    magnitude = 10 ** (len(str(int(value))) - 1)
    return magnitude * (int(value) // magnitude + 1)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _svg_open(chart: Chart, width: int, height: int) -> list[str]:
    title_id, desc_id = f"{chart.slug}-title", f"{chart.slug}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{escape(FONT)}" font-size="13">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
    ]


def _legend(series: list[Series], x: int, y: int) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}" fill="#0b0c0c">{escape(s.name)}</text>')
        x += 30 + 8 * len(s.name)
    return parts


def _bar_values(series: list[Series]) -> list[list[float]]:
    """Each series' values as bars: every one known, since a bar chart has no gaps."""
    known = []
    for s in series:
        values = [v for v in s.values if v is not None]
        if len(values) < len(s.values):
            raise ValueError(f"A bar chart has no gaps, but series {s.name!r} has a None value.")
        known.append(values)
    return known


def bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    slug: str = "chart",
    width: int = 640,
) -> Chart:
    """Vertical bars, grouped when there are several series; values written on bars."""
    chart = Chart(title, description, list(categories), list(series), slug=slug)
    left, right, top, bottom = 48, 12, 28 if len(series) > 1 else 12, 72
    height = 300
    plot_w, plot_h = width - left - right, height - top - bottom
    bars = _bar_values(series)
    top_value = _nice_max(max((v for values in bars for v in values), default=0))
    parts = _svg_open(chart, width, height)
    for i in range(5):  # gridlines and scale
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="{1 if i == 0 else 0.5}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#505a5f">'
            f"{_fmt(value)}</text>"
        )
    group_w = plot_w / max(1, len(categories))
    bar_w = min(40, group_w * 0.8 / max(1, len(series)))
    for c, label in enumerate(categories):
        group_x = left + group_w * c + (group_w - bar_w * len(series)) / 2
        for s_index, values in enumerate(bars):
            value = values[c]
            h = plot_h * value / top_value
            x = group_x + bar_w * s_index
            y = top + plot_h - h
            colour = PALETTE[s_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
            if value:
                parts.append(
                    f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="#0b0c0c">{_fmt(value)}</text>'
                )
        cx = left + group_w * c + group_w / 2
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" fill="#0b0c0c" '
            f'transform="rotate(-35 {cx:.1f} {top + plot_h + 14})">{escape(short)}</text>'
        )
    if len(series) > 1:
        parts += _legend(series, left, 16)
    parts.append("</svg>")
    chart.svg = "".join(parts)
    chart.rows = [[label, *(s.values[i] for s in series)] for i, label in enumerate(categories)]
    return chart


def line_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    slug: str = "chart",
    width: int = 640,
    percent: bool = False,
) -> Chart:
    """Lines with a marker and value at each point (e.g. a five-year trend). A value of
    None is a gap: no point is drawn there and the line is broken, never drawn as 0."""
    chart = Chart(title, description, list(categories), list(series), slug=slug)
    left, right, top, bottom = 48, 24, 28 if len(series) > 1 else 16, 40
    height = 260
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for s in series for v in s.values if v is not None]
    top_value = 100 if percent else _nice_max(max(known, default=0))
    parts = _svg_open(chart, width, height)
    for i in range(5):
        level = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="{1 if i == 0 else 0.5}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#505a5f">'
            f"{_fmt(level)}{'%' if percent else ''}</text>"
        )
    step = plot_w / max(1, len(categories) - 1)
    for c, label in enumerate(categories):
        x = left + step * c if len(categories) > 1 else left + plot_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#0b0c0c">'
            f"{escape(label)}</text>"
        )
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points: list[tuple[float, float, float]] = []
        runs: list[list[tuple[float, float]]] = [[]]
        for c, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x = left + step * c if len(categories) > 1 else left + plot_w / 2
            y = top + plot_h - plot_h * value / top_value
            points.append((x, y, value))
            runs[-1].append((x, y))
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>'
                )
        for x, y, value in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
            parts.append(
                f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#0b0c0c">{_fmt(value)}{"%" if percent else ""}</text>'
            )
    if len(series) > 1:
        parts += _legend(series, left, 16)
    parts.append("</svg>")
    chart.svg = "".join(parts)
    chart.rows = [[label, *(s.values[i] for s in series)] for i, label in enumerate(categories)]
    return chart

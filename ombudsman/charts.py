"""Charts drawn as SVG on the server: no JavaScript needed, the same drawing on a page
and in a PDF report.

Drawn here rather than with a charting library: pygal and matplotlib were tried (pygal
3.1, matplotlib 3.11). Both write a ``<style>`` element (pygal a ``<script>`` too, and
matplotlib a ``style=""`` on nearly every shape), which the product's Content-Security-
Policy (``style-src 'self'``, no inline style) blocks in a page, and neither gives the SVG a
title, description and ``role="img"``; pygal shortens long labels. This module uses
presentation attributes only and lays text out itself: whole-number ticks for counts,
labels measured (``text_width``) so that none is cut or clipped, horizontal bars where the
names are long, and point labels moved apart so that none overlaps another.

Each chart carries its title, a text description and its figures as rows, so that the
page can give screen-reader users the same figures as a table. In a PDF, use
``chart.data_uri`` in an ``<img alt="...">``: WeasyPrint gives an inline ``<svg>`` no
alternative text in a tagged PDF.
"""

import base64
import math
from collections.abc import Sequence
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


FONT_SIZE = 13
VALUE_SIZE = 11
LINE = 16  # the height of a line of axis text


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the width of ``text`` in the chart's sans-serif font: 0.6 of
    the font size a character (Arial's widest common letters are about 0.6, its average
    0.5), so that text laid out with it is never wider than the room it was given."""
    return len(text) * size * 0.6


def ticks(top: float, *, whole: bool = True, most: int = 5) -> list[float]:
    """The values of an axis's gridlines from 0, at a round step (1, 2, 2.5 or 5 times a
    power of ten), at most ``most`` steps, the last at or above ``top``. For counts
    (``whole``) every step is a whole number: 0, 1, 2, 3, never 0.8 or 1.5."""
    top = max(top, 0)
    if top == 0:
        return [0, 1]
    magnitude = 1.0
    while magnitude * 10 <= top:
        magnitude *= 10
    while magnitude > top:
        magnitude /= 10
    for factor in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        step = magnitude * factor
        if whole and (step < 1 or not float(step).is_integer()):
            continue
        if math.ceil(top / step - 1e-9) <= most:
            break
    count = math.ceil(top / step - 1e-9)
    return [int(step * i) if whole else round(step * i, 6) for i in range(count + 1)]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _wrap(text: str, room: float, size: float = FONT_SIZE) -> list[str]:
    """``text`` in lines no wider than ``room`` where words allow; a word is never cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, text: str, *, anchor="middle", size=FONT_SIZE, fill="#0b0c0c"):
    size_attr = "" if size == FONT_SIZE else f' font-size="{size}"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{size_attr} fill="{fill}">'
        f"{escape(text)}</text>"
    )


def _svg_open(chart: Chart, width: float, height: float) -> list[str]:
    title_id, desc_id = f"{chart.slug}-title", f"{chart.slug}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{escape(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
    ]


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 18, y, s.name, anchor="start"))
        x += 18 + text_width(s.name) + 20
    return parts


def _legend_width(series: list[Series]) -> float:
    return sum(18 + text_width(s.name) + 20 for s in series)


def _bar_values(series: list[Series]) -> list[list[float]]:
    """Each series' values as bars: every one known, since a bar chart has no gaps."""
    known = []
    for s in series:
        values = [v for v in s.values if v is not None]
        if len(values) < len(s.values):
            raise ValueError(f"A bar chart has no gaps, but series {s.name!r} has a None value.")
        known.append(values)
    return known


def _rows(categories: list[str], series: list[Series]) -> list[list]:
    return [[label, *(s.values[i] for s in series)] for i, label in enumerate(categories)]


def _bars_and_scale(series: list[Series], *, whole: bool) -> tuple[list[list[float]], list[float]]:
    """A bar chart's bars (``_bar_values``) and the ticks of its value axis over them."""
    bars = _bar_values(series)
    return bars, ticks(max((v for values in bars for v in values), default=0), whole=whole)


def _value_grid(
    scale: Sequence[float], *, left: float, right: float, top: float, plot_h: float, suffix=""
) -> list[str]:
    """Horizontal gridlines at the ticks of a vertical value axis, each value written at
    the left (vertical bars, lines); the first line, at 0, is the axis."""
    parts = []
    for i, value in enumerate(scale):
        y = top + plot_h - plot_h * value / scale[-1]
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="{1 if i == 0 else 0.5}"/>'
        )
        parts.append(_text(left - 6, y + 4, f"{_fmt(value)}{suffix}", anchor="end", fill="#505a5f"))
    return parts


def _finish(chart: Chart, parts: list[str], *, left: float) -> Chart:
    """Ends the drawing (a legend at ``left`` when there are several series) and gives the
    chart its SVG and its figures as rows."""
    if len(chart.series) > 1:
        parts += _legend(chart.series, left, 16)
    parts.append("</svg>")
    chart.svg = "".join(parts)
    chart.rows = _rows(chart.categories, chart.series)
    return chart


def bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    slug: str = "chart",
    width: float = 640,
    whole: bool = True,
) -> Chart:
    """Vertical bars, grouped when there are several series; values written on bars. For
    short category names (years, weeks, quarters): each is written in full under its bars,
    on two lines or more if it must, and the chart is widened rather than a name cut. Long
    names belong in ``horizontal_bar_chart``."""
    chart = Chart(title, description, list(categories), list(series), slug=slug)
    bars, scale = _bars_and_scale(series, whole=whole)
    top_value = scale[-1]
    left = 12 + max(text_width(_fmt(v)) for v in scale)
    right = 12
    top = 44 if len(series) > 1 else 20  # room for the value written above the tallest bar
    n = max(1, len(categories))
    # Widen until every name's longest word fits under its group, and the legend fits.
    longest_word = max((text_width(w) for c in categories for w in c.split()), default=0)
    width = max(float(width), left + right + n * (longest_word + 8), left + _legend_width(series))
    plot_w = width - left - right
    group_w = plot_w / n
    label_lines = [_wrap(c, group_w - 8) for c in categories]
    bottom = 10 + LINE * max((len(lines) for lines in label_lines), default=1)
    height = 300
    plot_h = height - top - bottom
    parts = _svg_open(chart, width, height)
    parts += _value_grid(scale, left=left, right=width - right, top=top, plot_h=plot_h)
    bar_w = min(40, group_w * 0.8 / max(1, len(series)))
    for c, lines in enumerate(label_lines):
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
                parts.append(_text(x + (bar_w - 2) / 2, y - 4, _fmt(value), size=VALUE_SIZE))
        cx = left + group_w * c + group_w / 2
        for i, line in enumerate(lines):
            parts.append(_text(cx, top + plot_h + LINE * (i + 1), line))
    return _finish(chart, parts, left=left)


def horizontal_bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    slug: str = "chart",
    plot_width: int = 360,
    whole: bool = True,
) -> Chart:
    """Horizontal bars, one row per category, for long names (service areas, categories):
    each name written in full on one line at the left, the value at the end of its bar,
    the chart as wide as its longest name needs."""
    chart = Chart(title, description, list(categories), list(series), slug=slug)
    bars, scale = _bars_and_scale(series, whole=whole)
    top_value = scale[-1]
    left = 12 + max((text_width(c) for c in categories), default=0)
    value_room = 8 + max((text_width(_fmt(v), VALUE_SIZE) for vs in bars for v in vs), default=0)
    right = max(value_room, text_width(_fmt(top_value)) / 2) + 8
    top = 28 if len(series) > 1 else 8
    bar_h = 18
    row_h = bar_h * max(1, len(series)) + 10
    plot_h = row_h * max(1, len(categories))
    width = max(left + plot_width + right, left + _legend_width(series) + 8)
    plot_w = width - left - right
    height = top + plot_h + 8 + LINE
    parts = _svg_open(chart, width, height)
    for i, value in enumerate(scale):
        x = left + plot_w * value / top_value
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#b1b4b6" stroke-width="{1 if i == 0 else 0.5}"/>'
        )
        parts.append(_text(x, top + plot_h + LINE, _fmt(value), fill="#505a5f"))
    for c, label in enumerate(categories):
        row_y = top + row_h * c + 5
        parts.append(_text(left - 8, row_y + row_h / 2, label, anchor="end"))
        for s_index, values in enumerate(bars):
            value = values[c]
            w = plot_w * value / top_value
            y = row_y + bar_h * s_index
            colour = PALETTE[s_index % len(PALETTE)]
            parts.append(
                f'<rect x="{left}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                _text(left + w + 4, y + bar_h / 2 + 3, _fmt(value), anchor="start", size=VALUE_SIZE)
            )
    return _finish(chart, parts, left=left)


def _spread(wanted: list[float], *, gap: float, low: float, high: float) -> list[float]:
    """Baselines near ``wanted`` (in order), at least ``gap`` apart, within low..high."""
    placed: list[float] = []
    for y in sorted(wanted):
        y = max(y, low, placed[-1] + gap if placed else low)
        placed.append(y)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:  # pushed past the bottom: move the whole stack up
        placed = [y - overflow for y in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    result = [0.0] * len(wanted)
    for rank, i in enumerate(order):
        result[i] = placed[rank]
    return result


def line_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    slug: str = "chart",
    width: float = 640,
    percent: bool = False,
) -> Chart:
    """Lines with a marker and value at each point (e.g. a five-year trend). A value of
    None is a gap: no point is drawn there and the line is broken, never drawn as 0.
    Where two series meet, their values are written one above the other, not on top of
    each other."""
    chart = Chart(title, description, list(categories), list(series), slug=slug)
    known = [v for s in series for v in s.values if v is not None]
    scale = [0, 25, 50, 75, 100] if percent else ticks(max(known, default=0))
    top_value = scale[-1]
    suffix = "%" if percent else ""
    left = 12 + max(text_width(f"{_fmt(v)}{suffix}") for v in scale)
    right = 12
    top = 50 if len(series) > 1 else 26  # the legend, then room for values written above 100%
    bottom = 12 + LINE
    # The first and last names are centred on the plot's edges' points: inset them so
    # that each is whole inside the drawing.
    inset = max((text_width(c) for c in categories), default=0) / 2 + 4
    width = max(float(width), left + right + 2 * inset + len(categories) * 8)
    height = 280
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _svg_open(chart, width, height)
    parts += _value_grid(
        scale, left=left, right=width - right, top=top, plot_h=plot_h, suffix=suffix
    )
    inner = plot_w - 2 * inset
    step = inner / max(1, len(categories) - 1)

    def x_of(c: int) -> float:
        return left + inset + step * c if len(categories) > 1 else left + plot_w / 2

    for c, label in enumerate(categories):
        parts.append(_text(x_of(c), top + plot_h + LINE + 2, label))
    labels: list[str] = []
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for c, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((x_of(c), top + plot_h - plot_h * value / top_value))
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>'
                )
        for x, y in (p for run in runs for p in run):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
    # Each category's values: wanted just above their points, moved apart where they meet.
    for c in range(len(categories)):
        points = [
            (s_index, value, top + plot_h - plot_h * value / top_value)
            for s_index, s in enumerate(series)
            if (value := s.values[c]) is not None
        ]
        if not points:
            continue
        # The first series' value above its point, the second's below, and so on.
        wanted = [y - 8 if i % 2 == 0 else y + 8 + VALUE_SIZE for i, _, y in points]
        baselines = _spread(wanted, gap=VALUE_SIZE + 3, low=top - 10, high=top + plot_h - 4)
        for (_, value, _), baseline in zip(points, baselines, strict=True):
            labels.append(_text(x_of(c), baseline, f"{_fmt(value)}{suffix}", size=VALUE_SIZE))
    parts += labels
    return _finish(chart, parts, left=left)

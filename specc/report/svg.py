"""Horizontal bar charts as inline SVG, for the HTML report: no script, no external asset.

One drawing serves every chart of the page: a label column, a bar per row on a shared scale,
a note (the exact figure) after each bar, and optional threshold ticks drawn across all rows.
Everything a reader must know is also written as text (the notes, the tick labels, the
status marks in the labels), so no chart relies on colour alone. All text is escaped here;
callers pass plain text. Coordinates are written with one decimal, so output is stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from .common import shorten
from .escape import html_text

WIDTH = 760
ROW_HEIGHT = 22
BAR_HEIGHT = 14
CHAR_WIDTH = 6.6  # average advance of a 12px sans-serif character; only for layout
MAX_LABEL_CHARS = 34
MAX_NOTE_CHARS = 40
GAP = 8
TICK_SPACE = 16  # room above or below the rows for a tick's label
AXIS_SPACE = 16


@dataclass(frozen=True)
class Bar:
    label: str  # plain text, left of the bar
    value: float | None  # a position on the chart's scale; None draws no bar
    note: str  # plain text after the bar: the exact figure
    tone: str = "neutral"  # a CSS class: passed | warned | failed | error | neutral
    tooltip: str = ""  # the full label and figure, when the label was cut


@dataclass(frozen=True)
class Tick:
    value: float
    label: str  # "warn below 0.85"
    level: str  # warn | fail: the line's class, dashed or solid
    side: str = "below"  # below | above: which side of the line falls short


def e(text: str) -> str:
    """Text for SVG or HTML: control and bidi characters as visible escapes, markup escaped."""
    return html_text(text)


def bar_chart(title: str, bars: list[Bar], domain: tuple[float, float], axis_format,
              ticks: tuple[Tick, ...] = (), css_class: str = "chart") -> str:
    """An `<svg>` with one row per bar; `axis_format(value)` writes the scale's end labels."""
    label_width = _text_width(max((min(len(b.label), MAX_LABEL_CHARS) for b in bars), default=4))
    note_width = _text_width(max((min(len(b.note), MAX_NOTE_CHARS) for b in bars), default=4))
    plot_left = GAP + label_width + GAP
    plot_width = max(120.0, WIDTH - plot_left - GAP - note_width - GAP)
    scale = _Scale(domain, plot_left, plot_width)
    top = TICK_SPACE if any(t.level == "warn" for t in ticks) else 4
    rows_height = ROW_HEIGHT * len(bars)
    bottom = top + rows_height + (TICK_SPACE if any(t.level != "warn" for t in ticks) else 0)
    height = bottom + AXIS_SPACE
    width = plot_left + plot_width + GAP + note_width + GAP
    parts = [f'<svg class="{css_class}" role="img" viewBox="0 0 {width:.1f} {height:.1f}" '
             f'width="{width:.1f}" height="{height:.1f}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{e(title)}</title>"]
    for index, bar in enumerate(bars):
        parts.extend(_row(bar, top + index * ROW_HEIGHT, scale, plot_left - GAP))
    parts.extend(_zero_line(scale, top, rows_height))
    parts.extend(_tick(tick, scale, top, rows_height) for tick in ticks)
    parts.extend(_axis(scale, bottom, axis_format))
    parts.append("</svg>")
    return "\n".join(parts)


class _Scale:
    def __init__(self, domain: tuple[float, float], left: float, width: float):
        self.low, self.high = domain
        self.left, self.width = left, width

    def x(self, value: float) -> float:
        if self.high == self.low:
            return self.left
        share = (min(max(value, self.low), self.high) - self.low) / (self.high - self.low)
        return self.left + share * self.width

    @property
    def origin(self) -> float:
        return self.x(0.0)


def _row(bar: Bar, y: float, scale: _Scale, label_right: float) -> list[str]:
    bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
    text_y = y + ROW_HEIGHT / 2 + 4
    label = shorten(bar.label, MAX_LABEL_CHARS)
    parts = [f'<g class="row {e(bar.tone)}">',
             f"<title>{e(bar.tooltip or f'{bar.label}: {bar.note}')}</title>",
             f'<text class="label" x="{label_right:.1f}" y="{text_y:.1f}" text-anchor="end">{e(label)}</text>',
             f'<rect class="track" x="{scale.left:.1f}" y="{bar_y:.1f}" width="{scale.width:.1f}" '
             f'height="{BAR_HEIGHT}"/>']
    if bar.value is not None and not math.isnan(bar.value):
        start, end = sorted((scale.origin, scale.x(bar.value)))
        if bar.value != 0 and end - start < 1:  # a tiny share stays visible
            end = start + 1
        parts.append(f'<rect class="bar" x="{start:.1f}" y="{bar_y:.1f}" width="{end - start:.1f}" '
                     f'height="{BAR_HEIGHT}"/>')
    note_x = scale.left + scale.width + GAP
    parts.append(f'<text class="note" x="{note_x:.1f}" y="{text_y:.1f}">{e(shorten(bar.note, MAX_NOTE_CHARS))}</text>')
    parts.append("</g>")
    return parts


def _zero_line(scale: _Scale, top: float, height: float) -> list[str]:
    if not scale.low < 0 < scale.high:
        return []
    x = scale.origin
    return [f'<line class="zero" x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{top + height:.1f}"/>']


def _tick(tick: Tick, scale: _Scale, top: float, height: float) -> str:
    """A threshold across all rows; warn dashed with its label above, fail solid with it below."""
    x = scale.x(tick.value)
    above = tick.level == "warn"
    label_y = top - 5 if above else top + height + 12
    anchor = "end" if x > scale.left + scale.width * 0.75 else "start" if x < scale.left + scale.width * 0.25 else "middle"
    return (f'<g class="tick {e(tick.level)}"><line x1="{x:.1f}" y1="{top - 2:.1f}" x2="{x:.1f}" '
            f'y2="{top + height + 2:.1f}"/><text x="{x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}">'
            f"{e(tick.label)}</text></g>")


def _axis(scale: _Scale, bottom: float, axis_format) -> list[str]:
    y = bottom + 12
    right = scale.left + scale.width
    return [f'<text class="axis" x="{scale.left:.1f}" y="{y:.1f}">{e(axis_format(scale.low))}</text>',
            f'<text class="axis" x="{right:.1f}" y="{y:.1f}" text-anchor="end">{e(axis_format(scale.high))}</text>']


def _text_width(chars: int) -> float:
    return round(chars * CHAR_WIDTH + 2, 1)


# scales ------------------------------------------------------------------------------------

_NICE_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) ≥ value."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in _NICE_STEPS if step * power >= value * (1 - 1e-12))


def value_domain(values: list[float | None]) -> tuple[float, float]:
    """A scale for statistics: [0, 1] or [-1, 1] when they fit (agreement, accuracy, F1), else round ends."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    low, high = min(finite + [0.0]), max(finite + [0.0])
    if low >= 0 and high <= 1:
        return 0.0, 1.0
    if low >= -1 and high <= 1:
        return -1.0, 1.0
    return -nice_ceiling(-low * 1.1), nice_ceiling(high * 1.1)

"""SVG charts drawn from the numbers: a trend line, a bullet bar (actual against target), a progress bar.

Geometry is computed here and written into SVG attributes by :func:`_n`, which only accepts finite
numbers and prints them with ``%.1f``: nothing a workbook holds can reach an attribute as text.
Labels are real SVG text, formatted by the caller (Babel) and escaped by ElementTree, so the PDF
keeps them searchable and a client name like ``<script>`` stays text.

>>> svg = progress_bar(0.5, 0.8, "#2E7D32")
>>> 'width="30.0"' in svg and svg.startswith("<svg")
True
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["FONT_FAMILY", "TrendLabels", "bullet_chart", "nice_ticks", "progress_bar", "safe_colour", "trend_chart"]

FONT_FAMILY = "Report Sans, Report Symbols, Report Math"
_SVG_NS = "http://www.w3.org/2000/svg"
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_GRID = "#D9D9D9"
_MUTED = "#8C8C8C"
_INK = "#333333"
_TARGET = "#C05600"
_CHAR_EM = 0.56  # average advance of Noto Sans, in em: enough to keep labels from overlapping


def safe_colour(text: object, default: str = "#1F4E79") -> str:
    """``#RRGGBB`` or ``#RGB`` from the workbook, normalised; anything else gives ``default``.

    >>> safe_colour("#1f4e79"), safe_colour("#abc"), safe_colour("red;} body{display:none"), safe_colour(None)
    ('#1F4E79', '#AABBCC', '#1F4E79', '#1F4E79')
    """
    if isinstance(text, str):
        text = text.strip()
        if re.fullmatch(r"#[0-9A-Fa-f]{3}", text):
            text = "#" + "".join(c * 2 for c in text[1:])
        if _COLOUR.fullmatch(text):
            return text.upper()
    return default


def _n(value: float) -> str:
    """A coordinate for an SVG attribute: a finite number, ``%.1f``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not a finite coordinate: {value!r}")
    return "%.1f" % value  # noqa: UP031 - the one format every coordinate goes through


def _colour(value: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"not a #RRGGBB colour: {value!r}")
    return value


def _svg(width: float, height: float, label: str, alt: str | None = None) -> ET.Element:
    """The chart's root. Its ``<title>`` is the text alternative a tagged PDF gives the figure
    (WeasyPrint reads it into /Alt): what the chart shows, with its values, not just its name."""
    svg = ET.Element("svg", {
        "xmlns": _SVG_NS, "width": _n(width), "height": _n(height), "viewBox": f"0 0 {_n(width)} {_n(height)}",
        "font-family": FONT_FAMILY, "role": "img", "aria-label": alt or label,
    })
    ET.SubElement(svg, "title").text = alt or label
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, *, size: float = 10, anchor: str = "start",
          fill: str = _INK, weight: str = "normal") -> None:
    element = ET.SubElement(parent, "text", {
        "x": _n(x), "y": _n(y), "font-size": _n(size), "text-anchor": anchor, "fill": fill, "font-weight": weight})
    element.text = text


def _rect(parent: ET.Element, x: float, y: float, w: float, h: float, fill: str, **extra: str) -> None:
    ET.SubElement(parent, "rect", {"x": _n(x), "y": _n(y), "width": _n(max(w, 0.0)), "height": _n(max(h, 0.0)),
                                   "fill": fill, **extra})


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
          dash: str | None = None) -> None:
    attrs = {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2), "stroke": stroke, "stroke-width": _n(width)}
    if dash:
        attrs["stroke-dasharray"] = dash
    ET.SubElement(parent, "line", attrs)


def _markup(svg: ET.Element) -> Markup:
    # ElementTree escapes &, < and > in text and quotes in attributes: the result is safe markup.
    return Markup(ET.tostring(svg, encoding="unicode"))


def _text_width(text: str, size: float) -> float:
    return len(text) * size * _CHAR_EM


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering ``low`` to ``high``: steps of 1, 2, 2.5 or 5 times a power of ten.

    >>> nice_ticks(0, 87)
    [0.0, 25.0, 50.0, 75.0, 100.0]
    >>> nice_ticks(-12, 40)
    [-20.0, 0.0, 20.0, 40.0]
    """
    scale = max(abs(low), abs(high))
    if scale < 1e-300:  # nothing but zeros (or numbers too small to tell from zero)
        low, high = 0.0, 1.0
    elif not high - low > scale * 1e-9:  # flat data: a band above the value
        high = low + scale * 0.1
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-12))
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil((high - first) / step - 1e-9)
    digits = max(0, 2 - math.floor(math.log10(step)))  # enough to print 2.5 x 10^k exactly
    return [round(first + k * step, digits) + 0.0 for k in range(last + 1)]


@dataclass(frozen=True, slots=True)
class TrendLabels:
    """The chart's words, already translated."""

    title: str
    this_year: str
    last_year: str
    target: str


def trend_chart(
    months: Sequence[str],
    years: Sequence[str | None],
    this_year: Sequence[float | None],
    last_year: Sequence[float | None],
    target: float | None,
    fmt_ticks: Callable[[list[float]], list[str]],
    fmt_value: Callable[[float], str],
    labels: TrendLabels,
    colour: str,
    *,
    bounds: tuple[float | None, float | None] = (None, None),
    width: float = 640,
    height: float = 180,
    alt: str | None = None,
) -> Markup:
    """A line per year over the same months (13 by default), a dashed target line, value labels.

    ``years`` holds the year to print under a month (the first one and each January), else None;
    ``fmt_ticks`` formats all the y-axis ticks at once, so it can give them the decimals their step needs;
    ``bounds`` are the values the KPI can take (a rate stays within 0 to 100 %); ``alt`` is the text
    alternative (the title when not given).
    """
    colour = _colour(colour)
    svg = _svg(width, height, labels.title, alt)
    latest = next(((i, v) for i, v in reversed(list(enumerate(this_year))) if v is not None), None)
    latest_text = fmt_value(latest[1]) if latest is not None else ""
    # The latest value is labelled in the right margin, clear of the lines.
    left, right, top, bottom = 58.0, 16.0 + _text_width(latest_text, 9), 26.0, 34.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for v in (*this_year, *last_year, target) if v is not None]
    low, high = _line_domain(values)
    floor, ceiling = bounds
    # Padding stays inside what the KPI can take: no 102 % on a retention rate's axis.
    low = max(low, floor) if floor is not None and min(values, default=floor) >= floor else low
    high = min(high, ceiling) if ceiling is not None and max(values, default=ceiling) <= ceiling else high
    ticks = nice_ticks(low, high)
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    slot = plot_w / max(len(months), 1)

    def x_of(index: int) -> float:
        return left + slot * (index + 0.5)

    for tick, text in zip(ticks, fmt_ticks(ticks), strict=True):
        _line(svg, left, y_of(tick), left + plot_w, y_of(tick), _GRID, 0.6)
        _text(svg, left - 6, y_of(tick) + 3.5, text, size=9, anchor="end", fill=_MUTED)
    # Month labels: every month, in a smaller size if they need it ("Tháng 10" in Vietnamese), every
    # other month when even 7 units would not fit.
    chars = max((len(m) for m in months), default=1)
    label_size = min(9.0, max(7.0, (slot - 4) / (chars * _CHAR_EM)))
    every = 1 if _text_width("x" * chars, label_size) <= slot - 4 else 2
    last_index = len(months) - 1
    for i, month in enumerate(months):
        if (last_index - i) % every == 0:
            _text(svg, x_of(i), top + plot_h + 14, month, size=label_size, anchor="middle", fill=_MUTED)
        year = years[i] if i < len(years) else None
        if year and (last_index - i) % every == 0:
            _text(svg, x_of(i), top + plot_h + 26, year, size=8, anchor="middle", fill=_MUTED)

    if target is not None:
        _line(svg, left, y_of(target), left + plot_w, y_of(target), _TARGET, 1.2, "5 3")
    _polyline(svg, [x_of(i) for i in range(len(last_year))], [None if v is None else y_of(v) for v in last_year],
              _MUTED, 1.4, dash="3 2", dots=False)
    _polyline(svg, [x_of(i) for i in range(len(this_year))], [None if v is None else y_of(v) for v in this_year],
              colour, 2.2, dots=True)
    if latest is not None:
        i, v = latest
        _text(svg, x_of(i) + 6, y_of(v) + 3.5, latest_text, size=9, fill=colour, weight="bold")

    # Legend across the top.
    x = left
    for text, stroke, dash in ((labels.this_year, colour, None), (labels.last_year, _MUTED, "3 2"),
                               *(((labels.target, _TARGET, "5 3"),) if target is not None else ())):
        _line(svg, x, 10, x + 18, 10, stroke, 2, dash)
        _text(svg, x + 22, 13.5, text, size=9)
        x += 22 + _text_width(text, 9) + 16
    return _markup(svg)


def _line_domain(values: list[float]) -> tuple[float, float]:
    """The y range of a line chart: from zero, unless every value sits far above it (a CTR between
    1.0 % and 1.3 %), where zero would flatten the line the reader came to see."""
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if low > 0 and low > 0.5 * high:
        pad = max((high - low) * 0.25, high * 0.02)
        return low - pad, high + pad
    return min(0.0, low), max(0.0, high)


def _polyline(svg: ET.Element, xs: Sequence[float], ys: Sequence[float | None], colour: str, width: float, *,
              dash: str | None = None, dots: bool) -> None:
    """Lines through the known points; a gap where a month has no data."""
    segment: list[tuple[float, float]] = []
    segments = []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append((x, y))
    if segment:
        segments.append(segment)
    for points in segments:
        attrs = {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in points), "fill": "none", "stroke": colour,
                 "stroke-width": _n(width), "stroke-linejoin": "round"}
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(svg, "polyline", attrs)
        if dots:
            for x, y in points:
                ET.SubElement(svg, "circle", {"cx": _n(x), "cy": _n(y), "r": "2.4", "fill": colour})


def bullet_chart(
    actual: float | None,
    expected: float | None,
    target: float | None,
    texts: dict[str, str],
    colour: str,
    *,
    width: float = 640,
    height: float = 58,
    lower_is_better: bool = False,
) -> Markup:
    """Actual as a bar, target as a dark tick, expected-to-date as a grey tick, each labelled.

    ``texts`` holds the formatted labels: ``actual``, ``expected``, ``target`` and ``title``; the text
    alternative says all three. For a lower-is-better KPI (CPA) the scale runs from high on the left to
    low on the right, so that a longer bar is always better and a bar past the target tick always means
    the target is reached.
    """
    colour = _colour(colour)
    alt = f"{texts['title']}: " + "; ".join(texts[key] for key in ("actual", "expected", "target")) + "."
    svg = _svg(width, height, texts["title"], alt)
    left, right = 8.0, 8.0
    known = [v for v in (actual, expected, target) if v is not None]
    low = min([0.0, *known])
    high = max([0.0, *known]) * 1.08 if known and max(known) > 0 else 1.0
    if high <= low:
        high = low + 1.0
    plot_w = width - left - right

    def x_of(value: float) -> float:
        share = (value - low) / (high - low)
        return left + (1.0 - share if lower_is_better else share) * plot_w

    bar_y, bar_h = 20.0, 16.0
    _rect(svg, left, bar_y, plot_w, bar_h, "#EFEFEF")
    zero = x_of(high if lower_is_better else 0.0)  # the bar grows from the worst end of the scale
    if actual is not None:
        x_end = x_of(actual)
        _rect(svg, min(zero, x_end), bar_y + 3, abs(x_end - zero), bar_h - 6, colour)
    size = 9.0
    if target is not None:
        x = x_of(target)
        _line(svg, x, bar_y - 3, x, bar_y + bar_h + 3, _TARGET, 2.4)
        _text(svg, _label_x(x, texts["target"], size, width), bar_y - 6, texts["target"], size=size,
              anchor=_anchor(x, texts["target"], size, width), fill=_TARGET, weight="bold")
    if expected is not None:
        x = x_of(expected)
        _line(svg, x, bar_y, x, bar_y + bar_h + 3, _INK, 1.4, "2 1.5")
        _text(svg, _label_x(x, texts["expected"], size, width), bar_y + bar_h + 14, texts["expected"], size=size,
              anchor=_anchor(x, texts["expected"], size, width), fill=_INK)
    if actual is None:
        _text(svg, left + 6, bar_y + bar_h - 4, texts["actual"], size=size, fill=_MUTED)
    return _markup(svg)


def _anchor(x: float, text: str, size: float, width: float) -> str:
    """Centre a label on its tick unless it would leave the chart."""
    half = _text_width(text, size) / 2
    if x - half < 2:
        return "start"
    if x + half > width - 2:
        return "end"
    return "middle"


def _label_x(x: float, text: str, size: float, width: float) -> float:
    anchor = _anchor(x, text, size, width)
    return max(x, 2.0) if anchor == "start" else min(x, width - 2.0) if anchor == "end" else x


def progress_bar(fill: float | None, marker: float | None, colour: str, *, width: float = 60,
                 height: float = 9, alt: str = "") -> Markup:
    """A bar filled to ``fill`` (0 to 1, clamped) with a tick where the goal should be by now;
    ``alt`` says the same in words for a screen reader."""
    colour = _colour(colour)
    svg = ET.Element("svg", {"xmlns": _SVG_NS, "width": _n(width), "height": _n(height),
                             "viewBox": f"0 0 {_n(width)} {_n(height)}", "class": "bar"})
    if alt:
        svg.set("role", "img")
        svg.set("aria-label", alt)
        ET.SubElement(svg, "title").text = alt
    _rect(svg, 0, 0, width, height, "#E6E6E6", rx="2")
    if fill is not None and math.isfinite(fill):
        _rect(svg, 0, 0, width * min(max(fill, 0.0), 1.0), height, colour, rx="2")
    if marker is not None and math.isfinite(marker):
        x = width * min(max(marker, 0.0), 1.0)
        _line(svg, x, -1, x, height + 1, _INK, 1.2)
    return _markup(svg)

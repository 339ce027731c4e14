"""The SVG charts: geometry from the numbers, text kept as escaped text, nothing unsafe in attributes."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.report import charts

NS = {"svg": "http://www.w3.org/2000/svg"}
LABELS = charts.TrendLabels("CPA (Search)", "Last 13 months", "A year earlier", "Target")
MONTHS = ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
YEARS = ["2025", None, None, "2026", *([None] * 9)]


def _trend(this_year, last_year, target=None, months=MONTHS, labels=LABELS):
    return charts.trend_chart(months, YEARS, this_year, last_year, target,
                              fmt_ticks=lambda ticks: [f"{t:g}" for t in ticks], fmt_value=lambda v: f"{v:.1f}",
                              labels=labels, colour="#1F4E79")


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_hostile_labels_stay_text():
    hostile = '<script>alert(1)</script> & "quotes" <img src=file:///etc/hostname>'
    svg = _trend([1.0] * 13, [None] * 13, labels=charts.TrendLabels(hostile, hostile, hostile, hostile),
                 months=[hostile] * 13)
    root = _parse(svg)  # well-formed XML: the markup was escaped, not injected
    assert root.find(".//svg:script", NS) is None and root.find(".//svg:img", NS) is None
    assert hostile in _texts(root)
    assert root.get("aria-label") == hostile


def test_trend_draws_one_segment_per_run_of_known_months():
    this_year = [1.0, 2.0, None, 3.0, 4.0, 5.0, None, None, 6.0, 7.0, 8.0, 9.0, 10.0]
    root = _parse(_trend(this_year, [None] * 13))
    lines = root.findall("svg:polyline", NS)
    assert [len(p.get("points").split()) for p in lines] == [2, 3, 5]
    assert len(root.findall("svg:circle", NS)) == 10
    assert "10.0" in _texts(root)  # the latest value is labelled


def test_trend_points_are_placed_by_value():
    root = _parse(_trend([float(i) for i in range(13)], [None] * 13))
    ys = [float(p.split(",")[1]) for p in root.find("svg:polyline", NS).get("points").split()]
    assert ys == sorted(ys, reverse=True)  # higher value, higher on the page (smaller y)
    assert all(b - a == pytest.approx(ys[1] - ys[0], abs=0.15) for a, b in itertools.pairwise(ys))


def test_target_line_only_when_given():
    with_target = _parse(_trend([1.0] * 13, [1.0] * 13, target=2.0))
    without = _parse(_trend([1.0] * 13, [1.0] * 13))
    assert len(with_target.findall("svg:line[@stroke-dasharray='5 3']", NS)) == 2  # the line and its legend
    assert "Target" in _texts(with_target) and "Target" not in _texts(without)


def test_long_month_labels_shrink_then_thin_out():
    short = _parse(_trend([1.0] * 13, [None] * 13))
    vietnamese = _parse(_trend([1.0] * 13, [None] * 13, months=[f"Tháng {m}" for m in range(1, 14)]))
    very_long = _parse(_trend([1.0] * 13, [None] * 13, months=[f"Month number {m}" for m in range(1, 14)]))
    assert sum(t.startswith("Oct") or len(t) == 3 for t in _texts(short)) >= 13
    assert sum(t.startswith("Tháng") for t in _texts(vietnamese)) == 13
    assert sum(t.startswith("Month number") for t in _texts(very_long)) == 7  # every other one, ending on the last


def test_bullet_labels_stay_inside_the_chart():
    root = _parse(charts.bullet_chart(95.0, 60.0, 100.0, {"title": "t", "actual": "a", "expected": "Expected 60",
                                                          "target": "Target: 100 000,00 zł"}, "#3E9B4F"))
    width = float(root.get("width"))
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        x, anchor = float(text.get("x")), text.get("text-anchor")
        size = len(text.text) * 9 * 0.56
        left = {"start": x, "middle": x - size / 2, "end": x - size}[anchor]
        assert 0 <= left and left + size <= width + 0.1, text.text


@pytest.mark.parametrize(("fill", "marker", "width", "tick"), [
    (0.5, 0.8, "30.0", "48.0"),
    (2.5, 1.2, "60.0", "60.0"),   # past the target: full, never wider than the bar
    (-1.6, None, "0.0", None),    # behind the baseline: empty
    (None, None, None, None),     # no target or no data: no fill at all
])
def test_progress_bar_is_clamped(fill, marker, width, tick):
    root = _parse(charts.progress_bar(fill, marker, "#3E9B4F"))
    background, *filled = root.findall("svg:rect", NS)
    assert background.get("width") == "60.0"
    assert [r.get("width") for r in filled] == ([width] if width else [])
    assert [line.get("x1") for line in root.findall("svg:line", NS)] == ([tick] if tick else [])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12", None])
def test_coordinates_must_be_finite_numbers(bad):
    with pytest.raises(ValueError, match="not a finite coordinate"):
        charts._n(bad)


@pytest.mark.parametrize("bad", ["red", "#12345", "#1F4E79;x:y", "url(x)", "#1F4E79 ", None, 3])
def test_colours_from_the_workbook_are_validated(bad):
    assert charts.safe_colour(bad, "#000000") == ("#1F4E79" if bad == "#1F4E79 " else "#000000")
    with pytest.raises(ValueError):
        charts.progress_bar(0.5, None, bad if isinstance(bad, str) and bad != "#1F4E79 " else "red")


@given(st.floats(-1e9, 1e9), st.floats(0, 1e9))
def test_ticks_cover_the_range_with_round_even_steps(low, span):
    high = low + span
    ticks = charts.nice_ticks(low, high)
    assert 2 <= len(ticks) <= 7
    step = ticks[1] - ticks[0]
    # Covered to within a millionth of a step: far below what a chart can show.
    assert ticks[0] <= low + step * 1e-6 and ticks[-1] >= high - step * 1e-6
    assert all(math.isclose(b - a, step, rel_tol=1e-6) for a, b in itertools.pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))

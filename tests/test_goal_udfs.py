"""The goal functions with Excel-shaped input: dates as datetimes, serials or text; an explicit as_of."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl import udfs

DT = dt.datetime
OCT_1, OCT_31, OCT_15 = DT(2026, 10, 1), DT(2026, 10, 31), DT(2026, 10, 15)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((40.0, 0.1, "CPA"), 36.0),                 # lower is better: 10 % better is lower
        ((0.02, 0.25, "CONVERSION_RATE"), 0.025),
        ((1000.0, 0.1), 1100.0),                    # no KPI: higher is better
        (([500.0, 500.0], 0.1), 1100.0),            # a range is summed
        ((-20.0, 0.5, "NPS"), -10.0),               # relative to the baseline's size
        ((0.9, 0.5, "CSAT"), "#NUM!"),              # 135 % satisfied is impossible
        ((40.0, 0.1, "NOPE"), "#N/A"),
        (("forty", 0.1), "#VALUE!"),
    ],
)
def test_kpi_target(args, expected):
    result = udfs.KPI_TARGET(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((35.0, 30.0, 40.0, "CPA"), 0.5),
        ((30.0, 40.0), 0.75),
        ((32.0, 24.0, None, "CPA"), 0.75),
        ((50.0, 50.0, 50.0), "#DIV/0!"),
        ((0.0, 24.0, None, "CPA"), "#DIV/0!"),
    ],
)
def test_kpi_progress(args, expected):
    assert udfs.KPI_PROGRESS(*args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((15_000.0, 31_000.0, OCT_1, OCT_31, OCT_15), 1.0),
        ((15_000.0, 31_000.0, "2026-10-01", "2026-10-31", "2026-10-15"), 1.0),   # ISO text dates
        ((15_000.0, 31_000.0, "2026-10-01 08:00", "2026-10-31", "2026-10-15"), 1.0),  # as the reader reads them
        ((15_000.0, 31_000.0, "20261001", "2026-10-31", "2026-10-15"), "#VALUE!"),    # and refuses them
        ((15_000.0, 31_000.0, 46296.0, 46326.0, 46310.0), 1.0),                  # Excel serials
        ((27.0, 30.0, OCT_1, OCT_31, OCT_15, "CPA"), 30.0 / 27.0),               # a rate against its target
        ((15_000.0, 31_000.0, OCT_1, OCT_31, DT(2026, 9, 1)), "#N/A"),           # not started
        ((15_000.0, 31_000.0, OCT_31, OCT_1, OCT_15), "#NUM!"),                  # end before start
        ((15_000.0, 31_000.0, "soon", OCT_31, OCT_15), "#VALUE!"),
    ],
)
def test_kpi_pace(args, expected):
    result = udfs.KPI_PACE(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((15_000.0, OCT_1, OCT_31, OCT_15), 31_000.0),
        ((31_000.0, OCT_1, OCT_31, DT(2026, 12, 1)), 31_000.0),   # after the end: the final total
        ((100.0, OCT_1, OCT_31, DT(2026, 9, 30)), "#N/A"),
    ],
)
def test_kpi_forecast(args, expected):
    result = udfs.KPI_FORECAST(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.0, 31_000.0, OCT_1, OCT_31, DT(2026, 9, 30)), "not_started"),
        ((15_000.0, 31_000.0, OCT_1, OCT_31, OCT_15), "on_track"),
        ((15_000.0, 33_000.0, OCT_1, OCT_31, OCT_15), "at_risk"),
        ((15_000.0, 40_000.0, OCT_1, OCT_31, OCT_15), "off_track"),
        ((35_000.0, 31_000.0, OCT_1, OCT_31, OCT_15), "on_track"),     # no KPI given: pace decides
        ((35_000.0, 31_000.0, OCT_1, OCT_31, OCT_15, "REVENUE"), "achieved"),
        ((30_000.0, 31_000.0, OCT_1, OCT_31, OCT_31), "missed"),
        ((25.0, 26.0, OCT_1, OCT_31, OCT_31, "CPA"), "achieved"),
        # CPA from 25 towards 20: by the 16th 5 x 16/31 = 2.58 of the way is due. At 22.6, 2.4 travelled:
        # pace 2.4 / 2.58 = 0.93, at risk; still at the baseline 25, nothing travelled: off track.
        ((22.6, 20.0, OCT_1, OCT_31, DT(2026, 10, 16), "CPA", 25.0), "at_risk"),
        ((25.0, 20.0, OCT_1, OCT_31, DT(2026, 10, 16), "CPA", 25.0), "off_track"),
        ((25.0, 20.0, OCT_1, OCT_31, DT(2026, 10, 16), "CPA"), "off_track"),   # no glide path without a baseline
        ((25.0, 20.0, OCT_1, OCT_31, DT(2026, 10, 16), "CPX"), "#N/A"),
    ],
)
def test_kpi_status(args, expected):
    assert udfs.KPI_STATUS(*args) == expected


def test_kpi_status_defaults_as_of_to_today():
    future = DT(dt.date.today().year + 2, 1, 1)
    assert udfs.KPI_STATUS(0.0, 1.0, future, future + dt.timedelta(days=30)) == "not_started"


@pytest.mark.each_locale
def test_kpi_status_label_in_every_locale(locale):
    labels = {code: udfs.KPI_STATUS_LABEL(code, locale)
              for code in ("not_started", "on_track", "at_risk", "off_track", "achieved", "missed")}
    assert len(set(labels.values())) == 6
    assert all(isinstance(v, str) and not v.startswith("#") for v in labels.values())
    assert (labels["on_track"] == "On track") == locale.startswith("en")


@pytest.mark.parametrize(("args", "expected"), [(("late",), "#N/A"), (("AT_RISK", "es_MX"), "En riesgo")])
def test_kpi_status_label(args, expected):
    assert udfs.KPI_STATUS_LABEL(*args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("CPA", 22.5, OCT_1, OCT_31, "Cheaper leads", 25.0), "OK"),
        (("CTR", 1.5, OCT_1, OCT_31, "Awareness"), "Achievable: The target 1.5 is outside what "
                                                   "Click-through rate (CTR) can reach."),
        (("CPA", 22.5, OCT_1, OCT_31), "Relevant: No objective: say which business aim this Conversion goal serves."),
        (("CPA", 22.5, OCT_31, OCT_1, "x"), "Time-bound: The end date is before the start date."),
        (("CPA", 30.0, OCT_1, OCT_31, "x", 25.0), "Measurable: The target 30 is no improvement on the baseline 25."),
        (("CPA", None, OCT_1, OCT_31, "x"), "Measurable: No target: give a Target, or an Improvement with a "
                                            "Baseline or enough history to compute one."),
        (("NOPE", 1.0, OCT_1, OCT_31), "#N/A"),
        (("CPA", "ten", OCT_1, OCT_31), "#VALUE!"),
    ],
)
def test_kpi_smart_check(args, expected):
    assert udfs.KPI_SMART_CHECK(*args) == expected

"""``kpi-xl goals --json``: one object per goal, numbers as JSON numbers, null where there is none,
status codes as KPI_STATUS returns them; scripts read it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kpi_xl import cli, udfs

DEMO = Path(__file__).resolve().parent.parent / "workbooks" / "demo.xlsx"
FIELDS = {"client", "kpi", "channel", "baseline", "target", "actual", "expected", "forecast", "pace", "progress",
          "status", "findings"}
STATUSES = {"not_started", "on_track", "at_risk", "off_track", "achieved", "missed"}


def goals_json(*argv: str) -> list[dict]:
    out = io.StringIO()
    assert cli.main(["goals", str(DEMO), "--json", *argv], out=out) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def records():
    return goals_json("--as-of", "2026-11-21")


def test_every_goal_is_an_object_with_numbers_or_null(records):
    assert len(records) == 20
    for record in records:
        assert FIELDS <= set(record)
        assert record["status"] in STATUSES
        for name in ("baseline", "target", "actual", "expected", "forecast", "pace", "progress"):
            assert record[name] is None or type(record[name]) in (int, float), (record["kpi"], name)
        assert all({"criterion", "severity", "text"} <= set(f) for f in record["findings"])


def test_a_goal_not_started_has_nulls(records):
    # Café Serra Azul's WhatsApp response time goal opens in December.
    later = next(r for r in records if r["kpi"] == "AVG_RESPONSE_TIME")
    assert (later["channel"], later["status"]) == ("WhatsApp", "not_started")
    assert later["actual"] is later["pace"] is later["forecast"] is None
    assert isinstance(later["baseline"], (int, float)) and isinstance(later["target"], (int, float))


def test_the_numbers_follow_the_pace_rule(records):
    # FCR on Zalo over Q4 on 21 November: 52 of 92 days. Expected = baseline + (target - baseline) x 52/92;
    # pace = (actual - baseline) / (expected - baseline); the status is what KPI_STATUS says of them.
    fcr = next(r for r in records if r["kpi"] == "FCR")
    base, target, actual = fcr["baseline"], fcr["target"], fcr["actual"]
    assert fcr["expected"] == pytest.approx(base + (target - base) * 52 / 92)
    assert fcr["pace"] == pytest.approx((actual - base) / (fcr["expected"] - base))
    assert fcr["progress"] == pytest.approx((actual - base) / (target - base))
    assert fcr["status"] == udfs.KPI_STATUS(actual, target, "2026-10-01", "2026-12-31", "2026-11-21", "FCR", base)
    assert actual < base and fcr["status"] == "off_track"


def test_one_client():
    assert {r["client"] for r in goals_json("--as-of", "2026-11-21", "--client", "Sen Vàng Spa")} == {"Sen Vàng Spa"}

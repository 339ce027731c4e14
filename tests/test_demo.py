"""The demo data: deterministic, covering every measure and goal kind, seasonal, and a sane funnel."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

import pytest

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.periods import Month, last_complete_month
from kpi_xl.core.registry import KPIS, MEASURES, Stage
from kpi_xl.demo import HISTORY_MONTHS, demo_data
from kpi_xl.i18n import SUPPORTED_LOCALES

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo() -> WorkbookData:
    return demo_data(TODAY)


def _rows(data: WorkbookData) -> list[dict[str, object]]:
    a = data.actuals
    return [{"date": a.dates[i], "client": a.clients[i], "channel": a.channels[i], "campaign": a.campaigns[i],
             **{m: column[i] for m, column in a.measures.items()}} for i in range(len(a))]


def _monthly(data: WorkbookData, client: str, measure: str) -> dict[Month, float]:
    view = ActualsView(data.actuals, client)
    first, last = Month.of(min(data.actuals.dates)), last_complete_month(TODAY)
    months: dict[Month, float] = {}
    month = first
    while month <= last:
        months[month] = view.total(measure, month.first_day, month.last_day) or 0.0
        month += 1
    return months


def test_same_today_same_data(demo):
    again = demo_data(TODAY)
    assert _rows(again) == _rows(demo)
    assert again.goals == demo.goals and again.clients == demo.clients and again.settings == demo.settings


def test_a_day_of_daily_rows_does_not_change_as_today_moves_on(demo):
    later = demo_data(TODAY + dt.timedelta(days=40))
    daily = lambda data: [r for r in _rows(data) if r["channel"] not in ("CRM", "Survey")  # noqa: E731
                          and dt.date(2026, 6, 1) <= r["date"] < TODAY]
    assert daily(later) == daily(demo)


@pytest.mark.parametrize("today", [TODAY, dt.date(2025, 3, 1), dt.date(2024, 2, 29), dt.date(2027, 1, 31)])
def test_history_runs_from_19_months_back_to_yesterday(today):
    data = demo_data(today)
    assert min(data.actuals.dates) == (Month.of(today) - HISTORY_MONTHS).first_day
    assert data.actuals.latest_date == today - dt.timedelta(days=1)
    assert HISTORY_MONTHS >= 18
    assert 5_000 <= len(data.actuals) <= 60_000


def test_four_clients_one_per_report_language(demo):
    clients = list(demo.clients.values())
    assert sorted((c.locale, c.currency) for c in clients) == [
        ("es_ES", "EUR"), ("pl_PL", "PLN"), ("pt_BR", "BRL"), ("vi_VN", "VND")]
    for client in clients:
        assert client.locale in SUPPORTED_LOCALES and len(client.commentary) > 100
        assert 1 <= len(client.emails) <= 3
        assert all(e.rsplit("@", 1)[1] in ("example.com", "example.org", "example.net") for e in client.emails)


def test_every_measure_has_data_and_every_tracked_kpi_a_value(demo):
    for measure, column in demo.actuals.measures.items():
        assert any(v is not None for v in column), measure
    assert set(demo.actuals.measures) == set(MEASURES) | set(demo.actuals.custom) == {*MEASURES, "video_views"}
    month = last_complete_month(TODAY)
    for code, kpi in KPIS.items():
        if kpi.measures:
            values = [ActualsView(demo.actuals, c).value(kpi, month.first_day, month.last_day) for c in demo.clients]
            assert any(v is not None for v in values), code


def test_goals_cover_every_case_the_reports_handle(demo):
    goals = demo.goals
    assert {demo.kpi(g.kpi).stage for g in goals} == set(Stage)
    assert any(demo.kpi(g.kpi).lower_is_better for g in goals)
    assert [g.kpi for g in goals if g.kpi in demo.kpis] == ["CPV"], "a goal on the workbook's own KPI"
    assert any(g.channel for g in goals) and any(not g.objective for g in goals)
    assert any(g.improvement is not None and g.improvement >= 1 for g in goals), "an unrealistic goal"
    assert any(g.baseline is None and g.target is None for g in goals), "a baseline from history"
    assert any(g.target is not None for g in goals) and any(g.baseline is not None for g in goals)
    assert {g.client for g in goals} == set(demo.clients)
    yesterday = TODAY - dt.timedelta(days=1)
    assert any(g.end < yesterday for g in goals), "a finished goal"
    assert any(g.start <= yesterday <= g.end for g in goals), "a running goal"
    assert any(g.start > yesterday for g in goals), "a goal not started"
    for goal in goals:
        channels = ActualsView(demo.actuals, goal.client).channels()
        assert goal.channel is None or goal.channel in channels, goal


@pytest.mark.parametrize("client", ["Aurora Moda", "Café Serra Azul", "Zielony Ogród", "Sen Vàng Spa"])
def test_december_and_black_friday_stand_out(demo, client):
    revenue = _monthly(demo, client, "revenue")
    december = revenue[Month(2025, 12)]
    others = [v for m, v in revenue.items() if m.month not in (11, 12)]
    # December's season is x1.38 for three weeks; month-level effects on conversion and order value
    # (about 7 % each) can take some of it back, so the bar is 10 % above a typical month.
    assert december > 1.1 * statistics.median(others)
    view = ActualsView(demo.actuals, client)
    black_friday = view.total("revenue", dt.date(2025, 11, 28), dt.date(2025, 11, 28))
    november = [view.total("revenue", d, d) for d in (dt.date(2025, 11, day) for day in range(3, 21))]
    assert black_friday > 1.8 * statistics.mean(november)


def test_the_trend_is_gentle_and_upward(demo):
    for client in demo.clients:
        sessions = _monthly(demo, client, "sessions")
        assert 1.0 < sessions[Month(2026, 10)] / sessions[Month(2025, 10)] < 1.3, client


def test_weekends_are_quieter(demo):
    by_weekday: defaultdict[bool, list[float]] = defaultdict(list)
    for row in _rows(demo):
        if row["channel"] == "Search" and row["client"] == "Aurora Moda" and row["date"].month in (5, 6, 9):
            by_weekday[row["date"].weekday() >= 5].append(row["clicks"])
    assert statistics.mean(by_weekday[True]) < 0.95 * statistics.mean(by_weekday[False])


@pytest.mark.parametrize("client", ["Aurora Moda", "Café Serra Azul", "Zielony Ogród", "Sen Vàng Spa"])
def test_funnel_is_sane_every_month(demo, client):
    totals = {m: _monthly(demo, client, m) for m in MEASURES}
    for month in totals["cost"]:
        t = {m: totals[m][month] for m in MEASURES}
        assert t["impressions"] > t["clicks"] > t["sessions"] > t["conversions"] > 0, month
        assert t["carts"] >= t["orders"] and t["sessions"] > t["bounced_sessions"], month
        assert t["reach"] <= t["impressions"] and t["orders"] >= t["customers"], month
        assert t["promoters"] + t["passives"] + t["detractors"] == t["survey_responses"] >= t["satisfied"]
        assert 3.5 < t["rating_points"] / t["ratings"] <= 5
        assert t["chats"] >= t["chats_answered"] and t["chats"] >= t["chats_abandoned"]


@pytest.mark.parametrize("client", ["Aurora Moda", "Café Serra Azul", "Zielony Ogród", "Sen Vàng Spa"])
def test_customer_stocks_add_up(demo, client):
    view = ActualsView(demo.actuals, client)
    month = Month.of(min(demo.actuals.dates))
    while month < Month.of(TODAY):
        start, end = month.first_day, month.last_day
        at_start, at_end = view.total("customers_at_start", start, end), view.total("customers_at_end", start, end)
        assert at_end == at_start + view.total("new_customers", start, end) - view.total("customers_lost", start, end)
        following = view.total("customers_at_start", (month + 1).first_day, (month + 1).last_day)
        assert following == at_end, month
        month += 1


@pytest.mark.parametrize(
    ("client", "decimals", "low", "high"),
    [("Aurora Moda", 2, 30, 150), ("Café Serra Azul", 2, 60, 300), ("Zielony Ogród", 2, 100, 400),
     ("Sen Vàng Spa", 0, 400_000, 2_000_000)],
)
def test_money_is_realistic_for_the_currency(demo, client, decimals, low, high):
    rows = [r for r in _rows(demo) if r["client"] == client and r["revenue"] is not None]
    assert all(round(r["revenue"], decimals) == r["revenue"] and round(r["cost"] or 0, decimals) == (r["cost"] or 0)
               for r in rows)
    month = last_complete_month(TODAY)
    aov = ActualsView(demo.actuals, client).value(KPIS["AOV"], month.first_day, month.last_day)
    assert low < aov < high

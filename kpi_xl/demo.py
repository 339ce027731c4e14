"""A demo workbook: four fictional clients, one per report language, with 19 months of daily data.

Everything is derived from ``today`` and fixed seeds, never the wall clock: the same ``today`` gives
the same data. Each (client, day) draws from its own seeded generator, so a day's rows do not change
when ``today`` moves on. The numbers follow a real funnel (impressions > clicks > sessions > orders),
with weekly and yearly seasonality (Black Friday, December), noise and a gentle upward trend.

>>> import datetime as dt
>>> data = demo_data(dt.date(2026, 11, 22))
>>> sorted(c.locale for c in data.clients.values())
['es_ES', 'pl_PL', 'pt_BR', 'vi_VN']
>>> min(data.actuals.dates), data.actuals.latest_date
(datetime.date(2025, 4, 1), datetime.date(2026, 11, 21))
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.custom import custom_kpi
from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.periods import Month, shift_year
from kpi_xl.core.registry import Aggregation, get

__all__ = ["CPV", "HISTORY_MONTHS", "demo_data", "write_demo"]

HISTORY_MONTHS = 19   # full months of data before the current month
_SEED = "kpi_xl demo"
_TREND_ORIGIN = dt.date(2024, 1, 1)
_WEEKDAY = (1.04, 1.06, 1.03, 1.0, 0.94, 0.86, 0.9)        # Monday first: people shop on weekdays
_MONTH = (0.86, 0.84, 0.95, 0.97, 1.0, 0.96, 0.93, 0.9, 1.0, 1.04, 1.12, 1.38)
_BLACK_FRIDAY = {-3: 1.3, -2: 1.4, -1: 1.6, 0: 2.6, 1: 1.9, 2: 1.6, 3: 2.1}  # days from it: Cyber Monday is +3


@dataclass(frozen=True, slots=True)
class _Campaign:
    channel: str
    campaign: str
    clicks: float          # clicks on a typical day, before seasonality
    ctr: float
    cpc: float             # relative to the client's CPC
    carts: float           # carts per session
    social: bool = False   # has reach and engagements
    weekdays: tuple[int, ...] = tuple(range(7))


_CAMPAIGNS = (
    _Campaign("Search", "Brand", 260, 0.09, 0.6, 0.11),
    _Campaign("Search", "Generic", 420, 0.035, 1.3, 0.07),
    _Campaign("Social", "Prospecting", 380, 0.011, 0.8, 0.05, social=True),
    _Campaign("Display", "Remarketing", 150, 0.0035, 0.5, 0.08),
    _Campaign("Email", "Newsletter", 900, 0.12, 0.03, 0.09, weekdays=(1, 3)),  # sent Tuesdays and Thursdays
)
_BLACK_FRIDAY_CAMPAIGN = _Campaign("Social", "Black Friday", 500, 0.016, 1.1, 0.09, social=True)


@dataclass(frozen=True, slots=True)
class _Profile:
    client: Client
    scale: float           # volume relative to the campaign table
    cpc: float             # cost per click, in the client's currency
    aov: float             # average order value
    digits: int            # money decimals: VND has none
    chat: str | None       # the chat channel's name
    customers: int         # customers at the start of the history
    churn: float           # monthly share of customers lost


def _profiles() -> tuple[_Profile, ...]:
    def client(name: str, locale: str, currency: str, emails: tuple[str, ...], commentary: str) -> Client:
        return Client(name, emails, locale, currency, commentary)

    return (
        _Profile(client(
            "Aurora Moda", "es_ES", "EUR", ("marta.lopez@example.com", "equipo.marketing@example.org"),
            "El mes cerró con las ventas por encima del año pasado gracias a la búsqueda de marca y al "
            "remarketing. El coste por adquisición en buscadores sigue alto: reforzamos las campañas de "
            "temporada y ajustamos las pujas genéricas para contenerlo."),
            1.0, 0.42, 68.0, 2, None, 18_000, 0.025),
        _Profile(client(
            "Café Serra Azul", "pt_BR", "BRL", ("joana.silva@example.com",),
            "O mês fechou com receita acima do mesmo período do ano passado, puxada pelas assinaturas "
            "vendidas pelo WhatsApp. O tempo de primeira resposta ainda está acima da meta: vamos reforçar "
            "o atendimento nos horários de pico e testar respostas rápidas."),
            0.7, 1.85, 142.0, 2, "WhatsApp", 9_500, 0.035),
        _Profile(client(
            "Zielony Ogród", "pl_PL", "PLN",
            ("anna.kowalska@example.net", "marketing@example.net", "zarzad@example.org"),
            "Miesiąc zamknęliśmy wzrostem ruchu na stronie, głównie z kampanii w wyszukiwarce. Koszt tysiąca "
            "wyświetleń w sieci reklamowej spadł po zmianie grup odbiorców. W kolejnym miesiącu skupimy się "
            "na utrzymaniu klientów i satysfakcji po zakupie."),
            0.55, 1.6, 215.0, 2, None, 6_200, 0.03),
        _Profile(client(
            "Sen Vàng Spa", "vi_VN", "VND", ("lan.nguyen@example.com", "marketing@example.com"),
            "Doanh thu tháng này tăng so với cùng kỳ năm trước nhờ các chiến dịch trên mạng xã hội và kênh "
            "Zalo. Tỷ lệ thoát trang vẫn cao ở trang đích khuyến mãi; tháng tới chúng tôi sẽ tối ưu tốc độ "
            "tải trang và nội dung để cải thiện trải nghiệm khách hàng."),
            0.8, 5_200.0, 850_000.0, 0, "Zalo", 12_000, 0.04),
    )


def demo_data(today: dt.date) -> WorkbookData:
    """The demo workbook's data: daily rows from the first day of the month ``HISTORY_MONTHS``
    before ``today``'s month up to the day before ``today``."""
    first = (Month.of(today) - HISTORY_MONTHS).first_day
    last = today - dt.timedelta(days=1)
    profiles = _profiles()
    rows = [row for profile in profiles for row in _client_rows(profile, first, last)]
    rows.sort(key=lambda r: (r["date"], r["client"], r["channel"], r["campaign"]))
    actuals = Actuals.from_rows(rows, custom={"video_views": Aggregation.SUM})
    return WorkbookData(
        clients={p.client.name: p.client for p in profiles},
        goals=_goals(today, actuals),
        actuals=actuals,
        settings=Settings(
            agency_name="Lumen Digital (demo)", smtp_host="smtp.example.net", smtp_port=587,
            smtp_security="starttls", smtp_user="reports@example.net", from_address="reports@example.net"),
        source="demo",
        kpis={CPV.code: CPV},
        custom_measures={"video_views": ("Video views", "Reproducciones de 3 segundos o más (Meta, TikTok)")},
    )


#: The demo's own KPI (Custom KPIs sheet), in the agency's words.
CPV = custom_kpi("CPV", "Coste por visualización de vídeo", "cost / video_views", "currency", "lower", "awareness",
                 "Lo que cuesta cada reproducción de vídeo en redes sociales.", {"video_views": Aggregation.SUM})


def write_demo(path: Path, today: dt.date) -> None:
    """The demo workbook at ``path`` (atomically)."""
    from kpi_xl.workbook.template import write_workbook

    write_workbook(path, demo_data(today))


# --- the rows ---------------------------------------------------------------------------------


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _black_friday(year: int) -> dt.date:
    """The fourth Friday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7 + 21)


def _season(day: dt.date) -> float:
    factor = _WEEKDAY[day.weekday()] * _MONTH[day.month - 1]
    factor *= _BLACK_FRIDAY.get((day - _black_friday(day.year)).days, 1.0)
    if day.month == 12 and day.day >= 24:  # the shops are shut, the peak is over
        factor *= 0.55
    return factor * (1 + 0.12 * (day - _TREND_ORIGIN).days / 365)


@dataclass(frozen=True, slots=True)
class _MonthEffect:
    """How a month's campaigns did, beyond the daily noise: creatives wear out, auctions heat up,
    a landing page changes. Without it every month's rates would be the same average."""

    ctr: float
    cpc: float
    conversion: float
    bounce: float
    aov: float
    service: float

    @classmethod
    def of(cls, client: str, month: Month) -> _MonthEffect:
        rng = random.Random(f"{_SEED}|{client}|{month}|effect")
        return cls(*(rng.lognormvariate(0, 0.07) for _ in range(6)))


def _client_rows(p: _Profile, first: dt.date, last: dt.date) -> Iterator[dict[str, object]]:
    name = p.client.name
    money = lambda value: round(value, p.digits)  # noqa: E731
    month_new: defaultdict[Month, float] = defaultdict(float)
    month_orders: defaultdict[Month, float] = defaultdict(float)
    for day in _days(first, last):
        rng = random.Random(f"{_SEED}|{name}|{day.isoformat()}")
        effect = _MonthEffect.of(name, Month.of(day))
        season = _season(day)
        bf = _black_friday(day.year)
        campaigns = [*_CAMPAIGNS, *([_BLACK_FRIDAY_CAMPAIGN] if -7 <= (day - bf).days <= 3 else [])]
        for c in campaigns:
            if day.weekday() not in c.weekdays:
                continue
            clicks = round(c.clicks * p.scale * season * rng.lognormvariate(0, 0.12))
            sessions = round(clicks * rng.uniform(0.82, 0.95))
            carts = round(sessions * c.carts * effect.conversion * rng.uniform(0.85, 1.15))
            orders = round(carts * rng.uniform(0.26, 0.36))
            new = round(orders * rng.uniform(0.35, 0.5))
            auction = 1.2 if day.month in (11, 12) else 1.0  # everybody bids in the season
            row: dict[str, object] = {
                "impressions": round(clicks / (c.ctr * effect.ctr * rng.uniform(0.9, 1.1))),
                "clicks": clicks,
                "cost": money(clicks * p.cpc * c.cpc * auction * effect.cpc * rng.lognormvariate(0, 0.06)),
                "sessions": sessions,
                "bounced_sessions": round(sessions * min(0.43 * effect.bounce * rng.uniform(0.85, 1.15), 0.9)),
                "session_seconds": round(sessions * rng.uniform(90, 160)),
                "carts": carts,
                "orders": orders,
                "conversions": orders + round(sessions * rng.uniform(0.002, 0.006)),  # sign-ups convert too
                "revenue": money(orders * p.aov * effect.aov * rng.lognormvariate(0, 0.08)),
                "new_customers": new,
            }
            if c.social:
                reach = round(row["impressions"] / rng.uniform(1.5, 2.1))  # type: ignore[operator]
                engagements = round(reach * rng.uniform(0.025, 0.045))
                # The custom measure of the Custom KPIs sheet; derived, so no other draw moves.
                row |= {"reach": reach, "engagements": engagements, "video_views": engagements * 7}
            month_new[Month.of(day)] += new
            month_orders[Month.of(day)] += orders
            yield {"date": day, "client": name, "channel": c.channel, "campaign": c.campaign, **row}
        if p.chat:
            chats = round(140 * p.scale * season * rng.lognormvariate(0, 0.12))
            answered = round(chats * min(rng.uniform(0.9, 0.97) * effect.service ** 0.3, 1.0))
            users = round(chats * rng.uniform(0.85, 0.95))
            orders = round(chats * rng.uniform(0.08, 0.13))
            new = round(orders * rng.uniform(0.4, 0.6))
            month_new[Month.of(day)] += new
            month_orders[Month.of(day)] += orders
            yield {
                "date": day, "client": name, "channel": p.chat, "campaign": "",
                "chats": chats, "chats_answered": answered, "chat_responses": answered,
                "response_seconds": round(answered * rng.uniform(40, 110) / effect.service), "contacts": chats,
                "resolved_first_contact": round(chats * min(rng.uniform(0.64, 0.8) * effect.service, 1.0)),
                "chats_abandoned": round(chats * rng.uniform(0.04, 0.1)), "chat_users": users,
                "interactions": round(users * rng.uniform(5, 8)), "chat_seconds": round(chats * rng.uniform(300, 480)),
                "conversions": orders, "orders": orders, "new_customers": new,
                "revenue": money(orders * p.aov * rng.lognormvariate(0, 0.08)),
            }
    yield from _monthly_rows(p, first, last, month_new, month_orders)


def _monthly_rows(p: _Profile, first: dt.date, last: dt.date, month_new: dict[Month, float],
                  month_orders: dict[Month, float]) -> Iterator[dict[str, object]]:
    """Customer stocks (at the start on the 1st, at the end on the month's last day with data) and
    the monthly satisfaction survey, dated the 1st as monthly rows are."""
    name = p.client.name
    customers = float(p.customers)
    month = Month.of(first)
    while month.first_day <= last:
        rng = random.Random(f"{_SEED}|{name}|{month}")
        end = min(month.last_day, last)
        elapsed = (end - month.first_day).days + 1
        share = elapsed / month.days
        lost = round(customers * p.churn * share * rng.uniform(0.8, 1.2))
        at_end = customers + month_new[month] - lost
        yield {"date": month.first_day, "client": name, "channel": "CRM", "campaign": "",
               "customers_at_start": customers}
        yield {"date": end, "client": name, "channel": "CRM", "campaign": "", "customers_at_end": at_end,
               "customers_lost": lost, "customers": round(month_orders[month] * rng.uniform(0.78, 0.88))}
        responses = round(rng.uniform(180, 320) * share)
        promoters = round(responses * rng.uniform(0.45, 0.6))
        detractors = round(responses * rng.uniform(0.08, 0.18))
        ratings = round(responses * rng.uniform(0.5, 0.7))
        yield {"date": month.first_day, "client": name, "channel": "Survey", "campaign": "",
               "promoters": promoters, "detractors": detractors, "passives": responses - promoters - detractors,
               "survey_responses": responses, "satisfied": round(responses * rng.uniform(0.78, 0.9)),
               "ratings": ratings, "rating_points": round(ratings * rng.uniform(4.0, 4.6))}
        customers = at_end
        month += 1


# --- the goals --------------------------------------------------------------------------------


def _goals(today: dt.date, actuals: Actuals) -> list[Goal]:
    """Goals in every funnel stage over windows around ``today`` (so their statuses differ), some
    with a baseline or target read off the history as an analyst would."""
    current = Month.of(today)
    previous, following = current - 1, current + 1
    quarter_first = Month(current.year, (current.month - 1) // 3 * 3 + 1)
    quarter = (quarter_first.first_day, (quarter_first + 2).last_day)
    month = (current.first_day, current.last_day)
    last_month = (previous.first_day, previous.last_day)
    next_month = (following.first_day, following.last_day)

    def history(client: str, code: str, start: dt.date, channel: str | None = None) -> float:
        """The KPI over the three months before ``start``."""
        months = Month.of(start) - 3
        kpi = CPV if code == CPV.code else get(code)
        value = ActualsView(actuals, client, channel).value(kpi, months.first_day, start - dt.timedelta(days=1))
        if value is None:
            raise ValueError(f"demo: no history for {code} of {client}")
        return value

    def last_year(client: str, code: str, window: tuple[dt.date, dt.date]) -> float:
        value = ActualsView(actuals, client).value(get(code), shift_year(window[0]), shift_year(window[1]))
        if value is None:
            raise ValueError(f"demo: no history a year before for {code} of {client}")
        return value

    def spend(client: str, start: dt.date) -> float:
        """The cost over the three months before ``start``."""
        months = Month.of(start) - 3
        return ActualsView(actuals, client).total("cost", months.first_day, start - dt.timedelta(days=1)) or 0.0

    es, pt, pl, vi = "Aurora Moda", "Café Serra Azul", "Zielony Ogród", "Sen Vàng Spa"
    g = Goal
    return [
        g(es, "REVENUE", *quarter, target=round(last_year(es, "REVENUE", quarter) * 1.12, -2),
          objective="Crecer un 12 % las ventas online de la temporada frente al año pasado", owner="Lucía Romero"),
        g(es, "CPA", *month, channel="Search", improvement=0.10,
          objective="Abaratar la captación de clientes en buscadores", owner="Lucía Romero"),
        g(es, "CTR", *last_month, channel="Social", improvement=0.15,
          objective="Mejorar la relevancia de los anuncios en redes sociales", owner="Diego Navarro"),
        g(es, "CONVERSION_RATE", *month, baseline=round(history(es, "CONVERSION_RATE", month[0]), 4), improvement=3.0,
          objective="Cuadruplicar la tasa de conversión de la web", owner="Diego Navarro",
          notes="Objetivo poco realista a propósito: la comprobación SMART lo señala."),
        g(es, "CPV", *month, channel="Social", baseline=round(history(es, "CPV", month[0], "Social"), 3),
          improvement=0.08, objective="Vídeos en redes sociales que se vean por menos dinero", owner="Diego Navarro"),
        g(es, "NPS", *quarter, target=round(history(es, "NPS", quarter[0]) + 5),
          objective="Clientes más satisfechos que nos recomienden", owner="Marta López"),
        g(pt, "CHURN_RATE", *quarter, improvement=0.04,
          objective="Reduzir o cancelamento das assinaturas de café", owner="Joana Silva"),
        g(pt, "RESPONSE_RATE", *month, channel="WhatsApp", target=0.97,
          objective="Responder a todos os clientes no WhatsApp", owner="Rafael Costa"),
        g(pt, "ROAS", *last_month, target=round(history(pt, "ROAS", last_month[0]) * 1.1, 1),
          objective="Mais receita por real investido em mídia", owner="Joana Silva"),
        g(pt, "AVG_RESPONSE_TIME", *next_month, channel="WhatsApp", improvement=0.25,
          baseline=round(history(pt, "AVG_RESPONSE_TIME", next_month[0], "WhatsApp")),
          objective="Atender mais rápido no pico de fim de ano", owner="Rafael Costa"),
        g(pl, "CPM", *month, channel="Display", improvement=0.08,
          baseline=round(history(pl, "CPM", month[0], "Display"), 2),
          objective="Tańsze dotarcie w sieci reklamowej", owner="Piotr Wiśniewski"),
        g(pl, "SESSIONS", *quarter, baseline=round(last_year(pl, "SESSIONS", quarter), -2), improvement=0.17,
          objective="Więcej odwiedzin sklepu internetowego przed sezonem", owner="Anna Kowalska",
          planned_cost=round(spend(pl, quarter[0]) * 1.05, -3)),
        g(pl, "NEW_CUSTOMERS", *last_month, target=round(last_year(pl, "NEW_CUSTOMERS", last_month) * 0.97),
          objective="Utrzymać liczbę nowych klientów z zeszłego roku", owner="Anna Kowalska"),
        g(pl, "CSAT", *quarter, target=0.87, objective="Zadowoleni klienci po zakupie", owner="Anna Kowalska"),
        g(pl, "RETENTION_RATE", *last_month, improvement=0.005, owner="Piotr Wiśniewski"),
        g(vi, "NEW_CUSTOMERS", *month, improvement=0.15,
          objective="Thu hút thêm khách hàng mới cho mùa lễ hội", owner="Nguyễn Thị Lan"),
        g(vi, "FCR", *quarter, channel="Zalo", target=0.8,
          objective="Giải quyết yêu cầu ngay trong lần liên hệ đầu tiên", owner="Trần Minh Đức"),
        g(vi, "AOV", *month, baseline=round(history(vi, "AOV", month[0]), -3), improvement=0.05,
          objective="Tăng giá trị mỗi đơn hàng bằng gói combo", owner="Nguyễn Thị Lan"),
        g(vi, "ENGAGEMENT_RATE", *month, channel="Social", improvement=0.05, owner="Trần Minh Đức"),
        g(vi, "BOUNCE_RATE", *last_month, improvement=0.10,
          objective="Giảm tỷ lệ thoát trang ở trang đích khuyến mãi", owner="Trần Minh Đức"),
    ]

"""The platforms kpi_xl reads, and how each export's headers map onto our measures: one table to extend.

Every header is matched case-insensitively with spacing collapsed, and a currency in brackets at its
end is taken off and kept (``Amount spent (USD)`` is ``amount spent`` in USD). A header maps to a
*role*: a measure of the Actuals table (``cost``, ``impressions``...) or one of

- ``day``, ``week``, ``month``: the row's date, and how long a period the row covers;
- ``start``, ``end``: the first and last day the row covers (Meta, LinkedIn): one day is a daily row;
- ``nth_day``: GA4's day number counted from the report's start date;
- ``campaign``, ``channel``, ``currency``: the row's campaign, channel and currency code;
- ``none``: left out on purpose (``--map "Conv. value=none"``: the store's sales are the client's revenue);
- ``results`` and ``indicator``: Meta's Results, counted as conversions only where the Result
  indicator is a conversion action (a lead, a purchase...), never summed across indicators.

Headers in other languages (Polish and Vietnamese ones we could not confirm from real files, a
platform's new column) are one line each: add them to ``columns`` below, or pass
``--map "Header=measure"`` on the command line. Columns that map to nothing (rates, averages, users,
IDs) are left out, and the import's summary names each one. Columns counting people (reach, users)
are left out too: a person reached on two days, or by two campaigns, is one person, so they are not
added up; ``--map "Reach=reach"`` imports them per row for an export where that is right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["COUNTS_PEOPLE", "LOOKS_LIKE_MONEY", "NON_ADDITIVE", "PLATFORMS", "ROLES", "Platform", "by_key",
           "normalize"]

ROLES = frozenset({"day", "week", "month", "start", "end", "nth_day", "campaign", "channel", "currency",
                   "indicator", "results", "none"})
#: Measures that are not summed across rows: the same person reached on two days is one person.
NON_ADDITIVE = frozenset({"reach"})

#: Headers (normalized) that count people: never imported unless mapped with --map.
COUNTS_PEOPLE = re.compile(r"\breach\b|alcance|zasięg|tiếp cận|\busers\b|usuarios|usuários|użytkownicy|người dùng",
                           re.IGNORECASE)
#: Headers that look like an amount of money (a left-out one, when no cost was read, is worth a warning).
LOOKS_LIKE_MONEY = re.compile(r"cost|spen[dt]|wydat|koszt|kwot|gast|coste|costo|custo|invest|importe|amount|budget|"
                              r"budżet|chi phí|chi tiêu|ngân sách|price|\([A-Z]{3}\)$", re.IGNORECASE)

_CURRENCY_SUFFIX = re.compile(r"\s*[(\[]([A-Z]{3})[)\]]\s*$")


def normalize(header: str) -> tuple[str, str | None]:
    """A header as the tables below spell it, and the currency code written in it, if any.

    >>> normalize(" Amount spent (USD)"), normalize("Impr."), normalize("Orders (previous_year)")
    (('amount spent', 'USD'), ('impr.', None), ('orders (previous_year)', None))
    """
    header = header.replace("\ufeff", "").strip().strip('"')
    currency = None
    if m := _CURRENCY_SUFFIX.search(header):
        currency, header = m[1], header[: m.start()]
    return " ".join(header.split()).casefold(), currency


@dataclass(frozen=True, slots=True)
class Platform:
    """One platform's exports. ``key`` is the default Source written on imported rows."""

    key: str
    title: str
    channel: str                    # the Channel of its rows unless --channel (or a channel column) says
    columns: Mapping[str, str]      # normalized header -> role or measure
    signatures: frozenset[str]      # headers only this platform writes: they decide detection
    decimal: str | None = None      # the decimal mark when the platform always writes one
    day_first: bool = False         # D/M/YYYY rather than M/D/YYYY


def _columns(**roles: str) -> Mapping[str, str]:
    """``role="header | header | ..."`` -> header -> role."""
    table: dict[str, str] = {}
    for role, headers in roles.items():
        for header in headers.split("|"):
            table[normalize(header)[0]] = role
    return MappingProxyType(table)


GOOGLE_ADS = Platform(
    "google_ads", "Google Ads", "Search",
    _columns(
        day="Day | Dia | Día | Dzień | Ngày",
        week="Week | Semana | Tydzień | Tuần",
        month="Month | Mês | Mes | Miesiąc | Tháng",
        campaign="Campaign | Campanha | Campaña | Kampania | Chiến dịch",
        currency="Currency code | Código da moeda | Código de moneda | Kod waluty | Mã đơn vị tiền tệ",
        cost="Cost | Custo | Coste | Costo | Koszt | Chi phí",
        impressions="Impr. | Impressions | Impressões | Impresiones | Wyśw. | Lượt hiển thị",
        clicks="Clicks | Cliques | Clics | Kliknięcia | Lượt nhấp",
        conversions="Conversions | Conversões | Conversiones | Konwersje | Lượt chuyển đổi",
        revenue="Conv. value | Valor conv. | Valor de conv. | Wartość konw. | Giá trị chuyển đổi",
        engagements="Interactions | Interações | Interacciones | Interakcje | Lượt tương tác",
    ),
    frozenset({"impr.", "conv. value", "valor conv.", "valor de conv.", "currency code", "código da moeda",
               "código de moneda", "cost / conv.", "custo / conv.", "coste/conv.", "wyśw.", "wartość konw."}),
)

META = Platform(
    "meta", "Meta Ads", "Social",
    _columns(
        start="Reporting starts | Início dos relatórios | Inicio del informe | Początek raportowania"
              " | Ngày bắt đầu báo cáo | Day | Dia | Día",
        end="Reporting ends | Término dos relatórios | Fin del informe | Koniec raportowania | Ngày kết thúc báo cáo",
        campaign="Campaign name | Nome da campanha | Nombre de la campaña | Nazwa kampanii | Tên chiến dịch",
        cost="Amount spent | Valor usado | Importe gastado | Wydana kwota | Số tiền đã chi tiêu",
        impressions="Impressions | Impressões | Impresiones | Wyświetlenia | Lượt hiển thị",
        clicks="Link clicks | Cliques no link | Clics en el enlace | Kliknięcia linku | Lượt click vào liên kết",
        results="Results | Resultados | Wyniki | Kết quả",
        indicator="Result indicator | Indicador de resultados | Indicador de resultado | Wskaźnik wyników"
                  " | Chỉ báo kết quả",
        revenue="Purchases conversion value | Valor de conversão da compra | Valor de conversión de compras"
                " | Wartość konwersji zakupów | Giá trị chuyển đổi mua hàng",
        currency="Currency | Moeda | Divisa | Waluta | Đơn vị tiền tệ",
    ),
    frozenset({"reporting starts", "início dos relatórios", "inicio del informe", "amount spent", "valor usado",
               "importe gastado", "result indicator", "indicador de resultados", "indicador de resultado",
               "początek raportowania", "wydana kwota"}),
    decimal=".",
)

GA4 = Platform(
    "ga4", "Google Analytics 4", "Web",
    _columns(
        day="Date | Fecha | Data | Ngày",
        nth_day="Nth day | Día n | Enésimo dia | N-ty dzień | Ngày thứ n",
        channel="Session default channel group | Grupo de canales predeterminado de la sesión"
                " | Grupo de canais padrão da sessão | Session primary channel group",
        campaign="Session campaign | Campaña de la sesión | Campanha da sessão",
        sessions="Sessions | Sesiones | Sessões | Sesje | Phiên",
        conversions="Conversions | Key events | Conversiones | Eventos clave | Conversões | Eventos principais"
                    " | Konwersje | Kluczowe zdarzenia | Lượt chuyển đổi | Sự kiện chính",
        revenue="Total revenue | Ingresos totales | Receita total | Łączne przychody | Tổng doanh thu",
        orders="Transactions | Transacciones | Transações | Transakcje | Giao dịch",
    ),
    frozenset({"nth day", "session default channel group", "session primary channel group",
               "grupo de canales predeterminado de la sesión", "grupo de canais padrão da sessão",
               "engaged sessions", "sesiones con interacción", "sessões engajadas", "total users",
               "usuarios totales", "total de usuários", "active users", "usuarios activos", "usuários ativos"}),
    decimal=".",
)

LINKEDIN = Platform(
    "linkedin", "LinkedIn Ads", "Social",
    _columns(
        day="Day | Date",
        start="Start Date (in UTC)",
        end="End Date (in UTC)",
        campaign="Campaign Name",
        cost="Total Spent | Amount Spent",
        impressions="Impressions",
        clicks="Clicks",
        conversions="Conversions",
        engagements="Total Engagements",
        currency="Currency",
    ),
    frozenset({"start date (in utc)", "total spent", "campaign group name", "campaign group id",
               "total engagements"}),
    decimal=".",
)

MICROSOFT_ADS = Platform(
    "microsoft_ads", "Microsoft Advertising", "Search",
    _columns(
        day="Gregorian date | Date | Day",
        week="Week",
        month="Month",
        campaign="Campaign name | Campaign",
        cost="Spend",
        impressions="Impressions | Impr.",
        clicks="Clicks",
        conversions="Conversions | Conv.",
        revenue="Revenue",
        currency="Currency code",
    ),
    frozenset({"gregorian date", "spend", "account number", "campaign status"}),
    decimal=".",
)

TIKTOK = Platform(
    "tiktok", "TikTok Ads", "Social",
    _columns(
        day="By Day | Date | Stat time day | Ngày | Data | Fecha",
        campaign="Campaign name | Campaign | Tên chiến dịch | Nome da campanha | Nombre de la campaña",
        cost="Cost | Chi phí | Custo | Coste",
        impressions="Impression | Impressions | Lượt hiển thị | Impressões | Impresiones",
        clicks="Clicks (destination) | Clicks | Lượt nhấp (đích) | Cliques (destino) | Clics (destino)",
        conversions="Conversions | Chuyển đổi | Conversões | Conversiones",
        revenue="Total complete payment value | Total purchase value",
        currency="Currency | Đơn vị tiền tệ | Moeda | Moneda",
    ),
    frozenset({"by day", "stat time day", "clicks (destination)", "impression", "lượt nhấp (đích)",
               "cliques (destino)", "clics (destino)", "total complete payment value"}),
    decimal=".",
)

SHOPIFY = Platform(
    "shopify", "Shopify", "Store",
    _columns(
        day="Day | Dia | Día | Dzień | Ngày",
        week="Week | Semana | Tydzień | Tuần",
        month="Month | Mês | Mes | Miesiąc | Tháng",
        orders="Orders | Pedidos | Zamówienia | Đơn hàng",
        revenue="Total sales | Vendas totais | Ventas totales | Sprzedaż łącznie | Tổng doanh số",
        new_customers="New customers | Novos clientes | Clientes nuevos | Nowi klienci | Khách hàng mới",
    ),
    frozenset({"gross sales", "net sales", "total sales", "vendas brutas", "vendas líquidas", "vendas totais",
               "ventas brutas", "ventas netas", "ventas totales", "sprzedaż brutto", "sprzedaż netto",
               "tổng doanh số"}),
    decimal=".",
)

PLATFORMS: tuple[Platform, ...] = (GOOGLE_ADS, META, GA4, LINKEDIN, MICROSOFT_ADS, TIKTOK, SHOPIFY)


def by_key(key: str) -> Platform:
    for platform in PLATFORMS:
        if platform.key == key:
            return platform
    raise KeyError(key)

"""One export file -> :class:`~kpi_xl.importing.model.Export`: detect the platform, read its rows.

The header row is the row (among the first ones) that the most of one platform's known headers sit
in, signatures weighing most; what comes before it is the preamble, where the date range is read
(Google Ads' second line, GA4's ``# Start date: 20260101``, Microsoft's ``Report Time:``). Data rows
run to a blank line; GA4 stacks several blocks, each with its own header, and each measure is taken
from the first block that has it, so no figure is counted twice. ``Total: Account`` rows (in any
language, in the first or second column), Meta's summary row and ``--`` cells are never data.
Rows with the same day, channel and campaign (a segment such as a conversion action) are added up.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import attrgetter

from kpi_xl.core.registry import MEASURES, N_
from kpi_xl.importing.errors import (
    AGGREGATE,
    EMPTY_FILE,
    LEFT_OUT,
    LEFT_OUT_NOT_ADDITIVE,
    NO_COST,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_RECOGNIZED,
    SPREADSHEET,
    TOTAL_MISMATCH,
    ImportNotice,
    ImportRefusedError,
)
from kpi_xl.importing.model import Export, ExportRow
from kpi_xl.importing.platforms import (
    COUNTS_PEOPLE,
    LOOKS_LIKE_MONEY,
    META,
    NON_ADDITIVE,
    PLATFORMS,
    ROLES,
    Platform,
    normalize,
)
from kpi_xl.importing.text import Row, read_rows
from kpi_xl.importing.values import decimal_mark, parse_date, parse_number, parse_numbers, parse_range

__all__ = ["NEGATIVE", "read_export"]

NEGATIVE = N_('{column} "{value}" is negative: Actuals hold no negative figures')

_SCAN = 60   # rows searched for the header
_TOTALS = re.compile(r"^(?:grand total|total general|totals?|razem|łącznie|suma|tổng cộng|tổng)\s*(?::|$|of\s)",
                     re.IGNORECASE)
# The totals a file states for all its rows: Google Ads' account (or filtered campaigns) total.
_ACCOUNT_TOTAL = re.compile(r"account|conta|cuenta|konto|tài khoản", re.IGNORECASE)
_FILTERED_TOTAL = re.compile(r"filtered|filtrad|filtrowan|đã lọc", re.IGNORECASE)
_NOT_A_SPEND = re.compile(r"/|avg|média|medio|średni|trung bình|\bper\b|cp[cma]\b", re.IGNORECASE)
_SPREADSHEETS = ((b"PK\x03\x04", ".xlsx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"))
_NO_DATA = ("no data available", "nenhum dado disponível", "no hay datos disponibles", "brak danych",
            "không có dữ liệu")
_DATE_ROLES = ("day", "week", "month", "nth_day", "start")
_START_WORDS = ("start", "início", "inicio", "rozpocz", "początek", "bắt đầu", "from")
_END_WORDS = ("end", "término", "termino", "finaliz", "fin", "zakończ", "koniec", "kết thúc", "to")
_CONVERSION_INDICATORS = re.compile(
    r"lead|purchase|complete_registration|offsite_conversion|onsite_conversion|omni_|conversion|"
    r"contact|subscribe|schedule|submit_application|start_trial|donate", re.IGNORECASE)
_IGNORED_SUFFIX = re.compile(r"\((?:previous[_ ]year|previous[_ ]period|comparison)\)$")


def read_export(file: str, data: bytes, overrides: Mapping[str, str] | None = None,
                platform_key: str | None = None, custom: Collection[str] = ()) -> Export:
    """The export in ``data`` (the bytes of the file named ``file``). ``overrides`` maps more headers
    (as written, any case) to a role or measure; ``platform_key`` skips detection; ``custom``: the
    workbook's own measures (Custom KPIs sheet), which ``overrides`` may map a column to.
    Raises :class:`ImportRefusedError` with the line of the first bad cell."""
    for magic, kind in _SPREADSHEETS:
        if data.startswith(magic) or file.casefold().endswith(kind):
            raise ImportRefusedError(file, 0, SPREADSHEET, kind=kind)
    rows = read_rows(file, data)
    text_cells = [cell for row in rows[:_SCAN] for cell in row if cell]
    if not text_cells:
        raise ImportRefusedError(file, 0, EMPTY_FILE)
    if len(rows) <= 2 and any(c.casefold().rstrip(".") in _NO_DATA for c in text_cells):
        return Export(file, META.key, META.title, "daily", None, None, None, [],
                      ["the export holds no data"])
    extra = {normalize(header)[0]: role for header, role in (overrides or {}).items()}
    candidates = [p for p in PLATFORMS if platform_key in (None, p.key)]
    known = frozenset(MEASURES) | frozenset(custom)
    platform, index = _detect(rows, candidates, extra, known)
    if platform is None:
        raise ImportRefusedError(file, 0, NOT_RECOGNIZED)
    return _Reader(file, rows, platform, {**platform.columns, **extra}, known).read(index)


def _score(row: Sequence[str], platform: Platform, extra: Mapping[str, str],
           known: Collection[str] = MEASURES) -> int:
    names = [normalize(cell)[0] for cell in row if cell]
    roles = [extra.get(n) or platform.columns.get(n) for n in names]
    if not any(r in known or r == "results" for r in roles):
        return 0
    return sum(r is not None for r in roles) + 3 * sum(n in platform.signatures for n in names)


def _detect(rows: Sequence[Row], platforms: Sequence[Platform], extra: Mapping[str, str],
            known: Collection[str] = MEASURES) -> tuple[Platform | None, int]:
    preamble = " ".join(row[0].casefold() for row in rows[:_SCAN] if row)
    hints = {"ga4": 3 * ("# start date" in preamble or "# fecha de inicio" in preamble
                         or "# data de início" in preamble or preamble.startswith("# ---")),
             "microsoft_ads": 3 * ("report name:" in preamble)}
    best: tuple[int, int, Platform | None] = (0, 0, None)
    for i, row in enumerate(rows[:_SCAN]):
        for platform in platforms:
            score = _score(row, platform, extra, known)
            if score and score + hints.get(platform.key, 0) > best[0]:
                best = (score + hints.get(platform.key, 0), i, platform)
    platform = best[2]
    if platform is None:
        return None, 0
    # The first header of the platform, not the best: GA4 stacks blocks, and all of them count.
    return platform, next(i for i, row in enumerate(rows[:_SCAN]) if _score(row, platform, extra, known))


def _month_of(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1])


class _Reader:
    def __init__(self, file: str, rows: Sequence[Row], platform: Platform, columns: Mapping[str, str],
                 known: Collection[str] = MEASURES) -> None:
        self.file, self.rows, self.platform, self.columns = file, rows, platform, columns
        self.known = known  # the measures a column can fill: the built-in ones and the workbook's own
        self.notes: list[str] = []
        self.currency: str | None = None
        self.left_out: dict[str, int] = {}     # header -> its line
        self.filtered = ""

    def refuse(self, line: int, template: str, **params: str) -> ImportRefusedError:
        return ImportRefusedError(self.file, line, template, **params)

    def read(self, header_index: int) -> Export:
        stated = self.stated_range(self.rows[:header_index])
        blocks = []
        index: int | None = header_index
        while index is not None:
            # A block ends at a blank row or a "#" comment (written out: no call per row of 100,000).
            end = next((i for i, row in enumerate(self.rows[index + 1:], index + 1)
                        if not any(row) or row[0].startswith("#")), len(self.rows))
            blocks.append((self.rows[index], self.rows[index + 1:end]))
            index = next((i for i in range(end, min(end + _SCAN, len(self.rows)))
                          if _score(self.rows[i], self.platform, {}, self.known) or
                          _score(self.rows[i], self.platform, self.columns, self.known)), None)
        merged: dict[tuple[dt.date, str, str], ExportRow] = {}
        claimed: set[str] = set()
        layouts: set[str] = set()
        for header, body in blocks:
            mapping = self.map_header(header)
            roles = set(mapping.values()) | ({"conversions"} if "results" in mapping.values() else set())
            own = {role for role in roles if role in self.known} - claimed
            if not own:
                continue
            rows, layout = self.block_rows(mapping, body, stated, several=len(blocks) > 1)
            if not rows:
                continue
            layouts.add(layout)
            whole = own == {role for role in roles if role in MEASURES}   # none taken by an earlier block
            if whole and not merged:   # the first block, as a rule the only one: are any rows to add up?
                fresh = {row.key: row for row in rows}
                if len(fresh) == len(rows):
                    merged, claimed = fresh, claimed | own
                    continue
            for row in rows:
                key = row.key
                target = merged.get(key)
                if target is None:
                    if not whole and not row.values.keys() <= own:
                        row.values = {k: v for k, v in row.values.items() if k in own}
                    merged[key] = row
                    continue
                values = {k: v for k, v in row.values.items() if k in own}
                for name, value in values.items():
                    if name in NON_ADDITIVE and name in target.values:
                        target.values.pop(name)
                        self.notes.append(f"{name} left out where rows were added up: it is not additive")
                    elif name not in NON_ADDITIVE:
                        target.values[name] = target.values.get(name, Decimal(0)) + value
            claimed |= own
        rows = sorted(merged.values(), key=attrgetter("date", "channel", "campaign"))
        layout = "monthly" if layouts == {"monthly"} else "weekly" if layouts == {"weekly"} else "daily"
        start, end = self.covered(rows, stated, layout)
        return Export(self.file, self.platform.key, self.platform.title, layout, start, end, self.currency,
                      rows, self.notes, self.left_out_notices(claimed), self.filtered)

    def left_out_notices(self, read: set[str]) -> list[ImportNotice]:
        """The columns left out, named: the people-counting ones, and a loud one for a column that looks
        like the spend of a file that has clicks or impressions but no cost."""
        notices = []
        plain = [h for h in self.left_out if not COUNTS_PEOPLE.search(h)]
        if {"clicks", "impressions"} & read and "cost" not in read:
            money = next((h for h in plain if LOOKS_LIKE_MONEY.search(h) and not _NOT_A_SPEND.search(h)), None)
            if money:
                notices.append(ImportNotice(self.file, self.left_out[money], NO_COST, column=money))
        if plain:
            notices.append(ImportNotice(self.file, self.left_out[plain[0]], LEFT_OUT,
                                        columns=", ".join(f'"{h}"' for h in plain)))
        for header in self.left_out:
            if COUNTS_PEOPLE.search(header):
                notices.append(ImportNotice(self.file, self.left_out[header], LEFT_OUT_NOT_ADDITIVE,
                                            column=header, measure="reach" if "reach" in MEASURES else "MEASURE"))
        return notices

    def stated_range(self, preamble: Sequence[Row]) -> tuple[dt.date, dt.date] | None:
        start = end = None
        for row in preamble:
            text = " ".join(cell for cell in row if cell).lstrip("#").strip()
            label, colon, value = text.partition(":")
            if found := parse_range(value if colon else text, day_first=self.platform.day_first):
                return found
            if colon and (day := parse_date(value, day_first=self.platform.day_first)):
                label = label.casefold()
                if any(w in label for w in _START_WORDS) and start is None:
                    start = day
                elif any(w in label for w in _END_WORDS) and end is None:
                    end = day
        return (start, end) if start and end and start <= end else None

    def map_header(self, header: Row) -> dict[int, str]:
        mapping: dict[int, str] = {}
        seen: set[str] = set()
        for j, cell in enumerate(header):
            name, currency = normalize(cell)
            role = self.columns.get(name)
            if role is None or _IGNORED_SUFFIX.search(name) or role in seen:
                if cell and role is None:
                    self.notes.append(f"column {cell!r} left out: no measure of ours")
                    if not _IGNORED_SUFFIX.search(name):   # a comparison column is no figure of the period
                        self.left_out.setdefault(cell.strip(), header.line)
                continue
            if role == "none" or (role not in ROLES and role not in self.known):
                continue   # "none": left out on purpose, with --map
            seen.add(role)
            mapping[j] = role
            if currency:
                self.currency = currency
        return mapping

    def block_rows(self, mapping: dict[int, str], body: Sequence[Row], stated: tuple[dt.date, dt.date] | None,
                   several: bool = False) -> tuple[list[ExportRow], str]:
        by_role = {role: j for j, role in mapping.items()}
        measures = {j: role for j, role in mapping.items() if role in self.known or role == "results"}
        # A file with no unambiguous value (no cost like 8651,95 or 199421.15) reads as English does.
        mark = self.platform.decimal or decimal_mark(
            row[j] for row in body[:2000] for j in measures if j < len(row)) or "."
        date_role = next((r for r in _DATE_ROLES if r in by_role), None)
        layout = {"week": "weekly", "month": "monthly"}.get(date_role or "", "daily")
        if date_role is None and several:
            self.notes.append("a block without dates left out")
            return [], layout
        width = max(mapping) + 1 if mapping else 0
        campaign_at, channel_at = by_role.get("campaign"), by_role.get("channel")
        currency_at, indicator_at = by_role.get("currency"), by_role.get("indicator")
        default_channel = self.platform.channel
        dates: dict[tuple[str, ...], tuple[dt.date, str]] = {}   # 100,000 rows hold a few hundred days
        date_cells = [by_role[r] for r in ("start", "end") if r in by_role] if date_role == "start" else (
            [by_role[date_role]] if date_role else [])
        stated_totals: list[tuple[int, str, Sequence[str]]] = []   # the file's own totals of its data rows
        # Row by row: which rows are data, and their day, channel and campaign; then column by column:
        # the measures, each column's cells converted in one go (values.parse_numbers).
        data: list[Row] = []
        keys: list[tuple[int, dt.date, str, str]] = []
        first = True
        one_date = date_cells[0] if len(date_cells) == 1 else None
        for row in body:
            cells = row if len(row) >= width else [*row, *([""] * (width - len(row)))]
            label = cells[0] or (cells[1] if len(cells) > 1 else "")
            if _TOTALS.match(label) or not any(cells):
                if _FILTERED_TOTAL.search(label):
                    self.filtered = label
                    stated_totals = [(row.line, label, cells)]
                elif _ACCOUNT_TOTAL.search(label) and not self.filtered:
                    stated_totals = [(row.line, label, cells)]
                continue
            campaign = cells[campaign_at] if campaign_at is not None else ""
            if first and self.platform is META and campaign_at is not None and not campaign:
                first = False
                stated_totals = [(row.line, "", cells)]
                continue  # Meta's summary row: the whole report in one line, with no name
            first = False
            date_key = cells[one_date] if one_date is not None else tuple(cells[j] for j in date_cells)
            found = dates.get(date_key)
            if found is None:
                found = dates[date_key] = self.row_date(row.line, cells, by_role, date_role, stated)
            day, row_layout = found
            if row_layout == "monthly":
                layout = "monthly"
            channel = (cells[channel_at] if channel_at is not None else "") or default_channel
            if currency_at is not None and self.currency is None and cells[currency_at]:
                self.currency = cells[currency_at].upper()
            data.append(cells)  # type: ignore[arg-type]
            keys.append((row.line, day, channel, campaign))
        roles, columns = self.measure_columns(measures, data, keys, mark, indicator_at)
        # Types, not `None in column`: comparing None with 100,000 Decimals is slow.
        if len(set(roles)) == len(roles) and not any(type(None) in set(map(type, c)) for c in columns):
            by_row = zip(*columns, strict=True) if columns else [()] * len(keys)
            # Made by map, not a comprehension: no Python-level step per row (keys and columns are as long).
            lines, days, channels, campaigns = zip(*keys, strict=True) if keys else ((), (), (), ())
            measured = map(dict, map(zip, repeat(roles), by_row))
            fast = list(map(ExportRow, days, channels, campaigns, measured, lines))
            # Each column's sum, in row order: the same Decimal as summing the rows' values, without
            # 100,000 dict look-ups per measure.
            sums = {role: sum(column, Decimal(0)) for role, column in zip(roles, columns, strict=True)} if (
                stated_totals) else {}
            return self.checked(fast, stated_totals, measures, mark, sums), layout
        out: list[ExportRow] = []
        for (line, day, channel, campaign), *row_values in zip(keys, *columns, strict=True):
            values: dict[str, Decimal] = {}
            for role, value in zip(roles, row_values, strict=True):
                if value is not None:
                    values[role] = values[role] + value if role in values else value
            out.append(ExportRow(day, channel, campaign, values, line))
        return self.checked(out, stated_totals, measures, mark), layout

    def checked(self, rows: list[ExportRow], stated_totals: Sequence[tuple[int, str, Sequence[str]]],
                measures: Mapping[int, str], mark: str, sums: Mapping[str, Decimal] | None = None
                ) -> list[ExportRow]:
        for line, label, cells in stated_totals:
            self.check_total(line, label, cells, measures, mark, rows, sums or {})
        return rows

    def check_total(self, line: int, label: str, cells: Sequence[str], measures: Mapping[int, str], mark: str,
                    rows: Sequence[ExportRow], sums: Mapping[str, Decimal]) -> None:
        """A file's own total of its data rows (Google Ads' ``Total: Account``, Meta's summary row) must
        equal their sum to the cent, or rows are missing or were edited: the file is refused. ``sums``:
        the measures' sums when already known (every row holding every measure)."""
        for j, role in measures.items():
            if role not in MEASURES or role in NON_ADDITIVE:
                continue   # Meta's Results mix actions; reach is not additive
            try:
                stated = parse_number(cells[j], mark)
            except ValueError:
                raise self.refuse(line, NOT_A_NUMBER, column=role, value=cells[j]) from None
            if stated is None:
                continue
            summed = sums[role] if role in sums else sum((r.values.get(role, Decimal(0)) for r in rows), Decimal(0))
            if round(stated, 2) != round(summed, 2):
                raise self.refuse(line, TOTAL_MISMATCH, label=label or cells[0] or "summary", column=role,
                                  stated=format(stated.normalize(), "f"), summed=format(summed.normalize(), "f"))

    def measure_columns(self, measures: Mapping[int, str], data: Sequence[Sequence[str]],
                        keys: Sequence[tuple[int, dt.date, str, str]], mark: str, indicator_at: int | None
                        ) -> tuple[list[str], list[list[Decimal | None]]]:
        """Each measure column's values (None: blank), and its measure; refused at the first bad cell
        in reading order (the earliest row, the leftmost column in it)."""
        roles: list[str] = []
        columns: list[list[Decimal | None]] = []
        bad: tuple[int, int, str, str, str] | None = None   # row index, column order, template, role, text
        for order, (j, role) in enumerate(measures.items()):
            texts = [cells[j] for cells in data]
            values, wrong = parse_numbers(texts, mark)
            if wrong is not None and (bad is None or (wrong, order) < bad[:2]):
                bad = (wrong, order, NOT_A_NUMBER, role, texts[wrong])
            # No minus sign in the column, no negative value in it: the scan is skipped.
            negative = next((i for i, v in enumerate(values) if v is not None and v < 0), None) if (
                "-" in "".join(texts)) else None
            if negative is not None and (bad is None or (negative, order) < bad[:2]):
                bad = (negative, order, NEGATIVE, role, texts[negative])
            if role == "results":
                role = "conversions"
                for i, value in enumerate(values):
                    indicator = data[i][indicator_at] if indicator_at is not None else ""
                    if value is not None and not _CONVERSION_INDICATORS.search(indicator):
                        self.notes.append(f"results of {indicator or 'no indicator'} are not conversions: left out")
                        values[i] = None
            roles.append(role)
            columns.append(values)
        if bad is not None:
            raise self.refuse(keys[bad[0]][0], bad[2], column=bad[3], value=bad[4])
        return roles, columns

    def row_date(self, line: int, cells: Sequence[str], by_role: Mapping[str, int], date_role: str | None,
                 stated: tuple[dt.date, dt.date] | None) -> tuple[dt.date, str]:
        day_first = self.platform.day_first
        if date_role is None:  # one total per campaign over the stated range
            if stated and _month_of(*stated):
                return stated[0], "monthly"
            span = f"{stated[0].isoformat()} to {stated[1].isoformat()}" if stated else "all time"
            raise self.refuse(line, AGGREGATE, range=span)
        text = cells[by_role[date_role]]
        if date_role == "nth_day":
            if stated is None or not text.isdigit():
                raise self.refuse(line, NOT_A_DATE, column=date_role, value=text)
            return stated[0] + dt.timedelta(days=int(text)), "daily"
        day = parse_date(text, day_first=day_first)
        if day is None:
            raise self.refuse(line, NOT_A_DATE, column=date_role, value=text)
        if date_role == "start":
            end_text = cells[by_role["end"]] if "end" in by_role else ""
            end = parse_date(end_text, day_first=day_first) if end_text else (stated[1] if stated else day)
            if end is None:
                raise self.refuse(line, NOT_A_DATE, column="end", value=end_text)
            if end != day:
                if _month_of(day, end):
                    return day, "monthly"
                raise self.refuse(line, AGGREGATE, range=f"{day.isoformat()} to {end.isoformat()}")
        if date_role == "month":
            return day.replace(day=1), "monthly"
        return day, "daily"

    def covered(self, rows: Sequence[ExportRow], stated: tuple[dt.date, dt.date] | None, layout: str
                ) -> tuple[dt.date | None, dt.date | None]:
        dates = [r.date for r in rows]
        if stated:
            dates += list(stated)
        if not dates:
            return None, None
        start, end = min(dates), max(dates)
        if layout == "monthly":
            end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        return start, end

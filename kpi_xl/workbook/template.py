"""The kpi_xl workbook, written with XlsxWriter from :mod:`kpi_xl.workbook.schema`.

``write_template(path)`` writes an empty workbook, ``write_workbook(path, data)`` any
:class:`~kpi_xl.core.model.WorkbookData` in the same layout (the demo, test fixtures). Each schema
table is a real Excel table (ListObject) with a comment on every header, number formats and
dropdowns. The Goals table gets computed columns to the right of the schema's (the reader ignores
them), and the Dashboard shows every KPI for a chosen client and period twice: with the ``=KPI_*``
function and in plain Excel, so the numbers show without the add-in and LibreOffice can check them.

Plain-Excel totals follow :class:`kpi_xl.core.aggregate.ActualsView`: flows are summed over the
window, stocks (customers at start / end) taken on the first / last day of the window that has data,
and a measure without any data in the window is blank, not zero. Files are written atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kpi_xl.core.model import Actuals, Settings, WorkbookData
from kpi_xl.core.registry import KPIS, MEASURES, N_, STAGE_NAMES, Aggregation, Unit, label_of
from kpi_xl.core.tracking import Status
from kpi_xl.files import replacing
from kpi_xl.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, resolve_locale, translator
from kpi_xl.workbook.custom_sheet import PLANNED_COST
from kpi_xl.workbook.schema import (
    ACTUALS,
    CLIENTS,
    CONFIG_SHEET,
    CUSTOM_KPIS,
    CUSTOM_MEASURES,
    CUSTOM_SHEET,
    DASHBOARD_SHEET,
    GOALS,
    SETTING_CHOICES,
    SETTING_KEYS,
    SETTINGS,
    Kind,
    Table,
)
from kpi_xl.workbook.sheet_formulas import (
    actuals_ref,
    choose,
    column_ref,
    excel_expression,
    this_row_ref,
    total_formula,
    where_criteria,
)

__all__ = [
    "ACTUAL",
    "AS_OF_NAME",
    "CUSTOM_SLOTS",
    "DASHBOARD_KPI_ROW",
    "LISTS_SHEET",
    "write_template",
    "write_workbook",
]

LISTS_SHEET = "Lists"            # hidden: the KPI codes and the Actuals columns each KPI reads
KPI_LIST = "tblKpiList"
AS_OF_NAME = "kpi_as_of"         # defined name: the latest date in the Actuals (data freshness)
_DASH = {"client": "dash_client", "channel": "dash_channel", "start": "dash_from", "end": "dash_to"}
DASHBOARD_KPI_ROW = 9            # 0-based row of the Dashboard's KPI header; one KPI per row below
ACTUAL = N_("Actual")            # the Goals column with the KPI to date, in plain Excel
_HEADER_ROW = 0
CUSTOM_SLOTS = 20                # rows of the KPI list that follow the Custom KPIs sheet's codes
_CUSTOM_ROWS = 200               # rows of the Custom KPIs tables with dropdowns

# Choices of settings whose values are a closed list (checked again by the reader).
_SETTING_CHOICES: Mapping[str, Sequence[str]] = {"default_locale": SUPPORTED_LOCALES, **SETTING_CHOICES}
_STATUS_COLOURS = {
    Status.ACHIEVED: "#C6EFCE", Status.ON_TRACK: "#C6EFCE", Status.AT_RISK: "#FFEB9C",
    Status.OFF_TRACK: "#FFC7CE", Status.MISSED: "#FFC7CE", Status.NOT_STARTED: "#EDEDED",
}
_UNIT_FORMATS = {
    Unit.CURRENCY: "#,##0.00", Unit.PERCENT: "0.00%", Unit.RATIO: '0.00"x"',
    Unit.COUNT: "#,##0.00", Unit.SECONDS: "#,##0.0", Unit.SCORE: "0.0",
}
_WIDTHS = {Kind.TEXT: 16, Kind.NUMBER: 13, Kind.PERCENT: 12, Kind.DATE: 12, Kind.EMAILS: 36,
           Kind.LOCALE: 10, Kind.CURRENCY: 10, Kind.KPI: 24}
# Measures in money: those a currency KPI divides or totals (cost, revenue).
_MONEY = frozenset(k.measures[0] for k in KPIS.values() if k.unit is Unit.CURRENCY and k.measures)


def write_template(path: Path, *, locale: str = DEFAULT_LOCALE) -> None:
    """A fresh, empty kpi_xl workbook; labels and help in ``locale`` (the schema headers stay as they are)."""
    settings = {key: default for key, (default, _help) in SETTING_KEYS.items()}
    empty = WorkbookData(clients={}, goals=[], actuals=Actuals(measures={m: [] for m in MEASURES}),
                         settings=Settings())
    _write_atomically(Path(path), lambda wb: _Writer(wb, empty, settings, locale).write(None, None, None))


def write_workbook(path: Path, data: WorkbookData, *, locale: str = DEFAULT_LOCALE, client: str | None = None,
                   channel: str | None = None, period: tuple[dt.date, dt.date] | None = None) -> None:
    """``data`` in the template's layout. The Dashboard shows ``client`` (default: the first) and
    ``channel`` (default: all) over ``period`` (default: a formula giving the data's last complete month)."""
    settings = {key: getattr(data.settings, key) for key in SETTING_KEYS}
    if client is None:
        client = next(iter(data.clients), None)
    selection = (client, channel, period)
    _write_atomically(Path(path), lambda wb: _Writer(wb, data, settings, locale).write(*selection))


def _write_atomically(path: Path, build: Callable[[Workbook], None]) -> None:
    """Builds into a temporary file next to ``path``, then renames it over ``path``: never half a file."""
    with replacing(path) as temp:
        workbook = xlsxwriter.Workbook(str(temp), {"use_future_functions": True})  # MINIFS -> _xlfn.MINIFS
        build(workbook)
        try:
            workbook.close()
        except FileCreateError as error:  # not an OSError: say which file, as open() would
            raise OSError(f"cannot write {path}: {getattr(error.args[0], 'strerror', error)}") from error


# --- the writer -------------------------------------------------------------------------------


class _Writer:
    def __init__(self, workbook: Workbook, data: WorkbookData, settings: Mapping[str, object], locale: str) -> None:
        self.wb = workbook
        self.data = data
        self.settings = settings
        self._ = translator(resolve_locale(locale)).gettext
        self._formats: dict[tuple[tuple[str, object], ...], object] = {}
        self.measure_slots = max(len(k.measures) for k in KPIS.values())
        # The workbook's own KPIs the Goals sheet's plain-Excel Actual can compute: their measures fit
        # the helper total columns and have Actuals columns. They follow the built-ins in the KPI list.
        self.custom_kpis = [k for k in data.kpis.values() if len(k.measures) <= self.measure_slots
                            and all(m in MEASURES or m in data.custom_measures for m in k.measures)]
        self.listed = len(KPIS) + len(self.custom_kpis) + CUSTOM_SLOTS

    def fmt(self, **properties: object) -> object:
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(properties)
        return self._formats[key]

    def write(self, client: str | None, channel: str | None, period: tuple[dt.date, dt.date] | None) -> None:
        _ = self._
        self.wb.set_properties({"title": _("KPI workbook"), "author": "kpi_xl"})
        dashboard = self.wb.add_worksheet(DASHBOARD_SHEET)
        self.clients()
        self.goals()
        self.actuals()
        self.table_sheet(SETTINGS, [{"key": key, "value": value} for key, value in self.settings.items()],
                         extra=[(_("Help"), [_(help_text) for _default, help_text in SETTING_KEYS.values()])])
        self.settings_validation()
        self.custom_sheet()
        self.lists()
        config = self.wb.add_worksheet(CONFIG_SHEET)
        config.write_string(0, 0, "UDF Modules")   # read by xlwings: where the =KPI_* functions live
        config.write_string(0, 1, "kpi_xl.udfs")
        config.set_column(0, 1, 16)
        self.dashboard(dashboard, client, channel, period)
        dashboard.activate()

    # --- tables ---

    def cell_format(self, table: Table, key: str) -> object | None:
        kind = table.column(key).kind
        if kind is Kind.DATE:
            return self.fmt(num_format="yyyy-mm-dd")
        if kind is Kind.PERCENT:
            return self.fmt(num_format="0.0%")
        if table is ACTUALS and key in MEASURES:
            return self.fmt(num_format="#,##0.00" if key in _MONEY else "#,##0")
        return None

    def table_sheet(self, table: Table, rows: Sequence[Mapping[str, object]], *,
                    extra: Sequence[tuple[str, Sequence[object]]] = (),
                    formulas: Sequence[tuple[str, str, str, object]] = ()) -> Worksheet:
        """A sheet holding ``table`` with ``rows`` (dicts by column key); ``extra`` columns of values
        and ``formulas`` columns (header, help, formula, format) follow the schema's columns."""
        sheet = self.wb.add_worksheet(table.sheet)
        keys = [c.key for c in table.columns]
        formats = [self.cell_format(table, key) for key in keys]
        for r, row in enumerate(rows, start=_HEADER_ROW + 1):
            for c, key in enumerate(keys):
                _write_value(sheet, r, c, row.get(key), formats[c])
            for c, (_header, values) in enumerate(extra, start=len(keys)):
                _write_value(sheet, r, c, values[r - _HEADER_ROW - 1], None)
        columns = [{"header": column.header, "format": f} for column, f in zip(table.columns, formats, strict=True)]
        columns += [{"header": header} for header, _values in extra]
        columns += [{"header": header, "formula": formula, "format": f} for header, _h, formula, f in formulas]
        headers = [c["header"] for c in columns]
        if len(set(headers)) != len(headers):
            raise ValueError(f"{table.sheet}: duplicate column headers {headers}")
        last_row = _HEADER_ROW + max(len(rows), 1)  # an Excel table has at least one row
        sheet.add_table(_HEADER_ROW, 0, last_row, len(columns) - 1,
                        {"name": table.name, "columns": columns, "style": "Table Style Medium 2"})
        # Not gettext(""): that is the catalog's header.
        helps = [self._(c.doc) if c.doc else "" for c in table.columns]
        helps += [""] * len(extra) + [h for _x, h, _f, _y in formulas]
        for c, (header, help_text) in enumerate(zip(headers, helps, strict=True)):
            width = _WIDTHS[table.column(keys[c]).kind] if c < len(keys) else 14
            sheet.set_column(c, c, max(width, len(header) + 3))
            if help_text:
                sheet.write_comment(_HEADER_ROW, c, help_text, {"author": "kpi_xl", "x_scale": 2.5, "y_scale": 1.5})
        sheet.freeze_panes(_HEADER_ROW + 1, 0)
        self.validate(sheet, table, last_row)
        return sheet

    def validate(self, sheet: Worksheet, table: Table, last_row: int) -> None:
        """Dropdowns and type checks on every data row; Excel extends them as the table grows."""
        _ = self._
        clients = f'=INDIRECT("{column_ref(CLIENTS, CLIENTS.column("name").header)}")'
        kpi_codes = f"={LISTS_SHEET}!$A$2:$A${self.listed + 1}"
        for c, column in enumerate(table.columns):
            if column.kind is Kind.LOCALE:
                rule = {"validate": "list", "source": list(SUPPORTED_LOCALES)}
            elif column.kind is Kind.KPI:
                rule = {"validate": "list", "source": kpi_codes}
            elif column.key == "client" and table is not CLIENTS:
                rule = {"validate": "list", "source": clients}
            elif column.kind is Kind.CURRENCY:
                rule = {"validate": "length", "criteria": "==", "value": 3,
                        "error_message": _("An ISO 4217 code of three letters: EUR, BRL, PLN, VND...")}
            elif column.kind is Kind.DATE:
                rule = {"validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1),
                        "error_message": _("Enter a date.")}
            elif column.kind is Kind.PERCENT or (column.kind is Kind.NUMBER and table is not ACTUALS):
                rule = {"validate": "decimal", "criteria": "between", "minimum": -1e12, "maximum": 1e12,
                        "error_message": _("Enter a number.")}
            else:
                continue
            if rule["validate"] == "list":
                rule["error_message"] = _("Pick a value from the list.")
            sheet.data_validation(_HEADER_ROW + 1, c, last_row, c, rule)

    def clients(self) -> None:
        rows = [{"name": client.name, "emails": "; ".join(client.emails), "locale": client.locale,
                 "currency": client.currency, "commentary": client.commentary}
                for client in self.data.clients.values()]
        sheet = self.table_sheet(CLIENTS, rows)
        sheet.set_column(len(CLIENTS.columns) - 1, len(CLIENTS.columns) - 1, 60,
                         self.fmt(text_wrap=True, valign="top"))

    def actuals(self) -> None:
        actuals = self.data.actuals
        rows = [
            {"date": actuals.dates[i], "client": actuals.clients[i], "channel": actuals.channels[i],
             "campaign": actuals.campaigns[i], "source": actuals.origins[i] if actuals.origins else "",
             **{m: column[i] for m, column in actuals.measures.items()}}
            for i in range(len(actuals))
        ]
        # The custom measures' columns (Custom KPIs sheet) follow the built-in ones.
        extra = [(self.data.custom_measures.get(key, (key.replace("_", " ").capitalize(), ""))[0],
                  actuals.measures[key]) for key in actuals.custom]
        self.table_sheet(ACTUALS, rows, extra=extra).freeze_panes(_HEADER_ROW + 1, 2)

    def goals(self) -> None:
        goals = self.data.goals
        rows = [{c.key: getattr(goal, c.key) for c in GOALS.columns} for goal in goals]
        formulas = self.goal_formulas()
        planned = (PLANNED_COST.header, [goal.planned_cost for goal in goals] or [None])
        sheet = self.table_sheet(GOALS, rows, extra=[planned], formulas=formulas)
        sheet.write_comment(_HEADER_ROW, len(GOALS.columns), self._(PLANNED_COST.doc),
                            {"author": "kpi_xl", "x_scale": 2.5, "y_scale": 1.5})
        first = _HEADER_ROW + 1
        last = first + max(len(goals), 1) - 1
        headers = [c.header for c in GOALS.columns] + [PLANNED_COST.header] + [header for header, *_rest in formulas]
        _ = self._
        pace, status = headers.index(_("Pace")), headers.index(_("Status"))
        sheet.conditional_format(first, pace, last, pace, {
            "type": "icon_set", "icon_style": "3_traffic_lights",
            "icons": [{"criteria": ">=", "type": "number", "value": float(self.settings["on_track_min"])},
                      {"criteria": ">=", "type": "number", "value": float(self.settings["at_risk_min"])}],
        })
        status_cell = xlsxwriter.utility.xl_rowcol_to_cell(first, status, col_abs=True)
        for code, colour in _STATUS_COLOURS.items():
            sheet.conditional_format(first, status, last, status, {
                "type": "formula", "criteria": f'={status_cell}="{code.value}"', "format": self.fmt(bg_color=colour)})
        totals = headers.index(f"{_('Total')} 1")
        sheet.set_column(totals, totals + self.measure_slots - 1, 12, None, {"hidden": True, "level": 1})

    def goal_formulas(self) -> list[tuple[str, str, str, object]]:
        """The computed Goals columns: (header, help, formula, format)."""
        _ = self._
        g = {c.key: this_row_ref(GOALS, c.header) for c in GOALS.columns}
        total_headers = [f"{_('Total')} {k}" for k in range(1, self.measure_slots + 1)]
        goal_target, actual = this_row_ref(GOALS, _("Goal target")), this_row_ref(GOALS, _(ACTUAL))
        kpi_row = f"MATCH({g['kpi']},{column_ref(KPI_LIST, 'Code')},0)"
        data_to = f"MIN({g['end']},{AS_OF_NAME})"
        where = where_criteria(g["client"], g["channel"])
        blank_row = f'OR({g["client"]}="",{g["kpi"]}="",{g["start"]}="",{g["end"]}="")'
        totals = []
        for k, header in enumerate(total_headers, start=1):
            measure = f"INDEX({column_ref(KPI_LIST, f'Measure {k}')},{kpi_row})"
            rule = f"INDEX({column_ref(KPI_LIST, f'Rule {k}')},{kpi_row})"
            column = f'INDIRECT("{ACTUALS.name}["&{measure}&"]")'
            formula = f'=IF({blank_row},"",IFERROR({total_formula(column, rule, where, g["start"], data_to)},""))'
            totals.append((header, _("Helper: the total of the KPI's measure {number} over the goal's window.")
                           .format(number=k), formula, None))
        branches = [
            excel_expression(kpi, lambda k, _m: this_row_ref(GOALS, total_headers[k])) if kpi.measures else '""'
            for kpi in [*KPIS.values(), *self.custom_kpis]]
        status_args = f"{actual},{goal_target},{g['start']},{g['end']},{AS_OF_NAME},{g['kpi']}"
        when_known = f'IF(OR({actual}="",{goal_target}=""),"",'
        # Without a target (no baseline given) the report computes one from the history; Excel stays blank.
        when_targeted = f'IF(OR({blank_row},{goal_target}=""),"",'
        percent = self.fmt(num_format="0%")
        return [
            (_("Goal target"),
             _("The target used: Target when given, else Baseline changed by Improvement (KPI_TARGET). "
               "Blank without a baseline: reports compute it from the history."),
             f'=IF({g["target"]}<>"",{g["target"]},IF(OR({g["baseline"]}="",{g["improvement"]}=""),"",'
             f'KPI_TARGET({g["baseline"]},{g["improvement"]},{g["kpi"]})))', None),
            (_(ACTUAL),
             _("The KPI for this client (and channel) from Start to End, or to the latest data if "
               "sooner. Plain Excel: works without the add-in."),
             f'=IF({blank_row},"",IFERROR({choose(kpi_row, branches)},""))', None),
            (_("Progress"), _("KPI_PROGRESS: the share of the way from the baseline to the target."),
             f"={when_known}KPI_PROGRESS({actual},{goal_target},{g['baseline']},{g['kpi']}))", percent),
            (_("Pace"),
             _("KPI_PACE: the actual against what is expected by now; 1 (shown as a percentage) is exactly "
               "on pace. Green from on_track_min up, amber from at_risk_min, red below (Settings)."),
             f"={when_known}KPI_PACE({status_args},{g['baseline']}))", percent),
            (_("Forecast"), _("KPI_FORECAST: where the KPI is heading by End."),
             f'=IF({actual}="","",KPI_FORECAST({actual},{g["start"]},{g["end"]},{AS_OF_NAME}))', None),
            (_("Status"),
             _("KPI_STATUS as of the latest data: not_started, on_track, at_risk, off_track, achieved "
               "or missed."),
             f'={when_targeted}KPI_STATUS({status_args},{g["baseline"]}))', None),
            (_("SMART check"), _("KPI_SMART_CHECK: what keeps the goal from being SMART; blank when nothing."),
             f'={when_targeted}KPI_SMART_CHECK({g["kpi"]},{goal_target},{g["start"]},{g["end"]},'
             f'{g["objective"]},{g["baseline"]}))', None),
            *totals,
        ]

    def settings_validation(self) -> None:
        sheet = self.wb.get_worksheet_by_name(SETTINGS.sheet)
        value = SETTINGS.headers.index(SETTINGS.column("value").header)
        for r, key in enumerate(SETTING_KEYS, start=_HEADER_ROW + 1):
            if key in _SETTING_CHOICES:
                rule: dict[str, object] = {"validate": "list", "source": list(_SETTING_CHOICES[key])}
            elif key.endswith("_min"):
                rule = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}
            elif key.endswith("_port"):
                rule = {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 65535}
            else:
                continue
            sheet.data_validation(r, value, r, value, rule)
        sheet.set_column(0, 0, 18)
        sheet.set_column(value, value, 24)
        sheet.set_column(value + 1, value + 1, 70)

    def lists(self) -> None:
        """The hidden KPI list: the Goals' KPI dropdown and the Actuals columns each KPI reads."""
        sheet = self.wb.add_worksheet(LISTS_SHEET)
        headers = ["Code", "Name", *(f"{part} {k}" for k in range(1, self.measure_slots + 1)
                                     for part in ("Measure", "Rule"))]
        for r, kpi in enumerate(KPIS.values(), start=1):
            cells: list[str] = [kpi.code, self._(kpi.name)]
            for measure in kpi.measures:
                cells += [ACTUALS.column(measure).header, MEASURES[measure].aggregation.value]
            for c, text in enumerate(cells):
                sheet.write_string(r, c, text)
        # The workbook's own KPIs as written (their Actual in plain Excel follows these formulas), then
        # slots for those added to the Custom KPIs sheet later, as typed there: the dropdown offers them.
        for r, kpi in enumerate(self.custom_kpis, start=len(KPIS) + 1):
            cells = [kpi.code, kpi.name]
            for measure in kpi.measures:
                known = MEASURES.get(measure)
                cells += [ACTUALS.column(measure).header, known.aggregation.value] if known is not None else [
                    self.data.custom_measures[measure][0], self.data.actuals.custom.get(measure, Aggregation.SUM).value]
            for c, text in enumerate(cells):
                sheet.write_string(r, c, text)
        codes = f"{CUSTOM_KPIS.name}[{CUSTOM_KPIS.column('code').header}]"
        names = f"{CUSTOM_KPIS.name}[{CUSTOM_KPIS.column('name').header}]"
        for k in range(len(self.custom_kpis) + 1, len(self.custom_kpis) + CUSTOM_SLOTS + 1):
            row = len(KPIS) + k
            sheet.write_formula(row, 0, f'=IFERROR(UPPER(TRIM(INDEX({codes},{k})))&"","")', None, "")
            sheet.write_formula(row, 1, f'=IFERROR(INDEX({names},{k})&"","")', None, "")
        sheet.add_table(0, 0, self.listed, len(headers) - 1,
                        {"name": KPI_LIST, "columns": [{"header": h} for h in headers]})
        sheet.hide()

    def custom_sheet(self) -> None:
        """The Custom KPIs sheet: the workbook's own measures (tblMeasures) and KPIs (tblKpis), side by
        side, with help on each header and dropdowns for the closed choices."""
        _ = self._
        sheet = self.wb.add_worksheet(CUSTOM_SHEET)
        measures = [[header, self.data.actuals.custom.get(key, Aggregation.SUM).value, description]
                    for key, (header, description) in self.data.custom_measures.items()]
        kpis = [[k.code, k.name, k.formula_text(), k.unit.value, k.direction.value, k.stage.value, k.description]
                for k in self.data.kpis.values()]
        choices = {"aggregation": [a.value for a in Aggregation], "unit": [u.value for u in Unit],
                   "better": ["higher", "lower"], "stage": [s.value for s in STAGE_NAMES]}
        beside = len(CUSTOM_MEASURES.columns) + 1   # one spacer column between the tables
        for table, rows, left in ((CUSTOM_MEASURES, measures, 0), (CUSTOM_KPIS, kpis, beside)):
            for r, row in enumerate(rows, start=_HEADER_ROW + 1):
                for c, value in enumerate(row):
                    _write_value(sheet, r, left + c, value, None)
            last = _HEADER_ROW + max(len(rows), 1)
            sheet.add_table(_HEADER_ROW, left, last, left + len(table.columns) - 1, {
                "name": table.name, "style": "Table Style Medium 2",
                "columns": [{"header": c.header} for c in table.columns]})
            for c, column in enumerate(table.columns, start=left):
                sheet.set_column(c, c, 40 if column.key in ("description", "formula", "name") else 14)
                sheet.write_comment(_HEADER_ROW, c, _(column.doc), {"author": "kpi_xl", "x_scale": 2.5, "y_scale": 1.5})
                if column.key in choices:
                    sheet.data_validation(_HEADER_ROW + 1, c, _CUSTOM_ROWS, c, {
                        "validate": "list", "source": choices[column.key],
                        "error_message": _("Pick a value from the list.")})
        sheet.set_column(len(CUSTOM_MEASURES.columns), len(CUSTOM_MEASURES.columns), 3)
        sheet.freeze_panes(_HEADER_ROW + 1, 0)

    # --- dashboard ---

    def dashboard(self, sheet: Worksheet, client: str | None, channel: str | None,
                  period: tuple[dt.date, dt.date] | None) -> None:
        _ = self._
        bold, date = self.fmt(bold=True), self.fmt(num_format="yyyy-mm-dd", bg_color="#FFF2CC")
        pick = self.fmt(bg_color="#FFF2CC")
        sheet.write_string(0, 0, _("KPI dashboard"), self.fmt(bold=True, font_size=16))
        sheet.write_string(1, 0, _("Yellow cells are yours to change. The kpi_xl column needs the add-in "
                                   "(xlwings: Import Functions); the plain Excel column works everywhere."))
        as_of = f'=IF(COUNT({actuals_ref("date")})=0,"",MAX({actuals_ref("date")}))'
        if period is None:  # the last complete month of the data, following it as rows are added
            start, end = (f'=IFERROR(EOMONTH({AS_OF_NAME}+1,-2)+1,"")', f'=IFERROR(EOMONTH({AS_OF_NAME}+1,-1),"")')
        else:
            start, end = period
        inputs = [
            ("client", _("Client"), client or "", pick),
            ("channel", _("Channel (blank: all)"), channel or "", pick),
            ("start", _("From"), start, date),
            ("end", _("To"), end, date),
            (None, _("Data up to"), as_of, self.fmt(num_format="yyyy-mm-dd")),
        ]
        for r, (key, label, value, cell_format) in enumerate(inputs, start=3):
            sheet.write_string(r, 0, label, bold)
            _write_value(sheet, r, 1, value, cell_format, formulas=True)
            name = AS_OF_NAME if key is None else _DASH[key]
            self.wb.define_name(name, f"='{DASHBOARD_SHEET}'!$B${r + 1}")
        sheet.data_validation(3, 1, 3, 1, {
            "validate": "list", "source": f'=INDIRECT("{column_ref(CLIENTS, CLIENTS.column("name").header)}")'})
        sheet.data_validation(5, 1, 6, 1, {"validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1)})

        top = DASHBOARD_KPI_ROW
        totals_col = 8  # the measure totals, right of the KPIs after one spacer column
        heads = [_("KPI"), _("Name"), _("Stage"), _("kpi_xl function"), _("Plain Excel"), _("Formula")]
        for c, head in enumerate(heads):
            sheet.write_string(top, c, head, bold)
        sheet.write_string(top, totals_col - 1, _("Actuals column"), bold)
        sheet.write_string(top, totals_col, _("Total"), bold)
        where = where_criteria(_DASH["client"], _DASH["channel"])
        cells = {}
        # The built-in measures, then the workbook's own (Custom KPIs sheet), each with its Actuals column.
        columns = [(name, ACTUALS.column(name).header, measure.aggregation) for name, measure in MEASURES.items()]
        columns += [(key, header, self.data.actuals.custom.get(key, Aggregation.SUM))
                    for key, (header, _description) in self.data.custom_measures.items()]
        for r, (name, header, aggregation) in enumerate(columns, start=top + 1):
            sheet.write_string(r, totals_col - 1, header)
            formula = total_formula(column_ref(ACTUALS, header), aggregation, where, _DASH["start"], _DASH["end"])
            number = "#,##0.00" if name in _MONEY else "#,##0"
            sheet.write_formula(r, totals_col, f"={formula}", self.fmt(num_format=number), "")
            cells[name] = xlsxwriter.utility.xl_rowcol_to_cell(r, totals_col, row_abs=True, col_abs=True)
        label = lambda param: _(label_of(param))  # noqa: E731
        r = top
        for kpi in KPIS.values():
            if not kpi.measures:  # CLV: its inputs are KPIs, not Actuals columns
                continue
            r += 1
            number = self.fmt(num_format=_UNIT_FORMATS[kpi.unit])
            operands = [cells[m] for m in kpi.measures]
            sheet.write_string(r, 0, kpi.code)
            sheet.write_string(r, 1, _(kpi.name))
            sheet.write_string(r, 2, _(STAGE_NAMES[kpi.stage]))
            if kpi.function_takes_totals:
                guard = ",".join(f'{cell}=""' for cell in dict.fromkeys(operands))
                sheet.write_formula(r, 3, f'=IF(OR({guard}),"",{kpi.function_name}({",".join(operands)}))',
                                    number, "")
            plain = excel_expression(kpi, lambda _k, measure: cells[measure])
            sheet.write_formula(r, 4, f'=IFERROR({plain},"")', number, "")
            sheet.write_string(r, 5, kpi.formula_text(label))
        formula_of = (f"INDEX({CUSTOM_KPIS.name}[{CUSTOM_KPIS.column('formula').header}],MATCH({{0}},"
                      f"{CUSTOM_KPIS.name}[{CUSTOM_KPIS.column('code').header}],0))")
        for kpi in self.custom_kpis:  # the workbook's own, as its Custom KPIs sheet defines them
            r += 1
            number = self.fmt(num_format=_UNIT_FORMATS[kpi.unit])
            operands = [cells[m] for m in kpi.measures]
            code_cell = xlsxwriter.utility.xl_rowcol_to_cell(r, 0)
            sheet.write_string(r, 0, kpi.code)
            sheet.write_string(r, 1, kpi.name)
            sheet.write_string(r, 2, _(STAGE_NAMES[kpi.stage]))
            guard = ",".join(f'{cell}=""' for cell in dict.fromkeys(operands))
            sheet.write_formula(r, 3, f'=IF(OR({guard}),"",KPI_CUSTOM({formula_of.format(code_cell)},'
                                      f'{",".join(operands)}))', number, "")
            plain = excel_expression(kpi, lambda _k, measure: cells[measure])
            sheet.write_formula(r, 4, f'=IFERROR({plain},"")', number, "")
            sheet.write_string(r, 5, kpi.formula_text())
        for c, width in enumerate((25, 32, 14, 16, 16, 44, 3, 22, 16)):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(top + 1, 0)


def _write_value(sheet: Worksheet, row: int, col: int, value: object, cell_format: object | None, *,
                 formulas: bool = False) -> None:
    """One cell by the value's type; text is always text (a commentary starting with = is no formula)."""
    if value is None or value == "":
        if cell_format is not None and formulas:
            sheet.write_blank(row, col, None, cell_format)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, cell_format)
    elif formulas and isinstance(value, str) and value.startswith("="):
        sheet.write_formula(row, col, value, cell_format, "")
    else:
        sheet.write_string(row, col, str(value), cell_format)

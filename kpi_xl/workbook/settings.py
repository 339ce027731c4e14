"""The Settings table (one ``Setting | Value`` row per key) -> :class:`kpi_xl.core.model.Settings`.

A blank value keeps the model's default; an unknown key is a warning (a typo leaves the default in
force); a key given twice, or a value of the wrong type, is an error.

>>> issues = []
>>> s = settings_from_rows([(3, "on_track_min", "90%"), (4, "Report period", dt.date(2026, 9, 1)),
...                         (5, "smtp_port", 587.0)], lambda *a: issues.append(a))
>>> s.on_track_min, s.report_period, s.smtp_port, issues
(0.9, Month(2026, 9), 587, [])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable

from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import Settings
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import N_
from kpi_xl.i18n import SUPPORTED_LOCALES, resolve_locale
from kpi_xl.workbook.schema import SETTING_CHOICES, SETTING_KEYS, Kind
from kpi_xl.workbook.values import (
    BAD_EMAIL,
    UNKNOWN_LOCALE,
    AmbiguousNumberError,
    convert_column,
    display,
    email_problem,
    number_from_text,
)

__all__ = ["settings_from_rows"]

UNKNOWN_SETTING = N_("unknown setting {key}: it is ignored")
MISSING_KEY = N_("the setting's name is missing")
DUPLICATE_SETTING = N_("setting {key} is given twice (first in row {other})")
NOT_COLOUR = N_("{key} must be a colour like #1F4E79, got {value}")
NOT_MONTH = N_("{key} must be a month like 2026-09, got {value}")
NOT_FRACTION = N_("{key} must be a share from 0 to 1, such as 0.95 or 95%, got {value}")
NOT_PORT = N_("{key} must be a whole number from 1 to 65535, got {value}")
NOT_CHOICE = N_("{key} must be one of {choices}, got {value}")
THRESHOLDS = N_("at_risk_min ({low}) must not be above on_track_min ({high})")

# Report(sheet-less): report(row, key_or_value, template, **params); "key" places it on the Setting cell.
Report = Callable[..., None]
_BAD = object()
_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")


def _text(value: object) -> object:
    (text,), _ = convert_column([value], Kind.TEXT, "")
    return text


def _fraction(value: object) -> object:
    if type(value) is str:
        try:
            value = number_from_text(value)
        except AmbiguousNumberError:
            return _BAD
    if type(value) in (int, float) and math.isfinite(value) and 0 <= value <= 1:  # type: ignore[operator]
        return float(value)  # type: ignore[arg-type]
    return _BAD


def _port(value: object) -> object:
    if type(value) is str and value.strip().isdigit():
        value = int(value.strip())
    if type(value) in (int, float) and math.isfinite(value) and float(value).is_integer() \
            and 1 <= value <= 65535:  # type: ignore[operator]
        return int(value)  # type: ignore[arg-type]
    return _BAD


def _month(value: object) -> object:
    if isinstance(value, dt.date):
        value = f"{value.year:04d}-{value.month:02d}"
    if type(value) is str:
        try:
            return Month.parse(value)
        except ValueError:
            pass
    return _BAD


def _colour(value: object) -> object:
    m = _COLOUR.fullmatch(str(_text(value)))
    return f"#{m.group(1).upper()}" if m else _BAD


def _locale(value: object) -> object:
    try:
        return resolve_locale(_text(value))
    except KpiError:
        return _BAD


def _email(value: object) -> object:
    (found,), issues = convert_column([value], Kind.EMAILS, "")
    if issues or not found or len(found) != 1 or email_problem(found[0]) is not None:  # type: ignore[arg-type]
        return _BAD
    return found[0]  # type: ignore[index]


def _choice(key: str) -> Callable[[object], object]:
    def parse(value: object) -> object:
        text = str(_text(value)).lower()
        return text if text in SETTING_CHOICES[key] else _BAD
    return parse


_PARSERS: dict[str, tuple[Callable[[object], object], str]] = {
    "agency_name": (_text, ""),
    "brand_colour": (_colour, NOT_COLOUR),
    "default_locale": (_locale, UNKNOWN_LOCALE),
    "report_period": (_month, NOT_MONTH),
    "on_track_min": (_fraction, NOT_FRACTION),
    "at_risk_min": (_fraction, NOT_FRACTION),
    "baseline_method": (_choice("baseline_method"), NOT_CHOICE),
    "smtp_host": (_text, ""),
    "smtp_port": (_port, NOT_PORT),
    "smtp_security": (_choice("smtp_security"), NOT_CHOICE),
    "smtp_user": (_text, ""),
    "from_address": (_email, BAD_EMAIL),
}
assert set(_PARSERS) == set(SETTING_KEYS) == {f.name for f in dataclasses.fields(Settings)}


def settings_from_rows(rows: Iterable[tuple[int, object, object]], report: Report) -> Settings:
    """Settings from (sheet row, key cell, value cell) triples whose cells are already free of errors
    (converted: blanks are None). ``report(row, where, template, severity=..., **params)`` with
    ``where`` "key" or "value" names the cell of a problem."""
    values: dict[str, object] = {}
    seen: dict[str, int] = {}
    cells: dict[str, tuple[int, object]] = {}
    for row, key_cell, value in rows:
        if key_cell is None:
            report(row, "key", MISSING_KEY)
            continue
        key = "_".join(str(key_cell).split()).casefold()
        if key not in _PARSERS:
            report(row, "key", UNKNOWN_SETTING, warning=True, key=display(str(key_cell)))
            continue
        if key in seen:
            report(row, "key", DUPLICATE_SETTING, key=key, other=str(seen[key]))
            continue
        seen[key] = row
        if value is None:
            continue
        parse, template = _PARSERS[key]
        parsed = parse(value)
        if parsed is _BAD:
            allowed = SETTING_CHOICES.get(key, SUPPORTED_LOCALES)
            choices = {"choices": ", ".join(allowed)} if "{choices}" in template else {}
            report(row, "value", template, key=key, value=display(value), **choices)
            continue
        values[key] = parsed
        cells[key] = (row, value)
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.at_risk_min > settings.on_track_min:
        row = cells.get("at_risk_min", cells.get("on_track_min", (0, None)))[0]
        report(row, "value", THRESHOLDS, low=display(settings.at_risk_min), high=display(settings.on_track_min))
    return settings

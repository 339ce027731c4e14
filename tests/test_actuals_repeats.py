"""Rule 5: a row pasted twice is never invisible. An exact repeat of an Actuals row is an error naming
both rows; the same key (date, client, channel, campaign and any other column that is not a measure)
with other values is a warning."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from workbook_factory import actuals_row, fake_book, sample_book, write_xlsx

from kpi_xl import cli
from kpi_xl.core.registry import MEASURES
from kpi_xl.workbook.read import check_workbook
from kpi_xl.workbook.schema import ACTUALS

D = dt.date
KEY = "date, client, channel, campaign, source"
# sample_book's Actuals: sheet row 2 is Acme/Search/Brand on 1 September (cost 120.5, 300 clicks, 4 conversions).
FIRST = actuals_row(D(2026, 9, 1), "Acme", "Search", "Brand", cost=120.5, clicks=300, conversions=4)


@pytest.mark.parametrize(
    ("extra", "lines"),
    [
        # Pasted again as row 7: the same key and the same values.
        ([FIRST], [f"Actuals!A7: error: the row repeats row 2 exactly (same {KEY} and values): every total would "
                   "count it twice; delete one of them"]),
        # The client spelled another way is the same client (matched like Excel's lookups).
        ([actuals_row(D(2026, 9, 1), " acme ", "Search", "Brand", cost=120.5, clicks=300, conversions=4)],
         ["Actuals!A7: error: the row repeats row 2 exactly"]),
        # Same key, one value changed: added up, so a warning.
        ([actuals_row(D(2026, 9, 1), "Acme", "Search", "Brand", cost=120.5, clicks=301, conversions=4)],
         [f"Actuals!A7: warning: the row has the same {KEY} as row 2 but other values: both are added up; "
          "if one replaces the other, delete it"]),
        # Three copies: each repeat names the first.
        ([FIRST, FIRST], ["Actuals!A7: error: the row repeats row 2 exactly",
                          "Actuals!A8: error: the row repeats row 2 exactly"]),
        # Two rows without measures are each an empty row, not a repeat of the other.
        ([actuals_row(D(2026, 9, 9), "Acme", "Search", "Brand"), actuals_row(D(2026, 9, 9), "Acme", "Search", "Brand")],
         ["Actuals!A7: warning: the row has no measures", "Actuals!A8: warning: the row has no measures"]),
        # Another campaign, channel or day is another key: nothing to say.
        ([actuals_row(D(2026, 9, 1), "Acme", "Search", "Generic", cost=120.5, clicks=300, conversions=4),
          actuals_row(D(2026, 9, 1), "Acme", "Social", "Brand", cost=120.5, clicks=300, conversions=4),
          actuals_row(D(2026, 9, 3), "Acme", "Search", "Brand", cost=120.5, clicks=300, conversions=4)], []),
    ],
)
def test_repeated_actuals_rows(tmp_path, extra, lines):
    book = sample_book()
    book["Actuals"].rows.extend(extra)
    out = io.StringIO()
    status = cli.main(["check", str(write_xlsx(book, tmp_path / "book.xlsx"))], out)
    found = [line for line in out.getvalue().splitlines() if line.startswith("Actuals!")]
    assert len(found) == len(lines)
    assert all(line.startswith(want) for line, want in zip(found, lines, strict=True))
    assert status == (1 if any(": error:" in want for want in lines) else 0)


def test_the_live_reader_finds_the_repeat_too():
    book = sample_book()
    book["Actuals"].rows.append(FIRST)
    data, problems = check_workbook(fake_book(book))
    assert data is None
    assert [str(p) for p in problems if p.sheet == "Actuals"] == [
        f"Actuals!A7: the row repeats row 2 exactly (same {KEY} and values): every total would count it twice; "
        "delete one of them"]


def test_the_key_is_every_column_of_actuals_that_is_not_a_measure():
    assert [c.key for c in ACTUALS.columns if c.key not in MEASURES][:4] == ["date", "client", "channel", "campaign"]

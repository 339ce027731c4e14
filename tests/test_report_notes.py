"""The Goals sheet's Notes column is the analyst's: in the internal review copy, never in the client's."""

from __future__ import annotations

import pytest
from report_fixtures import CLIENT, PERIOD, make_workbook

from kpi_xl.i18n import translator
from kpi_xl.report.api import report_html

NOTE = "Unrealistic on purpose: call Ana before sending"


@pytest.mark.parametrize(
    ("locale", "review", "shown"),
    [
        ("en_US", False, False),   # the client's PDF: neither the note nor its "Notes:" label
        ("en_US", True, True),     # the agency's review copy keeps it
        ("es_ES", False, False),
        ("es_ES", True, True),
        ("pl_PL", False, False),
        ("vi_VN", True, True),
    ],
)
def test_goal_notes_only_in_the_review_copy(locale, review, shown):
    html, content = report_html(make_workbook(locale, notes=NOTE), CLIENT, PERIOD, review=review)
    label = translator(locale).gettext("Notes:")
    assert (NOTE in html) is shown
    assert (label in html) is shown
    assert any(g.notes == NOTE for g in content.goals) is shown
    # the objective is the client's own aim: in both copies
    assert "Grow online sales before the holidays" in html

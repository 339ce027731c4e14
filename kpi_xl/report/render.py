"""The Jinja2 environment of the report templates: autoescaping on, gettext installed, one per locale.

>>> env = environment("pl_PL")
>>> env.autoescape, env.from_string("{{ name }}").render(name="<img src=x>")
(True, '&lt;img src=x&gt;')
>>> env.from_string("{{ _('Goals') }}").render()
'Cele'
>>> env.from_string("{{ text }}").render(text="a \u2029b\x1b]0;x\x07 c")
'a  b]0;x c'
"""

from __future__ import annotations

import re
from functools import cache

import jinja2

from kpi_xl.i18n import translator
from kpi_xl.report.context import Report
from kpi_xl.report.typography import keep_word_groups
from kpi_xl.resources import templates_dir

__all__ = ["REPORT_TEMPLATE", "STYLESHEET", "environment", "render_html", "report_dir"]

REPORT_TEMPLATE = "report.html"
STYLESHEET = "report.css"  # applied by kpi_xl.report.pdf, parsed once per process


# Control characters and Unicode line/paragraph separators in workbook text: the PDF engine asserts on
# some (" \u2029" between two lines) and none has a meaning in a report's running text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(value: object) -> object:
    """Every ``{{ value }}`` of the templates: text without control characters (a separator is a space)."""
    if isinstance(value, str) and _CONTROL.search(value):
        return _CONTROL.sub(lambda m: " " if m.group(0) in "\u2028\u2029\x85" else "", value)
    return value


def report_dir():
    """The folder of the report's templates, stylesheet and (one level up) fonts."""
    return templates_dir() / "report"


@cache
def environment(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(report_dir()),
        autoescape=True,  # every template, whatever its extension: workbook text is never markup
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_plain,
    )
    env.install_gettext_translations(translator(locale), newstyle=True)
    return env


def render_html(report: Report, locale: str) -> str:
    """The report's HTML; a Vietnamese word group never breaks across two lines (typography.py)."""
    return keep_word_groups(environment(locale).get_template(REPORT_TEMPLATE).render(report=report), locale)

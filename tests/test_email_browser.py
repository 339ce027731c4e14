"""The e-mail's HTML in a real browser: headless Chromium lays it out on a phone (390 px), the
narrowest common screen (320 px) and a desktop window (800 px), and no element may reach past the
viewport, the figures' table included.

A small script added to a copy of the HTML measures every element after layout and writes the
result into the page; ``chromium --dump-dom`` prints the page, measurements included. The script is
only in the copy: the e-mail itself has none. Chromium comes from ``scripts/bootstrap.sh test``
(Debian's ``chromium``); without it these tests are skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from email import policy
from email.headerregistry import Address
from email.parser import BytesParser
from functools import cache
from pathlib import Path

import pytest
from report_fixtures import CLIENT, PERIOD, make_workbook

from kpi_xl.core.model import Client
from kpi_xl.delivery.addresses import check_recipients
from kpi_xl.delivery.message import Letter, compose, message_bytes
from kpi_xl.i18n import SUPPORTED_LOCALES
from kpi_xl.report.api import email_figures

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: scripts/bootstrap.sh test "
                                                          "installs it (Debian package chromium)")

# Runs inside the e-mail, in an iframe of the given width (headless Chromium will not make a window
# narrower than 500 px; an iframe is a viewport of any width, as a phone's screen is), and reports
# to the page around it, which --dump-dom prints.
_MEASURE = """<script>
(function () {
  var viewport = document.documentElement.clientWidth, wide = [];
  var all = document.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var box = all[i].getBoundingClientRect();
    if (box.right > viewport + 0.5 || box.left < -0.5) {
      wide.push(all[i].tagName + ' ' + Math.round(box.left) + '..' + Math.round(box.right) + ' '
                + (all[i].textContent || '').replace(/\\s+/g, ' ').slice(0, 50));
    }
  }
  parent.document.getElementById('measured').textContent = JSON.stringify({
    viewport: viewport, scroll: document.documentElement.scrollWidth,
    rows: document.getElementsByTagName('tr').length, wide: wide});
})();
</script>"""
_FRAME = ('<!DOCTYPE html><html><body style="margin:0">'
          '<iframe style="border:0;display:block" width="{width}" height="1200" srcdoc="{page}"></iframe>'
          '<pre id="measured"></pre></body></html>')


def measure(page: str, width: int, folder: Path, screenshot: Path | None = None) -> dict:
    """Lays ``page`` out ``width`` CSS pixels wide in Chromium; what the measuring script found."""
    path = folder / f"email-{width}.html"
    framed = _FRAME.format(width=width, page=html.escape(page.replace("</body>", _MEASURE + "</body>"), quote=True))
    path.write_text(framed, encoding="utf-8")
    output = [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--force-device-scale-factor=1", f"--user-data-dir={folder / 'profile'}",
         f"--window-size={max(width, 800)},1200", *output, path.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    if screenshot:
        return {}
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1), f"Chromium printed no measurement (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def _html_part(letter: Letter) -> str:
    raw = message_bytes(compose(letter, date=dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)))
    return BytesParser(policy=policy.default).parsebytes(raw).get_body(("html",)).get_content()


def _letter(locale: str, client: str, figures: dict[str, str], agency: str = "Northwind Agency") -> Letter:
    recipients, _ = check_recipients(Client(client, ("team@example.com",), locale, "EUR",
                                            email_sources=("Clients!B2",)))
    return Letter(client=client, locale=locale, period=PERIOD, recipients=recipients,
                  sender=Address("Northwind Agency", "reports", "agency.example"), agency=agency,
                  pdf=b"%PDF-1.7\n", figures=figures)


@cache
def _real_email(locale: str) -> str:
    """The e-mail of the test workbook's client with its real figures."""
    return _html_part(_letter(locale, CLIENT, email_figures(make_workbook(locale), CLIENT, PERIOD)))


def _stress_email() -> str:
    """Everything long at once: a long client and agency, big amounts, a long unbroken word."""
    figures = {
        "Metas": "12 metas atingidas, 3 metas no caminho certo, 2 metas em risco, 1 meta fora do rumo",
        "Receita": "R$\u00a01.234.567.890,12",  # Babel joins the sign and the amount: no break
        "Custo": "R$\u00a0987.654.321,98",
        "Conversões": "1.234.567",
        "Dados até": "31 de outubro de 2026",
    }
    return _html_part(_letter("pt_BR", "Przedsiębiorstwo Handlowo-Usługowe Zielony Ogród Nieruchomości Sp. z o.o.",
                              figures, agency="Agência-de-Marketing-Digital-Internacional-Supercalifragilística"))


@pytest.mark.parametrize("width", [390, 800])
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_element_is_wider_than_the_screen(locale, width, tmp_path):
    result = measure(_real_email(locale), width, tmp_path)
    assert result["viewport"] == width  # the window really was this wide
    assert result["rows"] >= 5  # the figures' table is there: goals, revenue, cost, conversions, date
    assert result["wide"] == [] and result["scroll"] <= width, result


@pytest.mark.parametrize("width", [320, 390, 800])
def test_long_names_and_big_amounts_still_fit(width, tmp_path):
    result = measure(_stress_email(), width, tmp_path)
    assert result["viewport"] == width
    assert result["wide"] == [] and result["scroll"] <= width, result


def test_the_html_loads_nothing_from_outside():
    page = _stress_email()
    assert re.search(r"<(img|link|script|style|iframe)\b", page, re.I) is None
    assert re.search(r"\b(src|href)\s*=", page, re.I) is None
    assert "url(" not in page

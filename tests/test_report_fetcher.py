"""The URL fetcher, WeasyPrint's only way to load anything: the package's own files, nothing else.

These tests write markup straight into the HTML, which the report never does with workbook text
(templates autoescape it): they show the second line of defence on its own. WeasyPrint logs each
refusal, so these tests do not use the no-warnings guard of the other report tests.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from report_fixtures import weasyprint_logs

from kpi_xl.report.pdf import FetchRefusedError, html_to_pdf, make_fetcher, resolve_local
from kpi_xl.report.render import report_dir
from kpi_xl.resources import templates_dir

ROOT = templates_dir()


def test_markup_that_got_through_still_loads_nothing():
    outside = (report_dir() / ".." / ".." / "pyproject.toml").resolve().as_uri()
    raw = ('<html lang="en"><body><img src="file:///etc/hostname"><img src="http://attacker.example/p.png">'
           '<a rel="attachment" href="file:///etc/hostname">x</a>'
           '<img src="data:image/svg+xml;base64,PHN2Zy8+"><img src="../../pyproject.toml"></body></html>')
    fetcher = make_fetcher()
    with weasyprint_logs() as logged:
        pdf = html_to_pdf(raw, report_dir(), fetcher=fetcher)
    assert sorted(fetcher.refused) == sorted(["file:///etc/hostname", "http://attacker.example/p.png",
                                              "file:///etc/hostname", "data:image/svg+xml;base64,PHN2Zy8+", outside])
    assert fetcher.attempts == fetcher.refused
    assert len(logged) == 5 and all("refused to load" in line for line in logged)
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file://attacker.example/share/report.css",           # a remote host in a file: URL
        "http://example.com/report.css",
        "https://example.com/report.css",
        "ftp://example.com/x",
        "data:text/css,body{}",
        (ROOT / "report" / ".." / ".." / "pyproject.toml").as_uri(),  # climbing out of the templates
        (ROOT / "report" / "missing.css").as_uri(),
        (ROOT / "report").as_uri(),                              # a folder, not a file
        "report.css",                                            # not absolute
    ],
)
def test_refused_urls(url):
    assert resolve_local(url, ROOT) is None
    fetcher = make_fetcher()
    with pytest.raises(FetchRefusedError):
        fetcher.fetch(url)
    assert fetcher.refused == [url] == fetcher.attempts


@pytest.mark.parametrize("name", ["report/report.css", "fonts/NotoSans-Regular.ttf"])
def test_the_packages_own_files_are_served(name):
    path = ROOT / name
    response = make_fetcher().fetch(path.as_uri())
    assert response.read() == path.read_bytes()


def test_percent_encoding_is_decoded_before_the_check():
    css = ROOT / "report" / "report.css"
    assert resolve_local(css.as_uri().replace("/report.css", "/%72eport.css"), ROOT) == css.resolve()
    assert resolve_local((ROOT / "report").as_uri() + "/%2E%2E/%2E%2E/pyproject.toml", ROOT) is None


def test_a_symlink_out_of_the_templates_is_refused(tmp_path):
    root = tmp_path / "templates"
    root.mkdir()
    (root / "inside.css").write_text("p {}")
    (root / "leak.css").symlink_to("/etc/hostname")
    assert resolve_local((root / "inside.css").as_uri(), root) == (root / "inside.css").resolve()
    assert resolve_local((root / "leak.css").as_uri(), root) is None

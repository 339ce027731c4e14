"""HTML to PDF with WeasyPrint: only the package's own files may be loaded, fonts are set up once.

WeasyPrint is imported on first use, never when kpi_xl is imported (it takes about half a second).
The :class:`~weasyprint.text.fonts.FontConfiguration` is kept for the life of the process: the
bundled fonts are read and registered once, and every later report reuses them.

The URL fetcher is the security boundary. Report templates autoescape workbook text, so a client
named ``<img src=file:///etc/passwd>`` is text, not a tag; if anything still asked for a resource,
the fetcher refuses every URL that is not a file inside the templates folder (no http:, no other
file:, no data:, since the report generates none: charts are inline SVG) and records the attempt.
"""

from __future__ import annotations

import atexit
import datetime as dt
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kpi_xl.resources import templates_dir

__all__ = ["Attachment", "FetchRefusedError", "html_to_pdf", "make_fetcher", "resolve_local"]

_state: dict[str, Any] = {}


class FetchRefusedError(ValueError):
    """A URL the report may not load. WeasyPrint logs it and carries on without the resource."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"refused to load {url[:200]!r}: reports load only their own templates and fonts")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file we generate and embed (the PDF/A-3 goal table as CSV)."""

    name: str          # its extension gives the MIME type: "goals.csv"
    content: bytes
    description: str


def resolve_local(url: str, root: Path) -> Path | None:
    """The file a ``file:`` URL names when it lies inside ``root``; None for anything else.

    >>> root = templates_dir()
    >>> resolve_local((root / "report" / "report.css").as_uri(), root) == root / "report" / "report.css"
    True
    >>> [resolve_local(u, root) for u in ("file:///etc/hostname", "http://example.com/x.css", "data:,x",
    ...                                   (root / "report" / ".." / ".." / "pyproject.toml").as_uri())]
    [None, None, None, None]
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(unquote(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    real_root = root.resolve()
    return path if path.is_relative_to(real_root) and path.is_file() else None


def make_fetcher(root: Path | None = None):
    """A WeasyPrint URL fetcher serving only files under ``root`` (the templates folder).

    Its ``attempts`` list records every URL asked for, ``refused`` those it turned down.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed_root = root if root is not None else templates_dir()

    class SafeFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.attempts: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            self.attempts.append(url)
            path = resolve_local(url, allowed_root)
            if path is None:
                self.refused.append(url)
                raise FetchRefusedError(url)
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(path.as_uri(), _read_cached(path),
                                      {"Content-Type": mime or "application/octet-stream"})

    return SafeFetcher()


def _read_cached(path: Path) -> bytes:
    """Template assets are read once per process (the fonts are 2 MB)."""
    cache: dict[Path, bytes] = _state.setdefault("files", {})
    if path not in cache:
        cache[path] = path.read_bytes()
    return cache[path]


def _font_config():
    """One FontConfiguration per process: @font-face fonts are registered on the first report only."""
    if "fonts" not in _state:
        from weasyprint.text.fonts import FontConfiguration

        _state["fonts"] = FontConfiguration()
        # Dropped while the interpreter still works: its __del__ removes a temporary font folder.
        atexit.register(_state.clear)
    return _state["fonts"]


def _stylesheet(path: Path):
    """A stylesheet parsed once per process, its @font-face fonts registered in the shared
    configuration (parsing report.css takes about 14 ms: 5 % of a report)."""
    import weasyprint

    sheets: dict[Path, Any] = _state.setdefault("sheets", {})
    if path not in sheets:
        sheets[path] = weasyprint.CSS(filename=path, font_config=_font_config(), url_fetcher=make_fetcher())
    return sheets[path]


def html_to_pdf(
    html: str,
    base_url: Path,
    *,
    stylesheets: tuple[Path, ...] = (),
    pdf_a: bool = False,
    attachments: tuple[Attachment, ...] = (),
    created: dt.datetime | None = None,
    fetcher: Any = None,
) -> bytes:
    """Renders ``html`` (its relative URLs resolved against the folder ``base_url``) to PDF bytes,
    with ``stylesheets`` (package files, parsed once per process) applied.

    Every PDF is tagged: a structure tree of headings, paragraphs, lists, tables with their header
    cells and figures with their text alternatives (an SVG's ``<title>``), in the document's
    language (``<html lang>``). A report is PDF/UA-1; ``pdf_a`` gives PDF/A-3b instead (one
    variant per file in WeasyPrint), still tagged, the only variant that may carry
    ``attachments``; without it they are refused, so a normal report never embeds a file.
    """
    import weasyprint

    if attachments and not pdf_a:
        raise ValueError("attachments are only embedded in PDF/A-3b reports")
    for path in stylesheets:
        if resolve_local(path.as_uri(), templates_dir()) is None:
            raise ValueError(f"{path} is not a file of the package's templates")
    fetcher = fetcher if fetcher is not None else make_fetcher()
    document = weasyprint.HTML(string=html, base_url=base_url.as_uri() + "/", url_fetcher=fetcher)
    options: dict[str, Any] = {"stylesheets": [_stylesheet(path) for path in stylesheets],
                               "pdf_variant": "pdf/ua-1", "pdf_tags": True}
    if pdf_a:
        stamp = created or dt.datetime(2000, 1, 1)
        options["pdf_variant"] = "pdf/a-3b"
        options["attachments"] = [
            weasyprint.Attachment(string=a.content, name=a.name, description=a.description,
                                  created=stamp, modified=stamp, relationship="Data", url_fetcher=fetcher)
            for a in attachments
        ]
    return document.write_pdf(font_config=_font_config(), **options)

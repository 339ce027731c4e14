"""What the commands share in printing: JSON for scripts, the progress bar, ``--quiet``, and the warnings
about a workbook as a whole that no command may hide.

**JSON** (``--json``): UTF-8 whatever the terminal's encoding, names and accents as they are
(``ensure_ascii=False``), indented by 2, no NaN (a value JSON cannot hold is a bug, not output), one
document per run ending in a newline. The exit status is the command's, as without ``--json``.

>>> import io
>>> stream = io.StringIO()
>>> print_json({"client": "Café Łódź", "n": 2}, stream)
>>> print(stream.getvalue(), end="")
{
  "client": "Café Łódź",
  "n": 2
}

**Quiet** (``--quiet``, for cron): nothing on stdout; warnings and errors still reach stderr, and the
exit status is unchanged. :func:`kpi_xl.cli.main` hands such a command :data:`NOWHERE` as its output.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

from kpi_xl.cli.terminal import shown

if TYPE_CHECKING:
    from kpi_xl.workbook.problems import Problem

__all__ = ["NOWHERE", "Progress", "add_quiet_argument", "is_quiet", "print_json", "print_notes"]


def print_json(value: object, out: TextIO) -> None:
    """``value`` as one JSON document on ``out``, in UTF-8 (see the module's docstring)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    encoding = getattr(out, "encoding", None)
    buffer = getattr(out, "buffer", None)
    if encoding and buffer is not None and codecs.lookup(encoding).name != "utf-8":
        out.flush()  # a terminal or file opened in another encoding: JSON is UTF-8 (RFC 8259)
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        out.write(text)


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing but warnings and errors (stderr), for cron; same exit status")


def is_quiet(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "quiet", False))


class _Nowhere(io.TextIOBase):
    """A text stream that keeps nothing: the output of a ``--quiet`` command."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


NOWHERE: TextIO = _Nowhere()  # type: ignore[assignment]


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


class Progress:
    """Progress of a batch over clients, on ``stream`` (stderr): a bar redrawn in place on a terminal,
    one plain line per client in a log file, nothing at all when ``stream`` is None (``--quiet``).

    >>> log = io.StringIO()
    >>> class Done:
    ...     status = "written"
    >>> progress = Progress(log)
    >>> progress.start(3); progress.step("Acme", [Done()]); progress.step("Bolt", [Done(), Done()])
    >>> progress.step("Coda", [])
    >>> print(log.getvalue(), end="")
    [1/3] Acme: written
    [2/3] Bolt: written 2
    [3/3] Coda: nothing to do
    """

    WIDTH = 30

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        if self.tty and total:
            self._draw("")

    def step(self, client: str, outcomes: Sequence[_HasStatus]) -> None:
        self.done += 1
        if self.stream is None:
            return
        if self.tty:
            self._draw(client)
            if self.done == self.total:
                self.stream.write("\n")
        else:
            counts = Counter(outcome.status for outcome in outcomes)
            # "written" for a client's one report; "sent 2" when it went to two recipients.
            summary = ", ".join(status if n == 1 else f"{status} {n}"
                                for status, n in sorted(counts.items())) or "nothing to do"
            self.stream.write(f"[{self.done}/{self.total}] {shown(client)}: {summary}\n")
        self.stream.flush()

    def _draw(self, client: str) -> None:
        assert self.stream is not None
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {shown(client)[:40]:<40}")


def print_notes(problems: Sequence[Problem], err: TextIO) -> None:
    """The warnings about the workbook as a whole a batch run must not hide: a lock file (the workbook
    is open: unsaved changes are not read) and the template's placeholder agency name."""
    from kpi_xl.workbook.parse import NO_AGENCY, PLACEHOLDER
    from kpi_xl.workbook.problems import WARNING
    from kpi_xl.workbook.read import LOCKED

    for p in problems:
        if p.severity is WARNING and p.template in (LOCKED, PLACEHOLDER, NO_AGENCY):
            print(f"kpi-xl: warning: {shown(str(p))}", file=err)

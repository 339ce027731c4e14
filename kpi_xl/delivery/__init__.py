"""Monthly e-mail delivery: every client gets exactly one e-mail with their report.

- :mod:`~kpi_xl.delivery.addresses` checks recipients, naming the cell of a bad one;
- :mod:`~kpi_xl.delivery.rendering` renders the PDFs in a process pool (:class:`RenderJob`);
- :mod:`~kpi_xl.delivery.message` writes the e-mail in the client's language;
- :mod:`~kpi_xl.delivery.config` finds the SMTP settings and the password;
- :mod:`~kpi_xl.delivery.smtp` talks to the server; :mod:`~kpi_xl.delivery.ledger` remembers what was sent;
- :mod:`~kpi_xl.delivery.monthly` runs the batch; :mod:`~kpi_xl.cli.send` is ``kpi-xl send``/``history``.
"""

from __future__ import annotations

__all__ = ["RenderJob"]


def __getattr__(name: str) -> object:
    # RenderJob is loaded on first use: importing kpi_xl.cli.send to build the CLI parser
    # should not pull in multiprocessing and concurrent.futures.
    if name == "RenderJob":
        from kpi_xl.delivery.rendering import RenderJob

        return RenderJob
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""How a report looks, apart from its words: status colours and symbols, brand ink and accent, footers.

>>> html_lang("pl_PL"), ink_on("#1F4E79"), ink_on("#FFEB3B")
('pl-PL', '#FFFFFF', '#1A1A1A')
"""

from __future__ import annotations

from collections.abc import Callable

from kpi_xl.core.tracking import Status

__all__ = ["STATUS_COLOURS", "STATUS_SYMBOLS", "accent", "footer", "html_lang", "ink_on", "luminance",
           "page_label", "review_footer", "shorten"]

STATUS_COLOURS = {
    Status.ACHIEVED: "#1B7F3B",
    Status.ON_TRACK: "#3E9B4F",
    Status.AT_RISK: "#D68A00",
    Status.OFF_TRACK: "#C62828",
    Status.MISSED: "#8E1B1B",
    Status.NOT_STARTED: "#8C8C8C",
}
# A shape as well as a colour, so the status reads in grey print and for colour-blind readers.
STATUS_SYMBOLS = {
    Status.ACHIEVED: "✓",
    Status.ON_TRACK: "●",
    Status.AT_RISK: "▲",
    Status.OFF_TRACK: "▼",
    Status.MISSED: "✗",
    Status.NOT_STARTED: "○",
}


def html_lang(locale: str) -> str:
    """The BCP 47 tag of a locale: ``pl_PL`` -> ``pl-PL``."""
    return locale.replace("_", "-")


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def ink_on(colour: str) -> str:
    """Black or white text on ``colour``, whichever reads better."""
    return "#FFFFFF" if luminance(colour) < 0.18 else "#1A1A1A"


def accent(colour: str) -> str:
    """The brand colour for headings and chart lines on white: darkened until it has the 4.5:1
    contrast WCAG asks of text (a yellow brand would be unreadable as it is).

    >>> accent("#1F4E79"), accent("#FFEB3B")
    ('#1F4E79', '#7F751D')
    """
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    factor = 1.0
    while (1.05 / (luminance(colour) + 0.05)) < 4.5 and factor > 0:
        factor -= 0.05
        colour = "#{:02X}{:02X}{:02X}".format(*(round(c * factor) for c in (r, g, b)))
    return colour


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (a footer line has room for about 58).

    >>> shorten("Przedsiębiorstwo Handlowo-Usługowe", 20), shorten("Acme", 20)
    ('Przedsiębiorstwo Ha…', 'Acme')
    """
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def footer(agency: str, client: str, period: str, room: int = 58) -> str:
    """"Agency · Client · period" in the footer's room (7 pt over 42 % of the width): the client's
    name gives way first, then the agency's."""
    agency = shorten(agency, 20)
    return " · ".join((agency, shorten(client, max(16, room - len(agency) - len(period) - 6)), period))


def review_footer(mark: str, client: str, period: str, room: int = 58) -> str:
    """The footer of the agency's review copy, marked on every page: the mark takes the agency's place.

    >>> review_footer("Copia de revisión interna", "Aurora Moda", "octubre de 2026")
    'Copia de revisión interna · Aurora Moda · octubre de 2026'
    """
    return " · ".join((mark, shorten(client, max(12, room - len(mark) - len(period) - 6)), period))


def page_label(gettext: Callable[[str], str]) -> tuple[str, str, str]:
    """"Page {page} of {pages}" split around its two numbers, which CSS counters fill in."""
    text = gettext("Page {page} of {pages}")
    before, _, rest = text.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after

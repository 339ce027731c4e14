"""Custom KPIs: a workbook's own formulas over measures, parsed safely (never ``eval``).

A formula holds numbers, measure keys (``cost``, ``video_views``), ``+ - * /`` (``× ÷ −`` too) and
parentheses, with the usual precedence and unary minus. It is evaluated over a window's totals, like
the built-in KPIs (a ratio of sums); a zero denominator gives no value.

>>> f = parse_formula("cost / video_views")
>>> f.measures
('cost', 'video_views')
>>> f.evaluate({"cost": 120.0, "video_views": 4800.0})
0.025
>>> parse_formula("(revenue - cost) / cost * 100")(1500.0, 1000.0)
50.0
>>> parse_formula("cost / (clicks")
Traceback (most recent call last):
...
kpi_xl.core.custom.FormulaError: formula "cost / (clicks": missing ) at character 15
>>> parse_formula("cost / views", known={"cost", "clicks"}).measures
Traceback (most recent call last):
...
kpi_xl.core.custom.FormulaError: formula "cost / views": unknown measure views at character 8

A :class:`CustomKpi` is a registry :class:`~kpi_xl.core.registry.Kpi`: goals, tracking, reports
take it unchanged.

>>> kpi = custom_kpi("CPV", "Cost per video view", "cost / video_views", "currency", "lower", "awareness")
>>> kpi.measures, kpi.lower_is_better, kpi.cumulative, kpi.formula_text()
(('cost', 'video_views'), True, False, 'cost / video_views')
>>> kpi.compute(120.0, 4800.0)
0.025
>>> kpi.compute(120.0, 0.0)
Traceback (most recent call last):
...
kpi_xl.core.errors.DivisionByZeroError: video_views is zero
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpi_xl.core.errors import DivisionByZeroError, InvalidValueError, KpiError
from kpi_xl.core.registry import MEASURES, N_, Aggregation, Direction, Kpi, Stage, Unit

__all__ = [
    "MAX_DEPTH",
    "MAX_TOKENS",
    "CustomKpi",
    "Formula",
    "FormulaError",
    "custom_kpi",
    "measure_key",
    "parse_formula",
]

MAX_DEPTH = 40    # nested parentheses and signs: deeper is refused rather than risking the stack
MAX_TOKENS = 300  # numbers, measures and operators: a longer formula is refused for the same reason

EMPTY = N_("the formula is empty")
BAD_CHARACTER = N_("unexpected character {char} at character {position}")
EXPECTED_VALUE = N_("a number, a measure or ( expected at character {position}")
EXPECTED_OPERATOR = N_("an operator (+ - * /) expected at character {position}")
UNMATCHED_CLOSE = N_("unmatched ) at character {position}")
MISSING_CLOSE = N_("missing ) at character {position}")
UNKNOWN_MEASURE = N_("unknown measure {name} at character {position}")
TOO_LONG = N_("the formula is too long at character {position}: at most {limit} numbers, measures and operators")
TOO_DEEP = N_("too many nested parentheses or signs at character {position}")
NO_FUNCTIONS = N_("functions are not allowed at character {position}: write the measure alone, its total over "
                  "the period is taken for you ({name}(cost) is just cost)")
NO_MEASURE = N_("the formula uses no measure: a KPI must use at least one")


class FormulaError(KpiError, ValueError):
    """A formula that cannot be used: ``template`` and ``params`` word it (gettext), ``position`` is
    the 1-based character where the problem is; ``others``: the formula's further problems (every
    unknown measure, then a syntax error), so a sheet can report them all at once."""

    excel = "#VALUE!"

    def __init__(self, formula: str, template: str, position: int, **params: str) -> None:
        self.others: tuple[FormulaError, ...] = ()
        self.formula = formula
        self.template = template
        self.position = position
        self.params = {"position": str(position), **params}
        self.reason = template.format(**self.params)
        super().__init__(f'formula "{formula}": {self.reason}')


# A name is any Unicode letter or _ then letters, digits and _ ("wyświetlenia_wideo", "lượt_xem");
# numbers are ASCII digits, so a name never starts with one.
_TOKEN = re.compile(r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)|(?P<name>[^\W\d]\w*)|(?P<op>[-+*/()×÷−]))")
_NOT_KEY = re.compile(r"[\W_]+")
_OPS = {"×": "*", "÷": "/", "−": "-"}

# The AST: ("num", value) | ("ref", name) | ("neg", node) | (op, left, right) with op in "+-*/".
Node = tuple


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, 1-based position); kind "end" closes the list."""
    tokens = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None or m.end() == m.start():
            j = i + len(text[i:]) - len(text[i:].lstrip())
            if j >= len(text):
                break
            raise FormulaError(text, BAD_CHARACTER, j + 1, char=text[j])
        kind = m.lastgroup or "op"
        value = m.group(kind)
        tokens.append((kind, _OPS.get(value, value), m.start(kind) + 1))
        i = m.end()
        if len(tokens) > MAX_TOKENS:
            raise FormulaError(text, TOO_LONG, m.start(kind) + 1, limit=str(MAX_TOKENS))
    tokens.append(("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str, known: Collection[str] | None) -> None:
        self.text = text
        self.known = known
        self.tokens = _tokens(text)
        self.i = 0
        self.names: list[str] = []
        self.unknown: list[FormulaError] = []   # reported together at the end, with any syntax error

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def fail(self, template: str, **params: str) -> FormulaError:
        return FormulaError(self.text, template, self.peek()[2], **params)

    def expr(self, depth: int) -> Node:
        node = self.term(depth)
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.tokens[self.i][1]
            self.i += 1
            node = (op, node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.tokens[self.i][1]
            self.i += 1
            node = (op, node, self.unary(depth))
        return node

    def unary(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.fail(TOO_DEEP)
        kind, value, _position = self.peek()
        if kind == "op" and value in ("-", "+"):
            self.i += 1
            inner = self.unary(depth + 1)
            return ("neg", inner) if value == "-" else inner
        if kind == "number":
            self.i += 1
            return ("num", float(value))
        if kind == "name":
            name = value.lower()
            if self.tokens[self.i + 1][1] == "(" and self.tokens[self.i + 1][0] == "op":
                raise self.fail(NO_FUNCTIONS, name=value)  # SUM(cost): a spreadsheet habit, not a measure
            if self.known is not None and name not in self.known:
                self.unknown.append(self.fail(UNKNOWN_MEASURE, name=value))
            self.i += 1
            if name not in self.names:
                self.names.append(name)
            return ("ref", name)
        if kind == "op" and value == "(":
            self.i += 1
            node = self.expr(depth + 1)
            if self.peek()[1] != ")":
                raise self.fail(MISSING_CLOSE) if self.peek()[0] == "end" else self.fail(EXPECTED_OPERATOR)
            self.i += 1
            return node
        raise self.fail(EXPECTED_VALUE)


def parse_formula(text: str, known: Collection[str] | None = None) -> Formula:
    """The formula of ``text``; :class:`FormulaError` (located) otherwise. ``known``: the measure keys
    a formula may name (None: any). Measure names are any letters (``wyświetlenia_wideo``),
    case-insensitive, kept in lower case.

    >>> parse_formula("Cost / Wyświetlenia_wideo").measures
    ('cost', 'wyświetlenia_wideo')
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(str(text), EMPTY, 1)
    text = unicodedata.normalize("NFC", text)  # "ś" typed as s + accent is the header's "ś"
    parser = _Parser(text, known)
    problems = parser.unknown
    try:
        tree = parser.expr(0)
        if parser.peek()[0] != "end":
            raise parser.fail(UNMATCHED_CLOSE if parser.peek()[1] == ")" else EXPECTED_OPERATOR)
    except FormulaError as error:
        problems = [*problems, error]
    if problems:
        first = problems[0]
        first.others = tuple(problems[1:])
        raise first
    return Formula(text.strip(), tree, tuple(parser.names))


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed formula. Called with one value per measure (in the order of ``measures``: first
    appearance in the text), it is a KPI's ``compute``."""

    text: str
    tree: Node
    measures: tuple[str, ...]

    def __call__(self, *values: float) -> float:
        return self.evaluate(dict(zip(self.measures, values, strict=True)))

    def evaluate(self, totals: Mapping[str, float]) -> float:
        """The value over the totals; :class:`DivisionByZeroError` for a zero denominator."""
        value = _eval(self.tree, totals)
        if not math.isfinite(value):
            raise InvalidValueError("formula", value, "must give a finite number")
        return value

    @property
    def placeholders(self) -> str:
        """The formula in the registry's ``{measure}`` form (for :func:`~kpi_xl.core.registry.formula_params`)."""
        return _show(self.tree, 0)

    @property
    def can_be_negative(self) -> bool:
        return any(op in ("-", "neg") for op in _ops(self.tree))


def _ops(node: Node) -> list[str]:
    if node[0] in ("num", "ref"):
        return []
    return [node[0], *(op for child in node[1:] for op in _ops(child))]


def _eval(node: Node, totals: Mapping[str, float]) -> float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        return totals[node[1]]
    if kind == "neg":
        return -_eval(node[1], totals)
    left, right = _eval(node[1], totals), _eval(node[2], totals)
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    if right == 0:
        raise DivisionByZeroError(_show(node[2], 0).replace("{", "").replace("}", ""))
    return left / right


_RANK = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3}


def _show(node: Node, outer: int) -> str:
    kind = node[0]
    if kind == "num":  # plain digits, never 1e+06: Excel and the formula reader both take them
        return format(Decimal(repr(node[1])), "f").removesuffix(".0")
    if kind == "ref":
        return "{" + node[1] + "}"
    if kind == "neg":
        return "-" + _show(node[1], 3)
    rank = _RANK[kind]
    text = f"{_show(node[1], rank)} {kind} {_show(node[2], rank + 1)}"
    return f"({text})" if rank < outer else text


def measure_key(header: str) -> str:
    """The key a formula names a custom measure by: its Actuals header in lower case, each run of
    anything but letters and digits (spaces, ``-``, ``/``, ``.``...) as one ``_``, none at either end.
    Letters are any language's, so a key never holds an operator and reads as one name.

    >>> measure_key(" Video  views "), measure_key("Lead-form downloads")
    ('video_views', 'lead_form_downloads')
    >>> measure_key("Wyświetlenia wideo"), measure_key("Lượt xem video"), measure_key("Descargas (PDF)")
    ('wyświetlenia_wideo', 'lượt_xem_video', 'descargas_pdf')
    """
    return _NOT_KEY.sub("_", unicodedata.normalize("NFC", header)).strip("_").lower()


@dataclass(frozen=True, slots=True)
class CustomKpi(Kpi):
    """A KPI defined in the workbook's Custom KPIs sheet. Its name, description and formula are the
    workbook's own text, shown as written in every language."""

    text: str = ""          # the formula as written
    source: str = ""        # "Custom KPIs!F3"

    @property
    def cumulative(self) -> bool:
        return self.accrual == "grows"

    def formula_text(self, label: object = str) -> str:
        return self.text


def custom_kpi(code: str, name: str, formula: str | Formula, unit: str, better: str, stage: str,
               description: str = "", aggregations: Mapping[str, Aggregation] | None = None,
               source: str = "") -> CustomKpi:
    """A custom KPI from the workbook's text (units, directions and stages by their values:
    ``currency``, ``lower``, ``awareness``). A formula that is one summed measure is a total that grows
    through the period, like Revenue; one stock measure (``last``) is a level, like a rate."""
    parsed = formula if isinstance(formula, Formula) else parse_formula(formula)
    aggregations = aggregations or {}
    single = parsed.tree[0] == "ref"
    measure = parsed.measures[0] if single else ""
    aggregation = MEASURES[measure].aggregation if measure in MEASURES else aggregations.get(measure, Aggregation.SUM)
    grows = single and aggregation is Aggregation.SUM
    return CustomKpi(
        code=code, name=name, description=description, stage=Stage(stage), unit=Unit(unit),
        direction=Direction(better), params=parsed.measures, formula=parsed.placeholders, compute=parsed,
        measures=parsed.measures, bounds=(None, None) if parsed.can_be_negative else (0.0, None),
        accrual="grows" if grows else "", text=parsed.text, source=source)

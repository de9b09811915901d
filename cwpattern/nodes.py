"""The typed expression tree of a filter pattern.

Every pattern AWS accepts parses into one of four root nodes: :class:`TextPattern`,
:class:`RegexPattern`, :class:`JsonPattern` or :class:`SpacePattern`.  Nodes are frozen
dataclasses so that trees compare by value: the printer's round-trip guarantee
(``parse(print(tree)) == tree``) is a plain equality test, and compiled matchers can be
cached by tree.  The tree keeps what changes meaning and drops what does not
(whitespace, redundant parentheses, quoting of values that need none).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum


class TermKind(Enum):
    """How an unstructured term takes part in the match (spec §3.2)."""

    REQUIRED = ""
    OPTIONAL = "?"
    EXCLUDED = "-"


class Comparator(Enum):
    """Comparison operators shared by JSON and space-delimited conditions."""

    EQ = "="
    NE = "!="
    LT = "<"
    GT = ">"
    LE = "<="
    GE = ">="


class JsonConstant(Enum):
    """The right-hand side of ``IS``."""

    TRUE = "TRUE"
    FALSE = "FALSE"
    NULL = "NULL"


# ----------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Regex:
    """A ``%...%`` regular expression; ``source`` is the text between the delimiters."""

    source: str


@dataclass(frozen=True)
class StringValue:
    """A string to compare with; leading/trailing ``*`` are wildcards (spec §5.3, §6.4).

    ``text`` is the unescaped value, stars included.  Quoted and bare spellings of the
    same text mean the same thing, so the tree does not record which was used.
    """

    text: str


@dataclass(frozen=True)
class NumberValue:
    """A numeric literal; ``text`` keeps the source spelling (``1e+3``, ``-5``, ``55.5``)."""

    text: str

    @property
    def value(self) -> float:
        return float(self.text)


Value = Regex | StringValue | NumberValue


# ------------------------------------------------------------------------------- text


@dataclass(frozen=True)
class Term:
    """One unstructured term or quoted phrase with its prefix (quoting is not kept)."""

    text: str
    kind: TermKind = TermKind.REQUIRED


@dataclass(frozen=True)
class TextPattern:
    """A list of unstructured terms; no terms at all matches every event."""

    terms: tuple[Term, ...] = ()


@dataclass(frozen=True)
class RegexPattern:
    """A pattern that is one ``%regex%``, searched anywhere in the message."""

    regex: Regex


# ------------------------------------------------------------------------------- JSON


@dataclass(frozen=True)
class Key:
    """``.name`` or ``['name']``: an object member (the printer picks the spelling)."""

    name: str


@dataclass(frozen=True)
class Index:
    """``[N]``: an array element (zero-based)."""

    index: int


@dataclass(frozen=True)
class AnyKey:
    """``.*``: every member of an object."""


@dataclass(frozen=True)
class AnyIndex:
    """``[*]``: every element of an array."""


Step = Key | Index | AnyKey | AnyIndex


@dataclass(frozen=True)
class Selector:
    """``$`` followed by steps."""

    steps: tuple[Step, ...]

    @property
    def wildcard_count(self) -> int:
        return sum(isinstance(step, AnyKey | AnyIndex) for step in self.steps)


@dataclass(frozen=True)
class JsonCompare:
    selector: Selector
    comparator: Comparator
    value: Value


@dataclass(frozen=True)
class JsonIs:
    selector: Selector
    constant: JsonConstant


@dataclass(frozen=True)
class JsonNotExists:
    selector: Selector


@dataclass(frozen=True)
class JsonAnd:
    """Conjunction of two or more operands (flattened: no operand is a JsonAnd)."""

    operands: tuple[JsonExpr, ...]


@dataclass(frozen=True)
class JsonOr:
    """Disjunction of two or more operands (flattened: no operand is a JsonOr)."""

    operands: tuple[JsonExpr, ...]


JsonCondition = JsonCompare | JsonIs | JsonNotExists
JsonExpr = JsonCondition | JsonAnd | JsonOr


@dataclass(frozen=True)
class JsonPattern:
    expr: JsonExpr


# -------------------------------------------------------------------- space-delimited


@dataclass(frozen=True)
class FieldCompare:
    """One condition on a field; the field is the slot's own (spec §6.1)."""

    comparator: Comparator
    value: Value


@dataclass(frozen=True)
class FieldAnd:
    operands: tuple[FieldExpr, ...]


@dataclass(frozen=True)
class FieldOr:
    operands: tuple[FieldExpr, ...]


FieldExpr = FieldCompare | FieldAnd | FieldOr


@dataclass(frozen=True)
class FieldSlot:
    """A slot that binds one event field: named or not, with or without a condition."""

    name: str | None = None
    condition: FieldExpr | None = None


@dataclass(frozen=True)
class EllipsisSlot:
    """``...``: any number of fields, reported by position."""


Slot = FieldSlot | EllipsisSlot


@dataclass(frozen=True)
class SpacePattern:
    slots: tuple[Slot, ...] = ()


Pattern = TextPattern | RegexPattern | JsonPattern | SpacePattern


def walk(node: object) -> Iterator[object]:
    """Every node of a tree, depth first, the root included."""
    yield node
    if is_dataclass(node):
        for item in fields(node):
            value = getattr(node, item.name)
            children = value if isinstance(value, tuple) else (value,)
            for child in children:
                if is_dataclass(child):
                    yield from walk(child)

"""Literal prefilter: text every matching event must contain, checked before parsing.

Parsing JSON costs far more than scanning a line for a few literals, and most events
in a trail cannot match a given pattern (only errors carry ``"errorCode"``).  From the
expression tree we derive *requirements* in conjunctive normal form: a list of clauses,
each a set of alternative literals, at least one of which every matching message
contains.  A message that fails a clause is rejected without being parsed.

Soundness rules:

* Literals are searched in the raw message.  For JSON patterns a literal is written as
  JSON would encode it, and a message containing ``\\u`` or ``\\/`` escapes (which can
  spell any character differently) is always admitted.
* Only what is certain is required: a key for any comparison on it (``!=`` is false on a
  missing field), a string value for ``=`` (with its quotes where wildcards allow),
  nothing for ``NOT EXISTS``, numbers (``200`` may be written ``2e2``) or regexes.
* ``||`` combines clauses pairwise; the clause list is capped, and dropping clauses only
  ever admits more messages.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import orjson

from cwpattern import ambiguities
from cwpattern.nodes import (
    Comparator,
    EllipsisSlot,
    FieldAnd,
    FieldExpr,
    FieldOr,
    FieldSlot,
    JsonAnd,
    JsonCompare,
    JsonExpr,
    JsonIs,
    JsonNotExists,
    JsonOr,
    JsonPattern,
    Key,
    Pattern,
    Selector,
    SpacePattern,
    StringValue,
    TermKind,
    TextPattern,
)

Clause = frozenset[str]
MAX_CLAUSES = 16
#: Keys present in nearly every CloudTrail record: poor literals, checked last.
COMMON_KEYS = frozenset({
    '"eventVersion"', '"userIdentity"', '"type"', '"principalId"', '"arn"', '"accountId"',
    '"eventTime"', '"eventSource"', '"eventName"', '"awsRegion"', '"sourceIPAddress"',
    '"userAgent"', '"requestParameters"', '"responseElements"', '"requestID"', '"eventID"',
    '"readOnly"', '"eventType"', '"managementEvent"', '"recipientAccountId"',
    '"eventCategory"', '"sessionContext"', '"sessionIssuer"', '"attributes"',
})
#: JSON escapes that can spell a literal's characters differently.
ESCAPES = ("\\u", "\\/")
ESCAPES_BYTES = tuple(escape.encode() for escape in ESCAPES)
_ESCAPED = object()


@dataclass(frozen=True)
class Requirements:
    """Clauses of literals (CNF); ``json`` means escapes can hide them."""

    clauses: tuple[tuple[str, ...], ...] = ()
    json: bool = False
    byte_clauses: tuple[tuple[bytes, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        encoded = tuple(tuple(literal.encode() for literal in clause) for clause in self.clauses)
        object.__setattr__(self, "byte_clauses", encoded)

    @property
    def literals(self) -> frozenset[str]:
        return frozenset(itertools.chain.from_iterable(self.clauses))

    def admits(self, message: str | bytes, memo: dict[Any, bool] | None = None) -> bool:
        """False only when no message with this text can match.

        ``memo`` (one dict per message) remembers each literal's presence, so patterns
        that share literals scan for them once.
        """
        as_bytes = type(message) is bytes
        for clause in self.byte_clauses if as_bytes else self.clauses:
            for literal in clause:
                if (literal in message) if memo is None else _present(literal, message, memo):
                    break
            else:
                return self.json and _has_escape(message, as_bytes, memo)
        return True


def _present(literal: Any, message: Any, memo: dict[Any, bool]) -> bool:
    found = memo.get(literal)
    if found is None:
        found = memo[literal] = literal in message
    return found


def _has_escape(message: Any, as_bytes: bool, memo: dict[Any, bool] | None) -> bool:
    if memo is not None and _ESCAPED in memo:
        return memo[_ESCAPED]
    if as_bytes:
        # A one-byte search runs at memchr speed; most lines have no backslash at all.
        found = b"\\" in message and any(escape in message for escape in ESCAPES_BYTES)
    else:
        found = "\\" in message and any(escape in message for escape in ESCAPES)
    if memo is not None:
        memo[_ESCAPED] = found
    return found


def requirements(pattern: Pattern) -> Requirements:
    """The prefilter for a pattern's tree."""
    if isinstance(pattern, TextPattern):
        return Requirements(_order(_text_clauses(pattern)))
    if isinstance(pattern, JsonPattern):
        return Requirements(_order(_json_clauses(pattern.expr)), json=True)
    if isinstance(pattern, SpacePattern):
        return Requirements(_order(_space_clauses(pattern)))
    return Requirements()


def _order(clauses: list[Clause]) -> tuple[tuple[str, ...], ...]:
    """Most selective clauses first, so most messages are rejected after one scan.

    A clause with an empty literal is always satisfied, and one with U+FFFD cannot be
    checked on raw bytes (it stands for undecodable input): both are dropped.
    """
    unique = {clause for clause in clauses
              if clause and not any(not lit or "\ufffd" in lit for lit in clause)}
    unique = {clause for clause in unique if not any(other < clause for other in unique)}
    return tuple(tuple(sorted(clause, key=_rarity)) for clause in sorted(unique, key=_clause_rank))


def _rarity(literal: str) -> tuple[int, int, str]:
    return (literal in COMMON_KEYS, -len(literal), literal)


def _clause_rank(clause: Clause) -> tuple[int, int, int, str]:
    # One common alternative is enough to satisfy a clause in nearly every record.
    common = any(literal in COMMON_KEYS for literal in clause)
    shortest = min(len(literal) for literal in clause)
    return (common, len(clause), -shortest, min(clause))


def _and(*parts: list[Clause]) -> list[Clause]:
    return [clause for part in parts for clause in part]


def _or(parts: list[list[Clause]]) -> list[Clause]:
    """CNF of a disjunction: one clause per choice of a clause from each part.

    Each part's clauses go most selective first, so the choices the cap keeps include
    the union of the parts' best clauses (``"CreateVpc"`` or ``"DeleteVpc"`` or ...)
    rather than the unions of keys every part shares (``"eventName"``).
    """
    if any(not part for part in parts):
        return []
    combined: list[Clause] = [frozenset()]
    for part in parts:
        ranked = sorted(set(part), key=_clause_rank)
        combined = [left | right for left in combined for right in ranked][:MAX_CLAUSES]
    return combined


# ------------------------------------------------------------------------------ text


def _text_clauses(pattern: TextPattern) -> list[Clause]:
    required = [t.text for t in pattern.terms if t.kind is TermKind.REQUIRED]
    optional = [t.text for t in pattern.terms if t.kind is TermKind.OPTIONAL]
    excluded = [t for t in pattern.terms if t.kind is TermKind.EXCLUDED]
    clauses = [frozenset([text]) for text in required]
    if optional and not required and not excluded:
        clauses.append(frozenset(optional))
    return clauses


# ------------------------------------------------------------------------------ JSON


def json_text(value: str) -> str:
    """``value`` as it appears between the quotes of a JSON string (orjson's spelling)."""
    return orjson.dumps(value).decode()[1:-1]


def _json_clauses(expr: JsonExpr) -> list[Clause]:
    if isinstance(expr, JsonAnd):
        return _and(*(_json_clauses(operand) for operand in expr.operands))
    if isinstance(expr, JsonOr):
        return _or([_json_clauses(operand) for operand in expr.operands])
    if isinstance(expr, JsonNotExists):
        return []
    clauses = _selector_clauses(expr.selector)
    if isinstance(expr, JsonIs):
        clauses.append(frozenset([expr.constant.value.lower()]))
    elif isinstance(expr, JsonCompare) and expr.comparator is Comparator.EQ \
            and isinstance(expr.value, StringValue):
        clauses.extend(_string_value_clauses(expr.value.text))
    return clauses


def _selector_clauses(selector: Selector) -> list[Clause]:
    return [frozenset([f'"{json_text(step.name)}"']) for step in selector.steps
            if isinstance(step, Key)]


def _string_value_clauses(text: str) -> list[Clause]:
    """What ``= "text"`` needs: the value, with its quotes where no wildcard touches them."""
    if text and not text.strip("*"):
        return []
    pieces = [json_text(piece) for piece in literal_pieces(text)]
    if not text.startswith("*"):
        pieces[0] = '"' + pieces[0]
    if not text.endswith("*"):
        pieces[-1] = pieces[-1] + '"'
    return [frozenset([piece]) for piece in pieces if piece]


def literal_pieces(value: str) -> list[str]:
    """The literal runs of a wildcard value, in order (``a*b`` -> ``a``, ``b``)."""
    core = value.strip("*")
    return core.split("*") if ambiguities.MID_STRING_STAR_IS_WILDCARD else [core]


# ------------------------------------------------------------------- space-delimited


def _space_clauses(pattern: SpacePattern) -> list[Clause]:
    clauses: list[Clause] = []
    for slot in pattern.slots:
        if isinstance(slot, EllipsisSlot) or not isinstance(slot, FieldSlot) \
                or slot.condition is None:
            continue
        clauses.extend(_field_clauses(slot.condition))
    return clauses


def _field_clauses(expr: FieldExpr) -> list[Clause]:
    if isinstance(expr, FieldAnd):
        return _and(*(_field_clauses(operand) for operand in expr.operands))
    if isinstance(expr, FieldOr):
        return _or([_field_clauses(operand) for operand in expr.operands])
    if expr.comparator is Comparator.EQ and isinstance(expr.value, StringValue):
        return [frozenset([piece]) for piece in literal_pieces(expr.value.text) if piece]
    return []

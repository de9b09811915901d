"""The reference matcher: walks the expression tree, one rule of the spec at a time.

This is the executable form of filter-syntax spec §3–§6 and is written for clarity, not
speed: every faster matcher (``cwpattern.compiler``) is tested for agreement with it.
``bind`` does the work for all three families and returns the values a match exposes
(TestMetricFilter's extractedValues and any requested field references), or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cwpattern import ambiguities
from cwpattern.events import (
    as_double,
    json_object,
    parse_number,
    rest_of_line,
    split_fields,
    text_of,
)
from cwpattern.nodes import (
    AnyIndex,
    AnyKey,
    Comparator,
    EllipsisSlot,
    FieldAnd,
    FieldCompare,
    FieldExpr,
    FieldOr,
    FieldSlot,
    Index,
    JsonAnd,
    JsonCompare,
    JsonConstant,
    JsonExpr,
    JsonIs,
    JsonNotExists,
    JsonOr,
    JsonPattern,
    Key,
    NumberValue,
    Pattern,
    Regex,
    RegexPattern,
    Selector,
    SpacePattern,
    StringValue,
    TermKind,
    TextPattern,
)
from cwpattern.references import Reference
from cwpattern.regex import compile_regex

Extracted = dict[str, str]
_ORDER = {
    Comparator.EQ: lambda a, b: a == b,
    Comparator.NE: lambda a, b: a != b,
    Comparator.LT: lambda a, b: a < b,
    Comparator.GT: lambda a, b: a > b,
    Comparator.LE: lambda a, b: a <= b,
    Comparator.GE: lambda a, b: a >= b,
}


def matches(pattern: Pattern, message: str | bytes) -> bool:
    return bind(pattern, message) is not None


def bind(pattern: Pattern, message: str | bytes,
         references: Iterable[Reference] = ()) -> Extracted | None:
    """extractedValues plus the requested references' values, or None if no match."""
    if isinstance(pattern, TextPattern):
        return {} if text_matches(pattern, text_of(message)) else None
    if isinstance(pattern, RegexPattern):
        return {} if regex_search(pattern.regex, text_of(message)) else None
    if isinstance(pattern, JsonPattern):
        return json_bind(pattern, message, references)
    return space_bind(pattern, text_of(message), references)


# ------------------------------------------------------------------------------ text


def text_matches(pattern: TextPattern, text: str) -> bool:
    """Spec §3.2's pseudocode."""
    required = [t.text for t in pattern.terms if t.kind is TermKind.REQUIRED]
    excluded = [t.text for t in pattern.terms if t.kind is TermKind.EXCLUDED]
    optional = [t.text for t in pattern.terms if t.kind is TermKind.OPTIONAL]
    if required or excluded:
        decided = all(t in text for t in required) and not any(t in text for t in excluded)
        if decided and optional and ambiguities.MIXED_OPTIONAL_TERMS == "require-one":
            return any(t in text for t in optional)
        return decided
    if optional:
        return any(t in text for t in optional)
    return True


def regex_search(regex: Regex, subject: str) -> bool:
    return compile_regex(regex.source).search(subject)


# ------------------------------------------------------------------------------ JSON


def json_bind(pattern: JsonPattern, message: str | bytes,
              references: Iterable[Reference]) -> Extracted | None:
    document = json_object(message)
    if document is None or not json_eval(pattern.expr, document):
        return None
    values: Extracted = {}
    for reference in references:
        value = reference.json_value(document)
        if value is not None:
            values[reference.text] = value
    return values


def json_eval(expr: JsonExpr, document: dict[str, Any]) -> bool:
    if isinstance(expr, JsonAnd):
        return all(json_eval(operand, document) for operand in expr.operands)
    if isinstance(expr, JsonOr):
        return any(json_eval(operand, document) for operand in expr.operands)
    candidates = resolve(expr.selector, document)
    if isinstance(expr, JsonNotExists):
        return next(candidates, _MISSING) is _MISSING
    if isinstance(expr, JsonIs):
        return any(is_constant(candidate, expr.constant) for candidate in candidates)
    return any(json_compare(candidate, expr) for candidate in candidates)


_MISSING = object()


def resolve(selector: Selector, document: Any) -> Iterator[Any]:
    """Every value the selector reaches; wildcards fan out, missing steps yield nothing."""
    current: list[Any] = [document]
    for step in selector.steps:
        following: list[Any] = []
        for node in current:
            if isinstance(step, Key):
                if isinstance(node, dict) and step.name in node:
                    following.append(node[step.name])
            elif isinstance(step, Index):
                if isinstance(node, list) and step.index < len(node):
                    following.append(node[step.index])
            elif isinstance(step, AnyKey):
                if isinstance(node, dict):
                    following.extend(node.values())
            elif isinstance(step, AnyIndex) and isinstance(node, list):
                following.extend(node)
        current = following
    return iter(current)


def is_constant(candidate: Any, constant: JsonConstant) -> bool:
    if constant is JsonConstant.NULL:
        return candidate is None
    return candidate is (constant is JsonConstant.TRUE)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_compare(candidate: Any, condition: JsonCompare) -> bool:
    """One candidate against ``= != < > <= >=`` (spec §5.3); wrong types are false."""
    value, comparator = condition.value, condition.comparator
    if isinstance(value, NumberValue):
        if is_number(candidate):
            return _ORDER[comparator](as_double(candidate), value.value)
        if ambiguities.NUMBER_MATCHES_NUMERIC_STRING and isinstance(candidate, str):
            return (candidate == value.text) == (comparator is Comparator.EQ)
        return False
    if isinstance(value, Regex):
        if not isinstance(candidate, str):
            return False
        return regex_search(value, candidate) == (comparator is Comparator.EQ)
    return _string_compare(candidate, value, comparator)


def _string_compare(candidate: Any, value: StringValue, comparator: Comparator) -> bool:
    if isinstance(candidate, str):
        return wildcard_match(candidate, value.text) == (comparator is Comparator.EQ)
    if is_star(value.text) and _star_accepts(candidate):
        return comparator is Comparator.EQ
    return False


def _star_accepts(candidate: Any) -> bool:
    if is_number(candidate):
        return True
    return ambiguities.STAR_MATCHES_BOOLEAN_AND_NULL and (candidate is None
                                                          or isinstance(candidate, bool))


def is_star(text: str) -> bool:
    return bool(text) and not text.strip("*")


def wildcard_match(subject: str, pattern: str) -> bool:
    """Leading and trailing ``*`` are wildcards; an inner ``*`` is literal (§10.10)."""
    if ambiguities.MID_STRING_STAR_IS_WILDCARD:
        return _glob(subject, pattern)
    core = pattern.strip("*")
    leading = pattern.startswith("*")
    trailing = pattern.endswith("*") and len(core) < len(pattern)
    if not core:
        return leading or subject == ""
    if leading and trailing:
        return core in subject
    if leading:
        return subject.endswith(core)
    if trailing:
        return subject.startswith(core)
    return subject == pattern


def _glob(subject: str, pattern: str) -> bool:
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return subject == pattern
    if not subject.startswith(pieces[0]):
        return False
    position = len(pieces[0])
    for piece in pieces[1:-1]:
        found = subject.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return len(subject) - position >= len(pieces[-1]) and subject.endswith(pieces[-1])


# ------------------------------------------------------------------- space-delimited


def space_bind(pattern: SpacePattern, text: str,
               references: Iterable[Reference]) -> Extracted | None:
    """Bind fields to slots (spec §6.3), test conditions (§6.4), extract (§6.5)."""
    bound = bind_fields(pattern, text)
    if bound is None:
        return None
    extracted: Extracted = {}
    by_position: dict[int, str] = {}
    for position, slot, value in bound:
        by_position[position] = value
        if isinstance(slot, FieldSlot) and slot.condition is not None \
                and not field_eval(slot.condition, value):
            return None
        name = slot.name if isinstance(slot, FieldSlot) else None
        extracted[f"${name}" if name else f"${position}"] = value
    for reference in references:
        value = reference.space_value(extracted, by_position)
        if value is not None:
            extracted.setdefault(reference.text, value)
    return extracted


BoundField = tuple[int, FieldSlot | EllipsisSlot, str]


def bind_fields(pattern: SpacePattern, text: str) -> list[BoundField] | None:
    """``(1-based position, slot, value)`` for every event field, or None (too few)."""
    slots = pattern.slots
    if not slots:
        return [(i, EllipsisSlot(), value) for i, (value, _) in enumerate(split_fields(text), 1)]
    fixed = [slot for slot in slots if not isinstance(slot, EllipsisSlot)]
    # Without "...", the first len(slots) fields and whether one more follows decide.
    fields = split_fields(text, None if len(fixed) < len(slots) else len(slots) + 1)
    if len(fields) < len(fixed):
        return None
    if len(fixed) < len(slots):
        return _bind_with_ellipsis(slots, fields)
    if len(fields) == len(fixed):
        pairs = zip(slots, fields, strict=True)
        return [(i, slot, value) for i, (slot, (value, _)) in enumerate(pairs, 1)]
    return _bind_extra_fields(slots, fields, text)


def _bind_with_ellipsis(slots: tuple, fields: list[tuple[str, int]]) -> list[BoundField]:
    spare = len(fields) - (len(slots) - 1)
    bound: list[BoundField] = []
    position = 0
    for slot in slots:
        count = spare if isinstance(slot, EllipsisSlot) else 1
        for _ in range(count):
            bound.append((position + 1, slot, fields[position][0]))
            position += 1
    return bound


def _bind_extra_fields(slots: tuple, fields: list[tuple[str, int]],
                       text: str) -> list[BoundField] | None:
    mode = ambiguities.SPACE_EXTRA_FIELDS
    if mode == "strict":
        return None
    bound: list[BoundField] = [(i, slot, fields[i - 1][0]) for i, slot in enumerate(slots, 1)]
    if mode == "absorb":
        last = len(slots)
        bound[-1] = (last, slots[-1], rest_of_line(text, fields[last - 1][1]))
    return bound


def field_eval(expr: FieldExpr, field: str) -> bool:
    if isinstance(expr, FieldAnd):
        return all(field_eval(operand, field) for operand in expr.operands)
    if isinstance(expr, FieldOr):
        return any(field_eval(operand, field) for operand in expr.operands)
    return field_compare(expr, field)


def field_compare(condition: FieldCompare, field: str) -> bool:
    value, comparator = condition.value, condition.comparator
    if isinstance(value, Regex):
        return regex_search(value, field) == (comparator is Comparator.EQ)
    if isinstance(value, StringValue):
        return wildcard_match(field, value.text) == (comparator is Comparator.EQ)
    number = parse_number(field)
    if comparator in (Comparator.EQ, Comparator.NE):
        equal = field == value.text or (number is not None and number == value.value)
        return equal == (comparator is Comparator.EQ)
    return number is not None and _ORDER[comparator](number, value.value)

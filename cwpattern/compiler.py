"""Compiled matchers: each pattern turned into specialised closures, run many times.

The reference interpreter (``cwpattern.interpreter``) walks the tree for every event.
Here the walking happens once: every condition becomes a closure that already knows
its selector path, its comparison and its constant, and the common shapes (a key path
without wildcards, an exact or prefix string, a single term) get the tightest code.
No source text is generated, so a pattern's literals can only ever be data: they are
bound into closures as constants, never spliced into code.

Every compiled pattern starts with the literal prefilter (``cwpattern.prefilter``), so
most events are rejected by a substring scan, without parsing.  A differential test
(tests/test_compiler.py) holds the compiled matchers to the interpreter's answers.
"""

from __future__ import annotations

import itertools
import operator
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cwpattern import ambiguities
from cwpattern.events import (
    as_double,
    field_matches,
    field_value,
    json_object,
    parse_number,
    text_of,
)
from cwpattern.interpreter import bind_fields, resolve
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
    Slot,
    SpacePattern,
    StringValue,
    TermKind,
    TextPattern,
)
from cwpattern.prefilter import Requirements, literal_pieces, requirements
from cwpattern.references import Reference
from cwpattern.regex import CompiledRegex, compile_regex

Message = str | bytes
Extracted = dict[str, str]
Predicate = Callable[[Any], bool]
MISSING: Any = object()
_OPERATORS: dict[Comparator, Callable[[float, float], bool]] = {
    Comparator.EQ: operator.eq,
    Comparator.NE: operator.ne,
    Comparator.LT: operator.lt,
    Comparator.GT: operator.gt,
    Comparator.LE: operator.le,
    Comparator.GE: operator.ge,
}


@dataclass(frozen=True)
class CompiledPattern:
    """A pattern's compiled form.

    ``match`` applies the prefilter then the compiled test; ``match_unfiltered`` skips
    the prefilter (for callers that already applied it); ``match_document`` tests an
    already-parsed JSON object (JSON patterns only, else None); ``bind`` returns the
    extracted values and requested references, or None.
    """

    requirements: Requirements
    match_unfiltered: Callable[[Message], bool]
    bind: Callable[[Message, Iterable[Reference]], Extracted | None]
    match_document: Callable[[dict[str, Any]], bool] | None = None

    def match(self, message: Message) -> bool:
        return self.requirements.admits(message) and self.match_unfiltered(message)


def compile_tree(tree: Pattern) -> CompiledPattern:
    if isinstance(tree, TextPattern):
        return _simple(requirements(tree), _text_matcher(tree))
    if isinstance(tree, RegexPattern):
        return _simple(requirements(tree), _regex_matcher(compile_regex(tree.regex.source)))
    if isinstance(tree, JsonPattern):
        return _json(tree)
    return _space(tree)


def _simple(needs: Requirements, matcher: Callable[[Message], bool]) -> CompiledPattern:
    def bind(message: Message, references: Iterable[Reference] = ()) -> Extracted | None:
        return {} if needs.admits(message) and matcher(message) else None

    return CompiledPattern(needs, matcher, bind)


# ------------------------------------------------------------------------------ text


def _text_matcher(pattern: TextPattern) -> Callable[[Message], bool]:
    on_text = _terms_predicate(pattern, lambda text: text)
    if any("\ufffd" in term.text for term in pattern.terms):
        return lambda message: on_text(text_of(message))
    on_bytes = _terms_predicate(pattern, str.encode)

    def match(message: Message) -> bool:
        # Valid terms occur in UTF-8 bytes exactly where they occur in the decoded text.
        return on_bytes(message) if type(message) is bytes else on_text(message)

    return match


def _terms_predicate(pattern: TextPattern, convert: Callable[[str], Any]) -> Predicate:
    """Spec §3.2 with the decisions fixed at compile time."""
    required = tuple(convert(t.text) for t in pattern.terms if t.kind is TermKind.REQUIRED)
    excluded = tuple(convert(t.text) for t in pattern.terms if t.kind is TermKind.EXCLUDED)
    optional = tuple(convert(t.text) for t in pattern.terms if t.kind is TermKind.OPTIONAL)
    if required or excluded:
        one_optional = optional and ambiguities.MIXED_OPTIONAL_TERMS == "require-one"
        if len(required) == 1 and not excluded and not one_optional:
            (term,) = required
            return lambda text: term in text

        def decide(text: Any) -> bool:
            return (all(t in text for t in required) and not any(t in text for t in excluded)
                    and (not one_optional or any(t in text for t in optional)))

        return decide
    if optional:
        return lambda text: any(t in text for t in optional)
    return lambda text: True


def _regex_matcher(regex: CompiledRegex) -> Callable[[Message], bool]:
    def match(message: Message) -> bool:
        if type(message) is bytes:
            if message.isascii():
                return regex.search_bytes(message)
            message = text_of(message)
        return regex.search(message)

    return match


# ------------------------------------------------------------------------------ JSON


def _json(pattern: JsonPattern) -> CompiledPattern:
    predicate = _json_predicate(pattern.expr)
    needs = requirements(pattern)

    def match(message: Message) -> bool:
        document = json_object(message)
        return document is not None and predicate(document)

    def bind(message: Message, references: Iterable[Reference] = ()) -> Extracted | None:
        if not needs.admits(message):
            return None
        document = json_object(message)
        if document is None or not predicate(document):
            return None
        values: Extracted = {}
        for reference in references:
            value = reference.json_value(document)
            if value is not None:
                values[reference.text] = value
        return values

    return CompiledPattern(needs, match, bind, predicate)


def _json_predicate(expr: JsonExpr) -> Predicate:
    if isinstance(expr, JsonAnd | JsonOr):
        parts = tuple(_json_predicate(operand) for operand in expr.operands)
        return _all_of(parts) if isinstance(expr, JsonAnd) else _any_of(parts)
    if isinstance(expr, JsonNotExists):
        return _not_exists(expr.selector)
    test = _is_test(expr.constant) if isinstance(expr, JsonIs) else _compare_test(expr)
    return _on_selector(expr.selector, test)


def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    """Nested pairs up to 4 parts (a call each, no generator); a loop beyond."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) <= 4:
        first, rest = parts[0], _all_of(parts[1:])
        return lambda document: first(document) and rest(document)
    return lambda document: all(part(document) for part in parts)


def _any_of(parts: tuple[Predicate, ...]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) <= 4:
        first, rest = parts[0], _any_of(parts[1:])
        return lambda document: first(document) or rest(document)
    return lambda document: any(part(document) for part in parts)


def _not_exists(selector: Selector) -> Predicate:
    if _has_wildcard(selector):
        return lambda document: next(resolve(selector, document), MISSING) is MISSING
    getter = _getter(selector)
    return lambda document: getter(document) is MISSING


def _on_selector(selector: Selector, test: Predicate) -> Predicate:
    """Wildcards are existential (§5.3); other selectors reach at most one value."""
    if _has_wildcard(selector):
        return lambda document: any(test(value) for value in resolve(selector, document))
    getter = _getter(selector)
    return lambda document: test(getter(document))


def _has_wildcard(selector: Selector) -> bool:
    return any(isinstance(step, AnyKey | AnyIndex) for step in selector.steps)


def _getter(selector: Selector) -> Callable[[dict[str, Any]], Any]:
    """The value at a wildcard-free selector, or MISSING."""
    steps = selector.steps
    if all(isinstance(step, Key) for step in steps):
        return _key_path([step.name for step in steps])  # type: ignore[union-attr]

    def walk(document: dict[str, Any]) -> Any:
        node: Any = document
        for step in steps:
            if isinstance(step, Key):
                if type(node) is not dict:
                    return MISSING
                node = node.get(step.name, MISSING)
                if node is MISSING:
                    return MISSING
            else:
                assert isinstance(step, Index)
                if type(node) is not list or step.index >= len(node):
                    return MISSING
                node = node[step.index]
        return node

    return walk


def _key_path(keys: list[str]) -> Callable[[dict[str, Any]], Any]:
    # Subscripting a str, list, number, bool or None with a str key raises TypeError, so
    # a chain of lookups is safe without type checks.
    if len(keys) == 1:
        (first,) = keys
        return lambda document: document.get(first, MISSING)
    if len(keys) == 2:
        first, second = keys

        def two(document: dict[str, Any]) -> Any:
            try:
                return document[first][second]
            except (KeyError, TypeError):
                return MISSING

        return two

    def many(document: dict[str, Any]) -> Any:
        node: Any = document
        try:
            for key in keys:
                node = node[key]
        except (KeyError, TypeError):
            return MISSING
        return node

    return many


def _is_test(constant: JsonConstant) -> Predicate:
    if constant is JsonConstant.NULL:
        return lambda value: value is None
    if constant is JsonConstant.TRUE:
        return lambda value: value is True
    return lambda value: value is False


def _compare_test(condition: JsonCompare) -> Predicate:
    value, comparator = condition.value, condition.comparator
    if isinstance(value, NumberValue):
        return _number_test(comparator, value)
    if isinstance(value, Regex):
        regex = compile_regex(value.source)
        wanted = comparator is Comparator.EQ
        return lambda candidate: type(candidate) is str and regex.search(candidate) is wanted
    return _json_string_test(comparator, value.text)


def _number_test(comparator: Comparator, value: NumberValue) -> Predicate:
    compare, number = _OPERATORS[comparator], value.value
    coerce = ambiguities.NUMBER_MATCHES_NUMERIC_STRING
    equal_wanted = comparator is Comparator.EQ

    def test(candidate: Any) -> bool:
        kind = type(candidate)
        if kind is float:
            return compare(candidate, number)
        if kind is int:
            return compare(as_double(candidate), number)
        if coerce and kind is str:
            return (candidate == value.text) is equal_wanted
        return False

    return test


def _json_string_test(comparator: Comparator, text: str) -> Predicate:
    if text and not text.strip("*"):  # `= *`: any string or number (§5.3)
        if comparator is Comparator.NE:
            return lambda candidate: False
        scalars: tuple[type, ...] = (str, int, float)
        if ambiguities.STAR_MATCHES_BOOLEAN_AND_NULL:
            scalars += (bool, type(None))
        return lambda candidate: type(candidate) in scalars
    matches = wildcard_predicate(text)
    if comparator is Comparator.EQ:
        if "*" not in text:
            return lambda candidate: candidate == text
        return lambda candidate: type(candidate) is str and matches(candidate)
    return lambda candidate: type(candidate) is str and not matches(candidate)


def wildcard_predicate(text: str) -> Callable[[str], bool]:
    """``str -> bool`` for a value with ``*`` wildcards (§5.3, §10.10)."""
    if "*" not in text:
        return lambda subject: subject == text
    leading, trailing = text.startswith("*"), text.endswith("*")
    pieces = literal_pieces(text)
    if len(pieces) == 1:
        (core,) = pieces
        if leading and trailing:
            return lambda subject: core in subject
        if leading:
            return lambda subject: subject.endswith(core)
        return lambda subject: subject.startswith(core)
    return _glob_predicate(pieces, leading, trailing)


def _glob_predicate(pieces: list[str], leading: bool, trailing: bool) -> Callable[[str], bool]:
    """Leftmost-first search for the literal runs: linear, whatever the star count."""
    head = "" if leading else pieces[0]
    tail = "" if trailing else pieces[-1]
    middle = pieces[(0 if leading else 1): (len(pieces) if trailing else -1)]

    def match(subject: str) -> bool:
        if not subject.startswith(head):
            return False
        position = len(head)
        for piece in middle:
            found = subject.find(piece, position)
            if found < 0:
                return False
            position = found + len(piece)
        return len(subject) - position >= len(tail) and subject.endswith(tail)

    return match


# ------------------------------------------------------------------- space-delimited


def _space(pattern: SpacePattern) -> CompiledPattern:
    tests = {slot: _field_predicate(slot.condition) for slot in pattern.slots
             if isinstance(slot, FieldSlot) and slot.condition is not None}
    names = {slot: f"${slot.name}" for slot in pattern.slots
             if isinstance(slot, FieldSlot) and slot.name}
    needs = requirements(pattern)

    def bind(message: Message, references: Iterable[Reference] = ()) -> Extracted | None:
        if not needs.admits(message):
            return None
        bound = bind_fields(pattern, text_of(message))
        if bound is None:
            return None
        extracted: Extracted = {}
        by_position: dict[int, str] = {}
        for position, slot, value in bound:
            test = tests.get(slot)
            if test is not None and not test(value):
                return None
            by_position[position] = value
            extracted[names.get(slot) or f"${position}"] = value
        for reference in references:
            found = reference.space_value(extracted, by_position)
            if found is not None:
                extracted.setdefault(reference.text, found)
        return extracted

    if not pattern.slots:
        return CompiledPattern(needs, lambda message: True, bind)
    if any(isinstance(slot, EllipsisSlot) for slot in pattern.slots):
        return CompiledPattern(needs, _ellipsis_matcher(pattern.slots, tests), bind)

    def match(message: Message) -> bool:
        return bind(message) is not None

    return CompiledPattern(needs, match, bind)


def _ellipsis_matcher(slots: tuple[Slot, ...],
                      tests: dict[Slot, Predicate]) -> Callable[[Message], bool]:
    """Match without extracting: only the fields around the ``...`` are kept.

    ``bind`` reports every field the ellipsis covers, which a long line of short fields
    makes expensive; a match only needs the fields before the ellipsis, the last fields
    after it, and to know that there are enough of them.
    """
    cut = slots.index(EllipsisSlot())
    head = [tests.get(slot) for slot in slots[:cut]]
    tail = [tests.get(slot) for slot in slots[cut + 1:]]

    def match(message: Message) -> bool:
        fields = field_matches(text_of(message))
        first = list(itertools.islice(fields, len(head)))
        last = deque(fields, maxlen=len(tail)) if tail else deque()
        if len(first) < len(head) or len(last) < len(tail):
            return False
        return all(test is None or test(field_value(found))
                   for test, found in zip([*head, *tail], [*first, *last], strict=True))

    return match


def _field_predicate(expr: FieldExpr) -> Predicate:
    if isinstance(expr, FieldAnd | FieldOr):
        parts = tuple(_field_predicate(operand) for operand in expr.operands)
        return _all_of(parts) if isinstance(expr, FieldAnd) else _any_of(parts)
    return _field_compare(expr)


def _field_compare(condition: FieldCompare) -> Predicate:
    value, comparator = condition.value, condition.comparator
    wanted = comparator is Comparator.EQ
    if isinstance(value, Regex):
        regex = compile_regex(value.source)
        return lambda field: regex.search(field) is wanted
    if isinstance(value, StringValue):
        matches = wildcard_predicate(value.text)
        return lambda field: matches(field) is wanted
    number, text = value.value, value.text
    if comparator in (Comparator.EQ, Comparator.NE):
        def equality(field: str) -> bool:
            if field == text:
                return wanted
            parsed = parse_number(field)
            return (parsed is not None and parsed == number) is wanted

        return equality
    compare = _OPERATORS[comparator]

    def ordering(field: str) -> bool:
        parsed = parse_number(field)
        return parsed is not None and compare(parsed, number)

    return ordering

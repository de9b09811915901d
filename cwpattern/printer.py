"""Expression tree back to pattern text, in one normalized spelling.

The printed form is what ``cwpattern explain`` shows and what the round-trip tests
rely on: ``parse(to_text(tree)) == tree`` for every tree the parser produces.  The
normal form quotes every string value and every term that is not a plain word, writes
single spaces around operators, and uses parentheses only where precedence needs them.
"""

from __future__ import annotations

import re

from cwpattern.nodes import (
    AnyIndex,
    AnyKey,
    EllipsisSlot,
    FieldAnd,
    FieldCompare,
    FieldExpr,
    FieldOr,
    FieldSlot,
    Index,
    JsonAnd,
    JsonCompare,
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
    Step,
    StringValue,
    Term,
    TextPattern,
    Value,
)

_PLAIN_WORD = re.compile(r"[A-Za-z0-9_]+")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def to_text(pattern: Pattern) -> str:
    """The normalized text of a pattern."""
    if isinstance(pattern, TextPattern):
        return " ".join(term_text(term) for term in pattern.terms)
    if isinstance(pattern, RegexPattern):
        return regex_text(pattern.regex)
    if isinstance(pattern, JsonPattern):
        return "{ " + json_text(pattern.expr) + " }"
    return space_text(pattern)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def term_text(term: Term) -> str:
    body = term.text if _PLAIN_WORD.fullmatch(term.text) else quote(term.text)
    return term.kind.value + body


def regex_text(regex: Regex) -> str:
    return f"%{regex.source}%"


def value_text(value: Value) -> str:
    if isinstance(value, Regex):
        return regex_text(value)
    if isinstance(value, NumberValue):
        return value.text
    assert isinstance(value, StringValue)
    return quote(value.text)


def json_text(expr: JsonExpr, inside_and: bool = False) -> str:
    if isinstance(expr, JsonAnd):
        return " && ".join(json_text(operand, inside_and=True) for operand in expr.operands)
    if isinstance(expr, JsonOr):
        text = " || ".join(json_text(operand) for operand in expr.operands)
        return f"({text})" if inside_and else text
    selector = selector_text(expr.selector)
    if isinstance(expr, JsonNotExists):
        return f"{selector} NOT EXISTS"
    if isinstance(expr, JsonIs):
        return f"{selector} IS {expr.constant.value}"
    assert isinstance(expr, JsonCompare)
    return f"{selector} {expr.comparator.value} {value_text(expr.value)}"


def selector_text(selector: Selector) -> str:
    return "$" + "".join(step_text(step) for step in selector.steps)


def step_text(step: Step) -> str:
    if isinstance(step, Key):
        return f".{step.name}" if _PLAIN_KEY.fullmatch(step.name) else f".['{step.name}']"
    if isinstance(step, Index):
        return f"[{step.index}]"
    if isinstance(step, AnyKey):
        return ".*"
    assert isinstance(step, AnyIndex)
    return "[*]"


def space_text(pattern: SpacePattern) -> str:
    return "[" + ", ".join(slot_text(slot) for slot in pattern.slots) + "]"


def slot_text(slot: Slot) -> str:
    if isinstance(slot, EllipsisSlot):
        return "..."
    assert isinstance(slot, FieldSlot)
    if slot.condition is None:
        return slot.name or ""
    return field_text(slot.name or "", slot.condition)


def field_text(name: str, expr: FieldExpr) -> str:
    if isinstance(expr, FieldAnd | FieldOr):
        operator = " && " if isinstance(expr, FieldAnd) else " || "
        return operator.join(field_text(name, operand) for operand in expr.operands)
    assert isinstance(expr, FieldCompare)
    return f"{name} {expr.comparator.value} {value_text(expr.value)}"

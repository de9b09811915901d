"""Filter patterns as jq expressions: the baseline ``cwpattern bench`` measures against.

jq is what people reach for to grep CloudTrail, so ``cwpattern bench`` times the same
question asked of jq.  The translation keeps AWS's semantics where jq's differ: a
comparison on a missing field or on a value of the wrong type is false (jq would
compare ``null``, order strings after numbers, or stop with an error), wildcard
selectors are existential, and ``IS NULL`` / ``NOT EXISTS`` tell a missing field from
a ``null`` one.  Every leaf is written so that it yields exactly one boolean, so
``and``/``or`` never see jq's empty streams.

Translated: JSON patterns with string equality and wildcards (``startswith``,
``endswith``, ``contains``, anchored ``test``), numeric comparisons, ``IS``, ``NOT
EXISTS``, ``&&``/``||`` and wildcard selectors; text patterns of terms (on the raw
line, ``$line``).  Not translated (:class:`Untranslatable` says why): regexes (RE2 and
jq's Oniguruma read them differently) and space-delimited patterns (jq has no field
splitter that treats quotes and brackets as AWS does).  jq 1.6's ``contains`` and
``startswith`` compare C strings, so a NUL stops them early: patterns with a NUL are
refused, and events with one may get a different answer from jq (the benchmark's
CloudTrail data has none).

Literals are JSON-encoded into jq string literals, so a pattern can never inject jq
code (a backslash becomes ``\\\\``, so ``\\(`` interpolation cannot appear).
"""

from __future__ import annotations

import json
import math
import re

from cwpattern import ambiguities
from cwpattern.nodes import (
    AnyIndex,
    AnyKey,
    Comparator,
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
    Selector,
    SpacePattern,
    Step,
    TermKind,
    TextPattern,
)
from cwpattern.prefilter import literal_pieces

_JQ_OPERATORS = {Comparator.EQ: "==", Comparator.NE: "!=", Comparator.LT: "<",
                 Comparator.GT: ">", Comparator.LE: "<=", Comparator.GE: ">="}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Untranslatable(ValueError):
    """The pattern has no faithful jq equivalent; the message says what is missing."""


def to_jq(pattern: Pattern) -> str:
    """A jq boolean expression equivalent to ``pattern``.

    JSON patterns read the event as ``.`` (an object); text patterns read the raw line
    as ``$line``.  Raises :class:`Untranslatable`.
    """
    if isinstance(pattern, JsonPattern):
        return _expression(pattern.expr)
    if isinstance(pattern, TextPattern):
        return _terms(pattern)
    if isinstance(pattern, SpacePattern):
        raise Untranslatable("space-delimited patterns: jq has no field splitter that "
                             "reads quotes and brackets as AWS does")
    raise Untranslatable("regex patterns: RE2 and jq's Oniguruma read regexes differently")


def reads_raw_lines(pattern: Pattern) -> bool:
    """True when the translation reads ``$line`` (text patterns) rather than ``.``."""
    return isinstance(pattern, TextPattern)


def string(text: str) -> str:
    """A jq string literal for ``text`` (JSON's spelling; no interpolation possible)."""
    if "\x00" in text:
        # jq's contains/startswith compare C strings: a NUL ends the text early.
        raise Untranslatable("a NUL character: jq's string functions stop at it")
    return json.dumps(text, ensure_ascii=False)


# ------------------------------------------------------------------------------ JSON


def _expression(expr: JsonExpr) -> str:
    if isinstance(expr, JsonAnd | JsonOr):
        joiner = " and " if isinstance(expr, JsonAnd) else " or "
        return "(" + joiner.join(_expression(operand) for operand in expr.operands) + ")"
    if isinstance(expr, JsonNotExists):
        return f"([{_present(expr.selector)}] | length == 0)"
    if isinstance(expr, JsonIs):
        if expr.constant is JsonConstant.NULL:
            return f"any({_present(expr.selector)}; . == null)"
        return f"any({_values(expr.selector)}; . == {expr.constant.value.lower()})"
    return f"any({_values(expr.selector)}; {_test(expr)})"


def _values(selector: Selector) -> str:
    """The values a selector reaches (``null`` for a missing key, which no test except
    ``IS NULL`` accepts; that one uses :func:`_present`)."""
    parts = [_loose_step(step) for step in selector.steps]
    return " | ".join(parts) if parts else "."


def _loose_step(step: Step) -> str:
    if isinstance(step, Key):
        name = step.name
        return f".{name}?" if _IDENTIFIER.fullmatch(name) else f".[{string(name)}]?"
    if isinstance(step, Index):
        return f".[{step.index}]?"
    return _wildcard(step)


def _present(selector: Selector) -> str:
    """The values a selector reaches, nothing at all for a missing step."""
    parts = [_strict_step(step) for step in selector.steps]
    return " | ".join(parts) if parts else "."


def _strict_step(step: Step) -> str:
    if isinstance(step, Key):
        name = string(step.name)
        return f'(select(type == "object" and has({name})) | .[{name}])'
    if isinstance(step, Index):
        return f'(select(type == "array" and length > {step.index}) | .[{step.index}])'
    return _wildcard(step)


def _wildcard(step: Step) -> str:
    if isinstance(step, AnyIndex):
        return '(if type == "array" then .[] else empty end)'
    assert isinstance(step, AnyKey)
    return '(if type == "object" then .[] else empty end)'


def _test(condition: JsonCompare) -> str:
    value, comparator = condition.value, condition.comparator
    if isinstance(value, Regex):
        raise Untranslatable("regex values (=%...%): RE2 and jq's Oniguruma read regexes "
                             "differently")
    if isinstance(value, NumberValue):
        number = f'(type == "number" and . {_JQ_OPERATORS[comparator]} {_number(value)})'
        if ambiguities.NUMBER_MATCHES_NUMERIC_STRING and comparator in (Comparator.EQ,
                                                                        Comparator.NE):
            operator = _JQ_OPERATORS[comparator]
            return f'({number} or (type == "string" and . {operator} {string(value.text)}))'
        return number
    text = value.text
    if text and not text.strip("*"):  # `= *`: any string or number (spec §5.3)
        if comparator is Comparator.NE:
            return "false"
        kinds = ["string", "number"]
        if ambiguities.STAR_MATCHES_BOOLEAN_AND_NULL:
            raise Untranslatable("`= *` matching booleans and null needs to tell a "
                                 "missing field from a null one")
        return "(" + " or ".join(f'type == "{kind}"' for kind in kinds) + ")"
    if comparator is Comparator.EQ:
        if "*" not in text:
            return f". == {string(text)}"
        return f'(type == "string" and {_glob(text)})'
    return f'(type == "string" and ({_glob(text)} | not))'


def _number(value: NumberValue) -> str:
    if not math.isfinite(value.value):
        raise Untranslatable(f"{value.text}: jq has no literal for an infinite number")
    return repr(value.value)


def _glob(text: str) -> str:
    """A jq test of ``.`` against a value with ``*`` wildcards (as the compiler does)."""
    if "*" not in text:
        return f". == {string(text)}"
    leading, trailing = text.startswith("*"), text.endswith("*")
    pieces = literal_pieces(text)
    if len(pieces) == 1:
        (core,) = pieces
        if leading and trailing:
            return f"contains({string(core)})"
        if leading:
            return f"endswith({string(core)})"
        return f"startswith({string(core)})"
    body = r"[\s\S]*".join(_regex_literal(piece) for piece in pieces)
    regex = (r"\A" if not leading else "") + body + (r"\z" if not trailing else "")
    return f"test({string(regex)})"


def _regex_literal(text: str) -> str:
    return "".join(ch if ch.isalnum() else "\\" + ch if ch.isascii() else ch for ch in text)


# ------------------------------------------------------------------------------ text


def _terms(pattern: TextPattern) -> str:
    required = [t.text for t in pattern.terms if t.kind is TermKind.REQUIRED]
    excluded = [t.text for t in pattern.terms if t.kind is TermKind.EXCLUDED]
    optional = [t.text for t in pattern.terms if t.kind is TermKind.OPTIONAL]
    tests = [f"($line | contains({string(term)}))" for term in required]
    tests += [f"($line | contains({string(term)}) | not)" for term in excluded]
    if optional and (not (required or excluded)
                     or ambiguities.MIXED_OPTIONAL_TERMS == "require-one"):
        tests.append("(" + " or ".join(f"($line | contains({string(term)}))"
                                       for term in optional) + ")")
    if len(tests) == 1:
        return tests[0]
    return "(" + " and ".join(tests) + ")" if tests else "true"

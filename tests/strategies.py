"""Hypothesis strategies that build valid pattern trees of all three syntaxes, and
events shaped to (nearly) match them.

Trees are generated directly (not text), so every tree is one the parser could have
produced; printing then parsing must give it back.  The vocabularies are small on
purpose: generated events reuse the patterns' keys and values, so matches are common.
"""

from __future__ import annotations

import json
import string

from hypothesis import strategies as st

from cwpattern.nodes import (
    AnyIndex,
    AnyKey,
    Comparator,
    EllipsisSlot,
    FieldAnd,
    FieldCompare,
    FieldOr,
    FieldSlot,
    Index,
    JsonAnd,
    JsonCompare,
    JsonConstant,
    JsonIs,
    JsonNotExists,
    JsonOr,
    JsonPattern,
    Key,
    NumberValue,
    Regex,
    RegexPattern,
    Selector,
    SpacePattern,
    StringValue,
    Term,
    TermKind,
    TextPattern,
)

KEYS = ["a", "b", "error-code", "x.y", "n", "list"]
WORDS = ["ERROR", "WARN", "abc", "Get", "Denied", "404", "ab c", 'q"t', "back\\slash", "é", ""]
NUMBERS = ["0", "1", "-5", "2.5", "1e3", "+7", "404", "10e-3"]
REGEXES = ["ab+c", "^Get", "Denied$", "\\d{2,3}", "a|b", "[a-c]x", "x{,2}y", "\\x41", "e.r"]

words = st.sampled_from(WORDS)
texts = st.one_of(words, st.text(
    alphabet=string.ascii_letters + string.digits + ' *"\\-_.:,()[]{}%?!@/éß\t', max_size=8))
numbers = st.sampled_from(NUMBERS)
regexes = st.sampled_from(REGEXES).map(Regex)
star_values = st.builds(lambda w, lead, trail: ("*" if lead else "") + w + ("*" if trail else ""),
                        words, st.booleans(), st.booleans())
string_values = st.one_of(star_values, texts).map(StringValue)

# ----------------------------------------------------------------------------- text

terms = st.builds(Term, texts, st.sampled_from(list(TermKind)))
text_patterns = st.lists(terms, max_size=5).map(lambda ts: TextPattern(tuple(ts))).filter(
    lambda p: p.terms != (Term(" "),))
regex_patterns = regexes.map(RegexPattern)

# ----------------------------------------------------------------------------- JSON

plain_steps = st.one_of(st.sampled_from(KEYS).map(Key), st.integers(0, 2).map(Index))


@st.composite
def selectors(draw, allow_wildcard: bool = True) -> Selector:
    first = Key(draw(st.sampled_from(KEYS)))
    rest = draw(st.lists(plain_steps, max_size=2))
    steps = [first, *rest]
    if allow_wildcard and draw(st.booleans()) and len(steps) > 1:
        position = draw(st.integers(1, len(steps) - 1))
        steps[position] = draw(st.sampled_from([AnyKey(), AnyIndex()]))
    return Selector(tuple(steps))


def json_conditions(wildcards: bool):
    sel = selectors(allow_wildcard=wildcards)
    equality = st.sampled_from([Comparator.EQ, Comparator.NE])
    return st.one_of(
        st.builds(JsonCompare, sel, equality, string_values),
        st.builds(JsonCompare, sel, st.sampled_from(list(Comparator)), numbers.map(NumberValue)),
        st.builds(JsonCompare, sel, equality, regexes),
        st.builds(JsonIs, sel, st.sampled_from(list(JsonConstant))),
        st.builds(JsonNotExists, sel),
    )


def _combine(kind):
    def build(operands):
        flat = []
        for operand in operands:
            flat.extend(operand.operands if isinstance(operand, kind) else (operand,))
        return kind(tuple(flat))
    return build


def json_exprs(wildcards: bool = True):
    return st.recursive(
        json_conditions(wildcards),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(_combine(JsonAnd)),
            st.lists(inner, min_size=2, max_size=3).map(_combine(JsonOr)),
        ),
        max_leaves=6,
    )


def _within_quotas(pattern) -> bool:
    from cwpattern.printer import to_text
    text = to_text(pattern)
    return (text.count("%") // 2 <= 2 and text.count("[*]") + text.count(".*") <= 3
            and len(text) <= 1024)


json_patterns = json_exprs().map(JsonPattern).filter(_within_quotas)

# -------------------------------------------------------------------- space-delimited

field_names = st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True)
field_values = st.one_of(string_values, numbers.map(NumberValue), regexes)
field_compares = st.one_of(
    st.builds(FieldCompare, st.sampled_from([Comparator.EQ, Comparator.NE]), field_values),
    st.builds(FieldCompare, st.sampled_from(list(Comparator)), numbers.map(NumberValue)),
)
field_ands = st.lists(field_compares, min_size=1, max_size=2).map(
    lambda ops: ops[0] if len(ops) == 1 else FieldAnd(tuple(ops)))
field_exprs = st.lists(field_ands, min_size=1, max_size=2).map(
    lambda ops: ops[0] if len(ops) == 1 else FieldOr(tuple(ops)))
named_slots = st.builds(FieldSlot, field_names, st.one_of(st.none(), field_exprs))
slots = st.one_of(named_slots, st.just(FieldSlot()))


@st.composite
def space_patterns(draw) -> SpacePattern:
    chosen = draw(st.lists(slots, max_size=5))
    if draw(st.booleans()):
        chosen.insert(draw(st.integers(0, len(chosen))), EllipsisSlot())
    if chosen == [FieldSlot()]:
        chosen = []
    return SpacePattern(tuple(chosen))


space_patterns_ok = space_patterns().filter(_within_quotas)

patterns = st.one_of(text_patterns, regex_patterns, json_patterns, space_patterns_ok)

# --------------------------------------------------------------------------- events

json_scalars = st.one_of(words, st.sampled_from([0, 1, -5, 2.5, 1000, 404, True, False, None]))
json_documents = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=10,
).map(lambda value: value if isinstance(value, dict) else {"a": value})
space_events = st.lists(st.one_of(words.filter(lambda w: w and '"' not in w and " " not in w),
                                  numbers, st.just("-"), st.just('"q u o t e d"'),
                                  st.just("[in brackets]")),
                        max_size=7).map(" ".join)
text_events = st.one_of(texts, st.lists(words, max_size=6).map(" ".join))


def events_for(pattern):
    """Messages likely to (nearly) match ``pattern``."""
    if isinstance(pattern, JsonPattern):
        return json_documents.map(json.dumps)
    if isinstance(pattern, SpacePattern):
        return space_events
    return text_events

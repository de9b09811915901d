"""Properties that hold for every pattern and every event (issue 7, hypothesis).

Events come from ``strategies.messages_for``: built from the pattern to match it or just
miss it, as str, UTF-8 bytes, or bytes with an invalid sequence.  The compiled matcher
and the prefilter are checked against the reference interpreter in test_compiler.py.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cwpattern
from cwpattern import interpreter
from cwpattern.nodes import JsonPattern, SpacePattern
from cwpattern.printer import to_text

from strategies import (
    PATTERNS_BY_SYNTAX,
    JsonStyle,
    examples,
    json_documents_for,
    json_patterns,
    json_styles,
    pattern_and_message,
    patterns,
    references_for,
    render_json,
)

SETTINGS = settings(max_examples=examples(250), deadline=None,
                    suppress_health_check=list(HealthCheck))


@st.composite
def json_pattern_and_document(draw):
    tree = draw(json_patterns)
    return tree, draw(json_documents_for(tree))


@SETTINGS
@given(json_pattern_and_document(), json_styles, json_styles, st.randoms(use_true_random=True))
def test_json_answer_ignores_key_order_whitespace_escapes_and_number_spelling(
        case, style, other_style, rng: random.Random) -> None:
    """Two spellings of one JSON value (key order, whitespace, ``\\u0041`` vs ``A``,
    ``\\/``, ``1e3`` vs ``1000``, overridden duplicate keys) get the same answer."""
    tree, document = case
    compiled = cwpattern.compile(to_text(tree))
    baseline = render_json(document, JsonStyle(), rng)
    expected = interpreter.matches(tree, baseline)
    for text in (render_json(document, style, rng), render_json(document, other_style, rng)):
        assert interpreter.matches(tree, text) is expected
        assert compiled.matches(text) is expected
        assert compiled.matches(text.encode()) is expected
        assert (compiled.extract(text) is not None) is expected


@SETTINGS
@given(pattern_and_message())
def test_extract_returns_values_only_for_matching_events(case) -> None:
    tree, message = case
    compiled = cwpattern.compile(to_text(tree))
    references = references_for(tree)
    values = compiled.extract(message, references)
    assert (values is not None) is compiled.matches(message)
    assert (values is not None) is interpreter.matches(tree, message)
    if values is None:
        return
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in values.items())
    if isinstance(tree, SpacePattern):
        named = {f"${slot.name}" for slot in tree.slots if getattr(slot, "name", None)}
        assert named <= set(values)
    elif isinstance(tree, JsonPattern):
        assert set(values) <= set(references)
    else:
        assert values == {}


@SETTINGS
@given(pattern_and_message())
def test_str_and_utf8_bytes_get_the_same_answer(case) -> None:
    tree, message = case
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    if any("\ud800" <= char <= "\udfff" for char in text):
        return  # no UTF-8 form
    compiled = cwpattern.compile(to_text(tree))
    assert compiled.matches(text) is compiled.matches(text.encode())
    assert compiled.extract(text) == compiled.extract(text.encode())


@SETTINGS
@given(patterns, st.one_of(st.text(max_size=60), st.binary(max_size=60)))
def test_any_message_gives_a_boolean(tree, message) -> None:
    assert interpreter.matches(tree, message) in (True, False)
    assert cwpattern.compile(to_text(tree)).matches(message) in (True, False)


@pytest.mark.parametrize("syntax", list(PATTERNS_BY_SYNTAX))
def test_generated_events_both_match_and_miss(syntax: str) -> None:
    """The generators are useful only if both answers are common (benchmarks/strategy_mix.py
    reports the rates: 33-60 % matches)."""
    answers: Counter = Counter()

    @settings(max_examples=150, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(pattern_and_message(PATTERNS_BY_SYNTAX[syntax]))
    def draw(case) -> None:
        answers[interpreter.matches(*case)] += 1

    draw()
    assert min(answers[True], answers[False]) >= 0.2 * sum(answers.values())

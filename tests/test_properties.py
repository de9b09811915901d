"""Properties that hold for every pattern and every message (hypothesis)."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

import cwpattern
from cwpattern import interpreter

from strategies import json_documents, json_patterns, patterns, space_patterns_ok

PATTERN_ALPHABET = st.sampled_from([*'{}[]()$.=!<>&|"%*?-, :\\\'abcAB019\t', "IS", "NOT",
                                   "EXISTS", "NULL", "TRUE", "...", "&&", "||", "$."])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(PATTERN_ALPHABET, max_size=25).map("".join)))
def test_any_text_is_a_pattern_or_a_pattern_error(text: str) -> None:
    """Issue 2, bad input: only PatternError, never another exception."""
    try:
        compiled = cwpattern.compile(text)
    except cwpattern.PatternError as error:
        assert 0 <= error.pos <= len(text)
        assert error.message
    else:
        assert compiled.kind in {"text", "json", "space"}


def _reshape(document, rng: random.Random):
    if isinstance(document, dict):
        items = list(document.items())
        rng.shuffle(items)
        return {key: _reshape(value, rng) for key, value in items}
    if isinstance(document, list):
        return [_reshape(value, rng) for value in document]
    return document


@settings(max_examples=300, deadline=None)
@given(json_patterns, json_documents, st.randoms(use_true_random=False))
def test_json_results_ignore_key_order_whitespace_and_escaping(tree, document, rng) -> None:
    """Issue 2: key order, whitespace and equivalent escaping do not change the answer."""
    expected = interpreter.matches(tree, json.dumps(document))
    shuffled = _reshape(document, rng)
    assert interpreter.matches(tree, json.dumps(shuffled, indent=2)) is expected
    assert interpreter.matches(tree, json.dumps(shuffled, separators=(",", ":"))) is expected
    assert interpreter.matches(tree, json.dumps(document, ensure_ascii=True)) is expected


@settings(max_examples=300, deadline=None)
@given(patterns, st.one_of(st.text(max_size=60), st.binary(max_size=60)))
def test_any_message_gives_a_boolean(tree, message) -> None:
    assert interpreter.matches(tree, message) in (True, False)


@settings(max_examples=200, deadline=None)
@given(space_patterns_ok, st.text(alphabet=' ab"[]\t-1', max_size=30))
def test_extract_only_returns_values_for_matches(tree, message) -> None:
    values = interpreter.bind(tree, message)
    assert (values is not None) is interpreter.matches(tree, message)
    if values is not None:
        assert all(isinstance(v, str) for v in values.values())

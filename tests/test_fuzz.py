"""Fuzzing, bounded for the test suite (issue 7): random and mutated text as patterns,
random text and bytes as messages.

The contract under test: ``cwpattern.compile`` raises nothing but ``PatternError`` (with
AWS's message, the pattern and a position inside it), every pattern it accepts prints
and parses back to the same tree, and ``matches``/``extract`` answer every message
without raising.  ``benchmarks/fuzz_patterns.py`` and ``benchmarks/fuzz_messages.py``
run the same checks a million times and time every call.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cwpattern
from cwpattern import messages
from cwpattern.messages import MAX_PATTERN_LENGTH
from cwpattern.parser import parse

from strategies import PATTERN_TOKENS, examples, messages_for, mutate, patterns, spell

SETTINGS = settings(max_examples=examples(400), deadline=None,
                    suppress_health_check=list(HealthCheck))
FIXED_MESSAGES = {messages.INVALID_PATTERN, messages.UNTERMINATED_JSON,
                  messages.REGEX_TOO_EXPENSIVE}

any_characters = st.characters(codec=None, exclude_categories=())
random_texts = st.one_of(st.text(max_size=60), st.text(any_characters, max_size=60))
token_soups = st.lists(st.sampled_from(PATTERN_TOKENS), max_size=30).map("".join)
decoded_bytes = st.one_of(st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
                          st.binary(max_size=60).map(
                              lambda b: b.decode("utf-8", "surrogateescape")))
random_messages = st.one_of(st.text(any_characters, max_size=80), st.binary(max_size=80),
                            token_soups)


def compile_or_reject(text: str) -> cwpattern.FilterPattern | None:
    """Compile ``text``; check the error or the accepted pattern against the contract."""
    try:
        compiled = cwpattern.compile(text)
    except cwpattern.PatternError as error:
        assert error.pattern == text
        assert 0 <= error.pos <= len(text)
        assert error.message in FIXED_MESSAGES or error.message.startswith(
            ("Invalid character(s) in term '", "1 validation error detected: "))
        assert error.message in str(error)
        return None
    assert compiled.kind in ("text", "json", "space")
    if len(compiled.normalized) <= MAX_PATTERN_LENGTH:  # quoting can lengthen the text
        assert parse(compiled.normalized) == compiled.tree
    return compiled


def answers(compiled: cwpattern.FilterPattern, message: str | bytes) -> None:
    matched = compiled.matches(message)
    assert matched in (True, False)
    values = compiled.extract(message)
    assert (values is not None) is matched
    assert values is None or all(isinstance(v, str) for v in values.values())


@SETTINGS
@given(st.one_of(random_texts, token_soups, decoded_bytes), random_messages)
def test_random_text_is_a_pattern_or_a_pattern_error(text: str, message) -> None:
    compiled = compile_or_reject(text)
    if compiled is not None:
        answers(compiled, message)


@st.composite
def mutated_patterns(draw):
    """A valid pattern (in any spelling), mutated, and events built for the original."""
    tree = draw(patterns)
    rng = draw(st.randoms(use_true_random=True))
    return mutate(spell(tree, rng), rng), draw(messages_for(tree))


@SETTINGS
@given(mutated_patterns())
def test_mutated_patterns_are_patterns_or_pattern_errors(case) -> None:
    text, message = case
    compiled = compile_or_reject(text)
    if compiled is not None:
        answers(compiled, message)


@pytest.mark.parametrize("pattern", [b"ERROR", None, 42, ["ERROR"]])
def test_a_pattern_must_be_str(pattern) -> None:
    """Like ``re.compile``, a non-str pattern is a programming error, not a PatternError."""
    with pytest.raises(TypeError):
        cwpattern.compile(pattern)

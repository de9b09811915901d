"""Inputs the fuzzers (benchmarks/fuzz_*.py, tests/test_fuzz.py) found breaking the core.

Each test is the minimal reproducer of one crash or slow call, kept so it stays fixed.
Speed itself is measured by the benchmark scripts; these tests check the behaviour that
the fixes chose (an error, or the same answer computed another way).
"""

from __future__ import annotations

import pytest

import cwpattern
import cwpattern.compiler as compiler_module
from cwpattern import interpreter, messages
from cwpattern.regex import MAX_COPIES, MAX_OPTIONAL_COPIES

# ------------------------------------------------------ lone surrogates in a pattern


@pytest.mark.parametrize(("pattern", "pos"), [
    ("\ud800", 0),
    ('"ERROR \udfff"', 7),
    ("-x\udc00", 2),
    ('{ $.a = "\ud800" }', 9),
    ("{ $.['\ud800'] = 1 }", 6),
    ('[a = "\ud800", b]', 6),
    ("%\ud800%", 1),
])
def test_lone_surrogate_in_a_pattern_is_a_pattern_error(pattern: str, pos: int) -> None:
    """Was UnicodeEncodeError/TypeError: a decoded "\\ud800" escape is not text."""
    with pytest.raises(cwpattern.PatternError) as caught:
        cwpattern.compile(pattern)
    assert caught.value.message == messages.INVALID_PATTERN
    assert caught.value.pos == pos
    assert "surrogate" in caught.value.hint


# ----------------------------------------------- lone surrogates in a regex subject


@pytest.mark.parametrize(("pattern", "message", "expected"), [
    ("%^a.b$%", "a\ud800b", True),
    ("%x%", "\ud800x", True),
    ("%x%", "\ud800", False),
    ("{ $.a = %^.$% }", '{"a": "\\ud800"}', True),
    ("{ $.a = %x% }", '{"a": "\\udfffx"}', True),
    ("{ $.a != %x% }", '{"a": "\\udfff"}', True),
    ("[a = %^.$%, b]", "\ud800 rest", True),
    ("[a, b = %y%]", "x \"\udc00 y\"", True),
])
def test_regex_on_text_with_lone_surrogates(pattern: str, message: str, expected: bool) -> None:
    """Was UnicodeEncodeError from RE2: a lone surrogate is read as one U+FFFD."""
    compiled = cwpattern.compile(pattern)
    assert compiled.matches(message) is expected
    assert interpreter.matches(compiled.tree, message) is expected
    assert (compiled.extract(message) is not None) is expected


# ----------------------------------------------------- regexes too costly to compile


@pytest.mark.parametrize(("pattern", "pos"), [
    ("%a{0,1000}%", 2),
    ("%" + "a{0,100}" * 3 + "%", 18),
    ("%" + ".{1000}" + "%", 2),
    ("%" + "a{250}" * 3 + "%", 14),
    ("%x" + "a?" * 300 + "%", 2 + 2 * MAX_OPTIONAL_COPIES + 1),
    ("%a{" + str(MAX_COPIES) + ",}%", 2),
    ("{ $.a = %b{0,999}% }", 10),
    ("[a = %b{600}%, c]", 7),
])
def test_regex_expanding_into_too_many_copies_is_rejected(pattern: str, pos: int) -> None:
    """Was 0.1-0.6 s in RE2's compiler (`a{0,1000}` ten times): now AWS's time-limit error."""
    with pytest.raises(cwpattern.PatternError) as caught:
        cwpattern.compile(pattern)
    assert caught.value.message == messages.REGEX_TOO_EXPENSIVE
    assert caught.value.pos == pos


@pytest.mark.parametrize("pattern", [
    "%a{0,250}%",
    "%" + "a{0,125}" * 2 + "%",
    "%.{250}.{0,250}%",
    "%a{499,}%",
    "%" + ".*" * 400 + "%",
    "%" + "\\d+" * 300 + "%",
    "%[?]{2}" + "[?*]" * 250 + "%",
    "%[^]?]{500}%",
    "%\\{1000\\}%",
    "%x{,250}y%",
])
def test_regex_within_the_copy_budget_is_accepted(pattern: str) -> None:
    """Loops (`*`, `+`) and characters inside a class cost nothing against the budget."""
    assert cwpattern.compile(pattern).kind == "text"


def test_budget_is_per_regex() -> None:
    pattern = cwpattern.compile("{ $.a = %x{0,250}% || $.b = %y{0,250}% }")
    assert pattern.matches('{"b": "yy"}')


# ------------------------------------------- space-delimited lines with many fields


def test_ellipsis_match_does_not_extract(monkeypatch) -> None:
    """Was O(fields) memory for a yes/no answer: matching keeps only the bound fields."""
    monkeypatch.setattr(compiler_module, "bind_fields", None)
    line = " ".join(["x"] * 10_000) + ' "last field"'
    compiled = compiler_module.compile_tree(cwpattern.compile("[a=x, ..., b=%field$%]").tree)
    assert compiled.match(line)
    assert not compiled.match(line.replace("last", "lost").replace("field", "fiald"))


@pytest.mark.parametrize(("pattern", "line", "expected"), [
    ("[a, ..., b]", "one", False),
    ("[a, ..., b]", "one two", True),
    ("[..., b = 2]", "1 2", True),
    ("[..., b = 2]", "2 1", False),
    ("[a = 1, ...]", "1", True),
    ("[a = 1, ...]", "", False),
    ("[a, b, ..., c = z]", '[x y] "q r" z', True),
    ("[a, b, ..., c = z]", '[x y] z', False),
    ("[]", "", True),
])
def test_streaming_ellipsis_matcher_agrees_with_the_interpreter(pattern: str, line: str,
                                                               expected: bool) -> None:
    compiled = cwpattern.compile(pattern)
    assert interpreter.matches(compiled.tree, line) is expected
    assert compiled.matches(line) is expected
    assert compiled.matches(line.encode()) is expected


def test_absorbing_last_field_keeps_inner_whitespace() -> None:
    """rest_of_line no longer uses a regex search; the absorbed text is unchanged."""
    assert cwpattern.compile("[a, b]").extract("x  y \t z \t\n") == {"$a": "x", "$b": "y \t z"}

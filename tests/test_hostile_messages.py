"""Messages built to break parsers: each gives True or False quickly, never an exception
(issue 2, "Bad input")."""

from __future__ import annotations

import pytest

import cwpattern

PATTERNS = [
    "ERROR",
    "%a*a*a*a*b%",
    "{ $.a NOT EXISTS }",
    "{ $.a.b[0] = * || $.c > 5 }",
    "[a, ..., b > 1]",
    "[x, y]",
]

HOSTILE = {
    "1 MB line": "x" * (1 << 20),
    "10k levels of arrays": '{"a":' + "[" * 10_000 + "]" * 10_000 + "}",
    "10k levels of objects": '{"a":' * 10_000 + "1" + "}" * 10_000,
    "huge integer": '{"a": ' + "9" * 5000 + "}",
    "1e400": '{"c": 1e400}',
    "NaN literal": '{"c": NaN}',
    "duplicate keys": '{"a": 1, "a": {"b": [true]}}',
    "NUL bytes": "\x00{\x00}\x00",
    "lone surrogate escape": '{"a": "\\ud800"}',
    "invalid UTF-8 bytes": b'{"a": "\xff\xfe"}',
    "truncated JSON": '{"a": [1, 2',
    "unbalanced quotes": 'a "b [c d',
    "only whitespace": " \t\n ",
    "empty": "",
}


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_message_gives_a_boolean(pattern: str, name: str) -> None:
    assert cwpattern.compile(pattern).matches(HOSTILE[name]) in (True, False)


def test_deep_nesting_is_not_json() -> None:
    """§10.12: nesting deeper than 1,024 levels is treated as not JSON."""
    assert not cwpattern.compile("{ $.b NOT EXISTS }").matches(HOSTILE["10k levels of arrays"])


def test_lone_surrogates_fall_back_to_the_standard_library() -> None:
    assert cwpattern.compile('{ $.b = "ok" }').matches('{"a": "\\ud800", "b": "ok"}')

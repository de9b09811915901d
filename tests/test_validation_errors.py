"""Every AWS error text of filter-syntax spec §9 and every limit of §8, with the exact
message, the 0-based position, and the caret display."""

from __future__ import annotations

import pickle

import pytest

import cwpattern
from cwpattern import messages

GENERIC = "Invalid metric filter pattern"

REJECTED = [
    # id, pattern, AWS message, position
    ("§3.1 ':' in a term", "ERROR:x", "Invalid character(s) in term ':'", 5),
    ("§3.1 ',' in a term", "a,b", "Invalid character(s) in term ','", 1),
    ("§3.1 '(' in a term", "f(x", "Invalid character(s) in term '('", 1),
    ("§3.1 '\\' in a term", "a\\b", "Invalid character(s) in term '\\'", 1),
    ("§3.1 '`' in a term", "a`b", "Invalid character(s) in term '`'", 1),
    ("§3.1 '[' not at the start", "ERROR [x]", "Invalid character(s) in term '['", 6),
    ("§3.1 '@' in a term (lucagrulla/cw#181)", "user@host", GENERIC, 4),
    ("§3.1 '/' in a term (lucagrulla/cw#181)", "a/b", GENERIC, 1),
    ("§3.1 unterminated phrase", 'ERROR "abc', GENERIC, 6),
    ("§10.6 doubled prefix", "?-x", GENERIC, 1),
    ("§5.2 $.\"detail-type\" (double-quoted key)", '{ $."detail-type" = x }',
     "Invalid character(s) in term '$.\"'", 4),
    ("§5.2 selector without $. (aws-cdk#15047)", '{ status = "401" }', GENERIC, 2),
    ("§5.2 $[0] cannot start a selector", "{ $[0] = 1 }", GENERIC, 3),
    ("§5.1 comma joins conditions (rejected)", "{ $.a = 1, $.b = 2 }",
     "Invalid character(s) in term ','", 9),
    ("§5.1 IS NOT is not supported", "{ $.a IS NOT NULL }", GENERIC, 9),
    ("§5.1 EXISTS without NOT", "{ $.a EXISTS }", GENERIC, 6),
    ("§10.13 keywords are upper case", "{ $.a is null }", GENERIC, 6),
    ("§9 unterminated JSON (awslogs#210)", '{ $.a = "b"', messages.UNTERMINATED_JSON, 11),
    ("§5.1 empty JSON pattern", "{ }", GENERIC, 2),
    ("§5.3 ordering needs a number", "{ $.a > abc }", GENERIC, 8),
    ("§5.3 == is not an operator (CDK rewrites it)", "{ $.a == 1 }", GENERIC, 7),
    ("§5.2 two wildcards in one selector", "{ $.a[*].* = 1 }", GENERIC, 2),
    ("§8 four wildcard selectors", "{ $.a[*] = 1 && $.b[*] = 1 && $.c[*] = 1 && $.d[*] = 1 }",
     GENERIC, 44),
    ("§6.1 a slot may only test its own field (guide issue #21)",
     "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]", GENERIC, 41),
    ("§6.1 unterminated space pattern", "[a, b", GENERIC, 5),
    ("§10.14 two ellipses", "[..., a, ...]", GENERIC, 9),
    ("§6.1 ellipsis takes no condition", "[...=x]", GENERIC, 4),
    ("§6.4 ordering needs a number in a field", "[a > x]", GENERIC, 5),
]


@pytest.mark.parametrize(("pattern", "message", "position"),
                         [pytest.param(*case[1:], id=case[0]) for case in REJECTED])
def test_rejected_pattern(pattern: str, message: str, position: int) -> None:
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile(pattern)
    error = raised.value
    assert (error.message, error.pos, error.pattern) == (message, position, pattern)
    assert str(error).splitlines()[:3] == [message, pattern, " " * position + "^"]


def test_length_limit_is_checked_before_syntax() -> None:
    """§2.1 / §9: 1024 characters is the limit; the length error wins over syntax."""
    cwpattern.compile("x" * 1024)
    too_long = "{" + "x" * 1024
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile(too_long)
    assert raised.value.message == (
        f"1 validation error detected: Value '{too_long}' at 'filterPattern' failed to "
        "satisfy constraint: Member must have length less than or equal to 1024")
    assert raised.value.pos == 1024


def test_error_positions_count_leading_whitespace() -> None:
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile("   ERROR:x")
    assert raised.value.pos == 8


def test_caret_display_of_a_long_pattern_is_windowed() -> None:
    pattern = "a " * 200 + "b:c"
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile(pattern)
    line, caret = raised.value.caret_display().splitlines()
    assert line[caret.index("^")] == ":"
    assert len(line) <= 106


def test_errors_carry_a_hint_when_aws_text_is_generic() -> None:
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile("[a, ..., ...]")
    assert "at most 1 '...'" in raised.value.hint
    assert raised.value.hint in str(raised.value)


def test_pattern_error_survives_pickling() -> None:
    """Errors cross process boundaries intact (parallel replays)."""
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile("a:b")
    copy = pickle.loads(pickle.dumps(raised.value))
    assert (copy.message, copy.pattern, copy.pos, copy.hint) == (
        raised.value.message, raised.value.pattern, raised.value.pos, raised.value.hint)


def test_non_string_pattern_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        cwpattern.compile(b"ERROR")  # type: ignore[arg-type]

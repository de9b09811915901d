"""``%regex%``: every example of filter-syntax spec §0.4–§0.5 and §4, plus the safety
guarantee that matching runs in linear time."""

from __future__ import annotations

import pytest

import cwpattern
from cwpattern.regex import compile_regex

CASES = [
    ("§0.4 unanchored: AUTHORIZED in UNAUTHORIZED", "%AUTHORIZED%", "UNAUTHORIZED", True),
    ("§0.4 no groups: gra|ey matches prey", "%gra|ey%", "prey", True),
    ("§0.4 no groups: gra|ey matches grab", "%gra|ey%", "grab", True),
    ("§0.4 no groups: gra|ey vs gry", "%gra|ey%", "gry", False),
    ("§4.2 docs example with space: shutting down", "%^starting|^initializing|^shutting down%",
     "shutting down now", True),
    ("§4.2 docs example: ^ anchors at the start", "%^starting|^initializing|^shutting down%",
     "now starting", False),
    ("§4.3 $ anchors at the end (docs %abcc|ab[^c]$%)", "%abcc|ab[^c]$%", "xxabd", True),
    ("§4.3 docs %abcc|ab[^c]$%: abc", "%abcc|ab[^c]$%", "abc", False),
    ("§4.3 docs %abcc|ab[^c]$%: abcc", "%abcc|ab[^c]$%", "zabcc!", True),
    ("§4.3 ? zero or one", "%colou?r%", "color", True),
    ("§4.3 + one or more", "%ab+c%", "ac", False),
    ("§4.3 {m,n}", "%^a{2,3}$%", "aaa", True),
    ("§4.3 {m,n} upper bound", "%^a{2,3}$%", "aaaa", False),
    ("§4.3 {m,}", "%^a{3,}$%", "aaaaa", True),
    ("§4.3 {,n}", "%^a{,2}b%", "aab", True),
    ("§4.3 {,n} upper bound", "%^a{,2}b%", "aaab", False),
    ("§10.7 {m, n} with a space as printed in the docs", "%^a{1, 2}$%", "aa", True),
    ("§4.3 . matches a space", "%a.b%", "a b", True),
    ("§4.3 class with range", "%[abcx-z]9%", "y9", True),
    ("§4.3 negated class", "%ab[^c]%", "abc", False),
    ("§4.3 \\d", "%\\d\\d\\d%", "status 404", True),
    ("§4.3 \\D", "%^\\D+$%", "abc", True),
    ("§4.3 \\s includes tab", "%a\\sb%", "a\tb", True),
    ("§4.3 \\S", "%\\S%", "   ", False),
    ("§4.3 \\w is [a-zA-Z_0-9]", "%^\\w+$%", "snake_case_9", True),
    ("§4.3 \\W", "%\\W%", "abc_1", False),
    ("§4.3 escaped operator is literal", "%1\\.5%", "105", False),
    ("§4.2 \\x28 for (", "%\\x28x\\x29%", "f(x)", True),
    ("§4.2 \\x3A for :", "%a\\x3Ab%", "a:b", True),
    ("§4.2 symbols : _ # = @ / ; , -", "%a:_#=@/;,-b%", "a:_#=@/;,-b", True),
    ("§10.7 . does not match a newline", "%a.b%", "a\nb", False),
    ("§4.4 docs Lambda timeout pattern", "%Task timed out after|^REPORT\\s.+\\sStatus: timeout%",
     "REPORT RequestId: 1 Duration: 3000 ms Status: timeout", True),
    ("§4.3 case-sensitive", "%error%", "ERROR", False),
]


@pytest.mark.parametrize(("pattern", "message", "expected"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_documented_regex_example(pattern: str, message: str, expected: bool) -> None:
    assert cwpattern.compile(pattern).matches(message) is expected


@pytest.mark.parametrize(("pattern", "message", "expected"), [
    pytest.param('{ $.eventType = %Trail% }', '{"eventType": "UpdateTrail"}', True,
                 id="§4.1 JSON value regex"),
    pytest.param('{ $.eventType != %Trail% }', '{"eventType": "UpdateTrail"}', False,
                 id="§10.7 != with a regex (CDK allows it)"),
    pytest.param('{ $.eventType != %Trail% }', '{"eventType": "Console"}', True,
                 id="§10.7 != with a regex on another value"),
    pytest.param('{ $.foo = "%bar%" }', '{"foo": "bar"}', False,
                 id="§0.5 quoted %bar% is literal (aws-cdk#30451)"),
    pytest.param('{ $.foo = "%bar%" }', '{"foo": "%bar%"}', True,
                 id="§0.5 quoted %bar% matches the literal text"),
    pytest.param('[ip=%127\\.0\\.0\\.[1-9]%, ...]', "127.0.0.15 - frank", True,
                 id="§0.4 unanchored field regex accepts 127.0.0.15"),
    pytest.param('[ip=%127\\.0\\.0\\.[1-9]%, ...]', "127.0.0.0 - frank", False,
                 id="§4.1 field regex rejects 127.0.0.0"),
    pytest.param('[w1=ERROR || w1=%WARN%, w2]', "WARNING disk", True,
                 id="§4.1 field regex in an OR"),
    pytest.param('{ $.n = %1% }', '{"n": 1}', False, id="§5.3 regex only tests strings"),
])
def test_regex_values(pattern: str, message: str, expected: bool) -> None:
    assert cwpattern.compile(pattern).matches(message) is expected


@pytest.mark.parametrize(("pattern", "message", "position"), [
    pytest.param("%something!%", "Invalid character(s) in term '!'", 10,
                 id="§4.2 docs example %something!% is rejected"),
    pytest.param("%a(b)%", "Invalid character(s) in term '('", 2, id="§4.2 no groups"),
    pytest.param("%é%", "Invalid character(s) in term 'é'", 1, id="§4.2 ASCII only"),
    pytest.param("%a%b%", "Invalid character(s) in term '%'", 2, id="§4.2 % inside"),
    pytest.param("%\\q%", "Invalid metric filter pattern", 1,
                 id="§4.3 undocumented escape rejected"),
    pytest.param("%[z-a]%", "Invalid metric filter pattern", 1, id="invalid class range"),
    pytest.param("%%", "Invalid metric filter pattern", 1, id="empty regex"),
    pytest.param("%ERR% timeout", "Invalid metric filter pattern", 0,
                 id="§4.1 regex cannot be combined with terms"),
])
def test_rejected_regexes(pattern: str, message: str, position: int) -> None:
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile(pattern)
    assert raised.value.message == message
    assert raised.value.pos == position


def test_at_most_two_regexes_per_pattern() -> None:
    """§4.4: at most 2 regexes in a JSON or space-delimited pattern."""
    cwpattern.compile("{ $.a = %x% && $.b = %y% }")
    three = "{ $.a = %x% && $.b = %y% && $.c = %z% }"
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile(three)
    assert raised.value.pos == three.index("%z%")
    with pytest.raises(cwpattern.PatternError):
        cwpattern.compile("[a=%x%, b=%y%, c=%z%]")


def test_matching_uses_a_linear_time_engine() -> None:
    """Hostile regexes that backtrack exponentially in Python's ``re`` finish at once.

    ``(a|aa)*b``-style blowups need groups, which AWS forbids, but stacked quantifiers
    still give a backtracking engine polynomial time; RE2 is linear by construction.
    """
    compiled = compile_regex("a*a*a*a*a*a*a*a*a*a*b")
    assert type(compiled.text).__module__.startswith("re2")
    subject = "a" * 100_000
    assert not compiled.search(subject)
    assert not compiled.search_bytes(subject.encode())
    assert cwpattern.compile("%a*a*a*a*a*a*a*a*a*a*b%").matches(subject) is False

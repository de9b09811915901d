"""Space-delimited patterns: every example of filter-syntax spec §0.6–§0.8 and §6, with
the Apache sample events of the user guide."""

from __future__ import annotations

import pytest

import cwpattern

APACHE = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
]
WORDS = ["ERROR WARN message", "ERROR message", "WARN message", "INFO message"]


@pytest.mark.parametrize(("pattern", "matching"), [
    ("[ip, user, username, timestamp, request, status_code, bytes]", [0, 1, 2]),
    ("[..., status_code, bytes]", [0, 1, 2]),
    ("[ip, user, ..., status_code, bytes]", [0, 1, 2]),
    ("[ip, user, ...]", [0, 1, 2]),
    ("[ip, user, username, timestamp, request, status_code, bytes > 1000]", [0, 1, 2]),
    ("[ip, user, username, timestamp, request, status_code, bytes > 4500]", [1]),
    ("[ip, user, username, timestamp, request, status_code = 200, bytes]", [0, 2]),
    ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", []),
    ("[ip, user, username, timestamp, request, status_code = 5*, bytes]", [1]),
    ("[ip, user, username, timestamp, request = *gif*, status_code = 2*, bytes]", [0, 2]),
    ("[ip, user, username, timestamp, request, status_code = 2* && status_code != 200, bytes]",
     []),
    ("[ip, user, username, timestamp, request, status_code = 404 || status_code = 500, bytes]",
     [1]),
    ('[ip, user, username, timestamp = "10/Oct/2000:13:35:22 -0700", request, code, bytes]',
     [1]),
    ("[ip, user, username, timestamp, request, status_code, bytes, extra]", []),
], ids=lambda value: str(value))
def test_guide_apache_examples(pattern: str, matching: list[int]) -> None:
    """User guide: the space-delimited examples over its three Apache lines."""
    compiled = cwpattern.compile(pattern)
    assert [i for i, event in enumerate(APACHE) if compiled.matches(event)] == matching


def test_brackets_and_quotes_group_one_field() -> None:
    """§6.2: seven fields; `$4` and `$5` lose their delimiters."""
    values = cwpattern.compile("[]").extract(APACHE[0])
    assert values == {
        "$1": "127.0.0.1", "$2": "-", "$3": "frank",
        "$4": "10/Oct/2000:13:25:15 -0700", "$5": "GET /apache_pb.gif HTTP/1.0",
        "$6": "200", "$7": "1534",
    }


@pytest.mark.parametrize(("pattern", "expected"), [
    ("[..., size]", {"$1": "127.0.0.1", "$2": "-", "$3": "frank",
                     "$4": "10/Oct/2000:13:25:15 -0700", "$5": "GET /apache_pb.gif HTTP/1.0",
                     "$6": "200", "$size": "1534"}),
    ("[..., status_code=200, size]", {"$1": "127.0.0.1", "$2": "-", "$3": "frank",
                                      "$4": "10/Oct/2000:13:25:15 -0700",
                                      "$5": "GET /apache_pb.gif HTTP/1.0",
                                      "$status_code": "200", "$size": "1534"}),
], ids=["§6.5 API ref [..., size]", "§6.5 API ref [..., status_code=200, size]"])
def test_api_reference_extraction_examples(pattern: str, expected: dict[str, str]) -> None:
    assert cwpattern.compile(pattern).extract(APACHE[0]) == expected


def test_trailing_comma_adds_an_unnamed_field() -> None:
    """§0.6 / §6.5: the guide's `[..., request=*.html*, status_code=4*,]` extracts `$7`."""
    event = ('127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] '
             '"GET /products/index.html HTTP/1.0" 404 1534')
    assert cwpattern.compile("[..., request=*.html*, status_code=4*,]").extract(event) == {
        "$status_code": "404", "$request": "GET /products/index.html HTTP/1.0",
        "$7": "1534", "$4": "10/Oct/2000:13:25:15 -0700", "$3": "frank", "$2": "-",
        "$1": "127.0.0.1",
    }


@pytest.mark.parametrize(("pattern", "matching"), [
    pytest.param("[w1=ERROR, w2]", [0, 1], id="§0.7 / §6.3 blank trailing field absorbs the rest"),
    pytest.param("[w1=ERROR || w1=WARN, w2]", [0, 1, 2], id="guide OR in one slot"),
    pytest.param("[w1!=ERROR && w1!=WARN, w2]", [3], id="guide && of != in one slot"),
    pytest.param("[w1=ERROR]", [], id="§0.7 [w1=ERROR] alone does not work"),
    pytest.param("[ERROR]", [0, 1, 2, 3], id="§0.8 unquoted [ERROR] matches every event"),
    pytest.param("[a, b, c, d]", [], id="§6.3 fewer fields than slots: no match"),
], )
def test_word_examples(pattern: str, matching: list[int]) -> None:
    compiled = cwpattern.compile(pattern)
    assert [i for i, event in enumerate(WORDS) if compiled.matches(event)] == matching


def test_absorbed_last_field_is_the_raw_rest_of_the_line() -> None:
    """§6.3 / §10.1: the last slot takes the rest, quotes kept, outer whitespace trimmed."""
    assert cwpattern.compile("[w1, w2]").extract('ERROR  "a b"  c  ') == {
        "$w1": "ERROR", "$w2": '"a b"  c'}


def test_lambda_style_pattern() -> None:
    """§6.3: `[timestamp=*Z, request_id="*-*", event]` on a multi-word Lambda line."""
    line = "2024-01-01T00:00:00.000Z\t6b4e-11ee\tTask timed out after 3.00 seconds"
    values = cwpattern.compile('[timestamp=*Z, request_id="*-*", event]').extract(line)
    assert values == {"$timestamp": "2024-01-01T00:00:00.000Z", "$request_id": "6b4e-11ee",
                      "$event": "Task timed out after 3.00 seconds"}


@pytest.mark.parametrize(("field", "pattern", "expected"), [
    ("1534", "[x > 1000]", True),
    ("1,534", "[x > 1000]", False),
    ("1534ms", "[x > 1000]", False),
    ("-", "[x > 1000]", False),
    ("1e3", "[x >= 1000]", True),
    ("-", "[x != 200]", True),
    ("404", "[x = 404]", True),
    ("404.0", "[x = 404]", True),
    ("0404", "[x != 404]", False),
], ids=lambda value: repr(value))
def test_numeric_conditions(field: str, pattern: str, expected: bool) -> None:
    """§6.4 / §10.15: numbers are whole number literals; other fields fail ordering."""
    assert cwpattern.compile(pattern).matches(field) is expected


def test_tabs_separate_fields() -> None:
    """§6.2: tabs separate fields as the Lambda REPORT patterns rely on."""
    values = cwpattern.compile("[a, b, c]").extract("x\ty\tz")
    assert values == {"$a": "x", "$b": "y", "$c": "z"}


def test_unclosed_quote_runs_to_the_end() -> None:
    assert cwpattern.compile("[a, b]").extract('x "y z') == {"$a": "x", "$b": "y z"}


def test_leading_empty_slots_are_positional() -> None:
    assert cwpattern.compile("[, , x]").extract("a b c") == {"$1": "a", "$2": "b", "$x": "c"}

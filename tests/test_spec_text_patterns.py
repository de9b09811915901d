"""Unstructured text patterns: every example of filter-syntax spec §0, §3 and the AWS
user guide pages it cites.  Each case's id names its source."""

from __future__ import annotations

import pytest

import cwpattern

OR_EVENTS = ["ERROR WARN message", "ERROR message", "WARN message"]  # archived user guide

CASES = [
    # id, pattern, message, matches?
    ("§0.1 substring: ERROR in ERRORCODE", "ERROR", "Exiting with ERRORCODE: -1", True),
    ("§0.1 substring: Exception", "Exception", "InvalidQueryException", True),
    ("§0.1 substring: quoted admin in fsxadmin", '"admin"', "user fsxadmin logged in", True),
    ("§3.2 case-sensitive", "ERROR", "error: lower case", False),
    ("guide ex.1 [ERROR] line", "ERROR", "[ERROR] A fatal exception has occurred", True),
    ("guide ex.1 ERRORCODE line", "ERROR", "Exiting with ERRORCODE: -1", True),
    ("guide ex.2 detached exclusion drops Exiting", '"ERROR" - "Exiting"',
     "Exiting with ERRORCODE: -1", False),
    ("guide ex.2 detached exclusion keeps others", '"ERROR" - "Exiting"',
     "[ERROR] A fatal exception has occurred", True),
    ("guide ex.3 two terms, any order", "ERROR Exception",
     "[ERROR] Caught IllegalArgumentException", True),
    ("guide ex.3 two terms", "ERROR Exception", "[ERROR] Unhandled Exception", True),
    ("PR#31 quoted terms", '"ERROR" "Exception"', "[ERROR] Unhandled Exception", True),
    ("guide ex.3 all words", "Failed to process the request",
     "[WARN] Failed to process the request", True),
    ("guide ex.3 phrase", '"Failed to process the request"',
     "[ERROR] Unable to continue: Failed to process the request", True),
    ("§3.1 phrase is one term", '"INTERNAL SERVER ERROR"', "INTERNAL ERROR SERVER", False),
    ("§0.2 mixed ? terms are dropped: REQUEST decides", "?ERROR ?ARGUMENTS REQUEST",
     "ERROR ARGUMENTS", False),
    ("§0.2 mixed ? terms are dropped: REQUEST alone matches", "?ERROR ?ARGUMENTS REQUEST",
     "REQUEST", True),
    ("§0.2 user report: unrelated line matches -Pending alone",
     '?"DELETE" ?"delete" ?"remove" -"Pending"', "GET /health 200", True),
    ("§0.2 user report: exclusion still applies",
     '?"DELETE" ?"delete" ?"remove" -"Pending"', "DELETE job Pending", False),
    ("§3.2 pure exclusion (Lightsail -ERROR) keeps clean lines", "-ERROR", "all good", True),
    ("§3.2 pure exclusion drops ERROR lines", "-ERROR", "ERROR happened", False),
    ("§3.1 ? on phrases", '?"clean up" ?"tear down"', "we tear down the stack", True),
    ("§3.1 - on phrases", 'stack -"clean up"', "stack clean up", False),
    ("§3.1 Token= accepted unquoted (LocalStack AWS-validated SNS test)", "Token=",
     "Action=Confirm&Token=2336412f37", True),
    ("§3.3 empty pattern matches everything", "", "anything at all", True),
    ("§3.3 whitespace-only pattern matches everything", "   ", "x", True),
    ('§3.3 "" (empty phrase) matches everything', '""', "x", True),
    ('§3.3 / §10.3 " " is the phrase " ": one-word event', '" "', "oneword", False),
    ('§3.3 / §10.3 " " is the phrase " ": event with a space', '" "', "two words", True),
    ("§3.1 / §10.5 escaped quote in a phrase", '"say \\"hi\\""', 'they say "hi"', True),
    ("§3.1 hyphen inside a word is literal (awslogs#381)", "ORDER-ITEM-1",
     "shipped ORDER-ITEM-1 today", True),
    ("§0.8 quoted [ERROR] is a term", '"[ERROR]"', "[ERROR] boom", True),
    ("§0.8 quoted [ERROR] is a term: no match", '"[ERROR]"', "ERROR boom", False),
    ("§10.19 non-ASCII term", "Größe", "die Größe ist 3", True),
]


@pytest.mark.parametrize(("pattern", "message", "expected"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_documented_text_example(pattern: str, message: str, expected: bool) -> None:
    assert cwpattern.compile(pattern).matches(message) is expected


@pytest.mark.parametrize(("pattern", "matching"), [
    ("ERROR", [0, 1]),
    ("?ERROR ?WARN", [0, 1, 2]),
    ("ERROR WARN", [0]),
    ("ERROR -WARN", [1]),
], ids=lambda value: str(value))
def test_or_pattern_matching_section(pattern: str, matching: list[int]) -> None:
    """Archived user guide, "OR Pattern Matching": which of the three lines match."""
    compiled = cwpattern.compile(pattern)
    assert [i for i, event in enumerate(OR_EVENTS) if compiled.matches(event)] == matching


def test_text_patterns_extract_empty_values() -> None:
    """§3.4: a matching text pattern reports ``extractedValues: {}``."""
    assert cwpattern.compile("ERROR").extract("ERROR here") == {}
    assert cwpattern.compile("ERROR").extract("fine") is None


def test_bytes_and_str_messages_agree() -> None:
    compiled = cwpattern.compile('"Größe" -Fehler')
    for message in ["Größe 3", "Größe Fehler", "nothing"]:
        assert compiled.matches(message.encode()) is compiled.matches(message)


def test_invalid_utf8_is_read_with_replacement() -> None:
    """§10.19: undecodable bytes become U+FFFD; the rest of the line still matches."""
    assert cwpattern.compile("ERROR").matches(b"\xff\xfe ERROR \xc3")
    assert cwpattern.compile('"\ufffd"').matches(b"bad \xff byte")

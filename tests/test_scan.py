"""Whole-buffer scanning finds exactly the lines a per-line loop would match."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cwpattern
from cwpattern.printer import to_text
from cwpattern.scan import anchors, candidate_lines, count_lines

from strategies import events_for, examples, json_patterns, space_patterns_ok, text_patterns

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')


def scan_matches(pattern: cwpattern.FilterPattern, buffer: bytes) -> list[int]:
    needles = anchors([pattern.compiled.requirements])
    if needles is None:
        lines = buffer.split(b"\n")[:count_lines(buffer)]
        return [i for i, line in enumerate(lines, 1) if pattern.matches(line)]
    return [number for number, start, end in candidate_lines(buffer, needles)
            if pattern.matches(buffer[start:end])]


@st.composite
def pattern_and_lines(draw):
    """A pattern and up to 12 lines, most built for it (so some match), as one buffer."""
    tree = draw(st.one_of(json_patterns, text_patterns, space_patterns_ok))
    lines = draw(st.lists(st.one_of(events_for(tree), st.text(max_size=20)), max_size=12))
    return tree, [line.replace("\n", " ") for line in lines]


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(pattern_and_lines())
def test_scanning_agrees_with_a_line_loop(case) -> None:
    tree, lines = case
    pattern = cwpattern.compile(to_text(tree))
    buffer = "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")
    expected = [i for i, line in enumerate(buffer.split(b"\n")[:-1], 1) if pattern.matches(line)]
    assert scan_matches(pattern, buffer) == expected


def test_escaped_lines_are_candidates() -> None:
    denial = {"eventName": "GetBucketAcl", "errorCode": "Access\u0044enied", "userIdentity": {
        "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::1:role/aws-service-role/x"}}}}
    lines = [json.dumps({"eventName": "ListBuckets"}),
             json.dumps(denial).replace("AccessDenied", "\\u0041ccessDenied"),
             json.dumps(denial)]
    buffer = "\n".join(lines).encode()
    assert scan_matches(cwpattern.compile(SEED), buffer) == [2, 3]


def test_line_numbers_and_counts() -> None:
    buffer = b"a\nxx ERROR\nb\nERROR\n"
    needles = anchors([cwpattern.compile("ERROR").compiled.requirements])
    assert [(n, buffer[s:e]) for n, s, e in candidate_lines(buffer, needles)] == [
        (2, b"xx ERROR"), (4, b"ERROR")]
    assert count_lines(buffer) == 4
    assert count_lines(b"a\nb") == 2
    assert count_lines(b"") == 0


def test_patterns_without_literals_scan_every_line() -> None:
    assert anchors([cwpattern.compile("{ $.a NOT EXISTS }").compiled.requirements]) is None

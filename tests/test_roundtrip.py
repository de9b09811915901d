"""The printer and parser are inverses: ``parse(to_text(tree)) == tree`` (sqlglot-style
round-trip tests), for generated trees of every syntax and for documented patterns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from cwpattern.parser import parse
from cwpattern.printer import to_text

from strategies import patterns

DOCUMENTED = [
    "ERROR",
    '"ERROR" - "Exiting"',
    "?ERROR ?WARN",
    '?"clean up" -"Pending" ok',
    "%^starting|^initializing|^shutting down%",
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL || $.x NOT EXISTS && $.ThisFlag IS TRUE }",
    '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) '
    "&& $.actions[2] = nomatch }",
    "{ $.['cluster.name'] = prod && $.detail-type = %Sched% }",
    "{ $.users[*].email = \"Jane*\" }",
    "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
    "[..., request=*.html*, status_code=4*,]",
    "[w1=ERROR || w1=%WARN%, w2]",
    "[]",
    "[, , x]",
]


@pytest.mark.parametrize("pattern", DOCUMENTED)
def test_documented_patterns_round_trip(pattern: str) -> None:
    tree = parse(pattern)
    assert parse(to_text(tree)) == tree


@pytest.mark.parametrize(("pattern", "normal"), [
    ("{$.user.id=1}", "{ $.user.id = 1 }"),
    ("{ ($.a = x) }", '{ $.a = "x" }'),
    ("{ $.a = 1 || $.b = 2 && $.c = 3 }", "{ $.a = 1 || $.b = 2 && $.c = 3 }"),
    ("{ ($.a = 1 || $.b = 2) && $.c = 3 }", "{ ($.a = 1 || $.b = 2) && $.c = 3 }"),
    ("{ $.['plain'] = 1 }", "{ $.plain = 1 }"),
    ('"ERROR"   Exception', "ERROR Exception"),
    ("[a,b , ...]", "[a, b, ...]"),
])
def test_normal_form(pattern: str, normal: str) -> None:
    assert to_text(parse(pattern)) == normal


@settings(max_examples=400, deadline=None)
@given(patterns)
def test_generated_trees_round_trip(tree) -> None:
    assert parse(to_text(tree)) == tree

"""The printer and parser are inverses: ``parse(to_text(tree)) == tree`` (sqlglot-style
round-trip tests), for generated trees of every syntax, for every other spelling of
them, and for documented patterns."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwpattern.parser import parse
from cwpattern.printer import to_text

from strategies import examples, patterns, spellings

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


@settings(max_examples=examples(400), deadline=None)
@given(patterns)
def test_generated_trees_round_trip(tree) -> None:
    text = to_text(tree)
    assert parse(text) == tree
    assert to_text(parse(text)) == text


@st.composite
def tree_and_spelling(draw):
    tree = draw(patterns)
    return tree, draw(spellings(tree))


@settings(max_examples=examples(400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(tree_and_spelling())
def test_every_spelling_parses_to_the_same_tree(case) -> None:
    """Quoting, barewords, bracket keys, ``[007]``, parentheses and whitespace are not
    part of the tree: each spelling the grammar allows parses to the same pattern."""
    tree, text = case
    assert parse(text) == tree

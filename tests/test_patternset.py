"""``PatternSet``: many patterns, one scan and at most one JSON parse per event."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cwpattern
import cwpattern.patternset as patternset_module
from cwpattern.printer import to_text

from strategies import examples, messages_for, patterns, references_for

CIS_LIKE = [
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
    '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "{ $.eventName = Get* && $.errorCode = AccessDenied }",
    "ERROR",
    "[a, b=x*]",
]


@st.composite
def patterns_message_and_references(draw):
    """1-5 patterns, an event built for one of them, and references for each."""
    trees = draw(st.lists(patterns, min_size=1, max_size=5))
    message = draw(messages_for(draw(st.sampled_from(trees))))
    return trees, message, [references_for(tree) for tree in trees]


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(patterns_message_and_references())
def test_set_agrees_with_each_pattern(case) -> None:
    trees, message, references = case
    compiled = [cwpattern.compile(to_text(tree)) for tree in trees]
    patterns_set = cwpattern.PatternSet(compiled)
    assert patterns_set.extract_all(message) == [p.extract(message) for p in compiled]
    assert patterns_set.extract_all(message, references) == [
        p.extract(message, wanted) for p, wanted in zip(compiled, references, strict=True)]
    assert patterns_set.matching(message) == [
        i for i, p in enumerate(compiled) if p.matches(message)]


def test_each_event_is_parsed_at_most_once(monkeypatch) -> None:
    calls = []
    real = patternset_module.json_object
    monkeypatch.setattr(patternset_module, "json_object", lambda m: calls.append(m) or real(m))
    patterns = cwpattern.PatternSet(CIS_LIKE)
    event = json.dumps({"eventName": "GetObject", "errorCode": "AccessDenied",
                        "userIdentity": {"type": "Root"}})
    assert patterns.matching(event) == [0, 1, 3]
    assert len(calls) == 1


def test_events_without_any_literal_are_not_parsed(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(patternset_module, "json_object", lambda m: calls.append(m))
    assert cwpattern.PatternSet(CIS_LIKE[:4]).matching('{"eventName": "ListBuckets"}') == []
    assert calls == []


def test_references_per_pattern() -> None:
    patterns = cwpattern.PatternSet(["{ $.a = * }", "[x, y]"])
    assert patterns.extract_all('{"a":5}', [["$.a"], ["$y"]]) == [{"$.a": "5"}, None]
    assert patterns.extract_all("p q", [["$.a"], ["$y"]]) == [None, {"$x": "p", "$y": "q"}]

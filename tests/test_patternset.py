"""``PatternSet``: many patterns, one scan and at most one JSON parse per event."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import cwpattern
import cwpattern.patternset as patternset_module
from cwpattern.printer import to_text

from strategies import json_documents, json_patterns, space_patterns_ok, text_patterns

CIS_LIKE = [
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
    '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "{ $.eventName = Get* && $.errorCode = AccessDenied }",
    "ERROR",
    "[a, b=x*]",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(json_patterns, text_patterns, space_patterns_ok), min_size=1,
                max_size=5),
       st.one_of(json_documents.map(json.dumps), st.text(max_size=30)), st.booleans())
def test_set_agrees_with_each_pattern(trees, message, as_bytes) -> None:
    patterns = [cwpattern.compile(to_text(tree)) for tree in trees]
    subject = message.encode() if as_bytes else message
    assert cwpattern.PatternSet(patterns).extract_all(subject) == [
        p.extract(subject) for p in patterns]


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

"""The ambiguity register: every switch is honoured, every decision is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

import cwpattern
from cwpattern import ambiguities

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cwpattern.purge()
    yield
    cwpattern.purge()


def test_space_extra_fields_modes(monkeypatch) -> None:
    assert cwpattern.matches("[w1=ERROR, w2]", "ERROR WARN message")
    monkeypatch.setattr(ambiguities, "SPACE_EXTRA_FIELDS", "strict")
    assert not cwpattern.compile("[w1=ERROR, w2]").matches("ERROR WARN message")
    monkeypatch.setattr(ambiguities, "SPACE_EXTRA_FIELDS", "ignore")
    assert cwpattern.compile("[w1=ERROR, w2]").extract("ERROR WARN message") == {
        "$w1": "ERROR", "$w2": "WARN"}


def test_mixed_optional_terms_modes(monkeypatch) -> None:
    assert cwpattern.matches("?ERROR REQUEST", "REQUEST only")
    monkeypatch.setattr(ambiguities, "MIXED_OPTIONAL_TERMS", "require-one")
    assert not cwpattern.compile("?ERROR REQUEST").matches("REQUEST only")
    assert cwpattern.compile("?ERROR REQUEST").matches("REQUEST ERROR")


def test_quoted_space_switch(monkeypatch) -> None:
    monkeypatch.setattr(ambiguities, "QUOTED_SPACE_MATCHES_ALL", True)
    assert cwpattern.compile('" "').matches("oneword")


def test_detached_prefix_switch(monkeypatch) -> None:
    monkeypatch.setattr(ambiguities, "DETACHED_PREFIX_ALLOWED", False)
    with pytest.raises(cwpattern.PatternError):
        cwpattern.compile('"ERROR" - "Exiting"')


def test_mid_string_star_switch(monkeypatch) -> None:
    monkeypatch.setattr(ambiguities, "MID_STRING_STAR_IS_WILDCARD", False)
    assert not cwpattern.compile('{ $.a = "Ev*ent" }').matches('{"a": "Event"}')
    assert cwpattern.compile('{ $.a = "Ev*ent" }').matches('{"a": "Ev*ent"}')


def test_type_coercion_switches(monkeypatch) -> None:
    monkeypatch.setattr(ambiguities, "NUMBER_MATCHES_NUMERIC_STRING", True)
    monkeypatch.setattr(ambiguities, "STAR_MATCHES_BOOLEAN_AND_NULL", True)
    assert cwpattern.compile("{ $.a = 200 }").matches('{"a": "200"}')
    assert cwpattern.compile("{ $.a = * }").matches('{"a": null}')


def test_event_number_base(monkeypatch) -> None:
    monkeypatch.setattr(ambiguities, "EVENT_NUMBER_BASE", 0)
    assert cwpattern.test_metric_filter("x", ["x"])["matches"][0]["eventNumber"] == 0


def test_bom_switch(monkeypatch) -> None:
    monkeypatch.setattr(ambiguities, "STRIP_JSON_BOM", True)
    assert cwpattern.compile("{ $.a = 1 }").matches('\ufeff{"a": 1}')
    assert cwpattern.compile("{ $.a = 1 }").matches(b'\xef\xbb\xbf{"a": 1}')


def test_every_decision_is_listed_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [d.key for d in ambiguities.REGISTER if f"`{d.key}`" not in text]
    assert missing == []

"""Compiled matchers agree with the reference interpreter; the prefilter never changes
an answer; hostile patterns stay data (issue 6)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cwpattern
from cwpattern import interpreter
from cwpattern.compiler import compile_tree
from cwpattern.nodes import JsonPattern, SpacePattern
from cwpattern.prefilter import requirements
from cwpattern.references import parse_reference

from strategies import (
    examples,
    json_documents_for,
    json_patterns,
    json_styles,
    pattern_and_message,
    references_for,
    render_json,
)

SETTINGS = settings(max_examples=examples(700), deadline=None,
                    suppress_health_check=list(HealthCheck))


@SETTINGS
@given(pattern_and_message())
def test_compiled_matcher_agrees_with_the_interpreter(case) -> None:
    """Match and extraction, with the references a metric filter would ask for."""
    tree, message = case
    compiled = compile_tree(tree)
    references = [parse_reference(text, _kind(tree)) for text in references_for(tree)]
    expected = interpreter.bind(tree, message, references)
    assert compiled.match(message) is (expected is not None)
    assert compiled.match_unfiltered(message) is (expected is not None)
    assert compiled.bind(message, ()) == interpreter.bind(tree, message)
    assert compiled.bind(message, references) == expected


@SETTINGS
@given(pattern_and_message())
def test_prefilter_never_rejects_a_match(case) -> None:
    tree, message = case
    if interpreter.matches(tree, message):
        assert requirements(tree).admits(message)
        assert requirements(tree).admits(message, memo={})


@st.composite
def json_pattern_and_escaped_text(draw):
    """A JSON event built for the pattern, every string escaped as \\u, \\/ or a mix."""
    tree = draw(json_patterns)
    document = draw(json_documents_for(tree))
    style = replace(draw(json_styles), escapes=draw(st.sampled_from(["unicode", "slashes",
                                                                      "mixed"])))
    return tree, render_json(document, style, draw(st.randoms(use_true_random=True)))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=list(HealthCheck))
@given(json_pattern_and_escaped_text(), st.booleans())
def test_prefilter_is_sound_when_escapes_hide_the_literals(case, as_bytes: bool) -> None:
    tree, text = case
    message = text.encode() if as_bytes else text
    if interpreter.matches(tree, message):
        assert requirements(tree).admits(message)
        assert compile_tree(tree).match(message)


def _kind(tree) -> str:
    return "json" if isinstance(tree, JsonPattern) else "space" \
        if isinstance(tree, SpacePattern) else "text"


def _escape_everything(document) -> str:
    """JSON with every character of every string written as a \\u escape."""
    text = json.dumps(document)
    decoded = json.loads(text)

    def encode(value) -> str:
        if isinstance(value, str):
            return '"' + "".join(f"\\u{ord(ch):04x}" for ch in value) + '"'
        if isinstance(value, dict):
            return "{" + ",".join(f"{encode(k)}:{encode(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ",".join(encode(v) for v in value) + "]"
        return json.dumps(value)

    return encode(decoded)


SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
DENIAL = {"eventName": "GetBucketAcl", "errorCode": "AccessDenied", "userIdentity": {
    "sessionContext": {"sessionIssuer": {
        "arn": "arn:aws:iam::111122223333:role/aws-service-role/x/AWSServiceRoleForX"}}}}


def test_prefilter_is_sound_for_escaped_json() -> None:
    """Issue 6: `\\u` escapes can hide every literal; such lines reach the full matcher."""
    escaped = _escape_everything(DENIAL)
    assert "AccessDenied" not in escaped
    compiled = cwpattern.compile(SEED)
    assert compiled.matches(escaped)
    assert compiled.matches(escaped.encode())
    slashes = json.dumps(DENIAL).replace("/", "\\/")
    assert compiled.matches(slashes)


def test_prefilter_rejects_without_parsing(monkeypatch) -> None:
    """Lines without the required literals never reach the JSON parser."""
    import cwpattern.compiler as compiler_module

    calls = []
    monkeypatch.setattr(compiler_module, "json_object", lambda m: calls.append(m))
    compiled = compile_tree(cwpattern.compile(SEED).tree)
    assert not compiled.match('{"eventName": "GetObject", "readOnly": true}')
    assert calls == []


@pytest.mark.parametrize("hostile", [
    '"; __import__("os").system("echo pwned") #',
    "'''\n__import__('os')\n'''",
    '\\" + __import__("os").getcwd() + \\"',
    "${{7*7}} {{7*7}} %(x)s {0}",
    "\n\r\t\x00",
    "lambda: 1",
])
def test_hostile_literals_are_only_data(hostile: str, capfd) -> None:
    """Issue 6: quotes, backslashes, newlines and code in a pattern never run."""
    escaped = hostile.replace("\\", "\\\\").replace('"', '\\"')
    for pattern in (f'"{escaped}"', f'{{ $.a = "{escaped}" }}', f'[a = "{escaped}", b]'):
        compiled = cwpattern.compile(pattern)
        assert compiled.matches(json.dumps({"a": hostile})) in (True, False)
        assert compiled.matches(f'"{hostile}" rest') in (True, False)
    assert "pwned" not in capfd.readouterr().out


def test_text_matching_on_bytes_and_text_agree_for_invalid_utf8() -> None:
    pattern = cwpattern.compile("%b.d%")
    assert pattern.matches(b"ab\xffd") is pattern.matches("ab\ufffdd") is True

"""``explain``: plain-words structure and the surprises of spec §0 that apply."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cwpattern.cli import main
from cwpattern.explanation import explain

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')


def codes(pattern: str) -> set[str]:
    return {surprise.code for surprise in explain(pattern).warnings}


@pytest.mark.parametrize(("pattern", "code"), [
    ("?ERROR ?ARGUMENTS REQUEST", "mixed-optional"),
    ("[ERROR]", "brackets-are-space-delimited"),
    ("[w1=ERROR]", "single-slot"),
    ("{ $.a != x }", "ne-missing"),
    ("%AUTHORIZED%", "unanchored-regex"),
    ("%gra|ey%", "regex-alternation"),
    ("ERROR", "substring"),
    ('{ $.foo = "%bar%" }', "quoted-regex"),
    ("{ $.code = 200 }", "number-vs-string"),
    ("{ $.x IS NULL }", "is-null"),
    (SEED, "mid-string-star"),
    ("[a, b > 5]", "field-numbers"),
], ids=lambda value: str(value))
def test_each_surprise_is_flagged(pattern: str, code: str) -> None:
    assert code in codes(pattern)


@pytest.mark.parametrize("pattern", ["?ERROR ?WARN", "[ip, user, ...]", '{ $.a = "x" }'])
def test_clean_patterns_have_no_warnings(pattern: str) -> None:
    assert [s for s in explain(pattern).warnings if s.severity == "warning"] == []


def test_structure_in_plain_words() -> None:
    explanation = explain(SEED)
    assert explanation.syntax == "JSON"
    assert explanation.structure == [
        "all of:",
        '  $.eventName is a string that starts with "Get"',
        '  $.errorCode is a string that equals "AccessDenied"',
        "  $.userIdentity.sessionContext.sessionIssuer.arn is a string that matches the "
        'wildcard "arn:aws:iam::*:role/aws-service-role/*"',
    ]
    assert explanation.normalized.startswith('{ $.eventName = "Get*" && ')


def test_cli_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["explain", "[w1=ERROR]"])
    assert text.exit_code == 0
    assert "warning [single-slot, spec §0.7]" in text.output
    as_json = json.loads(runner.invoke(main, ["explain", "--json", "?A ?B"]).output)
    assert as_json["syntax"] == "unstructured text (terms and phrases)"
    assert as_json["structure"] == ['contains at least one of "A", "B"']


def test_cli_invalid_pattern_exits_2() -> None:
    result = CliRunner().invoke(main, ["explain", "{ $.a = "])
    assert result.exit_code == 2
    assert "If a filter pattern starts with '{' it must end with '}'" in result.stderr

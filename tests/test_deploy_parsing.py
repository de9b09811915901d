"""The position-keeping JSON and YAML readers: same values as the stdlib, plus marks."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.documents import (
    MAX_DEPTH,
    MarkedDict,
    MarkedList,
    SyntaxProblem,
    load_json,
    load_yaml,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(json_values, st.sampled_from([None, 1, 2]))
def test_json_reader_agrees_with_json_loads(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert load_json(text) == json.loads(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_json_reader_never_fails_with_anything_but_a_syntax_problem(text: str) -> None:
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        expected = SyntaxProblem
    try:
        actual = load_json(text)
    except SyntaxProblem:
        actual = SyntaxProblem
    if expected is SyntaxProblem or actual is SyntaxProblem:
        # Python accepts NaN/Infinity, which are not JSON; we do not.
        assert actual is SyntaxProblem or "NaN" in text or "Infinity" in text
    else:
        assert actual == expected


def test_json_marks_are_one_based_line_and_column() -> None:
    document = load_json('{\n  "a": [1, {"b": 2}],\n  "c": null\n}')
    assert isinstance(document, MarkedDict)
    assert document.mark == (1, 1)
    assert document.key_marks == {"a": (2, 3), "c": (3, 3)}
    assert isinstance(document["a"], MarkedList)
    assert document["a"].item_marks == [(2, 9), (2, 12)]
    assert document["a"][1].mark == (2, 12)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{"a": 1,}', "Expecting property name enclosed in double quotes", 1, 9),
        ('{"a": 1, "a": 2}', "Duplicate key 'a'", 1, 10),
        ('{\n  "a" 1\n}', "Expecting ':' delimiter", 2, 7),
        ('{"a": NaN}', "Expecting value", 1, 7),
        ('{"a": "\\q"}', "Invalid \\escape", 1, 8),
        ("{} {}", "Extra data after the JSON document", 1, 4),
        ('{"r": {"values": NaN}}', "Expecting value (NaN is not JSON)", 1, 18),
        ('{"r": {"values": {"a" 1}}}', "Expecting ':' delimiter", 1, 23),
        ("[" * (MAX_DEPTH + 2), f"Nesting deeper than {MAX_DEPTH} levels", 1, MAX_DEPTH + 2),
    ],
)
def test_json_errors_carry_line_and_column(
    text: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(SyntaxProblem) as caught:
        load_json(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        message, line, column
    )


def test_terraform_attribute_blobs_are_decoded_without_marks() -> None:
    document = load_json('{"values": {"r": [{"attributes": {"a": [1]}, "k": {"b": 2}}]}}')
    resource = document["values"]["r"][0]
    assert isinstance(document["values"], MarkedDict)  # a top-level "values" keeps marks
    assert isinstance(resource, MarkedDict) and isinstance(resource["k"], MarkedDict)
    assert type(resource["attributes"]) is dict
    assert resource == {"attributes": {"a": [1]}, "k": {"b": 2}}


def test_yaml_short_form_tags_become_long_form() -> None:
    text = (
        "A: !Ref Topic\n"
        "B: !GetAtt Topic.TopicArn\n"
        "C: !Sub ['${x}', {x: !Ref AWS::Region}]\n"
        "D: !If [Cond, !Join ['', [a, b]], !Ref AWS::NoValue]\n"
        "E: !Condition IsProd\n"
        "F: !Select [0, !Split [',', !ImportValue shared]]\n"
        "G: !GetAZs ''\n"
        "H: !And [!Equals [a, b], !Or [!Not [!Condition X], !Condition Y]]\n"
        "I: !FindInMap [M, K, V]\n"
        "J: !Base64 text\n"
        "K: 2010-09-09\n"
    )
    assert load_yaml(text) == {
        "A": {"Ref": "Topic"},
        "B": {"Fn::GetAtt": ["Topic", "TopicArn"]},
        "C": {"Fn::Sub": ["${x}", {"x": {"Ref": "AWS::Region"}}]},
        "D": {"Fn::If": ["Cond", {"Fn::Join": ["", ["a", "b"]]}, {"Ref": "AWS::NoValue"}]},
        "E": {"Condition": "IsProd"},
        "F": {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::ImportValue": "shared"}]}]},
        "G": {"Fn::GetAZs": ""},
        "H": {"Fn::And": [{"Fn::Equals": ["a", "b"]},
                          {"Fn::Or": [{"Fn::Not": [{"Condition": "X"}]}, {"Condition": "Y"}]}]},
        "I": {"Fn::FindInMap": ["M", "K", "V"]},
        "J": {"Fn::Base64": "text"},
        "K": "2010-09-09",
    }


def test_yaml_tag_marks_point_at_the_tag() -> None:
    document = load_yaml("Resources:\n  X:\n    Value: !Ref Param\n")
    assert document["Resources"]["X"]["Value"].mark == (3, 12)
    assert document["Resources"]["X"].key_marks["Value"] == (3, 5)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a: &x 1\nb: *x\n", "YAML aliases (*name) are not supported by CloudFormation", 2, 4),
        ("a: !Foo 1\n", "unknown tag '!Foo'", 1, 4),
        ("a: 1\na: 2\n", "duplicate key 'a'", 2, 1),
        ("a: !!python/object/apply:os.system [echo]\n",
         "unknown tag 'tag:yaml.org,2002:python/object/apply:os.system'", 1, 4),
        ("a: 'unterminated\n", "while scanning a quoted scalar (started at 1:4): "
         "found unexpected end of stream", 2, 1),
        ("a:\n  - b\n c: d\n", "while parsing a block mapping (started at 1:1): "
         "expected <block end>, but found '<block mapping start>'", 3, 2),
        ("[" * (MAX_DEPTH + 2), f"nesting deeper than {MAX_DEPTH} levels", 1, MAX_DEPTH + 1),
    ],
)
def test_yaml_errors_carry_line_and_column(
    text: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(SyntaxProblem) as caught:
        load_yaml(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        message, line, column
    )

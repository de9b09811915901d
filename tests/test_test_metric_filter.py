"""TestMetricFilter's response shape (filter-syntax spec §7.3) and field references."""

from __future__ import annotations

import pytest

import cwpattern


def test_cli_documentation_example() -> None:
    """§7.3: pattern ERROR over two ERROR lines and one INFO line numbers them 1 and 2."""
    messages = ["[ERROR] one", "[ERROR] two", "[INFO] three"]
    assert cwpattern.test_metric_filter("ERROR", messages) == {"matches": [
        {"eventNumber": 1, "eventMessage": "[ERROR] one", "extractedValues": {}},
        {"eventNumber": 2, "eventMessage": "[ERROR] two", "extractedValues": {}},
    ]}


def test_json_patterns_report_empty_extracted_values() -> None:
    """§5.4: extractedValues is {} for JSON patterns."""
    response = cwpattern.test_metric_filter("{ $.a = 1 }", ['{"a": 2}', '{"a": 1}'])
    assert response == {"matches": [
        {"eventNumber": 2, "eventMessage": '{"a": 1}', "extractedValues": {}}]}


def test_space_patterns_report_fields() -> None:
    response = cwpattern.test_metric_filter("[level=ERROR, msg]", ["ERROR disk full", "INFO ok"])
    assert response["matches"] == [{"eventNumber": 1, "eventMessage": "ERROR disk full",
                                    "extractedValues": {"$level": "ERROR", "$msg": "disk full"}}]


def test_invalid_pattern_raises() -> None:
    with pytest.raises(cwpattern.PatternError):
        cwpattern.test_metric_filter("{ $.a = ", ["x"])


@pytest.mark.parametrize(("pattern", "reference", "event", "value"), [
    ("{ $.latency = * }", "$.latency", '{"latency": 50}', "50"),
    ("{ $.a = * }", "$.b.c", '{"a": "x", "b": {"c": 2.5}}', "2.5"),
    ("{ $.a = * }", "$.flag", '{"a": "x", "flag": true}', "true"),
    ("{ $.a = * }", "$.list[1]", '{"a": "x", "list": [1, "two"]}', "two"),
    ("{ $.a = * }", "$.['k.k']", '{"a": "x", "k.k": "dotted"}', "dotted"),
    ("[ip, user, ..., size]", "$size", "1.2.3.4 - frank GET 200 1534", "1534"),
    ("[ip, user, ..., size]", "$2", "1.2.3.4 - frank GET 200 1534", "-"),
    ("[ip, user, username, timestamp, request, status, bytes]", "$7",
     "1.2.3.4 - f [t] \"GET /\" 200 1534", "1534"),
])
def test_references_resolve_on_matching_events(pattern, reference, event, value) -> None:
    """§7.1 / §7.2: metric values and dimensions name event fields."""
    assert cwpattern.compile(pattern).extract(event, [reference])[reference] == value


@pytest.mark.parametrize(("pattern", "reference", "event"), [
    ("{ $.a = * }", "$.missing", '{"a": "x"}'),
    ("{ $.a = * }", "$.obj", '{"a": "x", "obj": {"k": 1}}'),
    ("{ $.a = * }", "$.arr", '{"a": "x", "arr": [1]}'),
    ("{ $.a = * }", "$.nothing", '{"a": "x", "nothing": null}'),
    ("[a, b]", "$c", "x y"),
])
def test_references_without_a_scalar_value_are_absent(pattern, reference, event) -> None:
    """§10.16: only scalar values are reported; the simulator counts the rest."""
    assert reference not in cwpattern.compile(pattern).extract(event, [reference])


def test_references_are_only_reported_for_matches() -> None:
    assert cwpattern.compile("{ $.a = 1 }").extract('{"a": 2, "b": 3}', ["$.b"]) is None


@pytest.mark.parametrize(("pattern", "reference"), [
    ("{ $.a = 1 }", "$.a[*]"),
    ("{ $.a = 1 }", "a.b"),
    ("{ $.a = 1 }", '$."a"'),
    ("[a, b]", "$.a"),
    ("[a, b]", "size"),
    ("ERROR", "$.a"),
])
def test_bad_references_are_rejected(pattern: str, reference: str) -> None:
    with pytest.raises(cwpattern.PatternError):
        cwpattern.compile(pattern).check_reference(reference)


def test_text_patterns_cannot_name_fields() -> None:
    """§7.1: only JSON and space-delimited patterns can supply field values."""
    with pytest.raises(cwpattern.PatternError) as raised:
        cwpattern.compile("ERROR").check_reference("$size")
    assert raised.value.message == "The specified filter pattern does not support dimensions"

"""MetricFilter.from_aws: PutMetricFilter's parameters, validated with AWS's rules and texts."""

from __future__ import annotations

import copy

import pytest

from simulator.filters.metric_filter import (
    DIMENSIONS_AND_DEFAULT,
    DIMENSIONS_NOT_SUPPORTED,
    INVALID_METRIC_VALUE,
    STANDARD_UNITS,
    MetricFilter,
    MetricFilterError,
    MetricTransformation,
    parse_metric_number,
)
from simulator.metrics import MetricKey

SEED_PATTERN = (
    "{ $.eventName = Get* && $.errorCode = AccessDenied && "
    '$.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::*:role/aws-service-role/*" }'
)


def definition(**transformation: object) -> dict[str, object]:
    base: dict[str, object] = {
        "metricName": "Denied",
        "metricNamespace": "Security",
        "metricValue": "1",
    }
    base.update(transformation)
    return {
        "filterName": "slr-denied",
        "filterPattern": SEED_PATTERN,
        "metricTransformations": [base],
    }


def with_pattern(pattern: str, **transformation: object) -> dict[str, object]:
    params = definition(**transformation)
    params["filterPattern"] = pattern
    return params


def error_of(params: object) -> MetricFilterError:
    with pytest.raises(MetricFilterError) as raised:
        MetricFilter.from_aws(params)  # type: ignore[arg-type]
    return raised.value


# --- accepted definitions ------------------------------------------------------------


def test_seed_filter():
    metric_filter = MetricFilter.from_aws(definition(defaultValue=0))
    assert metric_filter.filter_name == "slr-denied"
    assert metric_filter.pattern.kind == "json"
    assert metric_filter.transformation == MetricTransformation(
        "Denied", "Security", "1", default_value=0.0, dimensions=(), unit="None"
    )
    assert metric_filter.transformation.literal_value == 1.0
    assert metric_filter.references == ()
    assert metric_filter.base_key() == MetricKey("Security", "Denied", (), "None")


@pytest.mark.parametrize(
    ("pattern", "value", "dimensions"),
    [
        # filter-syntax §7.2: { $.latency = * } with metricValue $.latency
        ("{ $.latency = * }", "$.latency", {}),
        # §7.2: [ip, id, user, timestamp, request, status_code, size] with $size
        ("[ip, id, user, timestamp, request, status_code, size]", "$size", {}),
        # §7.2: the 2020 page's seventh token, $7
        ("[ip, id, user, timestamp, request, status_code, size]", "$7", {}),
        # §7.1: dimensions are field references ($server, $.eventType)
        ("[server, status, bytes]", "$bytes", {"Server": "$server"}),
        ("{ $.eventType = * }", "1", {"EventType": "$.eventType", "Region": "$.awsRegion"}),
        # §7.1: a number: "1", "0"
        ("ERROR", "0", {}),
        ("", "2.5", {}),
    ],
)
def test_accepted_value_and_dimension_forms(pattern, value, dimensions):
    metric_filter = MetricFilter.from_aws(
        with_pattern(
            pattern, metricValue=value, **({"dimensions": dimensions} if dimensions else {})
        )
    )
    assert metric_filter.transformation.metric_value == value
    assert metric_filter.transformation.dimensions == tuple(dimensions.items())


@pytest.mark.parametrize("unit", STANDARD_UNITS)
def test_every_standard_unit_is_accepted(unit):
    assert MetricFilter.from_aws(definition(unit=unit)).transformation.unit == unit


def test_numbers_given_as_json_numbers_are_accepted():
    metric_filter = MetricFilter.from_aws(definition(metricValue=1, defaultValue=0))
    assert metric_filter.transformation.metric_value == "1"
    assert metric_filter.transformation.default_value == 0.0


def test_three_dimensions_and_a_log_group_are_accepted():
    params = with_pattern("{ $.a = * }", dimensions={"A": "$.a", "B": "$.b", "C": "$.c"})
    params["logGroupName"] = "/aws/cloudtrail/org-trail"
    metric_filter = MetricFilter.from_aws(params)
    assert len(metric_filter.transformation.dimensions) == 3
    assert metric_filter.log_group_name == "/aws/cloudtrail/org-trail"


# --- every validation error ----------------------------------------------------------

CLIENT_SIDE = {
    "missing filterName (botocore)": (
        {k: v for k, v in definition().items() if k != "filterName"},
        'Missing required parameter in input: "filterName"',
        "filterName",
    ),
    "unknown parameter (botocore)": (
        {**definition(), "filtername": "x"},
        'Unknown parameter in input: "filtername", must be one of: logGroupName, filterName, '
        "filterPattern, metricTransformations, applyOnTransformedLogs, fieldSelectionCriteria, "
        "emitSystemFieldDimensions",
        "input",
    ),
    "empty filterName (botocore min length)": (
        {**definition(), "filterName": ""},
        "Invalid length for parameter filterName, value: 0, valid min length: 1",
        "filterName",
    ),
    "no transformation (botocore min length)": (
        {**definition(), "metricTransformations": []},
        "Invalid length for parameter metricTransformations, value: 0, valid min length: 1",
        "metricTransformations",
    ),
    "missing metricValue (botocore)": (
        {**definition(), "metricTransformations": [{"metricName": "m", "metricNamespace": "n"}]},
        'Missing required parameter in metricTransformations[0]: "metricValue"',
        "metricTransformations[0].metricValue",
    ),
    "defaultValue as a string (botocore type)": (
        definition(defaultValue="0"),
        "Invalid type for parameter metricTransformations[0].defaultValue, value: 0, "
        "type: <class 'str'>, valid types: <class 'float'>, <class 'decimal.Decimal'>, "
        "<class 'int'>",
        "metricTransformations[0].defaultValue",
    ),
    "metricTransformations not a list (botocore type)": (
        {**definition(), "metricTransformations": {"metricName": "m"}},
        "Invalid type for parameter metricTransformations, value: {'metricName': 'm'}, "
        "type: <class 'dict'>, valid types: <class 'list'>, <class 'tuple'>",
        "metricTransformations",
    ),
}


@pytest.mark.parametrize("case", CLIENT_SIDE, ids=list(CLIENT_SIDE))
def test_client_side_errors_use_botocore_words(case):
    params, line, field = CLIENT_SIDE[case]
    error = error_of(params)
    assert error.message == f"Parameter validation failed:\n{line}"
    assert error.field == field


def test_client_side_errors_are_reported_together():
    params = {"filterPattern": 7, "metricTransformations": [{"metricName": "m"}]}
    assert error_of(params).message.splitlines() == [
        "Parameter validation failed:",
        'Missing required parameter in input: "filterName"',
        "Invalid type for parameter filterPattern, value: 7, type: <class 'int'>, "
        "valid types: <class 'str'>",
        'Missing required parameter in metricTransformations[0]: "metricNamespace"',
        'Missing required parameter in metricTransformations[0]: "metricValue"',
    ]


def test_not_a_mapping():
    assert error_of(["x"]).message == (
        "Parameter validation failed:\nInvalid type for parameter input, value: ['x'], "
        "type: <class 'list'>, valid types: <class 'dict'>"
    )


MODEL = {
    # filter-syntax §7.1: exactly one transformation
    "two transformations": (
        {**definition(), "metricTransformations": definition()["metricTransformations"] * 2},
        "Value at 'metricTransformations' failed to satisfy constraint: "
        "Member must have length less than or equal to 1",
        "metricTransformations",
    ),
    # §7.1: filterName 1-512 characters, no ':' or '*'
    "filterName with a colon": (
        {**definition(), "filterName": "a:b"},
        "Value 'a:b' at 'filterName' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [^:*]*",
        "filterName",
    ),
    "filterName with a star": (
        {**definition(), "filterName": "a*"},
        "Value 'a*' at 'filterName' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [^:*]*",
        "filterName",
    ),
    "filterName longer than 512": (
        {**definition(), "filterName": "f" * 513},
        f"Value '{'f' * 513}' at 'filterName' failed to satisfy constraint: Member must have "
        "length less than or equal to 512",
        "filterName",
    ),
    # §9: > 1024 characters
    "filterPattern longer than 1024": (
        {**definition(), "filterPattern": "x" * 1025},
        f"Value '{'x' * 1025}' at 'filterPattern' failed to satisfy constraint: Member must "
        "have length less than or equal to 1024",
        "filterPattern",
    ),
    # §7.1: metricName / metricNamespace <= 255, no ':' '*' '$'
    "metricName with a dollar": (
        definition(metricName="cost$"),
        "Value 'cost$' at 'metricTransformations.1.member.metricName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [^:*$]*",
        "metricTransformations[0].metricName",
    ),
    "metricNamespace with a colon": (
        definition(metricNamespace="a:b"),
        "Value 'a:b' at 'metricTransformations.1.member.metricNamespace' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [^:*$]*",
        "metricTransformations[0].metricNamespace",
    ),
    "metricName longer than 255": (
        definition(metricName="m" * 256),
        f"Value '{'m' * 256}' at 'metricTransformations.1.member.metricName' failed to satisfy "
        "constraint: Member must have length less than or equal to 255",
        "metricTransformations[0].metricName",
    ),
    # §7.1: metricValue <= 100 characters
    "metricValue longer than 100": (
        with_pattern("{ $.a = * }", metricValue="$." + "a" * 99),
        f"Value '$.{'a' * 99}' at 'metricTransformations.1.member.metricValue' failed to "
        "satisfy constraint: Member must have length less than or equal to 100",
        "metricTransformations[0].metricValue",
    ),
    # §7.1: the unit enum
    "unknown unit": (
        definition(unit="Requests"),
        "Value 'Requests' at 'metricTransformations.1.member.unit' failed to satisfy "
        "constraint: Member must satisfy enum value set: [" + ", ".join(STANDARD_UNITS) + "]",
        "metricTransformations[0].unit",
    ),
    # §7.1: at most 3 dimensions
    "four dimensions": (
        with_pattern("{ $.a = * }", dimensions={k: f"$.{k}" for k in "abcd"}),
        "Value at 'metricTransformations.1.member.dimensions' failed to satisfy constraint: "
        "Member must have length less than or equal to 3",
        "metricTransformations[0].dimensions",
    ),
}


@pytest.mark.parametrize("case", MODEL, ids=list(MODEL))
def test_model_constraints_use_aws_validation_words(case):
    params, violation, field = MODEL[case]
    error = error_of(params)
    assert error.message == f"1 validation error detected: {violation}"
    assert error.field == field
    assert str(error).startswith(f"metric filter {params['filterName']!r}: {field}: ")


def test_model_constraint_violations_are_counted_together():
    params = definition(metricName="a*", unit="Requests")
    params["filterName"] = "x:y"
    message = error_of(params).message
    assert message.startswith("3 validation errors detected: Value 'x:y' at 'filterName' ")
    assert message.count("; Value ") == 2


SEMANTIC = {
    # filter-syntax §9 / §7.1: dimensions need a JSON or space-delimited pattern
    "dimensions with a text pattern": (
        with_pattern("ERROR", dimensions={"Host": "$host"}),
        DIMENSIONS_NOT_SUPPORTED,
        "metricTransformations[0].dimensions",
    ),
    "dimensions with a regex pattern": (
        with_pattern("%ERROR [0-9]+%", dimensions={"Host": "$host"}),
        DIMENSIONS_NOT_SUPPORTED,
        "metricTransformations[0].dimensions",
    ),
    # §9 / §7.1: dimensions and defaultValue are mutually exclusive
    "dimensions and a default value": (
        with_pattern("{ $.a = * }", dimensions={"A": "$.a"}, defaultValue=0),
        DIMENSIONS_AND_DEFAULT,
        "metricTransformations[0].dimensions",
    ),
    # §7.1: a bare word without $ is rejected at deploy time (cfn-lint#1525)
    "bare-word metric value": (
        with_pattern("[date, time, length]", metricValue="length"),
        INVALID_METRIC_VALUE,
        "metricTransformations[0].metricValue",
    ),
    "field reference with a text pattern": (
        with_pattern("ERROR", metricValue="$.latency"),
        INVALID_METRIC_VALUE,
        "metricTransformations[0].metricValue",
    ),
    "JSON reference with a space-delimited pattern": (
        with_pattern("[a, b]", metricValue="$.b"),
        "Invalid metric filter pattern",
        "metricTransformations[0].metricValue",
    ),
    "wildcard in a metric value selector": (
        with_pattern("{ $.a = * }", metricValue="$.a[*]"),
        "Invalid metric filter pattern",
        "metricTransformations[0].metricValue",
    ),
    "dimension that is not a reference": (
        with_pattern("{ $.a = * }", dimensions={"Env": "prod"}),
        "Invalid metric filter pattern",
        "metricTransformations[0].dimensions.Env",
    ),
    "metric value beyond CloudWatch's range": (
        definition(metricValue="1e400"),
        INVALID_METRIC_VALUE,
        "metricTransformations[0].metricValue",
    ),
    # §9: the pattern's own syntax errors keep AWS's text
    "unterminated JSON pattern": (
        with_pattern("{ $.eventName = GetBucketAcl "),
        "If a filter pattern starts with '{' it must end with '}'",
        "filterPattern",
    ),
    "invalid character in a term": (
        with_pattern("ERROR: disk"),
        "Invalid character(s) in term ':'",
        "filterPattern",
    ),
}


@pytest.mark.parametrize("case", SEMANTIC, ids=list(SEMANTIC))
def test_metric_filter_rules(case):
    params, message, field = SEMANTIC[case]
    error = error_of(params)
    assert (error.message, error.field, error.filter_name) == (message, field, "slr-denied")


def test_pattern_errors_point_at_the_problem():
    error = error_of(with_pattern("{ $.eventName = GetBucketAcl "))
    assert error.hint is not None and error.hint.splitlines()[-1].endswith("^")


def test_from_aws_does_not_mutate_its_input():
    params = definition(dimensions=None)
    before = copy.deepcopy(params)
    MetricFilter.from_aws(params)
    assert params == before


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("50", 50.0),
        ("-1.5", -1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("1534", 1534.0),
        ("1,534", None),
        ("12ms", None),
        ("true", None),
        ("NaN", None),
        ("inf", None),
        (" 12", None),
        ("", None),
        ("1e400", None),
    ],
)
def test_extracted_values_that_make_a_sample(text, value):
    assert parse_metric_number(text) == value

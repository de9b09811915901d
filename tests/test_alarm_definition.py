"""PutMetricAlarm validation (alarm-semantics §5, §14): AWS's messages, alarm and field named."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.statistics import parse_statistic
from simulator.alarms.validation import AlarmDefinitionError
from tests._alarm_helpers import alarm, definition

SNS = "arn:aws:sns:us-east-1:123456789012:alerts"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"Period": 45},
            "Period",
            "Period must be 10, 20, 30 or a multiple of 60",
            id="§5 Period 45",
        ),
        pytest.param(
            {"Period": 0},
            "Period",
            "Member must have value greater than or equal to 1",
            id="§5 Period 0",
        ),
        pytest.param(
            {"Period": 300, "EvaluationPeriods": 289},
            "EvaluationPeriods",
            "EvaluationPeriods * Period must be <= 86400",
            id="§14 P*N > 1 day",
        ),
        pytest.param(
            {"Period": 3600, "EvaluationPeriods": 169},
            "EvaluationPeriods",
            "EvaluationPeriods * Period must be <= 604800",
            id="§14 P*N > 7 days",
        ),
        pytest.param(
            {"EvaluationPeriods": 2, "DatapointsToAlarm": 3},
            "DatapointsToAlarm",
            "DatapointsToAlarm must be less than or equal to EvaluationPeriods",
            id="§5 A19 M > N",
        ),
        pytest.param(
            {"EvaluationPeriods": 0},
            "EvaluationPeriods",
            "greater than or equal to 1",
            id="§5 N = 0",
        ),
        pytest.param(
            {"ExtendedStatistic": "p99"},
            "Statistic",
            "Exactly one of Statistic or ExtendedStatistic",
            id="§5 both statistics",
        ),
        pytest.param(
            {"Statistic": None},
            "Statistic",
            "Exactly one of Statistic or ExtendedStatistic",
            id="§5 no statistic",
        ),
        pytest.param(
            {"Statistic": "p99"},
            "Statistic",
            "Member must satisfy enum value set",
            id="§5 percentile in Statistic",
        ),
        pytest.param(
            {"Statistic": None, "ExtendedStatistic": "p101"},
            "ExtendedStatistic",
            "0 to 100",
            id="§4.2 p101",
        ),
        pytest.param(
            {"Statistic": None, "ExtendedStatistic": "Sum"},
            "ExtendedStatistic",
            "use Statistic",
            id="§5 simple name as ExtendedStatistic",
        ),
        pytest.param(
            {"ComparisonOperator": "GreaterThan"},
            "ComparisonOperator",
            "Member must satisfy enum value set",
            id="§5 operator enum",
        ),
        pytest.param(
            {"TreatMissingData": "Missing"},
            "TreatMissingData",
            "Member must satisfy enum value set",
            id="§5 TMD enum",
        ),
        pytest.param(
            {"EvaluateLowSampleCountPercentile": "skip"},
            "EvaluateLowSampleCountPercentile",
            "enum value set",
            id="§5 low sample enum",
        ),
        pytest.param({"Unit": "Counts"}, "Unit", "enum value set", id="§5 Unit enum"),
        pytest.param(
            {"AlarmActions": [SNS] * 6},
            "AlarmActions",
            "Member must have length less than or equal to 5",
            id="§14 six actions",
        ),
        pytest.param(
            {"OKActions": ["sns-topic"]},
            "OKActions",
            "Invalid arn syntax",
            id="§10 action not an ARN",
        ),
        pytest.param(
            {"OKActions": ["arn:aws:ssm:us-east-1:123456789012:opsitem:3"]},
            "OKActions",
            "only valid in AlarmActions",
            id="§10 OpsItem on OK",
        ),
        pytest.param(
            {"AlarmName": ""}, "AlarmName", "length greater than or equal to 1", id="§14 empty name"
        ),
        pytest.param(
            {"AlarmName": "a" * 256}, "AlarmName", "less than or equal to 255", id="§14 long name"
        ),
        pytest.param(
            {"AlarmName": "bad\nname"},
            "AlarmName",
            "control characters",
            id="§5 control characters",
        ),
        pytest.param(
            {"Threshold": None},
            "Threshold",
            "Threshold must not be null",
            id="§5 static without threshold",
        ),
        pytest.param(
            {"MetricName": None}, "MetricName", "MetricName must not be null", id="§5 no metric"
        ),
        pytest.param(
            {"Namespace": ":x"},
            "Namespace",
            "regular expression pattern",
            id="§5 namespace leading colon",
        ),
        pytest.param(
            {"Dimensions": [{"Name": "a", "Value": str(i)} for i in range(31)]},
            "Dimensions",
            "less than or equal to 30",
            id="§14 31 dimensions",
        ),
        pytest.param(
            {"Dimensions": [{"Name": "a", "Value": "1"}, {"Name": "a", "Value": "2"}]},
            "Dimensions",
            "given twice",
            id="duplicate dimension",
        ),
        pytest.param(
            {"Bogus": 1}, "Bogus", 'Unknown parameter in input: "Bogus"', id="unknown parameter"
        ),
        pytest.param(
            {"Tags": [{"Key": str(i), "Value": ""} for i in range(51)]},
            "Tags",
            "less than or equal to 50",
            id="§14 51 tags",
        ),
        pytest.param(
            {"EvaluationInterval": 60},
            "EvaluationInterval",
            "PromQL alarms are not simulated",
            id="§13 PromQL out of scope",
        ),
        pytest.param(
            {"ActionsEnabled": "yes"}, "ActionsEnabled", "true or false", id="ActionsEnabled type"
        ),
        pytest.param({"Threshold": float("nan")}, "Threshold", "finite", id="NaN threshold"),
        pytest.param(
            {"Metrics": [{"Id": "m1"}]},
            "MetricName",
            "MetricName should not be set if list of Metrics is set.",
            id="§5 Metrics exclusive",
        ),
    ],
)
def test_invalid_definitions(overrides: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(AlarmDefinitionError) as caught:
        MetricAlarm.from_aws(definition(**overrides))
    error = caught.value
    assert error.field == field
    assert message in error.message
    assert isinstance(error, ValueError)
    name = overrides.get("AlarmName", "test-alarm")
    if isinstance(name, str) and name and "\n" not in name and len(name) <= 255:
        assert "'test-alarm'" in str(error)


@pytest.mark.parametrize("period", [10, 20, 30, 60, 120, 3600])
def test_valid_periods(period: int) -> None:
    assert alarm(Period=period, EvaluationPeriods=1).period == period


def test_defaults() -> None:
    subject = alarm()
    assert subject.datapoints_to_alarm == 3  # §7.4 M defaults to N
    assert subject.effective_treat_missing_data() == "missing"  # §7.4
    assert subject.actions_enabled is True
    assert subject.statistic == parse_statistic("Sum")


def test_seven_day_span_allowed_for_hourly_periods() -> None:
    assert alarm(Period=3600, EvaluationPeriods=168).evaluation_periods == 168


def test_not_a_mapping() -> None:
    with pytest.raises(AlarmDefinitionError, match="expected a mapping"):
        MetricAlarm.from_aws(["AlarmName"])  # type: ignore[arg-type]

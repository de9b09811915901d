"""Metric math for alarms (alarm-semantics §12): rules per timestamp, validation, alarms."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.decision import AlarmState
from simulator.alarms.metric_math import MetricMath, MetricMathError, parse_expression
from simulator.alarms.simulation import Simulation, SimulationSettings
from simulator.alarms.validation import AlarmDefinitionError
from simulator.metrics import Datapoint, MetricKey

_ = None  # a missing point


def stat(query_id: str, name: str = "M", return_data: bool = False, **extra: Any) -> dict:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {"Namespace": "App", "MetricName": name},
            "Period": extra.pop("Period", 60),
            "Stat": extra.pop("Stat", "Sum"),
        },
        "ReturnData": return_data,
        **extra,
    }


def expression(text: str, query_id: str = "e1", return_data: bool = True) -> dict:
    return {"Id": query_id, "Expression": text, "ReturnData": return_data}


def evaluate(text: str, m1: list, m2: list | None = None) -> list:
    queries = [stat("m1"), stat("m2"), expression(text)]
    math_ = MetricMath.from_aws(queries, "math-alarm")
    return math_.evaluate({"m1": m1, "m2": m2 if m2 is not None else [_] * len(m1)})


@pytest.mark.parametrize(
    ("text", "m1", "m2", "expected"),
    [
        pytest.param(
            "m1 + m2",
            [1.0, _, 3.0, _],
            [10.0, 20.0, _, _],
            [11.0, 20.0, 3.0, _],
            id="§12 missing on one side counts as 0; both missing stays missing",
        ),
        pytest.param(
            "m1 / m2",
            [1.0, 4.0, 0.0],
            [0.0, 2.0, 0.0],
            [_, 2.0, _],
            id="§12 division by zero drops the point",
        ),
        pytest.param(
            "m1 * 2 - 1",
            [1.0, _, 3.0],
            None,
            [1.0, _, 5.0],
            id="§12 scalar with series: point by point",
        ),
        pytest.param("-m1 ^ 2", [3.0], None, [-9.0], id="unary minus binds looser than ^"),
        pytest.param("2 ^ 3 ^ 2", [1.0], None, 512.0, id="^ is right associative (scalar)"),
        pytest.param("m1 > 2", [1.0, 3.0, _], None, [0.0, 1.0, _], id="§12 comparison 0/1"),
        pytest.param(
            "m1 >= m2", [1.0, _], [1.0, 1.0], [1.0, 0.0], id="§12 comparison: missing side is 0"
        ),
        pytest.param("m1 AND m2", [1.0, 0.0, 2.0], [1.0, 1.0, _], [1.0, 0.0, 0.0], id="§12 AND"),
        pytest.param("m1 || m2", [0.0, 0.0], [0.0, 3.0], [0.0, 1.0], id="§12 || is OR"),
        pytest.param(
            "IF(m1 > 1, m2)",
            [2.0, 0.0, _],
            [5.0, 6.0, 7.0],
            [5.0, _, _],
            id="§12 IF without false branch drops the point",
        ),
        pytest.param(
            "IF(m1, m2, 9)",
            [1.0, 0.0],
            [_, 4.0],
            [0.0, 9.0],
            id="§12 IF: missing point in the series branch gives 0",
        ),
        pytest.param("FILL(m1, 0)", [_, 2.0, _], None, [0.0, 2.0, 0.0], id="§12 FILL value"),
        pytest.param(
            "FILL(m1, REPEAT)",
            [_, 2.0, _, _, 5.0],
            None,
            [_, 2.0, 2.0, 2.0, 5.0],
            id="§12 FILL REPEAT",
        ),
        pytest.param(
            "FILL(m1, LINEAR)",
            [1.0, _, _, 4.0, _],
            None,
            [1.0, 2.0, 3.0, 4.0, _],
            id="§12 FILL LINEAR",
        ),
        pytest.param("FILL(m1, m2)", [_, 1.0], [7.0, 8.0], [7.0, 1.0], id="FILL with a series"),
        pytest.param("ABS(m1) + CEIL(m2)", [-1.5], [0.2], [2.5], id="per-point functions"),
        pytest.param("LOG10(m1)", [100.0, 0.0], None, [2.0, _], id="LOG10 of 0 is dropped"),
        pytest.param("m1 / PERIOD(m1)", [120.0], None, [2.0], id="PERIOD"),
    ],
)
def test_expression_rules(text: str, m1: list, m2: list | None, expected: Any) -> None:
    if isinstance(expected, float):
        assert parse_expression(text) is not None
        queries = [stat("m1"), expression(f"m1 * 0 + {text}")]
        assert MetricMath.from_aws(queries, "x").evaluate({"m1": m1}) == [expected]
    else:
        assert evaluate(text, m1, m2) == expected


@pytest.mark.parametrize(
    ("metrics", "message"),
    [
        pytest.param(
            [stat("m1"), expression("SUM(m1)")],
            "SUM is not supported",
            id="§12 range-dependent function rejected",
        ),
        pytest.param(
            [stat("m1"), expression("SEARCH('x', 'Sum', 60)")],
            "syntax error",
            id="§12 SEARCH cannot be alarmed on",
        ),
        pytest.param(
            [stat("m1", return_data=True), expression("m1 * 2")],
            "exactly one metric or expression must have ReturnData",
            id="two ReturnData",
        ),
        pytest.param(
            [stat("m1"), expression("m1", return_data=False)], "(found 0)", id="no ReturnData"
        ),
        pytest.param(
            [stat("M1", return_data=True)], "invalid Id 'M1'", id="Id must start lowercase"
        ),
        pytest.param([stat("m1"), stat("m1", return_data=True)], "duplicate Id", id="duplicate Id"),
        pytest.param(
            [stat("m1"), expression("m1 + zz")], "unknown Id 'zz'", id="unknown reference"
        ),
        pytest.param(
            [stat("m1"), expression("e2", "e1", False), expression("e1", "e2")],
            "depends on itself",
            id="cycle",
        ),
        pytest.param(
            [stat("m1"), stat("m2", Period=300), expression("m1 + m2")],
            "same Period",
            id="§12 same period",
        ),
        pytest.param(
            [stat("m1"), expression("1 + 2")], "single time series", id="§12 scalar result"
        ),
        pytest.param(
            [stat(f"m{i}") for i in range(11)] + [expression("m0")],
            "at most 10 MetricStat",
            id="§14 11 metrics",
        ),
        pytest.param([stat("m1", Stat="p101"), expression("m1")], "0 to 100", id="bad Stat"),
        pytest.param([stat("m1"), expression("m1 +")], "syntax error", id="syntax error"),
        pytest.param(
            [stat("m1"), expression("FILL(m1, REPEAT, 1)")], "takes 2-2 arguments", id="arity"
        ),
        pytest.param(
            [stat("m1"), expression("m1 + REPEAT")], "only valid as FILL", id="keyword outside FILL"
        ),
        pytest.param(
            [stat("m1"), expression("m1 * " + "1" * 2048)],
            "1 to 2048 characters",
            id="§14 expression length",
        ),
    ],
)
def test_invalid_metrics_arrays(metrics: list, message: str) -> None:
    with pytest.raises(AlarmDefinitionError) as caught:
        MetricMath.from_aws(metrics, "math-alarm")
    assert message in str(caught.value)
    assert "'math-alarm'" in str(caught.value)


def test_parse_errors_are_metric_math_errors() -> None:
    with pytest.raises(MetricMathError):
        parse_expression("(m1")


def error_rate_alarm(**extra: Any) -> MetricAlarm:
    return MetricAlarm.from_aws(
        {
            "AlarmName": "error-rate",
            "EvaluationPeriods": 2,
            "Threshold": 10.0,
            "ComparisonOperator": "GreaterThanThreshold",
            "Metrics": [
                stat("errors", "Errors"),
                stat("requests", "Requests"),
                expression("100 * errors / requests", "rate"),
            ],
            **extra,
        }
    )


def test_metric_math_alarm_evaluates_expression_output() -> None:
    alarm = error_rate_alarm()
    assert alarm.period == 60 and alarm.metrics is not None
    series = alarm.metrics.evaluate(
        {"errors": [_, 1.0, 5.0, 3.0], "requests": [_, 100.0, 20.0, 10.0]}
    )
    assert series == [_, 1.0, 25.0, 30.0]
    assert alarm.evaluate(series, AlarmState.OK).state == AlarmState.ALARM


def test_metric_math_alarm_in_a_simulation() -> None:
    t0 = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    errors, requests = MetricKey.of("App", "Errors"), MetricKey.of("App", "Requests")
    data = []
    for minute in range(10):
        data.append(Datapoint(requests, t0 + minute * 60_000, (1.0,) * 10))
        if minute in (4, 5):
            data.append(Datapoint(errors, t0 + minute * 60_000, (1.0, 1.0)))
    sim = Simulation(
        [error_rate_alarm(AlarmActions=["arn:aws:sns:us-east-1:1:x"])],
        SimulationSettings(start_ms=t0),
    )
    result = sim.run(data, end_ms=t0 + 15 * 60_000)
    assert [(t.time_ms - t0, t.new_state) for t in result.transitions] == [
        (60_000, AlarmState.OK),
        (360_000, AlarmState.ALARM),
        (420_000, AlarmState.OK),
        (840_000, AlarmState.INSUFFICIENT_DATA),
    ]
    trigger = result.actions[0].payload["Trigger"]
    assert [m["Id"] for m in trigger["Metrics"]] == ["errors", "requests", "rate"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"Statistic": "Sum"}, "Statistic"),
        ({"Period": 60}, "Period"),
        ({"Namespace": "App"}, "Namespace"),
    ],
)
def test_metrics_exclusive_with_single_metric_fields(overrides: dict, field: str) -> None:
    with pytest.raises(AlarmDefinitionError, match=f"{field} should not be set if list of Metrics"):
        error_rate_alarm(**overrides)


def test_metric_math_alarms_cannot_have_ec2_actions() -> None:
    with pytest.raises(AlarmDefinitionError, match="cannot have EC2 actions"):
        error_rate_alarm(AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])


def test_anomaly_band_must_be_the_threshold_metric() -> None:
    metrics = [stat("m1", return_data=True), expression("ANOMALY_DETECTION_BAND(m1, 2)", "ad1")]
    with pytest.raises(AlarmDefinitionError, match="must be the alarm's ThresholdMetricId"):
        MetricMath.from_aws(metrics, "x")
    with pytest.raises(AlarmDefinitionError, match="ANOMALY_DETECTION_BAND"):
        MetricMath.from_aws([stat("m1", return_data=True), expression("m1 * 2", "ad1")], "x", "ad1")


def test_anomaly_alarm_in_a_simulation_uses_supplied_bands() -> None:
    t0 = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    alarm = MetricAlarm.from_aws(
        {
            "AlarmName": "latency-band",
            "EvaluationPeriods": 1,
            "ThresholdMetricId": "ad1",
            "ComparisonOperator": "GreaterThanUpperThreshold",
            "Metrics": [
                stat("m1", "Latency", True, Stat="Average"),
                expression("ANOMALY_DETECTION_BAND(m1, 2)", "ad1"),
            ],
        }
    )
    key = MetricKey.of("App", "Latency")
    data = [Datapoint(key, t0 + m * 60_000, (100.0,)) for m in range(6)]

    def band(start_ms: int) -> tuple[float, float]:  # the band drops at minute 3
        return (0.0, 150.0) if start_ms < t0 + 3 * 60_000 else (0.0, 50.0)

    sim = Simulation([alarm], SimulationSettings(start_ms=t0), anomaly_bands={"latency-band": band})
    result = sim.run(data, end_ms=t0 + 6 * 60_000)
    assert [(t.time_ms - t0, t.new_state) for t in result.transitions] == [
        (60_000, AlarmState.OK),
        (240_000, AlarmState.ALARM),
    ]
    with pytest.raises(AlarmDefinitionError, match="band values"):
        Simulation([alarm])

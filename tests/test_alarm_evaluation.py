"""Operators, anomaly bands, low-sample percentiles and reason text (alarm-semantics §7.3–§9)."""

from __future__ import annotations

import json

import pytest

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.decision import AlarmState
from tests._alarm_helpers import alarm, definition

T0 = 1_683_886_080_000  # 12/05/23 10:08:00 UTC


@pytest.mark.parametrize(
    ("operator", "value", "breaches"),
    [
        pytest.param("GreaterThanOrEqualToThreshold", 80.0, True, id="§7.3 >= equal breaches"),
        pytest.param("GreaterThanOrEqualToThreshold", 79.999, False, id="§7.3 >= below"),
        pytest.param("GreaterThanThreshold", 80.0, False, id="§7.3 > equal does not breach"),
        pytest.param("GreaterThanThreshold", 80.001, True, id="§7.3 > above"),
        pytest.param("LessThanThreshold", 80.0, False, id="§7.3 < equal does not breach"),
        pytest.param("LessThanThreshold", 79.0, True, id="§7.3 < below"),
        pytest.param("LessThanOrEqualToThreshold", 80.0, True, id="§7.3 <= equal breaches"),
        pytest.param("LessThanOrEqualToThreshold", 81.0, False, id="§7.3 <= above"),
    ],
)
def test_comparison_operators(operator: str, value: float, breaches: bool) -> None:
    subject = alarm(ComparisonOperator=operator, Threshold=80.0, EvaluationPeriods=1)
    start = AlarmState.OK if breaches else AlarmState.ALARM
    result = subject.evaluate([None, None, value], start)
    assert result.state == (AlarmState.ALARM if breaches else AlarmState.OK)


def test_exact_double_comparison_uses_the_statistic_as_computed() -> None:
    subject = alarm(ComparisonOperator="GreaterThanThreshold", Threshold=0.3, EvaluationPeriods=1)
    # 0.1 + 0.2 is 0.30000000000000004 > 0.3 as a double.
    result = subject.evaluate_samples([[], [], [0.1, 0.2]], AlarmState.OK)
    assert result.state == AlarmState.ALARM


def band_alarm(operator: str) -> MetricAlarm:
    return MetricAlarm.from_aws(
        {
            "AlarmName": "latency-band",
            "EvaluationPeriods": 1,
            "ComparisonOperator": operator,
            "ThresholdMetricId": "ad1",
            "Metrics": [
                {
                    "Id": "m1",
                    "MetricStat": {
                        "Metric": {"Namespace": "App", "MetricName": "Latency"},
                        "Period": 60,
                        "Stat": "Average",
                    },
                },
                {"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)"},
            ],
        }
    )


@pytest.mark.parametrize(
    ("operator", "value", "breaches"),
    [
        ("LessThanLowerOrGreaterThanUpperThreshold", 9.0, True),
        ("LessThanLowerOrGreaterThanUpperThreshold", 21.0, True),
        ("LessThanLowerOrGreaterThanUpperThreshold", 10.0, False),
        ("LessThanLowerOrGreaterThanUpperThreshold", 20.0, False),
        ("LessThanLowerThreshold", 9.0, True),
        ("LessThanLowerThreshold", 21.0, False),
        ("GreaterThanUpperThreshold", 21.0, True),
        ("GreaterThanUpperThreshold", 9.0, False),
        ("GreaterThanUpperThreshold", 20.0, False),
    ],
    ids=lambda v: str(v),
)
def test_anomaly_band_operators_edges_do_not_breach(
    operator: str, value: float, breaches: bool
) -> None:
    # §7.5 and A16: strictly outside the band breaches; on the band does not.
    start = AlarmState.OK if breaches else AlarmState.ALARM
    result = band_alarm(operator).evaluate([value], start, bands=[(10.0, 20.0)])
    assert result.state == (AlarmState.ALARM if breaches else AlarmState.OK)


def test_anomaly_reason_text_matches_observed_shape() -> None:
    subject = band_alarm("LessThanLowerOrGreaterThanUpperThreshold")
    at = 1_763_145_600_000  # 14/11/25 18:40:00
    result = subject.evaluate([537.0], AlarmState.OK, bands=[(193.3, 531.4)], at_ms=at)
    assert result.reason == (
        "Thresholds Crossed: 1 out of the last 1 datapoints [537.0 (14/11/25 18:39:00)] was "
        "less than the lower thresholds [193.3] or greater than the upper thresholds [531.4] "
        "(minimum 1 datapoint for OK -> ALARM transition)."
    )


def test_reason_into_alarm_matches_observed_format() -> None:
    # §9.2 observed: 1 out of the last 1 datapoints [84.0 (12/05/23 10:07:00)] ...
    subject = alarm(
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Threshold=80.0,
        EvaluationPeriods=1,
        Period=60,
    )
    result = subject.evaluate([None, None, 84.0], AlarmState.OK, at_ms=T0)
    assert result.reason == (
        "Threshold Crossed: 1 out of the last 1 datapoints [84.0 (12/05/23 10:07:00)] was "
        "greater than or equal to the threshold (80.0) "
        "(minimum 1 datapoint for OK -> ALARM transition)."
    )


def test_reason_into_ok_lists_good_points_newest_first_with_plural() -> None:
    subject = alarm(Threshold=80.0, EvaluationPeriods=3, DatapointsToAlarm=2, Period=60)
    result = subject.evaluate(
        [None, None, 38.839999999999996, 0.0, 90.0], AlarmState.ALARM, at_ms=T0
    )
    assert result.reason == (
        "Threshold Crossed: 2 out of the last 3 datapoints [0.0 (12/05/23 10:06:00), "
        "38.839999999999996 (12/05/23 10:05:00)] were not greater than the threshold (80.0) "
        "(minimum 2 datapoints for ALARM -> OK transition)."
    )


@pytest.mark.parametrize(
    ("tmd", "state", "reason"),
    [
        (
            "breaching",
            AlarmState.ALARM,
            "Threshold Crossed: no datapoints were received for 1 "
            "period and 1 missing datapoint was treated as [Breaching].",
        ),
        (
            "notBreaching",
            AlarmState.OK,
            "Threshold Crossed: no datapoints were received for 1 "
            "period and 1 missing datapoint was treated as [NonBreaching].",
        ),
        ("missing", AlarmState.INSUFFICIENT_DATA, "Insufficient Data: 1 datapoint was unknown."),
    ],
)
def test_all_missing_reasons_match_observed(tmd: str, state: AlarmState, reason: str) -> None:
    subject = alarm(TreatMissingData=tmd, EvaluationPeriods=1)
    start = AlarmState.OK if state is not AlarmState.OK else AlarmState.ALARM
    result = subject.evaluate([None, None, None], start)
    assert (result.state, result.reason) == (state, reason)


def test_insufficient_data_reason_plural() -> None:
    result = alarm().evaluate([None] * 5, AlarmState.OK)
    assert result.reason == "Insufficient Data: 3 datapoints were unknown."


def test_partial_fill_reason_mentions_both_parts() -> None:
    subject = alarm(TreatMissingData="breaching", DatapointsToAlarm=2)
    result = subject.evaluate([None, None, None, None, 9.0], AlarmState.OK, at_ms=T0)
    assert result.state == AlarmState.ALARM
    assert result.reason is not None
    assert "1 out of the last 1 datapoints [9.0 " in result.reason
    assert "2 missing datapoints were treated as [Breaching]" in result.reason


def test_state_reason_data_shape() -> None:
    subject = alarm(
        Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=1.0, Unit="Seconds"
    )
    result = subject.evaluate_samples(
        [[], [], [0.1, 0.2, 0.3, 0.2, 0.185]], AlarmState.ALARM, at_ms=T0
    )
    assert result.reason_data is not None
    data = json.loads(result.reason_data)
    assert data == {
        "version": "1.0",
        "queryDate": "2023-05-12T10:08:00.000+0000",
        "startDate": "2023-05-12T10:07:00.000+0000",
        "statistic": "Average",
        "period": 60,
        "unit": "Seconds",
        "recentDatapoints": [0.197],
        "threshold": 1.0,
        "evaluatedDatapoints": [
            {"timestamp": "2023-05-12T10:07:00.000+0000", "sampleCount": 5.0, "value": 0.197}
        ],
    }
    assert '"threshold":1.0' in result.reason_data and '"sampleCount":5.0' in result.reason_data


def test_missing_evaluated_slot_has_only_a_timestamp() -> None:
    result = alarm(DatapointsToAlarm=1).evaluate(
        [None, None, 9.0, None, None], AlarmState.OK, at_ms=T0
    )
    data = json.loads(result.reason_data or "{}")
    assert data["evaluatedDatapoints"][0] == {"timestamp": "2023-05-12T10:03:00.000+0000"}
    assert data["evaluatedDatapoints"][2]["value"] == 9.0


# ----------------------------------------------------------------- §8 low sample counts


def percentile_alarm(low_sample: str, stat: str = "p90") -> MetricAlarm:
    return alarm(
        Statistic=None,
        ExtendedStatistic=stat,
        EvaluateLowSampleCountPercentile=low_sample,
        EvaluationPeriods=1,
        Threshold=50.0,
    )


@pytest.mark.parametrize(
    ("stat", "minimum"), [("p90", 100), ("p99", 1000), ("p50", 20), ("p25", 40), ("p10", 100)]
)
def test_low_sample_ignore_keeps_state_below_documented_minimum(stat: str, minimum: int) -> None:
    subject = percentile_alarm("ignore", stat)
    too_few = subject.evaluate_samples([[], [], [99.0] * (minimum - 1)], AlarmState.OK)
    assert (too_few.state, too_few.changed) == (AlarmState.OK, False)
    enough = subject.evaluate_samples([[], [], [99.0] * minimum], AlarmState.OK)
    assert enough.state == AlarmState.ALARM  # exactly the minimum is enough


def test_low_sample_evaluate_always_evaluates() -> None:
    subject = percentile_alarm("evaluate")
    result = subject.evaluate_samples([[], [], [99.0] * 3], AlarmState.OK)
    assert result.state == AlarmState.ALARM


def test_low_sample_p100_is_never_low() -> None:
    subject = percentile_alarm("ignore", "p100")
    assert subject.evaluate_samples([[], [], [99.0]], AlarmState.OK).state == AlarmState.ALARM


def test_percentile_over_negative_values_is_a_missing_period() -> None:
    subject = percentile_alarm("evaluate")
    result = subject.evaluate_samples([[], [], [99.0, -1.0]], AlarmState.OK)
    assert result.state == AlarmState.INSUFFICIENT_DATA


def test_evaluation_range_shorter_than_n_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least 3 slots"):
        alarm().evaluate([1.0, 2.0])


def test_definition_fixture_is_valid() -> None:
    assert MetricAlarm.from_aws(definition()).datapoints_to_alarm == 3

"""Simulation over time (alarm-semantics §6, §9.4, §10): cadence, windows, jumping, actions."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.decision import AlarmState
from simulator.alarms.simulation import Simulation, SimulationSettings, evaluation_cadence_ms
from simulator.alarms.validation import AlarmDefinitionError
from simulator.metrics import Datapoint, MetricKey
from tests._alarm_helpers import definition

MINUTE = 60_000
T0 = int(datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc).timestamp() * 1000)
KEY = MetricKey.of("App", "Errors")
SNS = "arn:aws:sns:us-east-1:123456789012:security"


def at(minutes: float) -> int:
    return T0 + int(minutes * MINUTE)


def point(minute: float, *values: float, key: MetricKey = KEY) -> Datapoint:
    return Datapoint(key, at(minute), values or (1.0,))


def run(alarms, datapoints, end_minutes=120, **knobs):
    knobs.setdefault("start_ms", T0)
    return Simulation(alarms, SimulationSettings(**knobs)).run(datapoints, end_ms=at(end_minutes))


def one_period_alarm(**overrides) -> MetricAlarm:
    base = {
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    return MetricAlarm.from_aws(definition(**{**base, **overrides}))


# --------------------------------------------------------------------- reference evaluator


def naive_transitions(alarm, datapoints, start_ms, end_ms, lag_ms=0, length=None):
    """An independent every-instant evaluator straight from §6.2: no buffers, no jumping."""
    length = length or alarm.evaluation_periods + 2
    period_ms, cadence = alarm.period * 1000, evaluation_cadence_ms(alarm)
    state, transitions = AlarmState.INSUFFICIENT_DATA, []
    instant = -(-start_ms // cadence) * cadence
    while instant <= end_ms:
        slots = [[] for _ in range(length)]
        for dp in datapoints:
            visible = dp.timestamp_ms + MINUTE + lag_ms <= instant
            for k in range(1, length + 1):
                low, high = instant - k * period_ms, instant - (k - 1) * period_ms
                if visible and low <= dp.timestamp_ms < high:
                    slots[length - k].extend(dp.values)
        result = alarm.evaluate_samples(slots, state, at_ms=instant)
        if result.changed:
            transitions.append((instant, state, result.state, result.reason))
        state = result.state
        instant += cadence
    return transitions


sparse_points = st.lists(
    st.tuples(
        st.integers(0, 150), st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=1, max_size=3)
    ),
    max_size=8,
).map(lambda items: sorted(items, key=lambda item: item[0]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    period=st.sampled_from([10, 30, 60, 120, 300]),
    n=st.integers(1, 4),
    data=st.data(),
    tmd=st.sampled_from(["missing", "ignore", "breaching", "notBreaching"]),
    stat=st.sampled_from(["Sum", "Average", "Maximum", "SampleCount", "p50"]),
    op=st.sampled_from(["GreaterThanOrEqualToThreshold", "LessThanThreshold"]),
    lag=st.sampled_from([0, MINUTE, 150_000]),
    extra=st.sampled_from([None, 0, 3]),
    start_offset=st.integers(0, 5),
    points=sparse_points,
)
def test_jumping_engine_matches_naive_every_instant_evaluation(
    period, n, data, tmd, stat, op, lag, extra, start_offset, points
):
    m = data.draw(st.integers(1, n))
    stat_field = (
        {"Statistic": stat} if stat != "p50" else {"Statistic": None, "ExtendedStatistic": stat}
    )
    alarm = MetricAlarm.from_aws(
        definition(
            Period=period,
            EvaluationPeriods=n,
            DatapointsToAlarm=m,
            TreatMissingData=tmd,
            ComparisonOperator=op,
            Threshold=2.0,
            **stat_field,
        )
    )
    datapoints = [point(minute, *values) for minute, values in points]
    length = None if extra is None else n + extra
    start, end = at(start_offset), at(200)
    expected = naive_transitions(alarm, datapoints, start, end, lag, length)
    for skip in (True, False):
        result = Simulation(
            [alarm],
            SimulationSettings(
                start_ms=start,
                ingestion_lag_ms=lag,
                evaluation_range=length,
                skip_quiet_periods=skip,
            ),
        ).run(datapoints, end_ms=end)
        got = [(t.time_ms, t.old_state, t.new_state, t.reason) for t in result.transitions]
        assert got == expected


def test_jumping_needs_far_fewer_evaluations_than_ticking() -> None:
    alarm = one_period_alarm(Period=300, TreatMissingData="notBreaching")
    points = [point(10), point(600), point(1400)]
    quick = run([alarm], points, end_minutes=1440)
    ticking = run([alarm], points, end_minutes=1440, skip_quiet_periods=False)
    assert quick.transitions == ticking.transitions
    assert ticking.evaluations == 1441
    assert quick.evaluations < 40


# --------------------------------------------------------------------- pipeline-shaped test

CLOUDTRAIL_EVENTS = [  # (eventTime, eventName, errorCode)
    ("2024-01-01T12:02:10Z", "AssumeRole", None),
    ("2024-01-01T12:03:15Z", "GetObject", "AccessDenied"),
    ("2024-01-01T12:03:40Z", "PutObject", "AccessDenied"),
    ("2024-01-01T12:05:00Z", "RunInstances", "Client.UnauthorizedOperation"),
    ("2024-01-01T12:31:59Z", "ListBuckets", None),
    ("2024-01-01T12:40:30Z", "DeleteBucket", "AccessDenied"),
]


def metric_filter_datapoints(events, key):
    """What `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`
    with metricValue 1 publishes: one sample of 1 per matching event, per minute bucket."""
    per_minute: Counter[int] = Counter()
    for event_time, _name, error_code in events:
        record = json.loads(json.dumps({"eventTime": event_time, "errorCode": error_code}))
        code = record["errorCode"] or ""
        if code.endswith("UnauthorizedOperation") or code.startswith("AccessDenied"):
            stamp = datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
            per_minute[int(stamp.timestamp() * 1000) // MINUTE * MINUTE] += 1
    return [Datapoint(key, ts, (1.0,) * count) for ts, count in sorted(per_minute.items())]


def test_cloudtrail_authorization_failures_through_sum_over_300s_alarm() -> None:
    key = MetricKey.of("CloudTrailMetrics", "AuthorizationFailureCount")
    alarm = MetricAlarm.from_aws(
        {
            "AlarmName": "AuthorizationFailures",
            "Namespace": "CloudTrailMetrics",
            "MetricName": "AuthorizationFailureCount",
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [SNS],
            "OKActions": [SNS],
        }
    )
    datapoints = metric_filter_datapoints(CLOUDTRAIL_EVENTS, key)
    assert [(dp.timestamp_ms, dp.values) for dp in datapoints] == [
        (at(3), (1.0, 1.0)),
        (at(5), (1.0,)),
        (at(40), (1.0,)),
    ]
    result = run([alarm], datapoints, end_minutes=90)
    # L = N + 2 = 3 periods: a datapoint keeps the alarm in ALARM until it leaves 15 minutes.
    assert [(t.time_ms, t.new_state) for t in result.transitions] == [
        (at(0), AlarmState.OK),  # creation: no data, treated as not breaching
        (at(4), AlarmState.ALARM),  # the 12:03 bucket is complete at 12:04
        (at(21), AlarmState.OK),  # the 12:05 bucket left the 15-minute range
        (at(41), AlarmState.ALARM),
        (at(56), AlarmState.OK),
    ]
    first_alarm = result.transitions[1]
    assert first_alarm.reason == (
        "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (01/01/24 11:59:00)] was "
        "greater than or equal to the threshold (1.0) "
        "(minimum 1 datapoint for OK -> ALARM transition)."
    )
    assert [(a.state, a.time_ms) for a in result.actions] == [
        (AlarmState.OK, at(0)),
        (AlarmState.ALARM, at(4)),
        (AlarmState.OK, at(21)),
        (AlarmState.ALARM, at(41)),
        (AlarmState.OK, at(56)),
    ]
    message = result.actions[1].payload
    assert result.actions[1].subject == 'ALARM: "AuthorizationFailures" in US East (N. Virginia)'
    assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "OK"
    assert message["StateChangeTime"] == "2024-01-01T12:04:00.000+0000"
    assert message["Trigger"]["Statistic"] == "SUM"
    assert message["AlarmArn"] == (
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:AuthorizationFailures"
    )
    assert result.state_at("AuthorizationFailures", at(30)) == AlarmState.OK
    assert result.state_at("AuthorizationFailures", at(4)) == AlarmState.ALARM
    assert result.state_at("AuthorizationFailures", at(-1)) == AlarmState.INSUFFICIENT_DATA
    assert result.final_states == {"AuthorizationFailures": AlarmState.OK}


def test_history_items_are_shaped_like_describe_alarm_history() -> None:
    alarm = one_period_alarm(AlarmActions=[SNS])
    result = run([alarm], [point(3)], end_minutes=10)
    updates = [h for h in result.history if h.history_item_type == "StateUpdate"]
    assert [h.summary for h in updates] == [
        "Alarm updated from INSUFFICIENT_DATA to ALARM",
        "Alarm updated from ALARM to INSUFFICIENT_DATA",
    ]
    data = json.loads(updates[0].history_data)
    assert data["oldState"] == {
        "stateValue": "INSUFFICIENT_DATA",
        "stateReason": "Unchecked: Initial alarm creation",
    }
    assert data["newState"]["stateValue"] == "ALARM"
    assert data["newState"]["stateReasonData"]["recentDatapoints"] == [1.0]
    actions = [h for h in result.history if h.history_item_type == "Action"]
    assert [h.summary for h in actions] == [f"Successfully executed action {SNS}"]


# --------------------------------------------------------------------- time rules


@pytest.mark.parametrize(
    ("period", "n", "cadence"),
    [
        pytest.param(10, 3, 10_000, id="§6.1 10 s"),
        pytest.param(30, 3, 10_000, id="§6.1 30 s"),
        pytest.param(60, 5, MINUTE, id="§6.1 1 min"),
        pytest.param(3600, 24, MINUTE, id="§6.1 1 day"),
        pytest.param(3600, 25, 3_600_000, id="§6.1 over a day: hourly"),
    ],
)
def test_cadence(period: int, n: int, cadence: int) -> None:
    assert evaluation_cadence_ms(one_period_alarm(Period=period, EvaluationPeriods=n)) == cadence


def test_sliding_window_ends_at_evaluation_instant() -> None:
    # §6.2: 5-minute period, N = 1: the evaluation at the end of minute 6 uses minutes 2-6.
    alarm = one_period_alarm(Period=300, Threshold=2.0, TreatMissingData="notBreaching")
    result = run([alarm], [point(1), point(5)], end_minutes=12, evaluation_range=1)
    assert [(t.time_ms, t.new_state) for t in result.transitions] == [
        (at(0), AlarmState.OK),
        (at(6), AlarmState.ALARM),
        (at(7), AlarmState.OK),
    ]


def test_high_resolution_alarm_on_minute_data_is_mostly_missing() -> None:
    # §4.1: a 10 s alarm on 1-minute data sees the minute only in the slot holding its stamp.
    alarm = one_period_alarm(Period=10, EvaluationPeriods=1)
    default_range = run([alarm], [point(2)], end_minutes=5)
    assert default_range.transitions == ()  # 3 slots = 30 s never reach back to 12:02:00
    wide = run([alarm], [point(2)], end_minutes=5, evaluation_range=6)
    assert [(t.time_ms, t.new_state) for t in wide.transitions] == [
        (at(3), AlarmState.ALARM),
        (at(3) + 10_000, AlarmState.INSUFFICIENT_DATA),
    ]


def test_high_resolution_feed_with_second_buckets() -> None:
    alarm = one_period_alarm(Period=10, EvaluationPeriods=1)
    feed = [Datapoint(KEY, at(2) + 5_000, (1.0,))]
    result = run([alarm], feed, end_minutes=5, datapoint_resolution_ms=1_000)
    assert [(t.time_ms, t.new_state) for t in result.transitions] == [
        (at(2) + 10_000, AlarmState.ALARM),
        (at(2) + 40_000, AlarmState.INSUFFICIENT_DATA),
    ]


def test_hourly_evaluation_for_multi_day_alarms() -> None:
    alarm = one_period_alarm(
        Period=3600, EvaluationPeriods=48, DatapointsToAlarm=1, TreatMissingData="notBreaching"
    )
    result = run([alarm], [point(30)], end_minutes=24 * 60)
    assert [(t.time_ms, t.new_state) for t in result.transitions] == [
        (at(0), AlarmState.OK),
        (at(60), AlarmState.ALARM),
    ]


def test_ingestion_lag_delays_the_transition() -> None:
    alarm = one_period_alarm(Period=300, TreatMissingData="notBreaching")
    result = run([alarm], [point(3)], end_minutes=30, ingestion_lag_ms=5 * MINUTE)
    assert result.transitions[1].time_ms == at(9)
    late = run([alarm], [point(3)], end_minutes=30, ingestion_lag_ms=30 * MINUTE)
    assert [t.new_state for t in late.transitions] == [AlarmState.OK]  # left the range unseen


def test_evaluation_range_setting_controls_reach_back() -> None:
    alarm = one_period_alarm(Period=60, TreatMissingData="missing")
    short = run([alarm], [point(3)], end_minutes=20, evaluation_range=1)
    long = run([alarm], [point(3)], end_minutes=20, evaluation_range=10)
    assert short.transitions[-1].time_ms == at(5)
    assert long.transitions[-1].time_ms == at(14)
    with pytest.raises(AlarmDefinitionError, match="evaluation range"):
        Simulation([one_period_alarm(EvaluationPeriods=3)], SimulationSettings(evaluation_range=2))


# --------------------------------------------------------------------- metric identity


def test_alarm_sees_only_its_exact_dimension_set_and_unit() -> None:
    alarm = one_period_alarm(Dimensions=[{"Name": "Role", "Value": "admin"}], Unit="Count")
    exact = MetricKey.of("App", "Errors", {"Role": "admin"}, "Count")
    superset = MetricKey.of("App", "Errors", {"Role": "admin", "Az": "a"}, "Count")
    wrong_unit = MetricKey.of("App", "Errors", {"Role": "admin"}, "Seconds")
    result = run([alarm], [point(1, key=superset), point(2, key=wrong_unit)], end_minutes=5)
    assert [t.new_state for t in result.transitions] == []
    result = run([alarm], [point(1, key=exact)], end_minutes=5)
    assert result.transitions[0].new_state == AlarmState.ALARM


def test_alarm_without_unit_aggregates_units_and_warns() -> None:
    alarm = one_period_alarm(Threshold=2.0)
    keys = [MetricKey.of("App", "Errors", unit=u) for u in ("Count", "None")]
    result = run([alarm], [point(1, key=keys[0]), point(1, key=keys[1])], end_minutes=3)
    assert result.transitions[0].new_state == AlarmState.ALARM
    assert any("several units" in w for w in result.warnings)


# --------------------------------------------------------------------- actions


def test_actions_only_on_transitions_and_honour_actions_enabled() -> None:
    alarm = one_period_alarm(AlarmActions=[SNS], OKActions=[SNS], TreatMissingData="ignore")
    points = [point(m) for m in range(1, 10)]
    result = run([alarm], points, end_minutes=30)
    assert [a.state for a in result.actions] == [AlarmState.ALARM]
    disabled = run([one_period_alarm(AlarmActions=[SNS], ActionsEnabled=False)], points)
    assert disabled.transitions and not disabled.actions


def test_lambda_action_payload() -> None:
    target = "arn:aws:lambda:us-east-1:123456789012:function:responder"
    result = run([one_period_alarm(AlarmActions=[target])], [point(1)], end_minutes=3)
    action = result.actions[0]
    assert action.kind == "lambda"
    assert action.payload["alarmData"]["state"]["value"] == "ALARM"
    assert action.payload["alarmData"]["previousState"]["reason"] == (
        "Unchecked: Initial alarm creation"
    )


# --------------------------------------------------------------------- bad input


def test_bad_datapoints_are_skipped_and_counted_or_fatal_in_strict_mode() -> None:
    bad = [point(5), point(3), Datapoint(KEY, at(6), (float("nan"),)), "junk"]
    result = run([one_period_alarm()], bad, end_minutes=10)
    assert result.skipped_datapoints == 3
    assert any("timestamp order" in w for w in result.warnings)
    with pytest.raises(ValueError, match="timestamp order"):
        run([one_period_alarm()], bad, end_minutes=10, strict=True)


def test_unknown_alarm_name_in_queries() -> None:
    result = run([one_period_alarm()], [], end_minutes=1)
    with pytest.raises(KeyError, match="nope"):
        result.state_at("nope", T0)


def test_run_without_end_stops_when_nothing_can_change() -> None:
    alarm = one_period_alarm(TreatMissingData="notBreaching")
    result = Simulation([alarm], SimulationSettings(start_ms=T0)).run([point(5)])
    assert [t.new_state for t in result.transitions] == [
        AlarmState.OK,
        AlarmState.ALARM,
        AlarmState.OK,
    ]


def test_dynamodb_knob() -> None:
    alarm = one_period_alarm(Namespace="AWS/DynamoDB", TreatMissingData="breaching")
    key = MetricKey.of("AWS/DynamoDB", "Errors")
    default = run([alarm], [point(1, 0.0, key=key)], end_minutes=10)
    always = run([alarm], [point(1, 0.0, key=key)], end_minutes=10, dynamodb_always_ignore=True)
    assert [t.new_state for t in default.transitions] == [
        AlarmState.ALARM,
        AlarmState.OK,
        AlarmState.ALARM,
    ]
    assert [t.new_state for t in always.transitions] == [AlarmState.OK]


@pytest.mark.parametrize(
    "knobs",
    [
        {"evaluation_range": 0},
        {"ingestion_lag_ms": -1},
        {"datapoint_resolution_ms": 0},
        {"percentile_method": "median"},
    ],
    ids=lambda knobs: next(iter(knobs)),
)
def test_invalid_settings_are_rejected(knobs: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(knobs))):
        SimulationSettings(**knobs)


@settings(max_examples=40, deadline=None)
@given(
    errors=sparse_points,
    requests=sparse_points,
    tmd=st.sampled_from(["missing", "ignore", "breaching", "notBreaching"]),
    period=st.sampled_from([60, 300]),
)
def test_jumping_matches_ticking_for_metric_math_alarms(errors, requests, tmd, period):
    def stat(query_id: str, name: str) -> dict:
        metric = {"Namespace": "App", "MetricName": name}
        return {
            "Id": query_id,
            "ReturnData": False,
            "MetricStat": {"Metric": metric, "Period": period, "Stat": "Sum"},
        }

    alarm = MetricAlarm.from_aws(
        {
            "AlarmName": "ratio",
            "EvaluationPeriods": 2,
            "DatapointsToAlarm": 1,
            "Threshold": 0.5,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": tmd,
            "Metrics": [
                stat("e", "Errors"),
                stat("r", "Requests"),
                {"Id": "x", "Expression": "FILL(e, 0) / r", "ReturnData": True},
            ],
        }
    )
    keys = {"e": MetricKey.of("App", "Errors"), "r": MetricKey.of("App", "Requests")}
    datapoints = sorted(
        [point(m, *v, key=keys["e"]) for m, v in errors]
        + [point(m, *v, key=keys["r"]) for m, v in requests],
        key=lambda dp: dp.timestamp_ms,
    )
    outcomes = [
        run([alarm], datapoints, end_minutes=200, skip_quiet_periods=skip).transitions
        for skip in (True, False)
    ]
    assert outcomes[0] == outcomes[1]

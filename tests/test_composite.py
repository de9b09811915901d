"""Composite alarms (alarm-semantics §11): rule grammar, semantics, limits, suppression."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.composite import CompositeAlarm, parse_rule
from simulator.alarms.decision import AlarmState
from simulator.alarms.simulation import Simulation, SimulationSettings
from simulator.alarms.validation import AlarmDefinitionError
from simulator.metrics import Datapoint, MetricKey

OK, ALARM, INSUFFICIENT = AlarmState.OK, AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA
ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
SNS = "arn:aws:sns:us-east-1:123456789012:pager"
MINUTE = 60_000
T0 = int(datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc).timestamp() * 1000)


def composite(rule: str, **extra) -> CompositeAlarm:
    return CompositeAlarm.from_aws({"AlarmName": "combined", "AlarmRule": rule, **extra})


@pytest.mark.parametrize(
    ("rule", "states", "expected"),
    [
        pytest.param(
            "NOT ALARM(x)",
            {"x": INSUFFICIENT},
            ALARM,
            id="§11.2 NOT ALARM(x) true for INSUFFICIENT_DATA",
        ),
        pytest.param("NOT ALARM(x)", {"x": OK}, ALARM, id="§11.2 NOT ALARM(x) true for OK"),
        pytest.param("NOT ALARM(x)", {"x": ALARM}, OK, id="NOT ALARM(x) false for ALARM"),
        pytest.param("ALARM(x)", {"x": INSUFFICIENT}, OK, id="ALARM(x) false for INSUFFICIENT"),
        pytest.param("OK(x)", {"x": OK}, ALARM, id="OK(x)"),
        pytest.param("INSUFFICIENT_DATA(x)", {"x": INSUFFICIENT}, ALARM, id="INSUFFICIENT_DATA(x)"),
        pytest.param("TRUE", {}, ALARM, id="TRUE"),
        pytest.param("FALSE", {}, OK, id="FALSE"),
        pytest.param(
            "ALARM(a) OR ALARM(b) AND ALARM(c)",
            {"a": ALARM, "b": OK, "c": OK},
            ALARM,
            id="A15 AND binds tighter than OR",
        ),
        pytest.param(
            "(ALARM(a) OR ALARM(b)) AND ALARM(c)",
            {"a": ALARM, "b": OK, "c": OK},
            OK,
            id="parentheses",
        ),
        pytest.param(
            "NOT ALARM(a) AND ALARM(b)", {"a": OK, "b": ALARM}, ALARM, id="A15 NOT binds tightest"
        ),
        pytest.param(
            'ALARM("my alarm (prod)")', {"my alarm (prod)": ALARM}, ALARM, id="§11.1 quoted name"
        ),
        pytest.param(f"ALARM({ARN}cpu-high)", {"cpu-high": ALARM}, ALARM, id="§11.1 bare ARN"),
        pytest.param(f'ALARM("{ARN}cpu-high")', {"cpu-high": OK}, OK, id="§11.1 quoted ARN"),
    ],
)
def test_rule_semantics(rule: str, states: dict, expected: AlarmState) -> None:
    assert composite(rule).evaluate(states) == expected


@pytest.mark.parametrize(
    "rule",
    [
        "ALARM(a) and ALARM(b)",
        "ALARM()",
        "ALARM(a",
        "alarm(a)",
        "ALARM(a) ALARM(b)",
        "NOT",
        "ALARM(a) OR",
        "True",
        "WARN(a)",
        '"ALARM(a)"',
    ],
)
def test_bad_rules_name_the_alarm_and_field(rule: str) -> None:
    with pytest.raises(AlarmDefinitionError) as caught:
        composite(rule)
    assert caught.value.field == "AlarmRule"
    assert "'combined'" in str(caught.value) and "invalid AlarmRule" in str(caught.value)


def test_limits() -> None:
    many = " OR ".join(f"ALARM(a{i})" for i in range(101))
    with pytest.raises(AlarmDefinitionError, match="at most 100 alarms"):
        composite(many)
    elements = " OR ".join(["TRUE"] * 501)
    with pytest.raises(AlarmDefinitionError, match="at most 500 elements"):
        composite(elements)
    with pytest.raises(AlarmDefinitionError, match="less than or equal to 10240"):
        composite("TRUE OR " * 1300 + "TRUE")
    assert parse_rule("(TRUE) OR ALARM(a)").elements == 3
    deep = "NOT " * 2000 + "(" * 499 + "ALARM(a)" + ")" * 499
    assert composite(deep).evaluate({"a": OK}) == OK  # even number of NOTs: no recursion


def test_composites_cannot_run_ec2_actions_and_suppressor_needs_periods() -> None:
    with pytest.raises(AlarmDefinitionError, match="EC2 or Auto Scaling"):
        composite("TRUE", AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])
    with pytest.raises(AlarmDefinitionError, match="ActionsSuppressorExtensionPeriod is required"):
        composite("TRUE", ActionsSuppressor="x", ActionsSuppressorWaitPeriod=60)
    with pytest.raises(AlarmDefinitionError, match="only valid together with ActionsSuppressor"):
        composite("TRUE", ActionsSuppressorWaitPeriod=60)


def test_unknown_child_is_reported_with_composite_name() -> None:
    with pytest.raises(AlarmDefinitionError, match="unknown alarm 'ghost'") as caught:
        Simulation([composite("ALARM(ghost)")])
    assert caught.value.alarm_name == "combined"
    other_account = composite("ALARM(arn:aws:cloudwatch:eu-west-1:999999999999:alarm:x)")
    with pytest.raises(AlarmDefinitionError, match="another Region or account"):
        Simulation([other_account])


# --------------------------------------------------------------------- in a simulation


def metric(name: str, **extra) -> MetricAlarm:
    return MetricAlarm.from_aws(
        {
            "AlarmName": name,
            "Namespace": "App",
            "MetricName": name,
            "Statistic": "Sum",
            "Period": 60,
            "EvaluationPeriods": 1,
            "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            **extra,
        }
    )


def points(name: str, *minutes: int) -> list[Datapoint]:
    return [Datapoint(MetricKey.of("App", name), T0 + m * MINUTE, (1.0,)) for m in minutes]


def simulate(alarms, datapoints, end_minutes=30):
    datapoints = sorted(datapoints, key=lambda dp: dp.timestamp_ms)
    return Simulation(alarms, SimulationSettings(start_ms=T0)).run(
        datapoints, end_ms=T0 + end_minutes * MINUTE
    )


def test_composite_created_with_child_insufficient_data_goes_to_alarm_on_not_alarm() -> None:
    child = metric("errors")
    parent = composite("NOT ALARM(errors)", AlarmActions=[SNS])
    result = simulate([child, parent], [], end_minutes=5)
    assert [(t.alarm_name, t.new_state) for t in result.transitions] == [("combined", ALARM)]
    assert result.transitions[0].reason == (
        f"{ARN}errors transitioned to INSUFFICIENT_DATA at Monday 1 January, 2024 12:00:00 UTC"
    )
    assert [a.alarm_name for a in result.actions] == ["combined"]


def test_composite_re_evaluated_after_children_at_the_same_instant() -> None:
    a, b = metric("a"), metric("b")
    both = composite("ALARM(a) AND ALARM(b)", AlarmActions=[SNS])
    result = simulate([both, a, b], points("a", 2) + points("b", 2))
    combined = result.transitions_of("combined")
    assert [(t.time_ms, t.new_state) for t in combined] == [
        (T0, OK),
        (T0 + 3 * MINUTE, ALARM),
        (T0 + 6 * MINUTE, OK),  # the 12:02 datapoints left the 3-minute range
    ]
    data = combined[1].reason_data
    assert data is not None and f'"arn":"{ARN}a"' in data and f'"arn":"{ARN}b"' in data


def test_nested_composites_and_cycles() -> None:
    leaf = metric("leaf")
    middle = CompositeAlarm.from_aws({"AlarmName": "middle", "AlarmRule": "ALARM(leaf)"})
    top = CompositeAlarm.from_aws({"AlarmName": "top", "AlarmRule": "ALARM(middle)"})
    result = simulate([top, middle, leaf], points("leaf", 3))
    assert result.state_at("top", T0 + 4 * MINUTE) == ALARM
    loop_a = CompositeAlarm.from_aws({"AlarmName": "loop_a", "AlarmRule": "ALARM(loop_b)"})
    loop_b = CompositeAlarm.from_aws({"AlarmName": "loop_b", "AlarmRule": "NOT ALARM(loop_a)"})
    cyclic = simulate([loop_a, loop_b], [])
    assert cyclic.transitions == ()
    assert any("cycle" in w for w in cyclic.warnings)


def suppressed_composite(wait: int, extension: int) -> CompositeAlarm:
    return CompositeAlarm.from_aws(
        {
            "AlarmName": "combined",
            "AlarmRule": "ALARM(errors)",
            "AlarmActions": [SNS],
            "OKActions": [SNS],
            "ActionsSuppressor": "maintenance",
            "ActionsSuppressorWaitPeriod": wait,
            "ActionsSuppressorExtensionPeriod": extension,
        }
    )


def test_suppressor_in_alarm_suppresses_then_extension_runs_actions() -> None:
    # §11.3: suppressor in ALARM at minute 3-5 (data minutes 2..4), errors ALARM at 4.
    alarms = [
        metric("errors", TreatMissingData="ignore"),
        metric("maintenance"),
        suppressed_composite(wait=60, extension=120),
    ]
    data = points("maintenance", 2, 3, 4) + points("errors", 3)
    result = simulate(alarms, data)
    assert result.state_at("combined", T0 + 4 * MINUTE) == ALARM
    assert [(s.state, s.suppressed_by) for s in result.suppressed_actions] == [(ALARM, "Alarm")]
    # maintenance leaves ALARM at 12:08 (its 12:04 datapoint left the 3-minute range);
    # the 120 s extension ends at 12:10 and the held-back ALARM actions run.
    assert [(a.state, a.time_ms) for a in result.actions] == [
        (OK, T0 + 60_000),
        (ALARM, T0 + 10 * MINUTE),
    ]


def test_wait_period_delays_actions_and_suppressor_alarm_cancels_them() -> None:
    quiet = simulate(
        [
            metric("errors", TreatMissingData="ignore"),
            metric("maintenance"),
            suppressed_composite(wait=90, extension=60),
        ],
        points("errors", 5),
    )
    assert [(a.state, a.time_ms) for a in quiet.actions] == [
        (OK, T0 + 90_000),
        (ALARM, T0 + 6 * MINUTE + 90_000),
    ]
    cancelled = simulate(
        [
            metric("errors", TreatMissingData="ignore"),
            metric("maintenance"),
            suppressed_composite(wait=120, extension=0),
        ],
        points("errors", 5) + points("maintenance", 6),
    )
    assert (ALARM, "WaitPeriod") in [
        (s.state, s.suppressed_by) for s in cancelled.suppressed_actions
    ]

"""``simulator.alarms.timeline``: the sweep's fast path gives exactly the transitions of
``Simulation`` (differential, on random series and alarm variants), and its per-period
statistics are the engine's."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.decision import AlarmState
from simulator.alarms.simulation import Simulation, SimulationSettings
from simulator.alarms.statistics import parse_statistic, statistic
from simulator.alarms.timeline import MinuteSeries, StateChange, TimelineEvaluator, reads
from simulator.metrics import Datapoint, MetricKey

MINUTE = 60_000
HOUR = 60 * MINUTE
START = 1_709_510_400_000  # 2024-03-04T00:00:00Z, on the hour
KEY = MetricKey.of("Local", "Denied")
OPERATORS = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
             "LessThanOrEqualToThreshold"]
STATISTICS = ["Sum", "SampleCount", "Average", "Minimum", "Maximum", "p50", "p90", "tm90",
              "TC(:2)", "IQM"]


def alarm(**fields: object) -> MetricAlarm:
    definition = {"AlarmName": "Denied", "Namespace": "Local", "MetricName": "Denied",
                  "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
                  "ComparisonOperator": "GreaterThanOrEqualToThreshold"}
    definition.update(fields)
    stat = str(definition["Statistic"])
    if not parse_statistic(stat).is_simple:
        definition["ExtendedStatistic"] = definition.pop("Statistic")
    return MetricAlarm.from_aws(definition)


def series_of(minutes: dict[int, tuple[float, ...]], start: int = START) -> MinuteSeries:
    series = MinuteSeries(start)
    for minute in sorted(minutes):
        series.add(Datapoint(KEY, start + minute * MINUTE, minutes[minute]))
    return series


def reference(variant: MetricAlarm, series: MinuteSeries, sim: SimulationSettings,
              end_ms: int) -> tuple[StateChange, ...]:
    """What ``cwpattern replay`` does: the real engine over the datapoints."""
    result = Simulation([variant], sim).run(series.datapoints(KEY), end_ms)
    return tuple(StateChange(t.time_ms, t.old_state, t.new_state) for t in result.transitions)


def fast(variant: MetricAlarm, series: MinuteSeries, sim: SimulationSettings,
         end_ms: int) -> tuple[StateChange, ...]:
    evaluator = TimelineEvaluator(series, sim, end_ms)
    assert evaluator.covers(variant)
    return evaluator.changes(variant)


samples = st.one_of(
    st.integers(min_value=-2, max_value=6).map(float),
    st.sampled_from([0.1, 0.2, 0.3, 0.25, 1.5, 2.0000000000000004]),
)
minute_maps = st.dictionaries(st.integers(min_value=0, max_value=150),
                              st.lists(samples, min_size=1, max_size=4).map(tuple),
                              max_size=60)


@st.composite
def variants(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(min_value=1, max_value=5))
    return {
        "Statistic": draw(st.sampled_from(STATISTICS)),
        "Period": draw(st.sampled_from([60, 120, 300, 600])),
        "EvaluationPeriods": n,
        "DatapointsToAlarm": draw(st.integers(min_value=1, max_value=n)),
        "Threshold": draw(st.sampled_from([0, 0.5, 1, 2, 2.5, 3, 6, 0.6000000000000001])),
        "ComparisonOperator": draw(st.sampled_from(OPERATORS)),
        "TreatMissingData": draw(st.sampled_from(["missing", "ignore", "breaching",
                                                  "notBreaching"])),
    }


@settings(max_examples=300, deadline=None)
@given(minute_maps, variants(), st.sampled_from([None, 5, 7]), st.integers(0, 3))
def test_fast_path_equals_the_simulation(minutes, fields, evaluation_range, offset) -> None:
    variant = alarm(**fields)
    if evaluation_range is not None and evaluation_range < variant.evaluation_periods:
        evaluation_range = variant.evaluation_periods
    start = START + offset * 7 * MINUTE
    series = series_of(minutes, start)
    sim = SimulationSettings(start_ms=start, evaluation_range=evaluation_range)
    end = start + 200 * MINUTE
    assert fast(variant, series, sim, end) == reference(variant, series, sim, end)


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.integers(min_value=0, max_value=30 * 60),
                       st.lists(samples, min_size=1, max_size=3).map(tuple), max_size=40),
       st.integers(min_value=25, max_value=30), st.sampled_from(["missing", "breaching"]),
       st.integers(0, 59))
def test_hourly_cadence_equals_the_simulation(minutes, n, treat_missing, offset) -> None:
    # Period x N above a day: evaluated once an hour, on the hour (spec §6.1).
    variant = alarm(Period=3600, EvaluationPeriods=n, DatapointsToAlarm=2,
                    TreatMissingData=treat_missing)
    start = START + offset * MINUTE
    series = series_of(minutes, start)
    sim = SimulationSettings(start_ms=start)
    end = start + 40 * HOUR
    assert fast(variant, series, sim, end) == reference(variant, series, sim, end)


def test_dense_week_equals_the_simulation() -> None:
    # A datapoint every minute for two days, several samples each: the benchmark's shape.
    minutes = {m: tuple(float((m * 7 + i * 3) % 5) for i in range(1 + m % 3))
               for m in range(2 * 1440)}
    series = series_of(minutes)
    sim = SimulationSettings(start_ms=START)
    end = START + 2 * 1440 * MINUTE + HOUR
    for fields in ({"Period": 300, "EvaluationPeriods": 3, "DatapointsToAlarm": 2,
                    "Threshold": 12},
                   {"Statistic": "SampleCount", "Period": 60, "EvaluationPeriods": 5,
                    "Threshold": 3, "TreatMissingData": "breaching"},
                   {"Statistic": "p90", "Period": 900, "EvaluationPeriods": 2,
                    "Threshold": 4}):
        variant = alarm(**fields)
        assert fast(variant, series, sim, end) == reference(variant, series, sim, end)


@given(minute_maps, st.sampled_from(STATISTICS), st.sampled_from([60, 180, 300]))
@settings(max_examples=150, deadline=None)
def test_period_values_are_the_engine_statistic(minutes, name, period) -> None:
    # The period ending at instant m holds the samples of minutes m - period .. m - 1, in
    # arrival order; its value is exactly what ``statistic`` gives on them.
    series = series_of(minutes)
    stat = parse_statistic(name)
    values = series.period_values(period, stat, 160)
    for instant, value in enumerate(values):
        gathered = [v for m in sorted(minutes) if instant - period // 60 <= m < instant
                    for v in minutes[m]]
        expected = statistic(stat, gathered) if gathered else None
        assert value == expected or (value is not None and expected is not None
                                     and math.isnan(value) and math.isnan(expected))


def test_whole_number_sums_stay_exact_past_float_rounding() -> None:
    # 2^53 + 1 cannot be a double: beyond the exact range the series adds in arrival order.
    series = series_of({0: (2.0**53,), 1: (1.0,), 2: (1.0,)})
    stat = parse_statistic("Sum")
    assert series.period_values(180, stat, 4)[3] == statistic(stat, [2.0**53, 1.0, 1.0])


def test_sub_minute_periods_and_ingestion_lag_run_through_the_simulation() -> None:
    series = series_of({1: (3.0,), 2: (1.0,)})
    lagged = SimulationSettings(start_ms=START, ingestion_lag_ms=90_000)
    evaluator = TimelineEvaluator(series, lagged, START + 30 * MINUTE)
    variant = alarm(Threshold=2)
    assert not evaluator.covers(variant)
    changes = evaluator.changes(variant)
    assert changes == reference(variant, series, lagged, START + 30 * MINUTE)
    # Minute 1 (3.0) is published at 00:02 and visible 90 s later, at the 00:04 evaluation;
    # minute 2 (1.0, not breaching) at 00:05; both have left the 3-minute range at 00:06.
    assert [((c.time_ms - START) // MINUTE, c.new_state) for c in changes] == [
        (4, AlarmState.ALARM), (5, AlarmState.OK), (6, AlarmState.INSUFFICIENT_DATA)]
    high_resolution = alarm(Period=30, EvaluationPeriods=2)
    plain = SimulationSettings(start_ms=START)
    assert not TimelineEvaluator(series, plain, START + HOUR).covers(high_resolution)


def test_evaluation_range_shorter_than_n_is_rejected_like_the_engine() -> None:
    series = series_of({0: (1.0,)})
    evaluator = TimelineEvaluator(series, SimulationSettings(start_ms=START,
                                                             evaluation_range=2), START + HOUR)
    with pytest.raises(ValueError, match=r"evaluation range \(2\) must be at least"):
        evaluator.changes(alarm(EvaluationPeriods=3))


def test_series_rejects_what_the_metric_pipeline_never_produces() -> None:
    series = MinuteSeries(START)
    with pytest.raises(ValueError, match="per-minute"):
        series.add(Datapoint(KEY, START + 1, (1.0,)))
    series.add(Datapoint(KEY, START + MINUTE, (1.0,)))
    with pytest.raises(ValueError, match="time order"):
        series.add(Datapoint(KEY, START, (1.0,)))
    with pytest.raises(ValueError, match="finite"):
        series.add(Datapoint(KEY, START + 2 * MINUTE, (math.inf,)))


def test_reads_follows_the_simulation_metric_identity() -> None:
    plain = alarm()
    assert reads(plain, KEY)
    assert reads(plain, MetricKey.of("Local", "Denied", unit="Count"))  # no Unit: every unit
    assert not reads(plain, MetricKey.of("Local", "Denied", {"Bucket": "b"}))
    assert not reads(alarm(Unit="Count"), KEY)


def timeline(variant: MetricAlarm, minutes: dict[int, tuple[float, ...]],
             length_minutes: int = 120) -> list[tuple[int, str]]:
    """(minute, new state) of every change, by the fast path, checked against the engine."""
    series = series_of(minutes)
    sim = SimulationSettings(start_ms=START)
    end = START + length_minutes * MINUTE
    changes = fast(variant, series, sim, end)
    assert changes == reference(variant, series, sim, end)
    return [((c.time_ms - START) // MINUTE, c.new_state.value) for c in changes]


def test_spec_7_worked_sequence_of_the_documentation_figure() -> None:
    # alarm-semantics §7 "Worked sequence from the doc figure": threshold 3, N = M = 3, full
    # data: ALARM at the evaluation where periods 3, 4 and 5 are above 3; OK when period 6
    # drops below; a single breaching period 9 leaves it OK.  One-minute periods 1..10 are
    # minutes 0..9, evaluated at the end of each (instant k ends period k).  OK comes first,
    # at instant 1: one real good point and TreatMissingData missing (§7 rule 3, b < r).
    values = [1, 2, 4, 5, 6, 2, 1, 2, 5, 1]
    variant = alarm(Threshold=3, EvaluationPeriods=3, ComparisonOperator="GreaterThanThreshold")
    assert timeline(variant, {m: (float(v),) for m, v in enumerate(values)}, 10) == [
        (1, "OK"), (5, "ALARM"), (6, "OK")]


@pytest.mark.parametrize(("m", "treat_missing", "expected"), [
    # alarm-semantics §7.1, 3 of 3 row `- - X - -`: ALARM / keep / ALARM / OK.  One breaching
    # 5-minute period (the datapoint of minute 10, period [10, 15) at the instants 11..15)
    # becomes 2 periods old at 00:16 and 3 at 00:21 (premature rule, A5); it leaves the
    # 5-period range at 00:36.  Before 00:21 `missing` says INSUFFICIENT_DATA, the state
    # the alarm is created in, so that is no change.
    (3, "missing", [(21, "ALARM"), (36, "INSUFFICIENT_DATA")]),
    (3, "ignore", []),
    (3, "breaching", [(0, "ALARM")]),
    (3, "notBreaching", [(0, "OK")]),
    # §7.1, 2 of 3 row `- - - X -`: ALARM / keep / ALARM / OK (2 periods old from 00:16).
    (2, "missing", [(16, "ALARM"), (36, "INSUFFICIENT_DATA")]),
    (2, "ignore", []),
    (2, "notBreaching", [(0, "OK")]),
])
def test_spec_7_1_rows_with_one_breaching_point(m, treat_missing, expected) -> None:
    variant = alarm(Period=300, EvaluationPeriods=3, DatapointsToAlarm=m, Threshold=1,
                    TreatMissingData=treat_missing)
    assert timeline(variant, {10: (5.0,)}, 60) == expected

"""Threshold-sweep benchmark (issue 9): 200 alarm configurations over one simulated week.

A week of per-minute datapoints (one to three samples a minute, with five incident bursts)
is evaluated for the 200 valid points of the grid ``--threshold 1,2,5,10,20 --period
60,120,300,600,900 --evaluation-periods 1,3,5 --datapoints-to-alarm 1,2,3,5`` (the 100 with
M > N are rejected), scored against the five incidents.  Target: under 2 s, reported as a
ratio.  The baseline is the plain engine — one ``Simulation`` per configuration, what 200
``cwpattern replay`` runs would do after reading — timed on a sample of configurations
(whose transitions must equal the sweep's) and scaled to 200.

Run: ``python benchmarks/bench_sweep.py``; writes ``benchmarks/results/bench_sweep.json``.
"""

from __future__ import annotations

import random
import time

from _common import best_of, no_options, report

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.simulation import Simulation, SimulationSettings
from simulator.alarms.timeline import MinuteSeries, StateChange
from simulator.analysis.threshold_sweep import Grid, evaluate, expand
from simulator.metrics import Datapoint, MetricKey
from simulator.synth.labels import IncidentLabel

MINUTE_MS = 60_000
WEEK_MINUTES = 7 * 24 * 60
START_MS = 1_709_510_400_000  # 2024-03-04T00:00:00Z
TARGET_S = 2.0
BASELINE_SAMPLE = 6
SEED = 9
KEY = MetricKey.of("Local", "ServiceLinkedRoleAccessDenied")
GRID = Grid(thresholds=(1, 2, 5, 10, 20), periods=(60, 120, 300, 600, 900),
            evaluation_periods=(1, 3, 5), datapoints_to_alarm=(1, 2, 3, 5))
INCIDENTS = tuple(IncidentLabel(f"incident-{day}", START_MS + (day * 1440 + 600) * MINUTE_MS,
                                START_MS + (day * 1440 + 630) * MINUTE_MS)
                  for day in (0, 1, 3, 5, 6))


def week_of_datapoints() -> list[Datapoint]:
    """A datapoint every minute: background noise, and 6-9 a minute during incidents."""
    rng = random.Random(SEED)
    starts = {(i.start_ms - START_MS) // MINUTE_MS for i in INCIDENTS}
    burst = {m for s in starts for m in range(s, s + 30)}
    datapoints = []
    for minute in range(WEEK_MINUTES):
        count = rng.randint(1, 3)
        values = tuple(float(rng.randint(2, 3) if minute in burst else rng.randint(0, 1))
                       for _ in range(count))
        datapoints.append(Datapoint(KEY, START_MS + minute * MINUTE_MS, values))
    return datapoints


def base_alarm() -> MetricAlarm:
    return MetricAlarm.from_aws({
        "AlarmName": "ServiceLinkedRoleAccessDenied", "Namespace": "Local",
        "MetricName": "ServiceLinkedRoleAccessDenied", "Statistic": "Sum", "Period": 300,
        "EvaluationPeriods": 1, "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "missing"})


def main() -> None:
    no_options(__doc__)
    datapoints = week_of_datapoints()
    settings = SimulationSettings(start_ms=START_MS)
    data_end = START_MS + WEEK_MINUTES * MINUTE_MS

    def collect() -> MinuteSeries:
        series = MinuteSeries(START_MS)
        for datapoint in datapoints:
            series.add(datapoint)
        return series

    series = collect()
    outcome_sets = []

    def run_sweep() -> None:
        variants, invalid = expand(base_alarm(), GRID)
        assert len(variants) == 200 and len(invalid) == 100
        outcome_sets.append(evaluate(variants, collect(), INCIDENTS, settings, data_end))

    sweep_s = best_of(run_sweep, repeat=3)
    outcomes, end_ms = outcome_sets[-1]
    collect_s = best_of(collect, repeat=3)

    rng = random.Random(SEED)
    sample = rng.sample(outcomes, BASELINE_SAMPLE)
    started = time.perf_counter()
    for outcome in sample:
        alarm = dict(expand(base_alarm(), Grid(
            thresholds=(outcome.variant.threshold,), periods=(outcome.variant.period,),
            evaluation_periods=(outcome.variant.evaluation_periods,),
            datapoints_to_alarm=(outcome.variant.datapoints_to_alarm,)))[0])[outcome.variant]
        plain = Simulation([alarm], settings).run(series.datapoints(KEY), end_ms)
        assert outcome.changes == tuple(StateChange(t.time_ms, t.old_state, t.new_state)
                                        for t in plain.transitions), outcome.variant
    per_configuration_s = (time.perf_counter() - started) / BASELINE_SAMPLE
    baseline_s = per_configuration_s * len(outcomes)

    report("bench_sweep", [
        {"case": "sweep: 200 configurations x 1 week per-minute (expand + evaluate + score)",
         "seconds": round(sweep_s, 3), "target_s": TARGET_S,
         "ratio_to_target": round(sweep_s / TARGET_S, 3)},
        {"case": "  of which: keeping the week's samples (MinuteSeries)",
         "seconds": round(collect_s, 3), "target_s": "", "ratio_to_target": ""},
        {"case": f"plain engine: one Simulation per configuration ({BASELINE_SAMPLE} sampled, "
                 "x 200; transitions checked equal)",
         "seconds": round(baseline_s, 1), "target_s": "",
         "ratio_to_target": round(baseline_s / TARGET_S, 1)},
        {"case": "speed-up of the sweep over the plain engine",
         "seconds": "", "target_s": "", "ratio_to_target": round(baseline_s / sweep_s, 1)},
    ])


if __name__ == "__main__":
    main()

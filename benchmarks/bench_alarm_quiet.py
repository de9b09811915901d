"""Quiet-stretch benchmark for the alarm engine (issue 4).

30 simulated days, 10 alarms, sparse CloudTrail-like events.  The event-driven engine only
evaluates where a decision can change; the naive engine evaluates every alarm at every
cadence instant (the same code with ``skip_quiet_periods=False``).  Both must produce the same
transitions; the table reports CPU seconds and the ratio between them.

Run: ``python benchmarks/bench_alarm_quiet.py``; writes
``benchmarks/results/bench_alarm_quiet.json``.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from _common import no_options

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.simulation import Simulation, SimulationSettings
from simulator.metrics import Datapoint, MetricKey

DAYS = 30
MINUTE_MS = 60_000
START_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
END_MS = START_MS + DAYS * 24 * 60 * MINUTE_MS
EVENTS_PER_METRIC = 150
SEED = 20240101
TARGET_CPU_S = 1.0
OPERATORS = {">=": "GreaterThanOrEqualToThreshold", ">": "GreaterThanThreshold"}

ALARM_SHAPES = [  # (metric, statistic field, period, N, M, operator, threshold, TMD)
    ("AccessDenied", {"Statistic": "Sum"}, 300, 1, 1, ">=", 1, "notBreaching"),
    ("ConsoleSigninFailures", {"Statistic": "Sum"}, 300, 1, 1, ">=", 3, "notBreaching"),
    ("RootUsage", {"Statistic": "SampleCount"}, 60, 1, 1, ">=", 1, "missing"),
    ("IamPolicyChanges", {"Statistic": "Sum"}, 300, 3, 2, ">", 0, "ignore"),
    ("UnauthorizedApiCalls", {"Statistic": "Sum"}, 60, 5, 3, ">=", 2, "breaching"),
    ("KmsKeyDeletion", {"Statistic": "Maximum"}, 600, 2, 2, ">", 0.5, "missing"),
    ("S3PolicyChanges", {"Statistic": "Average"}, 300, 1, 1, ">", 0.5, "notBreaching"),
    ("NetworkAclChanges", {"ExtendedStatistic": "p90"}, 300, 2, 1, ">", 1, "missing"),
    ("SecurityGroupChanges", {"Statistic": "Sum"}, 3600, 1, 1, ">=", 5, "notBreaching"),
    ("VpcChanges", {"Statistic": "Sum"}, 900, 4, 4, ">=", 1, "missing"),
]  # fmt: skip


def build_alarms() -> list[MetricAlarm]:
    alarms = []
    for metric, stat, period, n, m, op, threshold, tmd in ALARM_SHAPES:
        alarms.append(
            MetricAlarm.from_aws(
                {
                    "AlarmName": f"{metric}Alarm",
                    "Namespace": "CloudTrailMetrics",
                    "MetricName": metric,
                    "Period": period,
                    "EvaluationPeriods": n,
                    "DatapointsToAlarm": m,
                    "ComparisonOperator": OPERATORS[op],
                    "Threshold": threshold,
                    "TreatMissingData": tmd,
                    "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:security"],
                    **stat,
                }
            )
        )
    return alarms


def build_datapoints() -> list[Datapoint]:
    """Sparse per-minute datapoints, one sample of 1 per matching event (bursts of 1-4)."""
    rng = random.Random(SEED)
    minutes = DAYS * 24 * 60
    datapoints = []
    for metric, *_ in ALARM_SHAPES:
        key = MetricKey.of("CloudTrailMetrics", metric)
        for minute in rng.sample(range(minutes), EVENTS_PER_METRIC):
            events = rng.randint(1, 4)
            datapoints.append(Datapoint(key, START_MS + minute * MINUTE_MS, (1.0,) * events))
    datapoints.sort(key=lambda dp: dp.timestamp_ms)
    return datapoints


def measure(alarms: list[MetricAlarm], datapoints: list[Datapoint], skip: bool):
    settings = SimulationSettings(start_ms=START_MS, skip_quiet_periods=skip)
    began = time.process_time()
    result = Simulation(alarms, settings).run(datapoints, end_ms=END_MS)
    return time.process_time() - began, result


def main() -> None:
    no_options(__doc__)
    alarms, datapoints = build_alarms(), build_datapoints()
    jump_cpu, jumped = measure(alarms, datapoints, skip=True)
    naive_cpu, naive = measure(alarms, datapoints, skip=False)
    if jumped.transitions != naive.transitions:
        raise SystemExit("the jumping and naive engines disagree; the benchmark is invalid")
    results = {
        "simulated_days": DAYS,
        "alarms": len(alarms),
        "datapoints": len(datapoints),
        "transitions": len(jumped.transitions),
        "jumping": {"cpu_s": round(jump_cpu, 4), "evaluations": jumped.evaluations},
        "naive": {"cpu_s": round(naive_cpu, 4), "evaluations": naive.evaluations},
        "speedup": round(naive_cpu / jump_cpu, 1) if jump_cpu else None,
        "target_cpu_s": TARGET_CPU_S,
        "meets_target": jump_cpu < TARGET_CPU_S,
    }
    print(f"{'engine':<10}{'CPU s':>10}{'evaluations':>14}")
    print(f"{'jumping':<10}{jump_cpu:>10.3f}{jumped.evaluations:>14}")
    print(f"{'naive':<10}{naive_cpu:>10.3f}{naive.evaluations:>14}")
    print(
        f"{len(datapoints)} datapoints, {len(jumped.transitions)} transitions (identical); "
        f"speed-up x{results['speedup']}; target < {TARGET_CPU_S} s CPU: "
        f"{'met' if results['meets_target'] else 'MISSED'}"
    )
    out = Path(__file__).resolve().parent / "results" / "bench_alarm_quiet.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

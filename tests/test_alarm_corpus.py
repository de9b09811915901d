"""Real CloudTrail records (invictus-ir dataset, MIT) through an AccessDenied alarm.

Skipped when the shared corpus is absent.  The expected ALARM instants are computed here
independently from the event times, straight from the spec's window rule (§6.2).
"""

from __future__ import annotations

import json
from datetime import datetime

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.decision import AlarmState
from simulator.alarms.simulation import Simulation, SimulationSettings
from simulator.metrics import Datapoint, MetricKey
from tests._corpus import corpus_path

MINUTE = 60_000
KEY = MetricKey.of("CloudTrailMetrics", "AuthorizationFailureCount")


def failure_minutes() -> list[int]:
    minutes = []
    for path in sorted(corpus_path("invictus-ir-aws-dataset", "CloudTrail").glob("*.json")):
        for record in json.loads(path.read_text("utf-8"))["Records"]:
            code = record.get("errorCode") or ""
            if code.startswith("AccessDenied") or code.endswith("UnauthorizedOperation"):
                stamp = datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
                minutes.append(int(stamp.timestamp() * 1000) // MINUTE * MINUTE)
    return sorted(minutes)


def test_real_authorization_failures_drive_the_alarm() -> None:
    minutes = failure_minutes()
    assert minutes, "the dataset has AccessDenied and UnauthorizedOperation records"
    counts: dict[int, int] = {}
    for minute in minutes:
        counts[minute] = counts.get(minute, 0) + 1
    datapoints = [Datapoint(KEY, ts, (1.0,) * n) for ts, n in sorted(counts.items())]
    alarm = MetricAlarm.from_aws(
        {
            "AlarmName": "AuthorizationFailures",
            "Namespace": KEY.namespace,
            "MetricName": KEY.name,
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        }
    )
    start = minutes[0] - 30 * MINUTE
    end = minutes[-1] + 60 * MINUTE
    result = Simulation([alarm], SimulationSettings(start_ms=start)).run(datapoints, end_ms=end)
    # Sum >= 1 with L = 3 periods of 5 minutes: ALARM exactly at instants T whose 15-minute
    # range [T - 15 min, T) holds a failure (reach-back makes any real point count).
    expected = [
        T for T in range(start, end + 1, MINUTE) if any(T - 15 * MINUTE <= m < T for m in counts)
    ]
    in_alarm = [
        T
        for T in range(start, end + 1, MINUTE)
        if result.state_at("AuthorizationFailures", T) is AlarmState.ALARM
    ]
    assert in_alarm == expected
    assert result.final_states["AuthorizationFailures"] is AlarmState.OK

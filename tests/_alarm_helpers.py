"""Shared builders for the alarm tests: doc-table rows and minimal alarm definitions."""

from __future__ import annotations

from typing import Any

from simulator.alarms.alarm import MetricAlarm

GOOD, BREACHING = 0.0, 10.0
THRESHOLD = 5.0


def row(text: str) -> list[float | None]:
    """Parse a doc-table row (``0 - X - X``: good, missing, breaching; newest on the right)."""
    symbols = {"0": GOOD, "X": BREACHING, "-": None}
    return [symbols[s] for s in text.split()]


def definition(**overrides: Any) -> dict[str, Any]:
    """A valid PutMetricAlarm dict (Sum > 5 over 300 s, 3 of 3) with overrides applied."""
    base: dict[str, Any] = {
        "AlarmName": "test-alarm",
        "Namespace": "App",
        "MetricName": "Errors",
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 3,
        "Threshold": THRESHOLD,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def alarm(**overrides: Any) -> MetricAlarm:
    return MetricAlarm.from_aws(definition(**overrides))

"""cwpattern's simulator: event sources, metric filters, and CloudWatch alarms.

It uses only cwpattern's public API for patterns.  The pieces, in pipeline order:
sources (``simulator.sources``) -> metric filters (``simulator.metric_filter``) ->
per-minute ``Datapoint``s (``simulator.metrics``) -> alarms (``simulator.alarm``,
``simulator.composite``) evaluated over time by ``simulator.simulation``; the whole
chain for files on disk or S3 is :func:`simulator.replay.replay`.  Deployed
configurations load from CloudFormation, CDK, Terraform and AWS CLI output
(``simulator.deploy``).

The names below are imported on first use (PEP 562), not here: a command that only
reads events should not pay for the alarm grammar, the deploy loaders and the
metric-math parser, and worker processes import ``simulator.scoring`` alone.  The
``replay()`` and ``sweep()`` functions are not re-exported: their names are their
modules' (``from simulator.replay import replay``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, tuple[str, ...]] = {
    "simulator.alarm": ("Evaluation", "MetricAlarm"),
    "simulator.composite": ("CompositeAlarm",),
    "simulator.decision": ("AlarmState",),
    "simulator.deploy": ("DeployError", "DeployedConfig", "Finding", "Located", "Origin",
                         "canonical_params", "link", "load", "validate"),
    "simulator.events": ("BadInputError", "LogEvent", "Report"),
    "simulator.extras": ("MissingExtraError",),
    "simulator.labels": ("IncidentLabel", "LabelsError", "read_labels"),
    "simulator.metric_filter": ("MetricFilter",),
    "simulator.metric_math": ("MetricMathError",),
    "simulator.metrics": ("Datapoint", "MetricKey"),
    "simulator.replay": ("ReplayOptions", "ReplayResult"),
    "simulator.scenario": ("load_scenario",),
    "simulator.simulation": ("Action", "HistoryItem", "Simulation", "SimulationResult",
                             "SimulationSettings", "SuppressedAction", "Transition"),
    "simulator.sources": ("Format", "PathFilter", "read_events"),
    "simulator.statistics": ("StatisticError", "parse_statistic", "statistic"),
    "simulator.suite.loader": ("load_config", "load_test_file"),
    "simulator.sweep": ("Grid", "SweepError", "SweepResult"),
    "simulator.synth": ("generate", "write_s3_tree"),
    "simulator.validation": ("AlarmDefinitionError",),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` and hand its value back."""
    if name not in _HOME:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

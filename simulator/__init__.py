"""cwpattern's simulator: event sources, metric filters, and CloudWatch alarms.

It uses only cwpattern's public API for patterns.  The pieces, in pipeline order:
sources (``simulator.sources``) -> metric filters (``simulator.metric_filter``) ->
per-minute ``Datapoint``s (``simulator.metrics``) -> alarms (``simulator.alarm``,
``simulator.composite``) evaluated over time by ``simulator.simulation``.  Deployed
configurations load from CloudFormation, CDK, Terraform and AWS CLI output
(``simulator.deploy``).
"""

from simulator.alarm import Evaluation, MetricAlarm
from simulator.composite import CompositeAlarm
from simulator.decision import AlarmState
from simulator.deploy import (
    DeployedConfig,
    DeployError,
    Finding,
    Located,
    Origin,
    canonical_params,
    link,
    load,
    validate,
)
from simulator.metric_math import MetricMathError
from simulator.metrics import Datapoint, MetricKey
from simulator.simulation import (
    Action,
    HistoryItem,
    Simulation,
    SimulationResult,
    SimulationSettings,
    SuppressedAction,
    Transition,
)
from simulator.statistics import StatisticError, parse_statistic, statistic
from simulator.validation import AlarmDefinitionError

__all__ = [
    "Action",
    "AlarmDefinitionError",
    "AlarmState",
    "CompositeAlarm",
    "Datapoint",
    "DeployError",
    "DeployedConfig",
    "Evaluation",
    "Finding",
    "HistoryItem",
    "Located",
    "MetricAlarm",
    "MetricKey",
    "MetricMathError",
    "Origin",
    "Simulation",
    "SimulationResult",
    "SimulationSettings",
    "StatisticError",
    "SuppressedAction",
    "Transition",
    "canonical_params",
    "link",
    "load",
    "parse_statistic",
    "statistic",
    "validate",
]

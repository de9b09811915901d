"""What a test file holds once read: definitions and three kinds of case.

Everything here is already validated and resolved (patterns compiled, filters and
alarms built with AWS's rules, times turned into epoch milliseconds), so running a case
cannot fail on a mistake in the file, only on a wrong expectation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cwpattern
from simulator.alarms import AlarmState, CompositeAlarm, MetricAlarm
from simulator.events import LogEvent
from simulator.filters import MetricFilter
from simulator.metrics import Datapoint, MetricKey
from simulator.suite.schema import Where

AnyAlarm = MetricAlarm | CompositeAlarm


@dataclass(frozen=True)
class Definitions:
    """The metric filters and alarms a test file declares or loads, by name."""

    filters: dict[str, MetricFilter] = field(default_factory=dict)
    alarms: dict[str, AnyAlarm] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """Simulation knobs a file may set (defaults are the specs')."""

    evaluation_range: int | None = None
    ingestion_lag_ms: int = 0
    reorder_window_ms: int = 15 * 60_000
    default_value_mode: str = "per-minute"


@dataclass(frozen=True)
class EventSource:
    """Where a case's events come from: inline, files, a synth scenario, or datapoints."""

    inline: tuple[LogEvent, ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (path, format)
    synth: tuple[str, int | None] | None = None  # (scenario path, seed)
    datapoints: tuple[Datapoint, ...] = ()


@dataclass(frozen=True)
class PatternExpectation:
    message: str
    match: bool
    extracted: dict[str, str] | None
    where: Where


@dataclass(frozen=True)
class PatternCase:
    name: str
    where: Where
    pattern: cwpattern.FilterPattern
    expectations: tuple[PatternExpectation, ...]
    kind: str = "pattern"


@dataclass(frozen=True)
class MetricSelector:
    """Which metric an expectation is about; omitted parts match anything."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] | None = None
    unit: str | None = None

    def selects(self, key: MetricKey) -> bool:
        return (key.namespace == self.namespace and key.name == self.name
                and (self.dimensions is None or key.dimensions == self.dimensions)
                and (self.unit is None or key.unit == self.unit))


@dataclass(frozen=True)
class ExpectedDatapoint:
    metric: MetricSelector
    at_ms: int
    values: tuple[float, ...] | None
    statistics: dict[str, float]
    where: Where


@dataclass(frozen=True)
class MetricCase:
    name: str
    where: Where
    start_ms: int
    source: EventSource
    filters: tuple[str, ...]
    expected: tuple[ExpectedDatapoint, ...]
    kind: str = "metric"


@dataclass(frozen=True)
class ExpectedState:
    at_ms: int
    state: AlarmState
    where: Where


@dataclass(frozen=True)
class ExpectedTransition:
    at_ms: int | None
    to: AlarmState
    from_: AlarmState | None
    where: Where


@dataclass(frozen=True)
class AlarmCase:
    name: str
    where: Where
    alarm: str
    start_ms: int | None  # None: the minute of the first event read from files
    end_ms: int | None
    source: EventSource
    states: tuple[ExpectedState, ...]
    transitions: tuple[ExpectedTransition, ...] | None
    actions: tuple[dict[str, Any], ...] | None = None
    kind: str = "alarm"


Case = PatternCase | MetricCase | AlarmCase


@dataclass(frozen=True)
class TestFile:
    path: str
    definitions: Definitions
    settings: Settings
    cases: tuple[Case, ...]

    __test__ = False  # not a pytest test class

"""Replay a datapoint stream through alarms and report what CloudWatch would have done.

``Simulation`` is the clock the alarm engine lacks (spec §6): it evaluates each metric alarm at
its cadence (every minute; every 10 s for 10/20/30 s periods; hourly when Period × N exceeds a
day) over a sliding evaluation range that ends at the evaluation instant, re-evaluates
composite alarms after their children at the same instant, and records transitions, history
items and the actions that would run.

It is event driven rather than ticking: between two datapoint arrivals an alarm's slots only
change when the window slides a datapoint from one period into the next or out of the range,
so the next instant at which a decision *can* change is computable (``_MetricRunner.next_wake``)
and every instant in between is skipped.  Cost grows with datapoints, not simulated minutes;
``skip_quiet_periods=False`` evaluates at every instant instead (the reference the tests and
the benchmark compare against).  No wall clock is read: the same inputs give the same history.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from simulator.alarms.actions import (
    Action,
    AnyAlarm,
    Change,
    HistoryItem,
    SuppressedAction,
    action_item,
    build_actions,
    state_update_item,
)
from simulator.alarms.alarm import Band, Evaluation, MetricAlarm
from simulator.alarms.composite import CompositeAlarm, alarm_name_from_reference
from simulator.alarms.decision import AlarmState
from simulator.alarms.reasons import iso_date, long_date, to_json
from simulator.alarms.statistics import PERCENTILE_METHODS, PercentileMethod, statistic
from simulator.alarms.validation import AlarmDefinitionError
from simulator.metrics import Datapoint

INITIAL_REASON = "Unchecked: Initial alarm creation"
MINUTE_MS = 60_000
HIGH_RESOLUTION_CADENCE_MS = 10_000
HOURLY_CADENCE_MS = 3_600_000
ONE_DAY_S = 86_400

BandSource = Callable[[int], Band | None]


@dataclass(frozen=True, slots=True)
class SimulationSettings:
    """Knobs for the ambiguities of the spec, with its defaults.

    - ``start_ms``: when the alarms are created (they start INSUFFICIENT_DATA).
    - ``evaluation_range``: L, periods fetched per evaluation (A1); None means N + 2.
    - ``ingestion_lag_ms``: extra delay before a datapoint is visible (A20, §2.5); with 0 an
      evaluation at T sees every datapoint whose bucket ended by T.
    - ``datapoint_resolution_ms``: bucket length of the incoming datapoints (60 s for metric
      filters; 1 s for high-resolution feeds).
    - ``dynamodb_always_ignore``: the API reference's reading of A14 (``ignore`` even when
      TreatMissingData is set); default: only when unset.
    - ``percentile_method``: ``nearest-rank`` (default, A7) or ``linear``.
    - ``skip_quiet_periods``: jump over instants where no decision can change (default).
    - ``strict``: the first bad datapoint raises instead of being skipped and counted.
    """

    start_ms: int = 0
    evaluation_range: int | None = None
    ingestion_lag_ms: int = 0
    datapoint_resolution_ms: int = MINUTE_MS
    dynamodb_always_ignore: bool = False
    percentile_method: PercentileMethod = "nearest-rank"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    skip_quiet_periods: bool = True
    strict: bool = False

    def __post_init__(self) -> None:
        if self.evaluation_range is not None and self.evaluation_range < 1:
            raise ValueError(f"evaluation_range must be at least 1, got {self.evaluation_range}")
        if self.ingestion_lag_ms < 0:
            raise ValueError(f"ingestion_lag_ms must not be negative, got {self.ingestion_lag_ms}")
        if self.datapoint_resolution_ms < 1:
            raise ValueError(
                f"datapoint_resolution_ms must be positive, got {self.datapoint_resolution_ms}"
            )
        if self.percentile_method not in PERCENTILE_METHODS:
            raise ValueError(
                f"percentile_method must be one of {', '.join(PERCENTILE_METHODS)}, "
                f"got {self.percentile_method!r}"
            )


@dataclass(frozen=True, slots=True)
class Transition:
    """One state change of one alarm."""

    alarm_name: str
    time_ms: int
    old_state: AlarmState
    new_state: AlarmState
    reason: str
    reason_data: str | None

    def __str__(self) -> str:
        return f"{iso_date(self.time_ms)} {self.alarm_name}: {self.old_state} -> {self.new_state}"


class SimulationResult:
    """Everything a run produced, in time order, with per-alarm queries."""

    def __init__(
        self,
        *,
        start_ms: int,
        alarm_names: Sequence[str],
        transitions: Sequence[Transition],
        history: Sequence[HistoryItem],
        actions: Sequence[Action],
        suppressed_actions: Sequence[SuppressedAction],
        warnings: Sequence[str],
        skipped_datapoints: int,
        evaluations: int,
    ) -> None:
        self.start_ms = start_ms
        self.alarm_names = tuple(alarm_names)
        self.transitions = tuple(transitions)
        self.history = tuple(history)
        self.actions = tuple(actions)
        self.suppressed_actions = tuple(suppressed_actions)
        self.warnings = tuple(warnings)
        self.skipped_datapoints = skipped_datapoints
        self.evaluations = evaluations
        self._by_alarm: dict[str, list[Transition]] = {name: [] for name in self.alarm_names}
        for transition in self.transitions:
            self._by_alarm[transition.alarm_name].append(transition)

    def transitions_of(self, alarm_name: str) -> tuple[Transition, ...]:
        return tuple(self._transitions(alarm_name))

    def state_at(self, alarm_name: str, time_ms: int) -> AlarmState:
        """The alarm's state just after everything that happened at ``time_ms``."""
        transitions = self._transitions(alarm_name)
        index = bisect_right(transitions, time_ms, key=lambda t: t.time_ms)
        return transitions[index - 1].new_state if index else AlarmState.INSUFFICIENT_DATA

    @property
    def final_states(self) -> dict[str, AlarmState]:
        return {
            name: transitions[-1].new_state if transitions else AlarmState.INSUFFICIENT_DATA
            for name, transitions in self._by_alarm.items()
        }

    def _transitions(self, alarm_name: str) -> list[Transition]:
        if alarm_name not in self._by_alarm:
            raise KeyError(f"no alarm named {alarm_name!r} in this simulation")
        return self._by_alarm[alarm_name]


@dataclass
class _Status:
    state: AlarmState
    reason: str
    reason_data: str | None
    since_ms: int
    previous: AlarmState | None = None


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


def evaluation_cadence_ms(alarm: MetricAlarm) -> int:
    """Spec §6.1: 10 s for high-resolution periods, hourly past a day, else every minute."""
    if alarm.period < 60:
        return HIGH_RESOLUTION_CADENCE_MS
    if alarm.period * alarm.evaluation_periods > ONE_DAY_S:
        return HOURLY_CADENCE_MS
    return MINUTE_MS


class _MetricRunner:
    """One metric alarm's window: the datapoints still inside its range, and its clock."""

    def __init__(
        self, alarm: MetricAlarm, settings: SimulationSettings, bands: BandSource | None
    ) -> None:
        self.alarm = alarm
        self.settings = settings
        self.length = settings.evaluation_range or alarm.evaluation_periods + 2
        if self.length < alarm.evaluation_periods:
            raise AlarmDefinitionError(
                alarm.name,
                "evaluation_range",
                f"the evaluation range ({self.length}) must be at least EvaluationPeriods "
                f"({alarm.evaluation_periods})",
            )
        if alarm.is_anomaly_detection and bands is None:
            raise AlarmDefinitionError(
                alarm.name, "anomaly_bands", "anomaly detection alarms need supplied band values"
            )
        self.bands = bands
        self.period_ms = alarm.period * 1000
        self.cadence_ms = evaluation_cadence_ms(alarm)
        self.delay_ms = settings.datapoint_resolution_ms + settings.ingestion_lag_ms
        self.buffer: deque[tuple[str, Datapoint]] = deque()
        self.units: set[str] = set()
        self.query_ids = tuple(q.id for q in alarm.metrics.metric_stats) if alarm.metrics else ("",)

    def first_instant(self, start_ms: int) -> int:
        return _ceil_to(start_ms, self.cadence_ms)

    def add(self, query_id: str, datapoint: Datapoint) -> int:
        """Buffer a datapoint; return the first instant at which it is visible."""
        self.buffer.append((query_id, datapoint))
        return _ceil_to(datapoint.timestamp_ms + self.delay_ms, self.cadence_ms)

    def evaluate(self, at_ms: int, current: AlarmState) -> Evaluation:
        horizon = at_ms - self.length * self.period_ms
        while self.buffer and self.buffer[0][1].timestamp_ms < horizon:
            self.buffer.popleft()
        samples = {query_id: [[] for _ in range(self.length)] for query_id in self.query_ids}
        for query_id, datapoint in self.buffer:
            timestamp = datapoint.timestamp_ms
            if timestamp + self.delay_ms > at_ms or timestamp >= at_ms:
                break  # arrival order = timestamp order: nothing later is visible either
            slot = self.length - 1 - (at_ms - 1 - timestamp) // self.period_ms
            samples[query_id][slot].extend(datapoint.values)
        bands = self._bands(at_ms)
        settings = self.settings
        if self.alarm.metrics is None:
            return self.alarm.evaluate_samples(
                samples[""],
                current,
                bands=bands,
                at_ms=at_ms,
                percentile_method=settings.percentile_method,
                dynamodb_always_ignore=settings.dynamodb_always_ignore,
                explain_unchanged=False,
            )
        stats = {q.id: q.statistic for q in self.alarm.metrics.metric_stats}
        series = {
            query_id: [statistic(stats[query_id], s, settings.percentile_method) for s in slots]
            for query_id, slots in samples.items()
        }
        return self.alarm.evaluate(
            self.alarm.metrics.evaluate(series),
            current,
            bands=bands,
            at_ms=at_ms,
            dynamodb_always_ignore=settings.dynamodb_always_ignore,
            explain_unchanged=False,
        )

    def _bands(self, at_ms: int) -> list[Band | None] | None:
        if self.bands is None:
            return None
        return [self.bands(at_ms - (self.length - i) * self.period_ms) for i in range(self.length)]

    def next_wake(self, at_ms: int) -> int | None:
        """The first instant after ``at_ms`` at which this alarm's slots can differ.

        A datapoint stamped ``ts`` sits in slot k exactly for instants T with
        ``ts + (k-1)·P < T ≤ ts + k·P``, so slot contents change only at the first instant
        after some ``ts + j·P`` (j = 0..L, the last one being its exit from the range) or at
        a datapoint's arrival.  Anomaly bands vary per instant, so an anomaly alarm with data
        in range is evaluated at every instant.
        """
        cadence = self.cadence_ms
        if not self.settings.skip_quiet_periods:
            return at_ms + cadence
        best: int | None = None
        last_timestamp = None
        for _, datapoint in self.buffer:
            timestamp = datapoint.timestamp_ms
            if timestamp == last_timestamp:
                continue
            last_timestamp = timestamp
            if timestamp + self.delay_ms > at_ms:
                arrival = _ceil_to(timestamp + self.delay_ms, cadence)
                return arrival if best is None else min(best, arrival)
            if self.bands is not None:
                return at_ms + cadence
            steps = -(-(at_ms - timestamp) // self.period_ms)
            if steps > self.length:
                continue
            candidate = ((timestamp + steps * self.period_ms) // cadence + 1) * cadence
            best = candidate if best is None else min(best, candidate)
        return best


@dataclass
class _Suppression:
    """§11.3 bookkeeping for one composite: which state's actions are owed, and the timer."""

    owed: AlarmState | None = None
    timer: str | None = None  # "WaitPeriod" | "ExtensionPeriod"
    token: int = 0


class Simulation:
    """Metric and composite alarms replayed over a datapoint stream.

    >>> sim = Simulation([alarm], SimulationSettings(start_ms=t0))   # doctest: +SKIP
    >>> result = sim.run(datapoints, end_ms=t0 + 3_600_000)          # doctest: +SKIP
    """

    def __init__(
        self,
        alarms: Iterable[MetricAlarm | CompositeAlarm],
        settings: SimulationSettings | None = None,
        *,
        anomaly_bands: Mapping[str, BandSource] | None = None,
    ) -> None:
        self.settings = settings or SimulationSettings()
        self.alarms: dict[str, AnyAlarm] = {}
        for alarm in alarms:
            if not isinstance(alarm, (MetricAlarm, CompositeAlarm)):
                raise TypeError(f"expected MetricAlarm or CompositeAlarm, got {alarm!r}")
            if alarm.name in self.alarms:
                raise AlarmDefinitionError(alarm.name, "AlarmName", "duplicate alarm name")
            self.alarms[alarm.name] = alarm
        self.anomaly_bands = dict(anomaly_bands or {})
        for alarm in self.alarms.values():
            if isinstance(alarm, MetricAlarm):  # validates the range and band knobs early
                _MetricRunner(alarm, self.settings, self.anomaly_bands.get(alarm.name))
        self._resolve_composites()

    # ----------------------------------------------------------------- composite graph

    def _resolve_composites(self) -> None:
        self.children: dict[str, tuple[str, ...]] = {}
        for alarm in self.alarms.values():
            if not isinstance(alarm, CompositeAlarm):
                continue
            names = [self._resolve(alarm.name, "AlarmRule", ref) for ref in alarm.children]
            self.children[alarm.name] = tuple(dict.fromkeys(names))
            if alarm.suppressor is not None:
                self._resolve(alarm.name, "ActionsSuppressor", alarm.suppressor.alarm)
        self.cyclic = _composites_in_cycles(self.children)
        self.composite_order = _topological_order(self.children, self.cyclic)

    def _resolve(self, composite: str, field_name: str, reference: str) -> str:
        name, region, account = alarm_name_from_reference(reference)
        settings = self.settings
        if region is not None and (region, account) != (settings.region, settings.account_id):
            raise AlarmDefinitionError(
                composite,
                field_name,
                f"{reference!r} is in another Region or account than this simulation "
                f"({settings.region}, {settings.account_id})",
            )
        if name not in self.alarms:
            raise AlarmDefinitionError(
                composite, field_name, f"the rule references unknown alarm {reference!r}"
            )
        return name

    # ----------------------------------------------------------------- running

    def run(self, datapoints: Iterable[Datapoint], end_ms: int | None = None) -> SimulationResult:
        """Replay ``datapoints`` (non-decreasing ``timestamp_ms``) up to ``end_ms`` inclusive.

        Without ``end_ms`` the run ends once the stream is exhausted and no alarm can change
        any more.
        """
        if end_ms is None and not self.settings.skip_quiet_periods:
            raise ValueError("evaluating at every instant needs an end_ms")
        return _Run(self, end_ms).execute(iter(datapoints))


class _Run:
    """The mutable state of one :meth:`Simulation.run`."""

    def __init__(self, simulation: Simulation, end_ms: int | None) -> None:
        self.sim = simulation
        self.settings = simulation.settings
        self.end_ms = end_ms
        start = self.settings.start_ms
        self.status = {
            name: _Status(AlarmState.INSUFFICIENT_DATA, INITIAL_REASON, None, start)
            for name in simulation.alarms
        }
        self.runners: dict[str, _MetricRunner] = {}
        self.index: dict[tuple[str, str, tuple[tuple[str, str], ...]], list] = {}
        for alarm in simulation.alarms.values():
            if isinstance(alarm, MetricAlarm):
                self._add_runner(alarm)
        self.heap: list[tuple[int, int, str, str, int]] = []
        self.sequence = 0
        self.suppression = {name: _Suppression() for name in simulation.children}
        self.suppressed_by: dict[str, list[str]] = {}
        for alarm in simulation.alarms.values():
            if isinstance(alarm, CompositeAlarm) and alarm.suppressor and alarm.actions_enabled:
                self.suppressed_by.setdefault(alarm.suppressor.alarm, []).append(alarm.name)
        self.parents: dict[str, list[str]] = {}
        for composite, kids in simulation.children.items():
            for kid in kids:
                self.parents.setdefault(kid, []).append(composite)
        self.composites_created = False
        self.transitions: list[Transition] = []
        self.history: list[HistoryItem] = []
        self.actions: list[Action] = []
        self.suppressed: list[SuppressedAction] = []
        self.warnings: list[str] = [
            f"composite alarm {name!r} is part of a cycle; evaluation stops on a cycle (§11.2)"
            for name in sorted(simulation.cyclic)
        ]
        self.skipped = 0
        self.evaluations = 0
        self.last_timestamp: int | None = None

    def _add_runner(self, alarm: MetricAlarm) -> None:
        runner = _MetricRunner(alarm, self.settings, self.sim.anomaly_bands.get(alarm.name))
        self.runners[alarm.name] = runner
        if alarm.metrics is None:
            assert alarm.namespace is not None and alarm.metric_name is not None
            watches = [("", alarm.namespace, alarm.metric_name, alarm.dimensions, alarm.unit)]
        else:
            watches = [
                (q.id, q.namespace, q.metric_name, q.dimensions, q.unit)
                for q in alarm.metrics.metric_stats
            ]
        for query_id, namespace, name, dimensions, unit in watches:
            key = (namespace, name, dimensions)
            self.index.setdefault(key, []).append((runner, query_id, unit))

    # ----------------------------------------------------------------- scheduling

    def _push(self, time_ms: int, kind: str, name: str, token: int = 0) -> None:
        self.sequence += 1
        heapq.heappush(self.heap, (time_ms, self.sequence, kind, name, token))

    def execute(self, stream: Iterator[Datapoint]) -> SimulationResult:
        start = self.settings.start_ms
        for name, runner in self.runners.items():
            self._push(runner.first_instant(start), "evaluate", name)
        if self.sim.children:
            self._push(_ceil_to(start, MINUTE_MS), "create", "")
        pending = self._next_datapoint(stream)
        while True:
            next_time = self.heap[0][0] if self.heap else None
            if pending is not None:
                arrival = pending.timestamp_ms + self.settings.datapoint_resolution_ms
                arrival += self.settings.ingestion_lag_ms
                if (next_time is None or arrival <= next_time) and (
                    self.end_ms is None or arrival <= self.end_ms
                ):
                    self._ingest(pending)
                    pending = self._next_datapoint(stream)
                    continue
            if next_time is None or (self.end_ms is not None and next_time > self.end_ms):
                break
            self._process_instant(next_time)
        return self._result()

    def _next_datapoint(self, stream: Iterator[Datapoint]) -> Datapoint | None:
        for datapoint in stream:
            problem = self._problem(datapoint)
            if problem is None:
                self.last_timestamp = datapoint.timestamp_ms
                return datapoint
            if self.settings.strict:
                raise ValueError(problem)
            self.skipped += 1
            if self.skipped <= 10:
                self.warnings.append(f"skipped datapoint: {problem}")
        return None

    def _problem(self, datapoint: object) -> str | None:
        if not isinstance(datapoint, Datapoint):
            return f"expected a Datapoint, got {type(datapoint).__name__}"
        if self.last_timestamp is not None and datapoint.timestamp_ms < self.last_timestamp:
            return (
                f"{datapoint.key} at {iso_date(datapoint.timestamp_ms)} is older than the "
                f"previous datapoint ({iso_date(self.last_timestamp)}); the stream must be in "
                "timestamp order"
            )
        if not datapoint.values:
            return f"{datapoint.key} at {iso_date(datapoint.timestamp_ms)} has no values"
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in datapoint.values):
            return f"{datapoint.key} at {iso_date(datapoint.timestamp_ms)} has a non-finite value"
        return None

    def _ingest(self, datapoint: Datapoint) -> None:
        key = datapoint.key
        for runner, query_id, unit in self.index.get((key.namespace, key.name, key.dimensions), ()):
            if unit is not None and key.unit != unit:
                continue
            if unit is None:
                runner.units.add(key.unit)
                if len(runner.units) == 2:
                    self.warnings.append(
                        f"alarm {runner.alarm.name!r} has no Unit and its metric is published "
                        f"with several units ({', '.join(sorted(runner.units))}); CloudWatch's "
                        "behaviour is undefined, all units are aggregated together (A17)"
                    )
            visible = runner.add(query_id, datapoint)
            first = runner.first_instant(self.settings.start_ms)
            self._push(max(visible, first), "evaluate", runner.alarm.name)

    # ----------------------------------------------------------------- one instant

    def _process_instant(self, at_ms: int) -> None:
        due_metrics: dict[str, None] = {}
        due_timers: list[tuple[str, int]] = []
        while self.heap and self.heap[0][0] == at_ms:
            _, _, kind, name, token = heapq.heappop(self.heap)
            if kind == "evaluate":
                due_metrics[name] = None
            elif kind == "timer":
                due_timers.append((name, token))
        changed: list[str] = []
        for name in self.runners:
            if name in due_metrics:
                self._evaluate_metric(name, at_ms, changed)
        self._evaluate_composites(at_ms, changed)
        self._run_suppression(at_ms, changed)
        for name, token in due_timers:
            self._fire_timer(name, token, at_ms)

    def _evaluate_metric(self, name: str, at_ms: int, changed: list[str]) -> None:
        runner = self.runners[name]
        status = self.status[name]
        evaluation = runner.evaluate(at_ms, status.state)
        self.evaluations += 1
        if evaluation.changed:
            assert evaluation.reason is not None
            self._transition(
                name, at_ms, evaluation.state, evaluation.reason, evaluation.reason_data
            )
            changed.append(name)
        wake = runner.next_wake(at_ms)
        if wake is not None:
            self._push(wake, "evaluate", name)

    def _evaluate_composites(self, at_ms: int, changed: list[str]) -> None:
        if not self.sim.children:
            return
        dirty = set(self.sim.children) if not self.composites_created else set()
        self.composites_created = True
        triggers: dict[str, list[str]] = {}
        for name in changed:
            for parent in self.parents.get(name, ()):
                dirty.add(parent)
                triggers.setdefault(parent, []).append(name)
        for name in self.sim.composite_order:
            if name not in dirty:
                continue
            composite = self.sim.alarms[name]
            assert isinstance(composite, CompositeAlarm)
            new_state = composite.evaluate({n: s.state for n, s in self.status.items()})
            if new_state is self.status[name].state:
                continue
            triggering = triggers.get(name) or list(self.sim.children[name])
            reason, data = self._composite_reason(triggering)
            self._transition(name, at_ms, new_state, reason, data)
            changed.append(name)
            for parent in self.parents.get(name, ()):
                dirty.add(parent)
                triggers.setdefault(parent, []).append(name)

    def _composite_reason(self, triggering: Sequence[str]) -> tuple[str, str]:
        settings = self.settings
        items = []
        for name in triggering:
            arn = self.sim.alarms[name].arn(settings.region, settings.account_id)
            status = self.status[name]
            items.append(
                {
                    "arn": arn,
                    "state": {"value": status.state.value, "timestamp": iso_date(status.since_ms)},
                }
            )
        first = items[0]
        since = self.status[triggering[0]].since_ms
        reason = f"{first['arn']} transitioned to {first['state']['value']} at {long_date(since)}"
        return reason, to_json({"triggeringAlarms": items})

    # ----------------------------------------------------------------- transitions & actions

    def _transition(
        self, name: str, at_ms: int, new_state: AlarmState, reason: str, data: str | None
    ) -> None:
        status = self.status[name]
        alarm = self.sim.alarms[name]
        settings = self.settings
        change = Change(
            alarm, alarm.arn(settings.region, settings.account_id), at_ms, status.state,
            new_state, reason, data, status.reason, status.reason_data, status.since_ms,
        )  # fmt: skip
        self.transitions.append(Transition(name, at_ms, status.state, new_state, reason, data))
        self.history.append(state_update_item(change))
        self.status[name] = _Status(new_state, reason, data, at_ms, status.state)
        if not alarm.actions_enabled:
            return
        if isinstance(alarm, CompositeAlarm) and alarm.suppressor is not None:
            self._composite_changed(alarm, change)
        else:
            self._execute(change)

    def _execute(self, change: Change) -> None:
        settings = self.settings
        for action in build_actions(
            change, settings.region, settings.account_id, settings.start_ms
        ):
            self.actions.append(action)
            self.history.append(action_item(action, change.alarm))

    def _composite_changed(self, composite: CompositeAlarm, change: Change) -> None:
        assert composite.suppressor is not None
        book = self.suppression[composite.name]
        if book.owed is not None and book.timer is not None:
            self._record_suppressed(composite.name, book, change.time_ms, book.timer)
        book.owed, book.timer = change.new_state, None
        book.token += 1
        if self.status[composite.suppressor.alarm].state is AlarmState.ALARM:
            self._record_suppressed(composite.name, book, change.time_ms, "Alarm")
            return
        self._start_timer(
            composite.name,
            book,
            "WaitPeriod",
            change.time_ms + composite.suppressor.wait_period_s * 1000,
        )

    def _start_timer(self, name: str, book: _Suppression, kind: str, deadline: int) -> None:
        book.timer = kind
        book.token += 1
        self._push(deadline, "timer", name, book.token)

    def _record_suppressed(self, name: str, book: _Suppression, at_ms: int, by: str) -> None:
        assert book.owed is not None
        self.suppressed.append(SuppressedAction(name, book.owed, at_ms, by))

    def _run_suppression(self, at_ms: int, changed: Sequence[str]) -> None:
        """§11.3: the suppressor entering ALARM cancels a running wait or extension period;
        leaving ALARM starts an extension period for actions it held back."""
        for suppressor in changed:
            status = self.status[suppressor]
            entered = status.state is AlarmState.ALARM
            left = status.previous is AlarmState.ALARM and not entered
            for name in self.suppressed_by.get(suppressor, ()):
                book = self.suppression[name]
                if book.owed is None:
                    continue
                if entered and book.timer is not None:
                    self._record_suppressed(name, book, at_ms, book.timer)
                    book.timer = None
                    book.token += 1
                elif left and book.timer is None:
                    composite = self.sim.alarms[name]
                    assert isinstance(composite, CompositeAlarm) and composite.suppressor
                    deadline = at_ms + composite.suppressor.extension_period_s * 1000
                    self._start_timer(name, book, "ExtensionPeriod", deadline)

    def _fire_timer(self, name: str, token: int, at_ms: int) -> None:
        book = self.suppression[name]
        if token != book.token or book.owed is None or book.timer is None:
            return
        status = self.status[name]
        book.owed, book.timer = None, None
        composite = self.sim.alarms[name]
        settings = self.settings
        change = Change(
            composite, composite.arn(settings.region, settings.account_id), at_ms,
            status.state, status.state, status.reason, status.reason_data, status.reason,
            status.reason_data, status.since_ms,
        )  # fmt: skip
        self._execute(change)

    # ----------------------------------------------------------------- result

    def _result(self) -> SimulationResult:
        return SimulationResult(
            start_ms=self.settings.start_ms,
            alarm_names=tuple(self.sim.alarms),
            transitions=self.transitions,
            history=self.history,
            actions=self.actions,
            suppressed_actions=self.suppressed,
            warnings=self.warnings,
            skipped_datapoints=self.skipped,
            evaluations=self.evaluations,
        )


def _composites_in_cycles(children: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Composite alarms that can reach themselves through their rules."""
    cyclic = set()
    for start in children:
        stack, seen = list(children[start]), set()
        while stack:
            node = stack.pop()
            if node == start:
                cyclic.add(start)
                break
            if node in seen or node not in children:
                continue
            seen.add(node)
            stack.extend(children[node])
    return frozenset(cyclic)


def _topological_order(
    children: Mapping[str, tuple[str, ...]], cyclic: frozenset[str]
) -> tuple[str, ...]:
    """Composites (outside cycles) ordered so every child comes before its parents."""
    order: list[str] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name in cyclic:
            return
        placed.add(name)
        for child in children[name]:
            if child in children:
                place(child)
        order.append(name)

    for name in children:
        place(name)
    return tuple(order)

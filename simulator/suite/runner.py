"""Run the cases of a test file and say, for each, what differed from the expectation.

A pattern case matches its messages; a metric case replays its events through the
file's metric filters and compares the per-minute datapoints; an alarm case goes on
through the alarm engine and compares states and transitions.  Failures are written
as a short statement plus a unified diff of expected against actual, so they read like
pytest's.
"""

from __future__ import annotations

import difflib
import heapq
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import orjson

from simulator.alarms import (
    AlarmState,
    CompositeAlarm,
    Simulation,
    SimulationSettings,
    Transition,
    alarm_name_from_reference,
)
from simulator.events import LogEvent, Report
from simulator.filters import EventScorer, MetricFilter, MetricPipeline, ScoredEvent
from simulator.metrics import Datapoint
from simulator.replay import LOCAL_ENGINE, chosen_engine, open_engine, reorder
from simulator.sources import Format, PathFilter, ReadOptions, iter_log_files, read_events
from simulator.suite.model import (
    AlarmCase,
    AnyAlarm,
    Case,
    EventSource,
    ExpectedDatapoint,
    ExpectedTransition,
    MetricCase,
    PatternCase,
    TestFile,
)
from simulator.suite.schema import Where
from simulator.synth import generate, load_scenario
from simulator.timestamps import iso_text, parse_iso_ms

MINUTE_MS = 60_000
MESSAGE_PREVIEW = 160


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: empty ``failures`` means it passed."""

    file: str
    kind: str
    name: str
    where: Where
    failures: tuple[str, ...]
    seconds: float
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None

    @property
    def id(self) -> str:
        return f"{self.file}::{self.kind}::{self.name}"


def run_file(test_file: TestFile) -> list[CaseResult]:
    return [run_case(test_file, case) for case in test_file.cases]


def run_case(test_file: TestFile, case: Case) -> CaseResult:
    started = time.perf_counter()
    error = None
    try:
        failures = tuple(_check(test_file, case))
    except (OSError, ValueError) as problem:  # unreadable event files, bad scenario, ...
        failures, error = (), f"{type(problem).__name__}: {problem}"
    return CaseResult(test_file.path, case.kind, case.name, case.where, failures,
                      time.perf_counter() - started, error)


def _check(test_file: TestFile, case: Case) -> Iterator[str]:
    if isinstance(case, PatternCase):
        yield from _check_pattern(case)
    elif isinstance(case, MetricCase):
        yield from _check_metric(test_file, case)
    else:
        yield from _check_alarm(test_file, case)


# ------------------------------------------------------------------------ patterns


def _check_pattern(case: PatternCase) -> Iterator[str]:
    for number, expectation in enumerate(case.expectations, 1):
        actual = case.pattern.extract(expectation.message)
        where = f"event {number} ({expectation.where})"
        preview = _preview(expectation.message)
        if expectation.match and actual is None:
            yield f"{where}: expected a match, got none\n  message: {preview}"
        elif not expectation.match and actual is not None:
            yield f"{where}: expected no match, but it matched\n  message: {preview}"
        elif expectation.extracted is not None and actual != expectation.extracted:
            yield (f"{where}: extracted values differ\n  message: {preview}\n"
                   + _diff(_json_lines(expectation.extracted), _json_lines(actual or {})))


def _preview(message: str) -> str:
    flat = message.replace("\n", "\\n")
    return flat if len(flat) <= MESSAGE_PREVIEW else flat[:MESSAGE_PREVIEW] + "..."


def _json_lines(values: dict[str, str]) -> list[str]:
    return [f"{key}: {values[key]!r}" for key in sorted(values)]


def _diff(expected: list[str], actual: list[str]) -> str:
    lines = difflib.unified_diff(expected, actual, "expected", "actual", lineterm="", n=2)
    return "\n".join("  " + line for line in lines)


# ------------------------------------------------------------------------- metrics


def _check_metric(test_file: TestFile, case: MetricCase) -> Iterator[str]:
    filters = [test_file.definitions.filters[name]
               for name in case.filters or test_file.definitions.filters]
    report = Report()
    datapoints = list(_datapoints(test_file, filters, case.source, report))
    expected = [_expected_line(point) for point in case.expected]
    actual = [_actual_line(point, datapoint) for datapoint in datapoints
              for point in _first_selecting(case.expected, datapoint)]
    if sorted(expected) != sorted(actual):
        yield "datapoints differ\n" + _diff(sorted(expected), sorted(actual))
    yield from _problems(report)


def _first_selecting(expected: tuple[ExpectedDatapoint, ...],
                     datapoint: Datapoint) -> Iterable[ExpectedDatapoint]:
    """The expectation this datapoint answers: same metric and minute, else same metric
    (an unexpected datapoint of a metric the case is about)."""
    selecting = [point for point in expected if point.metric.selects(datapoint.key)]
    timely = [point for point in selecting if point.at_ms == datapoint.timestamp_ms]
    return (timely or selecting)[:1]


def _expected_line(point: ExpectedDatapoint) -> str:
    parts = [f"{iso_text(point.at_ms)} {point.metric.namespace}/{point.metric.name}"]
    if point.values is not None:
        parts.append(f"values={sorted(point.values)}")
    parts += [f"{name}={value:g}" for name, value in sorted(point.statistics.items())]
    return " ".join(parts)


def _actual_line(point: ExpectedDatapoint, datapoint: Datapoint) -> str:
    """The actual datapoint, shown with the same fields the expectation names."""
    values = datapoint.values
    parts = [f"{iso_text(datapoint.timestamp_ms)} {datapoint.key.namespace}/{datapoint.key.name}"]
    if point.values is not None:
        parts.append(f"values={sorted(values)}")
    computed = {"sum": sum(values), "count": float(len(values)), "min": min(values),
                "max": max(values)}
    parts += [f"{name}={computed[name]:g}" for name in sorted(point.statistics)]
    return " ".join(parts)


def _problems(report: Report) -> Iterator[str]:
    if report.bad or report.late:
        yield "some events could not be used:\n" + "\n".join(
            "  " + line for line in report.summary_lines())


# -------------------------------------------------------------------------- alarms


def _check_alarm(test_file: TestFile, case: AlarmCase) -> Iterator[str]:
    definitions = test_file.definitions
    alarms = _with_children(case.alarm, definitions.alarms)
    report = Report()
    first_event: list[int] = []
    datapoints = _datapoints(test_file, list(definitions.filters.values()), case.source,
                             report, first_event)
    first, datapoints = _peek(datapoints)  # reads up to the first datapoint
    start_ms = case.start_ms
    if start_ms is None:  # as replay does: alarms created at the first event's minute
        earliest = [*first_event, *([first.timestamp_ms] if first else [])]
        start_ms = min(earliest, default=0) // MINUTE_MS * MINUTE_MS
    settings = SimulationSettings(start_ms=start_ms,
                                  evaluation_range=test_file.settings.evaluation_range,
                                  ingestion_lag_ms=test_file.settings.ingestion_lag_ms)
    result = Simulation(alarms, settings).run(datapoints, case.end_ms)
    for expectation in case.states:
        actual = result.state_at(case.alarm, expectation.at_ms)
        if actual is not expectation.state:
            yield (f"state at {iso_text(expectation.at_ms)} ({expectation.where}): "
                   f"expected {expectation.state.value}, got {actual.value}")
    if case.transitions is not None:
        actual = result.transitions_of(case.alarm)
        expected = case.transitions
        if len(expected) != len(actual) or not all(map(_same_transition, expected, actual)):
            yield "transitions differ\n" + _diff(
                [_transition_line(t.at_ms, t.from_, t.to) for t in expected],
                [_transition_line(t.time_ms, t.old_state, t.new_state) for t in actual])
    yield from _problems(report)


def _same_transition(expected: ExpectedTransition, actual: Transition) -> bool:
    """Fields the expectation leaves out (time, previous state) match anything."""
    return (expected.to is actual.new_state
            and (expected.at_ms is None or expected.at_ms == actual.time_ms)
            and (expected.from_ is None or expected.from_ is actual.old_state))


def _transition_line(at_ms: int | None, from_: AlarmState | None, to: AlarmState) -> str:
    when = iso_text(at_ms) if at_ms is not None else "(any time)"
    source = f"{from_.value} -> " if from_ is not None else ""
    return f"{when} {source}{to.value}"


def _with_children(name: str, alarms: dict[str, AnyAlarm]) -> list[AnyAlarm]:
    """The alarm and, for composites, every alarm its rule refers to."""
    chosen: dict[str, AnyAlarm] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in chosen or current not in alarms:
            continue
        alarm = chosen[current] = alarms[current]
        if isinstance(alarm, CompositeAlarm):
            pending.extend(alarm_name_from_reference(child)[0] for child in alarm.children)
            if alarm.suppressor:
                pending.append(alarm.suppressor.alarm)
    return list(chosen.values())


def _peek(items: Iterator[Datapoint]) -> tuple[Datapoint | None, Iterator[Datapoint]]:
    first = next(items, None)
    if first is None:
        return None, iter(())
    return first, _chain_first(first, items)


def _chain_first(first: Datapoint, rest: Iterator[Datapoint]) -> Iterator[Datapoint]:
    yield first
    yield from rest


# -------------------------------------------------------------------------- events


def _datapoints(test_file: TestFile, filters: list, source: EventSource, report: Report,
                first_event: list[int] | None = None) -> Iterator[Datapoint]:
    """Events through the metric filters, merged with any direct datapoints; the first
    event's time is appended to ``first_event`` when it is read."""
    streams: list[Iterator[Datapoint]] = [iter(sorted(source.datapoints,
                                                      key=lambda d: d.timestamp_ms))]
    if source.inline or source.files or source.synth:
        pipeline = MetricPipeline(filters, report,
                                  default_value_mode=test_file.settings.default_value_mode)
        events = _noting_first(_events(test_file, source, report, pipeline.scorer),
                               first_event)
        streams.append(pipeline.run_scored(events))
    return heapq.merge(*streams, key=lambda d: d.timestamp_ms)


def _noting_first(events: Iterator[ScoredEvent],
                  first: list[int] | None) -> Iterator[ScoredEvent]:
    for event in events:
        if first is not None and not first:
            first.append(event.timestamp_ms)
        yield event


def _events(test_file: TestFile, source: EventSource, report: Report,
            scorer: EventScorer) -> Iterator[ScoredEvent]:
    inline = iter(sorted(source.inline, key=lambda e: e.timestamp_ms))
    streams: list[Iterator[ScoredEvent]] = [scorer.score_events(inline)]
    window = test_file.settings.reorder_window_ms
    for path, fmt in source.files:
        streams.append(reorder(_file_events(path, fmt, report, scorer), report,
                               window_ms=window))
    if source.synth is not None:
        scenario_path, seed = source.synth
        streams.append(scorer.score_events(_synth_events(scenario_path, seed)))
    return heapq.merge(*streams, key=lambda e: e.timestamp_ms)


def _file_events(path: str, fmt: str, report: Report,
                 scorer: EventScorer) -> Iterator[ScoredEvent]:
    """The events of an ``events_from`` source, scored here or by the chosen engine
    (``cwpattern test --engine dask``)."""
    if chosen_engine() == LOCAL_ENGINE:
        yield from scorer.score_events(read_events([path], report, format=fmt))
        return
    yield from _engine_events(scorer.filters, path, fmt, report, scorer.unmatched)


def _engine_events(filters: Sequence[MetricFilter], path: str, fmt: str, report: Report,
                   unmatched: tuple) -> Iterator[ScoredEvent]:
    """What :class:`simulator.replay.driver.ReplayRun` does with an engine, for one source."""
    with open_engine(filters, ReadOptions(format=Format(fmt)), jobs=1) as score:
        for scored in score(iter_log_files(path, PathFilter(), report)):
            report.absorb(scored.report)
            for index, (timestamp, outcome) in enumerate(zip(scored.timestamps,
                                                             scored.outcomes, strict=True)):
                yield ScoredEvent(timestamp, scored.origin(index),
                                  unmatched if outcome is None else outcome,
                                  scored.contributors.get(index))


def _synth_events(scenario_path: str, seed: int | None) -> Iterator[LogEvent]:
    scenario = load_scenario(scenario_path)
    for index, record in enumerate(generate(scenario, seed)):
        yield LogEvent(parse_iso_ms(str(record["eventTime"])), orjson.dumps(record).decode(),
                       f"{scenario_path}#{index}")



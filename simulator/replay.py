"""Replay log files through metric filters and alarms: the engine of ``cwpattern replay``.

A replay reads every file of a trail export, turns matching events into per-minute
datapoints, and runs the alarms over them, reporting what CloudWatch would have done.
The work is split where it parallelises:

1. *Scoring*, per file: read the file and decide for each event what every metric
   filter does with it (:class:`~simulator.pipeline.EventScorer`).  This is the costly
   part (decompression, JSON, matching) and runs in worker processes with ``jobs > 1``.
2. *Sequencing*, in file order, in this process: put the scored events in time order
   (bounded reorder window), build per-minute datapoints, and run the alarms.

With ``jobs == 1`` the same two steps run in one process, so the output is identical,
byte for byte, whatever the number of jobs.  Memory stays bounded: files are scored a
few at a time, and only the reorder window's events are held.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.alarm import MetricAlarm
from simulator.composite import CompositeAlarm
from simulator.contributors import Contributor, ContributorTable, contributor
from simulator.events import Report
from simulator.metric_filter import MetricFilter
from simulator.metrics import Datapoint, MetricKey
from simulator.pipeline import EventScorer, MetricPipeline, ScoredEvent
from simulator.reorder import DEFAULT_WINDOW_MS, reorder
from simulator.simulation import Simulation, SimulationResult, SimulationSettings
from simulator.sources import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    MAX_EVENT_BYTES,
    Format,
    PathFilter,
    ReadOptions,
    read_file,
)
from simulator.sources.tree import iter_log_files
from simulator.timestamps import MINUTE_MS, format_iso_ms

AnyAlarm = MetricAlarm | CompositeAlarm
#: Below this much input a replay scores inline: starting workers (about half a second)
#: would cost more than it saves.
MIN_BYTES_FOR_WORKERS = 8 << 20
Progress = Callable[["ProgressState"], None]


@dataclass(frozen=True)
class ReplayOptions:
    """How to read the sources and the knobs of the simulation."""

    format: str = "auto"
    path_filter: PathFilter = field(default_factory=PathFilter)
    strict: bool = False
    jobs: int = 1
    reorder_window_ms: int = DEFAULT_WINDOW_MS
    default_value_mode: str = "per-minute"
    evaluation_range: int | None = None
    ingestion_lag_ms: int = 0
    max_event_bytes: int = MAX_EVENT_BYTES
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES

    def read_options(self) -> ReadOptions:
        return ReadOptions(format=Format(self.format), max_event_bytes=self.max_event_bytes,
                           max_decompressed_bytes=self.max_decompressed_bytes)


@dataclass
class ProgressState:
    """What a progress display shows; totals are None when unknown."""

    files_done: int = 0
    files_total: int | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    events: int = 0
    started: float = field(default_factory=time.monotonic)


@dataclass
class MetricSummary:
    """What one metric received over the replay, with a per-minute series of sums."""

    datapoints: int = 0
    samples: int = 0
    total: float = 0.0
    busiest_minute: float = float("-inf")
    series: list[tuple[int, float]] = field(default_factory=list)

    def add(self, datapoint: Datapoint) -> None:
        minute_sum = sum(datapoint.values)
        self.datapoints += 1
        self.samples += len(datapoint.values)
        self.total += minute_sum
        self.busiest_minute = max(self.busiest_minute, minute_sum)
        self.series.append((datapoint.timestamp_ms, minute_sum))


@dataclass
class ReplayResult:
    """Everything a replay found: accounting, metrics, alarm history, contributors."""

    files: int
    report: Report
    accounting: dict[str, dict[str, int]]
    metrics: dict[MetricKey, MetricSummary]
    simulation: SimulationResult | None
    contributors: dict[str, ContributorTable]
    start_ms: int | None
    end_ms: int | None
    seconds: float

    @property
    def balanced(self) -> bool:
        """Every input item accounted for: read = matched + unmatched + bad + late."""
        return all(row["matched"] + row["unmatched"] + row["bad"] + row["late"] == row["read"]
                   for row in self.accounting.values())

    def to_dict(self) -> dict[str, Any]:
        """The whole result as JSON-ready data (``cwpattern replay --json``)."""
        simulation = self.simulation
        return {
            "files": self.files,
            "start": format_iso_ms(self.start_ms) if self.start_ms is not None else None,
            "end": format_iso_ms(self.end_ms) if self.end_ms is not None else None,
            "input": self.report.to_dict(),
            "accounting": self.accounting,
            "accounting_balanced": self.balanced,
            "metrics": [_metric_dict(key, summary) for key, summary in self.metrics.items()],
            "alarms": _alarms_dict(simulation) if simulation is not None else None,
            "contributors": {
                name: [{"principal": who, "action": action, "resource": resource,
                        "count": count} for (who, action, resource), count in table.top(25)]
                for name, table in self.contributors.items()
            },
        }


def _metric_dict(key: MetricKey, summary: MetricSummary) -> dict[str, Any]:
    return {"namespace": key.namespace, "name": key.name, "dimensions": dict(key.dimensions),
            "unit": key.unit, "datapoints": summary.datapoints, "samples": summary.samples,
            "sum": summary.total, "max_minute_sum": summary.busiest_minute,
            "series": [[format_iso_ms(when), value] for when, value in summary.series]}


def _alarms_dict(result: SimulationResult) -> dict[str, Any]:
    return {
        "final_states": {name: state.value for name, state in result.final_states.items()},
        "transitions": [{"time": format_iso_ms(t.time_ms), "alarm": t.alarm_name,
                         "from": t.old_state.value, "to": t.new_state.value,
                         "reason": t.reason, "reason_data": t.reason_data}
                        for t in result.transitions],
        "actions": [{"time": format_iso_ms(a.time_ms), "alarm": a.alarm_name,
                     "state": a.state.value, "target": a.target, "kind": a.kind,
                     "subject": a.subject, "payload": a.payload} for a in result.actions],
        "history": [{"time": format_iso_ms(h.timestamp_ms), "alarm": h.alarm_name,
                     "type": h.history_item_type, "summary": h.summary,
                     "data": h.history_data} for h in result.history],
        "warnings": list(result.warnings),
    }


@dataclass
class FileScore:
    """One file, scored: its events' times, origins and outcomes, and its problems."""

    path: str
    size: int
    report: Report
    timestamps: list[int]
    origins: list[str]
    outcomes: list[tuple | None]  # None: no filter matched
    contributors: dict[int, Contributor]


def replay(filters: Sequence[MetricFilter], alarms: Sequence[AnyAlarm],
           sources: Sequence[str], options: ReplayOptions = ReplayOptions(),
           progress: Progress | None = None) -> ReplayResult:
    """Replay ``sources`` (files, directories, ``-``) through the filters and alarms."""
    started = time.monotonic()
    report = Report(strict=options.strict)
    totals = _totals(sources, options)
    state = ProgressState(**totals) if progress else None
    if totals["bytes_total"] is not None and totals["bytes_total"] < MIN_BYTES_FOR_WORKERS:
        options = replace(options, jobs=1)
    pipeline = MetricPipeline(filters, report, default_value_mode=options.default_value_mode)
    contributors = {f.filter_name: ContributorTable() for f in filters}
    metrics: dict[MetricKey, MetricSummary] = {}
    files = [0]
    newest = [None]
    with _scorer_pool(filters, options) as score:
        scored = _sequence(score(_files(sources, options, report)), report, pipeline, files,
                           state, progress)
        ordered = reorder(scored, report, window_ms=options.reorder_window_ms)
        first, ordered = _peek(ordered)
        start_ms = first.timestamp_ms - first.timestamp_ms % MINUTE_MS if first else None
        datapoints = _summarise(
            pipeline.run_scored(_counting(ordered, filters, contributors, newest)), metrics)
        simulation = None
        if alarms and start_ms is not None:
            settings = SimulationSettings(start_ms=start_ms,
                                          evaluation_range=options.evaluation_range,
                                          ingestion_lag_ms=options.ingestion_lag_ms)
            simulation = Simulation(alarms, settings).run(datapoints)
        else:
            for _ in datapoints:
                pass
    return ReplayResult(files[0], report, pipeline.accounting(), metrics, simulation,
                        contributors, start_ms, newest[0], time.monotonic() - started)


# ------------------------------------------------------------------------------ scoring

_WORKER: dict[str, Any] = {}


def _init_worker(filter_params: list[dict[str, Any]], options: ReplayOptions) -> None:
    filters = [MetricFilter.from_aws(params) for params in filter_params]
    _WORKER["scorer"] = EventScorer(filters)
    _WORKER["options"] = options.read_options()


def score_file(path: str) -> FileScore:
    """Read and score one file (in a worker, or inline for ``jobs == 1``)."""
    scorer: EventScorer = _WORKER["scorer"]
    report = Report()
    timestamps: list[int] = []
    origins: list[str] = []
    outcomes: list[tuple | None] = []
    found: dict[int, Contributor] = {}
    for event in read_file(path, report, _WORKER["options"]):
        outcome = scorer.score(event.message)
        if outcome is not scorer.unmatched:
            who = contributor(event.message)
            if who is not None:
                found[len(outcomes)] = who
        timestamps.append(event.timestamp_ms)
        origins.append(event.origin)
        outcomes.append(None if outcome is scorer.unmatched else outcome)
    size = os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0
    return FileScore(path, size, report, timestamps, origins, outcomes, found)


class _scorer_pool:
    """Context manager giving ``map``-like scoring: inline, or over worker processes.

    Worker processes score a bounded number of files ahead of the sequencing step, so
    memory does not grow with the number of files; results come back in file order.  A
    worker that dies surfaces as an error instead of a hang.
    """

    AHEAD_PER_JOB = 4

    def __init__(self, filters: Sequence[MetricFilter], options: ReplayOptions) -> None:
        self.params = [_filter_params(f) for f in filters]
        self.options = options
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Callable[[Iterable[str]], Iterator[FileScore]]:
        if self.options.jobs <= 1:
            _init_worker(self.params, self.options)
            return lambda paths: map(score_file, paths)
        self.executor = ProcessPoolExecutor(
            self.options.jobs, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(self.params, self.options))
        return self._ordered

    def _ordered(self, paths: Iterable[str]) -> Iterator[FileScore]:
        assert self.executor is not None
        pending: deque[Future[FileScore]] = deque()
        limit = self.options.jobs * self.AHEAD_PER_JOB
        for path in paths:
            pending.append(self.executor.submit(score_file, path))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _filter_params(metric_filter: MetricFilter) -> dict[str, Any]:
    """PutMetricFilter parameters rebuilding this filter (workers rebuild and compile)."""
    t = metric_filter.transformation
    transformation: dict[str, Any] = {"metricName": t.metric_name,
                                      "metricNamespace": t.metric_namespace,
                                      "metricValue": t.metric_value, "unit": t.unit}
    if t.default_value is not None:
        transformation["defaultValue"] = t.default_value
    if t.dimensions:
        transformation["dimensions"] = dict(t.dimensions)
    return {"filterName": metric_filter.filter_name,
            "filterPattern": metric_filter.filter_pattern,
            "metricTransformations": [transformation]}


# --------------------------------------------------------------------------- sequencing


def _files(sources: Sequence[str], options: ReplayOptions, report: Report) -> Iterator[str]:
    for source in sources:
        yield from iter_log_files(source, options.path_filter, report)


def _totals(sources: Sequence[str], options: ReplayOptions) -> dict[str, int | None]:
    """File count and bytes for the progress display (a listing pass, no reading)."""
    if any(source == "-" for source in sources):
        return {"files_total": None, "bytes_total": None}
    count = size = 0
    for path in _files(sources, options, Report()):
        count += 1
        size += os.path.getsize(path) if os.path.isfile(path) else 0
    return {"files_total": count, "bytes_total": size}


def _sequence(scores: Iterable[FileScore], report: Report, pipeline: MetricPipeline,
              files: list[int], state: ProgressState | None,
              progress: Progress | None) -> Iterator[ScoredEvent]:
    """Scored files, in file order, as one stream of scored events."""
    unmatched = pipeline.scorer.unmatched
    for score in scores:
        report.absorb(score.report)
        files[0] += 1
        if state is not None and progress is not None:
            state.files_done += 1
            state.bytes_done += score.size
            state.events += len(score.timestamps)
            progress(state)
        origins, found = score.origins, score.contributors
        for index, (timestamp, outcome) in enumerate(zip(score.timestamps, score.outcomes,
                                                         strict=True)):
            yield ScoredEvent(timestamp, origins[index],
                              unmatched if outcome is None else outcome, found.get(index))


def _counting(events: Iterable[ScoredEvent], filters: Sequence[MetricFilter],
              tables: dict[str, ContributorTable],
              newest: list[int | None]) -> Iterator[ScoredEvent]:
    """Count who is behind each filter's matches, for the events that are used, and
    remember the newest event time."""
    names = [f.filter_name for f in filters]
    for event in events:
        newest[0] = event.timestamp_ms
        who = event.contributor
        if who is not None:
            for name, outcome in zip(names, event.outcomes, strict=True):
                if outcome is not None:
                    tables[name].add(who)
        yield event


def _summarise(datapoints: Iterable[Datapoint],
               metrics: dict[MetricKey, MetricSummary]) -> Iterator[Datapoint]:
    for datapoint in datapoints:
        metrics.setdefault(datapoint.key, MetricSummary()).add(datapoint)
        yield datapoint


def _peek(events: Iterator[ScoredEvent]) -> tuple[ScoredEvent | None, Iterator[ScoredEvent]]:
    first = next(events, None)
    if first is None:
        return None, iter(())

    def chained() -> Iterator[ScoredEvent]:
        yield first
        yield from events

    return first, chained()

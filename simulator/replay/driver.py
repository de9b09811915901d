"""Replay log files through metric filters and alarms: the engine of ``cwpattern replay``.

A replay reads every file of a trail export, turns matching events into per-minute
datapoints, and runs the alarms over them, reporting what CloudWatch would have done.
The work is split where it parallelises:

1. *Scoring*, per file: read the file and decide for each event what every metric
   filter does with it (:class:`~simulator.filters.pipeline.EventScorer`).  This is the costly
   part (decompression, JSON, matching) and runs in worker processes with ``jobs > 1``,
   or on a Dask cluster (``engine="dask"``, :mod:`simulator.replay.engine_dask`).
2. *Sequencing*, in file order, in this process: put the scored events in time order
   (bounded reorder window), build per-minute datapoints, and run the alarms.

With ``jobs == 1`` the same two steps run in one process, so the output is identical,
byte for byte, whatever the number of jobs.  Memory stays bounded: files are scored a
few at a time, and only the reorder window's events are held.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.alarms import (
    CompositeAlarm,
    MetricAlarm,
    Simulation,
    SimulationResult,
    SimulationSettings,
)
from simulator.events import Report
from simulator.filters import MetricFilter, MetricPipeline, ScoredEvent
from simulator.metrics import Datapoint, MetricKey
from simulator.replay.checkpoint import Checkpoint, CheckpointError
from simulator.replay.contributors import ContributorTable
from simulator.replay.engines import EngineChoice, open_engine
from simulator.replay.reorder_window import DEFAULT_WINDOW_MS
from simulator.replay.scoring import FileScore, _filter_params
from simulator.replay.sequencer import Sequencer
from simulator.sources import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    MAX_EVENT_BYTES,
    Format,
    PathFilter,
    ReadOptions,
    is_s3_url,
    iter_source_files,
)
from simulator.timestamps import MINUTE_MS, format_iso_ms

AnyAlarm = MetricAlarm | CompositeAlarm
#: Below this much input a replay scores inline: starting workers (about half a second)
#: would cost more than it saves.
MIN_BYTES_FOR_WORKERS = 8 << 20
Progress = Callable[["ProgressState"], None]


@dataclass(frozen=True)
class ReplayOptions:
    """How to read the sources and the knobs of the simulation.

    ``engine`` scores the files: ``"local"`` (``jobs`` processes on this machine) or
    ``"dask"`` (the Dask cluster at ``scheduler``, or a LocalCluster started for the
    replay when ``scheduler`` is None); None takes :func:`simulator.replay.engines.chosen_engine`
    (local unless a ``using_engine`` block, such as the CLI's ``--engine``, says otherwise).
    """

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
    checkpoint_dir: str | None = None
    engine: str | None = None
    scheduler: str | None = None

    def __post_init__(self) -> None:
        self.engine_choice()  # an unknown engine or a misplaced scheduler fails here

    def read_options(self) -> ReadOptions:
        return ReadOptions(format=Format(self.format), max_event_bytes=self.max_event_bytes,
                           max_decompressed_bytes=self.max_decompressed_bytes)

    def engine_choice(self) -> EngineChoice | None:
        """The engine asked for, or None for the current default."""
        if self.engine is None and self.scheduler is None:
            return None
        return EngineChoice(self.engine or "local", self.scheduler)


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


class ReplayRun:
    """One pass over the sources, as a stream of datapoints.

    Iterate :meth:`datapoints` once; afterwards ``report``, ``accounting()``,
    ``metrics``, ``contributors``, ``files``, ``start_ms`` and ``end_ms`` describe what
    was read.  :func:`replay` runs alarms on the stream; other consumers (threshold
    sweeps) take the datapoints directly.
    """

    def __init__(self, filters: Sequence[MetricFilter], sources: Sequence[str],
                 options: ReplayOptions = ReplayOptions(),
                 progress: Progress | None = None) -> None:
        self.filters = tuple(filters)
        self.sources = tuple(sources)
        self.report = Report(strict=options.strict)
        totals = _totals(self.sources, options)
        self.state = ProgressState(**totals) if progress else None
        self.progress = progress
        if totals["bytes_total"] is not None and totals["bytes_total"] < MIN_BYTES_FOR_WORKERS:
            options = replace(options, jobs=1)
        self.options = options
        self.pipeline = MetricPipeline(filters, self.report,
                                       default_value_mode=options.default_value_mode)
        self.contributors = {f.filter_name: ContributorTable() for f in filters}
        self._names = [f.filter_name for f in filters]
        self.metrics: dict[MetricKey, MetricSummary] = {}
        self.files = 0
        self.start_ms: int | None = None
        self.end_ms: int | None = None

    def accounting(self) -> dict[str, dict[str, int]]:
        return self.pipeline.accounting()

    def datapoints(self) -> Iterator[Datapoint]:
        """Per-minute datapoints of every filter, in time order."""
        options = self.options
        checkpoint = self._checkpoint()
        with open_engine(self.filters, options.read_options(), options.jobs,
                         options.engine_choice()) as engine:
            score = checkpoint.wrap(engine) if checkpoint is not None else engine
            paths = iter_source_files(self.sources, options.path_filter, self.report)
            sequencer = Sequencer(self.pipeline, self.report, options.reorder_window_ms,
                                  on_release=self._released)
            try:
                for score_of_file in score(paths):
                    self.report.absorb(score_of_file.report)
                    self.files += 1
                    self._show(score_of_file)
                    yield from self._summarised(sequencer.feed(score_of_file))
                yield from self._summarised(sequencer.finish())
            finally:
                if checkpoint is not None:
                    checkpoint.close()

    def _summarised(self, datapoints: Iterator[Datapoint]) -> Iterator[Datapoint]:
        for datapoint in datapoints:
            self.metrics.setdefault(datapoint.key, MetricSummary()).add(datapoint)
            yield datapoint

    def _checkpoint(self) -> Checkpoint | None:
        """The checkpoint of this replay (``options.checkpoint_dir``), if any."""
        options = self.options
        if options.checkpoint_dir is None:
            return None
        fingerprint = {
            "filters": [_filter_params(f) for f in self.filters],
            "sources": [os.path.abspath(s) if s != "-" else s for s in self.sources],
            "options": {name: repr(getattr(options, name)) for name in (
                "format", "path_filter", "max_event_bytes", "max_decompressed_bytes")},
        }
        if "-" in self.sources:
            raise CheckpointError("standard input cannot be checkpointed")
        return Checkpoint(options.checkpoint_dir, fingerprint)

    def _show(self, score: FileScore) -> None:
        if self.state is None or self.progress is None:
            return
        self.state.files_done += 1
        self.state.bytes_done += score.size
        self.state.events += len(score.timestamps)
        self.progress(self.state)

    def _released(self, event: ScoredEvent | None, timestamp: int, count: int) -> None:
        """Events in time order: note the time span and who is behind each match."""
        if self.start_ms is None:
            self.start_ms = timestamp - timestamp % MINUTE_MS
        self.end_ms = timestamp
        if event is not None and event.contributor is not None:
            for name, outcome in zip(self._names, event.outcomes, strict=True):
                if outcome is not None:
                    self.contributors[name].add(event.contributor)


def replay(filters: Sequence[MetricFilter], alarms: Sequence[AnyAlarm],
           sources: Sequence[str], options: ReplayOptions = ReplayOptions(),
           progress: Progress | None = None,
           observe: Callable[[Datapoint], None] | None = None) -> ReplayResult:
    """Replay ``sources`` (files, directories, ``-``) through the filters and alarms.

    The alarms are created at the minute of the first event.  ``observe``, if given, sees
    every datapoint as it goes to the alarms (``cwpattern replay --plot`` keeps those of
    the alarms' metrics).
    """
    started = time.monotonic()
    run = ReplayRun(filters, sources, options, progress)
    datapoints = run.datapoints()
    if observe is not None:
        datapoints = _observed(datapoints, observe)
    simulation = None
    first = next(datapoints, None)  # starts the run, so the first event's time is known
    if alarms and run.start_ms is not None:
        settings = SimulationSettings(start_ms=run.start_ms,
                                      evaluation_range=options.evaluation_range,
                                      ingestion_lag_ms=options.ingestion_lag_ms)
        stream = itertools.chain([first] if first is not None else [], datapoints)
        simulation = Simulation(alarms, settings).run(stream)
    else:
        for _ in datapoints:
            pass
    return ReplayResult(run.files, run.report, run.accounting(), run.metrics, simulation,
                        run.contributors, run.start_ms, run.end_ms, time.monotonic() - started)


def _observed(datapoints: Iterator[Datapoint],
              observe: Callable[[Datapoint], None]) -> Iterator[Datapoint]:
    for datapoint in datapoints:
        observe(datapoint)
        yield datapoint


# --------------------------------------------------------------------------- sequencing


def _totals(sources: Sequence[str], options: ReplayOptions) -> dict[str, int | None]:
    """File count and bytes for the progress display (a listing pass, no reading).

    Unknown for standard input, and for S3: a second listing of a large trail costs
    requests and time, so S3 replays show progress without totals.
    """
    if any(source == "-" or is_s3_url(source) for source in sources):
        return {"files_total": None, "bytes_total": None}
    count = size = 0
    for path in iter_source_files(sources, options.path_filter, Report()):
        count += 1
        size += os.path.getsize(path) if os.path.isfile(path) else 0
    return {"files_total": count, "bytes_total": size}

"""Scoring files: read one file and decide what every metric filter does with each event.

This is the expensive, embarrassingly parallel part of a replay (decompression, JSON,
matching).  :func:`score_file` does it for one file and returns a compact
:class:`FileScore`; an engine (:mod:`simulator.replay.engines`) maps it over many
files, inline or in worker processes, and returns the scores in file order.
Everything after scoring is sequential and cheap (see :mod:`simulator.replay.driver`),
so an engine only changes how fast a replay runs, never what it finds."""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.events import Report
from simulator.filters import EventScorer, MetricFilter
from simulator.replay.contributors import Contributor, contributor
from simulator.replay.fastpath import FastScorer, NotFast
from simulator.sources import ReadOptions, read_file

Engine = Callable[[Iterable[str]], Iterator["FileScore"]]


def _start_method() -> str:
    """Fork worker processes where that is safe — the platform has fork and this
    process runs a single thread (forking a threaded process can deadlock on a lock held
    by another thread) — since a spawned interpreter re-imports everything; else spawn."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


@dataclass
class FileScore:
    """One file, scored: its events' times, origins and outcomes, and its problems.

    Origins are either listed in ``origins``, or (:func:`pack_score`, nine tenths fewer
    bytes between processes) kept as ``origin_prefix`` plus one number per event; read
    them with :meth:`origin`.  ``messages`` holds the messages of the matching events,
    by index, when the engine was opened with ``keep_messages`` (``cwpattern match``).
    """

    path: str
    size: int
    report: Report
    timestamps: list[int]
    origins: list[str]
    outcomes: list[tuple | None]  # None: no filter matched
    contributors: dict[int, Contributor]
    origin_prefix: str | None = None
    origin_numbers: array | None = None
    messages: dict[int, str] = field(default_factory=dict)

    def origin(self, index: int) -> str:
        if self.origin_numbers is not None:
            return f"{self.origin_prefix}{self.origin_numbers[index]}"
        return self.origins[index]

    def all_origins(self) -> list[str]:
        return [self.origin(index) for index in range(len(self.timestamps))]


_WORKER: dict[str, Any] = {}


def _init_worker(filter_params: list[dict[str, Any]], read_options: ReadOptions,
                 keep_messages: bool = False) -> None:
    filters = [MetricFilter.from_aws(params) for params in filter_params]
    _WORKER["scorer"] = EventScorer(filters)
    _WORKER["options"] = read_options
    _WORKER["keep_messages"] = keep_messages
    _WORKER["fast"] = FastScorer(_WORKER["scorer"], read_options, keep_messages)


def score_file(path: str) -> FileScore:
    """Read and score one file (in a worker, or inline for ``jobs == 1``).

    Clean JSON-lines and CloudTrail files take the fast path (:mod:`simulator.replay.fastpath`);
    any other file, or one the fast path is unsure of, goes through the general reader
    (:func:`score_file_reference`).  Both give the same FileScore.
    """
    fast: FastScorer = _WORKER["fast"]
    try:
        parts = fast.score(path)
    except NotFast:
        return score_file_reference(path)
    return FileScore(path, _size(path), parts.report, parts.timestamps, parts.origins,
                     parts.outcomes, parts.contributors, messages=parts.messages)


def score_file_reference(path: str) -> FileScore:
    """:func:`score_file` the straightforward way: every event through the general
    reader and the :class:`EventScorer` (the reference for the fast path)."""
    scorer: EventScorer = _WORKER["scorer"]
    keep_messages: bool = _WORKER["keep_messages"]
    report = Report()
    timestamps: list[int] = []
    origins: list[str] = []
    outcomes: list[tuple | None] = []
    found: dict[int, Contributor] = {}
    messages: dict[int, str] = {}
    for event in read_file(path, report, _WORKER["options"]):
        outcome = scorer.score(event.message)
        if outcome is not scorer.unmatched:
            who = contributor(event.message)
            if who is not None:
                found[len(outcomes)] = who
            if keep_messages:
                messages[len(outcomes)] = event.message
        timestamps.append(event.timestamp_ms)
        origins.append(event.origin)
        outcomes.append(None if outcome is scorer.unmatched else outcome)
    return FileScore(path, _size(path), report, timestamps, origins, outcomes, found,
                     messages=messages)


def _size(path: str) -> int:
    return os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0


def pack_score(score: FileScore) -> FileScore:
    """``score`` with its origins (``<path>#<n>`` or ``<path>:<n>``) as numbers, or
    ``score`` itself if an origin does not fit that form."""
    origins = score.origins
    if not origins or len(origins[0]) <= len(score.path):
        return score
    prefix = origins[0][: len(score.path) + 1]
    if prefix[-1] not in "#:":
        return score
    numbers = array("q")
    for origin in origins:
        digits = origin[len(prefix):]
        if not (origin.startswith(prefix) and _CANONICAL_NUMBER.fullmatch(digits)):
            return score
        numbers.append(int(digits))
    return replace(score, origins=[], origin_prefix=prefix, origin_numbers=numbers)


def unpack_score(score: FileScore) -> FileScore:
    """``score`` with its origins listed again (the inverse of :func:`pack_score`)."""
    if score.origin_numbers is None:
        return score
    return replace(score, origins=score.all_origins(), origin_prefix=None,
                   origin_numbers=None)


_CANONICAL_NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")  # what str(int) gives back


def _score_packed(path: str) -> FileScore:
    return pack_score(score_file(path))


class LocalScorer:
    """Context manager giving ``map``-like scoring: inline, or over worker processes.

    Worker processes score a bounded number of files ahead of the sequencing step, so
    memory does not grow with the number of files; results come back in file order.  A
    worker that dies surfaces as an error instead of a hang.
    """

    AHEAD_PER_JOB = 4

    def __init__(self, filters: Sequence[MetricFilter], read_options: ReadOptions,
                 jobs: int, keep_messages: bool = False) -> None:
        self.worker_args = ([_filter_params(f) for f in filters], read_options, keep_messages)
        self.jobs = jobs
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Engine:
        if self.jobs <= 1:
            _init_worker(*self.worker_args)
            return lambda paths: map(score_file, paths)
        self.executor = ProcessPoolExecutor(
            self.jobs, mp_context=multiprocessing.get_context(_start_method()),
            initializer=_init_worker, initargs=self.worker_args)
        return self._ordered

    def _ordered(self, paths: Iterable[str]) -> Iterator[FileScore]:
        assert self.executor is not None
        pending: deque[Future[FileScore]] = deque()
        limit = self.jobs * self.AHEAD_PER_JOB
        for path in paths:
            pending.append(self.executor.submit(_score_packed, path))
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


#: The engines: this machine, or a Dask cluster.

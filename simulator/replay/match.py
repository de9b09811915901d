"""The events of many files that one pattern matches: what ``cwpattern match`` runs.

Reading event by event (:func:`simulator.sources.read_events`) serialises every
record again to build its message, though grep-like use needs only the matches.  This
runs the replay's scoring engine instead, with the pattern as its one filter and the
messages of matching events kept: clean JSON-lines and CloudTrail files take the fast
path (each record parsed once; only those a JSON pattern may match get a message),
every other file the general reader, and ``jobs`` worker processes score files side by
side.  The matches, their order, origins and timestamps, and the problems reported are
those of :func:`read_events` (``tests/test_match_engine.py`` compares them).

Standard input, and ``--strict`` runs (which stop at the first bad item, after the
matches before it), keep reading event by event: that is :func:`find_matches` with
``sequential=True``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from simulator.events import Report
from simulator.filters import MetricFilter
from simulator.replay.engines import LOCAL_ENGINE, open_engine
from simulator.replay.scoring import FileScore
from simulator.sources import (
    STDIN,
    PathFilter,
    ReadOptions,
    is_s3_url,
    iter_source_files,
    read_file,
)

#: Below this much local input, worker processes cost more than they save.
MIN_BYTES_FOR_WORKERS = 8 << 20


@dataclass(frozen=True, slots=True)
class Match:
    """One matching event."""

    origin: str
    timestamp_ms: int
    message: str


def find_matches(pattern: str, sources: Sequence[str], report: Report, *,
                 read_options: ReadOptions | None = None,
                 path_filter: PathFilter | None = None, jobs: int | None = None,
                 sequential: bool = False,
                 on_file: Callable[[int], None] | None = None) -> Iterator[Match]:
    """The events of ``sources`` that ``pattern`` matches, in file order.

    Problems go to ``report``.  ``jobs`` worker processes (default: one per core, or
    none for under 8 MiB of local input); ``on_file`` is told each file's event count.
    ``sequential`` (forced for standard input and strict reports) reads event by event.
    """
    metric_filter = _filter(pattern)
    read_options = read_options or ReadOptions()
    chosen = path_filter or PathFilter()
    if sequential or report.strict or STDIN in sources:
        yield from _one_by_one(metric_filter, sources, report, read_options, chosen, on_file)
        return
    workers = jobs if jobs is not None else _default_jobs(sources, chosen)
    with open_engine([metric_filter], read_options, workers, LOCAL_ENGINE,
                     keep_messages=True) as score:
        for scored in score(iter_source_files(sources, chosen, report)):
            report.absorb(scored.report)
            if on_file is not None:
                on_file(len(scored.timestamps))
            yield from _matches_of(scored)


def _filter(pattern: str) -> MetricFilter:
    return MetricFilter.from_aws({
        "filterName": "match", "filterPattern": pattern,
        "metricTransformations": [{"metricName": "matches", "metricNamespace": "cwpattern",
                                   "metricValue": "1"}]})


def _matches_of(scored: FileScore) -> Iterator[Match]:
    for index in sorted(scored.messages):
        yield Match(scored.origin(index), scored.timestamps[index], scored.messages[index])


def _one_by_one(metric_filter: MetricFilter, sources: Sequence[str], report: Report,
                read_options: ReadOptions, path_filter: PathFilter,
                on_file: Callable[[int], None] | None) -> Iterator[Match]:
    """What :func:`simulator.sources.read_events` does, file by file."""
    pattern = metric_filter.pattern
    for path in iter_source_files(sources, path_filter, report):
        events = 0
        for event in read_file(path, report, read_options):
            events += 1
            if pattern.matches(event.message):
                yield Match(event.origin, event.timestamp_ms, event.message)
        if on_file is not None:
            on_file(events)


def _default_jobs(sources: Sequence[str], path_filter: PathFilter) -> int:
    """One per core, unless the input is local and small (the listing stops early)."""
    if any(is_s3_url(source) for source in sources):
        return os.cpu_count() or 1
    size = 0
    for path in iter_source_files(sources, path_filter, Report()):
        size += os.path.getsize(path) if os.path.isfile(path) else 0
        if size >= MIN_BYTES_FOR_WORKERS:
            return os.cpu_count() or 1
    return 1

"""Score files on a Dask cluster: the engine behind ``--engine dask``.

When a trail outgrows one machine, the expensive part of a replay (reading,
decompressing and matching every file) moves to a Dask cluster; the cheap sequential
part stays in this process, unchanged (:mod:`simulator.replay.driver`).

How the work is split
    The driver walks the sources (for ``s3://`` sources, a pruned S3 listing) in
    delivery order, cuts the file list into tasks of :data:`FILES_PER_TASK` consecutive
    files, and keeps at most :data:`TASKS_IN_FLIGHT_PER_THREAD` tasks per worker thread
    submitted; the scheduler hands each task to a free worker.  A task returns one
    :class:`~simulator.replay.scoring.FileScore` per file, and the driver consumes them in file
    order, so memory is bounded by the tasks in flight, however long the trail.

Why file scores, not per-(metric, minute) aggregates
    A :class:`~simulator.replay.scoring.FileScore` (each event's time, origin and filter
    outcomes) is already the mergeable partial result: merging is concatenation in file
    order.  Per-minute aggregates (count, sum, min, max, values) would be smaller, but
    they would lose what makes the report exact and identical to a local replay:
    whether an event is *late* depends on every event read before it across files (the
    reorder window), and a late event is reported with its origin and left out of its
    minute; the default value of a minute depends on whether any event of that minute
    matched, across files; floating-point sums depend on the order of their terms; and
    contributors and skipped values are reported per event.  With file scores the
    sequencing step runs exactly as in a local replay, so the report is byte-identical
    for any cluster and any number of workers.  The price is transfer: about 20 bytes
    per event (time, outcome, and the origin's line or record number: origins are
    shipped as numbers, see :func:`simulator.replay.scoring.pack_score`) instead of a
    few per minute.

Workers rebuild the metric filters from their PutMetricFilter parameters (what the
process pool sends) and keep them compiled per process, keyed by a token, so a worker
compiles each set of filters once, even with several replays sharing one cluster.
Workers need cwpattern installed, at the same version (checked on connect), and access
to the sources: ``s3://`` URLs (each worker uses its own AWS credentials) or paths on a
file system they share with this machine.

Needs the ``dask`` extra (dask, distributed).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import itertools
import os
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import version as installed_version
from types import ModuleType
from typing import Any

from simulator.extras import import_extra
from simulator.filters import MetricFilter
from simulator.replay.scoring import (
    Engine,
    FileScore,
    _filter_params,
    _init_worker,
    pack_score,
    score_file,
)
from simulator.sources import STDIN, ReadOptions

#: Files scored by one task: enough to amortise the scheduler's per-task cost (a few
#: milliseconds), few enough to spread a day of files over many workers.
FILES_PER_TASK = 8
#: Tasks submitted ahead per worker thread: keeps workers busy while the driver waits
#: for the oldest task, and bounds the results held in memory.
TASKS_IN_FLIGHT_PER_THREAD = 4
#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT_S = 10


class EngineError(RuntimeError):
    """The Dask engine cannot run: no scheduler at the address, mismatched workers."""


@contextlib.contextmanager
def local_cluster(n_workers: int | None = None) -> Iterator[str]:
    """Run a ``distributed.LocalCluster`` for the block; yields its scheduler address.

    Worker processes (scoring holds the GIL, so threads would not help), one thread
    each, ``n_workers`` of them (default: one per core), no dashboard, all on loopback
    (the scheduler's small health/metrics HTTP endpoint takes a free port rather than
    the dashboard's 8787).
    """
    distributed = _distributed()
    workers = n_workers or os.cpu_count() or 1
    with distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        yield cluster.scheduler_address


class DaskScorer:
    """Context manager giving an :data:`~simulator.replay.scoring.Engine` backed by Dask.

    ``scheduler`` is the address of a running scheduler; None starts a
    :func:`local_cluster` for the lifetime of the engine.
    """

    def __init__(self, filters: Sequence[MetricFilter], read_options: ReadOptions,
                 scheduler: str | None = None) -> None:
        self.params = [_filter_params(f) for f in filters]
        self.read_options = read_options
        self.scheduler = scheduler
        self.token = _token(self.params, read_options)
        self._stack = contextlib.ExitStack()
        self._client: Any = None
        self._pending: deque[Any] = deque()

    def __enter__(self) -> Engine:
        distributed = _distributed()
        with self._stack:
            address = self.scheduler or self._stack.enter_context(local_cluster())
            self._client = self._stack.enter_context(_connect(distributed, address))
            _check_workers(self._client)
            self._stack = self._stack.pop_all()
        return self._ordered

    def _ordered(self, paths: Iterable[str]) -> Iterator[FileScore]:
        client, pending = self._client, self._pending
        threads = max(sum(client.nthreads().values()), 1)
        limit = threads * TASKS_IN_FLIGHT_PER_THREAD
        run = uuid.uuid4().hex[:12]
        for index, batch in enumerate(_batches(paths, FILES_PER_TASK)):
            pending.append(client.submit(score_batch, self.token, self.params,
                                         self.read_options, batch,
                                         key=f"cwpattern-score-{run}-{index}"))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def __exit__(self, *exc: object) -> None:
        try:
            if self._pending:  # stopped early (strict mode, an error): drop queued work
                self._client.cancel(list(self._pending))
                self._pending.clear()
        finally:
            self._stack.close()


def score_batch(token: str, filter_params: list[dict[str, Any]], read_options: ReadOptions,
                paths: Sequence[str]) -> list[FileScore]:
    """Score consecutive files in a worker (a Dask task); one score per file, in order."""
    with _INSTALL_LOCK:  # one set of filters at a time per process; see _installed
        if _installed["token"] != token:
            _init_worker(filter_params, read_options)
            _installed["token"] = token
        return [pack_score(score_file(path)) for path in paths]


# The filters installed in this worker process (scoring.score_file reads them from a
# per-process slot): their token, and a lock so that threads of one worker, possibly
# serving replays with different filters, never score with another's filters.
_installed: dict[str, str | None] = {"token": None}
_INSTALL_LOCK = threading.Lock()


def _batches(paths: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(paths)
    while batch := list(itertools.islice(iterator, size)):
        if STDIN in batch:
            raise EngineError("Dask workers cannot read standard input (-); "
                              "use --engine local for it")
        yield batch


def _token(filter_params: list[dict[str, Any]], read_options: ReadOptions) -> str:
    """Names a set of filters and read options (stable across processes)."""
    return hashlib.sha256(repr((filter_params, read_options)).encode()).hexdigest()[:16]


def _distributed() -> ModuleType:
    return import_extra("distributed", extra="dask", feature="the Dask engine (--engine dask)")


@contextlib.contextmanager
def _connect(distributed: ModuleType, address: str) -> Iterator[Any]:
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        raise EngineError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    with client:
        yield client


def _check_workers(client: Any) -> None:
    """Workers must run this cwpattern: another version could score differently.

    (Workers that join later, with an adaptive cluster, are not checked.)
    """
    mine = installed_version("cwpattern")
    # The standard library's function travels to the workers by name (they may not be
    # able to import cwpattern); installed_version is this machine's view of it.
    versions = client.run(importlib.metadata.version, "cwpattern", on_error="return")
    for worker, version in sorted(versions.items()):
        if isinstance(version, BaseException):
            raise EngineError(f"Dask worker {worker} does not have cwpattern installed "
                              f"(pip install 'cwpattern[dask]=={mine}' on the workers)")
        if version != mine:
            raise EngineError(f"Dask worker {worker} runs cwpattern {version}, this machine "
                              f"{mine}; install the same version on the workers")

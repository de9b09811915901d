"""Engines: what maps :func:`~simulator.replay.scoring.score_file` over many files.

``local`` scores inline (one job) or in worker processes on this machine
(:class:`~simulator.replay.scoring.LocalScorer`); ``dask`` on a Dask cluster
(:mod:`simulator.replay.engine_dask`).  Commands choose one with :func:`using_engine`
(the CLI's ``--engine``), and every replay inside the block opens it with
:func:`open_engine`, so an engine changes how fast a replay runs, never what it finds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from simulator.filters import MetricFilter
from simulator.replay.scoring import Engine, LocalScorer
from simulator.sources import ReadOptions

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class EngineChoice:
    """Which engine scores files: ``local`` (this machine) or ``dask``.

    ``scheduler`` is the address of a Dask scheduler (``tcp://host:8786``); None starts
    a ``distributed.LocalCluster`` for the engine's lifetime.
    """

    name: str = "local"
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"unknown engine {self.name!r}; expected one of: "
                             f"{', '.join(ENGINES)}")
        if self.scheduler is not None and self.name != "dask":
            raise ValueError("a scheduler address needs the dask engine (engine='dask')")


LOCAL_ENGINE = EngineChoice()
_CHOSEN: ContextVar[EngineChoice] = ContextVar("cwpattern_engine", default=LOCAL_ENGINE)


@contextlib.contextmanager
def using_engine(choice: EngineChoice) -> Iterator[EngineChoice]:
    """Within the block, :func:`open_engine` calls that name no engine use ``choice``.

    This is how ``--engine`` reaches every replay a command runs (test cases, sweeps)
    without each of them passing it along.
    """
    token = _CHOSEN.set(choice)
    try:
        yield choice
    finally:
        _CHOSEN.reset(token)


def chosen_engine() -> EngineChoice:
    """The engine :func:`open_engine` uses when it is given none (``local`` by default)."""
    return _CHOSEN.get()


def open_engine(filters: Sequence[MetricFilter], read_options: ReadOptions, jobs: int,
                choice: EngineChoice | None = None, *,
                keep_messages: bool = False) -> contextlib.AbstractContextManager[Engine]:
    """A context manager yielding the engine ``choice`` (default: :func:`chosen_engine`).

    Local: inline for one job, else ``jobs`` worker processes.  Dask: see
    :mod:`simulator.replay.engine_dask` (``jobs`` is not used; the cluster decides).
    ``keep_messages`` (local only) fills each FileScore's ``messages``.
    """
    choice = choice or chosen_engine()
    if choice.name == "dask":
        if keep_messages:
            raise ValueError("keep_messages needs the local engine")
        from simulator.replay.engine_dask import DaskScorer

        return DaskScorer(filters, read_options, choice.scheduler)
    return LocalScorer(filters, read_options, jobs, keep_messages)

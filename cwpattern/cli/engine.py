"""``--engine`` and ``--scheduler``: where a command scores its files.

Every command that replays sources (``replay``, ``test``, ``sweep``) takes the same
two flags through :func:`engine_options`.  ``--engine local`` (the default) scores on
this machine; ``--engine dask`` on a Dask cluster: the one whose scheduler is at
``--scheduler``, or else a ``LocalCluster`` started for the command (``--jobs`` workers
where the command has ``--jobs``, else one per core) and stopped after it.

The decorator makes the choice the default engine for everything the command runs
(:func:`simulator.replay.engines.using_engine`), so a command needs no other change, and a
command running many replays (test cases, sweep thresholds) starts one cluster, not
one per replay.  A missing extra or an unreachable scheduler is one message, exit 2.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import click

from cwpattern.cli.errors import UserError

ENGINE_NAMES = ["local", "dask"]


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--engine`` and ``--scheduler`` to a command and run it on that engine."""

    @functools.wraps(command)
    def run(*args: Any, engine: str, scheduler: str | None, **kwargs: Any) -> Any:
        if scheduler is not None and engine != "dask":
            raise click.UsageError("--scheduler needs --engine dask")
        from simulator.extras import MissingExtraError
        from simulator.replay import EngineError

        try:
            with _engine(engine, scheduler, kwargs.get("jobs")):
                return command(*args, **kwargs)
        except (MissingExtraError, EngineError) as error:
            raise UserError(str(error)) from None

    options = [
        click.option("--engine", type=click.Choice(ENGINE_NAMES), default="local",
                     show_default=True,
                     help="Score files on this machine, or on a Dask cluster (needs the "
                          "'dask' extra)."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="The Dask scheduler to use (tcp://host:8786) [default: start a "
                          "local cluster]."),
    ]
    for option in reversed(options):
        run = option(run)
    return run


@contextlib.contextmanager
def _engine(name: str, scheduler: str | None, jobs: int | None) -> Iterator[None]:
    from simulator.replay import EngineChoice, using_engine

    with contextlib.ExitStack() as stack:
        if name == "dask" and scheduler is None:
            from simulator.replay import local_cluster

            scheduler = stack.enter_context(local_cluster(jobs))
        stack.enter_context(using_engine(EngineChoice(name, scheduler)))
        yield

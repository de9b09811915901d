"""Scaling a replay out with the Dask engine: 1 vs 2 workers on a LocalCluster (issue 10).

Generates a synthetic organization trail in the S3 layout (5 accounts x 2 regions,
548 files, about 50,000 events), then replays it through the seed metric filter and
alarm:

* locally, inline (the baseline every ratio is measured against);
* locally with ``--jobs 2`` worker processes (what Dask has to beat on one machine);
* on a LocalCluster of 1 and on one of 2 single-threaded workers, both already
  running (their start-up is measured separately).

Each round times every configuration once, and each is reported by its best round, so
that a shared machine's changing load weighs on all of them alike.

It also measures what the Dask engine costs: cluster start-up, the share of a local
replay spent in scoring (the part that scales out; the rest, sequencing, stays in the
driver), and the size of the scored files shipped back per event.  All replays must
give the same report; the script checks that before reporting.

Run ``python benchmarks/bench_dask_scaling.py``; writes
``benchmarks/results/bench_dask_scaling.json``.  The ratios depend on the cores free:
on 2 shared cores the driver's sequencing and the scheduler compete with the workers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pickle
import tempfile
import time
from pathlib import Path

from _common import best_of, report

from simulator.events import Report
from simulator.replay import engines, scoring
from simulator.replay.driver import ReplayOptions, replay
from simulator.replay.engine_dask import local_cluster
from simulator.sources import PathFilter, ReadOptions, iter_log_files
from simulator.suite.loader import load_config
from simulator.synth.generator import generate, write_s3_tree
from simulator.synth.scenario import parse_scenario

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "fixtures" / "replay" / "seed.yaml"
SCENARIO = REPO / "tests" / "data" / "scale-scenario.yaml"


def build_trail(root: Path, rate: int) -> int:
    """The test suite's 548-file scenario at ``rate`` events per minute."""
    text = SCENARIO.read_text().replace("events_per_minute: 20", f"events_per_minute: {rate}")
    return write_s3_tree(generate(parse_scenario(text)), root).records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200, help="events per minute")
    parser.add_argument("--repeat", type=int, default=5, help="rounds")
    args = parser.parse_args()
    definitions, _ = load_config(CONFIG)
    filters = list(definitions.filters.values())
    alarms = list(definitions.alarms.values())
    with tempfile.TemporaryDirectory() as folder:
        trail = Path(folder)
        events = build_trail(trail, args.rate)
        files = list(iter_log_files(str(trail), PathFilter(), Report()))

        def run(options: ReplayOptions) -> str:
            result = replay(filters, alarms, [str(trail)], options)
            return json.dumps(result.to_dict())

        startup: dict[int, float] = {}
        with contextlib.ExitStack() as clusters:
            runs = {"local": ReplayOptions(), "local-jobs-2": ReplayOptions(jobs=2)}
            for workers in (1, 2):
                began = time.perf_counter()
                address = clusters.enter_context(local_cluster(workers))
                startup[workers] = time.perf_counter() - began
                runs[f"dask-{workers}"] = ReplayOptions(engine="dask", scheduler=address)
            expected = run(runs["local"])
            for name, options in runs.items():
                assert run(options) == expected, f"the {name} report differs from local"
            # Rounds, each timing every configuration once: a shared machine's load
            # changes over time, and this way it weighs on all of them alike.
            timings: dict[str, list[float]] = {name: [] for name in runs}
            timings["scoring alone"] = []
            for _ in range(args.repeat):
                for name, options in runs.items():
                    timings[name].append(best_of(lambda o=options: run(o), 1))
                timings["scoring alone"].append(best_of(lambda: score_all(filters, files), 1))
        seconds = {name: min(values) for name, values in timings.items()}
        scoring_only = seconds.pop("scoring alone")
        scores = score_all(filters, files)
        shipped = sum(len(pickle.dumps(scoring.pack_score(s))) for s in scores)  # task results
        unpacked = sum(len(pickle.dumps(scoring.unpack_score(s))) for s in scores)
    rows = [{"run": name, "seconds": value, "events/s": events / value,
             "speed-up": seconds["local"] / value, "against": "local"}
            for name, value in seconds.items()]
    rows.append({"run": "scaling 1 -> 2 workers", "seconds": seconds["dask-2"],
                 "events/s": events / seconds["dask-2"],
                 "speed-up": seconds["dask-1"] / seconds["dask-2"], "against": "dask-1"})
    rows += [cost(f"cluster start-up, {n} worker(s)", startup[n]) for n in (1, 2)]
    rows.append(cost("scoring alone, inline", scoring_only))
    report("bench_dask_scaling", rows)
    sequencing = max(seconds["local"] - scoring_only, 1e-9)
    print(f"\n{len(files)} files, {events:,} events.  Scoring is "
          f"{scoring_only / seconds['local']:.0%} of a local replay; the rest, sequencing, "
          f"stays in the driver, which sequences {events / sequencing:,.0f} events/s (the "
          f"ceiling of any cluster).  Results shipped back: {shipped / events:.0f} "
          f"bytes/event ({unpacked / events:.0f} with origins as text).")


def cost(what: str, seconds: float) -> dict[str, object]:
    return {"run": what, "seconds": seconds, "events/s": "", "speed-up": "", "against": ""}


def score_all(filters: list, files: list[str]) -> list[scoring.FileScore]:
    """Scoring alone, inline: the part of a replay that the workers take over."""
    with engines.open_engine(filters, ReadOptions(), jobs=1) as score:
        return list(score(files))


if __name__ == "__main__":
    main()

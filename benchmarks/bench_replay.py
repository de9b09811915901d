"""File replay: the fast scoring path against the reader, and --jobs 2 against --jobs 1.

Writes ``--events`` synthetic CloudTrail records (the ``cwpattern bench --synth``
scenario, 1.5 KB each) as CloudTrail delivers them to S3: gzipped ``{"Records":[...]}``
files, one per account, region and 5 minutes (123 files for one million records).
Then, with the seed replay config (fixtures/replay/seed.yaml):

* scores the first files inline with ``score_file`` (fast path) and with
  ``score_file_reference`` (every event through the general reader), alternately;
* replays the whole tree with ``jobs=1`` and ``jobs=2``, alternately, best of
  ``--repeat``; and the scoring alone (every file scored inline, nothing sequenced),
  which shows how the work splits between the workers and the sequencing process.

Target (issue 6): ``--jobs 2`` at least 1.7x ``--jobs 1`` on 100 or more gz files.  The
machine has two cores, shared with other work, and the sequencing (reorder, per-minute
pipeline) stays in the main process, so the ratio is bounded by how much of the work
the workers can take: see the ``scoring share`` row.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import report

from simulator.events import Report
from simulator.replay import engines, scoring
from simulator.replay.driver import ReplayOptions, replay
from simulator.sources import PathFilter, ReadOptions, iter_log_files
from simulator.suite.loader import load_config
from simulator.synth import bench_records
from simulator.synth.generator import write_s3_tree

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "fixtures" / "replay" / "seed.yaml"


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--score-files", type=int, default=10)
    args = parser.parse_args()
    definitions, _ = load_config(CONFIG)
    filters, alarms = list(definitions.filters.values()), list(definitions.alarms.values())
    with tempfile.TemporaryDirectory() as temp:
        tree = Path(temp) / "trail"
        written = write_s3_tree(bench_records(args.events), tree, compresslevel=6)
        paths = list(iter_log_files(str(tree), PathFilter(), Report()))
        size = sum(Path(p).stat().st_size for p in paths)
        print(f"{written.records} records in {written.files} gz files ({size / 1e6:.0f} MB)")
        rows = [scoring_row(filters, paths[:args.score_files], args.repeat)]
        rows += jobs_rows(filters, alarms, str(tree), paths, written.records, args.repeat)
    report("bench_replay", rows)


def scoring_row(filters, paths: list[str], repeat: int) -> dict:
    with engines.open_engine(filters, ReadOptions(), 1):  # sets up the inline scorer
        events = sum(len(scoring.score_file(path).timestamps) for path in paths)
        best = {"fast": float("inf"), "reference": float("inf")}
        for _ in range(repeat):
            best["fast"] = min(best["fast"], timed(lambda: [scoring.score_file(p)
                                                            for p in paths]))
            best["reference"] = min(best["reference"], timed(
                lambda: [scoring.score_file_reference(p) for p in paths]))
    return {"measure": f"score {len(paths)} CloudTrail gz files: fast path vs reader",
            "events": events, "seconds": best["fast"],
            "events_per_s": events / best["fast"],
            "baseline_events_per_s": events / best["reference"],
            "ratio": best["reference"] / best["fast"], "target": "-", "met": "-"}


def jobs_rows(filters, alarms, tree: str, paths: list[str], events: int,
              repeat: int) -> list[dict]:
    best = {1: float("inf"), 2: float("inf")}
    for _ in range(repeat):
        for jobs in (1, 2):
            seconds = timed(lambda jobs=jobs: replay(filters, alarms, [tree],
                                                     ReplayOptions(jobs=jobs)))
            best[jobs] = min(best[jobs], seconds)
    with engines.open_engine(filters, ReadOptions(), 1) as engine:
        scoring_only = timed(lambda: sum(1 for _ in engine(paths)))
    ratio = best[1] / best[2]
    return [
        {"measure": f"replay {len(paths)} gz files --jobs 2 vs --jobs 1", "events": events,
         "seconds": best[2], "events_per_s": events / best[2],
         "baseline_events_per_s": events / best[1], "ratio": ratio, "target": 1.7,
         "met": ratio >= 1.7},
        {"measure": "scoring share of --jobs 1 (scoring inline / whole replay)",
         "events": events, "seconds": scoring_only, "events_per_s": events / scoring_only,
         "baseline_events_per_s": events / best[1], "ratio": scoring_only / best[1],
         "target": "-", "met": "-"},
    ]


if __name__ == "__main__":
    main()

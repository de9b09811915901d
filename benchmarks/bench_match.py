"""``cwpattern match`` over a CloudTrail tree: the scoring engine against reading event
by event.

Writes ``--events`` synthetic CloudTrail records (the ``cwpattern bench --synth``
scenario) in the S3 layout, then times :func:`simulator.replay.match.find_matches` for a JSON
pattern (the seed filter) and a text pattern (``AccessDenied``): reading event by event
(``sequential=True``, what ``match`` did before it used the engine, and still does for
standard input and ``--strict``), the engine inline (``jobs=1``), and two worker
processes (``jobs=2``); alternately, best of ``--repeat``, with the matches compared.
No target: the rows show what the engine gains for grep-like use.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import report

from simulator.events import Report
from simulator.replay.match import find_matches
from simulator.synth import bench_records
from simulator.synth.generator import write_s3_tree

PATTERNS = {
    "seed (JSON)": '{ $.eventName = Get* && $.errorCode = AccessDenied && '
                   '$.userIdentity.sessionContext.sessionIssuer.arn = '
                   '"arn:aws:iam::*:role/aws-service-role/*" }',
    "AccessDenied (text)": "AccessDenied",
}
RUNS = {"event by event": {"sequential": True}, "engine, jobs=1": {"jobs": 1},
        "engine, jobs=2": {"jobs": 2}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        tree = Path(temp) / "trail"
        written = write_s3_tree(bench_records(args.events), tree, compresslevel=6)
        print(f"{written.records} records in {written.files} gz files")
        rows = [row for name, pattern in PATTERNS.items()
                for row in pattern_rows(name, pattern, str(tree), written.records,
                                        args.repeat)]
    report("bench_match", rows)


def pattern_rows(name: str, pattern: str, tree: str, events: int,
                 repeat: int) -> list[dict]:
    best = dict.fromkeys(RUNS, float("inf"))
    found = {}
    for _ in range(repeat):
        for run, options in RUNS.items():
            started = time.perf_counter()
            found[run] = sum(1 for _ in find_matches(pattern, [tree], Report(), **options))
            best[run] = min(best[run], time.perf_counter() - started)
    assert len(set(found.values())) == 1, f"the runs disagree: {found}"
    baseline = best["event by event"]
    return [{"pattern": name, "run": run, "matches": found[run], "seconds": seconds,
             "events_per_s": events / seconds, "ratio_to_event_by_event": baseline / seconds}
            for run, seconds in best.items()]


if __name__ == "__main__":
    main()

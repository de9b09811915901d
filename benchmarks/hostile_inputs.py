"""Time and memory on the hostile inputs of fixtures/hostile/ (issue 7).

For each large input and pattern: the time of ``matches`` (best of three), the same on
the input built at a tenth of its size (the baseline: time must grow linearly), and the
peak memory it allocates (tracemalloc) as a multiple of the input size.  Bounds, checked
on every row (the script exits 1 if one breaks): at most LINEAR_BOUND times the tenth's
time plus 5 ms (linear growth gives 10, plus cache and allocation effects at 10 MB; a
quadratic step would give 100) and at most MEMORY_BOUND times the input in memory (orjson
needs about 13 times the length of a long JSON string while it decodes it).

Then the catastrophic-backtracking regexes: Python's backtracking ``re`` on growing
inputs, until one search takes over a second, next to RE2 (what cwpattern runs) on
50,000 characters.

    python benchmarks/hostile_inputs.py
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path

from _common import no_options, report

import cwpattern

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"
MEMORY_BOUND = 16.0
LINEAR_BOUND = 25.0
CASES = [
    ("deep-arrays-100k.json", "{ $.errorCode = AccessDenied }"),
    ("deep-objects-100k.json", "{ $.errorCode = AccessDenied }"),
    ("long-json-10mb.json", "{ $.errorCode = AccessDenied }"),
    ("long-json-10mb.json", "{ $.pad = x* && $.errorCode = A* }"),
    ("long-space-10mb.log", "[first, ..., status = 404]"),
    ("long-space-10mb.log", "[first, rest]"),
    ("long-space-10mb.log", "[]"),
    ("long-text-10mb.log", "ERROR"),
    ("long-text-10mb.log", "%ERROR$%"),
    ("long-text-10mb.log", "{ $.a NOT EXISTS }"),
    ("backtracking-bait.log", "%a*a*a*a*a*a*a*a*a*a*a*a*b%"),
    ("backtracking-bait.log", "%\\w*\\w*\\w*\\w*\\w*\\w*@%"),
]
BACKTRACKING = [
    ("a*a*a*a*a*a*a*a*a*a*a*a*b", "a"),
    ("\\w*\\w*\\w*\\w*\\w*\\w*@", "a"),
    (".*.*.*.*.*=x", "="),
]


def _generator():
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_time(function, repeat: int = 3) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def peak_memory(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def hostile_rows(generate) -> list[dict]:
    rows = []
    for name, text in CASES:
        message = generate.LARGE[name]()
        tenth = generate.LARGE[name](0.1)
        pattern = cwpattern.compile(text)
        seconds = best_time(partial(pattern.matches, message))
        baseline = best_time(partial(pattern.matches, tenth))
        peak = peak_memory(partial(pattern.matches, message))
        within = peak <= MEMORY_BOUND * len(message) \
            and seconds <= LINEAR_BOUND * baseline + 0.005
        rows.append({"input": name, "pattern": text, "MB": round(len(message) / 2**20, 2),
                     "matches": pattern.matches(message), "ms": round(seconds * 1e3, 2),
                     "ms at 1/10": round(baseline * 1e3, 2),
                     "peak MB": round(peak / 2**20, 2),
                     "x input": round(peak / len(message), 2),
                     "bounds": "ok" if within else "BROKEN"})
    return rows


def source_rows(generate, directory: Path) -> list[dict]:
    """The 2 GiB gzip bomb through the readers: time bounded by the decompression cap
    (1 GiB by default), memory flat (measured in a fresh process: peak RSS)."""
    bomb = directory / "gzip-bomb.jsonl.gz"
    bomb.write_bytes(generate.gzip_bomb())
    code = ("import resource, sys, time; from simulator.events import Report; "
            "from simulator.sources import read_events; r = Report(); t = time.perf_counter(); "
            f"n = sum(1 for _ in read_events({str(bomb)!r}, r)); "
            "print(n, sorted(k.value for k in r.counts), time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    parts = done.stdout.split()
    events, seconds, rss_kb = int(parts[0]), float(parts[-2]), int(parts[-1])
    kinds = " ".join(parts[1:-2])
    return [{"input": "gzip-bomb.jsonl.gz (2 MB -> 2 GiB)", "events": events,
             "problems": kinds, "s": round(seconds, 2), "peak RSS MB": round(rss_kb / 1024, 1),
             "bounds": "ok" if rss_kb < 200 * 1024 else "BROKEN"}]


def backtracking_rows() -> list[dict]:
    """Python ``re`` until a search exceeds a second, and RE2 on 50,000 characters."""
    rows = []
    for regex, char in BACKTRACKING:
        compiled = re.compile(regex)
        length, seconds = 4, 0.0
        while seconds < 1.0 and length <= 4096:
            seconds = best_time(partial(compiled.search, char * length), repeat=1)
            rows.append({"regex": regex, "engine": "python re", "chars": length,
                         "ms": round(seconds * 1e3, 3)})
            length = max(length + 2, int(length * 1.25))
        pattern = cwpattern.compile(f"%{regex}%")
        seconds = best_time(partial(pattern.matches, char * 50_000))
        rows.append({"regex": regex, "engine": "cwpattern (RE2)", "chars": 50_000,
                     "ms": round(seconds * 1e3, 3)})
    return rows


def main() -> None:
    no_options(__doc__)
    generate = _generator()
    rows = hostile_rows(generate)
    report("hostile_inputs", rows)
    print()
    with tempfile.TemporaryDirectory() as directory:
        sources = source_rows(generate, Path(directory))
    report("hostile_sources", sources)
    print()
    report("hostile_backtracking", backtracking_rows())
    if any(row["bounds"] != "ok" for row in rows + sources):
        sys.exit(1)


if __name__ == "__main__":
    main()

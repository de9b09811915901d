"""Shared plumbing for the benchmark scripts: timing, tables and JSON results.

Benchmarks compare against baselines measured in the same run (the machines are shared
and noisy), so every script reports ratios; absolute numbers are printed for context.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def no_options(doc: str | None) -> None:
    """Parse a script's command line when it takes no options (so ``--help`` works)."""
    argparse.ArgumentParser(description=(doc or "").strip().split("\n\n")[0]).parse_args()


def best_of(function: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, in seconds per call."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        timings.append((time.perf_counter() - start) / number)
    return min(timings)


def fresh_process_seconds(code: str, runs: int = 15) -> float:
    """Median wall time of ``python -c code`` in a fresh interpreter."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def report(name: str, rows: list[dict]) -> None:
    """Print ``rows`` as a table and write them to ``benchmarks/results/<name>.json``."""
    columns = list(rows[0])
    widths = [max(len(str(c)), *(len(_cell(r[c])) for r in rows)) for c in columns]
    print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(_cell(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(rows, indent=2) + "\n")


def _cell(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)

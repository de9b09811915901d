"""Run every ``benchmarks/bench_*.py`` in turn (``make bench``) and summarise.

Each script prints its own table and writes ``benchmarks/results/<name>.json``; this
runner adds one line per script (exit status, wall time) and, for scripts whose rows
carry a ``target`` and a ``met`` column, how many targets were met.  Every script runs
at its full default size (one million events where events are generated); run a
script on its own with ``--help`` to see how to make it smaller.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from _common import no_options

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main() -> int:
    no_options(__doc__)
    scripts = sorted(HERE.glob("bench_*.py"))
    summary = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], cwd=HERE, check=False)
        seconds = time.perf_counter() - started
        summary.append((script.stem, done.returncode, seconds, _targets(script.stem)))
        print(flush=True)
    print("== summary")
    for name, status, seconds, targets in summary:
        state = "ok" if status == 0 else f"FAILED (exit {status})"
        print(f"{name:28} {state:18} {seconds:7.1f} s  {targets}")
    return 1 if any(status for _, status, _, _ in summary) else 0


def _targets(name: str) -> str:
    """``met 3 of 4 targets`` from the script's JSON rows, when they say."""
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return ""
    rows = json.loads(path.read_text())
    judged = [row["met"] for row in rows if isinstance(row, dict)
              and isinstance(row.get("met"), bool)]
    return f"met {sum(judged)} of {len(judged)} targets" if judged else ""


if __name__ == "__main__":
    sys.exit(main())

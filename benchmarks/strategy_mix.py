"""How often the generated events match their pattern, per syntax (issue 7).

Property tests only find disagreements where both answers occur: events that all match
(or all miss) a pattern exercise half of the matcher.  The strategies in
``tests/strategies.py`` build events from each pattern to match it or just miss it; this
script draws them (deterministically) and reports the share that the reference
interpreter matches, per syntax.  The aim is a healthy mix, 30-70 %.

    python benchmarks/strategy_mix.py [--examples 1000]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The strategies live with the tests (they need hypothesis, a dev dependency).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _common import report

from cwpattern import interpreter

from strategies import PATTERNS_BY_SYNTAX, pattern_and_message


def match_counts(syntax: str, examples: int) -> Counter:
    counts: Counter = Counter()

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(pattern_and_message(PATTERNS_BY_SYNTAX[syntax]), st.just(syntax))
    def draw(case, _syntax) -> None:
        tree, message = case
        counts[interpreter.matches(tree, message)] += 1

    draw()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="events per syntax")
    args = parser.parse_args()
    rows = []
    for syntax in PATTERNS_BY_SYNTAX:
        counts = match_counts(syntax, args.examples)
        total = counts[True] + counts[False]
        rows.append({"syntax": syntax, "events": total, "matching": counts[True],
                     "match rate": round(counts[True] / total, 3)})
    report("strategy_mix", rows)


if __name__ == "__main__":
    main()

"""Shared plumbing of the fuzz scripts: seeded case streams split over processes, one
timing per call, outcome counts, and a reproducer for anything unexpected.

A fuzz script supplies a ``Fuzzer``: ``cases(rng, count)`` yields ``(family, input)``
pairs; ``call(input)`` makes the one timed call and returns an outcome label and its
result; ``check(input, result)``, untimed, asserts what must hold of that result.  Any
exception from either, other than the ones the fuzzer expects (``call`` turns those into
labels), is an unexpected failure: it is counted, and its input is written to
``benchmarks/results/<name>-failures/`` so that it can be replayed and turned into a
regression test.  Every call slower than the budget is re-timed once the workers are
done, alone on the machine (best of five, caches purged), to tell a slow input from a
moment when the other worker, another program or the garbage collector had the CPU.
The harness's own objects (hypothesis, the seed corpus) are frozen out of the garbage
collector's sight before the workers fork, so its pauses reflect cwpattern's garbage.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import random
import time
import traceback
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re2

from cwpattern.regex import compile_regex

RESULTS = Path(__file__).resolve().parent / "results"
KEEP_SLOWEST = 10


@dataclass
class Tally:
    """What one worker saw."""

    outcomes: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)
    timings_ns: array = field(default_factory=lambda: array("q"))
    slowest: list[tuple[int, str, Any]] = field(default_factory=list)
    over_budget: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        self.outcomes.update(other.outcomes)
        self.families.update(other.families)
        self.timings_ns.extend(other.timings_ns)
        self.slowest = sorted([*self.slowest, *other.slowest], reverse=True)[:KEEP_SLOWEST]
        self.over_budget.extend(other.over_budget)
        self.failures.extend(other.failures)


class Fuzzer:
    """One fuzz target: how to generate inputs and how to make one call."""

    name = "fuzz"

    def cases(self, rng: random.Random, count: int) -> Iterator[tuple[str, Any]]:
        raise NotImplementedError

    def call(self, case: Any) -> tuple[str, Any]:
        raise NotImplementedError

    def check(self, case: Any, result: Any) -> None:
        """Untimed assertions on a call's result."""


def purge_caches() -> None:
    """Forget compiled regexes, so a re-timed call pays what the first one paid."""
    compile_regex.cache_clear()
    re2.purge()


def _work(fuzzer: Fuzzer, seed: int, count: int, budget_ns: int) -> Tally:
    tally = Tally()
    rng = random.Random(seed)
    clock = time.perf_counter_ns
    for family, case in fuzzer.cases(rng, count):
        tally.families[family] += 1
        start = clock()
        try:
            outcome, result = fuzzer.call(case)
        except Exception as error:  # the point is to catch everything
            elapsed = clock() - start
            outcome = f"UNEXPECTED {type(error).__name__}"
            _fail(tally, family, case, error)
        else:
            elapsed = clock() - start
            try:
                fuzzer.check(case, result)
            except Exception as error:
                outcome = f"CHECK FAILED {type(error).__name__}"
                _fail(tally, family, case, error)
        tally.outcomes[outcome] += 1
        tally.timings_ns.append(elapsed)
        if len(tally.slowest) < KEEP_SLOWEST or elapsed > tally.slowest[-1][0]:
            tally.slowest = sorted([*tally.slowest, (elapsed, family, _portable(case))],
                                   reverse=True)[:KEEP_SLOWEST]
        if elapsed > budget_ns:
            tally.over_budget.append({"family": family, "input": _portable(case),
                                      "first_ms": elapsed / 1e6})
    return tally


_ACTIVE: Fuzzer | None = None


def _work_active(seed: int, count: int, budget_ns: int) -> Tally:
    assert _ACTIVE is not None
    return _work(_ACTIVE, seed, count, budget_ns)


def _fail(tally: Tally, family: str, case: Any, error: Exception) -> None:
    tally.failures.append({"family": family, "input": _portable(case), "error": repr(error),
                           "traceback": traceback.format_exc()})


def _retime(fuzzer: Fuzzer, case: Any) -> int:
    best = None
    for _ in range(5):
        purge_caches()
        start = time.perf_counter_ns()
        with contextlib.suppress(Exception):  # already recorded as a failure
            fuzzer.call(case)
        elapsed = time.perf_counter_ns() - start
        best = elapsed if best is None else min(best, elapsed)
    return best or 0


def _portable(case: Any) -> Any:
    """The input in a JSON-safe form that ``replay_input`` turns back into the original."""
    if isinstance(case, bytes):
        return {"bytes_hex": case.hex()}
    if isinstance(case, str):
        return {"str_utf8_hex": case.encode("utf-8", "surrogatepass").hex()}
    if isinstance(case, tuple | list):
        return [_portable(part) for part in case]
    return case


def replay_input(portable: Any) -> Any:
    """The inverse of ``_portable``: the exact str or bytes that was fuzzed."""
    if isinstance(portable, dict) and "bytes_hex" in portable:
        return bytes.fromhex(portable["bytes_hex"])
    if isinstance(portable, dict) and "str_utf8_hex" in portable:
        return bytes.fromhex(portable["str_utf8_hex"]).decode("utf-8", "surrogatepass")
    if isinstance(portable, list):
        return tuple(replay_input(part) for part in portable)
    return portable


def run(fuzzer: Fuzzer, cases: int, workers: int, seed: int, budget_ms: float) -> Tally:
    """Run ``cases`` cases split over ``workers`` processes (seeds seed, seed+1, ...)."""
    global _ACTIVE
    shares = [cases // workers + (i < cases % workers) for i in range(workers)]
    budget_ns = int(budget_ms * 1e6)
    jobs = [(seed + i, share, budget_ns) for i, share in enumerate(shares)]
    # Forked workers inherit the fuzzer (compiled patterns hold closures, which do not
    # pickle); only seeds and counts cross the process boundary.
    _ACTIVE = fuzzer
    gc.collect()
    gc.freeze()
    if workers == 1:
        results = [_work_active(*jobs[0])]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.starmap(_work_active, jobs)
    gc.unfreeze()
    total = Tally()
    for result in results:
        total.merge(result)
    for slow in total.over_budget:
        slow["retimed_ms"] = _retime(fuzzer, replay_input(slow["input"])) / 1e6
    return total


def percentile(sorted_ns: list[int], fraction: float) -> float:
    """The value below which ``fraction`` of the timings fall, in milliseconds."""
    index = min(len(sorted_ns) - 1, max(0, round(fraction * len(sorted_ns)) - 1))
    return sorted_ns[index] / 1e6


def summarize(fuzzer: Fuzzer, tally: Tally, args: Any, elapsed_s: float,
              describe: Callable[[Any], str]) -> dict[str, Any]:
    """Print the outcome and timing tables; write the JSON summary and any reproducers."""
    timings = sorted(tally.timings_ns)
    confirmed = [slow for slow in tally.over_budget if slow["retimed_ms"] > args.budget_ms]
    summary = {
        "cases": len(timings), "workers": args.workers, "seed": args.seed,
        "wall_seconds": round(elapsed_s, 1),
        "families": dict(tally.families.most_common()),
        "outcomes": dict(tally.outcomes.most_common()),
        "unexpected_exceptions": len(tally.failures),
        "time_ms": {"median": percentile(timings, 0.5), "p99": percentile(timings, 0.99),
                    "p99.9": percentile(timings, 0.999), "max": timings[-1] / 1e6},
        "budget_ms": args.budget_ms,
        "calls_over_budget": len(tally.over_budget),
        "calls_over_budget_when_retimed": len(confirmed),
        "over_budget": tally.over_budget,
        "slowest": [{"ms": ns / 1e6, "family": family, "input": case}
                    for ns, family, case in tally.slowest],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{fuzzer.name}.json").write_text(json.dumps(summary, indent=2) + "\n")
    failures_dir = RESULTS / f"{fuzzer.name}-failures"
    for number, failure in enumerate(tally.failures):
        failures_dir.mkdir(exist_ok=True)
        (failures_dir / f"{number:04d}.json").write_text(json.dumps(failure, indent=2) + "\n")
    _print_tables(summary, tally, describe)
    return summary


def _print_tables(summary: dict[str, Any], tally: Tally, describe: Callable[[Any], str]) -> None:
    print(f"{summary['cases']:,} cases in {summary['wall_seconds']} s "
          f"on {summary['workers']} processes (seed {summary['seed']})")
    print("\ninput family                     cases")
    for family, count in tally.families.most_common():
        print(f"  {family:30} {count:>9,}")
    print("\noutcome                                                   calls")
    for outcome, count in tally.outcomes.most_common():
        print(f"  {outcome[:55]:55} {count:>9,}")
    times = summary["time_ms"]
    print(f"\ntime per call (ms): median {times['median']:.4f}  p99 {times['p99']:.3f}  "
          f"p99.9 {times['p99.9']:.3f}  max {times['max']:.3f}")
    print(f"calls over {summary['budget_ms']} ms: {summary['calls_over_budget']} "
          f"({summary['calls_over_budget_when_retimed']} still over when re-timed alone)")
    if summary["over_budget"]:
        print(f"  slowest when re-timed alone: "
              f"{max(slow['retimed_ms'] for slow in summary['over_budget']):.2f} ms")
    for slow in summary["over_budget"][:10]:
        print(f"  {slow['first_ms']:.1f} ms, re-timed {slow['retimed_ms']:.2f} ms: "
              f"{slow['family']}: {describe(replay_input(slow['input']))}")
    print("slowest calls:")
    for slow in summary["slowest"][:5]:
        print(f"  {slow['ms']:.2f} ms {slow['family']}: {describe(replay_input(slow['input']))}")
    print(f"unexpected exceptions: {summary['unexpected_exceptions']}")
    for failure in tally.failures[:10]:
        print(f"  {failure['error'][:100]}: {describe(replay_input(failure['input']))}")


def generated(strategy: Any, count: int) -> list[Any]:
    """``count`` examples of a hypothesis strategy; the same ones on every run."""
    from hypothesis import HealthCheck, Phase, given, settings

    found: list[Any] = []

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(example: Any) -> None:
        found.append(example)

    collect()
    return found


def add_arguments(parser: Any, name: str) -> None:
    """The options every fuzz script takes."""
    parser.add_argument("--cases", type=int, default=1_000_000, help="calls to make")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--seed", type=int, default=0, help="first random seed")
    parser.add_argument("--budget-ms", type=float, default=10.0,
                        help="report every call slower than this")
    parser.add_argument("--replay", metavar="FILE",
                        help=f"re-run one reproducer from results/{name}-failures/")

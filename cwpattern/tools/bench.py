"""How fast patterns run over a buffer of events, against baselines timed in the same run.

``cwpattern bench`` and the ``benchmarks/`` scripts both measure through this module.
The question is the one a replay asks of every file: *which events of this buffer does
each pattern match?*  The buffer is newline-separated messages (JSON lines for
CloudTrail), held in memory in line-aligned chunks of about 1 MiB, the size the
readers decompress at.  cwpattern answers with a :class:`~cwpattern.patternset.
BufferScanner` (whole-buffer search for the rarest literals, then the compiled
matchers on the few candidate lines); the baselines answer the same question:

* **parse floor**: ``orjson.loads`` of every line, the least any per-event approach
  must do (the ratio to it is the headline number);
* **reference interpreter**: ``cwpattern.interpreter`` on every line, per pattern;
* **jq**: the patterns translated by :mod:`cwpattern.tools.jq`, in one ``jq`` process.

Machines are shared and noisy, so results are ratios, and cwpattern and the floor are
timed alternately, best of several runs.  The slow baselines run once, on the first
events only, and their match counts are checked against cwpattern's on those events.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from cwpattern import interpreter
from cwpattern.events import json_object
from cwpattern.pattern import FilterPattern
from cwpattern.patternset import PatternSet
from cwpattern.tools.jq import Untranslatable, reads_raw_lines, to_jq

CHUNK_BYTES = 1 << 20
DEFAULT_REPEAT = 3
DEFAULT_BASELINE_EVENTS = 20_000


@dataclass(frozen=True)
class Measurement:
    """One contender's best time over some events."""

    events: int
    bytes: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else float("inf")

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / self.seconds / 1e6 if self.seconds else float("inf")

    def to_dict(self) -> dict[str, float]:
        return {"events": self.events, "bytes": self.bytes, "seconds": self.seconds,
                "events_per_s": self.events_per_second, "mb_per_s": self.megabytes_per_second}


@dataclass
class PatternResult:
    """What one pattern found, and how it was translated for jq."""

    pattern: str
    kind: str
    matches: int = 0
    prefilter_passed: int = 0  # on the baseline events
    jq: str | None = None
    jq_untranslatable: str | None = None


@dataclass
class BenchResult:
    """Everything ``cwpattern bench`` reports; ratios are against the same run."""

    events: int
    bytes: int
    baseline_events: int
    patterns: list[PatternResult]
    scanned: int  # lines the scan handed to the matchers
    measurements: dict[str, Measurement] = field(default_factory=dict)
    agreement: dict[str, bool] = field(default_factory=dict)
    jq_version: str | None = None
    jq_skipped: str | None = None

    def ratio(self, name: str) -> float:
        """cwpattern's events/s over ``name``'s."""
        return (self.measurements["cwpattern"].events_per_second
                / self.measurements[name].events_per_second)

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "bytes": self.bytes,
            "bytes_per_event": self.bytes / self.events if self.events else 0,
            "baseline_events": self.baseline_events,
            "scan_pass_rate": self.scanned / self.events if self.events else 0,
            "patterns": [{
                "pattern": p.pattern, "kind": p.kind, "matches": p.matches,
                "match_rate": p.matches / self.events if self.events else 0,
                "prefilter_pass_rate": (p.prefilter_passed / self.baseline_events
                                        if self.baseline_events else 0),
                "jq": p.jq, "jq_untranslatable": p.jq_untranslatable,
            } for p in self.patterns],
            "measurements": {name: m.to_dict() for name, m in self.measurements.items()},
            "ratios": {f"vs_{name}": self.ratio(name) for name in self.measurements
                       if name != "cwpattern"},
            "agreement": self.agreement,
            "jq_version": self.jq_version,
            "jq_skipped": self.jq_skipped,
        }


def chunked(lines: Iterable[bytes], chunk_bytes: int = CHUNK_BYTES) -> list[bytes]:
    """Messages joined into newline-terminated chunks of about ``chunk_bytes``."""
    chunks: list[bytes] = []
    pending: list[bytes] = []
    size = 0
    for line in lines:
        pending.append(line)
        size += len(line) + 1
        if size >= chunk_bytes:
            chunks.append(b"\n".join(pending) + b"\n")
            pending, size = [], 0
    if pending:
        chunks.append(b"\n".join(pending) + b"\n")
    return chunks


def run(patterns: Sequence[FilterPattern], chunks: Sequence[bytes], *,
        repeat: int = DEFAULT_REPEAT, baseline_events: int = DEFAULT_BASELINE_EVENTS,
        jq: str | None = None) -> BenchResult:
    """Measure ``patterns`` over ``chunks`` (see the module docstring).

    ``jq`` is the path of a jq executable, or None to leave jq out.
    """
    pattern_set = PatternSet(patterns)
    scanner = pattern_set.scanner(chunks[0] if chunks else None)
    events = sum(chunk.count(b"\n") for chunk in chunks)
    size = sum(len(chunk) for chunk in chunks)
    results = [PatternResult(p.pattern, p.kind) for p in patterns]

    def scan() -> None:
        scanner.candidates = 0
        counts = [0] * len(patterns)
        for chunk in chunks:
            for _line, found in scanner.matching_lines(chunk):
                for index in found:
                    counts[index] += 1
        for result, count in zip(results, counts, strict=True):
            result.matches = count

    def floor() -> None:
        loads = orjson.loads
        for chunk in chunks:
            for line in chunk.split(b"\n"):
                if line:
                    try:
                        loads(line)
                    except orjson.JSONDecodeError:
                        continue  # a bad line costs the floor what it costs

    best = _alternate({"cwpattern": scan, "parse_floor": floor}, repeat)
    outcome = BenchResult(events, size, 0, results, scanner.candidates,
                          {name: Measurement(events, size, seconds)
                           for name, seconds in best.items()})
    _baselines(outcome, patterns, pattern_set, _first_lines(chunks, baseline_events), jq)
    return outcome


def _alternate(contenders: dict[str, Callable[[], None]], repeat: int) -> dict[str, float]:
    """Best time of each contender, run in turn ``repeat`` times (noise hits all alike)."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(max(repeat, 1)):
        for name, function in contenders.items():
            started = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def _first_lines(chunks: Sequence[bytes], limit: int) -> list[bytes]:
    lines: list[bytes] = []
    for chunk in chunks:
        lines.extend(chunk.split(b"\n")[:-1])
        if len(lines) >= limit:
            break
    return lines[:limit]


def _baselines(outcome: BenchResult, patterns: Sequence[FilterPattern],
               pattern_set: PatternSet, lines: list[bytes], jq: str | None) -> None:
    """The interpreter and jq on the first events, with a check of their answers."""
    outcome.baseline_events = len(lines)
    size = sum(len(line) + 1 for line in lines)
    expected = [0] * len(patterns)
    for line in lines:
        for index in pattern_set.matching(line):
            expected[index] += 1
    scanned = [0] * len(patterns)
    subset = chunked(lines)
    scanner = pattern_set.scanner(subset[0] if subset else None)
    for chunk in subset:
        for _line, found in scanner.matching_lines(chunk):
            for index in found:
                scanned[index] += 1
    outcome.agreement["scan"] = scanned == expected
    for result, pattern in zip(outcome.patterns, patterns, strict=True):
        result.prefilter_passed = sum(
            1 for line in lines if pattern.compiled.requirements.admits(line))
    started = time.perf_counter()
    found = [sum(1 for line in lines if interpreter.matches(p.tree, line)) for p in patterns]
    outcome.measurements["interpreter"] = Measurement(len(lines), size,
                                                      time.perf_counter() - started)
    outcome.agreement["interpreter"] = found == expected
    if jq is None:
        outcome.jq_skipped = "jq is not installed"
        return
    _jq_baseline(outcome, patterns, lines, size, expected, jq)


def _jq_baseline(outcome: BenchResult, patterns: Sequence[FilterPattern], lines: list[bytes],
                 size: int, expected: list[int], jq: str) -> None:
    translated: list[tuple[int, str]] = []
    for index, (result, pattern) in enumerate(zip(outcome.patterns, patterns, strict=True)):
        try:
            result.jq = to_jq(pattern.tree)
        except Untranslatable as why:
            result.jq_untranslatable = str(why)
            continue
        translated.append((index, result.jq))
    if not translated:
        outcome.jq_skipped = "no pattern has a jq translation"
        return
    raw = any(reads_raw_lines(patterns[index].tree) for index, _ in translated)
    program = _jq_program([(expr, reads_raw_lines(patterns[i].tree)) for i, expr in translated],
                          raw)
    fed = lines if raw else [line for line in lines if json_object(line) is not None]
    try:
        seconds, counts = _run_jq(jq, program, fed, raw)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or str(error).encode()
        outcome.jq_skipped = f"jq failed: {detail.decode(errors='replace').strip()[:200]}"
        return
    outcome.jq_version = _jq_version(jq)
    outcome.measurements["jq"] = Measurement(len(lines), size, seconds)
    outcome.agreement["jq"] = counts == [expected[index] for index, _ in translated]


def _jq_program(expressions: list[tuple[str, bool]], raw: bool) -> str:
    """One jq program counting, per expression, the events it is true for."""
    zeros = "[" + ",".join("0" for _ in expressions) + "]"
    if not raw:
        updates = [f".[{i}] + (if ($e | {expr}) then 1 else 0 end)"
                   for i, (expr, _) in enumerate(expressions)]
        return f"reduce inputs as $e ({zeros}; [{', '.join(updates)}])"
    updates = []
    for i, (expr, on_line) in enumerate(expressions):
        test = expr if on_line else f'(($e | type) == "object" and ($e | {expr}))'
        updates.append(f".[{i}] + (if {test} then 1 else 0 end)")
    return (f"reduce inputs as $line ({zeros}; ($line | try fromjson catch null) as $e "
            f"| [{', '.join(updates)}])")


def _run_jq(jq: str, program: str, lines: list[bytes], raw: bool) -> tuple[float, list[int]]:
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as events:
        events.write(b"".join(line + b"\n" for line in lines))
    try:
        arguments = [jq, "-n", "-c", *(["-R"] if raw else []), program, events.name]
        started = time.perf_counter()
        done = subprocess.run(arguments, capture_output=True, check=True)
        seconds = time.perf_counter() - started
    finally:
        os.unlink(events.name)
    return seconds, orjson.loads(done.stdout)


def _jq_version(jq: str) -> str:
    done = subprocess.run([jq, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or done.stderr.strip()


def report_lines(origin: str, result: dict[str, Any], left_out: int) -> list[str]:
    """The text report of ``cwpattern bench`` for ``result`` (a :meth:`BenchResult.to_dict`)."""
    lines = []
    events = result["events"]
    lines.append(f"{events:,} events, {result['bytes'] / 1e6:,.1f} MB "
                 f"({result['bytes_per_event']:,.0f} bytes/event) from {origin}")
    if left_out:
        lines.append(f"  ({left_out} multi-line message(s) left out: a buffer holds one per line)")
    for number, pattern in enumerate(result["patterns"], 1):
        lines.append(f"[{number}] {pattern['pattern']}")
        lines.append(f"    matches {pattern['matches']:,} ({pattern['match_rate']:.2%}); "
                     f"prefilter passes {pattern['prefilter_pass_rate']:.2%}")
        if pattern["jq"] is not None:
            lines.append(f"    jq: {pattern['jq']}")
        elif pattern["jq_untranslatable"]:
            lines.append(f"    jq: not translated ({pattern['jq_untranslatable']})")
    lines.append(f"lines handed to the matchers after the whole-buffer scan: "
                 f"{result['scan_pass_rate']:.2%}")
    lines.append("")
    names = {"cwpattern": "cwpattern", "parse_floor": "parse floor (orjson.loads)",
             "interpreter": "reference interpreter", "jq": result["jq_version"] or "jq"}
    lines.append(f"{'':28}{'events/s':>12}{'MB/s':>9}{'cwpattern is':>14}")
    for name, measured in result["measurements"].items():
        ratio = "" if name == "cwpattern" else f"{result['ratios'][f'vs_{name}']:,.1f}x"
        sampled = "" if measured["events"] == events else f"  (first {measured['events']:,})"
        lines.append(f"{names[name]:28}{measured['events_per_s']:>12,.0f}"
                     f"{measured['mb_per_s']:>9,.0f}{ratio:>14}{sampled}")
    if result["jq_skipped"]:
        lines.append(f"jq: {result['jq_skipped']}")
    disagree = [name for name, same in result["agreement"].items() if not same]
    lines.append("answers: " + (f"DIFFER from {', '.join(disagree)}" if disagree
                                else "identical (" + ", ".join(result["agreement"]) + ")"))
    return lines

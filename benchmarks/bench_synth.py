"""How fast the synthetic CloudTrail generator is (issue 3 target: 1M events at 50k/s).

Generates one million records from a three-account scenario and writes them as JSON
lines to a temporary file; the same records are also written in CloudTrail's S3 layout
(gzipped files) for context.  The same-run baseline is the cost floor of the output
alone: serialising and writing one prebuilt record a million times.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import orjson
from _common import report

from simulator.synth.generator import generate, write_jsonl, write_s3_tree
from simulator.synth.scenario import parse_scenario

TARGET_PER_SECOND = 50_000
SCENARIO = """
name: bench-synth
start: "2024-03-04T00:00:00Z"
duration: {minutes}m
accounts:
  - {{id: "111122223333", regions: [us-east-1, eu-west-1]}}
  - {{id: "444455556666", regions: [us-east-1]}}
  - {{id: "777788889999", regions: [eu-central-1]}}
baseline: {{events_per_minute: {rate}, error_ratio: 0.02}}
incidents:
  - id: config-denied
    description: AWSServiceRoleForConfig gets AccessDenied on GetBucketAcl
    start: "+60m"
    end: "+80m"
    per_minute: 3
    identity: {{service_linked_role: config}}
    call: s3:GetBucketAcl
    error: AccessDenied
"""


def scenario_for(events: int, rate: int = 5_000):
    return parse_scenario(SCENARIO.format(minutes=max(81, events // rate), rate=rate))


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    scenario = scenario_for(args.events)
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        generate_s, count = timed(lambda: sum(1 for _ in generate(scenario)))
        jsonl_s, _ = timed(lambda: write_jsonl(generate(scenario), out / "events.jsonl"))
        record = next(generate(scenario))
        floor_s, _ = timed(lambda: _write_same(record, count, out / "floor.jsonl"))
        s3_s, tree = timed(lambda: write_s3_tree(generate(scenario), out / "trail",
                                                 compresslevel=6))
        fast_s, _ = timed(lambda: write_s3_tree(generate(scenario), out / "trail-fast",
                                                compresslevel=1))
    rows = [
        _row("generate records (in memory)", count, generate_s, floor_s),
        _row("generate + write JSON lines", count, jsonl_s, floor_s),
        _row("generate + write S3 layout (gzip level 6)", count, s3_s, floor_s),
        _row("generate + write S3 layout (gzip level 1)", count, fast_s, floor_s),
        _row("same-run baseline: serialise+write one record", count, floor_s, floor_s),
    ]
    report("bench_synth", rows)
    print(f"S3 layout: {tree.files} files")  # type: ignore[attr-defined]


def _write_same(record: dict, count: int, path: Path) -> None:
    with open(path, "wb") as stream:
        for _ in range(count):
            stream.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))


def _row(measure: str, events: int, seconds: float, baseline_s: float) -> dict[str, object]:
    rate = events / seconds
    return {"measure": measure, "events": events, "seconds": seconds, "events_per_s": rate,
            "ratio_to_50k_per_s": rate / TARGET_PER_SECOND,
            "time_vs_baseline": seconds / baseline_s}


if __name__ == "__main__":
    main()

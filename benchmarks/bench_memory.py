"""Peak memory of a replay must not grow with the size of the trail (issue 3).

Generates 100k and then 1M synthetic CloudTrail events as gzipped files in the S3 layout
(same traffic rate, so the 1M trail simply covers ten times as many hours), then replays
each one in a fresh process through sources -> reorder window -> the seed metric filter
-> per-minute datapoints, and reads the process's peak RSS.  The same-run baseline is a
fresh process that imports everything and compiles the filter but replays nothing.

What may grow is only the reorder window's content (15 minutes of traffic here, the same
for both trails), so the 1M / 100k ratio of peak RSS should stay close to 1.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import report

from simulator.synth.generator import generate, write_s3_tree
from simulator.synth.scenario import parse_scenario

SEED_PATTERN = (
    '{ $.eventName = Get* && $.errorCode = AccessDenied && '
    '$.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::*:role/aws-service-role/*" }'
)
RATE_PER_MINUTE = 1_000
SCENARIO = """
start: "2024-03-04T00:00:00Z"
duration: {minutes}m
accounts:
  - {{id: "111122223333", regions: [us-east-1, eu-west-1]}}
  - {{id: "444455556666", regions: [us-east-1]}}
baseline: {{events_per_minute: {rate}, error_ratio: 0.02}}
incidents:
  - {{id: config-denied, description: SLR denied, start: "+30m", end: "+50m", per_minute: 3,
     identity: {{service_linked_role: config}}, call: s3:GetBucketAcl, error: AccessDenied}}
"""


def replay(trail: str) -> dict[str, object]:
    """Run in the child process: replay ``trail`` and report counts and peak RSS."""
    from simulator.events import Report
    from simulator.filters.metric_filter import MetricFilter
    from simulator.filters.pipeline import MetricPipeline
    from simulator.replay.reorder_window import reorder
    from simulator.sources import read_events

    seed = MetricFilter.from_aws({
        "filterName": "slr-access-denied", "filterPattern": SEED_PATTERN,
        "metricTransformations": [{"metricName": "SLRAccessDenied",
                                   "metricNamespace": "Security", "metricValue": "1",
                                   "defaultValue": 0}],
    })
    events_report = Report()
    pipeline = MetricPipeline([seed], events_report)
    start = time.perf_counter()
    datapoints = matched_minutes = 0
    if trail:
        for point in pipeline.run(reorder(read_events(trail, events_report), events_report)):
            datapoints += 1
            matched_minutes += point.values != (0.0,)
        pipeline.check_accounting()
    return {
        "events": events_report.read,
        "bad": events_report.bad,
        "late": events_report.late,
        "datapoints": datapoints,
        "alarming_minutes": matched_minutes,
        "seconds": time.perf_counter() - start,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(trail: str) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, "--replay", trail], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def make_trail(root: Path, events: int) -> Path:
    scenario = parse_scenario(
        SCENARIO.format(minutes=max(60, events // RATE_PER_MINUTE), rate=RATE_PER_MINUTE)
    )
    write_s3_tree(generate(scenario), root, compresslevel=1)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replay", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    if args.replay is not None:
        print(json.dumps(replay(args.replay)))
        return
    baseline = run_child("")
    rows = [{"trail": "none (imports + filter only)", **baseline}]
    with tempfile.TemporaryDirectory() as temp:
        for size in args.sizes:
            trail = make_trail(Path(temp) / str(size), size)
            rows.append({"trail": f"{size:,} events", **run_child(str(trail))})
    smallest, largest = rows[1], rows[-1]
    rows.append({
        "trail": "ratio largest / smallest",
        "events": largest["events"] / smallest["events"],  # type: ignore[operator]
        "bad": "-", "late": "-", "datapoints": "-", "alarming_minutes": "-",
        "seconds": largest["seconds"] / smallest["seconds"],  # type: ignore[operator]
        "peak_rss_mib": largest["peak_rss_mib"] / smallest["peak_rss_mib"],  # type: ignore[operator]
    })
    rows.append({
        "trail": "ratio of growth over baseline",
        "events": "-", "bad": "-", "late": "-", "datapoints": "-", "alarming_minutes": "-",
        "seconds": "-",
        "peak_rss_mib": (largest["peak_rss_mib"] - baseline["peak_rss_mib"])  # type: ignore[operator]
        / (smallest["peak_rss_mib"] - baseline["peak_rss_mib"]),  # type: ignore[operator]
    })
    report("bench_memory", rows)


if __name__ == "__main__":
    main()

"""Pattern throughput against the parse floor, jq and bytes.count (issue 6 targets).

Runs ``cwpattern bench``'s measurement (:mod:`cwpattern.tools.bench`) on one million
synthetic CloudTrail records (``cwpattern bench --synth``'s scenario: about 5%
``AccessDenied``, 1.5 KB per record) and on the real CloudTrail of the corpus when it
is present.  "Events/s of a pattern over a file" is measured as cwpattern bench does:
the decompressed JSON-lines buffer, in 1 MiB line-aligned chunks, every matching line
of every pattern found; the parse floor is ``orjson.loads`` of every line of the same
chunks, timed alternately with it (best of ``--repeat``).  jq and the interpreter run
on the first 20,000 events.

Targets (ratios in the same run): seed pattern >= 8x the parse floor and >= 40x jq;
``{ $.additionalEventData.bytesTransferredOut > 4000 }`` >= 0.8x the floor; the 14 CIS
filters together >= 0.5x the floor; a text pattern >= 0.5x ``bytes.count`` of its
literal over the same chunks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from _common import report

import cwpattern
from cwpattern.tools.bench import chunked, run
from simulator.synth import bench_lines

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("CWPATTERN_CORPUS", REPO.parent / "shared" / "corpus"))
SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
NO_LITERAL = "{ $.additionalEventData.bytesTransferredOut > 4000 }"
TEXT = "AccessDenied"
CIS_TEMPLATE = REPO / "fixtures" / "deploy" / "cloudformation" / "cis-monitoring.yaml"


def cis_patterns() -> list[str]:
    from simulator.deploy import load

    filters = load(CIS_TEMPLATE).metric_filters
    patterns = [f.params["filterPattern"] for f in filters
                if f.params["filterName"].startswith("CIS")]
    assert len(patterns) == 14, len(patterns)
    return patterns


def corpus_lines() -> list[bytes]:
    """Every CloudTrail record of the corpus, as the messages CloudWatch Logs holds."""
    from simulator.events import Report
    from simulator.sources import read_events

    other = ("elastic-examples-apache-logs", "cwl-export-serverless-aws-logs-parser",
             "aws-cli-logs-examples")
    folders = [p for p in sorted(CORPUS.iterdir()) if p.is_dir() and p.name not in other]
    messages = (event.message for event in read_events([str(p) for p in folders], Report()))
    return [m.encode() for m in messages if m.startswith("{") and "\n" not in m]


def measure(name: str, data: str, patterns: list[str], chunks: list[bytes], repeat: int,
            targets: dict[str, float]) -> list[dict]:
    compiled = [cwpattern.compile(p) for p in patterns]
    result = run(compiled, chunks, repeat=repeat, jq=shutil.which("jq"))
    document = result.to_dict()
    ours = document["measurements"]["cwpattern"]
    rows = []
    for baseline, ratio in document["ratios"].items():
        against = baseline.removeprefix("vs_")
        wanted = targets.get(against)
        rows.append({"data": data, "case": name, "baseline": against,
                     "events": document["measurements"][against]["events"],
                     "cwpattern_events_per_s": ours["events_per_s"],
                     "baseline_events_per_s": document["measurements"][against]["events_per_s"],
                     "ratio": ratio, "target": wanted if wanted is not None else "-",
                     "met": "-" if wanted is None else ratio >= wanted,
                     "answers_agree": all(document["agreement"].values())})
    return rows


def text_against_count(data: str, chunks: list[bytes], repeat: int) -> dict:
    """The text pattern against ``bytes.count`` of its literal, timed alternately."""
    scanner = cwpattern.PatternSet([TEXT]).scanner(chunks[0])
    literal = TEXT.encode()
    best = {"cwpattern": float("inf"), "count": float("inf")}
    for _ in range(repeat):
        started = time.perf_counter()
        matched = sum(1 for chunk in chunks for _ in scanner.matching_lines(chunk))
        best["cwpattern"] = min(best["cwpattern"], time.perf_counter() - started)
        started = time.perf_counter()
        occurrences = sum(chunk.count(literal) for chunk in chunks)
        best["count"] = min(best["count"], time.perf_counter() - started)
    events = sum(chunk.count(b"\n") for chunk in chunks)
    ratio = best["count"] / best["cwpattern"]
    return {"data": data, "case": f"text {TEXT} ({matched} lines, {occurrences} hits)",
            "baseline": "bytes.count", "events": events,
            "cwpattern_events_per_s": events / best["cwpattern"],
            "baseline_events_per_s": events / best["count"], "ratio": ratio,
            "target": 0.5, "met": ratio >= 0.5, "answers_agree": "-"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    chunks = chunked(bench_lines(args.events))
    print(f"generated {args.events} events in {time.perf_counter() - started:.0f} s")
    datasets = [(f"synthetic {args.events // 1000}k", chunks)]
    if CORPUS.is_dir():
        datasets.append(("corpus CloudTrail", chunked(corpus_lines())))
    rows: list[dict] = []
    for data, data_chunks in datasets:
        rows += measure("seed", data, [SEED], data_chunks, args.repeat,
                        {"parse_floor": 8.0, "jq": 40.0})
        rows += measure("no literal", data, [NO_LITERAL], data_chunks, args.repeat,
                        {"parse_floor": 0.8})
        rows += measure("14 CIS filters", data, cis_patterns(), data_chunks, args.repeat,
                        {"parse_floor": 0.5})
        rows.append(text_against_count(data, data_chunks, args.repeat))
    report("bench_throughput", rows)


if __name__ == "__main__":
    main()

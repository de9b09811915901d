"""``cwpattern bench PATTERN... (--events SOURCE | --synth N)``: how fast, against what.

Times the patterns over real events (any source ``cwpattern replay`` reads) or over
synthetic CloudTrail, next to baselines timed in the same run: ``orjson.loads`` of
every event (the parse floor), the reference interpreter and jq (see
:mod:`cwpattern.tools.bench`).  Everything is reported as ratios; ``--json`` gives the
numbers for scripts.

``--synth N`` generates N records from :data:`BENCH_SCENARIO`: two accounts, three
regions, the default actors at 5,000 events a minute with 10% errors (about 4.6% of
records are ``AccessDenied``), plus AWS Config's service-linked role denied 30 times a
minute throughout: about 5% ``AccessDenied`` in all, a few tenths of a percent
matching the seed pattern.  Records average about 1.5 KB.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from typing import Any

import click

from cwpattern.cli.errors import UserError

EVENTS_PER_MINUTE = 5_000
BENCH_SCENARIO = """
name: bench
description: CloudTrail traffic with about 5% AccessDenied (cwpattern bench --synth)
seed: {seed}
start: "2024-03-04T00:00:00Z"
duration: {minutes}m
accounts:
  - {{id: "111122223333", regions: [us-east-1, eu-west-1]}}
  - {{id: "444455556666", regions: [us-east-1]}}
baseline: {{events_per_minute: {rate}, error_ratio: 0.1}}
incidents:
  - id: config-denied
    description: AWSServiceRoleForConfig gets AccessDenied on GetBucketAcl
    start: "+0m"
    end: "+{minutes}m"
    per_minute: 30
    account: "111122223333"
    identity: {{service_linked_role: config}}
    call: s3:GetBucketAcl
    error: AccessDenied
"""


def synthetic_records(count: int, seed: int = 6) -> Iterator[dict[str, Any]]:
    """``count`` synthetic CloudTrail records (see the module docstring)."""
    from simulator.synth import generate, parse_scenario

    minutes = count // EVENTS_PER_MINUTE + 2
    scenario = parse_scenario(BENCH_SCENARIO.format(seed=seed, minutes=minutes,
                                                    rate=EVENTS_PER_MINUTE))
    return itertools.islice(generate(scenario), count)


def synthetic_lines(count: int, seed: int = 6) -> Iterator[bytes]:
    """:func:`synthetic_records` as compact JSON, one record per item."""
    import orjson

    return (orjson.dumps(record) for record in synthetic_records(count, seed))


@click.command("bench")
@click.argument("patterns", nargs=-1, required=True)
@click.option("--events", "sources", multiple=True,
              help="Events to match: a file, directory or S3-layout tree; repeatable.")
@click.option("--synth", "synth_count", type=click.IntRange(min=1),
              help="Generate this many synthetic CloudTrail records instead.")
@click.option("--seed", type=int, default=6, show_default=True, help="Seed for --synth.")
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True,
              help="Timed runs of cwpattern and of the parse floor (the best counts).")
@click.option("--baseline-events", type=click.IntRange(min=1), default=20_000,
              show_default=True,
              help="Events the interpreter and jq are timed on (they are slow).")
@click.option("--no-jq", is_flag=True, help="Leave jq out even when it is installed.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def bench(patterns: tuple[str, ...], sources: tuple[str, ...], synth_count: int | None,
          seed: int, repeat: int, baseline_events: int, no_jq: bool, as_json: bool) -> None:
    """Time PATTERNS over events, against orjson, the interpreter and jq."""
    import cwpattern
    from cwpattern.tools.bench import chunked, run

    if bool(sources) == (synth_count is not None):
        raise UserError("give either --events SOURCE or --synth N")
    compiled = [cwpattern.compile(pattern) for pattern in patterns]
    if synth_count is not None:
        origin = f"{synth_count} synthetic CloudTrail records (seed {seed})"
        lines = synthetic_lines(synth_count, seed)
        left_out = 0
    else:
        origin = ", ".join(sources)
        lines, left_out = _source_lines(sources)
    chunks = chunked(lines)
    if not chunks:
        raise UserError(f"no events in {origin}")
    result = run(compiled, chunks, repeat=repeat, baseline_events=baseline_events,
                 jq=None if no_jq else shutil.which("jq"))
    if as_json:
        click.echo(json.dumps({"source": origin, "left_out_multiline": left_out,
                               **result.to_dict()}, indent=2))
    else:
        _print(origin, result.to_dict(), left_out)


def _source_lines(sources: tuple[str, ...]) -> tuple[list[bytes], int]:
    """The messages of the sources; multi-line messages cannot be lines of a buffer."""
    from cwpattern.cli.sources import report_problems
    from simulator.events import Report
    from simulator.sources import read_events

    report = Report()
    lines, left_out = [], 0
    try:
        for event in read_events(list(sources), report):
            if "\n" in event.message:
                left_out += 1
            else:
                lines.append(event.message.encode())
    except OSError as error:
        raise UserError(f"cannot read {error.filename}: {error.strerror}") from None
    report_problems(report)
    return lines, left_out


def _print(origin: str, result: dict[str, Any], left_out: int) -> None:
    events = result["events"]
    click.echo(f"{events:,} events, {result['bytes'] / 1e6:,.1f} MB "
               f"({result['bytes_per_event']:,.0f} bytes/event) from {origin}")
    if left_out:
        click.echo(f"  ({left_out} multi-line message(s) left out: a buffer holds one per line)")
    for number, pattern in enumerate(result["patterns"], 1):
        click.echo(f"[{number}] {pattern['pattern']}")
        click.echo(f"    matches {pattern['matches']:,} ({pattern['match_rate']:.2%}); "
                   f"prefilter passes {pattern['prefilter_pass_rate']:.2%}")
        if pattern["jq"] is not None:
            click.echo(f"    jq: {pattern['jq']}")
        elif pattern["jq_untranslatable"]:
            click.echo(f"    jq: not translated ({pattern['jq_untranslatable']})")
    click.echo(f"lines handed to the matchers after the whole-buffer scan: "
               f"{result['scan_pass_rate']:.2%}")
    click.echo("")
    names = {"cwpattern": "cwpattern", "parse_floor": "parse floor (orjson.loads)",
             "interpreter": "reference interpreter", "jq": result["jq_version"] or "jq"}
    click.echo(f"{'':28}{'events/s':>12}{'MB/s':>9}{'cwpattern is':>14}")
    for name, measured in result["measurements"].items():
        ratio = "" if name == "cwpattern" else f"{result['ratios'][f'vs_{name}']:,.1f}x"
        sampled = "" if measured["events"] == events else f"  (first {measured['events']:,})"
        click.echo(f"{names[name]:28}{measured['events_per_s']:>12,.0f}"
                   f"{measured['mb_per_s']:>9,.0f}{ratio:>14}{sampled}")
    if result["jq_skipped"]:
        click.echo(f"jq: {result['jq_skipped']}")
    disagree = [name for name, same in result["agreement"].items() if not same]
    click.echo("answers: " + (f"DIFFER from {', '.join(disagree)}" if disagree
                              else "identical (" + ", ".join(result["agreement"]) + ")"))

"""``cwpattern bench PATTERN... (--events SOURCE | --synth N)``: how fast, against what.

Times the patterns over real events (any source ``cwpattern replay`` reads) or over
synthetic CloudTrail, next to baselines timed in the same run: ``orjson.loads`` of
every event (the parse floor), the reference interpreter and jq (see
:mod:`cwpattern.tools.bench`).  Everything is reported as ratios; ``--json`` gives the
numbers for scripts.

``--synth N`` generates N records (:func:`simulator.synth.bench_lines`).
"""

from __future__ import annotations

import json
import shutil

import click

from cwpattern.cli.errors import UserError


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
    from cwpattern.tools.bench import chunked, report_lines, run

    if bool(sources) == (synth_count is not None):
        raise UserError("give either --events SOURCE or --synth N")
    compiled = [cwpattern.compile(pattern) for pattern in patterns]
    if synth_count is not None:
        origin = f"{synth_count} synthetic CloudTrail records (seed {seed})"
        from simulator.synth import bench_lines

        lines = bench_lines(synth_count, seed)
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
        for line in report_lines(origin, result.to_dict(), left_out):
            click.echo(line)


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

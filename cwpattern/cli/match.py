"""``cwpattern match PATTERN [SOURCES...]``: grep for filter patterns.

Reads any supported source (files, CloudTrail S3 trees, ``-`` for standard input),
prints the messages that match, and exits as grep does: 0 when something matched,
1 when nothing did, 2 on error.  Files are read and matched by the replay's scoring
engine (:mod:`simulator.replay.match`), in ``--jobs`` worker processes.  A progress line
(events read, rate) appears on a terminal's stderr while the matches go elsewhere
(``--count``, or stdout redirected).
"""

from __future__ import annotations

import json
import sys

import click

import cwpattern
from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine, Tally
from cwpattern.cli.sources import path_filter, report_problems, source_options


@click.command("match")
@click.argument("pattern")
@click.argument("sources", nargs=-1)
@click.option("--count", "-c", is_flag=True, help="Print only the number of matching events.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per match: origin, timestamp, message, extracted values.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for reading and matching [default: number of cores; "
                   "one for small inputs].")
@source_options
def match(pattern: str, sources: tuple[str, ...], count: bool, as_json: bool,
          jobs: int | None, source_format: str, accounts: tuple[str, ...],
          regions: tuple[str, ...], start_date: object, end_date: object,
          strict: bool) -> None:
    """Print the events of SOURCES (default: standard input) that PATTERN matches."""
    from simulator.events import BadInputError, Report
    from simulator.replay import find_matches
    from simulator.sources import Format, ReadOptions

    compiled = cwpattern.compile(pattern)
    report = Report(strict=strict)
    line = ProgressLine.for_terminal() if count or not sys.stdout.isatty() else None
    tally = Tally(line) if line is not None else None
    matched = 0
    try:
        for found in find_matches(
                pattern, list(sources) or ["-"], report,
                read_options=ReadOptions(format=Format(source_format)),
                path_filter=path_filter(accounts, regions, start_date, end_date), jobs=jobs,
                on_file=(lambda events: tally.update(tally.events + events)) if tally else None):
            matched += 1
            if count:
                continue
            if as_json:
                click.echo(json.dumps({"origin": found.origin, "timestamp": found.timestamp_ms,
                                       "message": found.message,
                                       "extractedValues": compiled.extract(found.message)},
                                      ensure_ascii=False))
            else:
                click.echo(found.message)
    except BadInputError as error:
        raise UserError(f"bad input (--strict): {error}", exit_code=1) from None
    finally:
        if line is not None:
            line.close()
    if count:
        click.echo(matched)
    report_problems(report)
    raise SystemExit(0 if matched else 1)

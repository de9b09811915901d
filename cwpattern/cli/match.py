"""``cwpattern match PATTERN [SOURCES...]``: grep for filter patterns.

Reads any supported source (files, CloudTrail S3 trees, ``-`` for standard input),
prints the messages that match, and exits as grep does: 0 when something matched,
1 when nothing did, 2 on error.  A progress line (events read, rate) appears on a
terminal's stderr while the matches go elsewhere (``--count``, or stdout redirected).
"""

from __future__ import annotations

import json
import sys

import click

import cwpattern
from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine, Tally
from cwpattern.cli.sources import path_filter, report_problems, source_options

PROGRESS_EVERY = 4096  # events between progress updates


@click.command("match")
@click.argument("pattern")
@click.argument("sources", nargs=-1)
@click.option("--count", "-c", is_flag=True, help="Print only the number of matching events.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per match: origin, timestamp, message, extracted values.")
@source_options
def match(pattern: str, sources: tuple[str, ...], count: bool, as_json: bool,
          source_format: str, accounts: tuple[str, ...], regions: tuple[str, ...],
          start_date: object, end_date: object, strict: bool) -> None:
    """Print the events of SOURCES (default: standard input) that PATTERN matches."""
    from simulator.events import BadInputError, Report
    from simulator.sources import read_events

    compiled = cwpattern.compile(pattern)
    report = Report(strict=strict)
    chosen = path_filter(accounts, regions, start_date, end_date)
    matched = 0
    line = ProgressLine.for_terminal() if count or not sys.stdout.isatty() else None
    tally = Tally(line) if line is not None else None
    try:
        for read, event in enumerate(read_events(list(sources) or ["-"], report,
                                                 format=source_format, path_filter=chosen), 1):
            if tally is not None and read % PROGRESS_EVERY == 0:
                tally.update(read)
            extracted = compiled.extract(event.message)
            if extracted is None:
                continue
            matched += 1
            if as_json and not count:
                click.echo(json.dumps({"origin": event.origin, "timestamp": event.timestamp_ms,
                                       "message": event.message, "extractedValues": extracted},
                                      ensure_ascii=False))
            elif not count:
                click.echo(event.message)
    except BadInputError as error:
        raise UserError(f"bad input (--strict): {error}", exit_code=1) from None
    finally:
        if line is not None:
            line.close()
    if count:
        click.echo(matched)
    report_problems(report)
    raise SystemExit(0 if matched else 1)

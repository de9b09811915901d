"""The source options every reading command shares: format, path filters, strictness.

Bad input never vanishes: after a command, :func:`report_problems` prints one line per
kind of bad or late event with the first origins, and ``--strict`` turns the first bad
item into an error naming its origin (exit 1, as the simulator issue requires).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

FORMATS = ["auto", "cloudtrail", "json-array", "jsonl", "logs-api", "cwl-export", "text"]


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --format, --account, --region, --start, --end and --strict to a command."""
    options = [
        click.option("--format", "source_format", type=click.Choice(FORMATS), default="auto",
                     show_default=True, help="Input format (detected from content by default)."),
        click.option("--account", "accounts", multiple=True,
                     help="Only this account's CloudTrail files (S3 layout); repeatable."),
        click.option("--region", "regions", multiple=True,
                     help="Only this region's CloudTrail files (S3 layout); repeatable."),
        click.option("--start", "start_date", type=click.DateTime(["%Y-%m-%d"]),
                     help="First delivery day to read (YYYY-MM-DD, S3 layout)."),
        click.option("--end", "end_date", type=click.DateTime(["%Y-%m-%d"]),
                     help="Last delivery day to read (YYYY-MM-DD, S3 layout)."),
        click.option("--strict", is_flag=True,
                     help="Stop at the first bad event or file (exit 1) instead of skipping it."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def path_filter(accounts: tuple[str, ...], regions: tuple[str, ...], start_date: Any,
                end_date: Any) -> Any:
    from simulator.sources import PathFilter

    try:
        return PathFilter(accounts=frozenset(accounts) or None,
                          regions=frozenset(regions) or None,
                          start_date=_day(start_date), end_date=_day(end_date))
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


def report_problems(report: Any) -> None:
    """One stderr line per kind of skipped item, with the first origins."""
    if not (report.bad or report.late):
        return
    click.echo(f"cwpattern: skipped {report.bad} bad and {report.late} late item(s):", err=True)
    for line in report.summary_lines()[1:]:
        click.echo(f"  {line.strip()}", err=True)

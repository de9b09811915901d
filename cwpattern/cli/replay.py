"""``cwpattern replay --config SIM.yaml SOURCES...``: what CloudWatch would have done.

Replays trail exports (or any supported source) through the config's metric filters and
alarms and prints a report: matches per filter, the datapoints, the alarm timeline, who
and what is behind the matches, and every bad or late event with its origin.
``--json`` prints the full machine-readable history instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from cwpattern.cli.engine import engine_options
from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine
from cwpattern.cli.sources import path_filter, source_options

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60


@click.command("replay")
@click.option("--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Metric filters, alarms and settings (YAML, the test-file sections).")
@click.argument("sources", nargs=-1, required=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for reading and matching [default: number of cores].")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@source_options
@engine_options
def replay(config_path: Path, sources: tuple[str, ...], jobs: int | None, as_json: bool,
           source_format: str, accounts: tuple[str, ...], regions: tuple[str, ...],
           start_date: object, end_date: object, strict: bool) -> None:
    """Replay SOURCES (files, directories, S3-layout trees, -) through the config."""
    from simulator.events import BadInputError
    from simulator.replay import ReplayOptions
    from simulator.replay import replay as run_replay
    from simulator.suite import SuiteError
    from simulator.suite.loader import load_config

    try:
        definitions, settings = load_config(config_path)
    except SuiteError as error:
        raise UserError(str(error)) from None
    options = ReplayOptions(
        format=source_format, path_filter=path_filter(accounts, regions, start_date, end_date),
        strict=strict, jobs=jobs or os.cpu_count() or 1,
        reorder_window_ms=settings.reorder_window_ms,
        default_value_mode=settings.default_value_mode,
        evaluation_range=settings.evaluation_range, ingestion_lag_ms=settings.ingestion_lag_ms)
    progress = ProgressLine.for_terminal()
    try:
        result = run_replay(list(definitions.filters.values()),
                            list(definitions.alarms.values()), list(sources), options, progress)
    except BadInputError as error:
        raise UserError(f"bad input (--strict): {error}", exit_code=1) from None
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(result):
            click.echo(line)


def report_lines(result: Any) -> list[str]:
    """The human-readable report of a replay."""
    read = result.report.read
    rate = read / result.seconds if result.seconds > 0 else 0.0
    lines = [f"Replayed {result.files} file(s), {read:,} event(s) in {result.seconds:.2f} s "
             f"({rate:,.0f} events/s)"]
    if result.start_ms is not None:
        lines.append(f"Events from {_time(result.start_ms)} to {_time(result.end_ms)}")
    lines += ["", "Metric filters (read = matched + unmatched + bad + late)"]
    for name, row in result.accounting.items():
        lines.append(f"  {name}: {row['read']:,} = {row['matched']:,} + {row['unmatched']:,} + "
                     f"{row['bad']:,} + {row['late']:,}; {row['samples']:,} sample(s)"
                     + (f", {row['skipped_values']:,} value(s) skipped"
                        if row["skipped_values"] else ""))
    lines += ["", "Datapoints"]
    if not result.metrics:
        lines.append("  none: no event matched")
    for key, summary in result.metrics.items():
        lines.append(f"  {key}: {summary.datapoints} minute(s), sum {summary.total:g}, "
                     f"busiest minute {summary.busiest_minute:g}")
        lines.append(f"    {sparkline(summary.series, result.start_ms, result.end_ms)}")
    if result.simulation is not None:
        lines += ["", "Alarm timeline", *_timeline(result.simulation)]
    lines += _contributor_lines(result.contributors)
    lines += ["", "Bad and late input"]
    problems = result.report.summary_lines()
    lines += ["  none"] if not (result.report.bad or result.report.late) else \
        [f"  {line.strip()}" for line in problems[1:]]
    return lines


def _timeline(simulation: Any) -> list[str]:
    lines = []
    actions = {}
    for action in simulation.actions:
        actions.setdefault((action.alarm_name, action.time_ms), []).append(action)
    for transition in simulation.transitions:
        lines.append(f"  {_time(transition.time_ms)}  {transition.alarm_name}  "
                     f"{transition.old_state.value} -> {transition.new_state.value}")
        lines.append(f"      {transition.reason}")
        for action in actions.get((transition.alarm_name, transition.time_ms), []):
            lines.append(f"      action: {action.kind} {action.target}")
    return lines or ["  no state change"]


def _contributor_lines(tables: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, table in tables.items():
        top = table.top(10)
        if not top:
            continue
        lines += ["", f"Behind the matches of {name} (principal, action, resource)"]
        lines += [f"  {count:>6}  {who}  {action}  {resource}"
                  for (who, action, resource), count in top]
    return lines


def sparkline(series: list[tuple[int, float]], start_ms: int | None,
              end_ms: int | None) -> str:
    """Per-minute sums as a terminal sparkline over the replay's time span."""
    if not series or start_ms is None or end_ms is None:
        return ""
    width = min(SPARK_WIDTH, (end_ms - start_ms) // 60_000 + 1)
    span = max(end_ms - start_ms, 1)
    columns = [0.0] * width
    for when, value in series:
        column = min((when - start_ms) * width // (span + 60_000), width - 1)
        columns[column] += value
    top = max(columns) or 1.0
    return "".join(" " if value == 0 else SPARKS[min(int(value / top * 7.999), 7)]
                   for value in columns)


def _time(epoch_ms: int | None) -> str:
    from simulator.suite.notation import iso_text

    return iso_text(epoch_ms) if epoch_ms is not None else "-"

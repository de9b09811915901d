"""``cwpattern replay --config SIM.yaml SOURCES...``: what CloudWatch would have done.

Replays trail exports (or any supported source) through the config's metric filters and
alarms and prints a report: matches per filter, the datapoints, the alarm timeline, who
and what is behind the matches, and every bad or late event with its origin.
``--json`` prints the full machine-readable history instead; ``--plot`` also draws the
alarms' datapoints, thresholds and states (with labelled incidents shaded) to a PNG.
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
@click.option("--checkpoint", "checkpoint_dir", type=click.Path(file_okay=False),
              help="Keep each scored file here; a killed replay restarted with the same "
                   "command resumes and gives the same report.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the alarms' datapoints, thresholds and states to this PNG "
                   "(needs matplotlib: pip install 'cwpattern[plot]').")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Incident labels (JSON lines: id, start, end) to shade on the plot "
                   "[default: a labels.jsonl next to the sources].")
@source_options
@engine_options
def replay(config_path: Path, sources: tuple[str, ...], jobs: int | None, as_json: bool,
           checkpoint_dir: str | None, plot_path: Path | None, labels_path: Path | None,
           source_format: str, accounts: tuple[str, ...], regions: tuple[str, ...],
           start_date: object, end_date: object, strict: bool) -> None:
    """Replay SOURCES (files, directories, S3-layout trees, -) through the config."""
    from simulator.checkpoint import CheckpointError
    from simulator.events import BadInputError
    from simulator.replay import replay as run_replay

    if labels_path is not None and plot_path is None:
        raise UserError("--labels shades incidents on the plot; add --plot FILE.png "
                        "(cwpattern sweep scores detection against labels)")
    if plot_path is not None:
        check_plotting()
    definitions, options = load_replay_config(
        config_path, source_format=source_format,
        path_filter=path_filter(accounts, regions, start_date, end_date), strict=strict,
        jobs=jobs, checkpoint_dir=checkpoint_dir)
    _, incidents = load_incidents(labels_path, sources) if plot_path is not None \
        else (None, ())
    alarms = list(definitions.alarms.values())
    recorder = None
    if plot_path is not None:
        from simulator.plot import ReplayRecorder

        recorder = ReplayRecorder(alarms)
    progress = ProgressLine.for_terminal()
    try:
        result = run_replay(list(definitions.filters.values()), alarms, list(sources), options,
                            progress, observe=recorder)
    except BadInputError as error:
        raise UserError(f"bad input (--strict): {error}", exit_code=1) from None
    except CheckpointError as error:
        raise UserError(str(error)) from None
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(result):
            click.echo(line)
    if plot_path is not None and recorder is not None:
        from simulator.plot import plot_replay_result

        plot_replay_result(plot_path, result, recorder, incidents,
                           title=f"cwpattern replay --config {config_path.name}")
        click.echo(f"Plot written to {plot_path}", err=as_json)


def load_replay_config(config_path: Path, *, source_format: str, path_filter: Any,
                       strict: bool, jobs: int | None,
                       checkpoint_dir: str | None = None) -> tuple[Any, Any]:
    """The config's definitions and the replay options its settings and the flags give."""
    from simulator.replay import ReplayOptions
    from simulator.suite import SuiteError
    from simulator.suite.loader import load_config

    try:
        definitions, settings = load_config(config_path)
    except SuiteError as error:
        raise UserError(str(error)) from None
    options = ReplayOptions(
        format=source_format, path_filter=path_filter, strict=strict,
        jobs=jobs or os.cpu_count() or 1, reorder_window_ms=settings.reorder_window_ms,
        default_value_mode=settings.default_value_mode,
        evaluation_range=settings.evaluation_range, ingestion_lag_ms=settings.ingestion_lag_ms,
        checkpoint_dir=checkpoint_dir)
    return definitions, options


def check_plotting() -> None:
    """Fail before any work when --plot is asked for and matplotlib is missing."""
    from simulator.plot import PlotUnavailable, require_matplotlib

    try:
        require_matplotlib()
    except PlotUnavailable as error:
        raise UserError(str(error)) from None


def load_incidents(labels_path: Path | None,
                   sources: tuple[str, ...]) -> tuple[Path | None, tuple[Any, ...]]:
    """The labels file used (--labels, or a labels.jsonl next to the sources, or None) and
    its incidents."""
    from simulator.labels import LabelsError, find_labels, read_labels

    try:
        path = labels_path or find_labels(sources)
        return path, read_labels(path) if path is not None else ()
    except LabelsError as error:
        raise UserError(str(error)) from None


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
    width = _spark_width(start_ms, end_ms)
    columns = [0.0] * width
    for when, value in series:
        columns[_spark_column(when, start_ms, end_ms, width)] += value
    top = max(columns) or 1.0
    return "".join(" " if value == 0 else SPARKS[min(int(value / top * 7.999), 7)]
                   for value in columns)


def span_marks(spans: list[tuple[int, int]], start_ms: int, end_ms: int) -> str:
    """``^`` under the sparkline columns that the half-open ``spans`` overlap."""
    width = _spark_width(start_ms, end_ms)
    marks = [" "] * width
    for begin, end in spans:
        if end <= start_ms or begin > end_ms:
            continue
        first = _spark_column(max(begin, start_ms), start_ms, end_ms, width)
        last = _spark_column(min(end - 1, end_ms), start_ms, end_ms, width)
        marks[first:last + 1] = ["^"] * (last - first + 1)
    return "".join(marks).rstrip()


def _spark_width(start_ms: int, end_ms: int) -> int:
    return max(min(SPARK_WIDTH, (end_ms - start_ms) // 60_000 + 1), 1)


def _spark_column(when: int, start_ms: int, end_ms: int, width: int) -> int:
    span = max(end_ms - start_ms, 1)
    return min(max((when - start_ms) * width // (span + 60_000), 0), width - 1)


def _time(epoch_ms: int | None) -> str:
    from simulator.suite.notation import iso_text

    return iso_text(epoch_ms) if epoch_ms is not None else "-"

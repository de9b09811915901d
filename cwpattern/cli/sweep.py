"""``cwpattern sweep --config SIM.yaml SOURCES... --threshold 1,2,5 ...``: choose an alarm.

Replays SOURCES once through the config's metric filters, then evaluates every combination
of the listed thresholds, periods, M of N, statistics and TreatMissingData applied to the
config's alarm, and prints one row per combination: how often it would have paged, how long
it would have stayed in ALARM, how fast it caught each labelled incident, and how many
alarms it raised outside them.  Rows are ranked by a fixed rule and the Pareto front
(detection against false alarms) is marked ``*``.  ``--json`` prints everything;
``--plot`` draws detection time against false alarms.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from cwpattern.cli.engine import engine_options
from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine
from cwpattern.cli.replay import (
    check_plotting,
    load_incidents,
    load_replay_config,
    span_marks,
    sparkline,
)
from cwpattern.cli.sources import path_filter, report_problems, source_options

TREAT_MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")
HIGH_RESOLUTION_PERIODS = (10, 20, 30)
#: With this many incidents or fewer the table has one column per incident.
MAX_INCIDENT_COLUMNS = 4


def _list_of(parse: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter,
                                                       str | None], tuple[Any, ...]]:
    """A click callback reading ``a,b,c`` with ``parse`` for each item."""
    def callback(ctx: click.Context, param: click.Parameter,
                 text: str | None) -> tuple[Any, ...]:
        if text is None:
            return ()
        items = [item.strip() for item in text.split(",")]
        if any(not item for item in items):
            raise click.BadParameter(f"{text!r} has an empty item; write values like 1,2,5")
        values = []
        for item in items:
            try:
                value = parse(item)
            except ValueError as error:
                raise click.BadParameter(f"{item!r}: {error}") from None
            if value in values:
                raise click.BadParameter(f"{item!r} is listed twice")
            values.append(value)
        return tuple(values)
    return callback


def _threshold(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a threshold must be a finite number")
    return value


def _period(text: str) -> int:
    value = _whole(text)
    if value not in HIGH_RESOLUTION_PERIODS and value % 60:
        raise ValueError("Period must be 10, 20, 30 or a multiple of 60 (seconds)")
    return value


def _whole(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError("expected a whole number, at least 1")
    return int(text)


def _statistic(text: str) -> str:
    from simulator.statistics import StatisticError, parse_statistic

    try:
        return parse_statistic(text).name
    except StatisticError as error:
        raise ValueError(str(error)) from None


def _treat_missing(text: str) -> str:
    if text not in TREAT_MISSING_DATA:
        raise ValueError(f"TreatMissingData must be one of {', '.join(TREAT_MISSING_DATA)}")
    return text


@click.command("sweep")
@click.option("--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Metric filters, the alarm to vary and settings (the replay config).")
@click.argument("sources", nargs=-1, required=True)
@click.option("--alarm", "alarm_name", metavar="NAME",
              help="The alarm to vary [default: the config's only metric alarm].")
@click.option("--threshold", "thresholds", metavar="LIST", callback=_list_of(_threshold),
              help="Thresholds to try, e.g. 1,2,5,10.")
@click.option("--period", "periods", metavar="LIST", callback=_list_of(_period),
              help="Periods to try, in seconds, e.g. 60,300.")
@click.option("--evaluation-periods", "evaluation_periods", metavar="LIST",
              callback=_list_of(_whole),
              help="EvaluationPeriods (N) to try, e.g. 1,3,5.")
@click.option("--datapoints-to-alarm", "datapoints_to_alarm", metavar="LIST",
              callback=_list_of(_whole),
              help="DatapointsToAlarm (M) to try; combinations with M > N are skipped "
                   "[default: M = N if the alarm has M = N, else the alarm's M].")
@click.option("--statistic", "statistics", metavar="LIST", callback=_list_of(_statistic),
              help="Statistics to try, e.g. Sum,SampleCount,p90.")
@click.option("--treat-missing-data", "treat_missing_data", metavar="LIST",
              callback=_list_of(_treat_missing),
              help="TreatMissingData values to try, e.g. missing,notBreaching.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Incident labels (JSON lines: id, start, end) [default: a labels.jsonl "
                   "next to the sources].")
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
              help="Print only the first N rows of the ranked table (--json has all).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for reading and matching [default: number of cores].")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw time to detect against false alarms to this PNG (needs "
                   "matplotlib: pip install 'cwpattern[plot]').")
@engine_options
@source_options
def sweep(config_path: Path, sources: tuple[str, ...], alarm_name: str | None,
          thresholds: tuple[float, ...], periods: tuple[int, ...],
          evaluation_periods: tuple[int, ...], datapoints_to_alarm: tuple[int, ...],
          statistics: tuple[str, ...], treat_missing_data: tuple[str, ...],
          labels_path: Path | None, top: int | None, jobs: int | None, as_json: bool,
          plot_path: Path | None, source_format: str, accounts: tuple[str, ...],
          regions: tuple[str, ...], start_date: object, end_date: object,
          strict: bool) -> None:
    """Evaluate a grid of alarm settings over SOURCES, replayed once."""
    from simulator.events import BadInputError
    from simulator.sweep import Grid, SweepError
    from simulator.sweep import sweep as run_sweep

    if plot_path is not None:
        check_plotting()
    definitions, options = load_replay_config(
        config_path, source_format=source_format,
        path_filter=path_filter(accounts, regions, start_date, end_date), strict=strict,
        jobs=jobs)
    alarm = _chosen_alarm(definitions.alarms, alarm_name)
    labels, incidents = load_incidents(labels_path, sources)
    grid = Grid(thresholds, periods, evaluation_periods, datapoints_to_alarm, statistics,
                treat_missing_data)
    progress = ProgressLine.for_terminal()
    try:
        result = run_sweep(list(definitions.filters.values()), alarm, grid, list(sources),
                           options, incidents, progress)
    except SweepError as error:
        raise UserError(str(error)) from None
    except BadInputError as error:
        raise UserError(f"bad input (--strict): {error}", exit_code=1) from None
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        document = {**result.to_dict(), "labels": _shown(labels)}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for line in report_lines(result, top, _shown(labels)):
            click.echo(line)
        report_problems(result.report)
    if plot_path is not None:
        _plot(plot_path, result, as_json)


def _chosen_alarm(alarms: dict[str, Any], name: str | None) -> Any:
    from simulator.alarm import MetricAlarm
    from simulator.sweep import SweepError, check_sweepable

    if name is not None:
        if name not in alarms:
            known = ", ".join(repr(n) for n in alarms) or "none"
            raise UserError(f"the config has no alarm named {name!r} (alarms: {known})")
        chosen = alarms[name]
    else:
        metric_alarms = [a for a in alarms.values() if isinstance(a, MetricAlarm)]
        if len(metric_alarms) != 1:
            names = ", ".join(repr(a.name) for a in metric_alarms)
            raise UserError("the config has no metric alarm to vary" if not metric_alarms else
                            f"the config has {len(metric_alarms)} metric alarms ({names}); "
                            "choose one with --alarm")
        chosen = metric_alarms[0]
    try:
        return check_sweepable(chosen)
    except SweepError as error:
        raise UserError(str(error)) from None


def _plot(path: Path, result: Any, to_stderr: bool) -> None:
    from simulator.plot import plot_sweep

    if not result.incidents:
        raise UserError("sweep --plot needs incident labels (--labels FILE): it draws time to "
                        "detect against false alarms")
    plot_sweep(path, result)
    click.echo(f"Plot written to {path}", err=to_stderr)


# ------------------------------------------------------------------------------ report


def _shown(path: Path | None) -> str | None:
    """A labels path as the user would type it: relative to here when it is below here."""
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def report_lines(result: Any, top: int | None = None, labels: str | None = None) -> list[str]:
    """The human-readable sweep report: timeline, incidents, ranked table, rejects."""
    from simulator.sweep import GRACE_RULE, RANKING_RULE

    key = result.alarm.metric_key
    read = result.report.read
    lines = [f"Swept alarm {result.alarm.name} ({key}): {len(result.outcomes)} "
             f"configuration(s) over {read:,} event(s) from {result.files} file(s), "
             f"replayed once, in {result.seconds:.2f} s",
             f"Timeline {_time(result.start_ms)} to {_time(result.end_ms)} (events end "
             f"{_time(result.data_end_ms)})"]
    last_minute = result.data_end_ms - 60_000
    spark = sparkline(result.series.minute_sums(), result.start_ms, last_minute)
    lines.append(f"  {spark or '(no datapoint for this metric)'}")
    if result.incidents:
        marks = span_marks([(i.start_ms, i.end_ms) for i in result.incidents],
                           result.start_ms, last_minute)
        lines.append(f"  {marks}  <- labelled incidents")
        lines += ["", f"Incidents ({labels})" if labels else "Incidents"]
        lines += [f"  {i.id}: {_time(i.start_ms)} to {_time(i.end_ms)}" for i in result.incidents]
        lines += [f"Detected: first transition into ALARM from the incident's start until "
                  f"{GRACE_RULE}.",
                  "False alarms: transitions into ALARM outside every incident's window.",
                  f"Ranked by {RANKING_RULE}; * marks the Pareto front (detection vs false "
                  "alarms)."]
    else:
        lines += ["", "No incident labels (--labels FILE, or a labels.jsonl next to the "
                      "sources): detection and false alarms are not scored; rows in grid order."]
    lines += ["", *_table(result, top)]
    lines += _invalid_lines(result.invalid)
    lines += [f"warning: {note}" for note in result.warnings]
    return lines


def _table(result: Any, top: int | None) -> list[str]:
    incidents = result.incidents
    header = ["", "threshold", "period", "M/N", "statistic", "missing data", "ALARMs",
              "in ALARM"]
    per_incident = 0 < len(incidents) <= MAX_INCIDENT_COLUMNS
    if per_incident:
        header += [i.id[:14] for i in incidents]
    elif incidents:
        header += ["detected", "mean", "worst"]
    if incidents:
        header.append("false")
    rows = [_row(outcome, per_incident, bool(incidents))
            for outcome in result.outcomes[:top]]
    widths = [max(len(header[c]), *(len(r[c]) for r in rows)) if rows else len(header[c])
              for c in range(len(header))]
    lines = [_join(header, widths), *(_join(row, widths) for row in rows)]
    hidden = len(result.outcomes) - len(rows)
    if hidden > 0:
        lines.append(f"  ... {hidden} more row(s) (--top {top}); --json lists all")
    return lines


def _row(outcome: Any, per_incident: bool, scored: bool) -> list[str]:
    variant = outcome.variant
    row = ["*" if outcome.pareto else "", f"{variant.threshold:g}", f"{variant.period}",
           variant.m_of_n, variant.statistic, variant.treat_missing_data,
           str(len(outcome.alarm_times)), duration(outcome.ms_in_alarm)]
    if per_incident:
        row += [duration(d.delay_ms) if d.delay_ms is not None else "missed"
                for d in outcome.detections]
    elif scored:
        mean, worst = outcome.mean_delay_ms, outcome.worst_delay_ms
        row += [f"{outcome.detected}/{len(outcome.detections)}",
                duration(round(mean)) if mean is not None else "-",
                duration(worst) if worst is not None else "-"]
    if scored:
        row.append(str(outcome.false_alarms))
    return row


def _join(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _invalid_lines(invalid: Sequence[Any]) -> list[str]:
    if not invalid:
        return []
    reasons = Counter(bad.error for bad in invalid)
    lines = ["", f"Skipped {len(invalid)} combination(s) CloudWatch would reject:"]
    lines += [f"  {count} x {reason}" for reason, count in sorted(reasons.items())]
    return lines


def duration(milliseconds: int) -> str:
    """``45s``, ``6m``, ``1h02m``, ``2d3h``: short, exact to the second."""
    seconds = milliseconds // 1000
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m" if not seconds else f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours}h"


def _time(epoch_ms: int) -> str:
    from simulator.suite.notation import iso_text

    return iso_text(epoch_ms)

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cwpattern.cli.engine import engine_options
from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine
from cwpattern.cli.replay import check_plotting, load_incidents, load_replay_config
from cwpattern.cli.sources import path_filter, report_problems, source_options


def _list_of(name: str) -> Callable[[click.Context, click.Parameter, str | None],
                                   tuple[Any, ...]]:
    """A click callback reading ``a,b,c`` with the sweep's parser ``name`` for each item."""
    def parse(text: str) -> Any:
        from simulator import analysis

        return getattr(analysis, name)(text)

    return _list_reader(parse)


def _list_reader(parse: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter,
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


@click.command("sweep")
@click.option("--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Metric filters, the alarm to vary and settings (the replay config).")
@click.argument("sources", nargs=-1, required=True)
@click.option("--alarm", "alarm_name", metavar="NAME",
              help="The alarm to vary [default: the config's only metric alarm].")
@click.option("--threshold", "thresholds", metavar="LIST", callback=_list_of("parse_threshold"),
              help="Thresholds to try, e.g. 1,2,5,10.")
@click.option("--period", "periods", metavar="LIST", callback=_list_of("parse_period"),
              help="Periods to try, in seconds, e.g. 60,300.")
@click.option("--evaluation-periods", "evaluation_periods", metavar="LIST",
              callback=_list_of("parse_whole"),
              help="EvaluationPeriods (N) to try, e.g. 1,3,5.")
@click.option("--datapoints-to-alarm", "datapoints_to_alarm", metavar="LIST",
              callback=_list_of("parse_whole"),
              help="DatapointsToAlarm (M) to try; combinations with M > N are skipped "
                   "[default: M = N if the alarm has M = N, else the alarm's M].")
@click.option("--statistic", "statistics", metavar="LIST",
              callback=_list_of("parse_statistic_name"),
              help="Statistics to try, e.g. Sum,SampleCount,p90.")
@click.option("--treat-missing-data", "treat_missing_data", metavar="LIST",
              callback=_list_of("parse_treat_missing_data"),
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
    from simulator.analysis import (
        Grid,
        SweepError,
        choose_alarm,
        shown_path,
        sweep_report_lines,
    )
    from simulator.analysis import sweep as run_sweep
    from simulator.events import BadInputError

    if plot_path is not None:
        check_plotting()
    definitions, options = load_replay_config(
        config_path, format=source_format,
        path_filter=path_filter(accounts, regions, start_date, end_date), strict=strict,
        jobs=jobs)
    try:
        alarm = choose_alarm(definitions.alarms, alarm_name)
    except SweepError as error:
        raise UserError(str(error)) from None
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
        document = {**result.to_dict(), "labels": shown_path(labels)}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for line in sweep_report_lines(result, top, shown_path(labels)):
            click.echo(line)
        report_problems(result.report)
    if plot_path is not None:
        _plot(plot_path, result, as_json)


def _plot(path: Path, result: Any, to_stderr: bool) -> None:
    from simulator.analysis import plot_sweep

    if not result.incidents:
        raise UserError("sweep --plot needs incident labels (--labels FILE): it draws time to "
                        "detect against false alarms")
    plot_sweep(path, result)
    click.echo(f"Plot written to {path}", err=to_stderr)

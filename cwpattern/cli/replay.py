"""``cwpattern replay --config SIM.yaml SOURCES...``: what CloudWatch would have done.

Replays trail exports (or any supported source) through the config's metric filters and
alarms and prints a report: matches per filter, the datapoints, the alarm timeline, who
and what is behind the matches, and every bad or late event with its origin.
``--json`` prints the full machine-readable history instead; ``--plot`` also draws the
alarms' datapoints, thresholds and states (with labelled incidents shaded) to a PNG.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cwpattern.cli.engine import engine_options
from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine
from cwpattern.cli.sources import path_filter, source_options


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
    from simulator.events import BadInputError
    from simulator.replay import CheckpointError
    from simulator.replay import replay as run_replay
    from simulator.replay import report_lines as replay_report_lines

    if labels_path is not None and plot_path is None:
        raise UserError("--labels shades incidents on the plot; add --plot FILE.png "
                        "(cwpattern sweep scores detection against labels)")
    if plot_path is not None:
        check_plotting()
    definitions, options = load_replay_config(
        config_path, format=source_format,
        path_filter=path_filter(accounts, regions, start_date, end_date), strict=strict,
        jobs=jobs, checkpoint_dir=checkpoint_dir)
    _, incidents = load_incidents(labels_path, sources) if plot_path is not None \
        else (None, ())
    alarms = list(definitions.alarms.values())
    recorder = None
    if plot_path is not None:
        from simulator.analysis import ReplayRecorder

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
        for line in replay_report_lines(result):
            click.echo(line)
    if plot_path is not None and recorder is not None:
        from simulator.analysis import plot_replay_result

        plot_replay_result(plot_path, result, recorder, incidents,
                           title=f"cwpattern replay --config {config_path.name}")
        click.echo(f"Plot written to {plot_path}", err=as_json)


def load_replay_config(config_path: Path, **options: Any) -> tuple[Any, Any]:
    """The config's definitions and the replay options its settings and ``options`` give."""
    from simulator.suite import SuiteError
    from simulator.suite import load_replay_config as load

    try:
        return load(config_path, **options)
    except SuiteError as error:
        raise UserError(str(error)) from None


def check_plotting() -> None:
    """Fail before any work when --plot is asked for and matplotlib is missing."""
    from simulator.analysis import PlotUnavailable, require_matplotlib

    try:
        require_matplotlib()
    except PlotUnavailable as error:
        raise UserError(str(error)) from None


def load_incidents(labels_path: Path | None,
                   sources: tuple[str, ...]) -> tuple[Path | None, tuple[Any, ...]]:
    """The labels file used (--labels, or a labels.jsonl next to the sources, or None) and
    its incidents."""
    from simulator.synth import LabelsError, find_labels, read_labels

    try:
        path = labels_path or find_labels(sources)
        return path, read_labels(path) if path is not None else ()
    except LabelsError as error:
        raise UserError(str(error)) from None

"""``cwpattern synth SCENARIO``: write synthetic CloudTrail traffic with labelled incidents."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cwpattern.cli.errors import UserError
from cwpattern.cli.progress import ProgressLine, Tally


@click.command("synth")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path),
              help="Output: a .jsonl(.gz) file, or a directory for --layout s3.")
@click.option("--layout", type=click.Choice(["jsonl", "s3"]), default="jsonl",
              show_default=True,
              help="JSON lines, or CloudTrail files in the S3 layout (AWSLogs/...).")
@click.option("--seed", type=int, help="Override the scenario's seed.")
@click.option("--labels", type=click.Path(path_type=Path),
              help="Write the incidents' ground truth here (JSON lines).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def synth(scenario: Path, out: Path, layout: str, seed: int | None, labels: Path | None,
          as_json: bool) -> None:
    """Generate the traffic SCENARIO describes (deterministic for a given seed)."""
    from simulator.synth import ScenarioError, load_scenario, synthesize

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot read {scenario}: {error.strerror}") from None
    line = ProgressLine.for_terminal()
    try:
        summary = synthesize(loaded, out, layout=layout, seed=seed, labels_path=labels,
                             progress=Tally(line).update if line is not None else None)
    finally:
        if line is not None:
            line.close()
    if as_json:
        click.echo(json.dumps({"records": summary.records, "files": summary.files,
                               "labels": summary.labels, "out": str(out)}))
    else:
        click.echo(f"wrote {summary.records} records in {summary.files} file(s) to {out}"
                   + (f"; {summary.labels} incident label(s) to {labels}" if labels else ""))

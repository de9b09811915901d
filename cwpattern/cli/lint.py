"""``cwpattern lint FILES...``: AWS's validation and the pattern surprises, before deploy.

Prints ``file:line:column: severity: message`` lines (as compilers do) and a count;
exits 1 when there are errors, 0 otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def lint(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check patterns, metric filters and alarms in test files, configs and templates."""
    from simulator.analysis import lint as run_lint

    findings = run_lint(paths)
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    if as_json:
        click.echo(json.dumps({"errors": errors, "warnings": warnings,
                               "findings": [vars(f) for f in findings]}, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}")
    raise SystemExit(1 if errors else 0)

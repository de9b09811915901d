"""``cwpattern explain PATTERN``: how AWS reads a pattern, and what may surprise you."""

from __future__ import annotations

import json

import click

from cwpattern.explanation import explain as explain_pattern


@click.command("explain")
@click.argument("pattern")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
def explain(pattern: str, as_json: bool) -> None:
    """Show the syntax, structure and normalized form of PATTERN, with warnings."""
    explanation = explain_pattern(pattern)
    if as_json:
        click.echo(json.dumps(explanation.as_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"syntax:     {explanation.syntax}")
    click.echo(f"normalized: {explanation.normalized}")
    click.echo("matches when:")
    for line in explanation.structure:
        click.echo(f"  {line}")
    for surprise in explanation.warnings:
        label = click.style(surprise.severity, fg="yellow" if surprise.severity == "warning"
                            else "cyan")
        click.echo(f"{label} [{surprise.code}, spec {surprise.spec}]: {surprise.message}")

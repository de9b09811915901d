"""``cwpattern test [PATHS...]``: run ``*.cwtest.yaml`` files, the way pytest would.

Exit codes: 0 when every case passes, 1 when a case fails, 2 when a test file itself is
broken (with its file, line and column on stderr).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from cwpattern.cli.engine import engine_options
from cwpattern.cli.errors import UserError


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--junit-xml", "junit_xml", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results as JUnit XML for CI systems.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@engine_options
def test(paths: tuple[Path, ...], junit_xml: Path | None, output: str) -> None:
    """Run the test files in PATHS (files, or directories searched for *.cwtest.yaml)."""
    from simulator.suite import discover, run_suite

    searched = paths or (Path("."),)
    if not any(True for _ in discover(searched)):
        raise UserError(f"no *.cwtest.yaml files under {', '.join(map(str, searched))}")
    run = run_suite(searched)
    if junit_xml is not None:
        junit_xml.write_bytes(run.to_junit())
    if output == "json":
        click.echo(json.dumps(run.to_json(), indent=2, ensure_ascii=False))
    else:
        for error in run.errors:
            click.echo(f"cwpattern: {error}", err=True)
        for line in run.text_lines():
            click.echo(line)
    raise SystemExit(run.exit_code)


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

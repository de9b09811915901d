"""``cwpattern test [PATHS...]``: run ``*.cwtest.yaml`` files, the way pytest would.

Exit codes: 0 when every case passes, 1 when a case fails, 2 when a test file itself is
broken (with its file, line and column on stderr).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

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
    from simulator.suite import SuiteError, discover, load_test_file, report, run_file

    files = list(discover(paths or [Path(".")]))
    if not files:
        raise UserError(f"no *.cwtest.yaml files under {', '.join(map(str, paths or ['.']))}")
    loaded, errors = [], []
    for path in files:
        try:
            loaded.append(load_test_file(path))
        except SuiteError as error:
            errors.append(str(error))
    results = [result for test_file in loaded for result in run_file(test_file)]
    if junit_xml is not None:
        junit_xml.write_bytes(report.to_junit(results, errors))
    if output == "json":
        click.echo(json.dumps(report.to_json(results, errors), indent=2, ensure_ascii=False))
    else:
        _print_text(loaded, results, errors, report)
    raise SystemExit(2 if errors else 0 if all(r.passed for r in results) else 1)


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _print_text(loaded: list, results: list, errors: list[str], report: ModuleType) -> None:
    for test_file in loaded:
        mine = [r for r in results if r.file == test_file.path]
        click.echo(f"{test_file.path} {report.progress(mine)}")
    for error in errors:
        click.echo(f"cwpattern: {error}", err=True)
    sections = report.failure_sections(results)
    if sections:
        click.echo("")
        click.echo("\n\n".join(sections))
    click.echo(report.summary_line(results, len(errors)))

"""How the command line reports user mistakes: one sentence, the right exit code."""

from __future__ import annotations

import click

from cwpattern.errors import PatternError


class UserError(Exception):
    """A mistake in the command, its files or its flags; shown without a traceback."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def report_pattern_error(error: PatternError, where: str = "") -> None:
    """AWS's message, then the pattern with a caret, then our hint (stderr)."""
    prefix = f"{where}: " if where else ""
    click.echo(f"cwpattern: {prefix}InvalidParameterException: {error.message}", err=True)
    for line in error.caret_display().splitlines():
        click.echo(f"    {line}", err=True)
    if error.hint:
        click.echo(f"  {error.hint}", err=True)

"""The ``cwpattern`` command line: one group, one module per command.

This package sits on top of both the pattern language (``cwpattern``) and the simulator;
nothing in the core imports it.  Every user mistake ends as one clear message on stderr
and exit code 2 — never a traceback, unless ``--debug`` asks for one.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from cwpattern import __version__
from cwpattern.cli.errors import UserError, report_pattern_error
from cwpattern.errors import PatternError

EXIT_USAGE = 2


class _Group(click.Group):
    """A click group that turns expected failures into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PatternError as error:
            report_pattern_error(error)
            ctx.exit(EXIT_USAGE)
        except UserError as error:
            click.echo(f"cwpattern: {error}", err=True)
            ctx.exit(error.exit_code)
        except ImportError as error:
            if type(error).__name__ != "MissingExtraError":  # an optional extra's message
                raise
            click.echo(f"cwpattern: {error}", err=True)
            ctx.exit(EXIT_USAGE)
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, as grep does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"cwpattern: internal error: {type(error).__name__}: {error} "
                       "(run with --debug for the traceback)", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cwpattern")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Test CloudWatch Logs filter patterns, metric filters and alarms locally."""
    ctx.obj = {"debug": debug}


def _register() -> None:
    from cwpattern.cli.bench import bench
    from cwpattern.cli.explain import explain
    from cwpattern.cli.lint import lint
    from cwpattern.cli.match import match
    from cwpattern.cli.replay import replay
    from cwpattern.cli.sweep import sweep
    from cwpattern.cli.synth import synth
    from cwpattern.cli.test import test
    from cwpattern.cli.test_metric_filter import test_metric_filter

    for command in (bench, explain, lint, match, replay, sweep, synth, test,
                    test_metric_filter):
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

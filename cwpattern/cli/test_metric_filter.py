"""``cwpattern test-metric-filter``: a drop-in for ``aws logs test-metric-filter``.

Same flags, same JSON on stdout, so a user can swap one command for the other; no
account needed and no 50-message limit.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

import cwpattern
from cwpattern.cli.errors import UserError

FILE_PREFIX = "file://"


@click.command("test-metric-filter")
@click.option("--filter-pattern", required=True, help="The filter pattern to test.")
@click.option("--log-event-messages", "first_message", required=True, metavar="M [M ...]",
              help="Messages to test, as for the AWS CLI; file://path reads a JSON list or "
                   "one message per line.")
@click.argument("more_messages", nargs=-1, metavar="")
def test_metric_filter(filter_pattern: str, first_message: str,
                       more_messages: tuple[str, ...]) -> None:
    """Print TestMetricFilter's response for the given pattern and messages."""
    messages: list[str] = []
    for value in (first_message, *more_messages):
        messages.extend(read_messages(value))
    response = cwpattern.test_metric_filter(filter_pattern, messages)
    click.echo(json.dumps(response, indent=4, ensure_ascii=False))


test_metric_filter.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def read_messages(value: str) -> list[str]:
    """A literal message, or the messages of a ``file://`` reference."""
    if not value.startswith(FILE_PREFIX):
        return [value]
    path = Path(value[len(FILE_PREFIX):])
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None
    return _parse_message_file(content)


def _parse_message_file(content: str) -> list[str]:
    stripped = content.lstrip()
    if stripped.startswith("["):
        try:
            loaded = json.loads(content)
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, list) and all(isinstance(item, str) for item in loaded):
            return loaded
    return content.splitlines()

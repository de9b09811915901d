"""The ``console`` examples of the README and docs/ are real: each ``$ cwpattern ...``
line whose inputs ship with the repository is run, and its output compared with the
page's.

``...`` on a page stands for any text (doctest's ELLIPSIS), runs of whitespace compare
equal, and timings ("in 0.01 s (19,871 events/s)") are not compared.  Examples run in
a fresh directory that sees the repository's ``fixtures/``; an example that shows no
output only has to succeed.  Commands that need something the repository does not
hold (an S3 bucket, a file the reader is meant to create, a pipe) are listed in
``NOT_RUN`` with the reason.
"""

from __future__ import annotations

import doctest
import re
import shlex
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from cwpattern.cli import main

from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
TIMING = re.compile(r"in [0-9.]+ s( \([0-9,]+ events/s\))?")
NOT_RUN = {
    "failing.cwtest.yaml": "the reader writes this file first",
    "case.cwtest.yaml": "the reader writes this file first",
    "apache_logs": "the corpus's Apache log, not shipped",
    "s3://": "needs a bucket",
    "alarms.yaml": "stands for the reader's own config",
    "|": "a shell pipe",
    "sim.yaml": "stands for the reader's own config",
    "SIM.yaml": "a synopsis",
    "--scheduler tcp": "needs a running Dask scheduler",
    "--synth 1000000": "a minute of benchmarking",
}


@dataclass(frozen=True)
class Example:
    command: str
    expected: str
    exit_code: int | None  # from a following "$ echo $?"
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.command[:60]}"


def examples() -> list[Example]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in re.finditer(r"```console\n(.*?)```", text, re.S):
            first_line = text.count("\n", 0, block.start()) + 2
            found += _block_examples(block.group(1).splitlines(),
                                     f"{page.relative_to(REPO)}:{first_line}")
    return found


def _block_examples(lines: list[str], where: str) -> list[Example]:
    found: list[Example] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ cwpattern"):
            i += 1
            continue
        start, command = i, lines[i][2:]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        i += 1
        output = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        exit_code = None
        if i < len(lines) and lines[i] == "$ echo $?":
            exit_code = int(lines[i + 1])
            i += 2
        page, first_line = where.rsplit(":", 1)
        found.append(Example(command, "\n".join(output), exit_code,
                             f"{page}:{int(first_line) + start}"))
    return found


def _runnable(example: Example) -> bool:
    return not any(marker in example.command for marker in NOT_RUN)


RUNNABLE = [example for example in examples() if _runnable(example)]


def test_the_readme_has_runnable_examples_of_most_commands() -> None:
    commands = {shlex.split(example.command)[1] for example in RUNNABLE}
    assert commands >= {"replay", "explain", "test-metric-filter", "match", "test", "lint",
                        "synth", "sweep", "--help"}


@pytest.mark.parametrize("example", RUNNABLE, ids=str)
def test_readme_console_example(example: Example, tmp_path, monkeypatch) -> None:
    (tmp_path / "fixtures").symlink_to(REPO / "fixtures")
    (tmp_path / "docs").mkdir()  # sweep --plot writes docs/images/sweep.png
    (tmp_path / "docs" / "images").mkdir()
    monkeypatch.chdir(tmp_path)
    args = shlex.split(example.command)[1:]
    if "dask" in args:
        pytest.importorskip("distributed")
    result = CliRunner().invoke(main, args, prog_name="cwpattern", terminal_width=78)
    if example.exit_code is not None:
        assert result.exit_code == example.exit_code
    else:
        assert result.exit_code in (0, 1), result.output
    if not example.expected.strip():
        return  # the page shows the command alone
    expected = TIMING.sub("in … s", example.expected).rstrip() + "\n"
    actual = TIMING.sub("in … s", result.output).rstrip() + "\n"
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert checker.check_output(expected, actual, flags), \
        checker.output_difference(doctest.Example("", expected), actual, flags)

"""docs/sweep.md shows real output: its Python example runs (doctest) and its sweep table is
what the documented command prints today."""

from __future__ import annotations

import doctest
import re
import shlex

from click.testing import CliRunner

from cwpattern.cli import main

from conftest import REPO

PAGE = REPO / "docs" / "sweep.md"


def test_sweep_page_examples(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = doctest.testfile(str(PAGE), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_sweep_page_table_is_real_output(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    block = re.search(r"```console\n\$ (cwpattern sweep .*?)\n(Swept.*?)```", PAGE.read_text(),
                      re.S)
    assert block is not None
    command = shlex.split(block.group(1).replace("\\\n", " "))
    plot = command.index("--plot")
    del command[plot:plot + 2]  # the table does not depend on the plot (nor on matplotlib)
    result = CliRunner().invoke(main, command[1:])
    assert result.exit_code == 0, result.output
    documented = block.group(2).splitlines()
    actual = result.output.splitlines()
    start = next(i for i, line in enumerate(documented) if "threshold" in line)
    end = next(i for i, line in enumerate(documented) if line.startswith("Skipped"))
    table = [line.rstrip() for line in documented[start:end + 2]]
    first = actual.index(next(line for line in actual if "threshold" in line))
    assert [line.rstrip() for line in actual[first:first + len(table)]] == table

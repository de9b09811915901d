"""The Python examples of the README and docs/api.md run and print what the pages say
(doctest)."""

from __future__ import annotations

import doctest

import pytest

from conftest import REPO


@pytest.mark.parametrize("page", ["README.md", "docs/api.md"])
def test_python_examples(page: str, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = doctest.testfile(str(REPO / page), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_readme_shows_the_real_command_list() -> None:
    from click.testing import CliRunner

    from cwpattern.cli import main

    shown = (REPO / "README.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(main, ["--help"], prog_name="cwpattern",
                                terminal_width=78).output
    assert help_text.strip() in shown
    for command in main.commands:
        assert f"`cwpattern {command}`" in shown or f"`{command}`" in shown

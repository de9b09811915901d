"""The README's Python examples run and print what the README says (doctest)."""

from __future__ import annotations

import doctest

from conftest import REPO


def test_readme_examples(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = doctest.testfile(str(REPO / "README.md"), module_relative=False,
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

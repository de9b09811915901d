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

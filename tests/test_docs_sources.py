"""docs/sources.md's Python examples run and print what the page says (doctest)."""

from __future__ import annotations

import doctest

from conftest import REPO


def test_sources_page_examples(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = doctest.testfile(str(REPO / "docs" / "sources.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0

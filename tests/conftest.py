"""Shared test helpers: where the optional real-data corpus lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def corpus_root() -> Path:
    """The shared corpus (``CWPATTERN_CORPUS`` or ``../shared/corpus``); may be absent."""
    return Path(os.environ.get("CWPATTERN_CORPUS", REPO.parent / "shared" / "corpus"))


def corpus_path(*parts: str) -> Path:
    """A path inside the corpus, or skip the test when the corpus is not installed."""
    path = corpus_root().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path

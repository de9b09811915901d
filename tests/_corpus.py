"""Locate the shared corpus of real log data; skip the calling test when it is absent.

The corpus lives outside the repository (users who clone do not have it).  Its root
is ``$CWPATTERN_CORPUS``, defaulting to ``<repo>/../shared/corpus``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def corpus_root() -> Path:
    return Path(os.environ.get("CWPATTERN_CORPUS", REPO.parent / "shared" / "corpus"))


def corpus_path(*parts: str) -> Path:
    """The path of ``parts`` inside the corpus; skips the test if it does not exist."""
    path = corpus_root().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus file not available: {path}")
    return path

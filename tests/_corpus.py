"""Locate the shared real-data corpus; skip the calling test cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def corpus_path(*parts: str) -> Path:
    """``$CWPATTERN_CORPUS/<parts>`` (default ``<repo>/../shared/corpus``), or skip."""
    root = Path(os.environ.get("CWPATTERN_CORPUS", _DEFAULT))
    path = root.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available at {path}")
    return path

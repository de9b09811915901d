"""Read a source file's text with a size bound and a clear error.

Configs can come from untrusted pull requests, so no loader reads an unbounded file
or lets a decoding error escape as a traceback.
"""

from __future__ import annotations

from pathlib import Path

from simulator.deploy.model import DeployError
from simulator.documents import MAX_INPUT_BYTES


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; raises :class:`DeployError` when it cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise DeployError(f"cannot read: {error.strerror}", str(path)) from None
    if len(data) > MAX_INPUT_BYTES:
        raise DeployError(f"larger than {MAX_INPUT_BYTES} bytes", str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DeployError("not valid UTF-8 text", str(path), line, column) from None

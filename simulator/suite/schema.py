"""Field checks for test files, with the file, line and column of every mistake.

Test files are read with the deploy package's position-keeping YAML reader, so every
mapping knows where each of its keys was written.  These helpers check a mapping's
keys (an unknown or misspelled key gets the closest known name as a suggestion) and the
type of each value, and raise :class:`SuiteError` pointing at the offending line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.documents import Mark, MarkedDict, MarkedList


@dataclass(frozen=True)
class Where:
    """A position in a test file (1-based line and column)."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class SuiteError(ValueError):
    """A mistake in a test file: the position, then one sentence."""

    def __init__(self, where: Where, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Node:
    """A mapping from a test file, with the helpers to read its fields safely."""

    def __init__(self, data: Any, where: Where, what: str):
        if not isinstance(data, Mapping):
            raise SuiteError(where, f"{what} must be a mapping, not {_kind(data)}")
        self.data = data
        self.where = where
        self.what = what

    def at(self, key: str) -> Where:
        mark: Mark = data_mark(self.data, key) or (self.where.line, self.where.column)
        return Where(self.where.file, *mark)

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else \
                    f"; expected one of {', '.join(allowed)}"
                raise SuiteError(self.at(key), f"unknown field {key!r} in {self.what}{hint}")
        for key in required:
            if key not in self.data:
                raise SuiteError(self.where, f"{self.what} needs the field {key!r}")

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise SuiteError(self.at(key), f"{key} must be a string, not {_kind(value)}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise SuiteError(self.at(key), f"{key} must be true or false, not {_kind(value)}")
        return value

    def items(self, key: str) -> list[tuple[Any, Where]]:
        """The entries of a list field, each with its position (a scalar becomes [it])."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            return [(value, self.at(key))]
        return [(item, self.item_where(value, index)) for index, item in enumerate(value)]

    def item_where(self, items: list[Any], index: int) -> Where:
        if isinstance(items, MarkedList):
            return Where(self.where.file, *items.mark_of(index))
        return self.where

    def child(self, key: str, what: str) -> Node:
        return Node(self.data[key], self.at(key), what)


def data_mark(data: Any, key: str) -> Mark | None:
    if isinstance(data, MarkedDict):
        return data.mark_of(key)
    return None


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "empty"
    return f"{type(value).__name__} {value!r}"

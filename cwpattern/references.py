"""Field references used by metric values and dimensions: ``$.a.b``, ``$name``, ``$3``.

A metric filter names the value it publishes and its dimension values by reference to
the matched event (spec §7.1).  JSON patterns take a selector without wildcards; space-
delimited patterns take a slot name or a 1-based field position.  References are parsed
once, when the metric filter is defined, and resolved against each matched event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cwpattern import messages
from cwpattern.errors import PatternError
from cwpattern.nodes import AnyIndex, AnyKey, Index, Key, Step
from cwpattern.selectors import SelectorError, parse_steps

_SPACE_REFERENCE = re.compile(r"\$([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Reference:
    """A parsed reference; ``text`` is how it was written (the extractedValues key)."""

    text: str
    steps: tuple[Step, ...] = ()
    position: int | None = None

    def json_value(self, document: dict[str, Any]) -> str | None:
        """The scalar at this selector as text, or None (missing, array or object)."""
        node: Any = document
        for step in self.steps:
            if isinstance(step, Key) and isinstance(node, dict) and step.name in node:
                node = node[step.name]
            elif isinstance(step, Index) and isinstance(node, list) and step.index < len(node):
                node = node[step.index]
            else:
                return None
        return scalar_text(node)

    def space_value(self, extracted: dict[str, str], by_position: dict[int, str]) -> str | None:
        if self.position is not None:
            return by_position.get(self.position)
        return extracted.get(self.text)


def scalar_text(value: Any) -> str | None:
    """A JSON scalar as the string TestMetricFilter would show; None for the rest."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return None


def parse_reference(text: str, kind: str) -> Reference:
    """Parse a reference for a pattern of ``kind`` ("json" or "space")."""
    if kind == "json":
        try:
            steps = parse_steps(text)
        except SelectorError as error:
            raise PatternError(error.message, text, error.pos, error.hint) from None
        if not steps or any(isinstance(step, AnyKey | AnyIndex) for step in steps):
            raise PatternError(messages.INVALID_PATTERN, text, 0,
                               "a field reference is a selector without wildcards, "
                               "such as $.detail.bytes")
        return Reference(text, steps=tuple(steps))
    if kind == "space":
        found = _SPACE_REFERENCE.fullmatch(text)
        if not found:
            raise PatternError(messages.INVALID_PATTERN, text, 0,
                               "a space-delimited field reference is $name or $N")
        name = found.group(1)
        return Reference(text, position=int(name) if name.isdigit() else None)
    raise PatternError(messages.DIMENSIONS_NOT_SUPPORTED, text, 0,
                       "only JSON and space-delimited patterns can refer to event fields")

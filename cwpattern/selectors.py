"""JSON selectors (``$.a.b[0]``, ``$.*``, ``$.['a.b']``): text to steps.

Selectors appear in JSON patterns and, without wildcards, in metric values and
dimensions.  Both uses share this one reader so they accept exactly the same spelling
and report a bad character the way AWS does (``Invalid character(s) in term '$."'``).
"""

from __future__ import annotations

import re

from cwpattern import messages
from cwpattern.nodes import AnyIndex, AnyKey, Index, Key, Step

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_INDEX = re.compile(r"\[(\d+|\*)\]")
_BRACKET_KEY = re.compile(r"\['([^']*)'\]")


class SelectorError(Exception):
    """A bad selector: AWS's message and the offset inside the selector text."""

    def __init__(self, message: str, pos: int, hint: str | None = None):
        super().__init__(message)
        self.message, self.pos, self.hint = message, pos, hint


def parse_steps(text: str) -> list[Step]:
    """Steps of a selector such as ``$.a.b[0]``, ``$.*`` or ``$.['a.b']`` (spec §5.2)."""
    if not text.startswith("$."):
        raise SelectorError(messages.INVALID_PATTERN, 1 if text.startswith("$") else 0,
                         "a selector starts with '$.'")
    steps: list[Step] = []
    i = 1
    while i < len(text):
        step, i = _next_step(text, i, first=not steps)
        steps.append(step)
    return steps


def _next_step(text: str, i: int, first: bool) -> tuple[Step, int]:
    if text[i] == ".":
        if text.startswith("*", i + 1):
            return AnyKey(), i + 2
        bracket = _BRACKET_KEY.match(text, i + 1)
        if bracket:
            return Key(bracket.group(1)), bracket.end()
        name = _NAME.match(text, i + 1)
        if name:
            return Key(name.group()), name.end()
        bad = i + 1 if i + 1 < len(text) else i
        raise SelectorError(messages.invalid_character(text[: bad + 1]), bad)
    if text[i] == "[" and not first:
        bracket = _BRACKET_KEY.match(text, i)
        if bracket:
            return Key(bracket.group(1)), bracket.end()
        index = _INDEX.match(text, i)
        if index:
            return (AnyIndex() if index.group(1) == "*" else Index(int(index.group(1)))), \
                index.end()
    raise SelectorError(messages.invalid_character(text[: i + 1]), i)



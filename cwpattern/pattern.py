"""The compiled pattern object and the module-level API, in the manner of ``re``.

``compile()`` parses once and caches by pattern text; ``FilterPattern`` then answers
``matches``/``extract`` for as many messages as needed.  ``test_metric_filter`` mirrors
the TestMetricFilter API response so results can be compared with AWS's byte for byte.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from cwpattern import ambiguities, interpreter
from cwpattern.nodes import JsonPattern, Pattern, RegexPattern, SpacePattern, TextPattern
from cwpattern.parser import parse
from cwpattern.printer import to_text
from cwpattern.references import Reference, parse_reference

_KINDS: dict[type, str] = {
    TextPattern: "text",
    RegexPattern: "text",
    JsonPattern: "json",
    SpacePattern: "space",
}
_CACHE_SIZE = 512


class FilterPattern:
    """A parsed filter pattern, ready to match many messages.

    Attributes:
        pattern: the text it was compiled from.
        tree: its expression tree (``cwpattern.nodes``).
        kind: ``"text"`` (terms, phrases or a standalone regex), ``"json"`` or ``"space"``.
    """

    __slots__ = ("_references", "kind", "pattern", "tree")

    def __init__(self, pattern: str, tree: Pattern):
        self.pattern = pattern
        self.tree = tree
        self.kind = _KINDS[type(tree)]
        self._references: dict[str, Reference] = {}

    def __repr__(self) -> str:
        return f"cwpattern.compile({self.pattern!r})"

    @property
    def normalized(self) -> str:
        """The pattern in cwpattern's normal form (see ``cwpattern.printer``)."""
        return to_text(self.tree)

    def matches(self, message: str | bytes) -> bool:
        """Whether CloudWatch Logs would count ``message`` as a match."""
        return interpreter.bind(self.tree, message) is not None

    def extract(self, message: str | bytes,
                references: Iterable[str] = ()) -> dict[str, str] | None:
        """TestMetricFilter's ``extractedValues`` for a match, else None.

        ``references`` (``$.a.b`` for JSON patterns, ``$name``/``$N`` for space-delimited
        ones) adds each named field's value, as a string, when the event has it.
        """
        parsed = [self.reference(text) for text in references]
        return interpreter.bind(self.tree, message, parsed)

    def check_reference(self, reference: str) -> None:
        """Raise PatternError unless ``reference`` can name a field of this pattern."""
        self.reference(reference)

    def reference(self, text: str) -> Reference:
        found = self._references.get(text)
        if found is None:
            found = self._references[text] = parse_reference(text, self.kind)
        return found


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile(pattern: str) -> FilterPattern:
    """Parse ``pattern`` (cached), or raise PatternError with AWS's message."""
    return FilterPattern(pattern, parse(pattern))


def purge() -> None:
    """Clear the compile cache."""
    compile.cache_clear()


def matches(pattern: str, message: str | bytes) -> bool:
    """``compile(pattern).matches(message)``."""
    return compile(pattern).matches(message)


def extract(pattern: str, message: str | bytes) -> dict[str, str] | None:
    """``compile(pattern).extract(message)``."""
    return compile(pattern).extract(message)


def test_metric_filter(pattern: str, messages: Sequence[str]) -> dict[str, Any]:
    """The response TestMetricFilter would give: the matching events, in input order."""
    compiled = compile(pattern)
    found = []
    for number, message in enumerate(messages, ambiguities.EVENT_NUMBER_BASE):
        extracted = compiled.extract(message)
        if extracted is not None:
            found.append({"eventNumber": number, "eventMessage": message,
                          "extractedValues": extracted})
    return {"matches": found}


test_metric_filter.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

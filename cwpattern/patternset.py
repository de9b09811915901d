"""Many patterns over one event stream: each event is scanned and parsed once.

A replay usually runs several metric filters over the same log group (the 14 CIS
filters, say).  Evaluated one by one, every JSON filter would parse every event again.
A ``PatternSet`` checks each distinct prefilter literal once per event, parses the
event as JSON at most once for all JSON patterns that survive their prefilter, and
runs text and space-delimited patterns on the raw message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cwpattern.compiler import Extracted, Message
from cwpattern.events import json_object
from cwpattern.pattern import FilterPattern, compile
from cwpattern.references import Reference


class PatternSet:
    """An ordered collection of patterns evaluated together.

    ``extract_all(message, references)`` gives, for every pattern in order, what
    ``FilterPattern.extract(message, references[i])`` would give; ``matching(message)``
    the indices of the patterns that match.
    """

    def __init__(self, patterns: Iterable[FilterPattern | str]):
        self.patterns: tuple[FilterPattern, ...] = tuple(
            p if isinstance(p, FilterPattern) else compile(p) for p in patterns)
        self._needs = [p.compiled.requirements for p in self.patterns]
        self._json = [p.kind == "json" for p in self.patterns]

    def __len__(self) -> int:
        return len(self.patterns)

    def matching(self, message: Message) -> list[int]:
        return [i for i, values in enumerate(self.extract_all(message)) if values is not None]

    def extract_all(self, message: Message,
                    references: Sequence[Sequence[str]] | None = None) -> list[Extracted | None]:
        memo: dict[Any, bool] = {}
        document: Any = _UNPARSED
        results: list[Extracted | None] = []
        for index, pattern in enumerate(self.patterns):
            wanted = references[index] if references else ()
            if not self._needs[index].admits(message, memo):
                results.append(None)
            elif self._json[index]:
                if document is _UNPARSED:
                    document = json_object(message)
                results.append(_bind_document(pattern, document, wanted))
            else:
                results.append(pattern.compiled.bind(message,
                                                      [pattern.reference(r) for r in wanted]))
        return results


_UNPARSED: Any = object()


def _bind_document(pattern: FilterPattern, document: dict[str, Any] | None,
                   wanted: Sequence[str]) -> Extracted | None:
    match_document = pattern.compiled.match_document
    assert match_document is not None
    if document is None or not match_document(document):
        return None
    values: Extracted = {}
    for text in wanted:
        reference: Reference = pattern.reference(text)
        value = reference.json_value(document)
        if value is not None:
            values[text] = value
    return values

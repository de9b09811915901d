"""Many patterns over one event stream: each event is scanned and parsed once.

A replay usually runs several metric filters over the same log group (the 14 CIS
filters, say).  Evaluated one by one, every JSON filter would parse every event again.
A ``PatternSet`` checks each distinct prefilter literal once per event, parses the
event as JSON at most once for all JSON patterns that survive their prefilter, and
runs text and space-delimited patterns on the raw message.

For many events at once, :class:`BufferScanner` runs the set over a whole buffer of
newline-separated messages: a C-speed search for each pattern's rarest literal finds
the few lines that can match (``cwpattern.scan``), and only those are evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cwpattern.compiler import CompiledPattern, Extracted, Message
from cwpattern.events import json_object
from cwpattern.pattern import FilterPattern, compile
from cwpattern.prefilter import COMMON_KEYS, Requirements
from cwpattern.references import Reference
from cwpattern.scan import SAMPLE_BYTES, LineFinder, all_lines, anchors, candidate_spans

#: Literal checks worth making on a candidate line before parsing it: a search through
#: a 1.5 KB line costs about a seventh of parsing it, and most checks reject nothing.
PRECHECK_LITERALS = 4


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

    def scanner(self, sample: bytes | None = None) -> BufferScanner:
        """A :class:`BufferScanner` for this set; ``sample`` (typically the start of the
        data) ranks the literals by how often they occur."""
        return BufferScanner(self, sample)

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


class BufferScanner:
    """A :class:`PatternSet` run over whole buffers of newline-separated messages.

    ``matching_lines(buffer)`` yields ``(line, indices)`` for every line that some
    pattern matches, in buffer order, with the indices of the patterns that match it;
    the answer for each line is exactly ``[i for i, p in enumerate(patterns) if
    p.matches(line)]``.  ``candidates`` counts the lines that reached a matcher.
    """

    def __init__(self, patterns: PatternSet, sample: bytes | None = None) -> None:
        needs = [p.compiled.requirements for p in patterns.patterns]
        sample = sample[:SAMPLE_BYTES] if sample else None
        self.needles = anchors(needs, sample)
        self.finder = None if self.needles is None else LineFinder(self.needles, sample)
        self.candidates = 0
        checks = _prechecks(patterns.patterns, self.needles or (), sample)
        self._plan: list[tuple[int, CompiledPattern, Requirements | None, bool]] = [
            (index, pattern.compiled, checks[index], pattern.kind == "json")
            for index, pattern in enumerate(patterns.patterns)]
        self._documents_only = all(is_json and check is None
                                   for _, _, check, is_json in self._plan)
        self._document_tests = [(index, compiled.match_document)
                                for index, compiled, _, _ in self._plan]

    def matching_lines(self, buffer: bytes) -> Iterator[tuple[bytes, list[int]]]:
        if self.finder is None:
            lines: Iterable[bytes] = all_lines(buffer) if buffer else ()
        else:
            lines = (buffer[start:end] for start, end in self.finder.spans(buffer))
        for line in lines:
            self.candidates += 1
            found = self.evaluate(line)
            if found:
                yield line, found

    def evaluate(self, line: bytes) -> list[int]:
        """Indices of the patterns that match ``line`` (parsed at most once)."""
        if self._documents_only:
            document = json_object(line)
            if document is None:
                return []
            return [index for index, test in self._document_tests
                    if test(document)]  # type: ignore[misc]
        memo: dict[Any, bool] = {}
        document: Any = _UNPARSED
        found = []
        for index, compiled, check, is_json in self._plan:
            if not is_json:
                if compiled.match(line):
                    found.append(index)
                continue
            if check is not None and not check.admits(line, memo):
                continue
            if document is _UNPARSED:
                document = json_object(line)
            if document is not None and compiled.match_document(document):  # type: ignore[misc]
                found.append(index)
        return found


def _prechecks(patterns: Sequence[FilterPattern], needles: Sequence[bytes],
               sample: bytes | None) -> list[Requirements | None]:
    """Per JSON pattern, the literal checks made on a candidate line before parsing it.

    Only clauses that can reject a candidate are kept: not those of keys every
    CloudTrail record has, nor the anchors, nor (given a sample) those present in every
    sampled candidate line; rarest first, and only while the total stays within
    :data:`PRECHECK_LITERALS`.  Leaving a clause out never changes an answer, it only
    lets more lines through to the parser.
    """
    anchored = set(needles)
    lines = [sample[start:end] for start, end in candidate_spans(sample, needles)] \
        if sample and needles else []
    chosen: list[list[tuple[str, ...]]] = []
    for pattern in patterns:
        clauses = [clause for clause in pattern.compiled.requirements.clauses
                   if pattern.kind == "json" and not COMMON_KEYS.intersection(clause)
                   and not anchored.intersection(literal.encode() for literal in clause)]
        if lines:
            present = {clause: sum(any(lit.encode() in line for lit in clause) for line in lines)
                       for clause in clauses}
            clauses = sorted((c for c in clauses if present[c] < len(lines)), key=present.get)
        chosen.append(clauses)
    if sum(len(clause) for clauses in chosen for clause in clauses) > PRECHECK_LITERALS:
        return [None] * len(patterns)
    return [Requirements(tuple(clauses), json=True) if clauses else None for clauses in chosen]

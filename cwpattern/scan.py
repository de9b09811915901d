"""Whole-buffer scanning: find the few lines that can match without touching the rest.

Looping over a million lines in Python costs about a microsecond each before any
matching starts.  When a pattern requires a literal (``"AccessDenied"``), a C-speed
search over the whole decompressed buffer finds the lines that contain it; only those
lines (plus any line holding a JSON escape that could hide the literal) are cut out and
handed to the matcher.  Every other line is known not to match.

What makes the scan fast rather than merely correct:

* the *rarest* clause of each pattern is the anchor, counted in a sample of the data
  (``"AccessDenied"`` is in 5% of CloudTrail records, ``:role/aws-service-role/`` in
  20%), instead of the prefilter's static guess;
* a :class:`LineFinder` chooses, on that sample, the fastest way to find its needles:
  ``bytes.find`` (CPython's two-way/Horspool search, about 2 GB/s), RE2 on the part of
  the needle that starts with its rarest byte (RE2 jumps between occurrences of a
  literal's first byte with ``memchr``; any part of a required literal is required
  too), or one RE2 alternation for many needles (one pass, whatever their number);
* JSON escapes are found through the backslash byte, which ``bytes.find`` locates with
  ``memchr`` at memory speed (two-byte needles such as ``\\u`` are the slowest case
  of CPython's substring search).

The choice only changes how fast lines are found, never which: every plan finds every
line that contains a needle (and perhaps a few more, which the matcher then rejects).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

import re2

from cwpattern.prefilter import ESCAPES_BYTES, Requirements

#: How much of a buffer is sampled to rank clauses and to choose the searches.
SAMPLE_BYTES = 1 << 18
#: Up to this many needles may each get their own pass; more share one alternation.
SEPARATE_PASSES = 4
#: A needle is never cut shorter than this (shorter ones occur by chance).
MIN_NEEDLE = 6
_BACKSLASH = b"\\"
_NEWLINE = b"\n"
Span = tuple[int, int]
#: ``(buffer, position) -> offset of the next hit at or after position, or -1``.
Search = Callable[[bytes, int], int]


def anchors(needs: Sequence[Requirements], sample: bytes | None = None) -> tuple[bytes, ...] | None:
    """Byte strings at least one of which every matching line of any pattern contains.

    Each pattern contributes the alternatives of one clause: the one with the fewest
    hits in ``sample`` when a sample is given, else its first (most selective by the
    prefilter's ranking).  JSON patterns add the escapes that could hide the literals.
    None when some pattern has no requirement, in which case every line is a candidate.
    """
    found: set[bytes] = set()
    for requirement in needs:
        if not requirement.byte_clauses:
            return None
        found.update(_rarest_clause(requirement.byte_clauses, sample))
        if requirement.json:
            found.update(ESCAPES_BYTES)
    return tuple(sorted(found))


def _rarest_clause(clauses: tuple[tuple[bytes, ...], ...],
                   sample: bytes | None) -> tuple[bytes, ...]:
    if not sample:
        return clauses[0]
    return min(clauses, key=lambda clause: hits(clause, sample))


def hits(clause: Iterable[bytes], sample: bytes) -> int:
    """How often a clause's literals occur in ``sample`` (its cost as an anchor)."""
    return sum(sample.count(literal) for literal in clause)


class LineFinder:
    """Finds the lines of a buffer that contain at least one of some needles.

    ``spans(buffer)`` gives ``(start, end)`` of each such line, in buffer order, each
    once (``end`` excludes the newline).  Escape needles (``\\u``, ``\\/``) are found
    through the lines that hold a backslash.  Given a sample, the searches are the
    fastest on it among equivalent plans (see the module docstring).
    """

    def __init__(self, needles: Sequence[bytes], sample: bytes | None = None) -> None:
        self.escapes = tuple(needle for needle in needles if needle in ESCAPES_BYTES)
        literals = tuple(sorted({needle for needle in needles if needle not in ESCAPES_BYTES}))
        self.searches = _plan(literals, sample[:SAMPLE_BYTES] if sample else None)

    def spans(self, buffer: bytes) -> list[Span]:
        found: dict[int, int] = {}
        for search in self.searches:
            found.update(_lines_found(buffer, search))
        if self.escapes:
            found.update(_escape_lines(buffer, self.escapes))
        return sorted(found.items())


def candidate_spans(buffer: bytes, needles: Sequence[bytes]) -> list[Span]:
    """:meth:`LineFinder.spans` without a sample: the lines containing a needle."""
    return LineFinder(needles).spans(buffer)


def candidate_lines(buffer: bytes, needles: Sequence[bytes]) -> Iterator[tuple[int, int, int]]:
    """``(line_number, start, end)`` of each line containing a needle, in buffer order.

    Line numbers are 1-based; ``end`` excludes the newline.  Each line is reported once.
    Counting lines costs a pass over the buffer; use :class:`LineFinder` when numbers
    are not needed.
    """
    line, counted = 1, 0
    for start, end in candidate_spans(buffer, needles):
        line += buffer.count(_NEWLINE, counted, start)
        counted = start
        yield line, start, end


def all_lines(buffer: bytes) -> Iterator[bytes]:
    """Every line of the buffer, as :func:`count_lines` counts them."""
    lines = buffer.split(_NEWLINE)
    if lines[-1] == b"":
        lines.pop()
    return iter(lines)


def count_lines(buffer: bytes) -> int:
    """Lines in the buffer (a final line without a newline counts)."""
    if not buffer:
        return 0
    return buffer.count(_NEWLINE) + (not buffer.endswith(_NEWLINE))


# ---------------------------------------------------------------------------- plans


def _plan(literals: tuple[bytes, ...], sample: bytes | None) -> list[Search]:
    """The searches that together find every line holding one of ``literals``."""
    if not literals:
        return []
    alternation = _regex_search((*literals,))
    if len(literals) > SEPARATE_PASSES:
        return [alternation]
    separate = [_fastest(_searches_for(literal, sample), sample) for literal in literals]
    if len(literals) == 1 or sample is None:
        return separate
    return min([separate, [alternation]], key=lambda plan: _seconds(plan, sample))


def _searches_for(literal: bytes, sample: bytes | None) -> list[Search]:
    """Equivalent ways to find ``literal``'s lines: ``bytes.find``, and RE2 on the part
    that starts at its rarest byte (a line holding the literal holds that part)."""
    options = [_find_search(literal), _regex_search((literal,))]
    if sample is not None and len(literal) > MIN_NEEDLE:
        start = min(range(len(literal) - MIN_NEEDLE + 1),
                    key=lambda i: (sample.count(literal[i:i + 1]), i))
        if start:
            options.append(_regex_search((literal[start:],)))
    return options


def _fastest(options: list[Search], sample: bytes | None) -> Search:
    if sample is None or len(options) == 1:
        return options[0]
    return min(options, key=lambda search: _seconds([search], sample))


def _seconds(plan: list[Search], sample: bytes, repeat: int = 3) -> float:
    """Best of ``repeat`` timings of the plan over the sample."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for search in plan:
            for _span in _lines_found(sample, search):
                pass
        best = min(best, time.perf_counter() - started)
    return best


def _find_search(literal: bytes) -> Search:
    return lambda buffer, position: buffer.find(literal, position)


@functools.lru_cache(maxsize=256)
def _regex_search(literals: tuple[bytes, ...]) -> Search:
    """One RE2 pass for any of ``literals``.

    Every byte is written as ``\\xHH`` unless alphanumeric, and the expression is read
    as Latin-1, so RE2 compares raw bytes whatever they encode.
    """
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.log_errors = False
    regex = re2.compile(b"|".join(_escaped(literal) for literal in literals), options)
    match = getattr(getattr(regex, "_regexp", None), "Match", None)
    if match is None:  # not google-re2's usual wrapper: its public API
        def search_public(buffer: bytes, position: int) -> int:
            found = regex.search(buffer, position)
            return -1 if found is None else found.start()

        return search_public
    unanchored = re2._re2.RE2.Anchor.UNANCHORED

    def search(buffer: bytes, position: int) -> int:
        # The wrapper's own call, without the generator and Match object it builds
        # around it (as much time as the search itself); -1 when nothing is found.
        return match(unanchored, buffer, position, len(buffer))[0][0]

    return search


def _escaped(literal: bytes) -> bytes:
    return b"".join(bytes([byte]) if bytes([byte]).isalnum() else b"\\x%02x" % byte
                    for byte in literal)


# ---------------------------------------------------------------------------- lines


def _line_around(buffer: bytes, position: int) -> Span:
    start = buffer.rfind(_NEWLINE, 0, position) + 1
    end = buffer.find(_NEWLINE, position)
    return start, len(buffer) if end < 0 else end


def _lines_found(buffer: bytes, search: Search) -> Iterator[Span]:
    position = search(buffer, 0)
    while position >= 0:
        start, end = _line_around(buffer, position)
        yield start, end
        position = search(buffer, end + 1) if end < len(buffer) else -1


def _escape_lines(buffer: bytes, escapes: tuple[bytes, ...]) -> Iterator[Span]:
    position = buffer.find(_BACKSLASH)
    while position >= 0:
        start, end = _line_around(buffer, position)
        if any(buffer.find(escape, position, end) >= 0 for escape in escapes):
            yield start, end
        position = buffer.find(_BACKSLASH, end)

"""Whole-buffer scanning: find the few lines that can match without touching the rest.

Looping over a million lines in Python costs about a microsecond each before any
matching starts.  When a pattern requires a literal (``"AccessDenied"``), a C-speed
``bytes.find`` over the whole decompressed buffer finds the lines that contain it;
only those lines (plus any line holding a JSON escape that could hide the literal) are
cut out and handed to the matcher.  Every other line is known not to match.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cwpattern.prefilter import ESCAPES_BYTES, Requirements


def anchors(needs: Sequence[Requirements]) -> tuple[bytes, ...] | None:
    """Byte strings at least one of which every matching line of any pattern contains.

    Each pattern contributes the alternatives of its most selective clause, plus the
    escapes that could hide them.  None when some pattern has no requirement, in which
    case every line is a candidate.
    """
    found: set[bytes] = set()
    for requirement in needs:
        if not requirement.byte_clauses:
            return None
        found.update(requirement.byte_clauses[0])
        if requirement.json:
            found.update(ESCAPES_BYTES)
    return tuple(sorted(found))


def candidate_lines(buffer: bytes, needles: Sequence[bytes]) -> Iterator[tuple[int, int, int]]:
    """``(line_number, start, end)`` of each line containing a needle, in buffer order.

    Line numbers are 1-based; ``end`` excludes the newline.  Each line is reported once.
    """
    starts: dict[int, int] = {}
    for needle in needles:
        position = buffer.find(needle)
        while position >= 0:
            start = buffer.rfind(b"\n", 0, position) + 1
            end = buffer.find(b"\n", position)
            if end < 0:
                end = len(buffer)
            starts[start] = end
            position = buffer.find(needle, end)
    line, counted = 1, 0
    for start in sorted(starts):
        line += buffer.count(b"\n", counted, start)
        counted = start
        yield line, start, starts[start]


def count_lines(buffer: bytes) -> int:
    """Lines in the buffer (a final line without a newline counts)."""
    if not buffer:
        return 0
    return buffer.count(b"\n") + (not buffer.endswith(b"\n"))

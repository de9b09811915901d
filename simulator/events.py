"""Log events and the bookkeeping of everything that went wrong while reading them.

A replay is only trustworthy if every input item is accounted for: each one either
becomes a :class:`LogEvent`, or is recorded as a :class:`Problem` (a bad record, line
or file, or an event that arrived too late to be placed in time order).  This module
holds those value types and the :class:`Report` that counts them.  The report keeps a
bounded number of examples per kind, so a month of broken input costs a few counters,
not a list of every failure; ``strict=True`` turns the first bad item into a
:class:`BadInputError` that names its origin.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One CloudWatch Logs event: epoch-millisecond timestamp, message, and origin.

    ``origin`` names where the event came from so that every report can point at the
    source: ``path:line`` for line-oriented files, ``path#index`` for the index of a
    record inside a JSON array (0-based, as in ``jq '.Records[3]'``).
    """

    timestamp_ms: int
    message: str
    origin: str


class ProblemKind(str, Enum):
    """What was wrong with an input item.  The value is the stable, printed name."""

    MALFORMED_JSON = "malformed_json"
    INVALID_UTF8 = "invalid_utf8"
    MISSING_TIMESTAMP = "missing_timestamp"
    BAD_TIMESTAMP = "bad_timestamp"
    BAD_STRUCTURE = "bad_structure"
    OVERSIZE_EVENT = "oversize_event"
    UNREADABLE_FILE = "unreadable_file"
    TRUNCATED_GZIP = "truncated_gzip"
    CORRUPT_GZIP = "corrupt_gzip"
    DECOMPRESSION_LIMIT = "decompression_limit"
    UNKNOWN_FORMAT = "unknown_format"
    LATE = "late"
    SKIPPED_VALUE = "skipped_value"

    @property
    def is_bad_input(self) -> bool:
        """True for broken input.  False for ``late`` (a valid event outside the reorder
        window) and ``skipped_value`` (a match whose metric value or dimension is
        missing or not a number, alarm-semantics A13: still counted as matched)."""
        return self not in (ProblemKind.LATE, ProblemKind.SKIPPED_VALUE)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Problem:
    """One skipped item: what was wrong, where it came from, and the details."""

    kind: ProblemKind
    origin: str
    detail: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.kind}: {self.detail}"


class BadInputError(ValueError):
    """Raised in strict mode for the first bad input item; carries the :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


DEFAULT_EXAMPLES_PER_KIND = 5


class Report:
    """Counts of items read and problems met, with the first few examples of each kind.

    Sources count each event they produce in ``events`` and call :meth:`add` for each
    bad item (a record, line or file that could not become an event); the reorder
    stage calls :meth:`add` with ``ProblemKind.LATE`` for events it cannot place in
    time order.  ``read`` is every input item, ``events + bad``, hence
    ``read == delivered + late + bad`` where ``delivered = events - late``.
    """

    def __init__(
        self, *, strict: bool = False, examples_per_kind: int = DEFAULT_EXAMPLES_PER_KIND
    ) -> None:
        if examples_per_kind < 0:
            raise ValueError("examples_per_kind must be >= 0")
        self.strict = strict
        self.examples_per_kind = examples_per_kind
        self.events = 0
        self.counts: Counter[ProblemKind] = Counter()
        self.examples: dict[ProblemKind, list[Problem]] = {}
        self.first_bad: Problem | None = None

    def add(self, kind: ProblemKind, origin: str, detail: str) -> None:
        """Record one problem; in strict mode a bad-input problem raises instead."""
        problem = Problem(kind, origin, detail)
        if kind.is_bad_input:
            if self.strict:
                raise BadInputError(problem)
            self.first_bad = self.first_bad or problem
        self.counts[kind] += 1
        kept = self.examples.setdefault(kind, [])
        if len(kept) < self.examples_per_kind:
            kept.append(problem)

    def absorb(self, other: Report) -> None:
        """Add another report's counts and examples (a file scored elsewhere), as if its
        items had been added here; in strict mode its first bad item raises."""
        if self.strict and other.first_bad is not None:
            raise BadInputError(other.first_bad)
        self.first_bad = self.first_bad or other.first_bad
        self.events += other.events
        for kind, count in other.counts.items():
            self.counts[kind] += count
            kept = self.examples.setdefault(kind, [])
            room = self.examples_per_kind - len(kept)
            kept.extend(other.examples.get(kind, [])[:max(room, 0)])

    @property
    def read(self) -> int:
        """Every input item: the events produced plus the bad items."""
        return self.events + self.bad

    @property
    def delivered(self) -> int:
        """Events passed on downstream (produced and not late)."""
        return self.events - self.late

    @property
    def bad(self) -> int:
        """Number of bad input items (every kind except ``late``)."""
        return sum(n for kind, n in self.counts.items() if kind.is_bad_input)

    @property
    def late(self) -> int:
        """Number of events that arrived behind the reorder window's watermark."""
        return self.counts[ProblemKind.LATE]

    def summary_lines(self) -> list[str]:
        """Human-readable summary: totals, then each kind with its kept examples."""
        lines = [f"read {self.read}: delivered {self.delivered}, bad {self.bad}, late {self.late}"]
        for kind in sorted(self.counts, key=lambda k: k.value):
            lines.append(f"  {kind}: {self.counts[kind]}")
            lines.extend(
                f"    {problem.origin}: {problem.detail}" for problem in self.examples[kind]
            )
            hidden = self.counts[kind] - len(self.examples[kind])
            if hidden > 0:
                lines.append(f"    ... and {hidden} more")
        return lines

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form of the report (for benchmark and CLI output)."""
        return {
            "read": self.read,
            "delivered": self.delivered,
            "bad": self.bad,
            "late": self.late,
            "problems": {
                kind.value: {
                    "count": self.counts[kind],
                    "examples": [
                        {"origin": p.origin, "detail": p.detail} for p in self.examples[kind]
                    ],
                }
                for kind in sorted(self.counts, key=lambda k: k.value)
            },
        }

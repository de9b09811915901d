"""Put events back in timestamp order, looking back over a bounded window.

CloudTrail does not write records in time order: inside the real files in the corpus
about 22% of neighbouring records go backwards, and a file holds events from up to
ten minutes before its delivery stamp.  Metric filters publish per-minute datapoints
(alarm-semantics §2.4), so the pipeline needs events in order; sorting a whole trail
would need unbounded memory.  :func:`reorder` keeps a min-heap of the events within
``window_ms`` of the newest timestamp seen (the *watermark* trails the newest by the
window) and releases everything behind the watermark in order.

An event that arrives already behind the watermark cannot be placed in order any
more; it is reported as ``late`` with its origin, never dropped silently.

Default window, 15 minutes: CloudTrail "typically delivers logs within an average of
about 5 minutes of an API call" (CloudTrail User Guide, not guaranteed), files are
written every 5 minutes, and replaying the invictus-ir corpus in file-name order
shows events at most 579 s (9.7 min) behind the newest event already read.  Fifteen
minutes covers that with a margin while keeping the buffer to 15 minutes of traffic.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from simulator.events import LogEvent, ProblemKind, Report
from simulator.timestamps import format_iso_ms

DEFAULT_WINDOW_MS = 15 * 60_000
# A safety valve against a flood of identical timestamps (which never fall behind the
# watermark): beyond this many buffered events the oldest is released early.
DEFAULT_MAX_BUFFERED = 1_000_000


def reorder(
    events: Iterable[LogEvent],
    report: Report,
    *,
    window_ms: int = DEFAULT_WINDOW_MS,
    max_buffered: int = DEFAULT_MAX_BUFFERED,
) -> Iterator[LogEvent]:
    """Yield ``events`` in (timestamp, arrival) order, reporting late ones to ``report``.

    An event is late if its timestamp is older than the floor: the watermark (newest
    timestamp seen minus ``window_ms``), or the timestamp of an event released early
    because more than ``max_buffered`` events were waiting, whichever is newer.
    """
    if window_ms < 0:
        raise ValueError(f"window_ms must be >= 0, got {window_ms}")
    if max_buffered < 1:
        raise ValueError(f"max_buffered must be >= 1, got {max_buffered}")
    heap: list[tuple[int, int, LogEvent]] = []
    floor: int | None = None
    newest: int | None = None
    for arrival, event in enumerate(events):
        timestamp = event.timestamp_ms
        if floor is not None and timestamp < floor:
            report.add(ProblemKind.LATE, event.origin, late_detail(timestamp, floor, window_ms))
            continue
        heapq.heappush(heap, (timestamp, arrival, event))
        if newest is None or timestamp > newest:
            newest = timestamp
            watermark = newest - window_ms
            floor = watermark if floor is None else max(floor, watermark)
        while heap and (heap[0][0] < floor or len(heap) > max_buffered):
            released, _, oldest = heapq.heappop(heap)
            floor = max(floor, released)
            yield oldest
    while heap:
        yield heapq.heappop(heap)[2]


def late_detail(timestamp: int, floor: int, window_ms: int) -> str:
    return (
        f"timestamp {format_iso_ms(timestamp)} is {floor - timestamp} ms behind the "
        f"watermark {format_iso_ms(floor)} (reorder window {window_ms} ms)"
    )


@dataclass(frozen=True, slots=True)
class Disorder:
    """How far a stream is from timestamp order."""

    pairs: int
    backwards: int
    max_lateness_ms: int

    @property
    def backwards_fraction(self) -> float:
        """Share of neighbouring pairs whose second event is older than the first."""
        return self.backwards / self.pairs if self.pairs else 0.0


def measure_disorder(timestamps: Iterable[int]) -> Disorder:
    """Count backward neighbour pairs and the largest lag behind the newest so far.

    ``max_lateness_ms`` is the smallest reorder window that would have placed every
    event in order.
    """
    pairs = backwards = max_lateness = 0
    previous: int | None = None
    newest: int | None = None
    for timestamp in timestamps:
        if previous is not None:
            pairs += 1
            backwards += timestamp < previous
            max_lateness = max(max_lateness, newest - timestamp)
        previous = timestamp
        newest = timestamp if newest is None else max(newest, timestamp)
    return Disorder(pairs, backwards, max_lateness)

"""Time-ordering scored files in bulk: what ``reorder`` plus the pipeline do, faster.

A replay's last sequential step puts scored events in time order within the reorder
window (:func:`simulator.replay.reorder_window.reorder`) and folds them into per-minute datapoints
(:meth:`MetricPipeline.run_scored`).  Done one event at a time, that step is a third of a
replay and caps what parallel scoring can gain.  Yet almost every event matches no
filter, and for those only three things matter: whether the event is late, how many
events each minute received, and when a minute closes.  This module keeps matching
events individually (in a heap, in (time, arrival) order) and counts the others per
timestamp, and emulates the reorder rules exactly:

* an event is late when its time is below the floor: the newest time seen minus the
  window, or the time of an event released early because more than ``max_buffered``
  events were waiting;
* events are released in (time, arrival) order once below the floor, the oldest one
  early when too many wait, and all of them at the end.

The output (datapoints, their order and values, the report's late events with origins
and details, the pipeline's counts, contributors, and the time span) is identical to the
per-event path; ``tests/test_sequencer.py`` holds it to that on random inputs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator

from simulator.events import ProblemKind, Report
from simulator.filters import MetricPipeline, ScoredEvent
from simulator.metrics import Datapoint
from simulator.replay.reorder_window import DEFAULT_MAX_BUFFERED, late_detail
from simulator.replay.scoring import FileScore
from simulator.timestamps import MINUTE_MS

Released = Callable[[ScoredEvent | None, int, int], None]


class Sequencer:
    """Feed scored files in file order; iterate the datapoints they close.

    ``on_release(event, timestamp_ms, count)`` is told about every released event in
    order: ``event`` for a matching one, or None with a count of unmatched ones.
    """

    def __init__(self, pipeline: MetricPipeline, report: Report, window_ms: int,
                 max_buffered: int = DEFAULT_MAX_BUFFERED,
                 on_release: Released | None = None) -> None:
        if window_ms < 0 or max_buffered < 1:
            raise ValueError("window_ms must be >= 0 and max_buffered >= 1")
        self.pipeline = pipeline
        self.report = report
        self.window_ms = window_ms
        self.max_buffered = max_buffered
        self.on_release = on_release
        self.floor: int | None = None
        self.newest: int | None = None
        self.arrivals = 0
        self.buffered = 0
        self.unmatched: dict[int, int] = {}  # time -> buffered unmatched events
        self.times: list[int] = []  # heap of the keys of ``unmatched``
        self.matched: list[tuple[int, int, ScoredEvent]] = []  # heap by (time, arrival)

    def feed(self, score: FileScore) -> Iterator[Datapoint]:
        """The events of one file, in arrival order.

        After each release nothing buffered is below the floor and at most
        ``max_buffered`` events wait, so an event that neither raises the floor nor
        overfills the window cannot release anything: only those that do look.
        """
        contributors, outcomes, unmatched = score.contributors, score.outcomes, self.unmatched
        for index, timestamp in enumerate(score.timestamps):
            floor = self.floor
            if floor is not None and timestamp < floor:
                self.report.add(ProblemKind.LATE, score.origin(index),
                                late_detail(timestamp, floor, self.window_ms))
                continue
            outcome = outcomes[index]
            self.arrivals += 1
            self.buffered += 1
            if outcome is None:
                count = unmatched.get(timestamp)
                if count is None:
                    heapq.heappush(self.times, timestamp)
                    count = 0
                unmatched[timestamp] = count + 1
            else:
                event = ScoredEvent(timestamp, score.origin(index), outcome,
                                    contributors.get(index))
                heapq.heappush(self.matched, (timestamp, self.arrivals, event))
            if self.newest is None or timestamp > self.newest:
                self.newest = timestamp
                watermark = timestamp - self.window_ms
                self.floor = watermark if floor is None else max(floor, watermark)
            if self.floor != floor or self.buffered > self.max_buffered:
                yield from self._release()

    def finish(self) -> Iterator[Datapoint]:
        """Release everything still waiting, then close the last minute."""
        while self.buffered:
            yield from self._release_oldest(everything_at_time=True)
        yield from self.pipeline.close()

    def _oldest(self) -> int:
        times, matched = self.times, self.matched
        if not times:
            return matched[0][0]
        return min(times[0], matched[0][0]) if matched else times[0]

    def _release(self) -> Iterator[Datapoint]:
        while self.buffered:
            oldest = self._oldest()
            assert self.floor is not None
            if oldest < self.floor:
                yield from self._release_oldest(everything_at_time=True)
            elif self.buffered > self.max_buffered:
                self.floor = max(self.floor, oldest)
                yield from self._release_oldest(everything_at_time=False)
            else:
                return

    def _release_oldest(self, everything_at_time: bool) -> Iterator[Datapoint]:
        """Release the events at the oldest time: all of them, or just one (the early
        release of an overfull window)."""
        oldest = self._oldest()
        yield from self.pipeline.enter_minute(oldest - oldest % MINUTE_MS)
        count = self.unmatched.get(oldest, 0)
        if count and not everything_at_time:
            count = 1
        if count:
            self._take_unmatched(oldest, count)
            if not everything_at_time:
                return
        while self.matched and self.matched[0][0] == oldest:
            _, _, event = heapq.heappop(self.matched)
            self.buffered -= 1
            self.pipeline.observe(event.outcomes, event)
            if self.on_release is not None:
                self.on_release(event, oldest, 1)
            if not everything_at_time:
                return

    def _take_unmatched(self, timestamp: int, count: int) -> None:
        left = self.unmatched[timestamp] - count
        if left:
            self.unmatched[timestamp] = left
        else:
            del self.unmatched[timestamp]
            heapq.heappop(self.times)
        self.buffered -= count
        self.pipeline.observe_unmatched(count)
        if self.on_release is not None:
            self.on_release(None, timestamp, count)

"""Time-ordered log events in, per-minute metric datapoints out, as CloudWatch Logs does.

This is the step between a log group and its alarms (alarm-semantics spec §2): every
metric filter looks at every event; each match adds one sample (the literal metric value
or the number found in the event) to its metric for the event's minute (A11: event time,
A12: one sample per match); a minute in which the log group received events but a filter
matched none gets the filter's default value (§2.4, A10); a missing or non-numeric value
gives no sample (A13) and is counted.  A minute is published once an event from a later
minute arrives, so the alarm engine can consume the datapoints as a stream.

All filters share one pass over the events: a ``cwpattern.PatternSet`` scans each
message once and parses it as JSON at most once.  Accounting is exact: for every filter,
``read = matched + unmatched + bad + late``.

The work is split in two so that replays can run in parallel: :class:`EventScorer`
decides, for one event and every filter, what the event contributes (pure, per event,
the expensive part), and :class:`MetricPipeline` applies those outcomes minute by minute
in time order (cheap, sequential).  A replay may score events in worker processes and
feed the outcomes to one pipeline; the result is the same as scoring them inline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

import cwpattern
from simulator.events import LogEvent, ProblemKind, Report
from simulator.filters.metric_filter import MetricFilter, parse_metric_number
from simulator.metrics import Datapoint, MetricKey
from simulator.timestamps import MINUTE_MS, format_iso_ms


class DefaultValueMode(str, Enum):
    """Ambiguity A10: when a filter's ``defaultValue`` is published.

    ``PER_MINUTE`` (default, the Logs guide's worked example): once for a minute in which
    the log group received events and none matched.  ``PER_EVENT`` (CloudFormation's
    wording, "the value to emit when a filter pattern does not match a log event"): one
    sample per non-matching event.
    """

    PER_MINUTE = "per-minute"
    PER_EVENT = "per-event"


@dataclass(slots=True)
class FilterStats:
    """What one filter did with the events it saw."""

    matched: int = 0
    unmatched: int = 0
    samples: int = 0
    default_samples: int = 0
    skipped_values: int = 0  # matches that gave no sample (A13)


#: What one event means for one filter: None (no match), a ``(metric, value)`` sample, or
#: the reason a match gave no sample (alarm-semantics A13).
FilterOutcome = tuple[MetricKey, float] | str | None


class ScoredEvent:
    """An event reduced to what the pipeline needs: its time, origin and outcomes.

    ``contributor`` optionally names who and what is behind a match (for reports).
    """

    __slots__ = ("_origin", "contributor", "outcomes", "timestamp_ms")

    def __init__(self, timestamp_ms: int, origin: str | Callable[[], str],
                 outcomes: tuple[FilterOutcome, ...], contributor: object = None) -> None:
        self.timestamp_ms = timestamp_ms
        self._origin = origin
        self.outcomes = outcomes
        self.contributor = contributor

    @property
    def origin(self) -> str:
        """Where the event came from (computed on demand: only late events need it)."""
        origin = self._origin
        return origin if isinstance(origin, str) else origin()


class EventScorer:
    """Decides, for each event, what every filter does with it (no per-minute state)."""

    def __init__(self, filters: Sequence[MetricFilter]) -> None:
        self.filters = tuple(filters)
        self._patterns = cwpattern.PatternSet(f.pattern for f in filters)
        self._references = [f.references for f in filters]
        self._literal = [f.transformation.literal_value for f in filters]
        self.unmatched: tuple[FilterOutcome, ...] = (None,) * len(self.filters)

    def score(self, message: str) -> tuple[FilterOutcome, ...]:
        """One outcome per filter; the shared ``unmatched`` tuple when nothing matches."""
        results = self._patterns.extract_all(message, self._references)
        if not any(result is not None for result in results):
            return self.unmatched
        return tuple(None if extracted is None else self._sample(index, extracted)
                     for index, extracted in enumerate(results))

    def score_events(self, events: Iterable[LogEvent]) -> Iterator[ScoredEvent]:
        for event in events:
            yield ScoredEvent(event.timestamp_ms, event.origin, self.score(event.message))

    def _sample(self, index: int, extracted: dict[str, str]) -> FilterOutcome:
        transformation = self.filters[index].transformation
        value = self._literal[index]
        if value is None:
            text = extracted.get(transformation.metric_value)
            value = None if text is None else parse_metric_number(text)
            if value is None:
                why = "is missing" if text is None else f"is {text!r}, not a number"
                return f"metric value {transformation.metric_value} {why}"
        dimensions = {}
        for name, reference in transformation.dimensions:
            found = extracted.get(reference)
            if found is None:
                return f"dimension {name} ({reference}) is missing"
            dimensions[name] = found
        key = MetricKey.of(transformation.metric_namespace, transformation.metric_name,
                           dimensions, transformation.unit)
        return key, value


class _Minute:
    """The samples gathered for one minute, by metric, in order of first sample."""

    __slots__ = ("matched", "samples", "start", "unmatched")

    def __init__(self, start: int, filters: int) -> None:
        self.start = start
        self.samples: dict[MetricKey, list[float]] = {}
        self.matched = [0] * filters
        self.unmatched = [0] * filters


class MetricPipeline:
    """Runs metric filters over an ordered event stream; iterate it for datapoints.

    ``events`` must be in timestamp order (see :mod:`simulator.replay.reorder_window`); an event
    from a minute already published is reported as ``late`` and not counted.  After the
    iteration, ``stats`` holds each filter's counts and :meth:`accounting` the totals.
    """

    def __init__(
        self,
        filters: Sequence[MetricFilter],
        report: Report,
        *,
        default_value_mode: DefaultValueMode | str = DefaultValueMode.PER_MINUTE,
    ) -> None:
        names = [f.filter_name for f in filters]
        if len(set(names)) != len(names):
            duplicate = next(n for n in names if names.count(n) > 1)
            raise ValueError(f"two metric filters are named {duplicate!r}")
        self.filters = tuple(filters)
        self.report = report
        self.default_value_mode = DefaultValueMode(default_value_mode)
        self.stats = {f.filter_name: FilterStats() for f in filters}
        self.events_seen = 0
        self.datapoints = 0
        self.scorer = EventScorer(filters)
        self._stats = [self.stats[n] for n in names]
        self._minute: _Minute | None = None

    def run(self, events: Iterable[LogEvent]) -> Iterator[Datapoint]:
        """Yield each closed minute's datapoints, in minute order."""
        return self.run_scored(self.scorer.score_events(events))

    def run_scored(self, events: Iterable[ScoredEvent]) -> Iterator[Datapoint]:
        """:meth:`run` for events already scored by an :class:`EventScorer` of the same
        filters (in this process or another)."""
        for event in events:
            start = event.timestamp_ms - event.timestamp_ms % MINUTE_MS
            if self._minute is not None and start < self._minute.start:
                self.report.add(ProblemKind.LATE, event.origin,
                                _late_detail(event, self._minute))
                continue
            yield from self.enter_minute(start)
            self.observe(event.outcomes, event)
        yield from self.close()

    # The steps of run_scored, for sequencers that feed events in bulk
    # (simulator.replay.sequencer): enter_minute before each event in time order, observe
    # each event, or observe_unmatched for many unmatched events of the current minute,
    # and close at the end.

    def enter_minute(self, start: int) -> Iterator[Datapoint]:
        """Make ``start`` the current minute, publishing the previous one if it is older."""
        if self._minute is None or start > self._minute.start:
            if self._minute is not None:
                yield from self._publish(self._minute)
            self._minute = _Minute(start, len(self.filters))

    def observe(self, outcomes: tuple[FilterOutcome, ...], event: ScoredEvent) -> None:
        """One event of the current minute (``event`` names its origin for problems)."""
        minute = self._minute
        assert minute is not None
        if outcomes is self.scorer.unmatched:
            self.observe_unmatched(1)
            return
        self.events_seen += 1
        for index, outcome in enumerate(outcomes):
            stats = self._stats[index]
            if outcome is None:
                stats.unmatched += 1
                minute.unmatched[index] += 1
                continue
            stats.matched += 1
            minute.matched[index] += 1
            if isinstance(outcome, str):
                self._skip(index, event, outcome)
            else:
                key, value = outcome
                minute.samples.setdefault(key, []).append(value)
                stats.samples += 1

    def observe_unmatched(self, count: int) -> None:
        """``count`` events of the current minute that no filter matched."""
        minute = self._minute
        assert minute is not None
        self.events_seen += count
        for index, stats in enumerate(self._stats):
            stats.unmatched += count
            minute.unmatched[index] += count

    def close(self) -> Iterator[Datapoint]:
        """Publish the last minute."""
        if self._minute is not None:
            yield from self._publish(self._minute)
            self._minute = None

    def _skip(self, index: int, event: ScoredEvent, detail: str) -> None:
        self._stats[index].skipped_values += 1
        name = self.filters[index].filter_name
        self.report.add(ProblemKind.SKIPPED_VALUE, event.origin, f"filter {name!r}: {detail}")

    def _publish(self, minute: _Minute) -> Iterator[Datapoint]:
        for key, values in self._default_samples(minute).items():
            minute.samples.setdefault(key, []).extend(values)
        for key, values in minute.samples.items():
            self.datapoints += 1
            yield Datapoint(key, minute.start, tuple(values))

    def _default_samples(self, minute: _Minute) -> dict[MetricKey, list[float]]:
        """Default-value samples for this minute, per filter (ambiguity A10)."""
        defaults: dict[MetricKey, list[float]] = {}
        for index, metric_filter in enumerate(self.filters):
            default = metric_filter.transformation.default_value
            if default is None:
                continue
            if self.default_value_mode is DefaultValueMode.PER_EVENT:
                count = minute.unmatched[index]
            else:
                count = 1 if minute.matched[index] == 0 else 0
            if count:
                defaults.setdefault(metric_filter.base_key(), []).extend([default] * count)
                self._stats[index].default_samples += count
        return defaults

    def accounting(self) -> dict[str, dict[str, int]]:
        """Per filter: read, matched, unmatched, bad and late (they add up), and samples."""
        report = self.report
        return {
            name: {
                "read": report.read,
                "matched": stats.matched,
                "unmatched": stats.unmatched,
                "bad": report.bad,
                "late": report.late,
                "samples": stats.samples,
                "default_samples": stats.default_samples,
                "skipped_values": stats.skipped_values,
            }
            for name, stats in self.stats.items()
        }

    def check_accounting(self) -> None:
        """Raise ValueError unless every input item is accounted for, for every filter."""
        for name, row in self.accounting().items():
            total = row["matched"] + row["unmatched"] + row["bad"] + row["late"]
            if total != row["read"]:
                raise ValueError(
                    f"accounting mismatch for filter {name!r}: read {row['read']} != matched "
                    f"{row['matched']} + unmatched {row['unmatched']} + bad {row['bad']} + "
                    f"late {row['late']}"
                )


def _late_detail(event: ScoredEvent, minute: _Minute) -> str:
    return (
        f"timestamp {format_iso_ms(event.timestamp_ms)} is in a minute already published "
        f"(current minute {format_iso_ms(minute.start)})"
    )

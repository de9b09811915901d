"""Many variants of one metric alarm over one kept metric series, each evaluated cheaply.

A threshold sweep asks "what would this alarm have done?" for hundreds of variants
(threshold, period, M of N, statistic, TreatMissingData) over the same datapoints.  Running
:class:`~simulator.alarms.simulation.Simulation` once per variant re-gathers the slots of every
evaluation from raw samples; over a week of per-minute data that is about a second per
variant.  This module splits the work so that each piece is done once:

1. :class:`MinuteSeries` keeps the per-minute samples the alarm reads (one metric).
2. Per (period, statistic): the statistic of the period ending at every minute instant —
   the value a slot holds when that period is one of the alarm's slots (spec §6.2: periods
   end at the evaluation instant, so with a 1-minute cadence every minute ends one).
3. Per (period, statistic, comparison, threshold, evaluation range L): each instant's range
   reduced to one byte per slot (missing, good, breaching), and only the instants where that
   tuple changes (an unchanged range gives an unchanged decision).
4. Per variant: :func:`simulator.alarms.decision.decide` on each distinct range (memoised per
   M, N and TreatMissingData), then a walk over the changes that keeps the state on "keep".

Breaching is decided by :meth:`MetricAlarm.breaches` and statistics by
:func:`simulator.alarms.statistics.statistic` (sums of whole numbers are added as integers, which is
exactly the engine's running double sum while they stay below 2^53), so the only code of
its own is *which* periods fill which slot at which instant: the scheduling of
``simulation._MetricRunner``.  ``tests/test_alarm_timeline.py`` checks the two agree
transition for transition on random series and variants.  Variants the fast path does not
model (sub-minute periods, an ingestion lag, the low-sample percentile rule under
``ignore``) run through ``Simulation`` itself.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.decision import AlarmState, decide
from simulator.alarms.simulation import (
    MINUTE_MS,
    Simulation,
    SimulationSettings,
    evaluation_cadence_ms,
)
from simulator.alarms.statistics import Statistic, statistic
from simulator.alarms.validation import AlarmDefinitionError
from simulator.metrics import Datapoint, MetricKey

MISSING, GOOD, BREACHING = 0, 1, 2
_UNDECIDED = object()
#: Distinct ranges remembered per (N, M, TreatMissingData) before the memo starts over.
MAX_MEMO = 1 << 16
#: Whole-number sums below this are exact in doubles, whatever the order of the additions.
EXACT_INTEGER_LIMIT = 2**53


@dataclass(frozen=True, slots=True)
class StateChange:
    """One transition of one variant: when, from which state, to which."""

    time_ms: int
    old_state: AlarmState
    new_state: AlarmState


def reads(alarm: MetricAlarm, key: MetricKey) -> bool:
    """Whether ``alarm`` sees datapoints of ``key`` (same rule as the simulation's index:
    namespace, name and exact dimensions; the unit only when the alarm sets one)."""
    return (
        key.namespace == alarm.namespace
        and key.name == alarm.metric_name
        and key.dimensions == alarm.dimensions
        and (alarm.unit is None or key.unit == alarm.unit)
    )


class MinuteSeries:
    """The per-minute samples of the metric an alarm reads, from the alarm's creation on.

    Samples of one minute keep their arrival order (sums are running sums in that order).
    Memory: 8 bytes per sample plus a few numbers per minute that has samples.
    """

    def __init__(self, start_ms: int) -> None:
        if start_ms % MINUTE_MS:
            raise ValueError(f"the series must start on a minute, got {start_ms}")
        self.start_ms = start_ms
        self.samples: dict[int, array] = {}  # minute index -> samples in arrival order
        self.last_ms: int | None = None
        self._aggregates: _Aggregates | None = None

    def add(self, datapoint: Datapoint) -> None:
        """Append one datapoint (per-minute, in time order, not before the start)."""
        timestamp = datapoint.timestamp_ms
        if timestamp % MINUTE_MS or timestamp < self.start_ms:
            raise ValueError(f"{datapoint.key} at {timestamp}: expected a per-minute datapoint "
                             f"at or after {self.start_ms}")
        if self.last_ms is not None and timestamp < self.last_ms:
            raise ValueError(f"{datapoint.key} at {timestamp}: datapoints must come in time "
                             "order")
        if not datapoint.values or not all(math.isfinite(v) for v in datapoint.values):
            raise ValueError(f"{datapoint.key} at {timestamp}: values must be finite numbers")
        self.last_ms = timestamp
        minute = (timestamp - self.start_ms) // MINUTE_MS
        self.samples.setdefault(minute, array("d")).extend(datapoint.values)
        self._aggregates = None

    def __len__(self) -> int:
        return len(self.samples)

    def datapoints(self, key: MetricKey) -> Iterator[Datapoint]:
        """The series as one datapoint of ``key`` per minute (what :class:`Simulation`
        consumes; an alarm's slot gathers the same samples in the same order)."""
        for minute in sorted(self.samples):
            yield Datapoint(key, self.start_ms + minute * MINUTE_MS, tuple(self.samples[minute]))

    def minute_sums(self) -> list[tuple[int, float]]:
        """(minute start, sum of its samples) for every minute with samples."""
        return [(self.start_ms + minute * MINUTE_MS, float(sum(values)))
                for minute, values in sorted(self.samples.items())]

    def period_values(self, period_s: int, stat: Statistic, instants: int,
                      percentile_method: str = "nearest-rank") -> list[float | None]:
        """The statistic of the period ``[T - period, T)`` for the instants T = start + m
        minutes, m = 0..instants-1 (None where the period has no datapoint)."""
        if period_s % 60:
            raise ValueError(f"period_values needs whole minutes, got {period_s} s")
        minutes = period_s // 60
        aggregates = self._aggregated()
        kind = stat.kind
        if kind == "SampleCount":
            return [None if n == 0 else float(n)
                    for n, _ in _rolling_sums(aggregates.counts, minutes, instants)]
        if kind in ("Sum", "Average") and aggregates.integral:
            return [None if n == 0 else (float(total) if kind == "Sum" else float(total) / n)
                    for n, total in _rolling_sums(aggregates.int_sums, minutes, instants,
                                                  aggregates.counts)]
        if kind in ("Minimum", "Maximum"):
            extreme = aggregates.minimums if kind == "Minimum" else aggregates.maximums
            better = (lambda a, b: a <= b) if kind == "Minimum" else (lambda a, b: a >= b)
            return _rolling_extreme(extreme, minutes, instants, better)
        return self._exact_values(minutes, stat, instants, percentile_method)

    def _exact_values(self, minutes: int, stat: Statistic, instants: int,
                      percentile_method: str) -> list[float | None]:
        """Each period's samples gathered in arrival order, through ``statistic`` itself."""
        values: list[float | None] = [None] * instants
        present = sorted(self.samples)
        low = 0
        for instant in range(instants):
            while low < len(present) and present[low] < instant - minutes:
                low += 1
            high = low
            gathered: list[float] = []
            while high < len(present) and present[high] < instant:
                gathered.extend(self.samples[present[high]])
                high += 1
            if gathered:
                values[instant] = statistic(stat, gathered, percentile_method)  # type: ignore[arg-type]
        return values

    def _aggregated(self) -> _Aggregates:
        if self._aggregates is None:
            self._aggregates = _Aggregates.of(self.samples)
        return self._aggregates


@dataclass(frozen=True, slots=True)
class _Aggregates:
    """Order-independent per-minute summaries (sparse: minute index -> value)."""

    counts: dict[int, int]
    minimums: dict[int, float]
    maximums: dict[int, float]
    int_sums: dict[int, int]
    integral: bool  # every sample a whole number, and all of them sum below 2^53

    @classmethod
    def of(cls, samples: dict[int, array]) -> _Aggregates:
        integral = all(v.is_integer() for values in samples.values() for v in values)
        magnitude = sum(abs(int(v)) for values in samples.values() for v in values) \
            if integral else 0
        integral = integral and magnitude < EXACT_INTEGER_LIMIT
        return cls(
            counts={m: len(v) for m, v in samples.items()},
            minimums={m: min(v) for m, v in samples.items()},
            maximums={m: max(v) for m, v in samples.items()},
            int_sums={m: sum(int(x) for x in v) for m, v in samples.items()} if integral else {},
            integral=integral,
        )


def _rolling_sums(per_minute: dict[int, int], minutes: int, instants: int,
                  counts: dict[int, int] | None = None) -> Iterator[tuple[int, int]]:
    """(samples, total) of the ``minutes`` minutes before each instant, exact integers."""
    counts = per_minute if counts is None else counts
    total = samples = 0
    for instant in range(instants):
        entering, leaving = instant - 1, instant - 1 - minutes
        if entering in per_minute:
            total += per_minute[entering]
            samples += counts[entering]
        if leaving in per_minute:
            total -= per_minute[leaving]
            samples -= counts[leaving]
        yield samples, total


def _rolling_extreme(per_minute: dict[int, float], minutes: int, instants: int,
                     better: Callable[[float, float], bool]) -> list[float | None]:
    """Sliding minimum or maximum over the ``minutes`` minutes before each instant."""
    values: list[float | None] = [None] * instants
    window: deque[tuple[int, float]] = deque()  # monotonic: best value first
    for instant in range(instants):
        entering = instant - 1
        if entering in per_minute:
            value = per_minute[entering]
            while window and better(value, window[-1][1]):
                window.pop()
            window.append((entering, value))
        while window and window[0][0] < instant - minutes:
            window.popleft()
        if window:
            values[instant] = float(window[0][1])
    return values


# ----------------------------------------------------------------------------- evaluation


class TimelineEvaluator:
    """State changes of alarm variants over one :class:`MinuteSeries`, up to ``end_ms``.

    ``settings`` are the simulation knobs of the replay (``start_ms`` is when the alarms are
    created and must be the series' start).  Results equal the transitions of
    ``Simulation([alarm], settings).run(series.datapoints(alarm.metric_key), end_ms)``.
    """

    def __init__(self, series: MinuteSeries, settings: SimulationSettings, end_ms: int) -> None:
        if settings.start_ms != series.start_ms:
            raise ValueError("the alarms must be created when the series starts")
        if end_ms < settings.start_ms:
            raise ValueError("the timeline must not end before it starts")
        self.series = series
        self.settings = settings
        self.end_ms = end_ms
        self.instants = (end_ms - settings.start_ms) // MINUTE_MS + 1
        self._values: dict[tuple[int, str], list[float | None]] = {}
        self._codes: dict[tuple[int, str, str, float], bytes] = {}
        self._decisions: dict[tuple[int, int, str], dict[bytes, AlarmState | None]] = {}
        self._changes_key: tuple[object, ...] | None = None
        self._changes: list[tuple[int, bytes]] = []

    def covers(self, alarm: MetricAlarm) -> bool:
        """Whether the fast path models this variant (else :class:`Simulation` runs it)."""
        settings = self.settings
        low_sample_rule = (alarm.evaluate_low_sample_count_percentile == "ignore"
                           and alarm.statistic is not None
                           and alarm.statistic.low_sample_minimum is not None)
        return (alarm.statistic is not None and alarm.threshold is not None
                and not alarm.is_anomaly_detection and alarm.period % 60 == 0
                and settings.ingestion_lag_ms == 0
                and settings.datapoint_resolution_ms == MINUTE_MS and not low_sample_rule)

    def changes(self, alarm: MetricAlarm) -> tuple[StateChange, ...]:
        """Every state change of ``alarm`` from its creation to ``end_ms`` (inclusive)."""
        if not self.covers(alarm):
            return self._simulated(alarm)
        length = self.settings.evaluation_range or alarm.evaluation_periods + 2
        if length < alarm.evaluation_periods:
            raise AlarmDefinitionError(
                alarm.name, "evaluation_range",
                f"the evaluation range ({length}) must be at least EvaluationPeriods "
                f"({alarm.evaluation_periods})")
        cadence_minutes = evaluation_cadence_ms(alarm) // MINUTE_MS
        decisions = self._decision_table(alarm)
        state = AlarmState.INSUFFICIENT_DATA
        found: list[StateChange] = []
        start = self.settings.start_ms
        for instant, window in self._range_changes(alarm, length, cadence_minutes):
            decided = decisions.get(window, _UNDECIDED)
            if decided is _UNDECIDED:
                if len(decisions) >= MAX_MEMO:
                    decisions.clear()  # bounded memory on long, noisy series
                decided = decisions[window] = self._decide(alarm, window)
            if decided is not None and decided is not state:
                found.append(StateChange(start + instant * MINUTE_MS, state, decided))
                state = decided
        return tuple(found)

    def period_values(self, period_s: int, stat: Statistic) -> list[float | None]:
        """The statistic of the period ending at each minute instant (cached)."""
        key = (period_s, stat.name)
        if key not in self._values:
            self._values[key] = self.series.period_values(
                period_s, stat, self.instants, self.settings.percentile_method)
        return self._values[key]

    # ------------------------------------------------------------------ the fast path

    def _slot_codes(self, alarm: MetricAlarm) -> bytes:
        """One byte per minute instant: is the period ending there missing, good or
        breaching for this alarm's period, statistic, comparison and threshold?"""
        assert alarm.statistic is not None and alarm.threshold is not None
        key = (alarm.period, alarm.statistic.name, alarm.comparison_operator, alarm.threshold)
        codes = self._codes.get(key)
        if codes is None:
            breaches = alarm.breaches
            codes = bytes(MISSING if value is None else BREACHING if breaches(value) else GOOD
                          for value in self.period_values(alarm.period, alarm.statistic))
            self._codes[key] = codes
        return codes

    def _range_changes(self, alarm: MetricAlarm, length: int,
                       cadence_minutes: int) -> list[tuple[int, bytes]]:
        """(instant, range) at the evaluation instants where the range differs from the
        previous evaluation's; the range is one code per slot, oldest first.

        Slot i of the range at instant T is the period ending at ``T - (L-1-i) × Period``
        (spec §6.2); periods ending before the alarm's creation hold no data.
        """
        assert alarm.statistic is not None
        key = (alarm.period, alarm.statistic.name, alarm.comparison_operator, alarm.threshold,
               length, cadence_minutes)
        if key == self._changes_key:
            return self._changes
        codes = self._slot_codes(alarm)
        step = alarm.period // 60
        reach = (length - 1) * step
        padded = bytes(reach) + codes
        first = -(self.settings.start_ms // MINUTE_MS) % cadence_minutes
        changes: list[tuple[int, bytes]] = []
        previous = None
        for instant in range(first, self.instants, cadence_minutes):
            window = padded[instant:instant + reach + 1:step]
            if window != previous:
                changes.append((instant, window))
                previous = window
        # Variants are evaluated grouped by this key, so one list is kept at a time.
        self._changes_key, self._changes = key, changes
        return changes

    def _decision_table(self, alarm: MetricAlarm) -> dict[bytes, AlarmState | None]:
        treat_missing = alarm.effective_treat_missing_data(
            dynamodb_always_ignore=self.settings.dynamodb_always_ignore)
        key = (alarm.evaluation_periods, alarm.datapoints_to_alarm, treat_missing)
        return self._decisions.setdefault(key, {})

    def _decide(self, alarm: MetricAlarm, window: bytes) -> AlarmState | None:
        flags = [None if code == MISSING else code == BREACHING for code in window]
        treat_missing = alarm.effective_treat_missing_data(
            dynamodb_always_ignore=self.settings.dynamodb_always_ignore)
        return decide(flags, alarm.evaluation_periods, alarm.datapoints_to_alarm,
                      treat_missing).state

    # ------------------------------------------------------------------ the reference

    def _simulated(self, alarm: MetricAlarm) -> tuple[StateChange, ...]:
        key = alarm.metric_key
        assert key is not None
        result = Simulation([alarm], self.settings).run(self.series.datapoints(key),
                                                        self.end_ms)
        return tuple(StateChange(t.time_ms, t.old_state, t.new_state)
                     for t in result.transitions)


def variant_order(alarms: Sequence[MetricAlarm]) -> list[int]:
    """Indexes of ``alarms`` in the order that lets :meth:`TimelineEvaluator.changes` reuse
    its per-range work (variants sharing period, statistic, comparison, threshold and N)."""
    def group(index: int) -> tuple[object, ...]:
        alarm = alarms[index]
        stat = alarm.statistic.name if alarm.statistic is not None else ""
        return (alarm.period, stat, alarm.comparison_operator, alarm.threshold or 0.0,
                alarm.evaluation_periods, index)
    return sorted(range(len(alarms)), key=group)

"""Threshold sweeps: which alarm settings catch the incidents fast without paging for noise.

One replay tests one choice of threshold, period, M of N, statistic and TreatMissingData.
:func:`sweep` replays the sources once, keeps the per-minute samples of the metric the
alarm reads, and evaluates every variant of a :class:`Grid` over the whole timeline (through
:mod:`simulator.alarms.timeline`, whose results equal a plain replay's).  Each variant is
scored against labelled incidents (:mod:`simulator.synth.labels`):

- *ALARM transitions* and *time in ALARM* up to the end of the timeline;
- per incident, the *time to detect*: the first transition into ALARM at or after the
  incident's start and before its end plus a *grace* of the variant's evaluation range
  (L × Period, plus any ingestion lag) — the longest an evaluation can still see the
  incident's last datapoint — or *missed*.  An alarm already in ALARM when an incident
  starts does not detect it: no new notification is sent (actions run on transitions only,
  alarm-semantics §10);
- *false alarms*: transitions into ALARM outside every incident's window.

Variants are ranked by a fixed rule (:func:`ranking_key`) and the Pareto front of detection
(fewest missed incidents, then shortest mean time to detect) against false alarms is marked.
"""

from __future__ import annotations

import itertools
import math
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.alarms import (
    AlarmDefinitionError,
    AlarmState,
    MetricAlarm,
    MinuteSeries,
    SimulationSettings,
    StateChange,
    StatisticError,
    TimelineEvaluator,
    evaluation_cadence_ms,
    parse_statistic,
    reads,
    variant_order,
)
from simulator.events import Report
from simulator.filters import MetricFilter
from simulator.replay import Progress, ReplayOptions, ReplayRun
from simulator.synth import IncidentLabel
from simulator.timestamps import MINUTE_MS, format_iso_ms

#: Most variants one sweep evaluates (a bound on time for hostile or mistyped grids).
MAX_VARIANTS = 10_000
RANKING_RULE = ("fewest missed incidents, then fewest false alarms, then shortest mean time "
                "to detect, then least time in ALARM, then grid order")
GRACE_RULE = ("the variant's evaluation range (L x Period, plus the ingestion lag) after the "
              "incident ends")


class SweepError(ValueError):
    """A sweep that cannot run (unsuitable alarm, empty grid, no events); one sentence."""


@dataclass(frozen=True)
class Grid:
    """The values to try on each axis; an empty axis keeps the alarm's own value."""

    thresholds: tuple[float, ...] = ()
    periods: tuple[int, ...] = ()
    evaluation_periods: tuple[int, ...] = ()
    datapoints_to_alarm: tuple[int, ...] = ()
    statistics: tuple[str, ...] = ()
    treat_missing_data: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Variant:
    """One point of the grid: the alarm settings it tries."""

    threshold: float
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    statistic: str
    treat_missing_data: str

    @property
    def m_of_n(self) -> str:
        return f"{self.datapoints_to_alarm}/{self.evaluation_periods}"

    def to_json(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "period": self.period,
                "evaluation_periods": self.evaluation_periods,
                "datapoints_to_alarm": self.datapoints_to_alarm, "statistic": self.statistic,
                "treat_missing_data": self.treat_missing_data}


@dataclass(frozen=True, slots=True)
class InvalidVariant:
    """A grid point CloudWatch would reject, with its message."""

    variant: Variant
    error: str


@dataclass(frozen=True, slots=True)
class Detection:
    """When a variant first raised ALARM for one incident (None: missed)."""

    incident: IncidentLabel
    detected_ms: int | None

    @property
    def delay_ms(self) -> int | None:
        return None if self.detected_ms is None else self.detected_ms - self.incident.start_ms


@dataclass(frozen=True)
class Outcome:
    """What one variant did over the timeline, scored against the incidents."""

    variant: Variant
    grid_index: int
    changes: tuple[StateChange, ...]
    ms_in_alarm: int
    detections: tuple[Detection, ...]
    false_alarm_times: tuple[int, ...]
    grace_ms: int
    pareto: bool = False

    @property
    def alarm_times(self) -> tuple[int, ...]:
        """Every transition into ALARM (each one would notify)."""
        return tuple(c.time_ms for c in self.changes if c.new_state is AlarmState.ALARM)

    @property
    def missed(self) -> int:
        return sum(1 for d in self.detections if d.detected_ms is None)

    @property
    def detected(self) -> int:
        return len(self.detections) - self.missed

    @property
    def mean_delay_ms(self) -> float | None:
        """Mean time to detect over the detected incidents (None when none was)."""
        delays = [d.delay_ms for d in self.detections if d.delay_ms is not None]
        return sum(delays) / len(delays) if delays else None

    @property
    def worst_delay_ms(self) -> int | None:
        delays = [d.delay_ms for d in self.detections if d.delay_ms is not None]
        return max(delays) if delays else None

    @property
    def false_alarms(self) -> int:
        return len(self.false_alarm_times)

    def to_json(self, scored: bool = True) -> dict[str, Any]:
        """JSON-ready data; without incidents (``scored`` False) false alarms are null."""
        mean = self.mean_delay_ms
        return {
            **self.variant.to_json(),
            "alarms": len(self.alarm_times),
            "seconds_in_alarm": self.ms_in_alarm / 1000,
            "detected": self.detected,
            "missed": self.missed,
            "mean_seconds_to_detect": None if mean is None else mean / 1000,
            "worst_seconds_to_detect": _seconds(self.worst_delay_ms),
            "false_alarms": self.false_alarms if scored else None,
            "pareto": self.pareto,
            "grace_seconds": self.grace_ms / 1000,
            "detections": [{"incident": d.incident.id,
                            "detected_at": _iso(d.detected_ms),
                            "seconds_to_detect": _seconds(d.delay_ms)}
                           for d in self.detections],
            "alarm_times": [format_iso_ms(t) for t in self.alarm_times],
            "false_alarm_times": [format_iso_ms(t) for t in self.false_alarm_times]
            if scored else None,
        }


@dataclass
class SweepResult:
    """A whole sweep: the timeline, the ranked outcomes, the rejected grid points."""

    alarm: MetricAlarm
    start_ms: int
    data_end_ms: int
    end_ms: int
    outcomes: list[Outcome]
    invalid: list[InvalidVariant]
    incidents: tuple[IncidentLabel, ...]
    series: MinuteSeries
    files: int = 0
    report: Report = field(default_factory=Report)
    accounting: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The whole sweep as JSON-ready data (``cwpattern sweep --json``)."""
        key = self.alarm.metric_key
        assert key is not None
        return {
            "alarm": self.alarm.name,
            "metric": {"namespace": key.namespace, "name": key.name,
                       "dimensions": dict(key.dimensions),
                       "unit": self.alarm.unit},
            "start": format_iso_ms(self.start_ms),
            "data_end": format_iso_ms(self.data_end_ms),
            "end": format_iso_ms(self.end_ms),
            "files": self.files,
            "input": self.report.to_dict(),
            "accounting": self.accounting,
            "incidents": [incident.to_json() for incident in self.incidents],
            "grace": GRACE_RULE,
            "ranking": RANKING_RULE if self.incidents else "grid order",
            "configurations": [outcome.to_json(bool(self.incidents))
                               for outcome in self.outcomes],
            "invalid": [{**bad.variant.to_json(), "error": bad.error} for bad in self.invalid],
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------------------ the grid


def choose_alarm(alarms: dict[str, Any], name: str | None) -> MetricAlarm:
    """The alarm to vary: ``name``, or the only metric alarm of ``alarms``."""
    if name is not None:
        if name not in alarms:
            known = ", ".join(repr(n) for n in alarms) or "none"
            raise SweepError(f"the config has no alarm named {name!r} (alarms: {known})")
        return check_sweepable(alarms[name])
    metric_alarms = [a for a in alarms.values() if isinstance(a, MetricAlarm)]
    if len(metric_alarms) != 1:
        names = ", ".join(repr(a.name) for a in metric_alarms)
        raise SweepError("the config has no metric alarm to vary" if not metric_alarms else
                         f"the config has {len(metric_alarms)} metric alarms ({names}); "
                         "choose one with --alarm")
    return check_sweepable(metric_alarms[0])


def check_sweepable(alarm: object) -> MetricAlarm:
    """The alarm, if a sweep can vary it: a single-metric alarm with a static threshold."""
    if not isinstance(alarm, MetricAlarm):
        raise SweepError(f"alarm {getattr(alarm, 'name', alarm)!r} is a composite alarm; "
                         "sweep one of its metric alarms instead")
    if alarm.metrics is not None:
        raise SweepError(f"alarm {alarm.name!r} uses metric math; a sweep varies single-metric "
                         "alarms (Namespace, MetricName, Statistic, Period)")
    if alarm.is_anomaly_detection:
        raise SweepError(f"alarm {alarm.name!r} is an anomaly detection alarm; a sweep varies "
                         "static thresholds")
    return alarm


def expand(alarm: MetricAlarm, grid: Grid, evaluation_range: int | None = None
           ) -> tuple[list[tuple[Variant, MetricAlarm]], list[InvalidVariant]]:
    """Every grid point applied to ``alarm``, validated as PutMetricAlarm would.

    Points CloudWatch would reject (M > N, Period × N over a day, a bad period or
    statistic...) come back as :class:`InvalidVariant` with AWS's message.  When the grid
    has no ``datapoints_to_alarm`` axis, M follows N if the alarm's M equals its N (the
    default "N of N"), else keeps the alarm's M.  A configured ``evaluation_range`` shorter
    than N is rejected as the simulation rejects it.
    """
    check_sweepable(alarm)
    assert alarm.statistic is not None and alarm.threshold is not None
    follows_n = not grid.datapoints_to_alarm and \
        alarm.datapoints_to_alarm == alarm.evaluation_periods
    axes = (
        grid.thresholds or (alarm.threshold,),
        grid.periods or (alarm.period,),
        grid.evaluation_periods or (alarm.evaluation_periods,),
        grid.datapoints_to_alarm or (alarm.datapoints_to_alarm,),
        grid.statistics or (alarm.statistic.name,),
        grid.treat_missing_data or (alarm.effective_treat_missing_data(),),
    )
    size = math.prod(len(axis) for axis in axes)
    if size > MAX_VARIANTS:
        raise SweepError(f"the grid has {size:,} combinations; at most {MAX_VARIANTS:,} are "
                         "evaluated in one sweep")
    base = put_metric_alarm_params(alarm)
    valid: list[tuple[Variant, MetricAlarm]] = []
    invalid: list[InvalidVariant] = []
    for threshold, period, n, m, stat, treat_missing in itertools.product(*axes):
        variant = Variant(float(threshold), period, n, n if follows_n else m, stat,
                          treat_missing)
        try:
            built = MetricAlarm.from_aws(_apply(base, variant))
        except (AlarmDefinitionError, StatisticError) as error:
            invalid.append(InvalidVariant(variant, _message(error)))
            continue
        if evaluation_range is not None and evaluation_range < n:
            invalid.append(InvalidVariant(variant, f"the evaluation range ({evaluation_range}) "
                                                   f"must be at least EvaluationPeriods ({n})"))
            continue
        valid.append((variant, built))
    return valid, invalid


def put_metric_alarm_params(alarm: MetricAlarm) -> dict[str, Any]:
    """The PutMetricAlarm parameters of a single-metric alarm (what ``from_aws`` read)."""
    assert alarm.statistic is not None
    params: dict[str, Any] = {
        "AlarmName": alarm.name,
        "Namespace": alarm.namespace,
        "MetricName": alarm.metric_name,
        "Dimensions": [{"Name": name, "Value": value} for name, value in alarm.dimensions],
        "Period": alarm.period,
        "EvaluationPeriods": alarm.evaluation_periods,
        "DatapointsToAlarm": alarm.datapoints_to_alarm,
        "Threshold": alarm.threshold,
        "ComparisonOperator": alarm.comparison_operator,
        "ActionsEnabled": alarm.actions_enabled,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
    }
    statistic_field = "Statistic" if alarm.statistic.is_simple else "ExtendedStatistic"
    params[statistic_field] = alarm.statistic.name
    optional = {"Unit": alarm.unit, "TreatMissingData": alarm.treat_missing_data,
                "EvaluateLowSampleCountPercentile": alarm.evaluate_low_sample_count_percentile,
                "AlarmDescription": alarm.description}
    params.update({k: v for k, v in optional.items() if v is not None})
    return params


def _apply(base: Mapping[str, Any], variant: Variant) -> dict[str, Any]:
    params = {k: v for k, v in base.items() if k not in ("Statistic", "ExtendedStatistic")}
    stat = parse_statistic(variant.statistic)  # StatisticError for a bad name
    params["Statistic" if stat.is_simple else "ExtendedStatistic"] = variant.statistic
    params.update(Threshold=variant.threshold, Period=variant.period,
                  EvaluationPeriods=variant.evaluation_periods,
                  DatapointsToAlarm=variant.datapoints_to_alarm,
                  TreatMissingData=variant.treat_missing_data)
    return params


def _message(error: Exception) -> str:
    return error.message if isinstance(error, AlarmDefinitionError) else str(error)


# ------------------------------------------------------------------------------ scoring


def score(variant: Variant, grid_index: int, changes: Sequence[StateChange],
          incidents: Sequence[IncidentLabel], grace_ms: int, end_ms: int) -> Outcome:
    """Detections, false alarms and time in ALARM of one variant's state changes."""
    alarm_times = [c.time_ms for c in changes if c.new_state is AlarmState.ALARM]
    detections = []
    for incident in incidents:
        first = bisect_left(alarm_times, incident.start_ms)
        detected = alarm_times[first] if first < len(alarm_times) else None
        if detected is not None and detected >= incident.end_ms + grace_ms:
            detected = None
        detections.append(Detection(incident, detected))
    windows = _merged((i.start_ms, i.end_ms + grace_ms) for i in incidents)
    starts = [start for start, _ in windows]
    false_alarms = tuple(t for t in alarm_times if not _inside(t, windows, starts))
    return Outcome(variant, grid_index, tuple(changes), _time_in_alarm(changes, end_ms),
                   tuple(detections), false_alarms, grace_ms)


def _merged(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open windows, sorted and with overlaps joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(moment: int, windows: Sequence[tuple[int, int]], starts: Sequence[int]) -> bool:
    index = bisect_right(starts, moment) - 1
    return index >= 0 and moment < windows[index][1]


def _time_in_alarm(changes: Sequence[StateChange], end_ms: int) -> int:
    """Milliseconds spent in ALARM from the first change to ``end_ms``."""
    total, since = 0, None
    for change in changes:
        if change.new_state is AlarmState.ALARM:
            since = change.time_ms
        elif since is not None:
            total += change.time_ms - since
            since = None
    if since is not None:
        total += max(end_ms - since, 0)
    return total


def ranking_key(outcome: Outcome) -> tuple[float, ...]:
    """:data:`RANKING_RULE`: missed, false alarms, mean time to detect, time in ALARM."""
    mean = outcome.mean_delay_ms
    return (outcome.missed, outcome.false_alarms, math.inf if mean is None else mean,
            outcome.ms_in_alarm, outcome.grid_index)


def pareto_front(outcomes: Sequence[Outcome]) -> set[int]:
    """Indexes of the outcomes no other one beats on both detection and false alarms.

    Detection compares missed incidents first, then the mean time to detect; a variant is
    dominated when another is at least as good on both axes and better on one.
    """
    def detection(index: int) -> tuple[int, float]:
        mean = outcomes[index].mean_delay_ms
        return outcomes[index].missed, math.inf if mean is None else mean

    front: set[int] = set()
    fewest_before = math.inf  # fewest false alarms among strictly better detections
    ordered = sorted(range(len(outcomes)), key=detection)
    for _, same in itertools.groupby(ordered, key=detection):
        group = list(same)
        fewest_here = min(outcomes[i].false_alarms for i in group)
        if fewest_here < fewest_before:
            front.update(i for i in group if outcomes[i].false_alarms == fewest_here)
            fewest_before = fewest_here
    return front


# ------------------------------------------------------------------------------ running


def evaluate(variants: Sequence[tuple[Variant, MetricAlarm]], series: MinuteSeries,
             incidents: Sequence[IncidentLabel], settings: SimulationSettings,
             data_end_ms: int) -> tuple[list[Outcome], int]:
    """Score every variant over ``series``; return the ranked outcomes and the timeline end.

    The timeline ends once no variant can change state any more: the end of the data plus
    the longest evaluation range (rounded up to the variant's cadence).
    """
    alarms = [alarm for _, alarm in variants]
    grace = [_grace_ms(alarm, settings) for alarm in alarms]
    end_ms = max((_ceil_to(data_end_ms + g, evaluation_cadence_ms(a))
                  for a, g in zip(alarms, grace, strict=True)), default=data_end_ms)
    evaluator = TimelineEvaluator(series, settings, end_ms)
    outcomes: list[Outcome | None] = [None] * len(alarms)
    for index in variant_order(alarms):
        changes = evaluator.changes(alarms[index])
        outcomes[index] = score(variants[index][0], index, changes, incidents, grace[index],
                                end_ms)
    scored = [o for o in outcomes if o is not None]
    if incidents:
        front = pareto_front(scored)
        scored = [replace(o, pareto=i in front) for i, o in enumerate(scored)]
        scored.sort(key=ranking_key)
    return scored, end_ms


def sweep(filters: Sequence[MetricFilter], alarm: MetricAlarm, grid: Grid,
          sources: Sequence[str], options: ReplayOptions | None = None,
          incidents: Iterable[IncidentLabel] = (),
          progress: Progress | None = None) -> SweepResult:
    """Replay ``sources`` once and evaluate every variant of ``grid`` applied to ``alarm``."""
    started = time.monotonic()
    options = options or ReplayOptions()
    variants, invalid = expand(alarm, grid, options.evaluation_range)
    if not variants:
        reasons = sorted({bad.error for bad in invalid})
        raise SweepError(f"no combination of the grid is a valid alarm: {'; '.join(reasons)}")
    run = ReplayRun(filters, sources, options, progress)
    series: MinuteSeries | None = None
    for datapoint in run.datapoints():
        if series is None:
            assert run.start_ms is not None
            series = MinuteSeries(run.start_ms)
        if reads(alarm, datapoint.key):
            series.add(datapoint)
    if run.start_ms is None or run.end_ms is None:
        raise SweepError("the sources hold no events; there is nothing to sweep")
    series = series or MinuteSeries(run.start_ms)
    settings = SimulationSettings(start_ms=run.start_ms,
                                  evaluation_range=options.evaluation_range,
                                  ingestion_lag_ms=options.ingestion_lag_ms)
    labelled = tuple(incidents)
    data_end = run.end_ms - run.end_ms % MINUTE_MS + MINUTE_MS
    outcomes, end_ms = evaluate(variants, series, labelled, settings, data_end)
    result = SweepResult(alarm, run.start_ms, data_end, end_ms, outcomes, invalid, labelled,
                         series, run.files, run.report, run.accounting(),
                         time.monotonic() - started)
    result.warnings.extend(_warnings(result))
    return result


def _warnings(result: SweepResult) -> list[str]:
    notes = []
    if not len(result.series):
        notes.append(f"no datapoint reached the alarm's metric {result.alarm.metric_key}: "
                     "check that a metric filter publishes it")
    for incident in result.incidents:
        if incident.end_ms <= result.start_ms or incident.start_ms >= result.data_end_ms:
            notes.append(f"incident {incident.id!r} lies outside the replayed events "
                         f"({format_iso_ms(result.start_ms)} to "
                         f"{format_iso_ms(result.data_end_ms)})")
    return notes


def _grace_ms(alarm: MetricAlarm, settings: SimulationSettings) -> int:
    length = settings.evaluation_range or alarm.evaluation_periods + 2
    return length * alarm.period * 1000 + settings.ingestion_lag_ms


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


def _seconds(milliseconds: int | None) -> float | None:
    return None if milliseconds is None else milliseconds / 1000


def _iso(epoch_ms: int | None) -> str | None:
    return None if epoch_ms is None else format_iso_ms(epoch_ms)


# ------------------------------------------------------------------ grid values from text
# Each raises ValueError with the reason; the CLI reads comma-separated lists with them.

TREAT_MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")
HIGH_RESOLUTION_PERIODS = (10, 20, 30)


def parse_threshold(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a threshold must be a finite number")
    return value


def parse_period(text: str) -> int:
    value = parse_whole(text)
    if value not in HIGH_RESOLUTION_PERIODS and value % 60:
        raise ValueError("Period must be 10, 20, 30 or a multiple of 60 (seconds)")
    return value


def parse_whole(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError("expected a whole number, at least 1")
    return int(text)


def parse_statistic_name(text: str) -> str:
    try:
        return parse_statistic(text).name
    except StatisticError as error:
        raise ValueError(str(error)) from None


def parse_treat_missing_data(text: str) -> str:
    if text not in TREAT_MISSING_DATA:
        raise ValueError(f"TreatMissingData must be one of {', '.join(TREAT_MISSING_DATA)}")
    return text

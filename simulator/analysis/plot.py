"""PNG plots of a replay (what the alarm saw and did) and of a sweep (detection against noise).

Plots are an optional extra: matplotlib is imported only when a plot is drawn, and
:func:`require_matplotlib` turns its absence into :class:`PlotUnavailable` with the install
command.  Figures are drawn on the non-interactive Agg canvas with matplotlib's default
style (a user's matplotlibrc does not leak in) and UTC times, so the same data gives the
same PNG bytes with the same matplotlib version.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from simulator.alarms import AlarmState, CompositeAlarm, MetricAlarm, MinuteSeries, reads
from simulator.analysis.threshold_sweep import SweepResult
from simulator.metrics import Datapoint
from simulator.replay import ReplayResult
from simulator.synth import IncidentLabel
from simulator.timestamps import MINUTE_MS

INSTALL_HINT = "pip install 'cwpattern[plot]'"
STATE_COLOURS = {AlarmState.ALARM: "#d62728", AlarmState.OK: "#2ca02c",
                 AlarmState.INSUFFICIENT_DATA: "#b0b0b0"}
INCIDENT_COLOUR = "#1f77b4"
THRESHOLD_COLOUR = "#ff7f0e"
WIDTH_INCHES = 10.0
DPI = 100
MAX_TRACKS = 8
MAX_FRONT_LABELS = 12
#: Room after the last datapoint or transition, so the final state shows.
TAIL_MS = 5 * MINUTE_MS


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed; the message says how to install it."""


@dataclass(frozen=True)
class AlarmTrack:
    """One alarm in a replay plot: what it compared (if a single metric) and its states.

    ``values`` are (instant, statistic of the period ending there) pairs; ``minute_sums``
    the raw per-minute datapoints; ``states`` the (time, new state) transitions.
    """

    name: str
    states: Sequence[tuple[int, AlarmState]]
    statistic_label: str = ""
    threshold: float | None = None
    values: Sequence[tuple[int, float | None]] = ()
    minute_sums: Sequence[tuple[int, float]] = ()


class ReplayRecorder:
    """Keeps, during a replay, the datapoints of the metrics the alarms read (for a plot)."""

    def __init__(self, alarms: Sequence[MetricAlarm | CompositeAlarm]) -> None:
        self.alarms = [a for a in alarms if isinstance(a, MetricAlarm)
                       and a.metric_key is not None]
        self.kept: dict[str, list[Datapoint]] = {a.name: [] for a in self.alarms}

    def __call__(self, datapoint: Datapoint) -> None:
        for alarm in self.alarms:
            if reads(alarm, datapoint.key):
                self.kept[alarm.name].append(datapoint)


def replay_tracks(result: ReplayResult, recorder: ReplayRecorder,
                  end_ms: int) -> list[AlarmTrack]:
    """One track per alarm of the replay, in the config's order."""
    if result.simulation is None or result.start_ms is None:
        return []
    simulation = result.simulation
    metric_alarms = {a.name: a for a in recorder.alarms}
    tracks = []
    for name in simulation.alarm_names:
        states = [(t.time_ms, t.new_state) for t in simulation.transitions_of(name)]
        alarm = metric_alarms.get(name)
        if alarm is None or alarm.statistic is None or alarm.period % 60:
            tracks.append(AlarmTrack(name, states))
            continue
        series = MinuteSeries(result.start_ms)
        for datapoint in recorder.kept[name]:
            series.add(datapoint)
        instants = (end_ms - result.start_ms) // MINUTE_MS + 1
        values = series.period_values(alarm.period, alarm.statistic, instants)
        tracks.append(AlarmTrack(
            name, states, f"{alarm.statistic} over {alarm.period} s (what the alarm compares)",
            alarm.threshold,
            [(result.start_ms + m * MINUTE_MS, v) for m, v in enumerate(values)],
            series.minute_sums()))
    return tracks


def plot_replay_result(path: str | Path, result: ReplayResult, recorder: ReplayRecorder,
                       incidents: Sequence[IncidentLabel] = (), title: str = "") -> None:
    """:func:`plot_replay` for a finished replay, from its start to its last change."""
    if result.start_ms is None or result.end_ms is None:
        with _figure(height=2.0) as figure:
            figure.text(0.5, 0.5, "no events were replayed", ha="center", va="center")
            figure.savefig(str(path), format="png")
        return
    last_change = max((t.time_ms for t in result.simulation.transitions), default=0) \
        if result.simulation is not None else 0
    data_end = result.end_ms - result.end_ms % MINUTE_MS + MINUTE_MS
    end_ms = max(data_end, last_change) + TAIL_MS
    metrics = [(str(key), summary.series) for key, summary in result.metrics.items()]
    plot_replay(path, replay_tracks(result, recorder, end_ms), result.start_ms, end_ms,
                incidents, title, metrics)


def require_matplotlib() -> None:
    """Raise :class:`PlotUnavailable` unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotUnavailable(f"plots need matplotlib: {INSTALL_HINT}") from None


def plot_replay(path: str | Path, tracks: Sequence[AlarmTrack], start_ms: int, end_ms: int,
                incidents: Sequence[IncidentLabel] = (), title: str = "",
                metrics: Sequence[tuple[str, Sequence[tuple[int, float]]]] = ()) -> None:
    """Datapoints, threshold and alarm-state strip per alarm, incidents shaded.

    An alarm without a single plottable value (composite, metric math, sub-minute period)
    gets its state strip only.  Without alarms, ``metrics`` (name, per-minute sums) are
    drawn instead.
    """
    shown = list(tracks[:MAX_TRACKS])
    ratios = [r for track in shown for r in ([5, 1] if _has_values(track) else [1])] or [5]
    with _figure(height=1.4 + 0.5 * sum(ratios)) as figure:
        rows = iter(figure.add_gridspec(len(ratios), 1, height_ratios=ratios, hspace=0.15))
        if not shown:
            axis = figure.add_subplot(next(rows))
            _draw_metrics(axis, metrics)
            _shade(axis, incidents)
            axis.set_xlim(_when(start_ms), _when(end_ms))
            _time_axis(axis)
        for track in shown:
            values_axis = figure.add_subplot(next(rows)) if _has_values(track) else None
            states_axis = figure.add_subplot(next(rows), sharex=values_axis)
            if values_axis is not None:
                _draw_values(values_axis, track)
                _shade(values_axis, incidents)
                values_axis.tick_params(labelbottom=False)
            else:
                states_axis.set_title(f"{track.name} (state only)", fontsize=10, loc="left")
            _draw_states(states_axis, track.states, start_ms, end_ms)
            states_axis.set_xlim(_when(start_ms), _when(end_ms))
            _time_axis(states_axis)
        _key(figure, with_states=bool(shown), with_incidents=bool(incidents))
        more = f" (first {MAX_TRACKS} of {len(tracks)} alarms)" if len(tracks) > MAX_TRACKS \
            else ""
        figure.suptitle(f"{title}{more}" or "Replay", fontsize=11)
        figure.savefig(str(path), format="png")


def plot_sweep(path: str | Path, result: SweepResult) -> None:
    """Mean time to detect against false alarms, one point per configuration.

    Configurations sharing a point are drawn once, larger.  Those that missed an incident
    are crosses (their x is the mean over the incidents they did detect; those that
    detected none sit in a "missed all" column on the right); the Pareto front is ringed
    in red and labelled (``+k``: k more configurations at the same point).
    """
    groups: dict[tuple[float | None, int, bool, bool], list[Any]] = {}
    for outcome in result.outcomes:
        mean = outcome.mean_delay_ms
        key = (None if mean is None else mean / 60_000, outcome.false_alarms,
               outcome.missed > 0, outcome.pareto)
        groups.setdefault(key, []).append(outcome)
    finite = [k[0] for k in groups if k[0] is not None]
    missed_all_x = (max(finite) if finite else 0.0) * 1.15 + 1.0
    with _figure(height=5.5) as figure:
        axis = figure.add_subplot(1, 1, 1)
        styles = {False: ("o", "#4c72b0", "detected every incident"),
                  True: ("x", "#8c8c8c", "missed at least one incident")}
        for missed, (marker, colour, label) in styles.items():
            chosen = [(k, v) for k, v in groups.items() if k[2] == missed]
            if chosen:
                axis.scatter([missed_all_x if k[0] is None else k[0] for k, _ in chosen],
                             [k[1] for k, _ in chosen], s=[_size(len(v)) for _, v in chosen],
                             marker=marker, c=colour, label=label, zorder=2)
        front = sorted(((k, v) for k, v in groups.items() if k[3]),
                       key=lambda item: (item[0][1], item[0][0] or 0.0))
        if front:
            axis.scatter([missed_all_x if k[0] is None else k[0] for k, _ in front],
                         [k[1] for k, _ in front], s=[_size(len(v)) * 3 for _, v in front],
                         facecolors="none", edgecolors="#d62728", linewidths=1.8,
                         label="Pareto front", zorder=3)
        for (x, y, _, _), members in front[:MAX_FRONT_LABELS]:
            axis.annotate(_front_label(members), (missed_all_x if x is None else x, y),
                          textcoords="offset points", xytext=(9, 7), fontsize=7.5)
        top = max((k[1] for k in groups), default=0)
        axis.set_ylim(-0.6, top + 0.9)
        if any(k[0] is None for k in groups):
            axis.axvline(missed_all_x * 0.96, color="#cccccc", linewidth=0.8, zorder=1)
            axis.text(missed_all_x, top + 0.5, "missed all", ha="center", fontsize=8,
                      color="#666666")
        from matplotlib.ticker import MaxNLocator

        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlabel("mean time to detect (minutes)")
        axis.set_ylabel("false alarms (ALARM outside every incident)")
        axis.grid(True, linewidth=0.4, alpha=0.6)
        figure.legend(loc="outside lower center", ncol=3, fontsize=8, frameon=False)
        axis.set_title(f"Sweep of {result.alarm.name}: {len(result.outcomes)} configurations, "
                       f"{len(result.incidents)} incident(s); bigger markers stand for "
                       "several configurations", fontsize=10)
        figure.savefig(str(path), format="png")


# ------------------------------------------------------------------------------ drawing


@contextmanager
def _figure(height: float) -> Iterator[Any]:
    require_matplotlib()
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.style.context("default"), \
            matplotlib.rc_context({"timezone": "UTC", "svg.hashsalt": "cwpattern"}):
        figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        yield figure


def _draw_values(axis: Any, track: AlarmTrack) -> None:
    if track.minute_sums:
        axis.bar([_when(t) for t, _ in track.minute_sums], [v for _, v in track.minute_sums],
                 width=1 / 1440, align="edge", color="#9db4d0",
                 label="datapoints (per-minute sum)", zorder=2)
    if track.values:
        times, values = _steps(track.values)
        axis.plot(times, values, drawstyle="steps-post", color="#1b3a5c", linewidth=1.2,
                  label=track.statistic_label, zorder=3)
    if track.threshold is not None:
        axis.axhline(track.threshold, color=THRESHOLD_COLOUR, linestyle="--", linewidth=1.2,
                     label=f"threshold {track.threshold:g}", zorder=4)
    axis.set_title(track.name, fontsize=10, loc="left")
    axis.grid(True, linewidth=0.4, alpha=0.6)
    if track.minute_sums or track.values or track.threshold is not None:
        axis.legend(loc="upper right", fontsize=8)


def _has_values(track: AlarmTrack) -> bool:
    return bool(track.values or track.minute_sums or track.threshold is not None)


def _draw_metrics(axis: Any, metrics: Sequence[tuple[str, Sequence[tuple[int, float]]]]
                  ) -> None:
    for name, sums in metrics:
        axis.bar([_when(t) for t, _ in sums], [v for _, v in sums], width=1 / 1440,
                 align="edge", label=f"{name} (per-minute sum)", alpha=0.8, zorder=2)
    axis.set_title("datapoints (no alarm in the config)" if metrics else
                   "no datapoint: no event matched", fontsize=10, loc="left")
    axis.grid(True, linewidth=0.4, alpha=0.6)
    if metrics:
        axis.legend(loc="upper right", fontsize=8)


def _draw_states(axis: Any, states: Sequence[tuple[int, AlarmState]], start_ms: int,
                 end_ms: int) -> None:
    bounds = [(start_ms, AlarmState.INSUFFICIENT_DATA), *states]
    for (since, state), (until, _) in itertools.pairwise([*bounds, (end_ms, None)]):
        if until > since:
            axis.axvspan(_when(since), _when(until), color=STATE_COLOURS[state], linewidth=0)
    axis.set_yticks([])
    axis.set_ylabel("state", rotation=0, ha="right", va="center", fontsize=8)


def _shade(axis: Any, incidents: Sequence[IncidentLabel]) -> None:
    for incident in incidents:
        axis.axvspan(_when(incident.start_ms), _when(incident.end_ms), color=INCIDENT_COLOUR,
                     alpha=0.15, linewidth=0, zorder=1)


def _key(figure: Any, with_states: bool, with_incidents: bool) -> None:
    """One legend for the state colours and the incident shading, under the plots."""
    from matplotlib.patches import Patch

    handles = [Patch(color=colour, label=state.value)
               for state, colour in STATE_COLOURS.items()] if with_states else []
    if with_incidents:
        handles.append(Patch(color=INCIDENT_COLOUR, alpha=0.15, label="labelled incident"))
    if handles:
        figure.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                      fontsize=8, frameon=False)


def _time_axis(axis: Any) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=timezone.utc)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=timezone.utc))


def _steps(values: Sequence[tuple[int, float | None]]) -> tuple[list[datetime], list[float]]:
    """Step-plot points; a missing period breaks the line (NaN)."""
    return [_when(t) for t, _ in values], [float("nan") if v is None else v for _, v in values]


def _when(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)


def _size(count: int) -> float:
    return 28.0 + 14.0 * min(count - 1, 10)


def _front_label(members: Sequence[Any]) -> str:
    variant = members[0].variant
    text = (f"{variant.threshold:g} · {variant.period}s · {variant.m_of_n} · "
            f"{variant.statistic} · {variant.treat_missing_data}")
    return text if len(members) == 1 else f"{text} (+{len(members) - 1})"

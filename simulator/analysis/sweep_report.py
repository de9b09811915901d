"""A sweep result as people read it: the timeline with labelled incidents, the ranked
table of configurations with the Pareto front marked, and the rejected combinations.

``cwpattern sweep`` prints :func:`report_lines`; ``--json`` prints
:meth:`SweepResult.to_dict` instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.analysis.threshold_sweep import GRACE_RULE, RANKING_RULE
from simulator.replay import span_marks, sparkline
from simulator.timestamps import iso_text

#: With this many incidents or fewer the table has one column per incident.
MAX_INCIDENT_COLUMNS = 4


def shown_path(path: Path | None) -> str | None:
    """A labels path as the user would type it: relative to here when it is below here."""
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sweep_report_lines(result: Any, top: int | None = None, labels: str | None = None) -> list[str]:
    """The human-readable sweep report: timeline, incidents, ranked table, rejects."""
    key = result.alarm.metric_key
    read = result.report.read
    lines = [f"Swept alarm {result.alarm.name} ({key}): {len(result.outcomes)} "
             f"configuration(s) over {read:,} event(s) from {result.files} file(s), "
             f"replayed once, in {result.seconds:.2f} s",
             f"Timeline {_time(result.start_ms)} to {_time(result.end_ms)} (events end "
             f"{_time(result.data_end_ms)})"]
    last_minute = result.data_end_ms - 60_000
    spark = sparkline(result.series.minute_sums(), result.start_ms, last_minute)
    lines.append(f"  {spark or '(no datapoint for this metric)'}")
    if result.incidents:
        marks = span_marks([(i.start_ms, i.end_ms) for i in result.incidents],
                           result.start_ms, last_minute)
        lines.append(f"  {marks}  <- labelled incidents")
        lines += ["", f"Incidents ({labels})" if labels else "Incidents"]
        lines += [f"  {i.id}: {_time(i.start_ms)} to {_time(i.end_ms)}" for i in result.incidents]
        lines += [f"Detected: first transition into ALARM from the incident's start until "
                  f"{GRACE_RULE}.",
                  "False alarms: transitions into ALARM outside every incident's window.",
                  f"Ranked by {RANKING_RULE}; * marks the Pareto front (detection vs false "
                  "alarms)."]
    else:
        lines += ["", "No incident labels (--labels FILE, or a labels.jsonl next to the "
                      "sources): detection and false alarms are not scored; rows in grid order."]
    lines += ["", *_table(result, top)]
    lines += _invalid_lines(result.invalid)
    lines += [f"warning: {note}" for note in result.warnings]
    return lines


def _table(result: Any, top: int | None) -> list[str]:
    incidents = result.incidents
    header = ["", "threshold", "period", "M/N", "statistic", "missing data", "ALARMs",
              "in ALARM"]
    per_incident = 0 < len(incidents) <= MAX_INCIDENT_COLUMNS
    if per_incident:
        header += [i.id[:14] for i in incidents]
    elif incidents:
        header += ["detected", "mean", "worst"]
    if incidents:
        header.append("false")
    rows = [_row(outcome, per_incident, bool(incidents))
            for outcome in result.outcomes[:top]]
    widths = [max(len(header[c]), *(len(r[c]) for r in rows)) if rows else len(header[c])
              for c in range(len(header))]
    lines = [_join(header, widths), *(_join(row, widths) for row in rows)]
    hidden = len(result.outcomes) - len(rows)
    if hidden > 0:
        lines.append(f"  ... {hidden} more row(s) (--top {top}); --json lists all")
    return lines


def _row(outcome: Any, per_incident: bool, scored: bool) -> list[str]:
    variant = outcome.variant
    row = ["*" if outcome.pareto else "", f"{variant.threshold:g}", f"{variant.period}",
           variant.m_of_n, variant.statistic, variant.treat_missing_data,
           str(len(outcome.alarm_times)), duration(outcome.ms_in_alarm)]
    if per_incident:
        row += [duration(d.delay_ms) if d.delay_ms is not None else "missed"
                for d in outcome.detections]
    elif scored:
        mean, worst = outcome.mean_delay_ms, outcome.worst_delay_ms
        row += [f"{outcome.detected}/{len(outcome.detections)}",
                duration(round(mean)) if mean is not None else "-",
                duration(worst) if worst is not None else "-"]
    if scored:
        row.append(str(outcome.false_alarms))
    return row


def _join(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _invalid_lines(invalid: Sequence[Any]) -> list[str]:
    if not invalid:
        return []
    reasons = Counter(bad.error for bad in invalid)
    lines = ["", f"Skipped {len(invalid)} combination(s) CloudWatch would reject:"]
    lines += [f"  {count} x {reason}" for reason, count in sorted(reasons.items())]
    return lines


def duration(milliseconds: int) -> str:
    """``45s``, ``6m``, ``1h02m``, ``2d3h``: short, exact to the second."""
    seconds = milliseconds // 1000
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m" if not seconds else f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours}h"


def _time(epoch_ms: int) -> str:
    return iso_text(epoch_ms)

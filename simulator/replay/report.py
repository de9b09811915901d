"""A replay result as people read it: accounting, datapoints with sparklines, the
alarm timeline, who is behind the matches, and the bad and late input.

``cwpattern replay`` prints :func:`report_lines`; ``--json`` prints
:meth:`ReplayResult.to_dict` instead.  :func:`sparkline` and :func:`span_marks` draw
per-minute series and time spans in a fixed terminal width (sweeps use them too).
"""

from __future__ import annotations

from typing import Any

from simulator.timestamps import iso_text

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60


def report_lines(result: Any) -> list[str]:
    """The human-readable report of a replay."""
    read = result.report.read
    rate = read / result.seconds if result.seconds > 0 else 0.0
    lines = [f"Replayed {result.files} file(s), {read:,} event(s) in {result.seconds:.2f} s "
             f"({rate:,.0f} events/s)"]
    if result.start_ms is not None:
        lines.append(f"Events from {_time(result.start_ms)} to {_time(result.end_ms)}")
    lines += ["", "Metric filters (read = matched + unmatched + bad + late)"]
    for name, row in result.accounting.items():
        lines.append(f"  {name}: {row['read']:,} = {row['matched']:,} + {row['unmatched']:,} + "
                     f"{row['bad']:,} + {row['late']:,}; {row['samples']:,} sample(s)"
                     + (f", {row['skipped_values']:,} value(s) skipped"
                        if row["skipped_values"] else ""))
    lines += ["", "Datapoints"]
    if not result.metrics:
        lines.append("  none: no event matched")
    for key, summary in result.metrics.items():
        lines.append(f"  {key}: {summary.datapoints} minute(s), sum {summary.total:g}, "
                     f"busiest minute {summary.busiest_minute:g}")
        lines.append(f"    {sparkline(summary.series, result.start_ms, result.end_ms)}")
    if result.simulation is not None:
        lines += ["", "Alarm timeline", *_timeline(result.simulation)]
    lines += _contributor_lines(result.contributors)
    lines += ["", "Bad and late input"]
    problems = result.report.summary_lines()
    lines += ["  none"] if not (result.report.bad or result.report.late) else \
        [f"  {line.strip()}" for line in problems[1:]]
    return lines


def _timeline(simulation: Any) -> list[str]:
    lines = []
    actions = {}
    for action in simulation.actions:
        actions.setdefault((action.alarm_name, action.time_ms), []).append(action)
    for transition in simulation.transitions:
        lines.append(f"  {_time(transition.time_ms)}  {transition.alarm_name}  "
                     f"{transition.old_state.value} -> {transition.new_state.value}")
        lines.append(f"      {transition.reason}")
        for action in actions.get((transition.alarm_name, transition.time_ms), []):
            lines.append(f"      action: {action.kind} {action.target}")
    return lines or ["  no state change"]


def _contributor_lines(tables: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, table in tables.items():
        top = table.top(10)
        if not top:
            continue
        lines += ["", f"Behind the matches of {name} (principal, action, resource)"]
        lines += [f"  {count:>6}  {who}  {action}  {resource}"
                  for (who, action, resource), count in top]
    return lines


def sparkline(series: list[tuple[int, float]], start_ms: int | None,
              end_ms: int | None) -> str:
    """Per-minute sums as a terminal sparkline over the replay's time span."""
    if not series or start_ms is None or end_ms is None:
        return ""
    width = _spark_width(start_ms, end_ms)
    columns = [0.0] * width
    for when, value in series:
        columns[_spark_column(when, start_ms, end_ms, width)] += value
    top = max(columns) or 1.0
    return "".join(" " if value == 0 else SPARKS[min(int(value / top * 7.999), 7)]
                   for value in columns)


def span_marks(spans: list[tuple[int, int]], start_ms: int, end_ms: int) -> str:
    """``^`` under the sparkline columns that the half-open ``spans`` overlap."""
    width = _spark_width(start_ms, end_ms)
    marks = [" "] * width
    for begin, end in spans:
        if end <= start_ms or begin > end_ms:
            continue
        first = _spark_column(max(begin, start_ms), start_ms, end_ms, width)
        last = _spark_column(min(end - 1, end_ms), start_ms, end_ms, width)
        marks[first:last + 1] = ["^"] * (last - first + 1)
    return "".join(marks).rstrip()


def _spark_width(start_ms: int, end_ms: int) -> int:
    return max(min(SPARK_WIDTH, (end_ms - start_ms) // 60_000 + 1), 1)


def _spark_column(when: int, start_ms: int, end_ms: int, width: int) -> int:
    span = max(end_ms - start_ms, 1)
    return min(max((when - start_ms) * width // (span + 60_000), 0), width - 1)


def _time(epoch_ms: int | None) -> str:
    return iso_text(epoch_ms) if epoch_ms is not None else "-"

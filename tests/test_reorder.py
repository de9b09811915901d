"""The bounded reorder window: ordered output, late events reported, real-corpus disorder."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.events import LogEvent, ProblemKind, Report
from simulator.replay.reorder_window import DEFAULT_WINDOW_MS, measure_disorder, reorder
from simulator.sources import read_events

from conftest import corpus_path

MINUTE = 60_000


def events_at(*timestamps: int) -> list[LogEvent]:
    return [LogEvent(t, f"m{i}", f"f:{i + 1}") for i, t in enumerate(timestamps)]


def test_invictus_disorder_matches_the_corpus_notes_and_the_default_window_covers_it():
    """About 22% of neighbouring records go backwards; none is late with 15 minutes."""
    folder = corpus_path("invictus-ir-aws-dataset", "CloudTrail")
    report = Report()
    raw = list(read_events(str(folder), report))
    within_files = [0, 0]
    for file in sorted({e.origin.split("#")[0] for e in raw}):
        stats = measure_disorder(e.timestamp_ms for e in raw if e.origin.startswith(file + "#"))
        within_files[0] += stats.backwards
        within_files[1] += stats.pairs
    assert within_files == [641, 2845]  # 22.5% of neighbouring pairs inside a file
    overall = measure_disorder(e.timestamp_ms for e in raw)
    assert (overall.backwards, overall.pairs) == (683, 2899)
    assert overall.max_lateness_ms == 579_000 < DEFAULT_WINDOW_MS

    ordered = list(reorder(raw, report))
    assert report.late == 0 and len(ordered) == len(raw)
    assert measure_disorder(e.timestamp_ms for e in ordered).backwards == 0
    assert sorted(ordered, key=lambda e: e.timestamp_ms) == ordered


def test_a_window_smaller_than_the_corpus_disorder_reports_late_events():
    folder = corpus_path("invictus-ir-aws-dataset", "CloudTrail")
    report = Report()
    ordered = list(reorder(read_events(str(folder), report), report, window_ms=MINUTE))
    assert report.late > 0
    assert len(ordered) + report.late == report.read == 2900
    assert measure_disorder(e.timestamp_ms for e in ordered).backwards == 0


def test_late_event_is_reported_with_origin_and_detail():
    report = Report()
    out = list(
        reorder(
            events_at(0, 20 * MINUTE, 4 * MINUTE, 5 * MINUTE, 6 * MINUTE),
            report,
            window_ms=15 * MINUTE,
        )
    )
    assert [e.timestamp_ms for e in out] == [0, 5 * MINUTE, 6 * MINUTE, 20 * MINUTE]
    [problem] = report.examples[ProblemKind.LATE]
    assert problem.origin == "f:3"
    assert problem.detail == (
        "timestamp 1970-01-01T00:04:00.000Z is 60000 ms behind the watermark "
        "1970-01-01T00:05:00.000Z (reorder window 900000 ms)"
    )


def test_an_event_exactly_at_the_watermark_is_not_late():
    report = Report()
    out = list(reorder(events_at(10 * MINUTE, 0), report, window_ms=10 * MINUTE))
    assert [e.timestamp_ms for e in out] == [0, 10 * MINUTE] and report.late == 0


def test_ties_keep_arrival_order():
    out = list(reorder(events_at(5, 5, 3, 5), Report(), window_ms=10))
    assert [e.origin for e in out] == ["f:3", "f:1", "f:2", "f:4"]


def test_events_are_released_as_soon_as_they_fall_behind_the_watermark():
    released: list[int] = []
    source = iter(events_at(0, MINUTE, 2 * MINUTE, 3 * MINUTE))
    stream = reorder(source, Report(), window_ms=MINUTE + 1)
    released.append(next(stream).timestamp_ms)  # needs 0 < 2 min - (1 min + 1 ms)
    assert released == [0]
    assert next(source).timestamp_ms == 3 * MINUTE  # only 3 events were pulled so far


def test_max_buffered_bounds_memory_and_keeps_order():
    report = Report()
    timestamps = [5] * 10 + [4, 6]
    out = list(reorder(events_at(*timestamps), report, window_ms=100, max_buffered=3))
    assert [e.timestamp_ms for e in out] == [5] * 10 + [6]
    assert report.late == 1 and report.examples[ProblemKind.LATE][0].origin == "f:11"


def test_invalid_settings_are_rejected():
    with pytest.raises(ValueError, match="window_ms must be >= 0"):
        list(reorder([], Report(), window_ms=-1))
    with pytest.raises(ValueError, match="max_buffered must be >= 1"):
        list(reorder([], Report(), max_buffered=0))


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), max_size=200),
    st.integers(min_value=0, max_value=3_000),
)
def test_output_is_ordered_and_every_event_is_accounted_for(timestamps, window):
    report = Report()
    report.events = len(timestamps)
    out = list(reorder(events_at(*timestamps), report, window_ms=window))
    assert [e.timestamp_ms for e in out] == sorted(e.timestamp_ms for e in out)
    assert len(out) + report.late == len(timestamps) == report.read
    late = {p.origin for p in report.examples.get(ProblemKind.LATE, [])}
    assert not late & {e.origin for e in out}


def test_shuffled_within_the_window_comes_back_fully_sorted():
    rng = random.Random(7)
    timestamps = sorted(rng.randrange(0, 60 * MINUTE) for _ in range(5000))
    jittered = sorted(timestamps, key=lambda t: t + rng.randrange(0, 5 * MINUTE))
    report = Report()
    out = list(reorder(events_at(*jittered), report, window_ms=5 * MINUTE))
    assert report.late == 0
    assert [e.timestamp_ms for e in out] == timestamps

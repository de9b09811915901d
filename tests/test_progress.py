"""The progress line shown on a terminal: what it says, when it redraws, and the
progress ``synth`` reports (replay's is exercised through its own tests)."""

from __future__ import annotations

import dataclasses
import io

from cwpattern.cli.progress import ProgressLine, render
from simulator.replay.driver import ProgressState
from simulator.synth.generator import PROGRESS_EVERY, synthesize
from simulator.synth.scenario import load_scenario

from conftest import FIXTURES


def test_known_totals_give_a_bar_and_an_eta() -> None:
    state = ProgressState(files_done=3, files_total=12, bytes_done=250, bytes_total=1000,
                          events=40_000, started=100.0)
    assert render(state, now=110.0) == (
        "[######------------------] files 3/12 · events 40,000 · 4,000 ev/s · ETA 0:00:30")


def test_unknown_totals_give_counts_only() -> None:
    state = ProgressState(files_done=7, events=1_500, started=0.0)
    assert render(state, now=3.0) == "files 7 · events 1,500 · 500 ev/s"


def test_redraws_at_most_ten_times_a_second_but_always_at_the_end() -> None:
    stream = io.StringIO()
    line = ProgressLine(stream)
    state = ProgressState(files_total=2, events=1)
    line(state)
    line(state)  # within 0.1 s of the first: skipped
    state.files_done = 2
    line(state)  # finished: drawn however soon
    line.close()
    drawn = stream.getvalue()
    assert drawn.count("\r") == 2
    assert "files 2/2" in drawn
    assert drawn.endswith("\n")


def test_nothing_is_written_when_nothing_was_drawn() -> None:
    stream = io.StringIO()
    ProgressLine(stream).close()
    assert stream.getvalue() == ""


def test_synth_reports_records_and_the_share_of_its_span(tmp_path) -> None:
    scenario = load_scenario(FIXTURES / "synth" / "config-slr-access-denied.yaml")
    scenario = dataclasses.replace(scenario, end_ms=scenario.start_ms + 3 * 86_400_000)
    calls: list[tuple[int, float]] = []
    summary = synthesize(scenario, tmp_path / "out.jsonl",
                         progress=lambda records, share: calls.append((records, share)))
    assert calls[-1] == (summary.records, 1.0)
    assert len(calls) == summary.records // PROGRESS_EVERY + 1
    assert [records for records, _ in calls[:-1]] == \
        [PROGRESS_EVERY * (i + 1) for i in range(len(calls) - 1)]
    shares = [share for _, share in calls]
    assert shares == sorted(shares)
    assert len(calls) >= 3
    assert 0 < shares[0] < shares[-2] < 1

"""Source-level hostile inputs of fixtures/hostile/: each has a tested, documented
outcome, and nothing is lost silently (issue 7)."""

from __future__ import annotations

import sys

import pytest

from simulator.events import BadInputError, ProblemKind, Report
from simulator.sources import read_events

from conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
sys.path.insert(0, str(HOSTILE))
from generate import gzip_bomb  # noqa: E402


def read(path, **options):
    report = Report()
    events = list(read_events(str(path), report, **options))
    return events, report


def test_gzip_bomb_stops_at_the_decompression_cap(tmp_path) -> None:
    """A gzip that inflates far beyond the cap: the events before the cap are kept, the
    file is reported once, and memory stays bounded (streaming; measured in
    benchmarks/hostile_inputs.py with the real 2 GiB bomb)."""
    bomb = tmp_path / "gzip-bomb.jsonl.gz"
    bomb.write_bytes(gzip_bomb(scale=1 / 16))  # inflates to 128 MiB
    events, report = read(bomb, max_decompressed_bytes=16 << 20)
    assert [e.timestamp_ms for e in events] == [1709546400000]
    assert report.counts == {ProblemKind.DECOMPRESSION_LIMIT: 1}
    assert report.examples[ProblemKind.DECOMPRESSION_LIMIT][0].origin == str(bomb)


def test_truncated_gzip_keeps_what_came_before_the_cut() -> None:
    events, report = read(HOSTILE / "truncated.json.gz")
    assert len(events) == 30
    assert report.counts == {ProblemKind.TRUNCATED_GZIP: 1}


def test_records_that_are_not_a_list() -> None:
    events, report = read(HOSTILE / "records-not-a-list.json")
    assert events == []
    (problem,) = report.examples[ProblemKind.BAD_STRUCTURE]
    assert problem.detail == "'Records' is an object, not a list"


@pytest.mark.parametrize("name", ["truncated.json.gz", "records-not-a-list.json"])
def test_strict_mode_names_the_origin(name: str) -> None:
    with pytest.raises(BadInputError) as raised:
        list(read_events(str(HOSTILE / name), Report(strict=True)))
    assert raised.value.problem.origin == str(HOSTILE / name)

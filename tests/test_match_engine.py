"""``cwpattern match`` through the scoring engine gives what reading event by event
gives: the same matches, in the same order, with the same origins and timestamps, and
the same problems reported (simulator.replay.match)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cwpattern.cli import main
from simulator.events import Report
from simulator.replay.match import find_matches

from conftest import FIXTURES

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
PATTERNS = [SEED, "AccessDenied", '"Access Denied" -GetObject', "%Denied\\W%",
            '[version, account, ...]', "{ $.eventTime = * }", ""]


def _bad_and_late(folder: Path) -> Path:
    """JSON lines with a malformed line, a late event, a truncated gzip sibling, a
    CloudTrail file, and a log-event file (which the fast path leaves to the reader)."""
    folder.mkdir()
    lines = [json.dumps({"eventTime": f"2024-01-01T00:{m:02d}:00Z", "eventName": "GetX",
                         "errorCode": "AccessDenied" if m % 3 else "None"})
             for m in range(40)]
    lines.insert(30, json.dumps({"eventTime": "2024-01-01T00:01:00Z"}))
    lines.insert(5, "{not json")
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "b.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode())[:-20])
    records = {"Records": [json.loads(line) for line in lines if line.startswith('{"')]}
    (folder / "c.json").write_text(json.dumps(records))
    (folder / "d.jsonl").write_text("\n".join(
        json.dumps({"timestamp": 1704067200000 + i, "message": f"Access Denied #{i}"})
        for i in range(5)) + "\n")
    return folder


def sources(tmp_path: Path) -> list[list[str]]:
    return [[str(FIXTURES / "synth" / "config-slr-access-denied" / "trail")],
            [str(FIXTURES / "sweep" / "events.jsonl.gz"), str(FIXTURES / "demo")],
            [str(_bad_and_late(tmp_path / "mixed"))],
            [str(FIXTURES / "hostile")]]


def run(pattern: str, paths: list[str], **options) -> tuple[list, dict]:
    report = Report()
    found = [(m.origin, m.timestamp_ms, m.message)
             for m in find_matches(pattern, paths, report, **options)]
    return found, report.to_dict()


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_engine_finds_what_reading_event_by_event_finds(pattern, tmp_path) -> None:
    for paths in sources(tmp_path):
        expected = run(pattern, paths, sequential=True)
        assert run(pattern, paths, jobs=1) == expected
        assert run(pattern, paths, jobs=2) == expected


def test_the_fixtures_have_matches_and_problems_to_compare(tmp_path) -> None:
    found, _ = run(SEED, sources(tmp_path)[0], jobs=1)
    assert len(found) == 60
    _, mixed = run("AccessDenied", [str(_bad_and_late(tmp_path / "again"))], jobs=1)
    assert mixed["bad"] > 0


def test_progress_is_told_every_file(tmp_path) -> None:
    sizes: list[int] = []
    report = Report()
    list(find_matches(SEED, sources(tmp_path)[0], report, jobs=1, on_file=sizes.append))
    assert len(sizes) == 27
    assert sum(sizes) == report.events == 258


def test_the_command_line_prints_the_same_with_any_jobs(tmp_path) -> None:
    folder = _bad_and_late(tmp_path / "cli")
    outputs = {jobs: CliRunner().invoke(main, ["match", "--json", "AccessDenied", str(folder),
                                               "--jobs", jobs])
               for jobs in ("1", "2")}
    strict = CliRunner().invoke(main, ["match", "AccessDenied", str(folder), "--strict"])
    assert outputs["1"].exit_code == outputs["2"].exit_code == 0
    assert outputs["1"].output == outputs["2"].output
    assert json.loads(outputs["1"].stdout.splitlines()[0])["origin"] == f"{folder}/a.jsonl:2"
    assert strict.exit_code == 1
    assert f"{folder}/a.jsonl:6" in strict.stderr

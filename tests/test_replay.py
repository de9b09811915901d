"""``cwpattern replay`` and ``simulator.replay.driver``: reports, accounting on every fixture,
bad and late input with origins, --strict, and byte-identical output for any --jobs."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import simulator.replay.driver as replay_module
from cwpattern.cli import main
from simulator.replay.driver import ReplayOptions, replay
from simulator.suite.loader import load_config

from conftest import FIXTURES, REPO

CONFIG = FIXTURES / "replay" / "seed.yaml"
TRAIL = FIXTURES / "synth" / "config-slr-access-denied" / "trail"


def run(*args: str):
    return CliRunner().invoke(main, ["replay", "--config", str(CONFIG), *args])


def seed_replay(sources, **options):
    definitions, _ = load_config(CONFIG)
    return replay(list(definitions.filters.values()), list(definitions.alarms.values()),
                  [str(s) for s in sources], ReplayOptions(**options))


def test_report_shows_the_alarm_and_the_denied_resource() -> None:
    result = run(str(TRAIL))
    assert result.exit_code == 0
    output = result.output
    assert "ServiceLinkedRoleAccessDenied  OK -> ALARM" in output
    assert "action: sns arn:aws:sns:us-east-1:111122223333:security-alerts" in output
    assert "60  AWSServiceRoleForConfig  s3:GetBucketAcl  payments-audit-logs" in output
    assert "ServiceLinkedRoleAccessDenied: 258 = 60 + 198 + 0 + 0" in output


def test_json_history() -> None:
    document = json.loads(run(str(TRAIL), "--json").output)
    transitions = [(t["time"], t["to"]) for t in document["alarms"]["transitions"]]
    assert transitions == [("2024-03-04T09:50:00.000Z", "OK"),
                           ("2024-03-04T10:01:00.000Z", "ALARM"),
                           ("2024-03-04T10:35:00.000Z", "OK")]
    assert document["accounting_balanced"] is True
    assert document["contributors"]["ServiceLinkedRoleAccessDenied"][0]["count"] == 60


@pytest.mark.parametrize("source", [
    TRAIL,
    FIXTURES / "synth" / "config-slr-access-denied" / "events.jsonl.gz",
    FIXTURES / "demo" / "seed-events.jsonl",
    FIXTURES / "hostile",
], ids=["s3 tree", "jsonl.gz", "demo jsonl", "hostile"])
def test_accounting_identity_holds_on_fixtures(source: Path) -> None:
    """read = matched + unmatched + bad + late, for every filter."""
    if not source.exists():
        pytest.skip(f"{source} not present")
    result = seed_replay([source])
    assert result.balanced
    assert result.report.read == result.report.delivered + result.report.bad + result.report.late


def _events(hour: int) -> list[str]:
    return [json.dumps({"eventTime": f"2024-01-01T{hour:02d}:{m:02d}:00Z", "eventName": "Get",
                        "errorCode": "AccessDenied"}) for m in range(40)]


def test_bad_and_late_input_are_reported_with_origins(tmp_path) -> None:
    lines = _events(0)
    lines.insert(30, json.dumps({"eventTime": "2024-01-01T00:01:00Z"}))  # 29 minutes late
    lines.insert(5, "{not json")
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(gzip.compress("\n".join(_events(1)).encode())[:-20])
    result = seed_replay([path, truncated])
    report = result.report
    kinds = {kind.value: count for kind, count in report.counts.items()}
    assert (kinds["malformed_json"], kinds["late"], kinds["truncated_gzip"]) == (1, 1, 1)
    origins = {problem.origin for problems in report.examples.values() for problem in problems}
    assert {f"{path}:6", f"{path}:32", str(truncated)} <= origins
    assert result.balanced


def test_strict_stops_at_the_first_bad_item(tmp_path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"eventTime": "2024-01-01T00:00:00Z"}\n{oops\n')
    result = run(str(path), "--strict")
    assert result.exit_code == 1
    assert f"{path}:2" in result.stderr


def test_output_is_identical_for_any_number_of_jobs(tmp_path, monkeypatch) -> None:
    """Issue 6: --jobs 2 gives byte-identical output to --jobs 1 (workers really used)."""
    tree = tmp_path / "trail"
    shutil.copytree(TRAIL, tree)
    for copy in range(3):  # more files, so several workers get some
        shutil.copytree(TRAIL / "AWSLogs", tmp_path / f"more{copy}" / "AWSLogs")
    sources = [str(tree), *(str(tmp_path / f"more{c}") for c in range(3))]
    monkeypatch.setattr(replay_module, "MIN_BYTES_FOR_WORKERS", 0)
    one = run(*sources, "--jobs", "1", "--json").output
    two = run(*sources, "--jobs", "2", "--json").output
    assert json.loads(one)["input"]["late"] > 0  # the copies overlap in time: late events
    assert one == two


def test_config_errors_are_one_message(tmp_path) -> None:
    bad = tmp_path / "sim.yaml"
    bad.write_text("metric_filter: []\n")
    result = CliRunner().invoke(main, ["replay", "--config", str(bad), str(TRAIL)])
    assert result.exit_code == 2
    assert "did you mean 'metric_filters'?" in result.stderr


@pytest.mark.skipif(not (REPO / ".venv" / ".installed").exists(),
                    reason="make demo needs the project's .venv (created by make test)")
def test_make_demo_end_to_end() -> None:
    """Issue 5: `make demo` prints the ALARM transition and the denied resources."""
    done = subprocess.run(["make", "--no-print-directory", "demo"], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=True)
    assert "OK -> ALARM" in done.stdout
    assert "AWSServiceRoleForConfig  s3:GetBucketAcl  payments-audit-logs" in done.stdout

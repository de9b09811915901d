"""``cwpattern synth``: deterministic output, labels, clear errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cwpattern.cli import main

from conftest import FIXTURES

SCENARIO = str(FIXTURES / "synth" / "config-slr-access-denied.yaml")


def run(*args: str):
    return CliRunner().invoke(main, ["synth", *args])


def test_same_seed_same_bytes(tmp_path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run(SCENARIO, "--out", str(first)).exit_code == 0
    assert run(SCENARIO, "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != b""


def test_s3_layout_labels_and_json_summary(tmp_path) -> None:
    labels = tmp_path / "labels.jsonl"
    result = run(SCENARIO, "--out", str(tmp_path / "trail"), "--layout", "s3",
                 "--labels", str(labels), "--json")
    summary = json.loads(result.output)
    assert summary["files"] > 1
    assert list((tmp_path / "trail").rglob("*.json.gz"))
    assert json.loads(labels.read_text().splitlines()[0])["id"] == "config-getbucketacl-denied"


def test_invalid_scenario_is_one_message_with_the_line(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstart: '2024-01-01T00:00:00Z'\nduraton: 5m\n")
    result = run(str(bad), "--out", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2
    assert "duraton" in result.stderr and "Traceback" not in result.output

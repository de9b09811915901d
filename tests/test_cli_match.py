"""``cwpattern match``: grep for filter patterns, with grep's exit codes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from cwpattern.cli import main

from conftest import FIXTURES

DEMO = str(FIXTURES / "demo" / "seed-events.jsonl")
DENIED = "{ $.errorCode = AccessDenied }"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["match", *args], input=stdin)


def test_prints_matching_messages() -> None:
    result = run(DENIED, DEMO)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 4
    assert all(json.loads(line)["errorCode"] == "AccessDenied" for line in lines)


def test_count_and_json() -> None:
    assert run(DENIED, DEMO, "--count").output == "4\n"
    first = json.loads(run("[a, b]", DEMO, "--json").output.splitlines()[0])
    assert first["origin"] == f"{DEMO}:1"
    assert set(first) == {"origin", "timestamp", "message", "extractedValues"}


def test_reads_standard_input_and_gz(tmp_path) -> None:
    text = Path(DEMO).read_text()
    assert run(DENIED, stdin=text).output.count("\n") == 4
    packed = tmp_path / "events.jsonl.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    assert run(DENIED, str(packed), "-c").output == "4\n"


def test_exit_1_when_nothing_matches() -> None:
    result = run("nothing-like-this", DEMO)
    assert (result.exit_code, result.output) == (1, "")


def test_bad_lines_are_reported_not_hidden(tmp_path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"eventTime": "2024-01-01T00:00:00Z", "errorCode": "AccessDenied"}\n'
                    "{not json\n")
    result = run(DENIED, str(path))
    assert result.exit_code == 0
    assert "skipped 1 bad" in result.stderr
    assert f"{path}:2" in result.stderr
    strict = run(DENIED, str(path), "--strict")
    assert strict.exit_code == 1
    assert f"{path}:2" in strict.stderr


def test_invalid_pattern_exits_2() -> None:
    result = run("{ $.a = ", DEMO)
    assert result.exit_code == 2
    assert "InvalidParameterException" in result.stderr

"""``cwpattern test-metric-filter`` mirrors ``aws logs test-metric-filter``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cwpattern.cli import main

from conftest import FIXTURES

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_prints_the_aws_response_for_literal_messages() -> None:
    result = run("test-metric-filter", "--filter-pattern", "ERROR",
                 "--log-event-messages", "[ERROR] one", "[INFO] two", "[ERROR] three")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"matches": [
        {"eventNumber": 1, "eventMessage": "[ERROR] one", "extractedValues": {}},
        {"eventNumber": 3, "eventMessage": "[ERROR] three", "extractedValues": {}},
    ]}
    assert result.output.startswith('{\n    "matches"')  # the AWS CLI's 4-space JSON


def test_reads_one_message_per_line_from_a_file() -> None:
    result = run("test-metric-filter", "--filter-pattern", SEED, "--log-event-messages",
                 f"file://{FIXTURES / 'demo' / 'seed-events.jsonl'}")
    assert result.exit_code == 0
    assert [m["eventNumber"] for m in json.loads(result.output)["matches"]] == [1, 3, 6]


def test_reads_a_json_list_from_a_file(tmp_path) -> None:
    messages = tmp_path / "messages.json"
    messages.write_text(json.dumps(["a 1", "b 2", "a 3"]))
    result = run("test-metric-filter", "--filter-pattern", "[x=a, n]",
                 "--log-event-messages", f"file://{messages}")
    assert json.loads(result.output)["matches"][1] == {
        "eventNumber": 3, "eventMessage": "a 3", "extractedValues": {"$x": "a", "$n": "3"}}


def test_invalid_pattern_prints_aws_message_and_caret_and_exits_2() -> None:
    result = run("test-metric-filter", "--filter-pattern", "ERROR:x",
                 "--log-event-messages", "x")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[:3] == [
        "cwpattern: InvalidParameterException: Invalid character(s) in term ':'",
        "    ERROR:x",
        "         ^",
    ]


def test_missing_file_is_one_sentence_and_exit_2(tmp_path) -> None:
    result = run("test-metric-filter", "--filter-pattern", "x",
                 "--log-event-messages", f"file://{tmp_path / 'nope.txt'}")
    assert result.exit_code == 2
    assert result.stderr.startswith("cwpattern: cannot read ")
    assert "Traceback" not in result.output


def test_missing_flag_is_a_usage_error() -> None:
    result = run("test-metric-filter", "--filter-pattern", "x")
    assert result.exit_code == 2
    assert "Missing option '--log-event-messages'" in result.stderr

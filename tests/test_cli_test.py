"""``cwpattern test``: test files, pytest-like output, exit codes, JUnit XML, JSON, and a
clear message with file, line and column for every mistake in a test file."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from cwpattern.cli import main

from conftest import FIXTURES

SCHEMA = Path(__file__).resolve().parent / "data" / "junit.xsd"

GOOD = """\
metric_filters:
  - filterName: Errors
    filterPattern: ERROR
    metricTransformations: [{metricName: Errors, metricNamespace: App, metricValue: "1"}]
alarms:
  - {AlarmName: Errors, Namespace: App, MetricName: Errors, Statistic: Sum, Period: 60,
     EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanOrEqualToThreshold}
pattern_tests:
  - name: finds errors
    filter: Errors
    matches: ["an ERROR here"]
    no_matches: ["all fine"]
alarm_tests:
  - name: an error raises the alarm
    start_time: 2024-01-01T00:00:00Z
    events: [{at: 30s, message: "ERROR boom"}]
    expect_states: [{at: 1m, state: ALARM}]
"""


def write(tmp_path: Path, text: str, name: str = "case.cwtest.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["test", *args])


def test_bundled_example_files_pass() -> None:
    result = run(str(FIXTURES / "tests"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(" passed, 0 failed")


def test_passing_file(tmp_path) -> None:
    result = run(str(write(tmp_path, GOOD)))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "2 passed, 0 failed"


def test_failing_case_shows_file_case_and_diff(tmp_path) -> None:
    path = write(tmp_path, GOOD.replace("state: ALARM", "state: OK").replace(
        '["all fine"]', '["all fine", "ERROR too"]'))
    result = run(str(path))
    assert result.exit_code == 1
    assert f"FAILED {path}::pattern::finds errors" in result.output
    assert "expected no match, but it matched" in result.output
    assert "message: ERROR too" in result.output
    assert f"FAILED {path}::alarm::an error raises the alarm" in result.output
    assert "expected OK, got ALARM" in result.output
    assert result.output.splitlines()[-1] == "0 passed, 2 failed"


def test_transition_diff(tmp_path) -> None:
    path = write(tmp_path, GOOD.replace("expect_states: [{at: 1m, state: ALARM}]",
                                        "expect_transitions: [{to: ALARM}]"))
    result = run(str(path))
    assert result.exit_code == 1
    assert "-(any time) ALARM" in result.output
    assert "+2024-01-01T00:00:00Z INSUFFICIENT_DATA -> ALARM" not in result.output
    assert "+2024-01-01T00:01:00Z INSUFFICIENT_DATA -> ALARM" in result.output


def test_junit_xml_validates_against_the_common_schema(tmp_path) -> None:
    path = write(tmp_path, GOOD.replace("state: ALARM", "state: OK"))
    report = tmp_path / "junit.xml"
    result = run(str(path), "--junit-xml", str(report))
    assert result.exit_code == 1
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(str(report))
    document = schema.to_dict(str(report))
    suite = document["testsuite"][0]
    assert (suite["@tests"], suite["@failures"]) == (2, 1)
    failing = [case for case in suite["testcase"] if "failure" in case]
    assert [case["@name"] for case in failing] == ["an error raises the alarm"]


def test_json_output(tmp_path) -> None:
    result = run(str(write(tmp_path, GOOD)), "--format", "json")
    document = json.loads(result.output)
    assert (document["passed"], document["failed"], document["errors"]) == (2, 0, [])
    assert {case["kind"] for case in document["cases"]} == {"pattern", "alarm"}


def test_directories_are_searched_for_test_files(tmp_path) -> None:
    write(tmp_path, GOOD, "a.cwtest.yaml")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", GOOD, "b.cwtest.yaml")
    write(tmp_path, "not: a test file", "c.yaml")
    result = run(str(tmp_path))
    assert result.output.splitlines()[-1] == "4 passed, 0 failed"


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    (GOOD.replace("pattern_tests:", "patern_tests:"), 8, 1,
     "unknown field 'patern_tests' in the test file; did you mean 'pattern_tests'?"),
    (GOOD.replace("    matches:", "    matchs:"), 11, 5,
     "unknown field 'matchs' in a pattern test; did you mean 'matches'?"),
    (GOOD.replace("filter: Errors", "filter: Error"), 10, 5,
     "no metric filter named 'Error' in this file; did you mean 'Errors'?"),
    (GOOD.replace("state: ALARM", "state: alarm"), 17, 30,
     "state must be OK, ALARM or INSUFFICIENT_DATA, not 'alarm'"),
    (GOOD.replace("at: 30s", "at: 30x"), 16, 15,
     "expected a duration such as 5m, 1m30s or 2h, not '30x'"),
    (GOOD.replace("filterPattern: ERROR", "filterPattern: 'ERROR:'"), 2, 5,
     "metric filter 'Errors': filterPattern: Invalid character(s) in term ':'"),
    (GOOD.replace("Period: 60,", "Period: 61,"), 6, 5, "Period"),
    (GOOD + "  - name: x\n    events: [\n", 20, 1, "invalid YAML"),
])
def test_mistakes_in_a_test_file_point_at_the_line(tmp_path, text, line, column,
                                                   message) -> None:
    path = write(tmp_path, text)
    result = run(str(path))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"cwpattern: {path}:{line}:{column}: ")
    assert message in first
    assert "Traceback" not in result.output


def test_pattern_errors_show_the_caret(tmp_path) -> None:
    path = write(tmp_path, """\
        pattern_tests:
          - name: bad
            pattern: '{ $.a = 1'
            matches: ['{"a": 1}']
        """)
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:3] == ["{ $.a = 1", "         ^"]


def test_missing_path_is_an_error(tmp_path) -> None:
    result = run(str(tmp_path / "nope.cwtest.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_empty_directory_is_a_usage_error(tmp_path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "no *.cwtest.yaml files" in result.stderr

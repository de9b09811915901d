"""``cwpattern lint``: every error with its position, the §0 warnings, quotas, exit codes."""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

from cwpattern.cli import main
from simulator.analysis.linter import lint

from conftest import FIXTURES


def run(*args):
    return CliRunner().invoke(main, ["lint", *map(str, args)])


def test_clean_files_exit_0() -> None:
    result = run(FIXTURES / "tests" / "seed.cwtest.yaml")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "0 errors, 0 warnings"


def test_all_errors_of_a_test_file_are_reported_with_positions(tmp_path) -> None:
    path = tmp_path / "bad.cwtest.yaml"
    path.write_text(textwrap.dedent("""\
        metric_filters:
          - filterName: A
            filterPattern: '{ $.a = 1'
            metricTransformations: [{metricName: m, metricNamespace: n, metricValue: "1"}]
          - filterName: B
            filterPattern: ERROR
            metricTransformations: [{metricName: m, metricNamespace: n, metricValue: "1",
                                     dimensions: {D: $d}}]
        alarms:
          - {AlarmName: X, Namespace: n, MetricName: m, Statistic: Sum, Period: 61,
             EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}
        pattern_tests:
          - name: p
            pattern: '[w1=ERROR]'
            matches: [ERROR]
        """))
    findings = lint([path])
    assert [(f.severity, f.location.split(":", 1)[1], f.code) for f in findings] == [
        ("error", "2:5", "invalid-metric-filter"),
        ("error", "5:5", "invalid-metric-filter"),
        ("error", "10:5", "invalid-alarm"),
        ("warning", "14:5", "single-slot"),
    ]
    assert "If a filter pattern starts with '{' it must end with '}'" in findings[0].message
    assert "The specified filter pattern does not support dimensions" in findings[1].message
    assert "Period" in findings[2].message


def test_templates_are_linted_with_link_findings() -> None:
    result = run(FIXTURES / "deploy" / "broken" / "unlinked.yaml")
    assert result.exit_code == 1
    assert "[unknown-child-alarm]" in result.output
    assert "[alarm-not-fed]" in result.output


def test_ne_on_a_missing_field_is_flagged_in_the_cis_template() -> None:
    findings = lint([FIXTURES / "deploy" / "cloudformation" / "cis-monitoring.yaml"])
    assert {f.code for f in findings} == {"ne-missing"}
    assert all(f.severity == "warning" for f in findings)


def test_regex_quota_per_log_group(tmp_path) -> None:
    filters = "\n".join(f"""\
  - filterName: F{i}
    logGroupName: app
    filterPattern: '{{ $.m = %x{i}% }}'
    metricTransformations: [{{metricName: m{i}, metricNamespace: n, metricValue: "1"}}]"""
                        for i in range(6))
    path = tmp_path / "quota.cwtest.yaml"
    path.write_text("metric_filters:\n" + filters + "\n")
    (quota,) = [f for f in lint([path]) if f.code == "quota"]
    assert "6 filter patterns with regular expressions; the quota is 5" in quota.message


def test_json_output_and_missing_file(tmp_path) -> None:
    result = run("--json", tmp_path / "missing.yaml")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["errors"] == 1
    assert document["findings"][0]["message"] == "no such file or directory"

"""AWS CLI describe-* output: keep what the Put* calls take, drop and report the rest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.deploy import load

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy" / "aws-cli"


def write_json(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "out.json"
    path.write_text(json.dumps(document, indent=4))
    return path


def test_state_fields_are_dropped_and_configuration_kept() -> None:
    config = load(FIXTURES / "describe-alarms.json")
    alarm = config.metric_alarms[0]
    assert not {"StateValue", "StateReason", "AlarmArn", "StateUpdatedTimestamp",
                "AlarmConfigurationUpdatedTimestamp"} & set(alarm.params)
    assert alarm.params["AlarmName"] == "CIS-CloudWatch.1-RootAccountUsage"
    assert alarm.params["Dimensions"] == []
    composite = config.composite_alarms[0]
    assert set(composite.params) == {
        "ActionsEnabled", "AlarmActions", "AlarmDescription", "AlarmName", "AlarmRule",
        "InsufficientDataActions", "OKActions",
    }


def test_filters_keep_their_log_group_out_of_band() -> None:
    config = load(FIXTURES / "describe-metric-filters.json")
    first = config.metric_filters[0]
    assert set(first.params) == {"filterName", "filterPattern", "metricTransformations"}
    assert first.log_group_name == "CloudTrail/cis-trail"
    assert (first.origin.line, first.origin.column, first.origin.resource) == (
        3, 9, "CIS-RootAccountUsage"
    )


def test_unknown_fields_and_pagination_are_reported(tmp_path: Path) -> None:
    path = write_json(tmp_path, {
        "MetricAlarms": [{
            "AlarmName": "a", "ComparisonOperator": "GreaterThanThreshold",
            "EvaluationPeriods": 1, "Threshold": 1.0, "MetricName": "m", "Namespace": "n",
            "Period": 60, "Statistic": "Sum", "EvaluationWindow": {"SlidingWindow": {}},
            "StateValue": "ALARM",
        }],
        "NextToken": "abc",
    })
    config = load(path)
    assert "EvaluationWindow" not in config.metric_alarms[0].params
    assert [(p.severity, p.offender) for p in config.problems] == [
        ("warning", "EvaluationWindow"), ("warning", "NextToken")
    ]


def test_wrongly_typed_entry_is_an_error(tmp_path: Path) -> None:
    path = write_json(tmp_path, {"CompositeAlarms": [
        {"AlarmName": "c", "AlarmRule": "TRUE", "ActionsEnabled": "sometimes"}, "junk"]})
    config = load(path)
    assert config.composite_alarms == ()
    assert [(p.severity, p.offender) for p in config.problems] == [
        ("error", "ActionsEnabled"), ("error", None)
    ]


def test_yaml_output_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "alarms.yaml"
    path.write_text("MetricAlarms:\n- AlarmName: a\n  Threshold: 1.0\n  EvaluationPeriods: 1\n"
                    "  ComparisonOperator: GreaterThanThreshold\nCompositeAlarms: []\n")
    config = load(path)
    assert config.metric_alarms[0].params["AlarmName"] == "a"
    assert (config.metric_alarms[0].origin.line, config.metric_alarms[0].origin.column) == (2, 3)

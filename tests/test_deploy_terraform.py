"""Terraform plan JSON and state: attribute mapping, addresses, values known after apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.deploy import load

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"


def write_json(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def state_with(resource_type: str, attributes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"version": 4, "terraform_version": "1.7.5", "resources": [{
        "mode": "managed", "type": resource_type, "name": "x",
        "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
        "instances": [{"attributes": attributes, **extra}],
    }]}


def test_unknown_values_are_reported_by_attribute_name() -> None:
    config = load(FIXTURES / "broken" / "terraform-unknown.plan.json")
    assert [(p.severity, p.offender, p.origin.resource) for p in config.problems] == [
        ("error", "log_group_name", "aws_cloudwatch_log_metric_filter.slr_access_denied"),
        ("warning", "alarm_actions[0]", "aws_cloudwatch_metric_alarm.slr_access_denied"),
    ]
    assert "log_group_name is known only after apply" in config.problems[0].message
    assert config.metric_filters == ()
    (alarm,) = config.metric_alarms
    assert "AlarmActions" not in alarm.params
    assert alarm.params["Unit"] == "Count"
    assert (alarm.origin.line, alarm.origin.column) == (33, 9)


def test_unset_provider_values_become_absent_parameters(tmp_path: Path) -> None:
    path = write_json(tmp_path, "terraform.tfstate", state_with("aws_cloudwatch_metric_alarm", {
        "alarm_name": "a", "comparison_operator": "LessThanThreshold", "evaluation_periods": 3,
        "datapoints_to_alarm": 0, "unit": "", "extended_statistic": "p99", "statistic": "",
        "period": 60, "threshold": 5, "metric_name": "Latency", "namespace": "App",
        "dimensions": {"Service": "api", "Stage": "prod"}, "ok_actions": [],
        "alarm_actions": ["arn:aws:sns:us-east-1:123456789012:t"], "actions_enabled": False,
        "treat_missing_data": "missing", "evaluate_low_sample_count_percentiles": "ignore",
        "metric_query": [], "threshold_metric_id": "", "tags": {"team": "sec"},
    }))
    (alarm,) = load(path).metric_alarms
    assert alarm.params == {
        "AlarmName": "a", "MetricName": "Latency", "Namespace": "App",
        "ExtendedStatistic": "p99", "ComparisonOperator": "LessThanThreshold",
        "TreatMissingData": "missing", "EvaluateLowSampleCountPercentile": "ignore",
        "Period": 60, "EvaluationPeriods": 3, "ActionsEnabled": False,
        "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"], "Threshold": 5.0,
        "Dimensions": [{"Name": "Service", "Value": "api"}, {"Name": "Stage", "Value": "prod"}],
    }
    assert alarm.origin.resource == "aws_cloudwatch_metric_alarm.x"


def test_metric_query_blocks_map_to_metrics(tmp_path: Path) -> None:
    path = write_json(tmp_path, "terraform.tfstate", state_with("aws_cloudwatch_metric_alarm", {
        "alarm_name": "anomaly", "comparison_operator": "GreaterThanUpperThreshold",
        "evaluation_periods": 2, "threshold": 0, "threshold_metric_id": "e1",
        "metric_query": [
            {"id": "e1", "expression": "ANOMALY_DETECTION_BAND(m1)", "label": "band",
             "return_data": True, "period": 0, "account_id": "", "metric": []},
            {"id": "m1", "expression": "", "label": "", "return_data": True, "period": 0,
             "account_id": "111122223333", "metric": [{
                 "metric_name": "Errors", "namespace": "App", "period": 120, "stat": "p90",
                 "unit": "Count", "dimensions": {"Fn": "f"}}]},
        ],
    }))
    (alarm,) = load(path).metric_alarms
    assert "Threshold" not in alarm.params
    assert alarm.params["ThresholdMetricId"] == "e1"
    assert alarm.params["Metrics"] == [
        {"Id": "e1", "Expression": "ANOMALY_DETECTION_BAND(m1)", "Label": "band",
         "ReturnData": True},
        {"Id": "m1", "ReturnData": True, "AccountId": "111122223333",
         "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Errors",
                                   "Dimensions": [{"Name": "Fn", "Value": "f"}]},
                        "Period": 120, "Stat": "p90", "Unit": "Count"}},
    ]


def test_composite_suppressor_block(tmp_path: Path) -> None:
    path = write_json(tmp_path, "terraform.tfstate", state_with(
        "aws_cloudwatch_composite_alarm",
        {"alarm_name": "c", "alarm_rule": "ALARM(a)", "actions_enabled": True,
         "alarm_actions": [], "ok_actions": [], "insufficient_data_actions": [],
         "alarm_description": "", "actions_suppressor": [
             {"alarm": "maintenance", "wait_period": 120, "extension_period": 60}]},
        index_key=0,
    ))
    (composite,) = load(path).composite_alarms
    assert composite.params == {
        "AlarmName": "c", "AlarmRule": "ALARM(a)", "ActionsEnabled": True,
        "ActionsSuppressor": "maintenance", "ActionsSuppressorWaitPeriod": 120,
        "ActionsSuppressorExtensionPeriod": 60,
    }
    assert composite.origin.resource == "aws_cloudwatch_composite_alarm.x[0]"


def test_filter_default_value_and_dimensions(tmp_path: Path) -> None:
    path = write_json(tmp_path, "terraform.tfstate", state_with(
        "aws_cloudwatch_log_metric_filter",
        {"name": "f", "pattern": "[ip, user, status=4*]", "log_group_name": "web",
         "metric_transformation": [{"name": "m", "namespace": "n", "value": "1",
                                    "default_value": "0", "dimensions": {}, "unit": "None"}]},
    ))
    (flt,) = load(path).metric_filters
    assert flt.params["metricTransformations"] == [
        {"metricName": "m", "metricNamespace": "n", "metricValue": "1", "defaultValue": 0.0,
         "unit": "None"}
    ]
    assert flt.log_group_name == "web"


def test_show_json_of_a_state_uses_values(tmp_path: Path) -> None:
    plan = json.loads((FIXTURES / "terraform" / "plan.json").read_text())
    shown = {"format_version": "1.0", "terraform_version": "1.7.5",
             "values": plan["planned_values"]}
    config = load(write_json(tmp_path, "show.json", shown))
    assert len(config.metric_filters) == 15
    assert config.metric_alarms[0].origin.source_format == "terraform-state"


def test_bad_attribute_type_is_an_error_naming_the_path(tmp_path: Path) -> None:
    path = write_json(tmp_path, "terraform.tfstate", state_with("aws_cloudwatch_metric_alarm", {
        "alarm_name": "a", "comparison_operator": "LessThanThreshold",
        "evaluation_periods": "three",
    }))
    config = load(path)
    assert config.metric_alarms == ()
    (problem,) = config.problems
    assert problem.offender == "EvaluationPeriods"
    assert problem.message == (
        "EvaluationPeriods: expected an integer, got 'three'"
    )


def test_data_sources_and_other_types_are_ignored() -> None:
    config = load(FIXTURES / "terraform" / "terraform.tfstate")
    assert {item.origin.resource.split(".")[0] for item in config.definitions} >= {"module"}
    assert all("aws_caller_identity" not in str(item.origin) for item in config.definitions)

"""Every fixture format describes one configuration, and every loader sees the same one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.deploy import DeployedConfig, DeployError, canonical_params, detect_format, load
from simulator.deploy.linking import alarm_name_of, rule_references

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
CFN_YAML = FIXTURES / "cloudformation" / "cis-monitoring.yaml"
CFN_JSON = FIXTURES / "cloudformation" / "cis-monitoring.json"
CDK_OUT = FIXTURES / "cdk.out"
TF_PLAN = FIXTURES / "terraform" / "plan.json"
TF_STATE = FIXTURES / "terraform" / "terraform.tfstate"
DESCRIBE_FILTERS = FIXTURES / "aws-cli" / "describe-metric-filters.json"
DESCRIBE_ALARMS = FIXTURES / "aws-cli" / "describe-alarms.json"

ALL_SOURCES = [CFN_YAML, CFN_JSON, CDK_OUT, TF_PLAN, TF_STATE]
KINDS = ("metric_filter", "metric_alarm", "composite_alarm")


def by_name(config: DeployedConfig, kind: str) -> dict[str, tuple[dict[str, Any], str | None]]:
    """Canonical params (and log group) per name; composite rules cite alarms by name.

    CDK's ``AlarmRule.fromAlarm`` cites children by ARN where the other sources use the
    name; both denote the same alarm (alarm-semantics §11.1), so ARNs are reduced to names.
    """
    items = {"metric_filter": config.metric_filters, "metric_alarm": config.metric_alarms,
             "composite_alarm": config.composite_alarms}[kind]
    result = {}
    for item in items:
        params = canonical_params(item.kind, item.params)
        if kind == "composite_alarm":
            rule = params["AlarmRule"]
            for reference in rule_references(rule):
                rule = rule.replace(reference, alarm_name_of(reference))
            params["AlarmRule"] = rule
        result[item.name] = (params, item.log_group_name)
    return result


@pytest.fixture(scope="module")
def reference() -> DeployedConfig:
    return load(CFN_YAML)


def test_reference_template_has_the_cis_set_the_seed_filter_and_a_composite(
    reference: DeployedConfig,
) -> None:
    filters = {item.name for item in reference.metric_filters}
    assert len(filters) == 15
    assert "ServiceLinkedRoleAccessDenied" in filters
    assert {f"CIS-CloudWatch.{n}" for n in range(1, 15)} <= {
        item.name.rsplit("-", 1)[0] for item in reference.metric_alarms
    }
    assert [item.name for item in reference.composite_alarms] == ["CIS-PrivilegedActivity"]
    assert reference.problems == ()


def test_reference_values_match_the_cis_recommendation(reference: DeployedConfig) -> None:
    root = next(a for a in reference.metric_alarms if a.name.endswith("RootAccountUsage"))
    assert root.params == {
        "AlarmName": "CIS-CloudWatch.1-RootAccountUsage",
        "AlarmDescription": "CloudWatch.1: usage of the root user",
        "MetricName": "RootAccountUsage",
        "Namespace": "CISBenchmark",
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:cis-alarms"],
    }
    slr = next(f for f in reference.metric_filters if f.name == "ServiceLinkedRoleAccessDenied")
    assert slr.params["filterPattern"] == (
        '{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }'
    )
    assert slr.log_group_name == "CloudTrail/cis-trail"
    assert slr.params["metricTransformations"] == [
        {"metricName": "ServiceLinkedRoleAccessDenied", "metricNamespace": "Local",
         "metricValue": "1", "unit": "Count"}
    ]


@pytest.mark.parametrize("source", ALL_SOURCES[1:], ids=lambda p: p.name)
@pytest.mark.parametrize("kind", KINDS)
def test_every_source_loads_the_same_configuration(
    reference: DeployedConfig, source: Path, kind: str
) -> None:
    loaded = load(source)
    assert loaded.errors == ()
    assert by_name(loaded, kind) == by_name(reference, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_describe_output_matches_the_template(reference: DeployedConfig, kind: str) -> None:
    live = load(DESCRIBE_FILTERS).merge(load(DESCRIBE_ALARMS))
    assert live.problems == ()
    assert by_name(live, kind) == by_name(reference, kind)


def test_loaded_params_are_api_typed() -> None:
    for source in [*ALL_SOURCES, DESCRIBE_ALARMS]:
        for alarm in load(source).metric_alarms:
            assert isinstance(alarm.params["Threshold"], float)
            assert isinstance(alarm.params["EvaluationPeriods"], int)
            assert not isinstance(alarm.params.get("ActionsEnabled", True), str)


@pytest.mark.parametrize(
    ("source", "expected"),
    [(CFN_YAML, "cloudformation"), (CFN_JSON, "cloudformation"), (CDK_OUT, "cdk"),
     (TF_PLAN, "terraform-plan"), (TF_STATE, "terraform-state"),
     (DESCRIBE_FILTERS, "describe"), (DESCRIBE_ALARMS, "describe")],
    ids=lambda value: getattr(value, "name", value),
)
def test_format_is_detected(source: Path, expected: str) -> None:
    assert detect_format(source) == expected


def test_origins_point_at_the_resource_in_each_format() -> None:
    yaml_alarm = load(CFN_YAML).metric_alarms[0]
    assert (yaml_alarm.origin.line, yaml_alarm.origin.column) == (52, 3)
    assert yaml_alarm.origin.resource == "RootAccountUsageAlarm"
    assert CFN_YAML.read_text().splitlines()[51].strip() == "RootAccountUsageAlarm:"

    json_filter = load(CFN_JSON).metric_filters[0]
    line = CFN_JSON.read_text().splitlines()[json_filter.origin.line - 1]
    assert line[json_filter.origin.column - 1:].startswith('"RootAccountUsageFilter"')

    cdk_alarm = load(CDK_OUT).metric_alarms[0]
    assert cdk_alarm.origin.cdk_path == "CisMonitoringStack/RootAccountUsageAlarm/Resource"
    assert cdk_alarm.origin.source_format == "cdk"
    assert cdk_alarm.origin.file.endswith("CisMonitoringStack.template.json")

    plan_alarm = next(a for a in load(TF_PLAN).metric_alarms if "RootAccountUsage" in a.name)
    assert plan_alarm.origin.resource == (
        'module.cis.aws_cloudwatch_metric_alarm.this["RootAccountUsage"]'
    )
    state_alarm = next(a for a in load(TF_STATE).metric_alarms if "RootAccount" in a.name)
    assert state_alarm.origin.resource == plan_alarm.origin.resource

    live = load(DESCRIBE_ALARMS).composite_alarms[0]
    assert live.origin.resource == "CIS-PrivilegedActivity"
    assert live.origin.source_format == "describe-alarms"


def test_conditional_resource_is_reported_as_skipped() -> None:
    for source in (CFN_YAML, CFN_JSON):
        skipped = load(source).skipped
        assert [s.origin.resource for s in skipped] == ["ConsoleAuthenticationFailuresBurstAlarm"]
        assert skipped[0].reason == "condition IsProduction is false"


def test_condition_true_loads_the_conditional_resource() -> None:
    config = load(CFN_YAML, {"Environment": "prod"})
    assert config.skipped == ()
    assert "CIS-CloudWatch.6-ConsoleAuthenticationFailures-Burst" in {
        a.name for a in config.metric_alarms
    }


def test_parameters_and_pseudo_parameters_flow_into_params() -> None:
    config = load(CFN_YAML, {"AlarmTopicName": "sec-ops", "AWS::Region": "eu-west-1",
                             "AWS::AccountId": "111122223333",
                             "OpsTopicArn": "arn:aws:sns:eu-west-1:111122223333:ops"})
    composite = config.composite_alarms[0].params
    assert composite["AlarmActions"] == ["arn:aws:sns:eu-west-1:111122223333:sec-ops"]
    assert composite["OKActions"] == ["arn:aws:sns:eu-west-1:111122223333:ops"]
    assert config.metric_alarms[0].params["AlarmActions"] == composite["AlarmActions"]


def test_cdk_environment_comes_from_the_manifest() -> None:
    config = load(CDK_OUT, {"AWS::Region": "ap-southeast-2"})
    assert config.metric_alarms[0].params["AlarmActions"] == [
        "arn:aws:sns:ap-southeast-2:123456789012:cis-alarms"
    ]
    rule = config.composite_alarms[0].params["AlarmRule"]
    assert "arn:aws:cloudwatch:ap-southeast-2:123456789012:alarm:" in rule


def test_cdk_directory_without_manifest_is_globbed(tmp_path: Path) -> None:
    template = (CDK_OUT / "CisMonitoringStack.template.json").read_text()
    (tmp_path / "Other.template.json").write_text(template)
    config = load(tmp_path)
    assert len(config.metric_filters) == 15
    assert config.metric_alarms[0].params["AlarmActions"] == [
        "arn:aws:sns:us-east-1:123456789012:cis-alarms"
    ]


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match=r"no stack templates"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"foo": 1}', "cannot tell what this is"),
     ("[1, 2]", "cannot tell what this is"),
     ('{"version": 3, "resources": []}', "state format version 3 is not supported")],
)
def test_unrecognised_documents_are_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "thing.json"
    path.write_text(content)
    with pytest.raises(DeployError, match=message):
        load(path)


def test_explicit_format_must_be_known(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="unknown format 'pulumi'"):
        load(CFN_YAML, fmt="pulumi")

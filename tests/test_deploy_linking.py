"""Alarms linked to filters by namespace, name, exact dimension set and unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.deploy import DeployedConfig, Located, Origin, load
from simulator.deploy.linking import alarm_name_of, link, metrics_read, rule_references

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
HERE = Origin("test.yaml", 1, 1, "X", "cloudformation-yaml")


def metric_filter(name: str, dimensions: dict[str, str] | None = None,
                  unit: str | None = None, namespace: str = "Local") -> Located:
    transformation: dict[str, Any] = {"metricName": "Denied", "metricNamespace": namespace,
                                      "metricValue": "1"}
    if dimensions:
        transformation["dimensions"] = dimensions
    if unit:
        transformation["unit"] = unit
    return Located("metric_filter", {"filterName": name, "filterPattern": "",
                                     "metricTransformations": [transformation]}, HERE, "g")


def alarm(name: str, dimensions: dict[str, str] | None = None, unit: str | None = None,
          namespace: str = "Local", **extra: Any) -> Located:
    params: dict[str, Any] = {"AlarmName": name, "MetricName": "Denied", "Namespace": namespace,
                              "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1,
                              "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold",
                              **extra}
    if dimensions:
        params["Dimensions"] = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    if unit:
        params["Unit"] = unit
    return Located("metric_alarm", params, HERE)


def composite(name: str, rule: str, **extra: Any) -> Located:
    return Located("composite_alarm", {"AlarmName": name, "AlarmRule": rule, **extra}, HERE)


def config(*items: Located) -> DeployedConfig:
    return DeployedConfig.collect(list(items), [])


@pytest.mark.parametrize(
    ("flt", "alm", "fed"),
    [
        (metric_filter("f"), alarm("a"), True),
        (metric_filter("f", unit="Count"), alarm("a"), True),
        (metric_filter("f", unit="Count"), alarm("a", unit="Count"), True),
        (metric_filter("f"), alarm("a", unit="None"), True),
        (metric_filter("f"), alarm("a", unit="Count"), False),
        (metric_filter("f", unit="Seconds"), alarm("a", unit="Count"), False),
        (metric_filter("f", {"Src": "$.src"}), alarm("a", {"Src": "iam"}), True),
        (metric_filter("f", {"Src": "$.src"}), alarm("a"), False),
        (metric_filter("f"), alarm("a", {"Src": "iam"}), False),
        (metric_filter("f", {"Src": "$.src", "Op": "$.op"}), alarm("a", {"Src": "iam"}), False),
        (metric_filter("f", namespace="Other"), alarm("a"), False),
    ],
    ids=["plain", "filter-unit-alarm-none", "same-unit", "explicit-None-unit", "unit-missing",
         "unit-differs", "same-dimension-names", "alarm-lacks-dimension",
         "filter-lacks-dimension", "dimension-subset", "namespace-differs"],
)
def test_exact_metric_identity_decides_linking(flt: Located, alm: Located, fed: bool) -> None:
    report = link(config(flt, alm))
    assert report.feeders("a") == (("f",) if fed else ())
    warnings = [f for f in report.findings if f.code == "alarm-not-fed"]
    assert len(warnings) == (0 if fed else 1)


@pytest.mark.parametrize(
    ("treat_missing_data", "fate"),
    [(None, "stay INSUFFICIENT_DATA forever"), ("missing", "stay INSUFFICIENT_DATA forever"),
     ("ignore", "stay INSUFFICIENT_DATA forever"),
     ("notBreaching", "sit in OK forever and never alarm"), ("breaching", "sit in ALARM forever")],
)
def test_unfed_alarm_warning_says_where_it_would_sit(
    treat_missing_data: str | None, fate: str
) -> None:
    extra = {"TreatMissingData": treat_missing_data} if treat_missing_data else {}
    (finding,) = link(config(alarm("a", **extra))).findings
    assert finding.severity == "warning"
    assert finding.message.startswith("alarm a: no metric filter publishes Local/Denied{}, ")
    assert fate in finding.message


def test_dimension_values_are_flagged_as_event_dependent() -> None:
    report = link(config(metric_filter("f", {"Src": "$.src"}), alarm("a", {"Src": "iam"})))
    (finding,) = report.findings
    assert (finding.severity, finding.code) == ("info", "dimensions-depend-on-events")
    assert "Src=iam" in finding.message


def test_near_miss_explains_the_difference() -> None:
    (finding,) = link(config(metric_filter("f", {"Src": "$.src"}, "Count"), alarm("a"))).findings
    assert "filter f publishes it with dimensions [Src] and unit Count" in finding.message


def test_aws_service_metrics_are_not_expected_from_filters() -> None:
    (finding,) = link(config(alarm("a", namespace="AWS/Lambda"))).findings
    assert (finding.severity, finding.code) == ("info", "aws-service-metric")


def test_metric_math_links_each_metric_stat() -> None:
    queries = [
        {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "Local", "MetricName": "Denied"},
                                    "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "m2", "MetricStat": {"Metric": {"Namespace": "Local", "MetricName": "Other"},
                                    "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "e1", "Expression": "m1 + m2"},
    ]
    math = Located("metric_alarm", {"AlarmName": "math", "Metrics": queries,
                                    "EvaluationPeriods": 1, "Threshold": 1.0,
                                    "ComparisonOperator": "GreaterThanThreshold"}, HERE)
    assert [m.query_id for m in metrics_read(math.params)] == ["m1", "m2"]
    report = link(config(metric_filter("f"), math))
    assert [(lk.alarm_name, lk.filter_name, lk.metric.query_id) for lk in report.links] == [
        ("math", "f", "m1")
    ]
    (finding,) = report.findings
    assert finding.message.startswith("alarm math (query m2): no metric filter publishes")


def test_composites_link_children_by_name_or_arn() -> None:
    arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:b"
    report = link(config(alarm("a"), alarm("b"), composite(
        "c", f'ALARM(a) AND NOT OK("{arn}") OR INSUFFICIENT_DATA("ghost")',
        ActionsSuppressor="nobody")))
    assert [(child.child_name, child.reference) for child in report.children] == [
        ("a", "a"), ("b", arn)
    ]
    errors = [f for f in report.findings if f.severity == "error"]
    assert [(f.code, f.offender) for f in errors] == [
        ("unknown-child-alarm", "ghost"), ("unknown-suppressor", "nobody")
    ]


def test_composite_cycles_are_warned() -> None:
    report = link(config(composite("x", "ALARM(y)"), composite("y", "ALARM(x) OR TRUE")))
    cycles = [f for f in report.findings if f.code == "composite-cycle"]
    assert [f.message.split(" depends")[0] for f in cycles] == [
        "composite alarm x", "composite alarm y"
    ]
    assert "x -> y -> x" in cycles[0].message


def test_duplicate_names_are_errors() -> None:
    report = link(config(metric_filter("f"), metric_filter("f"), alarm("a"), alarm("a")))
    assert [f.offender for f in report.findings if f.code == "duplicate-name"] == ["f", "a"]


def test_rule_reference_parsing() -> None:
    rule = 'ALARM("a b") OR OK(c) AND INSUFFICIENT_DATA( "arn:aws:cloudwatch:r:1:alarm:d" )'
    assert rule_references(rule) == ["a b", "c", "arn:aws:cloudwatch:r:1:alarm:d"]
    assert alarm_name_of("arn:aws-cn:cloudwatch:cn-north-1:1:alarm:x:y") == "x:y"
    assert alarm_name_of("plain") == "plain"


def test_cis_fixture_links_every_alarm_and_child() -> None:
    report = link(load(FIXTURES / "cloudformation" / "cis-monitoring.yaml"))
    assert report.findings == ()
    assert len(report.links) == 18  # 15 single-metric alarms + 3 MetricStats of the math alarm
    assert {c.child_name for c in report.children} == {
        "CIS-CloudWatch.1-RootAccountUsage", "CIS-CloudWatch.2-UnauthorizedAPICalls",
        "ServiceLinkedRoleAccessDenied",
    }
    assert report.feeders("ServiceLinkedRoleAccessDenied") == ("ServiceLinkedRoleAccessDenied",)


def test_unlinked_fixture() -> None:
    report = link(load(FIXTURES / "broken" / "unlinked.yaml"))
    assert [(f.severity, f.code, f.origin.resource) for f in report.findings] == [
        ("info", "dimensions-depend-on-events", "IamAccessDeniedAlarm"),
        ("warning", "alarm-not-fed", "AllAccessDeniedAlarm"),
        ("warning", "alarm-not-fed", "WrongUnitAlarm"),
        ("error", "unknown-child-alarm", "EscalationComposite"),
    ]

"""CloudFormation: intrinsic functions, property mapping, and every error class by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.deploy import DeployError, load
from simulator.deploy.intrinsics import NO_VALUE, PSEUDO_PARAMETER_DEFAULTS, Resolver, Unresolvable
from simulator.documents import load_yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
BROKEN = FIXTURES / "broken"

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Names: {Type: CommaDelimitedList, Default: 'a, b ,c'}
  Required: {Type: String}
  Prefix: {Type: String, Default: cis, AllowedPattern: '[a-z]+'}
  Latest: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /cdk/version}
Mappings:
  Periods: {dev: {Alarm: 60}, prod: {Alarm: 300}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition NotProd]
  Loop: !Condition Loop
Resources:
  Topic: {Type: AWS::SNS::Topic}
  NamedTopic: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub '${Prefix}-alerts'}}
  Alarm: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmName: root-usage}}
  Unnamed: {Type: AWS::CloudWatch::Alarm, Properties: {}}
  Group: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: trail}}
  Queue: {Type: AWS::SQS::Queue, Properties: {QueueName: q}}
  Role: {Type: AWS::IAM::Role, Properties: {RoleName: r}}
  Fn: {Type: AWS::Lambda::Function}
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: b}}
  Key: {Type: AWS::KMS::Key}
  Vpc: {Type: AWS::EC2::VPC}
  ProdOnly: {Type: AWS::SNS::Topic, Condition: IsProd}
  SelfNamed: {Type: AWS::SNS::Topic, Properties: {TopicName: !GetAtt SelfNamed.TopicName}}
  MaybeNamed:
    Type: AWS::CloudWatch::Alarm
    Properties: {AlarmName: !If [IsProd, prod-alarm, !Ref AWS::NoValue]}
"""


def resolver(parameters: dict[str, Any] | None = None) -> Resolver:
    return Resolver(load_yaml(TEMPLATE), parameters)


def evaluate(expression: str, parameters: dict[str, Any] | None = None) -> Any:
    return resolver(parameters).resolve(load_yaml(f"v: {expression}")["v"], (1, 1))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("!Ref Env", "dev"),
        ("!Ref Names", ["a", "b", "c"]),
        ("!Ref AWS::Region", "us-east-1"),
        ("!Ref AWS::AccountId", "123456789012"),
        ("!Ref AWS::Partition", "aws"),
        ("!Ref AWS::StackName", "cwpattern-stack"),
        ("!Ref AWS::URLSuffix", "amazonaws.com"),
        ("!Ref AWS::NotificationARNs", []),
        ("!Ref Topic", "arn:aws:sns:us-east-1:123456789012:Topic"),
        ("!Ref NamedTopic", "arn:aws:sns:us-east-1:123456789012:cis-alerts"),
        ("!Ref Alarm", "root-usage"),
        ("!Ref Unnamed", "Unnamed"),
        ("!Ref MaybeNamed", "MaybeNamed"),
        ("!Ref Group", "trail"),
        ("!Ref Queue", "https://sqs.us-east-1.amazonaws.com/123456789012/q"),
        ("!Ref Role", "r"),
        ("!Ref Fn", "Fn"),
        ("!Ref Bucket", "b"),
        ("!Ref Key", "Key"),
        ("!GetAtt Topic.TopicArn", "arn:aws:sns:us-east-1:123456789012:Topic"),
        ("!GetAtt NamedTopic.TopicName", "cis-alerts"),
        ("!GetAtt Alarm.Arn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:root-usage"),
        ("!GetAtt Group.Arn", "arn:aws:logs:us-east-1:123456789012:log-group:trail:*"),
        ("!GetAtt Queue.Arn", "arn:aws:sqs:us-east-1:123456789012:q"),
        ("!GetAtt Queue.QueueUrl", "https://sqs.us-east-1.amazonaws.com/123456789012/q"),
        ("!GetAtt Role.Arn", "arn:aws:iam::123456789012:role/r"),
        ("!GetAtt Fn.Arn", "arn:aws:lambda:us-east-1:123456789012:function:Fn"),
        ("!GetAtt Bucket.Arn", "arn:aws:s3:::b"),
        ("!GetAtt Key.Arn", "arn:aws:kms:us-east-1:123456789012:key/Key"),
        ("{'Fn::GetAtt': [Alarm, Arn]}",
         "arn:aws:cloudwatch:us-east-1:123456789012:alarm:root-usage"),
        ("!Sub 'x-${Env}-${AWS::Region}'", "x-dev-us-east-1"),
        ("!Sub '${Topic}|${Alarm}|${NamedTopic.TopicName}'",
         "arn:aws:sns:us-east-1:123456789012:Topic|root-usage|cis-alerts"),
        ("!Sub '${!Literal} ${!AWS::Region}'", "${Literal} ${AWS::Region}"),
        ("!Sub ['${a}/${b}', {a: !Ref Env, b: 3}]", "dev/3"),
        ("!Sub 'no variables'", "no variables"),
        ("!Join [':', [a, !Ref Env, 1]]", "a:dev:1"),
        ("!Join [',', !Ref Names]", "a,b,c"),
        ("!Select [1, !Ref Names]", "b"),
        ("!Select ['2', [x, y, z]]", "z"),
        ("!Split ['/', 'a/b/c']", ["a", "b", "c"]),
        ("!FindInMap [Periods, !Ref Env, Alarm]", 60),
        ("!If [IsProd, yes-prod, not-prod]", "not-prod"),
        ("!If [NotProd, [!Ref Env], !Ref AWS::NoValue]", ["dev"]),
        ("!If [IsProd, [!Ref Env], !Ref AWS::NoValue]", NO_VALUE),
        ("[a, !Ref AWS::NoValue, b]", ["a", "b"]),
        ("{k: !Ref AWS::NoValue, j: 1}", {"j": 1}),
        ("!Base64 abc", "YWJj"),
    ],
)
def test_intrinsic_functions(expression: str, expected: Any) -> None:
    assert evaluate(expression) == expected


def test_caller_values_override_defaults_and_pseudo_parameters() -> None:
    parameters = {"Env": "prod", "Names": "x,y", "AWS::Region": "eu-west-1",
                  "AWS::AccountId": "111122223333", "Latest": "6"}
    assert evaluate("!Ref Env", parameters) == "prod"
    assert evaluate("!Ref Names", parameters) == ["x", "y"]
    assert evaluate("!Ref Latest", parameters) == "6"
    assert evaluate("!FindInMap [Periods, !Ref Env, Alarm]", parameters) == 300
    assert evaluate("!Ref Topic", parameters) == "arn:aws:sns:eu-west-1:111122223333:Topic"
    assert evaluate("!Ref ProdOnly", parameters) == (
        "arn:aws:sns:eu-west-1:111122223333:ProdOnly"
    )
    assert PSEUDO_PARAMETER_DEFAULTS["AWS::Region"] == "us-east-1"


def test_conditions() -> None:
    plain = resolver()
    assert (plain.condition("IsProd", (1, 1)), plain.condition("NotProd", (1, 1))) == (
        False, True
    )
    assert plain.condition("Either", (1, 1)) is True
    assert plain.inactive_reason("ProdOnly") == "condition IsProd is false"
    assert resolver({"Env": "prod"}).inactive_reason("ProdOnly") is None


def test_unused_caller_parameters_are_listed() -> None:
    assert resolver({"Env": "dev", "Typo": "x", "AWS::Region": "eu-west-1"}).unused_parameters() \
        == ["Typo"]


@pytest.mark.parametrize(
    ("expression", "parameters", "offender", "message"),
    [
        ("!Ref Required", None, "Required",
         "parameter Required has no value and no Default; pass it as Required=..."),
        ("!Ref Latest", None, "Latest", "parameter Latest (AWS::SSM::Parameter::Value<String>) "
         "is read from SSM Parameter Store at deploy time; pass its value as Latest=..."),
        ("!Ref Env", {"Env": "qa"}, "Env",
         "parameter Env='qa' is not one of its AllowedValues ['dev', 'prod']"),
        ("!Ref Prefix", {"Prefix": "CIS1"}, "Prefix",
         "parameter Prefix='CIS1' does not match its AllowedPattern '[a-z]+'"),
        ("!Ref Nowhere", None, "Nowhere",
         "Ref to Nowhere, which is neither a parameter nor a resource"),
        ("!Ref AWS::Nope", None, "AWS::Nope", "unknown pseudo parameter AWS::Nope"),
        ("!Ref ProdOnly", None, "ProdOnly",
         "ProdOnly is not created (condition IsProd is false), so it cannot be referenced"),
        ("!Ref Vpc", None, "Vpc", "Vpc (AWS::EC2::VPC): its physical ID is generated at deploy "
         "time and cannot be known locally"),
        ("!GetAtt Topic.Endpoint", None, "Topic.Endpoint",
         "Fn::GetAtt Topic.Endpoint: attribute Endpoint of AWS::SNS::Topic is not known "
         "locally (known: TopicArn, TopicName)"),
        ("!GetAtt Ghost.Arn", None, "Ghost", "Fn::GetAtt of Ghost, which is not a resource"),
        ("!ImportValue shared-LogGroup", None, "Fn::ImportValue",
         "unsupported intrinsic function Fn::ImportValue: its value is only known at deploy "
         "time"),
        ("!GetAZs ''", None, "Fn::GetAZs",
         "unsupported intrinsic function Fn::GetAZs: its value is only known at deploy time"),
        ("{'Fn::Cidr': [a, 1, 2]}", None, "Fn::Cidr",
         "unsupported intrinsic function Fn::Cidr: its value is only known at deploy time"),
        ("!Sub '${Missing}'", None, "Missing", "Fn::Sub: unknown variable ${Missing}"),
        ("!Select [5, [a]]", None, "Fn::Select", "Fn::Select index 5 is out of range"),
        ("!FindInMap [Periods, qa, Alarm]", None, "Periods.qa",
         "Fn::FindInMap: no mapping entry Periods.qa"),
        ("!If [Unknown, a, b]", None, "Unknown", "unknown condition Unknown"),
        ("!If [Loop, a, b]", None, "Loop", "condition Loop depends on itself"),
        ("!Ref SelfNamed", None, "SelfNamed", "the name of SelfNamed depends on itself"),
        ("!Join [',', [!Ref Names]]", None, "Fn::Join",
         "Fn::Join: expected a string, got ['a', 'b', 'c']"),
    ],
)
def test_unresolvable_values_are_named(
    expression: str, parameters: dict[str, Any] | None, offender: str, message: str
) -> None:
    with pytest.raises(Unresolvable) as caught:
        evaluate(expression, parameters)
    assert (caught.value.offender, caught.value.message) == (offender, message)


# ------------------------------------------------------------------ template loading


def write(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


ALARM = """
Resources:
  A:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: M
      Namespace: N
      Statistic: Sum
      Period: '300'
      EvaluationPeriods: 2
      DatapointsToAlarm: 1.0
      Threshold: '2.5'
      ComparisonOperator: GreaterThanThreshold
      ActionsEnabled: 'false'
      Dimensions: [{Name: D, Value: v}]
      Tags: [{Key: team, Value: sec}]
"""


def test_alarm_properties_are_coerced_to_api_types(tmp_path: Path) -> None:
    config = load(write(tmp_path, ALARM))
    assert config.problems == ()
    assert config.metric_alarms[0].params == {
        "AlarmName": "A", "MetricName": "M", "Namespace": "N", "Statistic": "Sum",
        "Period": 300, "EvaluationPeriods": 2, "DatapointsToAlarm": 1, "Threshold": 2.5,
        "ComparisonOperator": "GreaterThanThreshold", "ActionsEnabled": False,
        "Dimensions": [{"Name": "D", "Value": "v"}],
    }


def test_filter_dimensions_become_the_api_map(tmp_path: Path) -> None:
    config = load(write(tmp_path, """
Resources:
  F:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: g
      FilterPattern: '{ $.a = * }'
      MetricTransformations:
        - {MetricName: m, MetricNamespace: n, MetricValue: $.a, Unit: Seconds,
           Dimensions: [{Key: Source, Value: $.src}, {Key: Op, Value: $.op}]}
"""))
    assert config.metric_filters[0].params == {
        "filterName": "F",
        "filterPattern": "{ $.a = * }",
        "metricTransformations": [{"metricName": "m", "metricNamespace": "n",
                                   "metricValue": "$.a", "unit": "Seconds",
                                   "dimensions": {"Source": "$.src", "Op": "$.op"}}],
    }
    assert config.metric_filters[0].log_group_name == "g"


@pytest.mark.parametrize(
    ("body", "offender", "line", "column", "message"),
    [
        ("      Threshold: high\n", "Threshold", 7, 7,
         "Threshold: expected a finite number, got 'high'"),
        ("      Treshold: 1\n", "Treshold", 7, 7,
         "Encountered unsupported property Treshold (CloudFormation rejects it)"),
        ("      Dimensions: [{Name: D}]\n", "Dimensions", 7, 7,
         "Dimensions[0]: expected exactly the keys Name and Value"),
        ("      Metrics: [{Id: m1, ReturnData: maybe}]\n", "Metrics", 7, 7,
         "Metrics[0].ReturnData: expected true or false, got 'maybe'"),
    ],
)
def test_bad_property_values_are_reported_at_the_property(
    tmp_path: Path, body: str, offender: str, line: int, column: int, message: str
) -> None:
    text = ("Resources:\n  A:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n"
            "      ComparisonOperator: GreaterThanThreshold\n      EvaluationPeriods: 1\n" + body)
    config = load(write(tmp_path, text))
    assert config.metric_alarms == ()
    (problem,) = config.problems
    assert (problem.severity, problem.offender, problem.message) == ("error", offender, message)
    assert (problem.origin.line, problem.origin.column) == (line, column)


def test_missing_required_property_is_named(tmp_path: Path) -> None:
    config = load(write(tmp_path, "Resources:\n  C:\n    Type: AWS::CloudWatch::CompositeAlarm\n"
                                  "    Properties: {AlarmName: c}\n"))
    assert [(p.offender, p.message) for p in config.problems] == [
        ("AlarmRule", "required property AlarmRule is missing")
    ]


def test_metric_filter_extras_are_warned_not_passed_on(tmp_path: Path) -> None:
    config = load(write(tmp_path, """
Resources:
  F:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: g
      FilterPattern: ''
      ApplyOnTransformedLogs: true
      MetricTransformations: [{MetricName: m, MetricNamespace: n, MetricValue: '1'}]
"""))
    assert "applyOnTransformedLogs" not in config.metric_filters[0].params
    assert [(p.severity, p.offender, p.origin.line) for p in config.problems] == [
        ("warning", "ApplyOnTransformedLogs", 8)
    ]


def test_transform_and_unknown_parameters_are_warned(tmp_path: Path) -> None:
    config = load(write(tmp_path, "Transform: AWS::Serverless-2016-10-31\nResources: {}\n"),
                  {"Stage": "prod"})
    assert [(p.offender, p.severity) for p in config.problems] == [
        ("Transform", "warning"), ("Stage", "warning")
    ]


def test_unsupported_intrinsic_fixture_names_function_position_and_resource() -> None:
    config = load(BROKEN / "unsupported-intrinsic.yaml")
    assert config.definitions == ()
    first, second = config.problems
    assert (first.origin.resource, first.offender, first.origin.line, first.origin.column) == (
        "RootAccountUsageFilter", "Fn::ImportValue", 8, 21
    )
    assert "unsupported intrinsic function Fn::ImportValue" in first.message
    assert (second.origin.resource, second.offender, second.origin.line) == (
        "RootAccountUsageAlarm", "AlarmTopic.Endpoint", 26
    )


def test_missing_parameter_fixture_names_the_parameter() -> None:
    config = load(BROKEN / "missing-parameter.yaml")
    assert [(p.origin.resource, p.offender, p.origin.line, p.origin.column)
            for p in config.problems] == [
        ("ServiceLinkedRoleAccessDeniedFilter", "CloudTrailLogGroupName", 13, 21),
        ("ServiceLinkedRoleAccessDeniedAlarm", "AlarmPrefix", 22, 18),
    ]
    with pytest.raises(DeployError) as caught:
        load(BROKEN / "missing-parameter.yaml", strict=True)
    error = caught.value
    assert (error.line, error.column, error.offender, error.resource) == (
        13, 21, "CloudTrailLogGroupName", "ServiceLinkedRoleAccessDeniedFilter"
    )
    fixed = load(BROKEN / "missing-parameter.yaml",
                 {"CloudTrailLogGroupName": "CloudTrail/cis-trail", "AlarmPrefix": "local"})
    assert fixed.errors == ()
    assert [a.name for a in fixed.metric_alarms] == ["local-ServiceLinkedRoleAccessDenied"]


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("syntax-error.yaml", 13, 1,
         "while scanning a quoted scalar (started at 8:22): found unexpected end of stream"),
        ("syntax-error.json", 9, 7, "Expecting property name enclosed in double quotes"),
    ],
)
def test_template_syntax_errors_have_line_and_column(
    name: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(DeployError) as caught:
        load(BROKEN / name)
    assert (caught.value.line, caught.value.column, caught.value.message) == (
        line, column, message
    )
    assert str(caught.value).startswith(f"{BROKEN / name}:{line}:{column}: ")


def test_non_template_yaml_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="needs a Resources mapping"):
        load(write(tmp_path, "Resources: [a]\n"), fmt="cloudformation")

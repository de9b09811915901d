"""What an alarm transition would send: SNS messages, Lambda payloads, history items (§9.4, §10).

The simulator never calls anything; it records, for every action that would run, the target,
the state, the time and the payload shaped like the one AWS would deliver, so a team can check
their notification templates and Lambda handlers against it.  The SNS body and the Lambda
event follow the observed shapes of spec §10; other targets (EC2, Auto Scaling, Systems
Manager) get the SNS-shaped body as a description of the trigger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.alarms.alarm import MetricAlarm
from simulator.alarms.composite import CompositeAlarm
from simulator.alarms.decision import AlarmState
from simulator.alarms.metric_math import ExpressionQuery
from simulator.alarms.reasons import RawJson, iso_date, to_json

REGION_NAMES: Mapping[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "eu-south-1": "EU (Milan)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "sa-east-1": "South America (Sao Paulo)",
}

AnyAlarm = MetricAlarm | CompositeAlarm


@dataclass(frozen=True, slots=True)
class Change:
    """One state change of one alarm, with everything a notification needs."""

    alarm: AnyAlarm
    arn: str
    time_ms: int
    old_state: AlarmState
    new_state: AlarmState
    reason: str
    reason_data: str | None
    old_reason: str
    old_reason_data: str | None
    old_time_ms: int


@dataclass(frozen=True, slots=True)
class Action:
    """An action that would run: ``kind`` is sns, lambda, ec2, autoscaling, ssm or other."""

    alarm_name: str
    target: str
    kind: str
    state: AlarmState
    time_ms: int
    subject: str | None
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SuppressedAction:
    """Actions a composite alarm did not run; ``suppressed_by`` per §11.3."""

    alarm_name: str
    state: AlarmState
    time_ms: int
    suppressed_by: str  # "Alarm" | "WaitPeriod" | "ExtensionPeriod"


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """A DescribeAlarmHistory item (spec §9.4); ``history_data`` is the JSON text."""

    alarm_name: str
    alarm_type: str
    timestamp_ms: int
    history_item_type: str
    summary: str
    history_data: str


def actions_for_state(alarm: AnyAlarm, state: AlarmState) -> tuple[str, ...]:
    if state is AlarmState.ALARM:
        return alarm.alarm_actions
    if state is AlarmState.OK:
        return alarm.ok_actions
    return alarm.insufficient_data_actions


def target_kind(arn: str) -> str:
    service = arn.split(":")[2] if arn.count(":") >= 2 else ""
    if service == "automate" or "AWS_EC2.InstanceId." in arn:
        return "ec2"
    if service in ("sns", "lambda", "autoscaling"):
        return service
    if service in ("ssm", "ssm-incidents"):
        return "ssm"
    return "other"


def build_actions(change: Change, region: str, account: str, created_ms: int) -> list[Action]:
    """The actions ``change`` runs (caller checks ActionsEnabled and suppression)."""
    actions = []
    for target in actions_for_state(change.alarm, change.new_state):
        kind = target_kind(target)
        if kind == "lambda":
            payload = lambda_payload(change, region, account)
            subject = None
        else:
            payload = sns_message(change, region, account, created_ms)
            long_region = REGION_NAMES.get(region, region)
            subject = f'{change.new_state.value}: "{change.alarm.name}" in {long_region}'
        actions.append(
            Action(
                change.alarm.name, target, kind, change.new_state, change.time_ms, subject, payload
            )
        )
    return actions


def sns_message(change: Change, region: str, account: str, created_ms: int) -> dict[str, Any]:
    """The JSON body of the SNS notification (spec §10, observed shape)."""
    alarm = change.alarm
    message: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": iso_date(created_ms),
        "NewStateValue": change.new_state.value,
        "NewStateReason": change.reason,
        "StateChangeTime": iso_date(change.time_ms),
        "Region": REGION_NAMES.get(region, region),
        "AlarmArn": change.arn,
        "OldStateValue": change.old_state.value,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
    }
    if isinstance(alarm, CompositeAlarm):
        message["AlarmRule"] = alarm.rule_text
    else:
        message["Trigger"] = _trigger(alarm)
    return message


def _trigger(alarm: MetricAlarm) -> dict[str, Any]:
    trigger: dict[str, Any] = {}
    if alarm.metrics is None:
        assert alarm.statistic is not None
        trigger["MetricName"] = alarm.metric_name
        trigger["Namespace"] = alarm.namespace
        if alarm.statistic.is_simple:
            trigger["StatisticType"] = "Statistic"
            trigger["Statistic"] = alarm.statistic.name.upper()
        else:
            trigger["StatisticType"] = "ExtendedStatistic"
            trigger["ExtendedStatistic"] = alarm.statistic.name
        trigger["Unit"] = alarm.unit
        trigger["Dimensions"] = [{"value": v, "name": n} for n, v in alarm.dimensions]
    else:
        trigger["Metrics"] = _math_metrics(alarm)
    trigger["Period"] = alarm.period
    trigger["EvaluationPeriods"] = alarm.evaluation_periods
    trigger["DatapointsToAlarm"] = alarm.datapoints_to_alarm
    trigger["ComparisonOperator"] = alarm.comparison_operator
    if alarm.threshold is not None:
        trigger["Threshold"] = alarm.threshold
    else:
        trigger["ThresholdMetricId"] = alarm.threshold_metric_id
    trigger["TreatMissingData"] = alarm.treat_missing_data or ""
    trigger["EvaluateLowSampleCountPercentile"] = alarm.evaluate_low_sample_count_percentile or ""
    return trigger


def _math_metrics(alarm: MetricAlarm) -> list[dict[str, Any]]:
    assert alarm.metrics is not None
    entries: list[dict[str, Any]] = []
    for query in alarm.metrics.queries:
        if isinstance(query, ExpressionQuery):
            entries.append(
                {"Expression": query.expression, "Id": query.id, "ReturnData": query.return_data}
            )
            continue
        metric = {
            "Dimensions": [{"value": v, "name": n} for n, v in query.dimensions],
            "MetricName": query.metric_name,
            "Namespace": query.namespace,
        }
        stat = {"Metric": metric, "Period": query.period, "Stat": query.statistic.name}
        if query.unit:
            stat["Unit"] = query.unit
        entries.append({"Id": query.id, "MetricStat": stat, "ReturnData": query.return_data})
    return entries


def lambda_payload(change: Change, region: str, account: str) -> dict[str, Any]:
    """The Lambda event for an alarm action (spec §10)."""
    alarm = change.alarm
    configuration: dict[str, Any] = {"description": alarm.description}
    if isinstance(alarm, CompositeAlarm):
        configuration["alarmRule"] = alarm.rule_text
    else:
        configuration["metrics"] = _math_metrics(alarm) if alarm.metrics else [_single(alarm)]
    return {
        "source": "aws.cloudwatch",
        "alarmArn": change.arn,
        "accountId": account,
        "time": iso_date(change.time_ms),
        "region": region,
        "alarmData": {
            "alarmName": alarm.name,
            "state": {
                "value": change.new_state.value,
                "reason": change.reason,
                "reasonData": change.reason_data,
                "timestamp": iso_date(change.time_ms),
            },
            "previousState": {
                "value": change.old_state.value,
                "reason": change.old_reason,
                "reasonData": change.old_reason_data,
                "timestamp": iso_date(change.old_time_ms),
            },
            "configuration": configuration,
        },
    }


def _single(alarm: MetricAlarm) -> dict[str, Any]:
    assert alarm.statistic is not None
    return {
        "id": "m1",
        "metricStat": {
            "metric": {
                "namespace": alarm.namespace,
                "name": alarm.metric_name,
                "dimensions": dict(alarm.dimensions),
            },
            "period": alarm.period,
            "stat": alarm.statistic.name,
        },
        "returnData": True,
    }


def state_update_item(change: Change) -> HistoryItem:
    """The ``StateUpdate`` history item of a change (HistoryData with old and new state)."""

    def state(value: AlarmState, reason: str, data: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {"stateValue": value.value, "stateReason": reason}
        if data is not None:
            item["stateReasonData"] = RawJson(data)
        return item

    data = {
        "version": "1.0",
        "oldState": state(change.old_state, change.old_reason, change.old_reason_data),
        "newState": state(change.new_state, change.reason, change.reason_data),
    }
    return HistoryItem(
        change.alarm.name,
        _alarm_type(change.alarm),
        change.time_ms,
        "StateUpdate",
        f"Alarm updated from {change.old_state.value} to {change.new_state.value}",
        to_json(data),
    )


def action_item(action: Action, alarm: AnyAlarm) -> HistoryItem:
    """The ``Action`` history item recording that an action was executed."""
    data = {
        "actionState": "Succeeded",
        "stateUpdateTimestamp": action.time_ms,
        "notificationResource": action.target,
        "publishedMessage": to_json(action.payload),
    }
    return HistoryItem(
        alarm.name,
        _alarm_type(alarm),
        action.time_ms,
        "Action",
        f"Successfully executed action {action.target}",
        to_json(data),
    )


def _alarm_type(alarm: AnyAlarm) -> str:
    return "CompositeAlarm" if isinstance(alarm, CompositeAlarm) else "MetricAlarm"

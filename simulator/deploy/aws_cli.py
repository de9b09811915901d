"""Load what a live account runs, from AWS CLI ``describe-*`` output.

``aws logs describe-metric-filters`` lists ``metricFilters`` and ``aws cloudwatch
describe-alarms`` lists ``MetricAlarms`` and ``CompositeAlarms``; both already use the
API's names, so loading them means keeping what PutMetricFilter / PutMetricAlarm /
PutCompositeAlarm take and dropping what AWS adds (state, ARN, timestamps).  A field
this module does not know is reported and dropped, never passed on silently; a
``NextToken`` means the output is one page of several, which is reported too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.deploy.model import DeployedConfig, Finding, Kind, Located, Origin
from simulator.deploy.shapes import ShapeError, coerce, log_group_name
from simulator.documents import mark_of

_FILTER_KEEP = frozenset({"filterName", "filterPattern", "metricTransformations"})
_FILTER_DROP = frozenset({"creationTime", "logGroupName"})
_ALARM_KEEP = frozenset(
    {
        "AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
        "InsufficientDataActions", "MetricName", "Namespace", "Statistic",
        "ExtendedStatistic", "Dimensions", "Period", "Unit", "EvaluationPeriods",
        "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
        "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId",
    }
)
_COMPOSITE_KEEP = frozenset(
    {
        "AlarmName", "AlarmDescription", "AlarmRule", "ActionsEnabled", "OKActions",
        "AlarmActions", "InsufficientDataActions", "ActionsSuppressor",
        "ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod",
    }
)
_READ_ONLY = frozenset(
    {
        "AlarmArn", "AlarmConfigurationUpdatedTimestamp", "StateValue", "StateReason",
        "StateReasonData", "StateUpdatedTimestamp", "StateTransitionedTimestamp",
        "EvaluationState", "ActionsSuppressedBy", "ActionsSuppressedReason",
    }
)
"""Fields describe-alarms reports about the alarm's state, not its configuration."""


def load_describe_output(document: Mapping[str, Any], file: str) -> DeployedConfig:
    """Filters and alarms from describe-metric-filters and/or describe-alarms output."""
    located: list[Located] = []
    problems: list[Finding] = []
    sections: list[tuple[str, Kind, str]] = [
        ("metricFilters", "metric_filter", "describe-metric-filters"),
        ("MetricAlarms", "metric_alarm", "describe-alarms"),
        ("CompositeAlarms", "composite_alarm", "describe-alarms"),
    ]
    for key, kind, source in sections:
        entries = document.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            where = _origin(document, file, source, None)
            problems.append(Finding("error", f"{key} must be a list", where, key, "bad-shape"))
            continue
        for entry in entries:
            item = _load_entry(kind, entry, file, source, problems)
            if item is not None:
                located.append(item)
    if document.get("NextToken") or document.get("nextToken"):
        problems.append(Finding(
            "warning",
            "the output holds one page of results (NextToken is set); later pages are not "
            "loaded — run the command without --max-items to get everything",
            _origin(document, file, sections[0][2], None), "NextToken", "paginated-output",
        ))
    return DeployedConfig.collect(located, problems)


def _origin(entry: Any, file: str, source: str, name: str | None) -> Origin:
    line, column = mark_of(entry, (1, 1))
    return Origin(file, line, column, name, source)


def _load_entry(
    kind: Kind, entry: Any, file: str, source: str, problems: list[Finding]
) -> Located | None:
    name_key = "filterName" if kind == "metric_filter" else "AlarmName"
    name = entry.get(name_key) if isinstance(entry, dict) else None
    origin = _origin(entry, file, source, name if isinstance(name, str) else None)
    if not isinstance(entry, dict):
        problems.append(Finding("error", "expected an object", origin, None, "bad-shape"))
        return None
    keep = {"metric_filter": _FILTER_KEEP, "metric_alarm": _ALARM_KEEP,
            "composite_alarm": _COMPOSITE_KEEP}[kind]
    params = {key: value for key, value in entry.items() if key in keep}
    for key in entry:
        if key in keep or key in _READ_ONLY or key in _FILTER_DROP:
            continue
        if key == "applyOnTransformedLogs" and entry[key] is False:
            continue
        problems.append(Finding(
            "warning", f"field {key} is not simulated; ignored", origin, key,
            "not-simulated",
        ))
    try:
        params = coerce(kind, params)
        log_group = log_group_name(entry.get("logGroupName"), "logGroupName")
    except ShapeError as problem:
        problems.append(Finding("error", str(problem), origin, problem.path,
                                "unloadable-resource"))
        return None
    return Located(kind, params, origin, log_group if kind == "metric_filter" else None)

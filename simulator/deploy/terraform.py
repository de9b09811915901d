"""Load metric filters and alarms from Terraform plan JSON and state files.

``terraform show -json plan.out`` describes what an apply would create
(``planned_values``, with child modules nested under ``child_modules``), and a state
file (format version 4) records what exists (``resources[].instances[].attributes``);
``terraform show -json`` without a plan prints the state in the plan's ``values``
layout.  All three map the AWS provider's ``aws_cloudwatch_log_metric_filter``,
``aws_cloudwatch_metric_alarm`` and ``aws_cloudwatch_composite_alarm`` attributes to
the CloudWatch API's parameters.

The provider stores "unset" as ``""``, ``0`` or ``{}`` (``datapoints_to_alarm = 0``,
``unit = ""``); those become absent parameters.  In a plan, values known only after
apply (``after_unknown``) are reported by attribute name: an unknown action ARN is a
warning and the ARN is left out; an unknown value that changes evaluation (pattern,
metric name, threshold, ...) is an error and the resource is not loaded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.deploy.model import DeployedConfig, DeployError, Finding, Kind, Located, Origin
from simulator.deploy.shapes import ShapeError, coerce, log_group_name
from simulator.documents import mark_of

RESOURCE_KINDS: dict[str, Kind] = {
    "aws_cloudwatch_log_metric_filter": "metric_filter",
    "aws_cloudwatch_metric_alarm": "metric_alarm",
    "aws_cloudwatch_composite_alarm": "composite_alarm",
}
_ACTION_ATTRIBUTES = {
    "alarm_actions": "AlarmActions",
    "ok_actions": "OKActions",
    "insufficient_data_actions": "InsufficientDataActions",
}
_TOLERATED_UNKNOWNS = frozenset({*_ACTION_ATTRIBUTES, "alarm_description"})
"""Attributes whose unknown values do not change what is evaluated (warned, dropped)."""

_ALARM_TEXT = {
    "alarm_name": "AlarmName",
    "alarm_description": "AlarmDescription",
    "metric_name": "MetricName",
    "namespace": "Namespace",
    "statistic": "Statistic",
    "extended_statistic": "ExtendedStatistic",
    "unit": "Unit",
    "comparison_operator": "ComparisonOperator",
    "treat_missing_data": "TreatMissingData",
    "evaluate_low_sample_count_percentiles": "EvaluateLowSampleCountPercentile",
    "threshold_metric_id": "ThresholdMetricId",
}
_ALARM_POSITIVE_NUMBERS = {
    "period": "Period",
    "evaluation_periods": "EvaluationPeriods",
    "datapoints_to_alarm": "DatapointsToAlarm",
}
_ALARM_ATTRIBUTES = frozenset(
    {*_ALARM_TEXT, *_ALARM_POSITIVE_NUMBERS, *_ACTION_ATTRIBUTES, "actions_enabled",
     "threshold", "dimensions", "metric_query"}
)
_COMPOSITE_ATTRIBUTES = frozenset(
    {"alarm_name", "alarm_description", "alarm_rule", "actions_enabled",
     "actions_suppressor", *_ACTION_ATTRIBUTES}
)
_FILTER_ATTRIBUTES = frozenset({"name", "pattern", "log_group_name", "metric_transformation"})
_READ_ATTRIBUTES: dict[Kind, frozenset[str]] = {
    "metric_filter": _FILTER_ATTRIBUTES,
    "metric_alarm": _ALARM_ATTRIBUTES,
    "composite_alarm": _COMPOSITE_ATTRIBUTES,
}


@dataclass(frozen=True)
class _Instance:
    address: str
    kind: Kind
    attributes: Any  # the provider's attribute object (checked when mapped)
    unknown: Any
    where: Any  # the marked container to take a position from


def load_plan(document: Mapping[str, Any], file: str) -> DeployedConfig:
    """Resources an apply of this plan would leave (or the state in ``values``)."""
    source = "terraform-plan" if "planned_values" in document else "terraform-state"
    key = "planned_values" if "planned_values" in document else "values"
    values = _object(document, key, file)
    unknown = {
        change.get("address"): _after_unknown(change)
        for change in _array(document, "resource_changes", file)
        if isinstance(change, dict) and isinstance(change.get("address"), str)
    }
    instances = []
    for resource in _module_resources(_object(values, "root_module", file), file):
        kind = RESOURCE_KINDS.get(str(resource.get("type")))
        address = resource.get("address")
        if kind is None or resource.get("mode", "managed") != "managed":
            continue
        if not isinstance(address, str):
            address = f"{resource.get('type')}.{resource.get('name')}"
        instances.append(
            _Instance(address, kind, resource.get("values"), unknown.get(address, {}), resource)
        )
    return _load_instances(instances, file, source)


def load_state(document: Mapping[str, Any], file: str) -> DeployedConfig:
    """Resources recorded in a version 4 state file."""
    instances = []
    for resource in _array(document, "resources", file):
        if not isinstance(resource, dict) or resource.get("mode") != "managed":
            continue
        kind = RESOURCE_KINDS.get(str(resource.get("type")))
        if kind is None:
            continue
        base = f"{resource['type']}.{resource.get('name')}"
        if resource.get("module"):
            base = f"{resource['module']}.{base}"
        for instance in _array(resource, "instances", file):
            if not isinstance(instance, dict):
                continue
            address = base + _index_suffix(instance.get("index_key"))
            instances.append(_Instance(address, kind, instance.get("attributes"), {}, instance))
    return _load_instances(instances, file, "terraform-state")


def _object(container: Mapping[str, Any], key: str, file: str) -> Mapping[str, Any]:
    """``container[key]`` as an object ({} when absent); a wrong type is fatal."""
    value = container.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DeployError(f"{key} must be an object", file, *container_mark(container, key))
    return value


def _array(container: Mapping[str, Any], key: str, file: str) -> list[Any]:
    """``container[key]`` as a list ([] when absent); a wrong type is fatal."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise DeployError(f"{key} must be a list", file, *container_mark(container, key))
    return value


def container_mark(container: Any, key: str) -> tuple[int, int]:
    mark_of_key = getattr(container, "mark_of", None)
    return mark_of_key(key) if mark_of_key else mark_of(container, (1, 1))


def _after_unknown(change: Mapping[str, Any]) -> Any:
    details = change.get("change")
    return details.get("after_unknown") or {} if isinstance(details, dict) else {}


def _module_resources(module: Mapping[str, Any], file: str) -> Iterator[Mapping[str, Any]]:
    stack = [module]
    while stack:
        current = stack.pop(0)
        yield from (r for r in _array(current, "resources", file) if isinstance(r, dict))
        stack.extend(m for m in _array(current, "child_modules", file) if isinstance(m, dict))


def _index_suffix(key: Any) -> str:
    if key is None:
        return ""
    return f'["{key}"]' if isinstance(key, str) else f"[{key}]"


def _load_instances(instances: list[_Instance], file: str, source: str) -> DeployedConfig:
    located: list[Located] = []
    problems: list[Finding] = []
    for instance in instances:
        line, column = mark_of(instance.where, (1, 1))
        origin = Origin(file, line, column, instance.address, source)
        item = _load_instance(instance, origin, problems)
        if item is not None:
            located.append(item)
    return DeployedConfig.collect(located, problems)


def _load_instance(
    instance: _Instance, origin: Origin, problems: list[Finding]
) -> Located | None:
    if not isinstance(instance.attributes, dict):
        problems.append(Finding("error", "attributes must be an object",
                                origin, "attributes", "unloadable-resource"))
        return None
    attributes = dict(instance.attributes)
    blocking = False
    for path in _unknown_paths(instance.unknown):
        attribute = path.split("[")[0].split(".")[0]
        if attribute not in _READ_ATTRIBUTES[instance.kind]:
            continue
        tolerated = attribute in _TOLERATED_UNKNOWNS
        problems.append(Finding(
            "warning" if tolerated else "error",
            f"{path} is known only after apply"
            + ("; left out" if tolerated else "; the resource cannot be evaluated"),
            origin, path, "unknown-after-apply",
        ))
        blocking = blocking or not tolerated
    if blocking:
        return None
    try:
        params, log_group = _MAPPERS[instance.kind](attributes)
        params = coerce(instance.kind, params)
    except ShapeError as problem:
        problems.append(Finding("error", str(problem), origin, problem.path,
                                "unloadable-resource"))
        return None
    return Located(instance.kind, params, origin, log_group)


def _unknown_paths(unknown: Any, prefix: str = "") -> Iterator[str]:
    if unknown is True:
        yield prefix
    elif isinstance(unknown, dict):
        for key, value in unknown.items():
            yield from _unknown_paths(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(unknown, list):
        for index, value in enumerate(unknown):
            yield from _unknown_paths(value, f"{prefix}[{index}]")


# ------------------------------------------------------------ attribute mapping


def _blocks(attributes: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    """A nested block list; anything but a list of objects is a :class:`ShapeError`."""
    value = attributes.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ShapeError(name, "expected a list of blocks")
    return value


def _set(params: dict[str, Any], key: str, value: Any) -> None:
    """Store ``value`` unless it is the provider's spelling of "unset"."""
    if value is not None and value != "" and value != {} and value != []:
        params[key] = value


def _actions(attributes: Mapping[str, Any], params: dict[str, Any]) -> None:
    if "actions_enabled" in attributes:
        params["ActionsEnabled"] = attributes["actions_enabled"]
    for attribute, key in _ACTION_ATTRIBUTES.items():
        arns = attributes.get(attribute)
        if isinstance(arns, list):
            arns = [arn for arn in arns if arn is not None]
        _set(params, key, arns)


def _dimensions(value: Any) -> Any:
    if isinstance(value, dict):
        return [{"Name": name, "Value": item} for name, item in value.items()]
    return value


def _metric_filter(attributes: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    params: dict[str, Any] = {}
    _set(params, "filterName", attributes.get("name"))
    params["filterPattern"] = attributes.get("pattern") or ""
    transformations = []
    for block in _blocks(attributes, "metric_transformation"):
        transformation: dict[str, Any] = {}
        _set(transformation, "metricName", block.get("name"))
        _set(transformation, "metricNamespace", block.get("namespace"))
        _set(transformation, "metricValue", block.get("value"))
        _set(transformation, "defaultValue", block.get("default_value"))
        _set(transformation, "dimensions", block.get("dimensions"))
        _set(transformation, "unit", block.get("unit"))
        transformations.append(transformation)
    params["metricTransformations"] = transformations
    return params, log_group_name(attributes.get("log_group_name"), "log_group_name")


def _metric_alarm(attributes: Mapping[str, Any]) -> tuple[dict[str, Any], None]:
    params: dict[str, Any] = {}
    for attribute, key in _ALARM_TEXT.items():
        _set(params, key, attributes.get(attribute))
    for attribute, key in _ALARM_POSITIVE_NUMBERS.items():
        if attributes.get(attribute):
            params[key] = attributes[attribute]
    _actions(attributes, params)
    if "threshold" in attributes and not params.get("ThresholdMetricId"):
        params["Threshold"] = attributes["threshold"]
    _set(params, "Dimensions", _dimensions(attributes.get("dimensions")))
    queries = [_metric_query(block) for block in _blocks(attributes, "metric_query")]
    _set(params, "Metrics", queries)
    return params, None


def _metric_query(block: Mapping[str, Any]) -> dict[str, Any]:
    query: dict[str, Any] = {"Id": block.get("id")}
    for metric in _blocks(block, "metric"):
        metric_id: dict[str, Any] = {}
        _set(metric_id, "Namespace", metric.get("namespace"))
        _set(metric_id, "MetricName", metric.get("metric_name"))
        _set(metric_id, "Dimensions", _dimensions(metric.get("dimensions")))
        stat: dict[str, Any] = {"Metric": metric_id}
        _set(stat, "Period", metric.get("period"))
        _set(stat, "Stat", metric.get("stat"))
        _set(stat, "Unit", metric.get("unit"))
        query["MetricStat"] = stat
    _set(query, "Expression", block.get("expression"))
    _set(query, "Label", block.get("label"))
    if "return_data" in block:
        query["ReturnData"] = block["return_data"]
    if block.get("period"):
        query["Period"] = block["period"]
    _set(query, "AccountId", block.get("account_id"))
    return query


def _composite_alarm(attributes: Mapping[str, Any]) -> tuple[dict[str, Any], None]:
    params: dict[str, Any] = {}
    _set(params, "AlarmName", attributes.get("alarm_name"))
    _set(params, "AlarmDescription", attributes.get("alarm_description"))
    _set(params, "AlarmRule", attributes.get("alarm_rule"))
    _actions(attributes, params)
    for block in _blocks(attributes, "actions_suppressor"):
        _set(params, "ActionsSuppressor", block.get("alarm"))
        _set(params, "ActionsSuppressorWaitPeriod", block.get("wait_period"))
        _set(params, "ActionsSuppressorExtensionPeriod", block.get("extension_period"))
    return params, None


_MAPPERS = {
    "metric_filter": _metric_filter,
    "metric_alarm": _metric_alarm,
    "composite_alarm": _composite_alarm,
}

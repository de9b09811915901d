"""Load metric filters and alarms from CloudFormation templates (YAML or JSON).

Handles ``AWS::Logs::MetricFilter``, ``AWS::CloudWatch::Alarm`` and
``AWS::CloudWatch::CompositeAlarm``: intrinsic functions are evaluated by
:mod:`simulator.deploy.intrinsics`, property names are mapped to the API's
(``MetricTransformations[].Dimensions`` ``[{Key, Value}]`` becomes the API's
``dimensions`` map), values are coerced to API types by :mod:`simulator.deploy.shapes`.
A resource that cannot be loaded becomes an error :class:`Finding` at its position;
a resource whose ``Condition`` is false becomes a :class:`Skipped`; nothing vanishes.
CDK output is CloudFormation JSON, so :mod:`simulator.deploy.cdk` reuses this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.deploy.intrinsics import NO_VALUE, Resolver, Unresolvable
from simulator.deploy.model import (
    DeployedConfig,
    Finding,
    Kind,
    Located,
    Origin,
    Severity,
    Skipped,
)
from simulator.deploy.shapes import ShapeError, coerce, log_group_name
from simulator.documents import Mark, MarkedDict

RESOURCE_KINDS: dict[str, Kind] = {
    "AWS::Logs::MetricFilter": "metric_filter",
    "AWS::CloudWatch::Alarm": "metric_alarm",
    "AWS::CloudWatch::CompositeAlarm": "composite_alarm",
}

_ACTION_PROPERTIES = ("ActionsEnabled", "AlarmActions", "OKActions", "InsufficientDataActions")
_ALARM_PROPERTIES = frozenset(
    {
        *_ACTION_PROPERTIES, "AlarmDescription", "AlarmName", "ComparisonOperator",
        "DatapointsToAlarm", "Dimensions", "EvaluateLowSampleCountPercentile",
        "EvaluationPeriods", "ExtendedStatistic", "MetricName", "Metrics", "Namespace",
        "Period", "Statistic", "Threshold", "ThresholdMetricId", "TreatMissingData", "Unit",
    }
)
_COMPOSITE_PROPERTIES = frozenset(
    {
        *_ACTION_PROPERTIES, "ActionsSuppressor", "ActionsSuppressorExtensionPeriod",
        "ActionsSuppressorWaitPeriod", "AlarmDescription", "AlarmName", "AlarmRule",
    }
)
_FILTER_PROPERTIES = frozenset(
    {"FilterName", "FilterPattern", "LogGroupName", "MetricTransformations"}
)
_NOT_SIMULATED = frozenset(
    {"ApplyOnTransformedLogs", "EmitSystemFieldDimensions", "FieldSelectionCriteria"}
)
"""Valid AWS::Logs::MetricFilter properties the simulator does not model (warned)."""

_IGNORED = frozenset({"Tags"})
"""Valid properties with no effect on evaluation; dropped without a finding."""

_KNOWN_PROPERTIES: dict[Kind, frozenset[str]] = {
    "metric_filter": _FILTER_PROPERTIES | _NOT_SIMULATED,
    "metric_alarm": _ALARM_PROPERTIES | _IGNORED,
    "composite_alarm": _COMPOSITE_PROPERTIES | _IGNORED,
}
_REQUIRED_PROPERTIES: dict[Kind, tuple[str, ...]] = {
    "metric_filter": ("FilterPattern", "LogGroupName", "MetricTransformations"),
    "metric_alarm": ("ComparisonOperator", "EvaluationPeriods"),
    "composite_alarm": ("AlarmRule",),
}
_TRANSFORMATION_NAMES = {
    "MetricName": "metricName",
    "MetricNamespace": "metricNamespace",
    "MetricValue": "metricValue",
    "DefaultValue": "defaultValue",
    "Dimensions": "dimensions",
    "Unit": "unit",
}


class TemplateError(ValueError):
    """The document is not a CloudFormation template at all."""

    def __init__(self, message: str, mark: Mark) -> None:
        self.message = message
        self.mark = mark
        super().__init__(message)


def load_template(
    document: Any,
    file: str,
    source_format: str,
    parameters: Mapping[str, Any] | None = None,
) -> DeployedConfig:
    """Metric filters and alarms declared by one parsed template."""
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError("a CloudFormation template needs a Resources mapping", (1, 1))
    for section in ("Parameters", "Mappings", "Conditions"):
        if document.get(section) is not None and not isinstance(document[section], dict):
            mark = document.mark_of(section) if isinstance(document, MarkedDict) else (1, 1)
            raise TemplateError(f"{section} must be a mapping", mark)
    loader = _TemplateLoader(document, file, source_format, Resolver(document, parameters))
    loader.run()
    return DeployedConfig.collect(loader.located, loader.problems, loader.skipped)


@dataclass
class _TemplateLoader:
    document: MarkedDict
    file: str
    source_format: str
    resolver: Resolver
    located: list[Located] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def run(self) -> None:
        self._report_template_level()
        resources = self.document["Resources"]
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            kind = RESOURCE_KINDS.get(str(resource.get("Type")))
            if kind is None:
                continue
            origin = self._origin(logical_id, resource, resources.mark_of(logical_id))
            try:
                self._load_resource(kind, logical_id, resource, origin)
            except Unresolvable as problem:
                self._error(origin, problem.message, problem.offender, problem.mark)

    def _report_template_level(self) -> None:
        here = Origin(self.file, 1, 1, None, self.source_format)
        if "Transform" in self.document:
            line, column = self.document.mark_of("Transform")
            self.problems.append(
                Finding(
                    "warning",
                    "the template declares a Transform; macros are not expanded, so "
                    "resources a transform would add are not loaded",
                    Origin(self.file, line, column, None, self.source_format),
                    "Transform",
                    "transform-not-expanded",
                )
            )
        for name in self.resolver.unused_parameters():
            self.problems.append(
                Finding(
                    "warning",
                    f"parameter {name} was given but the template does not declare it",
                    here,
                    name,
                    "unknown-parameter",
                )
            )

    def _origin(self, logical_id: str, resource: Mapping[str, Any], mark: Mark) -> Origin:
        metadata = resource.get("Metadata")
        cdk_path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
        return Origin(
            self.file,
            mark[0],
            mark[1],
            logical_id,
            self.source_format,
            cdk_path if isinstance(cdk_path, str) else None,
        )

    def _load_resource(
        self, kind: Kind, logical_id: str, resource: Mapping[str, Any], origin: Origin
    ) -> None:
        reason = self.resolver.inactive_reason(logical_id)
        if reason:
            self.skipped.append(Skipped(origin, reason))
            return
        properties = resource.get("Properties")
        if not isinstance(properties, MarkedDict):
            self._error(origin, "Properties must be a mapping", "Properties", None)
            return
        if not self._check_property_names(kind, properties, origin):
            return
        resolved = self._resolve_properties(properties, origin)
        if resolved is None:
            return
        name_key = "filterName" if kind == "metric_filter" else "AlarmName"
        try:
            params, log_group = _api_params(kind, resolved)
            log_group = log_group_name(log_group, "LogGroupName")
            name = self.resolver.physical_name(logical_id, _origin_mark(origin))
            params = {name_key: name, **params}
            params = coerce(kind, params)
        except ShapeError as problem:
            prop = _cfn_property(kind, problem.path)
            where = problem.path if problem.path.startswith(prop) else f"{prop} ({problem.path})"
            self._error(origin, f"{where}: {problem.message}", prop, properties.mark_of(prop))
            return
        self.located.append(Located(kind, params, origin, log_group))

    def _check_property_names(self, kind: Kind, properties: MarkedDict, origin: Origin) -> bool:
        valid = True
        for name in properties:
            if name not in _KNOWN_PROPERTIES[kind]:
                self._error(
                    origin,
                    f"Encountered unsupported property {name} (CloudFormation rejects it)",
                    name,
                    properties.mark_of(name),
                )
                valid = False
            elif name in _NOT_SIMULATED:
                self.problems.append(
                    self._finding("warning", origin, f"{name} is not simulated; ignored",
                                  name, properties.mark_of(name), "not-simulated")
                )
        for name in _REQUIRED_PROPERTIES[kind]:
            if name not in properties:
                self._error(origin, f"required property {name} is missing", name, None)
                valid = False
        return valid

    def _resolve_properties(
        self, properties: MarkedDict, origin: Origin
    ) -> dict[str, Any] | None:
        resolved: dict[str, Any] = {}
        failed = False
        for name, value in properties.items():
            if name in _IGNORED or name in _NOT_SIMULATED:
                continue
            try:
                result = self.resolver.resolve(value, properties.mark_of(name))
            except Unresolvable as problem:
                self._error(origin, f"{name}: {problem.message}", problem.offender, problem.mark)
                failed = True
                continue
            if result is not NO_VALUE:
                resolved[name] = result
        return None if failed else resolved

    def _finding(
        self, severity: Severity, origin: Origin, message: str, offender: str | None,
        mark: Mark | None, code: str,
    ) -> Finding:
        line, column = mark or (origin.line, origin.column)
        where = Origin(origin.file, line, column, origin.resource, origin.source_format,
                       origin.cdk_path)
        return Finding(severity, message, where, offender, code)

    def _error(self, origin: Origin, message: str, offender: str | None,
               mark: Mark | None) -> None:
        self.problems.append(
            self._finding("error", origin, message, offender, mark,
                          "unloadable-resource")
        )


def _origin_mark(origin: Origin) -> Mark:
    return origin.line or 1, origin.column or 1


def _api_params(kind: Kind, properties: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """CloudFormation property names -> API parameter names (and the log group)."""
    if kind != "metric_filter":
        return dict(properties), None
    params: dict[str, Any] = {}
    if "FilterPattern" in properties:
        params["filterPattern"] = properties["FilterPattern"]
    transformations = properties.get("MetricTransformations")
    if isinstance(transformations, list):
        params["metricTransformations"] = [
            _transformation(t, i) for i, t in enumerate(transformations)
        ]
    else:
        params["metricTransformations"] = transformations
    return params, properties.get("LogGroupName")


def _transformation(transformation: Any, index: int) -> Any:
    if not isinstance(transformation, dict):
        return transformation
    result: dict[str, Any] = {}
    for name, value in transformation.items():
        if name not in _TRANSFORMATION_NAMES:
            raise ShapeError(f"metricTransformations[{index}].{name}", "unknown property")
        if name == "Dimensions":
            value = _dimension_map(value, f"metricTransformations[{index}].dimensions")
        result[_TRANSFORMATION_NAMES[name]] = value
    return result


def _dimension_map(dimensions: Any, path: str) -> dict[Any, Any]:
    """CloudFormation's ``[{Key, Value}]`` -> the API's ``{Key: Value}``."""
    if not isinstance(dimensions, list) or not all(
        isinstance(d, dict) and set(d) == {"Key", "Value"} for d in dimensions
    ):
        raise ShapeError(path, "expected a list of {Key, Value}")
    result = {}
    for dimension in dimensions:
        if dimension["Key"] in result:
            raise ShapeError(path, f"dimension {dimension['Key']} is given twice")
        result[dimension["Key"]] = dimension["Value"]
    return result


def _cfn_property(kind: Kind, api_path: str) -> str:
    """The CloudFormation property an API parameter path came from."""
    head = api_path.split(".")[0].split("[")[0]
    if kind != "metric_filter":
        return head
    return {"filterPattern": "FilterPattern", "filterName": "FilterName",
            "LogGroupName": "LogGroupName"}.get(
        head, "MetricTransformations"
    )

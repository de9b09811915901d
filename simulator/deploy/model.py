"""Values shared by every deploy loader: where a definition came from, what was found.

Loaders turn CloudFormation, CDK, Terraform and AWS CLI output into the parameter dicts
that PutMetricFilter, PutMetricAlarm and PutCompositeAlarm take, so that one set of
``from_aws`` constructors (in the simulator) can build objects from any of them.  Each
dict travels inside a :class:`Located` that says which file, line, column and resource
it came from; anything a loader could not load travels as a :class:`Finding` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["metric_filter", "metric_alarm", "composite_alarm"]
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Origin:
    """Where a definition was written.

    ``resource`` is the CloudFormation logical ID, the Terraform resource address
    (``module.security.aws_cloudwatch_metric_alarm.root_usage``) or, for
    ``describe-*`` output, the filter/alarm name.  ``cdk_path`` is the construct
    path from ``Metadata: aws:cdk:path`` in CDK-synthesized templates.
    """

    file: str
    line: int | None = None
    column: int | None = None
    resource: str | None = None
    source_format: str = ""
    cdk_path: str | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` (as much of it as is known)."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        name = self.cdk_path or self.resource
        return f"{self.location} ({name})" if name else self.location


@dataclass(frozen=True)
class Located:
    """One deployed definition as API parameters, plus where it came from.

    ``params`` holds exactly what PutMetricFilter (without ``logGroupName``),
    PutMetricAlarm or PutCompositeAlarm would be called with: API casing, numbers as
    int/float, booleans as bool.  Optional parameters the source leaves unset are
    absent (see :func:`canonical_params` for a form with AWS's defaults filled in).
    The metric filter's log group travels in ``log_group_name``.  Treat ``params`` as
    read-only.
    """

    kind: Kind
    params: dict[str, Any] = field(hash=False)
    origin: Origin
    log_group_name: str | None = None

    @property
    def name(self) -> str:
        """The filter or alarm name."""
        key = "filterName" if self.kind == "metric_filter" else "AlarmName"
        return str(self.params.get(key, ""))


@dataclass(frozen=True)
class Finding:
    """Something a loader, linker or validator has to tell the user.

    ``offender`` names the thing at fault: a parameter, an intrinsic function, a
    property, a Terraform attribute, an alarm name.
    """

    severity: Severity
    message: str
    origin: Origin
    offender: str | None = None
    code: str = ""

    def __str__(self) -> str:
        return f"{self.origin}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Skipped:
    """A resource deliberately not loaded (e.g. its CloudFormation Condition is false)."""

    origin: Origin
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: skipped: {self.reason}"


@dataclass(frozen=True)
class DeployedConfig:
    """Everything loaded from one source (or several, see :meth:`merge`)."""

    metric_filters: tuple[Located, ...] = ()
    metric_alarms: tuple[Located, ...] = ()
    composite_alarms: tuple[Located, ...] = ()
    problems: tuple[Finding, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(problem for problem in self.problems if problem.severity == "error")

    @property
    def definitions(self) -> tuple[Located, ...]:
        return self.metric_filters + self.metric_alarms + self.composite_alarms

    def merge(self, other: DeployedConfig) -> DeployedConfig:
        return DeployedConfig(
            self.metric_filters + other.metric_filters,
            self.metric_alarms + other.metric_alarms,
            self.composite_alarms + other.composite_alarms,
            self.problems + other.problems,
            self.skipped + other.skipped,
        )

    @classmethod
    def collect(
        cls,
        located: list[Located],
        problems: list[Finding],
        skipped: list[Skipped] | None = None,
    ) -> DeployedConfig:
        """Sort loader output into the three kinds, keeping source order."""
        return cls(
            tuple(item for item in located if item.kind == "metric_filter"),
            tuple(item for item in located if item.kind == "metric_alarm"),
            tuple(item for item in located if item.kind == "composite_alarm"),
            tuple(problems),
            tuple(skipped or ()),
        )


class DeployError(ValueError):
    """A source that cannot be loaded at all, or (``strict=True``) its first error."""

    def __init__(
        self,
        message: str,
        file: str,
        line: int | None = None,
        column: int | None = None,
        offender: str | None = None,
        resource: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.offender = offender
        self.resource = resource
        origin = Origin(file, line, column, resource)
        super().__init__(f"{origin}: {message}")

    @classmethod
    def from_finding(cls, finding: Finding) -> DeployError:
        origin = finding.origin
        return cls(
            finding.message,
            origin.file,
            origin.line,
            origin.column,
            finding.offender,
            origin.cdk_path or origin.resource,
        )


# --------------------------------------------------------------- canonical form

_ALARM_ACTION_LISTS = ("OKActions", "AlarmActions", "InsufficientDataActions")


def canonical_params(kind: Kind, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with AWS's documented defaults filled in and unordered lists sorted.

    Two sources that describe the same deployed object give equal canonical dicts,
    which is what drift checks and the cross-format tests compare.  Defaults: actions
    enabled, no actions, no dimensions, ``TreatMissingData`` ``missing``,
    ``DatapointsToAlarm`` = ``EvaluationPeriods`` (alarm-semantics §5), a metric
    query's ``ReturnData`` true, a metric transformation's ``unit`` ``None`` and no
    dimensions (filter-syntax §7.1).  Action ARNs are a set in AWS, so they are sorted.
    """
    result = dict(params)
    if kind == "metric_filter":
        result["metricTransformations"] = [
            {"unit": "None", "dimensions": {}, **transformation}
            for transformation in params.get("metricTransformations", [])
        ]
        return result
    result.setdefault("ActionsEnabled", True)
    for key in _ALARM_ACTION_LISTS:
        result[key] = sorted(params.get(key, []))
    if kind == "composite_alarm":
        return result
    result.setdefault("TreatMissingData", "missing")
    if "EvaluationPeriods" in result:
        result.setdefault("DatapointsToAlarm", result["EvaluationPeriods"])
    result["Dimensions"] = _sorted_dimensions(params.get("Dimensions", []))
    if "Metrics" in params:
        result["Metrics"] = [_canonical_query(query) for query in params["Metrics"]]
    return result


def _canonical_query(query: Mapping[str, Any]) -> dict[str, Any]:
    result = {"ReturnData": True, **query}
    if "MetricStat" in query:
        stat = dict(query["MetricStat"])
        metric = dict(stat.get("Metric", {}))
        metric["Dimensions"] = _sorted_dimensions(metric.get("Dimensions", []))
        stat["Metric"] = metric
        result["MetricStat"] = stat
    return result


def _sorted_dimensions(dimensions: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(dimensions, key=lambda dimension: (dimension["Name"], dimension["Value"]))

"""Connect alarms to the metric filters that feed them, the way CloudWatch does.

An alarm reads a metric identified by namespace, name and the *exact* set of
dimensions, and (when it sets ``Unit``) only datapoints published with that unit
(alarm-semantics §3).  A metric filter publishes under its transformation's namespace,
name and dimension keys, with its unit (``None`` by default).  When nothing publishes
what an alarm reads, the alarm never gets data: it sits in INSUFFICIENT_DATA forever
(or OK / ALARM, as its TreatMissingData says), which is almost always a deployment bug
worth a warning.  Composite alarms are linked to their children by name or ARN; a
child that does not exist is an error, because AWS rejects such a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.deploy.model import DeployedConfig, Finding, Located

_RULE_REFERENCE = re.compile(
    r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:\"([^\"]*)\"|([^\s()\"]+))\s*\)"
)
_ALARM_ARN = re.compile(r"^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$")
_NO_DATA_STATE = {
    "missing": "stay INSUFFICIENT_DATA forever",
    "ignore": "stay INSUFFICIENT_DATA forever",
    "notBreaching": "sit in OK forever and never alarm (TreatMissingData=notBreaching)",
    "breaching": "sit in ALARM forever (TreatMissingData=breaching)",
}


@dataclass(frozen=True)
class MetricRead:
    """One metric an alarm reads (the alarm's own, or one MetricStat of its math)."""

    namespace: str
    name: str
    dimensions: Mapping[str, str]
    unit: str | None
    query_id: str | None = None

    def __str__(self) -> str:
        dimensions = ",".join(f"{k}={v}" for k, v in sorted(self.dimensions.items()))
        unit = f" unit={self.unit}" if self.unit else ""
        return f"{self.namespace}/{self.name}{{{dimensions}}}{unit}"


@dataclass(frozen=True)
class Link:
    """Filter ``filter_name`` publishes the metric alarm ``alarm_name`` reads."""

    alarm_name: str
    filter_name: str
    metric: MetricRead
    log_group_name: str | None


@dataclass(frozen=True)
class ChildLink:
    """Composite ``composite_name`` refers to alarm ``child_name`` in its rule."""

    composite_name: str
    child_name: str
    reference: str


@dataclass(frozen=True)
class LinkReport:
    links: tuple[Link, ...]
    children: tuple[ChildLink, ...]
    findings: tuple[Finding, ...]

    def feeders(self, alarm_name: str) -> tuple[str, ...]:
        """Names of the filters that feed ``alarm_name``."""
        return tuple(link.filter_name for link in self.links if link.alarm_name == alarm_name)


def link(config: DeployedConfig) -> LinkReport:
    """Links and findings for every alarm and composite alarm in ``config``."""
    findings: list[Finding] = list(_duplicates(config))
    links: list[Link] = []
    for alarm in config.metric_alarms:
        for metric in metrics_read(alarm.params):
            found = [
                Link(alarm.name, flt.name, metric, flt.log_group_name)
                for flt in config.metric_filters
                if _feeds(flt.params, metric)
            ]
            links.extend(found)
            findings.extend(_alarm_findings(alarm, metric, found, config.metric_filters))
    children: list[ChildLink] = []
    alarm_names = {item.name for item in config.metric_alarms + config.composite_alarms}
    for composite in config.composite_alarms:
        for reference in rule_references(str(composite.params.get("AlarmRule", ""))):
            child = alarm_name_of(reference)
            if child in alarm_names:
                children.append(ChildLink(composite.name, child, reference))
            else:
                findings.append(Finding(
                    "error",
                    f"composite alarm {composite.name} refers to alarm {child}, which is not "
                    "defined in the loaded configuration (AWS rejects the rule)",
                    composite.origin, child, "unknown-child-alarm",
                ))
        suppressor = composite.params.get("ActionsSuppressor")
        if suppressor and alarm_name_of(suppressor) not in alarm_names:
            findings.append(Finding(
                "error",
                f"composite alarm {composite.name}: ActionsSuppressor {suppressor} is not "
                "defined in the loaded configuration",
                composite.origin, suppressor, "unknown-suppressor",
            ))
    findings.extend(_cycles(config, children))
    return LinkReport(tuple(links), tuple(children), tuple(findings))


def metrics_read(params: Mapping[str, Any]) -> list[MetricRead]:
    """The metrics a PutMetricAlarm parameter dict reads."""
    if "Metrics" in params:
        result = []
        for query in params["Metrics"]:
            stat = query.get("MetricStat")
            if not stat:
                continue
            metric = stat.get("Metric", {})
            result.append(MetricRead(
                metric.get("Namespace", ""), metric.get("MetricName", ""),
                _dimension_dict(metric.get("Dimensions", [])), stat.get("Unit"), query.get("Id"),
            ))
        return result
    return [MetricRead(
        params.get("Namespace", ""), params.get("MetricName", ""),
        _dimension_dict(params.get("Dimensions", [])), params.get("Unit"),
    )]


def rule_references(rule: str) -> list[str]:
    """Alarm names/ARNs cited by ``ALARM(...)``, ``OK(...)``, ``INSUFFICIENT_DATA(...)``."""
    return [match.group(1) if match.group(1) is not None else match.group(2)
            for match in _RULE_REFERENCE.finditer(rule)]


def alarm_name_of(reference: str) -> str:
    """An alarm name from a name or an alarm ARN."""
    match = _ALARM_ARN.match(reference)
    return match.group(1) if match else reference


def _dimension_dict(dimensions: list[Mapping[str, str]]) -> dict[str, str]:
    return {d["Name"]: d["Value"] for d in dimensions}


def _published(params: Mapping[str, Any]) -> Iterator[tuple[str, str, frozenset[str], str]]:
    for transformation in params.get("metricTransformations", []):
        yield (
            transformation.get("metricNamespace", ""),
            transformation.get("metricName", ""),
            frozenset(transformation.get("dimensions", {})),
            transformation.get("unit") or "None",
        )


def _feeds(filter_params: Mapping[str, Any], metric: MetricRead) -> bool:
    return any(
        namespace == metric.namespace
        and name == metric.name
        and keys == frozenset(metric.dimensions)
        and (metric.unit is None or unit == metric.unit)
        for namespace, name, keys, unit in _published(filter_params)
    )


def _alarm_findings(
    alarm: Located, metric: MetricRead, found: list[Link], filters: tuple[Located, ...]
) -> Iterator[Finding]:
    what = f"alarm {alarm.name}" + (f" (query {metric.query_id})" if metric.query_id else "")
    if found:
        if metric.dimensions:
            values = ", ".join(f"{k}={v}" for k, v in sorted(metric.dimensions.items()))
            yield Finding(
                "info",
                f"{what} reads {values}; the dimension values of filter "
                f"{', '.join(link.filter_name for link in found)} depend on event values, so "
                "only events carrying those values feed it",
                alarm.origin, metric.name, "dimensions-depend-on-events",
            )
        return
    if metric.namespace.startswith("AWS/"):
        yield Finding(
            "info",
            f"{what} reads {metric}, which an AWS service publishes, not a metric filter",
            alarm.origin, metric.name, "aws-service-metric",
        )
        return
    fate = _NO_DATA_STATE.get(str(alarm.params.get("TreatMissingData", "missing")),
                              _NO_DATA_STATE["missing"])
    near = [
        (flt.name, keys, unit)
        for flt in filters
        for namespace, name, keys, unit in _published(flt.params)
        if namespace == metric.namespace and name == metric.name
    ]
    reason = f"no metric filter publishes {metric}"
    if near:
        reason += "; " + "; ".join(
            f"filter {name} publishes it with dimensions [{', '.join(sorted(keys))}] and "
            f"unit {unit}" for name, keys, unit in near
        ) + " (CloudWatch matches the exact dimension set and the alarm's unit)"
    yield Finding(
        "warning", f"{what}: {reason}, so it would {fate}", alarm.origin, metric.name,
        "alarm-not-fed",
    )


def _duplicates(config: DeployedConfig) -> Iterator[Finding]:
    seen: dict[tuple[str, str | None, str], Located] = {}
    for item in config.definitions:
        scope = item.log_group_name if item.kind == "metric_filter" else None
        family = "filter" if item.kind == "metric_filter" else "alarm"
        key = (family, scope, item.name)
        if key in seen:
            first = seen[key]
            yield Finding(
                "error",
                f"{family} {item.name} is defined twice (first at {first.origin}); the later "
                "definition overwrites the earlier one in AWS",
                item.origin, item.name, "duplicate-name",
            )
        else:
            seen[key] = item


def _cycles(config: DeployedConfig, children: list[ChildLink]) -> Iterator[Finding]:
    graph: dict[str, list[str]] = {}
    for child in children:
        graph.setdefault(child.composite_name, []).append(child.child_name)
    for composite in config.composite_alarms:
        path = _find_cycle(composite.name, graph)
        if path:
            yield Finding(
                "warning",
                f"composite alarm {composite.name} depends on itself ({' -> '.join(path)}); "
                "AWS stops evaluating on a cycle",
                composite.origin, composite.name, "composite-cycle",
            )


def _find_cycle(start: str, graph: Mapping[str, list[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    visited: set[str] = set()
    while stack:
        node, path = stack.pop()
        for child in graph.get(node, []):
            if child == start:
                return [*path, child]
            if child not in visited:
                visited.add(child)
                stack.append((child, [*path, child]))
    return None

"""Check each loaded filter pattern the way AWS would, before anything is deployed.

PutMetricFilter rejects a pattern AWS cannot parse with ``InvalidParameterException``
and its own message; a stack or apply then fails halfway.  :func:`validate` compiles
every loaded pattern (and the metric value / dimension field references) with
``cwpattern``, the project's exact implementation of the pattern language, and
reports each failure with the resource's logical ID or address and AWS's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cwpattern
from simulator.deploy.model import DeployedConfig, Finding, Located


def validate(config: DeployedConfig) -> tuple[Finding, ...]:
    """One error finding per metric filter whose pattern or field references AWS rejects."""
    findings: list[Finding] = []
    for item in config.metric_filters:
        findings.extend(_check_filter(item))
    return tuple(findings)


def _check_filter(item: Located) -> Iterator[Finding]:
    pattern = str(item.params.get("filterPattern", ""))
    try:
        compiled = cwpattern.compile(pattern)
    except cwpattern.PatternError as error:
        yield Finding(
            "error", f"FilterPattern is rejected by AWS: {error.message}",
            item.origin, "FilterPattern", "invalid-pattern",
        )
        return
    for field, reference in _references(item.params):
        try:
            compiled.check_reference(reference)
        except cwpattern.PatternError as error:
            message = error.message
            yield Finding(
                "error", f"{field} {reference!r} is rejected by AWS: {message}",
                item.origin, field, "invalid-reference",
            )


def _references(params: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for index, transformation in enumerate(params.get("metricTransformations", [])):
        value = str(transformation.get("metricValue", ""))
        if value.startswith("$"):
            yield f"metricTransformations[{index}].metricValue", value
        for key, reference in (transformation.get("dimensions") or {}).items():
            yield f"metricTransformations[{index}].dimensions.{key}", str(reference)

"""Check each loaded filter pattern the way AWS would, before anything is deployed.

PutMetricFilter rejects a pattern AWS cannot parse with ``InvalidParameterException``
and its own message; a stack or apply then fails halfway.  :func:`validate` compiles
every loaded pattern (and the metric value / dimension field references) with
``cwpattern``, the project's exact implementation of the pattern language, and
reports each failure with the resource's logical ID or address and AWS's text.
``cwpattern`` is looked up at call time so this module also works in checkouts where
the pattern core is not installed; that case is reported, not ignored.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from simulator.deploy.model import DeployedConfig, Finding, Located, Origin


def validate(config: DeployedConfig) -> tuple[Finding, ...]:
    """One error finding per metric filter whose pattern or field references AWS rejects."""
    compile_pattern, pattern_error = _pattern_compiler()
    if compile_pattern is None:
        origin = (config.metric_filters[0].origin if config.metric_filters
                  else Origin("<deploy>"))
        return (Finding(
            "warning", "filter patterns were not checked: cwpattern.compile is not available",
            origin, "cwpattern", "patterns-not-checked",
        ),)
    findings: list[Finding] = []
    for item in config.metric_filters:
        findings.extend(_check_filter(item, compile_pattern, pattern_error))
    return tuple(findings)


def _pattern_compiler() -> tuple[Any, type[Exception]]:
    try:
        cwpattern = importlib.import_module("cwpattern")
    except ImportError:
        return None, Exception
    compile_pattern = getattr(cwpattern, "compile", None)
    pattern_error = getattr(cwpattern, "PatternError", ValueError)
    return compile_pattern, pattern_error


def _check_filter(
    item: Located, compile_pattern: Any, pattern_error: type[Exception]
) -> Iterator[Finding]:
    pattern = str(item.params.get("filterPattern", ""))
    try:
        compiled = compile_pattern(pattern)
    except pattern_error as error:
        message = getattr(error, "message", None) or str(error)
        yield Finding(
            "error", f"FilterPattern is rejected by AWS: {message}",
            item.origin, "FilterPattern", "invalid-pattern",
        )
        return
    check_reference = getattr(compiled, "check_reference", None)
    if check_reference is None:
        return
    for field, reference in _references(item.params):
        try:
            check_reference(reference)
        except pattern_error as error:
            message = getattr(error, "message", None) or str(error)
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

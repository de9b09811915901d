"""Load the metric filters and alarms a team actually deploys.

One entry point, :func:`load`, reads a CloudFormation template (YAML or JSON), a CDK
``cdk.out`` directory, Terraform plan JSON or state, or AWS CLI ``describe-*`` output,
recognises which it is, and returns a :class:`DeployedConfig`: PutMetricFilter /
PutMetricAlarm / PutCompositeAlarm parameter dicts with their origins, plus every
problem and every skipped resource.  :mod:`simulator.deploy.linking` checks that
alarms are fed by filters; :func:`simulator.deploy.validation.validate` checks the
filter patterns with ``cwpattern``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator.deploy.aws_cli import load_describe_output
from simulator.deploy.cdk import load_cloud_assembly
from simulator.deploy.cloudformation import TemplateError, load_template
from simulator.deploy.intrinsics import PSEUDO_PARAMETER_DEFAULTS
from simulator.deploy.linking import LinkReport, link
from simulator.deploy.model import (
    DeployedConfig,
    DeployError,
    Finding,
    Located,
    Origin,
    Skipped,
    canonical_params,
)
from simulator.deploy.source import read_text
from simulator.deploy.terraform import load_plan, load_state
from simulator.deploy.validation import validate
from simulator.documents import SyntaxProblem, load_json, load_yaml

__all__ = [
    "FORMATS",
    "PSEUDO_PARAMETER_DEFAULTS",
    "DeployError",
    "DeployedConfig",
    "Finding",
    "LinkReport",
    "Located",
    "Origin",
    "Skipped",
    "canonical_params",
    "detect_format",
    "link",
    "load",
    "validate",
]

FORMATS = ("cloudformation", "cdk", "terraform-plan", "terraform-state", "describe")
_DESCRIBE_KEYS = ("metricFilters", "MetricAlarms", "CompositeAlarms")


def load(
    path: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    fmt: str | None = None,
    *,
    strict: bool = False,
) -> DeployedConfig:
    """Load one source; ``fmt`` (one of :data:`FORMATS`) skips auto-detection.

    ``parameters`` are CloudFormation parameter values (``{"Env": "prod"}``) and
    pseudo-parameter overrides (``{"AWS::Region": "eu-west-1"}``); other formats
    ignore them.  Raises :class:`DeployError` when the source cannot be read at all,
    and with ``strict=True`` for its first error finding.
    """
    source = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise DeployError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})",
                          str(source))
    if source.is_dir():
        if fmt not in (None, "cdk"):
            raise DeployError(f"a directory can only be a cdk.out, not {fmt}", str(source))
        config = load_cloud_assembly(source, parameters)
    else:
        document, syntax = _parse(source)
        config = _load_document(document, syntax, source, fmt, parameters)
    if strict and config.errors:
        raise DeployError.from_finding(config.errors[0])
    return config


def detect_format(path: str | os.PathLike[str]) -> str:
    """Which of :data:`FORMATS` ``path`` holds; raises :class:`DeployError` if none."""
    source = Path(path)
    if source.is_dir():
        return "cdk"
    document, _ = _parse(source)
    return _detect(document, source)


def _parse(source: Path) -> tuple[Any, str]:
    text = read_text(source)
    looks_like_json = source.suffix == ".json" or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
    try:
        if looks_like_json:
            return load_json(text), "json"
        return load_yaml(text), "yaml"
    except SyntaxProblem as problem:
        raise DeployError(problem.message, str(source), problem.line, problem.column) from None


def _detect(document: Any, source: Path) -> str:
    if isinstance(document, dict):
        if "Resources" in document or "AWSTemplateFormatVersion" in document:
            return "cloudformation"
        if "format_version" in document and (
            "planned_values" in document or "values" in document
            or "resource_changes" in document
        ):
            return "terraform-plan"
        if "version" in document and "resources" in document:
            return "terraform-state"
        if any(key in document for key in _DESCRIBE_KEYS):
            return "describe"
    raise DeployError(
        "cannot tell what this is: expected a CloudFormation template (Resources), "
        "Terraform plan JSON (format_version + planned_values), a Terraform state file "
        "(version + resources) or AWS CLI describe-metric-filters / describe-alarms output",
        str(source),
    )


def _load_document(
    document: Any,
    syntax: str,
    source: Path,
    fmt: str | None,
    parameters: Mapping[str, Any] | None,
) -> DeployedConfig:
    kind = fmt or _detect(document, source)
    file = str(source)
    if kind == "cdk":
        kind = "cloudformation"
    if not isinstance(document, dict):
        raise DeployError(f"expected a {kind} document (a mapping at the top)", file, 1, 1)
    if kind == "cloudformation":
        try:
            return load_template(document, file, f"cloudformation-{syntax}", parameters)
        except TemplateError as problem:
            raise DeployError(problem.message, file, *problem.mark) from None
    if kind == "terraform-plan":
        return load_plan(document, file)
    if kind == "terraform-state":
        version = document.get("version")
        if version != 4:
            raise DeployError(
                f"Terraform state format version {version!r} is not supported (4 is)", file
            )
        return load_state(document, file)
    return load_describe_output(document, file)

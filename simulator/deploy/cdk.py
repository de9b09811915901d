"""Load metric filters and alarms from a CDK cloud assembly (``cdk.out``).

``cdk synth`` writes one CloudFormation JSON template per stack plus a
``manifest.json`` that names each stack's template, its stack name and its target
environment (``aws://ACCOUNT/REGION``).  Templates are loaded with
:mod:`simulator.deploy.cloudformation`; the manifest's environment and stack name
become the pseudo parameters (unless the caller overrides them), and each resource's
``aws:cdk:path`` metadata ends up in its origin so findings name the construct.
Nested assemblies (CDK stages, ``assembly-*`` directories) are followed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from simulator.deploy.cloudformation import TemplateError, load_template
from simulator.deploy.model import DeployedConfig, DeployError
from simulator.deploy.source import read_text
from simulator.documents import SyntaxProblem, load_json

_UNKNOWN_ENVIRONMENT = ("unknown-account", "unknown-region")


def load_cloud_assembly(
    directory: Path, parameters: Mapping[str, Any] | None = None
) -> DeployedConfig:
    """Every stack template in ``directory`` (a ``cdk.out``)."""
    stacks = list(_stacks(directory))
    if not stacks:
        raise DeployError("no stack templates (*.template.json) found", str(directory))
    config = DeployedConfig()
    for template_path, environment in stacks:
        document = _read_json(template_path)
        try:
            loaded = load_template(
                document, str(template_path), "cdk", {**environment, **(parameters or {})}
            )
        except TemplateError as problem:
            raise DeployError(problem.message, str(template_path), *problem.mark) from None
        config = config.merge(loaded)
    return config


def _read_json(path: Path) -> Any:
    try:
        return load_json(read_text(path))
    except SyntaxProblem as problem:
        raise DeployError(problem.message, str(path), problem.line, problem.column) from None


def _stacks(directory: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        for template in sorted(directory.glob("*.template.json")):
            yield template, {}
        return
    manifest = _read_json(manifest_path)
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        raise DeployError("manifest.json has no artifacts object", str(manifest_path))
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict) or not isinstance(artifact.get("properties"), dict):
            continue
        properties = artifact["properties"]
        if artifact.get("type") == "aws:cloudformation:stack":
            template = directory / str(properties.get("templateFile", ""))
            yield template, _pseudo_parameters(artifact, properties, artifact_id)
        elif artifact.get("type") == "cdk:cloud-assembly" and properties.get("directoryName"):
            yield from _stacks(directory / str(properties["directoryName"]))


def _pseudo_parameters(
    artifact: Mapping[str, Any], properties: Mapping[str, Any], artifact_id: str
) -> dict[str, str]:
    result = {"AWS::StackName": str(properties.get("stackName") or artifact_id)}
    environment = str(artifact.get("environment", ""))
    if environment.startswith("aws://"):
        account, _, region = environment[len("aws://"):].partition("/")
        if account and account not in _UNKNOWN_ENVIRONMENT:
            result["AWS::AccountId"] = account
        if region and region not in _UNKNOWN_ENVIRONMENT:
            result["AWS::Region"] = region
    return result

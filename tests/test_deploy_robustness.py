"""Hostile or mangled sources never crash a loader: they load, or fail with DeployError."""

from __future__ import annotations

import contextlib
import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.deploy import DeployedConfig, DeployError, load
from simulator.deploy.linking import link
from simulator.documents import load_yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
SOURCES = {
    "cloudformation": FIXTURES / "cloudformation" / "cis-monitoring.json",
    "cdk": FIXTURES / "cdk.out" / "CisMonitoringStack.template.json",
    "terraform-plan": FIXTURES / "terraform" / "plan.json",
    "terraform-state": FIXTURES / "terraform" / "terraform.tfstate",
    "describe-alarms": FIXTURES / "aws-cli" / "describe-alarms.json",
    "describe-filters": FIXTURES / "aws-cli" / "describe-metric-filters.json",
}
DOCUMENTS = {name: json.loads(path.read_text()) for name, path in SOURCES.items()}
JUNK = st.sampled_from([None, "", "x", 0, -1, 1.5, True, [], {}, [None], {"Ref": "Nope"},
                        {"Fn::Sub": 7}, {"Fn::If": ["Nope", 1, 2]}, {"Ref": "AWS::NoValue"},
                        "${", {"Fn::Join": ["", [{"Ref": "AlarmTopic"}]]}])


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    result = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            result.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            result.extend(paths(item, (*prefix, index)))
    return result


PATHS = {name: paths(document)[1:] for name, document in DOCUMENTS.items()}


def mangled(name: str, picks: list[tuple[int, Any]]) -> Any:
    document = copy.deepcopy(DOCUMENTS[name])
    for index, junk in picks:
        path = PATHS[name][index % len(PATHS[name])]
        target = document
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = copy.deepcopy(junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier pick replaced a parent of this path
    return document


def load_or_error(text: str, suffix: str = ".json") -> DeployedConfig | None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"source{suffix}"
        path.write_text(text)
        try:
            config = load(path)
        except DeployError:
            return None
    link(config)
    return config


@pytest.mark.parametrize("name", sorted(SOURCES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.tuples(st.integers(min_value=0), JUNK), min_size=1, max_size=4))
def test_mangled_documents_load_or_fail_cleanly(name: str, picks: list[tuple[int, Any]]) -> None:
    load_or_error(json.dumps(mangled(name, picks)))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_yaml_text_loads_or_fails_cleanly(text: str) -> None:
    load_or_error(text, ".yaml")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_fail_cleanly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "source.template"
        path.write_bytes(data)
        with contextlib.suppress(DeployError):
            load(path)


def test_yaml_alias_bomb_is_rejected_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(10)
    )
    with pytest.raises(Exception, match="aliases"):
        load_yaml(bomb)

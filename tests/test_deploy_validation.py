"""Each loaded filter whose pattern AWS would reject is reported with its resource."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import pytest

from simulator.deploy import load
from simulator.deploy.validation import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
REJECTED = FIXTURES / "broken" / "rejected-pattern.yaml"
UNTERMINATED = "If a filter pattern starts with '{' it must end with '}'"  # filter-syntax §9


class FakePatternError(ValueError):
    def __init__(self, pattern: str, message: str) -> None:
        super().__init__(message)
        self.pattern, self.pos, self.message = pattern, 0, message


class FakeCompiled:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def check_reference(self, reference: str) -> None:
        if not reference.startswith("$."):
            raise FakePatternError(self.pattern, f"Invalid reference {reference}")


def fake_compile(pattern: str) -> FakeCompiled:
    if pattern.startswith("{") and not pattern.rstrip().endswith("}"):
        raise FakePatternError(pattern, UNTERMINATED)
    return FakeCompiled(pattern)


@pytest.fixture
def fake_cwpattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in with cwpattern's public API, to test this module's side of the contract."""
    module = types.ModuleType("cwpattern")
    module.compile = fake_compile  # type: ignore[attr-defined]
    module.PatternError = FakePatternError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cwpattern", module)


def test_rejected_pattern_is_reported_with_logical_id_and_aws_text(fake_cwpattern: None) -> None:
    config = load(REJECTED)
    assert config.problems == ()
    (finding,) = validate(config)
    assert (finding.severity, finding.code, finding.offender) == (
        "error", "invalid-pattern", "FilterPattern"
    )
    assert finding.message == f"FilterPattern is rejected by AWS: {UNTERMINATED}"
    assert (finding.origin.resource, finding.origin.line, finding.origin.column) == (
        "UnterminatedJsonFilter", 4, 3
    )


def test_field_references_are_checked(fake_cwpattern: None, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  F:\n    Type: AWS::Logs::MetricFilter\n    Properties:\n"
        "      LogGroupName: g\n      FilterPattern: '{ $.a = * }'\n"
        "      MetricTransformations:\n"
        "        - {MetricName: m, MetricNamespace: n, MetricValue: $size,\n"
        "           Dimensions: [{Key: K, Value: $.k}]}\n"
    )
    (finding,) = validate(load(path))
    assert (finding.code, finding.offender) == (
        "invalid-reference", "metricTransformations[0].metricValue"
    )
    assert "Invalid reference $size" in finding.message


def test_fixture_patterns_pass(fake_cwpattern: None) -> None:
    assert validate(load(FIXTURES / "cloudformation" / "cis-monitoring.yaml")) == ()


def test_missing_cwpattern_is_reported_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cwpattern", None)
    (finding,) = validate(load(REJECTED))
    assert (finding.severity, finding.code) == ("warning", "patterns-not-checked")


def real_cwpattern() -> types.ModuleType:
    try:
        module = importlib.import_module("cwpattern")
    except ImportError:
        pytest.skip("cwpattern core is not on this branch yet")
    if not hasattr(module, "compile"):
        pytest.skip("cwpattern.compile is not on this branch yet")
    return module


def test_real_cwpattern_rejects_the_unterminated_pattern() -> None:
    real_cwpattern()
    findings = validate(load(REJECTED))
    assert [(f.origin.resource, f.code) for f in findings] == [
        ("UnterminatedJsonFilter", "invalid-pattern")
    ]
    assert UNTERMINATED in findings[0].message


def test_real_cwpattern_accepts_every_fixture_pattern() -> None:
    real_cwpattern()
    for source in ("cloudformation/cis-monitoring.yaml", "terraform/plan.json"):
        assert validate(load(FIXTURES / source)) == ()

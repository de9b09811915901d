"""Each loaded filter whose pattern AWS would reject is reported with its resource."""

from __future__ import annotations

from pathlib import Path

from simulator.deploy import load
from simulator.deploy.validation import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
REJECTED = FIXTURES / "broken" / "rejected-pattern.yaml"
UNTERMINATED = "If a filter pattern starts with '{' it must end with '}'"  # filter-syntax §9


def test_rejected_pattern_is_reported_with_logical_id_and_aws_text() -> None:
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


def test_field_references_are_checked(tmp_path: Path) -> None:
    """A JSON pattern's metric value must be a selector ($.x), not a field name ($size)."""
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
    assert "'$size' is rejected by AWS" in finding.message


def test_every_fixture_pattern_is_accepted() -> None:
    for source in ("cloudformation/cis-monitoring.yaml", "terraform/plan.json",
                   "aws-cli/describe-metric-filters.json"):
        assert validate(load(FIXTURES / source)) == ()

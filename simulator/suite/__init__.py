"""Test files for filter patterns, metric filters and alarms (``cwpattern test``).

A ``*.cwtest.yaml`` file declares metric filters and alarms in AWS's own field names
(or loads them from CloudFormation, CDK, Terraform or ``describe-*`` output) and holds
pattern, metric and alarm cases, the way promtool test files hold rule tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from simulator.suite.loader import load_config, load_replay_config, load_test_file
from simulator.suite.model import TestFile
from simulator.suite.report import SuiteRun
from simulator.suite.runner import CaseResult, run_case, run_file
from simulator.suite.schema import SuiteError, Where

SUFFIX = ".cwtest.yaml"

__all__ = [
    "SUFFIX",
    "CaseResult",
    "SuiteError",
    "SuiteRun",
    "TestFile",
    "Where",
    "discover",
    "load_config",
    "load_replay_config",
    "load_test_file",
    "run_case",
    "run_file",
    "run_suite",
]


def discover(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Test files named on the command line, and ``*.cwtest.yaml`` under directories."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
        else:
            yield path


def run_suite(paths: Iterable[str | Path]) -> SuiteRun:
    """Load and run the test files :func:`discover` finds under ``paths``; a file that
    does not load is an error of the run, and the others still run."""
    loaded, errors = [], []
    for path in discover(paths):
        try:
            loaded.append(load_test_file(path))
        except SuiteError as error:
            errors.append(str(error))
    return SuiteRun(loaded, [r for test_file in loaded for r in run_file(test_file)], errors)

"""Check every pattern, metric filter and alarm in a set of files, before deploying.

``cwpattern lint`` takes test files, replay configs and the files teams deploy from
(CloudFormation, CDK output, Terraform, ``describe-*`` output) and reports, with file,
line and column:

* errors: what AWS would reject — invalid patterns, metric filters and alarms (AWS's
  texts), and the per-log-group quotas of filter-syntax spec §8 (100 metric filters,
  5 filter patterns with regexes);
* warnings: the surprises of spec §0 that apply to each pattern (``cwpattern explain``)
  and alarms that no metric filter feeds.

Unlike the test runner, lint does not stop at the first mistake: it reports all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cwpattern
from cwpattern.nodes import Regex, walk
from simulator import deploy
from simulator.alarms import CompositeAlarm, MetricAlarm
from simulator.documents import MarkedDict, MarkedList, SyntaxProblem, load_yaml
from simulator.filters import MetricFilter, MetricFilterError
from simulator.suite import SUFFIX, SuiteError, load_test_file

MAX_FILTERS_PER_LOG_GROUP = 100
MAX_REGEX_FILTERS_PER_LOG_GROUP = 5
CONFIG_KEYS = frozenset({"metric_filters", "metric_filters_from", "alarms", "alarms_from",
                         "settings", "pattern_tests", "metric_tests", "alarm_tests"})


@dataclass(frozen=True)
class LintFinding:
    """One thing to tell the user, at a position in a file."""

    severity: str  # "error" or "warning"
    location: str  # file[:line[:column]]
    message: str
    code: str = ""

    def __str__(self) -> str:
        code = f"[{self.code}] " if self.code else ""
        return f"{self.location}: {self.severity}: {code}{self.message}"


@dataclass(frozen=True)
class _Filter:
    """A metric filter seen by lint: where it is and which log group it is in."""

    params: dict[str, Any]
    location: str
    log_group: str | None


def lint(paths: Iterable[str | Path]) -> list[LintFinding]:
    """Findings for every file, in file order, errors and warnings together.

    A directory is a CDK ``cdk.out`` when it holds a ``manifest.json`` or templates;
    otherwise the test files (``*.cwtest.yaml``) under it are checked.
    """
    findings: list[LintFinding] = []
    filters: list[_Filter] = []
    for path in _expand(map(Path, paths)):
        if not path.exists():
            findings.append(LintFinding("error", str(path), "no such file or directory"))
        elif _is_config(path):
            findings += _lint_config(path, filters)
        else:
            findings += _lint_deployed(path, filters)
    findings += _quota_findings(filters)
    return findings


def _expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir() and not _is_cdk_out(path):
            yield from sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
        else:
            yield path


def _is_cdk_out(path: Path) -> bool:
    return (path / "manifest.json").is_file() or any(path.glob("*.template.json"))


def _is_config(path: Path) -> bool:
    """A cwpattern test file or replay config (vs a deployed-configuration file)."""
    if path.name.endswith(SUFFIX):
        return True
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxProblem):
        return False
    return isinstance(data, dict) and bool(data) and set(data) <= CONFIG_KEYS


# --------------------------------------------------------------- test files and configs


def _lint_config(path: Path, filters: list[_Filter]) -> Iterator[LintFinding]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as error:
        yield LintFinding("error", str(path), f"cannot read it: {error.strerror}")
        return
    except SyntaxProblem as problem:
        yield LintFinding("error", f"{path}:{problem.line}:{problem.column}",
                          f"invalid YAML: {problem.message}")
        return
    if not isinstance(data, dict):
        yield LintFinding("error", str(path), "a test file or config must be a mapping")
        return
    itemised = list(_itemised(path, data, filters))
    yield from itemised
    if any(finding.severity == "error" for finding in itemised):
        return
    try:  # everything else the test runner checks (fields, times, references)
        load_test_file(path)
    except SuiteError as error:
        yield LintFinding("error", str(error.where), error.message)


def _itemised(path: Path, data: dict[str, Any], filters: list[_Filter]) -> Iterator[LintFinding]:
    for params, location in _entries(path, data, "metric_filters"):
        if isinstance(params, dict):
            filters.append(_Filter(params, location, params.get("logGroupName")))
            yield from _check_filter(params, location)
    for params, location in _entries(path, data, "alarms"):
        if isinstance(params, dict):
            yield from _check_alarm(params, location)
    for case, location in _entries(path, data, "pattern_tests"):
        if isinstance(case, dict) and isinstance(case.get("pattern"), str):
            yield from _check_pattern(case["pattern"], _key_location(case, "pattern", location))
    for key in ("metric_filters_from", "alarms_from"):
        for source, location in _entries(path, data, key):
            spec = source if isinstance(source, dict) else {"path": source}
            target = path.parent / str(spec.get("path", ""))
            if not target.exists():
                yield LintFinding("error", location, f"no such file: {spec.get('path')}")


def _entries(path: Path, data: dict[str, Any], key: str) -> Iterator[tuple[Any, str]]:
    items = data.get(key)
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        line, column = items.mark_of(index) if isinstance(items, MarkedList) else (1, 1)
        yield item, f"{path}:{line}:{column}"


def _key_location(mapping: Any, key: str, fallback: str) -> str:
    if isinstance(mapping, MarkedDict):
        line, column = mapping.mark_of(key)
        return f"{fallback.split(':')[0]}:{line}:{column}"
    return fallback


# --------------------------------------------------------------- deployed configuration


def _lint_deployed(path: Path, filters: list[_Filter]) -> Iterator[LintFinding]:
    try:
        config = deploy.load(str(path))
    except deploy.DeployError as error:
        yield LintFinding("error", _deploy_location(error.file, error.line, error.column),
                          str(error))
        return
    for finding in (*config.problems, *deploy.validate(config), *deploy.link(config).findings):
        if finding.severity in ("error", "warning"):
            yield LintFinding(finding.severity, _origin_location(finding.origin),
                              _with_resource(finding.message, finding.origin), finding.code)
    for item in config.metric_filters:
        location = _origin_location(item.origin)
        filters.append(_Filter(dict(item.params), location, item.log_group_name))
        yield from _check_filter(dict(item.params), location, pattern_checked=True)
    for item in (*config.metric_alarms, *config.composite_alarms):
        yield from _check_alarm(dict(item.params), _origin_location(item.origin))


def _deploy_location(file: str | None, line: int | None, column: int | None) -> str:
    return ":".join(str(part) for part in (file, line, column) if part is not None)


def _origin_location(origin: Any) -> str:
    return origin.location if origin is not None else "<unknown>"


def _with_resource(message: str, origin: Any) -> str:
    name = getattr(origin, "cdk_path", None) or getattr(origin, "resource", None)
    return f"{name}: {message}" if name and name not in message else message


# ------------------------------------------------------------------------------ checks


def _check_filter(params: dict[str, Any], location: str,
                  pattern_checked: bool = False) -> Iterator[LintFinding]:
    try:
        MetricFilter.from_aws(params)
    except MetricFilterError as error:
        if not (pattern_checked and error.field == "filterPattern"):
            yield LintFinding("error", location, str(error).replace("\n", "; "),
                              "invalid-metric-filter")
        return
    pattern = params.get("filterPattern")
    if isinstance(pattern, str):
        yield from _check_pattern(pattern, location)


def _check_pattern(pattern: str, location: str) -> Iterator[LintFinding]:
    try:
        explanation = cwpattern.explain(pattern)
    except cwpattern.PatternError as error:
        yield LintFinding("error", location, f"InvalidParameterException: {error.message} "
                                             f"(at character {error.pos + 1} of the pattern)",
                          "invalid-pattern")
        return
    for surprise in explanation.warnings:
        if surprise.severity == "warning":
            yield LintFinding("warning", location, f"{surprise.message} (spec {surprise.spec})",
                              surprise.code)


def _check_alarm(params: dict[str, Any], location: str) -> Iterator[LintFinding]:
    builder = CompositeAlarm.from_aws if "AlarmRule" in params else MetricAlarm.from_aws
    try:
        builder(params)
    except ValueError as error:
        yield LintFinding("error", location, str(error), "invalid-alarm")


def _quota_findings(filters: list[_Filter]) -> Iterator[LintFinding]:
    """Per-log-group quotas (spec §8), for filters whose log group is known."""
    by_group: dict[str, list[_Filter]] = defaultdict(list)
    for item in filters:
        if item.log_group:
            by_group[item.log_group].append(item)
    for group, members in sorted(by_group.items()):
        if len(members) > MAX_FILTERS_PER_LOG_GROUP:
            yield LintFinding("error", members[MAX_FILTERS_PER_LOG_GROUP].location,
                              f"log group {group!r} has {len(members)} metric filters; the "
                              f"quota is {MAX_FILTERS_PER_LOG_GROUP}", "quota")
        with_regex = [m for m in members if _has_regex(m.params.get("filterPattern"))]
        if len(with_regex) > MAX_REGEX_FILTERS_PER_LOG_GROUP:
            yield LintFinding("error", with_regex[MAX_REGEX_FILTERS_PER_LOG_GROUP].location,
                              f"log group {group!r} has {len(with_regex)} filter patterns with "
                              f"regular expressions; the quota is "
                              f"{MAX_REGEX_FILTERS_PER_LOG_GROUP}", "quota")


def _has_regex(pattern: Any) -> bool:
    if not isinstance(pattern, str):
        return False
    try:
        tree = cwpattern.compile(pattern).tree
    except cwpattern.PatternError:
        return False
    return any(isinstance(node, Regex) for node in walk(tree))

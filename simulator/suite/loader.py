"""Read a ``*.cwtest.yaml`` file into a validated :class:`~simulator.suite.model.TestFile`.

Every mistake — YAML syntax, an unknown or misspelled field, a wrong type, a pattern or
a metric filter or an alarm that AWS would reject — is reported as a
:class:`~simulator.suite.schema.SuiteError` naming the file, line and column, so that a
failing CI run points straight at the line to fix.  Definitions may also come from the
files teams already deploy (CloudFormation, CDK output, Terraform, ``describe-*``
output) through ``metric_filters_from`` and ``alarms_from``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

import cwpattern
from simulator import deploy
from simulator.alarms import (
    AlarmDefinitionError,
    AlarmState,
    CompositeAlarm,
    MetricAlarm,
    StatisticError,
)
from simulator.documents import SyntaxProblem, load_yaml
from simulator.events import LogEvent
from simulator.filters import MetricFilter, MetricFilterError
from simulator.metrics import Datapoint, MetricKey
from simulator.replay import ReplayOptions
from simulator.suite.model import (
    AlarmCase,
    AnyAlarm,
    Case,
    Definitions,
    EventSource,
    ExpectedDatapoint,
    ExpectedState,
    ExpectedTransition,
    MetricCase,
    MetricSelector,
    PatternCase,
    PatternExpectation,
    Settings,
    TestFile,
)
from simulator.suite.notation import NotationError, duration_ms, instant_ms, series
from simulator.suite.schema import Node, SuiteError, Where

MAX_FILE_BYTES = 8 << 20
TOP_LEVEL = ("metric_filters", "metric_filters_from", "alarms", "alarms_from", "settings",
             "pattern_tests", "metric_tests", "alarm_tests")
SETTINGS = ("evaluation_range", "ingestion_lag", "reorder_window", "default_value_mode")
PATTERN_CASE = ("name", "pattern", "filter", "events", "matches", "no_matches")
PATTERN_EVENT = ("message", "match", "extracted")
SOURCE_FIELDS = ("events", "events_from", "synth", "datapoints")
METRIC_CASE = ("name", "start_time", "filters", "expect", *SOURCE_FIELDS)
EXPECTED_DATAPOINT = ("metric", "dimensions", "unit", "at", "values", "sum", "count",
                      "min", "max")
ALARM_CASE = ("name", "alarm", "start_time", "end_time", "duration", "expect_states",
              "expect_transitions", *SOURCE_FIELDS)
EVENT = ("at", "message")
FROM_FILE = ("path", "parameters", "format")
STATE_NAMES = {state.value: state for state in AlarmState}
DEFAULT_TAIL_MS = 60 * 60_000


def load_test_file(path: str | Path) -> TestFile:
    """Read and validate one test file; raises SuiteError on any mistake in it."""
    path = Path(path)
    text = _read(path)
    where = Where(str(path))
    try:
        data = load_yaml(text)
    except SyntaxProblem as problem:
        raise SuiteError(Where(str(path), problem.line, problem.column),
                         f"invalid YAML: {problem.message}") from None
    root = Node(data if data is not None else {}, where, "the test file")
    root.check_keys(TOP_LEVEL)
    definitions = _definitions(root, path.parent)
    settings = _settings(root)
    cases: list[Case] = []
    for item, item_where in root.items("pattern_tests"):
        cases.append(_pattern_case(Node(item, item_where, "a pattern test"), definitions))
    for item, item_where in root.items("metric_tests"):
        cases.append(_metric_case(Node(item, item_where, "a metric test"), definitions,
                                  path.parent))
    for item, item_where in root.items("alarm_tests"):
        cases.append(_alarm_case(Node(item, item_where, "an alarm test"), definitions,
                                 path.parent))
    _check_unique_names(cases)
    return TestFile(str(path), definitions, settings, tuple(cases))


CONFIG_KEYS = ("metric_filters", "metric_filters_from", "alarms", "alarms_from", "settings")


def load_replay_config(path: str | Path, *, jobs: int | None = None,
                       **options: Any) -> tuple[Definitions, ReplayOptions]:
    """A replay config's definitions, and the :class:`ReplayOptions` its settings give
    with ``options`` (format, path filter, strictness, checkpoint folder) on top;
    ``jobs`` defaults to the number of cores."""
    definitions, settings = load_config(path)
    return definitions, ReplayOptions(
        jobs=jobs or os.cpu_count() or 1, reorder_window_ms=settings.reorder_window_ms,
        default_value_mode=settings.default_value_mode,
        evaluation_range=settings.evaluation_range, ingestion_lag_ms=settings.ingestion_lag_ms,
        **options)


def load_config(path: str | Path) -> tuple[Definitions, Settings]:
    """Read a replay config: the definitions and settings sections of a test file."""
    path = Path(path)
    text = _read(path)
    try:
        data = load_yaml(text)
    except SyntaxProblem as problem:
        raise SuiteError(Where(str(path), problem.line, problem.column),
                         f"invalid YAML: {problem.message}") from None
    root = Node(data if data is not None else {}, Where(str(path)), "the replay config")
    root.check_keys(CONFIG_KEYS)
    definitions = _definitions(root, path.parent)
    if not definitions.filters:
        raise SuiteError(root.where, "the replay config defines no metric filters")
    return definitions, _settings(root)


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SuiteError(Where(str(path)), f"the file is larger than {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(Where(str(path)), "no such file") from None
    except UnicodeDecodeError:
        raise SuiteError(Where(str(path)), "the file is not UTF-8 text") from None
    except OSError as error:
        raise SuiteError(Where(str(path)), f"cannot read it: {error.strerror}") from None


def _check_unique_names(cases: list[Case]) -> None:
    seen: set[tuple[str, str]] = set()
    for case in cases:
        key = (case.kind, case.name)
        if key in seen:
            raise SuiteError(case.where, f"another {case.kind} test is also named {case.name!r}")
        seen.add(key)


# ------------------------------------------------------------------------ definitions


def _definitions(root: Node, base: Path) -> Definitions:
    definitions = Definitions()
    for item, where in root.items("metric_filters"):
        _add(definitions.filters, _metric_filter(item, where), where, "metric filter")
    for located in _from_files(root, "metric_filters_from", base):
        if located.kind == "metric_filter":
            where = _deploy_where(located)
            _add(definitions.filters, _metric_filter(located.params, where), where,
                 "metric filter")
    for item, where in root.items("alarms"):
        _add(definitions.alarms, _alarm(item, where), where, "alarm")
    for located in _from_files(root, "alarms_from", base):
        if located.kind in ("metric_alarm", "composite_alarm"):
            where = _deploy_where(located)
            _add(definitions.alarms, _alarm(located.params, where), where, "alarm")
    return definitions


def _add(table: dict[str, Any], value: Any, where: Where, what: str) -> None:
    name = value.filter_name if isinstance(value, MetricFilter) else value.name
    if name in table:
        raise SuiteError(where, f"another {what} is already named {name!r}")
    table[name] = value


def _metric_filter(params: Any, where: Where) -> MetricFilter:
    Node(params, where, "a metric filter")
    try:
        return MetricFilter.from_aws(params)
    except MetricFilterError as error:
        hint = f" ({error.hint})" if error.hint else ""
        raise SuiteError(where, f"metric filter {error.filter_name!r}: {error.field}: "
                                f"{error.message}{hint}") from None


def _alarm(params: Any, where: Where) -> AnyAlarm:
    Node(params, where, "an alarm")
    builder: Callable[[Any], AnyAlarm] = (
        CompositeAlarm.from_aws if "AlarmRule" in params else MetricAlarm.from_aws)
    try:
        return builder(params)
    except (AlarmDefinitionError, StatisticError, ValueError) as error:
        raise SuiteError(where, str(error)) from None


def _from_files(root: Node, key: str, base: Path) -> Iterable[deploy.Located]:
    for item, where in root.items(key):
        spec = Node({"path": item} if isinstance(item, str) else item, where, key)
        spec.check_keys(FROM_FILE, required=("path",))
        path = _resolve(base, spec.text("path") or "", spec.at("path"))
        parameters = spec.get("parameters") or {}
        try:
            config = deploy.load(str(path), parameters=parameters, fmt=spec.text("format"))
        except deploy.DeployError as error:
            raise SuiteError(Where(error.file or str(path), error.line or 1, error.column or 1),
                             str(error)) from None
        errors = [finding for finding in config.problems if finding.severity == "error"]
        if errors:
            first = errors[0]
            raise SuiteError(_origin_where(first.origin, path), first.message)
        yield from (*config.metric_filters, *config.metric_alarms, *config.composite_alarms)


def _deploy_where(located: deploy.Located) -> Where:
    return _origin_where(located.origin, Path(located.origin.file))


def _origin_where(origin: Any, fallback: Path) -> Where:
    if origin is None:
        return Where(str(fallback))
    return Where(origin.file or str(fallback), origin.line or 1, origin.column or 1)


def _resolve(base: Path, text: str, where: Where) -> Path:
    path = (base / text) if not Path(text).is_absolute() else Path(text)
    if not path.exists():
        raise SuiteError(where, f"no such file: {text}")
    return path


def _settings(root: Node) -> Settings:
    if "settings" not in root.data:
        return Settings()
    node = root.child("settings", "settings")
    node.check_keys(SETTINGS)
    values: dict[str, Any] = {}
    if "evaluation_range" in node.data:
        value = node.get("evaluation_range")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SuiteError(node.at("evaluation_range"),
                             "evaluation_range must be a whole number of periods, at least 1")
        values["evaluation_range"] = value
    for key, name in (("ingestion_lag", "ingestion_lag_ms"),
                      ("reorder_window", "reorder_window_ms")):
        if key in node.data:
            values[name] = _notation(duration_ms, node.get(key), node.at(key))
    if "default_value_mode" in node.data:
        mode = node.text("default_value_mode")
        if mode not in ("per-minute", "per-event"):
            raise SuiteError(node.at("default_value_mode"),
                             "default_value_mode must be per-minute or per-event")
        values["default_value_mode"] = mode
    return Settings(**values)


def _notation(reader: Callable[..., Any], value: Any, where: Where, *args: Any) -> Any:
    try:
        return reader(value, *args)
    except NotationError as error:
        raise SuiteError(where, str(error)) from None


# ----------------------------------------------------------------------- pattern tests


def _pattern_case(node: Node, definitions: Definitions) -> PatternCase:
    node.check_keys(PATTERN_CASE, required=("name",))
    name = node.text("name") or ""
    pattern = _case_pattern(node, definitions)
    expectations: list[PatternExpectation] = []
    for item, where in node.items("events"):
        event = Node(item, where, "an event")
        event.check_keys(PATTERN_EVENT, required=("message",))
        extracted = event.get("extracted")
        if extracted is not None:
            extracted = {str(k): str(v) for k, v in Node(extracted, event.at("extracted"),
                                                         "extracted").data.items()}
        expectations.append(PatternExpectation(_message(event, "message"),
                                               event.flag("match", True), extracted, where))
    for key, wanted in (("matches", True), ("no_matches", False)):
        for item, where in node.items(key):
            expectations.append(PatternExpectation(_as_message(item, where), wanted, None,
                                                   where))
    if not expectations:
        raise SuiteError(node.where, f"pattern test {name!r} has no events: add events, "
                                     "matches or no_matches")
    return PatternCase(name, node.where, pattern, tuple(expectations))


def _case_pattern(node: Node, definitions: Definitions) -> cwpattern.FilterPattern:
    if ("pattern" in node.data) == ("filter" in node.data):
        raise SuiteError(node.where, "a pattern test needs exactly one of pattern or filter")
    if "filter" in node.data:
        return _named(definitions.filters, node.text("filter") or "", node.at("filter"),
                      "metric filter").pattern
    text = node.text("pattern") or ""
    try:
        return cwpattern.compile(text)
    except cwpattern.PatternError as error:
        raise SuiteError(node.at("pattern"),
                         f"InvalidParameterException: {error.message}\n"
                         f"{error.caret_display()}") from None


def _named(table: dict[str, Any], name: str, where: Where, what: str) -> Any:
    if name not in table:
        close = difflib.get_close_matches(name, list(table), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise SuiteError(where, f"no {what} named {name!r} in this file{hint}")
    return table[name]


def _message(node: Node, key: str) -> str:
    return _as_message(node.get(key), node.at(key))


def _as_message(value: Any, where: Where) -> str:
    """A message as written, or a YAML mapping written as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    raise SuiteError(where, f"a message must be text or a JSON mapping, not {value!r}")


# ----------------------------------------------------------------------- event sources


def _source(node: Node, base: Path, start_ms: int | None) -> EventSource:
    present = [key for key in SOURCE_FIELDS if key in node.data]
    if not present:
        raise SuiteError(node.where, f"{node.what} needs events, events_from, synth or "
                                     "datapoints")
    inline = tuple(_inline_events(node, start_ms))
    files = tuple(_event_files(node, base))
    synth = _synth(node, base)
    datapoints = tuple(_datapoints(node, start_ms))
    return EventSource(inline, files, synth, datapoints)


def _inline_events(node: Node, start_ms: int | None) -> Iterable[LogEvent]:
    for item, where in node.items("events"):
        event = Node(item, where, "an event")
        event.check_keys(EVENT, required=("at", "message"))
        at = _notation(instant_ms, event.get("at"), event.at("at"), start_ms)
        yield LogEvent(at, _message(event, "message"), f"{where.file}:{where.line}")


def _event_files(node: Node, base: Path) -> Iterable[tuple[str, str]]:
    for item, where in node.items("events_from"):
        spec = Node({"path": item} if isinstance(item, str) else item, where, "events_from")
        spec.check_keys(("path", "format"), required=("path",))
        path = _resolve(base, spec.text("path") or "", spec.at("path"))
        yield str(path), spec.text("format") or "auto"


def _synth(node: Node, base: Path) -> tuple[str, int | None] | None:
    if "synth" not in node.data:
        return None
    spec = node.child("synth", "synth")
    spec.check_keys(("scenario", "seed"), required=("scenario",))
    path = _resolve(base, spec.text("scenario") or "", spec.at("scenario"))
    seed = spec.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise SuiteError(spec.at("seed"), "seed must be a whole number")
    return str(path), seed


def _datapoints(node: Node, start_ms: int | None) -> Iterable[Datapoint]:
    for item, where in node.items("datapoints"):
        spec = Node(item, where, "datapoints")
        spec.check_keys(("metric", "dimensions", "unit", "period", "start", "values"),
                        required=("metric", "values"))
        selector = _selector(spec)
        key = MetricKey(selector.namespace, selector.name, selector.dimensions or (),
                        selector.unit or "None")
        period = _notation(duration_ms, spec.get("period", "1m"), spec.at("period"))
        first = _notation(instant_ms, spec.get("start", "0s"), spec.at("start"), start_ms)
        values = _notation(series, spec.get("values"), spec.at("values"))
        for index, value in enumerate(values):
            if value is not None:
                yield Datapoint(key, first + index * period, (value,))


def _selector(spec: Node) -> MetricSelector:
    metric = spec.text("metric") or ""
    namespace, _, name = metric.rpartition("/")
    if not namespace or not name:
        raise SuiteError(spec.at("metric"), "metric must be written Namespace/MetricName")
    dimensions = spec.get("dimensions")
    dims = None
    if dimensions is not None:
        dims = tuple(sorted((str(k), str(v)) for k, v in Node(
            dimensions, spec.at("dimensions"), "dimensions").data.items()))
    return MetricSelector(namespace, name, dims, spec.text("unit"))


# ------------------------------------------------------------------------ metric tests


def _metric_case(node: Node, definitions: Definitions, base: Path) -> MetricCase:
    node.check_keys(METRIC_CASE, required=("name", "expect"))
    start_ms = _start(node)
    filters = tuple(_names(node, "filters", definitions.filters, "metric filter"))
    expected = []
    for item, where in node.items("expect"):
        spec = Node(item, where, "an expected datapoint")
        spec.check_keys(EXPECTED_DATAPOINT, required=("metric", "at"))
        values = spec.get("values")
        statistics = {key: float(spec.get(key)) for key in ("sum", "count", "min", "max")
                      if key in spec.data}
        if values is None and not statistics:
            raise SuiteError(where, "an expected datapoint needs values or sum/count/min/max")
        expected.append(ExpectedDatapoint(
            _selector(spec), _notation(instant_ms, spec.get("at"), spec.at("at"), start_ms),
            None if values is None else tuple(float(v) for v in _list(values)),
            statistics, where))
    return MetricCase(node.text("name") or "", node.where, start_ms or 0,
                      _source(node, base, start_ms), filters, tuple(expected))


def _start(node: Node) -> int | None:
    if "start_time" not in node.data:
        return None
    return _notation(instant_ms, node.get("start_time"), node.at("start_time"), None)


def _names(node: Node, key: str, table: dict[str, Any], what: str) -> Iterable[str]:
    for item, where in node.items(key):
        _named(table, str(item), where, what)
        yield str(item)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# ------------------------------------------------------------------------- alarm tests


def _alarm_case(node: Node, definitions: Definitions, base: Path) -> AlarmCase:
    node.check_keys(ALARM_CASE, required=("name",))
    start_ms = _start(node)
    alarm = _case_alarm(node, definitions)
    source = _source(node, base, start_ms)
    states = tuple(_expected_states(node, start_ms))
    transitions = None
    if "expect_transitions" in node.data:
        transitions = tuple(_expected_transitions(node, start_ms))
    if not states and transitions is None:
        raise SuiteError(node.where, "an alarm test needs expect_states or expect_transitions")
    first = start_ms if start_ms is not None else _first_time(source)
    end_ms = _end(node, first if first is not None else 0, source, states, transitions)
    return AlarmCase(node.text("name") or "", node.where, alarm, first, end_ms, source,
                     states, transitions)


def _case_alarm(node: Node, definitions: Definitions) -> str:
    if "alarm" in node.data:
        return _named(definitions.alarms, node.text("alarm") or "", node.at("alarm"), "alarm").name
    if len(definitions.alarms) != 1:
        raise SuiteError(node.where, "name the alarm this test is about (alarm: ...); the file "
                                     f"defines {len(definitions.alarms)} alarms")
    return next(iter(definitions.alarms))


def _expected_states(node: Node, start_ms: int | None) -> Iterable[ExpectedState]:
    for item, where in node.items("expect_states"):
        spec = Node(item, where, "an expected state")
        spec.check_keys(("at", "state"), required=("at", "state"))
        yield ExpectedState(_notation(instant_ms, spec.get("at"), spec.at("at"), start_ms),
                            _state(spec, "state"), where)


def _expected_transitions(node: Node, start_ms: int | None) -> Iterable[ExpectedTransition]:
    for item, where in node.items("expect_transitions"):
        spec = Node(item, where, "an expected transition")
        spec.check_keys(("at", "to", "from"), required=("to",))
        at = None
        if "at" in spec.data:
            at = _notation(instant_ms, spec.get("at"), spec.at("at"), start_ms)
        from_ = _state(spec, "from") if "from" in spec.data else None
        yield ExpectedTransition(at, _state(spec, "to"), from_, where)


def _state(spec: Node, key: str) -> AlarmState:
    text = spec.text(key) or ""
    if text not in STATE_NAMES:
        raise SuiteError(spec.at(key), f"{key} must be OK, ALARM or INSUFFICIENT_DATA, "
                                       f"not {text!r}")
    return STATE_NAMES[text]


def _first_time(source: EventSource) -> int | None:
    """The earliest inline time (None when events come from files: known on reading)."""
    if source.files or source.synth:
        return None
    times = [event.timestamp_ms for event in source.inline]
    times += [datapoint.timestamp_ms for datapoint in source.datapoints]
    return min(times, default=0)


def _end(node: Node, start_ms: int, source: EventSource, states: tuple[ExpectedState, ...],
         transitions: tuple[ExpectedTransition, ...] | None) -> int | None:
    """The end of the simulation: given, or an hour after the last known instant (None:
    decided after reading the files)."""
    if "end_time" in node.data:
        return _notation(instant_ms, node.get("end_time"), node.at("end_time"), start_ms)
    if "duration" in node.data:
        return start_ms + _notation(duration_ms, node.get("duration"), node.at("duration"))
    times = [start_ms, *(state.at_ms for state in states)]
    times += [t.at_ms for t in transitions or () if t.at_ms is not None]
    times += [event.timestamp_ms for event in source.inline]
    times += [datapoint.timestamp_ms for datapoint in source.datapoints]
    if source.files or source.synth:
        return None
    return max(times) + DEFAULT_TAIL_MS

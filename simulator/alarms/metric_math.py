"""Metric math for alarms: the ``Metrics`` array of PutMetricAlarm (spec §12).

A metric-math alarm does not watch one metric but an expression over several
(``100 * errors / requests``), evaluated per timestamp with CloudWatch's rules for a point
missing on one side (treated as 0), division by zero (the point is dropped), ``IF`` and
``FILL``.  The expression language is parsed with Lark (``metric_math.lark``) into a small
tree; this module validates the array (ids, ReturnData, periods, limits) and evaluates the
tree over the slots of an alarm's evaluation range.  Functions whose result depends on the
whole fetched range (``SUM(m)``, ``RUNNING_SUM``...) or on services (``SEARCH``) are rejected
with a clear error rather than approximated.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from simulator.alarms.statistics import Statistic, StatisticError, parse_statistic
from simulator.alarms.validation import (
    ENUM,
    STANDARD_UNITS,
    AlarmDefinitionError,
    DefinitionReader,
    read_dimensions,
)

Series: TypeAlias = list[float | None]
Value: TypeAlias = "float | Series"

MAX_QUERIES = 20
MAX_METRIC_STATS = 10
MAX_EXPRESSIONS = 10
MAX_EXPRESSION_LENGTH = 2048
ANOMALY_FUNCTION = "ANOMALY_DETECTION_BAND"
_ID_PATTERN = re.compile(r"[a-z][a-zA-Z0-9_]*")
_PER_POINT: Mapping[str, Callable[[float], float]] = {
    "ABS": abs,
    "CEIL": lambda x: float(math.ceil(x)),
    "FLOOR": lambda x: float(math.floor(x)),
    "LOG": math.log,
    "LOG10": math.log10,
}
SUPPORTED_FUNCTIONS = (*_PER_POINT, "FILL", "IF", "PERIOD", ANOMALY_FUNCTION)
FILL_KEYWORDS = ("REPEAT", "LINEAR")


class MetricMathError(ValueError):
    """An expression the simulator cannot evaluate (message names the query id)."""


# ------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Reference:
    id: str


@dataclass(frozen=True, slots=True)
class Keyword:
    name: str


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    operator: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    arguments: tuple[Node, ...]


Node: TypeAlias = "Number | Reference | Keyword | Negate | Binary | Call"


@cache
def _parser() -> Lark:
    grammar = resources.files("simulator.alarms").joinpath("metric_math.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", maybe_placeholders=False)


def parse_expression(text: str) -> Node:
    """Parse one metric math expression; raise MetricMathError on bad syntax."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        column = getattr(error, "column", "?")
        raise MetricMathError(f"syntax error at column {column} in {text!r}") from None
    except LarkError as error:
        raise MetricMathError(f"cannot parse {text!r}: {error}") from None
    return _to_node(tree)


def _to_node(tree: Tree | Token) -> Node:
    if isinstance(tree, Token):
        raise MetricMathError(f"unexpected token {tree!r}")
    kind, children = tree.data, tree.children
    if kind == "number":
        return Number(float(children[0]))
    if kind == "reference":
        return Reference(str(children[0]))
    if kind == "keyword":
        return Keyword(str(children[0]))
    if kind == "negate":
        return Negate(_to_node(children[0]))
    if kind == "binary":
        left, op, right = children
        return Binary(_normalise_operator(str(op)), _to_node(left), _to_node(right))
    if kind == "call":
        arguments = children[1].children if len(children) > 1 else []
        return Call(str(children[0]), tuple(_to_node(a) for a in arguments))
    raise MetricMathError(f"unexpected expression element {kind}")


def _normalise_operator(op: str) -> str:
    return {"||": "OR", "&&": "AND"}.get(op, op)


def references(node: Node) -> set[str]:
    """Every query id an expression reads."""
    if isinstance(node, Reference):
        return {node.id}
    if isinstance(node, Negate):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        return set().union(*(references(a) for a in node.arguments)) if node.arguments else set()
    return set()


# ------------------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class MetricStatQuery:
    """A ``MetricStat`` entry: one metric, statistic and period."""

    id: str
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: Statistic
    period: int
    unit: str | None
    return_data: bool


@dataclass(frozen=True, slots=True)
class ExpressionQuery:
    """An ``Expression`` entry."""

    id: str
    expression: str
    tree: Node
    return_data: bool


@dataclass(frozen=True, slots=True)
class MetricMath:
    """A validated alarm ``Metrics`` array."""

    queries: tuple[MetricStatQuery | ExpressionQuery, ...]
    return_id: str
    threshold_metric_id: str | None = None

    @property
    def metric_stats(self) -> tuple[MetricStatQuery, ...]:
        return tuple(q for q in self.queries if isinstance(q, MetricStatQuery))

    @property
    def period(self) -> int:
        return self.metric_stats[0].period

    @classmethod
    def from_aws(
        cls, metrics: Any, alarm_name: str | None, threshold_metric_id: str | None = None
    ) -> MetricMath:
        """Validate a PutMetricAlarm ``Metrics`` array (spec §12)."""
        return _MetricsReader(alarm_name).read(metrics, threshold_metric_id)

    def evaluate(self, series_by_id: Mapping[str, Sequence[float | None]]) -> Series:
        """The ReturnData series over the slots, given each MetricStat's per-slot values."""
        lengths = {len(values) for values in series_by_id.values()}
        if len(lengths) != 1 or set(series_by_id) != {q.id for q in self.metric_stats}:
            raise MetricMathError("one equally long series is needed per MetricStat id")
        evaluator = _Evaluator(self, {k: list(v) for k, v in series_by_id.items()}, lengths.pop())
        result = evaluator.value_of(self.return_id)
        if not isinstance(result, list):
            raise MetricMathError(f"{self.return_id}: the alarm expression must be a time series")
        return result


class _MetricsReader:
    def __init__(self, alarm_name: str | None) -> None:
        self.alarm_name = alarm_name

    def fail(self, field: str, message: str) -> AlarmDefinitionError:
        raise AlarmDefinitionError(self.alarm_name, field, message)

    def read(self, metrics: Any, threshold_metric_id: str | None) -> MetricMath:
        if not isinstance(metrics, (list, tuple)) or not metrics:
            self.fail("Metrics", "expected a non-empty list of MetricDataQuery objects")
        if len(metrics) > MAX_QUERIES:
            self.fail("Metrics", f"at most {MAX_QUERIES} queries are allowed")
        queries = [self._query(i, item) for i, item in enumerate(metrics)]
        self._check_counts_and_ids(queries)
        self._check_references(queries)
        self._check_threshold_metric(queries, threshold_metric_id)
        return_id = self._return_id(queries, threshold_metric_id)
        return MetricMath(tuple(queries), return_id, threshold_metric_id)

    def _query(self, index: int, item: Any) -> MetricStatQuery | ExpressionQuery:
        where = f"Metrics[{index}]"
        if not isinstance(item, Mapping):
            self.fail(where, "expected a MetricDataQuery object")
        query_id = item.get("Id")
        if not isinstance(query_id, str) or not _ID_PATTERN.fullmatch(query_id):
            self.fail(
                f"{where}.Id",
                f"invalid Id {query_id!r}: must start with a lowercase letter and contain "
                "only letters, digits and underscores",
            )
        if len(query_id) > 255:
            self.fail(f"{where}.Id", "Id must be at most 255 characters")
        return_data = item.get("ReturnData", True)
        if not isinstance(return_data, bool):
            self.fail(f"{where}.ReturnData", "expected true or false")
        has_stat, has_expression = "MetricStat" in item, "Expression" in item
        if has_stat == has_expression:
            self.fail(where, "exactly one of MetricStat and Expression must be specified")
        if has_expression:
            return self._expression(where, query_id, item["Expression"], return_data)
        return self._metric_stat(where, query_id, item["MetricStat"], return_data)

    def _expression(
        self, where: str, query_id: str, text: Any, return_data: bool
    ) -> ExpressionQuery:
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_EXPRESSION_LENGTH:
            self.fail(f"{where}.Expression", f"must be 1 to {MAX_EXPRESSION_LENGTH} characters")
        try:
            tree = parse_expression(text)
            _check_functions(tree)
        except MetricMathError as error:
            raise AlarmDefinitionError(self.alarm_name, f"{where}.Expression", str(error)) from None
        return ExpressionQuery(query_id, text, tree, return_data)

    def _metric_stat(
        self, where: str, query_id: str, stat: Any, return_data: bool
    ) -> MetricStatQuery:
        field = f"{where}.MetricStat"
        if not isinstance(stat, Mapping) or not isinstance(stat.get("Metric"), Mapping):
            self.fail(field, "expected {Metric: {Namespace, MetricName, Dimensions}, Period, Stat}")
        metric = stat["Metric"]
        namespace, name = metric.get("Namespace"), metric.get("MetricName")
        if not isinstance(namespace, str) or not 1 <= len(namespace) <= 255:
            self.fail(f"{field}.Metric.Namespace", "Namespace must be 1 to 255 characters")
        if not isinstance(name, str) or not 1 <= len(name) <= 255:
            self.fail(f"{field}.Metric.MetricName", "MetricName must be 1 to 255 characters")
        period = stat.get("Period")
        if isinstance(period, bool) or not isinstance(period, int) or period < 1:
            self.fail(f"{field}.Period", "Period must be a positive integer")
        try:
            statistic = parse_statistic(stat.get("Stat", ""))
        except StatisticError as error:
            raise AlarmDefinitionError(self.alarm_name, f"{field}.Stat", str(error)) from None
        unit = stat.get("Unit")
        if unit is not None and unit not in STANDARD_UNITS:
            self.fail(f"{field}.Unit", ENUM.format(", ".join(STANDARD_UNITS)))
        reader = DefinitionReader({"AlarmName": self.alarm_name or ""}, ("AlarmName",))
        dimensions = read_dimensions(reader, metric.get("Dimensions"), f"{field}.Metric.Dimensions")
        return MetricStatQuery(
            query_id, namespace, name, dimensions, statistic, period, unit, return_data
        )

    def _check_counts_and_ids(self, queries: Sequence[MetricStatQuery | ExpressionQuery]) -> None:
        ids = [q.id for q in queries]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            self.fail("Metrics", f"duplicate Id {duplicates[0]!r}")
        stats = [q for q in queries if isinstance(q, MetricStatQuery)]
        if not stats:
            self.fail("Metrics", "at least one MetricStat is required")
        if len(stats) > MAX_METRIC_STATS:
            self.fail("Metrics", f"at most {MAX_METRIC_STATS} MetricStat queries are allowed")
        if len(queries) - len(stats) > MAX_EXPRESSIONS:
            self.fail("Metrics", f"at most {MAX_EXPRESSIONS} expressions are allowed")
        if len({q.period for q in stats}) > 1:
            self.fail("Metrics", "all MetricStat queries of an alarm must use the same Period")

    def _check_references(self, queries: Sequence[MetricStatQuery | ExpressionQuery]) -> None:
        known = {q.id for q in queries}
        graph = {q.id: references(q.tree) for q in queries if isinstance(q, ExpressionQuery)}
        for query_id, refs in graph.items():
            unknown = sorted(refs - known)
            if unknown:
                self.fail(
                    "Metrics", f"expression {query_id!r} references unknown Id {unknown[0]!r}"
                )
        visiting: set[str] = set()
        done: set[str] = set()

        def visit(node: str) -> None:
            if node in done:
                return
            if node in visiting:
                self.fail("Metrics", f"expression {node!r} depends on itself")
            visiting.add(node)
            for child in graph.get(node, ()):
                visit(child)
            visiting.discard(node)
            done.add(node)

        for query_id in graph:
            visit(query_id)

    def _return_id(
        self, queries: Sequence[MetricStatQuery | ExpressionQuery], threshold_id: str | None
    ) -> str:
        returned = [q.id for q in queries if q.return_data and q.id != threshold_id]
        if len(returned) != 1:
            self.fail(
                "Metrics",
                "exactly one metric or expression must have ReturnData set to true "
                f"(found {len(returned)})",
            )
        by_id = {q.id: q for q in queries}
        if not _depends_on_metric(returned[0], by_id):
            self.fail("Metrics", f"{returned[0]!r} must produce a single time series, not a scalar")
        return returned[0]

    def _check_threshold_metric(
        self, queries: Sequence[MetricStatQuery | ExpressionQuery], threshold_id: str | None
    ) -> None:
        for query in queries:
            uses_band = isinstance(query, ExpressionQuery) and _mentions(
                query.tree, ANOMALY_FUNCTION
            )
            if uses_band and query.id != threshold_id:
                self.fail(
                    "ThresholdMetricId",
                    f"{ANOMALY_FUNCTION} in {query.id!r} must be the alarm's ThresholdMetricId",
                )
        if threshold_id is None:
            return
        target = next((q for q in queries if q.id == threshold_id), None)
        is_band = (
            isinstance(target, ExpressionQuery)
            and isinstance(target.tree, Call)
            and target.tree.function == ANOMALY_FUNCTION
        )
        if not is_band:
            self.fail(
                "ThresholdMetricId",
                f"{threshold_id!r} must be an {ANOMALY_FUNCTION}(...) expression in Metrics",
            )


def _depends_on_metric(
    query_id: str, by_id: Mapping[str, MetricStatQuery | ExpressionQuery]
) -> bool:
    query = by_id[query_id]
    if isinstance(query, MetricStatQuery):
        return True
    return any(_depends_on_metric(ref, by_id) for ref in references(query.tree))


def _mentions(node: Node, function: str) -> bool:
    if isinstance(node, Call):
        return node.function == function or any(_mentions(a, function) for a in node.arguments)
    if isinstance(node, Negate):
        return _mentions(node.operand, function)
    if isinstance(node, Binary):
        return _mentions(node.left, function) or _mentions(node.right, function)
    return False


def _check_functions(node: Node) -> None:
    if isinstance(node, Keyword):
        if node.name in FILL_KEYWORDS:
            raise MetricMathError(f"{node.name} is only valid as FILL's second argument")
        raise MetricMathError(f"unknown name {node.name!r}")
    if isinstance(node, Negate):
        _check_functions(node.operand)
    if isinstance(node, Binary):
        _check_functions(node.left)
        _check_functions(node.right)
    if isinstance(node, Call):
        if node.function not in SUPPORTED_FUNCTIONS:
            raise MetricMathError(
                f"function {node.function} is not supported in simulated alarms "
                f"(supported: {', '.join(SUPPORTED_FUNCTIONS)})"
            )
        _check_arity(node)
        for position, argument in enumerate(node.arguments):
            fill_mode = node.function == "FILL" and position == 1 and isinstance(argument, Keyword)
            if not fill_mode:
                _check_functions(argument)


def _check_arity(node: Call) -> None:
    count = len(node.arguments)
    expected = {"FILL": (2, 2), "IF": (2, 3), "PERIOD": (1, 1), ANOMALY_FUNCTION: (1, 2)}
    low, high = expected.get(node.function, (1, 1))
    if not low <= count <= high:
        raise MetricMathError(f"{node.function} takes {low}-{high} arguments, got {count}")
    if node.function == "PERIOD" and not isinstance(node.arguments[0], Reference):
        raise MetricMathError("PERIOD takes a metric id")


# ------------------------------------------------------------------------- evaluation


class _Evaluator:
    def __init__(self, math_: MetricMath, series: dict[str, Series], length: int) -> None:
        self.queries = {q.id: q for q in math_.queries}
        self.values: dict[str, Value] = dict(series)
        self.length = length

    def value_of(self, query_id: str) -> Value:
        if query_id not in self.values:
            query = self.queries[query_id]
            assert isinstance(query, ExpressionQuery)
            self.values[query_id] = self.node(query.tree)
        return self.values[query_id]

    def node(self, node: Node) -> Value:
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Reference):
            return self.value_of(node.id)
        if isinstance(node, Negate):
            return _map(self.node(node.operand), lambda x: -x)
        if isinstance(node, Binary):
            return _binary(node.operator, self.node(node.left), self.node(node.right))
        if isinstance(node, Call):
            return self.call(node)
        raise MetricMathError(f"{node.name} is only valid as FILL's second argument")

    def call(self, node: Call) -> Value:
        name, args = node.function, node.arguments
        if name in _PER_POINT:
            return _map(self.node(args[0]), _PER_POINT[name])
        if name == "PERIOD":
            query = self.queries[args[0].id]  # type: ignore[union-attr]
            if not isinstance(query, MetricStatQuery):
                raise MetricMathError("PERIOD takes the id of a MetricStat")
            return float(query.period)
        if name == "IF":
            otherwise = self.node(args[2]) if len(args) == 3 else None
            return self._if(self.node(args[0]), self.node(args[1]), otherwise)
        if name == "FILL":
            return self._fill(self.node(args[0]), args[1])
        raise MetricMathError(f"{ANOMALY_FUNCTION} bands come from supplied values, not math")

    def _series(self, value: Value) -> Series:
        return value if isinstance(value, list) else [value] * self.length

    def _if(self, condition: Value, then: Value, otherwise: Value | None) -> Value:
        if not isinstance(condition, list):
            chosen = then if condition != 0 else otherwise
            return [None] * self.length if chosen is None else chosen
        result: Series = []
        for i, flag in enumerate(condition):
            branch = then if flag else otherwise
            if flag is None or branch is None:
                result.append(None)
            else:
                point = branch[i] if isinstance(branch, list) else branch
                result.append(0.0 if point is None else point)
        return result

    def _fill(self, value: Value, how: Node) -> Value:
        series = self._series(value)
        if isinstance(how, Keyword):
            return _repeat(series) if how.name == "REPEAT" else _linear(series)
        filler = self._series(self.node(how))
        return [v if v is not None else filler[i] for i, v in enumerate(series)]


def _map(value: Value, function: Callable[[float], float]) -> Value:
    if isinstance(value, list):
        return [_safe(function, v) for v in value]
    return _safe(function, value)


def _safe(function: Callable[[float], float], value: float | None) -> float | None:
    if value is None:
        return None
    try:
        result = function(value)
    except (ValueError, OverflowError, ZeroDivisionError):
        return None
    return result if isinstance(result, float) and math.isfinite(result) else None


_ARITHMETIC: Mapping[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "^": lambda a, b: math.pow(a, b),
}
_LOGIC: Mapping[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "AND": lambda a, b: bool(a) and bool(b),
    "OR": lambda a, b: bool(a) or bool(b),
}


def _binary(op: str, left: Value, right: Value) -> Value:
    if op in _LOGIC:
        test = _LOGIC[op]

        def apply(a: float, b: float) -> float:
            return 1.0 if test(a, b) else 0.0
    else:
        arithmetic = _ARITHMETIC[op]

        def apply(a: float, b: float) -> float:
            return arithmetic(a, b)

    if not isinstance(left, list) and not isinstance(right, list):
        return _point(apply, left, right)  # type: ignore[return-value]
    if not isinstance(left, list) or not isinstance(right, list):
        # Scalar with series: the scalar applies at every point the series has.
        pairs = zip(
            left if isinstance(left, list) else [left] * len(right),  # type: ignore[arg-type]
            right if isinstance(right, list) else [right] * len(left),  # type: ignore[arg-type]
            strict=True,
        )
        return [None if a is None or b is None else _point(apply, a, b) for a, b in pairs]
    result: Series = []
    for a, b in zip(left, right, strict=True):
        if a is None and b is None:
            result.append(None)
        else:  # a point missing on one side counts as 0 (spec §12)
            result.append(_point(apply, 0.0 if a is None else a, 0.0 if b is None else b))
    return result


def _point(apply: Callable[[float, float], float], a: float, b: float) -> float | None:
    try:
        result = apply(a, b)
    except (ZeroDivisionError, ValueError, OverflowError):
        return None  # division by zero (or an undefined power) drops the point
    return result if math.isfinite(result) else None


def _repeat(series: Series) -> Series:
    result: Series = []
    last: float | None = None
    for value in series:
        last = value if value is not None else last
        result.append(last)
    return result


def _linear(series: Series) -> Series:
    result = list(series)
    known = [i for i, v in enumerate(series) if v is not None]
    for start, end in itertools.pairwise(known):
        low, high = series[start], series[end]
        assert low is not None and high is not None
        for i in range(start + 1, end):
            result[i] = low + (high - low) * (i - start) / (end - start)
    return result

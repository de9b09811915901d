"""Metric filters as PutMetricFilter defines them, validated the way AWS validates them.

A metric filter is only worth simulating if the simulator refuses what AWS refuses, with
the words AWS uses, so that a definition that passes here deploys.  Validation runs in
AWS's order:

1. the SDK's client-side checks (types, required and unknown parameters, minimum
   lengths), reported in botocore's words (``Parameter validation failed:`` ...);
2. the service's model constraints (maximum lengths, name patterns, the unit enum,
   one transformation, three dimensions), reported as ``N validation error(s)
   detected: Value '...' at '...' failed to satisfy constraint: ...``;
3. the filter pattern itself (:class:`cwpattern.PatternError`'s AWS text);
4. the metric filter rules of filter-syntax spec §7.1 and §9, with AWS's texts where
   they are known (``The specified filter pattern does not support dimensions``,
   ``Invalid metric transformation: dimensions and default value are mutually exclusive
   properties``).

Every failure is a :class:`MetricFilterError` naming the filter and the field.  Where
AWS's exact words are not on record the message says so in its ``hint`` (see
``INFERRED_TEXTS``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import cwpattern
from simulator.metrics import NO_UNIT, MetricKey

# The texts AWS returns (filter-syntax spec §9).
DIMENSIONS_NOT_SUPPORTED = "The specified filter pattern does not support dimensions"
DIMENSIONS_AND_DEFAULT = (
    "Invalid metric transformation: dimensions and default value are mutually exclusive properties"
)
# Texts whose exact AWS wording is not on record; the closest AWS phrasing is used.
INVALID_METRIC_VALUE = "Invalid metric transformation: invalid metric value"
INFERRED_TEXTS = (INVALID_METRIC_VALUE,)

MAX_DIMENSIONS = 3
STANDARD_UNITS = (
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
    "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
)  # fmt: skip
# PutMetricFilter's members, in the API model's order (botocore lists them so).
REQUEST_MEMBERS = (
    "logGroupName", "filterName", "filterPattern", "metricTransformations",
    "applyOnTransformedLogs", "fieldSelectionCriteria", "emitSystemFieldDimensions",
)  # fmt: skip
TRANSFORMATION_MEMBERS = (
    "metricName", "metricNamespace", "metricValue", "defaultValue", "dimensions", "unit",
)  # fmt: skip
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
# CloudWatch accepts values within +-2^360 (alarm-semantics spec §3).
MAX_METRIC_VALUE = 2.0**360

_STR = "<class 'str'>"
_DOUBLE = "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"
_LIST = "<class 'list'>, <class 'tuple'>"
_DICT = "<class 'dict'>"
_BOOL = "<class 'bool'>"


class MetricFilterError(ValueError):
    """An invalid metric filter definition.

    Attributes:
        message: the text AWS returns for this mistake.
        filter_name: the filter's name (``None`` if it has none yet).
        field: the parameter at fault (``metricTransformations[0].metricValue``).
        hint: our explanation, when AWS's text alone does not say what is wrong.
    """

    def __init__(
        self, message: str, filter_name: str | None, field: str, hint: str | None = None
    ) -> None:
        self.message = message
        self.filter_name = filter_name
        self.field = field
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        name = (
            "metric filter" if self.filter_name is None else f"metric filter {self.filter_name!r}"
        )
        text = f"{name}: {self.field}: {self.message}"
        return f"{text}\n{self.hint}" if self.hint else text


@dataclass(frozen=True, slots=True)
class MetricTransformation:
    """How a match becomes a metric sample (PutMetricFilter's MetricTransformation)."""

    metric_name: str
    metric_namespace: str
    metric_value: str
    default_value: float | None = None
    dimensions: tuple[tuple[str, str], ...] = ()  # (dimension name, field reference)
    unit: str = NO_UNIT

    @property
    def literal_value(self) -> float | None:
        """The metric value when it is a number rather than a field reference."""
        return float(self.metric_value) if _NUMBER.fullmatch(self.metric_value) else None


@dataclass(frozen=True)
class MetricFilter:
    """A metric filter; build it with :meth:`from_aws` to have it validated."""

    filter_name: str
    filter_pattern: str
    transformation: MetricTransformation
    log_group_name: str | None = None

    @cached_property
    def pattern(self) -> cwpattern.FilterPattern:
        """The compiled filter pattern."""
        return cwpattern.compile(self.filter_pattern)

    @classmethod
    def from_aws(cls, params: Mapping[str, object]) -> MetricFilter:
        """Build from PutMetricFilter's parameters, or raise :class:`MetricFilterError`."""
        return _build(params)

    @property
    def references(self) -> tuple[str, ...]:
        """The field references to extract from a match: the value's, then dimensions'."""
        transformation = self.transformation
        wanted = [] if transformation.literal_value is not None else [transformation.metric_value]
        wanted.extend(reference for _, reference in transformation.dimensions)
        return tuple(wanted)

    def base_key(self) -> MetricKey:
        """The metric without dimensions (where default values are published)."""
        t = self.transformation
        return MetricKey.of(t.metric_namespace, t.metric_name, None, t.unit)


# --- building and validating ---------------------------------------------------------


def _build(params: Mapping[str, object]) -> MetricFilter:
    name = params.get("filterName") if isinstance(params, Mapping) else None
    name = name if isinstance(name, str) else None
    _client_side_checks(params, name)
    _model_constraints(params, name)
    pattern_text = str(params["filterPattern"])
    try:
        pattern = cwpattern.compile(pattern_text)
    except cwpattern.PatternError as error:
        raise MetricFilterError(
            error.message, name, "filterPattern", _pattern_hint(error)
        ) from error
    [raw] = params["metricTransformations"]  # type: ignore[misc]
    transformation = _transformation(raw, pattern, name)
    log_group = params.get("logGroupName")
    return MetricFilter(
        filter_name=str(name),
        filter_pattern=pattern_text,
        transformation=transformation,
        log_group_name=log_group if isinstance(log_group, str) else None,
    )


class _Problems:
    """Collects violations, then raises them all at once, as botocore and AWS do."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []  # (field, text)

    def add(self, field_name: str, text: str) -> None:
        self.items.append((field_name, text))


def _client_side_checks(params: object, name: str | None) -> None:
    """botocore's ParamValidator: types, required and unknown members, min lengths."""
    problems = _Problems()
    if not isinstance(params, Mapping):
        problems.add("input", _invalid_type("input", params, _DICT))
    else:
        # logGroupName is required by PutMetricFilter, but a replay has no log group, so
        # it is optional here (and validated when given).
        _check_structure(
            params,
            "",
            REQUEST_MEMBERS,
            ("filterName", "filterPattern", "metricTransformations"),
            problems,
        )
        _check_string(params, "logGroupName", "logGroupName", 1, problems)
        _check_string(params, "filterName", "filterName", 1, problems)
        _check_string(params, "filterPattern", "filterPattern", 0, problems)
        for flag in ("applyOnTransformedLogs", "emitSystemFieldDimensions"):
            if flag in params and not isinstance(params[flag], bool):
                problems.add(flag, _invalid_type(flag, params[flag], _BOOL))
        transformations = params.get("metricTransformations")
        if transformations is not None:
            _check_transformations(transformations, problems)
    if problems.items:
        text = "Parameter validation failed:\n" + "\n".join(t for _, t in problems.items)
        raise MetricFilterError(text, name, problems.items[0][0])


def _check_transformations(value: object, problems: _Problems) -> None:
    path = "metricTransformations"
    if not isinstance(value, (list, tuple)):
        problems.add(path, _invalid_type(path, value, _LIST))
        return
    if not value:
        problems.add(path, f"Invalid length for parameter {path}, value: 0, valid min length: 1")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            problems.add(where, _invalid_type(where, item, _DICT))
            continue
        _check_structure(
            item,
            where,
            TRANSFORMATION_MEMBERS,
            ("metricName", "metricNamespace", "metricValue"),
            problems,
        )
        for member in ("metricName", "metricNamespace", "metricValue", "unit"):
            _check_string(item, member, f"{where}.{member}", 0, problems)
        default = item.get("defaultValue")
        if default is not None and (
            isinstance(default, bool) or not isinstance(default, (int, float))
        ):
            problems.add(
                f"{where}.defaultValue", _invalid_type(f"{where}.defaultValue", default, _DOUBLE)
            )
        dimensions = item.get("dimensions")
        if dimensions is not None:
            if not isinstance(dimensions, Mapping):
                problems.add(
                    f"{where}.dimensions", _invalid_type(f"{where}.dimensions", dimensions, _DICT)
                )
            else:
                for key, reference in dimensions.items():
                    if not isinstance(key, str):
                        problems.add(
                            f"{where}.dimensions",
                            _invalid_type(f"{where}.dimensions (key: {key})", key, _STR),
                        )
                    if not isinstance(reference, str):
                        problems.add(
                            f"{where}.dimensions.{key}",
                            _invalid_type(f"{where}.dimensions.{key}", reference, _STR),
                        )


def _check_structure(
    value: Mapping[str, object],
    where: str,
    members: tuple[str, ...],
    required: tuple[str, ...],
    problems: _Problems,
) -> None:
    name = where or "input"
    for member in required:
        if member not in value:
            problems.add(
                f"{where}.{member}".lstrip("."), f'Missing required parameter in {name}: "{member}"'
            )
    for member in value:
        if member not in members:
            problems.add(
                name,
                f'Unknown parameter in {name}: "{member}", must be one of: {", ".join(members)}',
            )


def _check_string(
    value: Mapping[str, object], member: str, path: str, min_length: int, problems: _Problems
) -> None:
    if member not in value:
        return
    text = value[member]
    if not isinstance(text, str):
        # metricValue is a string in the API; YAML and JSON configs often give a number.
        if (
            member == "metricValue"
            and isinstance(text, (int, float))
            and not isinstance(text, bool)
        ):
            return
        problems.add(path, _invalid_type(path, text, _STR))
    elif len(text) < min_length:
        problems.add(
            path,
            f"Invalid length for parameter {path}, value: {len(text)}, "
            f"valid min length: {min_length}",
        )


def _invalid_type(path: str, value: object, valid: str) -> str:
    return (
        f"Invalid type for parameter {path}, value: {value}, type: {type(value)}, "
        f"valid types: {valid}"
    )


def _model_constraints(params: Mapping[str, object], name: str | None) -> None:
    """The service's model constraints, reported together as AWS's validation errors."""
    problems = _Problems()
    _constrain(problems, params.get("logGroupName"), "logGroupName", 512, r"[\.\-_/#A-Za-z0-9]+")
    _constrain(problems, params.get("filterName"), "filterName", 512, r"[^:*]*")
    _constrain(problems, params.get("filterPattern"), "filterPattern", 1024, None)
    transformations = params["metricTransformations"]
    assert isinstance(transformations, (list, tuple))
    if len(transformations) > 1:
        problems.add(
            "metricTransformations",
            "Value at 'metricTransformations' failed to satisfy constraint: "
            "Member must have length less than or equal to 1",
        )
    for index, item in enumerate(transformations):
        assert isinstance(item, Mapping)
        where = f"metricTransformations.{index + 1}.member"
        for member in ("metricName", "metricNamespace"):
            _constrain(problems, item.get(member), f"{where}.{member}", 255, r"[^:*$]*")
        value = item.get("metricValue")
        _constrain(
            problems, value if isinstance(value, str) else None, f"{where}.metricValue", 100, None
        )
        unit = item.get("unit")
        if unit is not None and unit not in STANDARD_UNITS:
            problems.add(
                f"{where}.unit",
                f"Value '{unit}' at '{where}.unit' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(STANDARD_UNITS)}]",
            )
        dimensions = item.get("dimensions") or {}
        assert isinstance(dimensions, Mapping)
        if len(dimensions) > MAX_DIMENSIONS:
            problems.add(
                f"{where}.dimensions",
                f"Value at '{where}.dimensions' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_DIMENSIONS}",
            )
        for key, reference in dimensions.items():
            _constrain(problems, key, f"{where}.dimensions", 255, None, what="Map keys")
            _constrain(problems, reference, f"{where}.dimensions", 255, None, what="Map values")
    if problems.items:
        count = len(problems.items)
        plural = "s" if count > 1 else ""
        text = f"{count} validation error{plural} detected: " + "; ".join(
            t for _, t in problems.items
        )
        raise MetricFilterError(text, name, _api_path(problems.items[0][0]))


def _constrain(
    problems: _Problems,
    value: object,
    path: str,
    max_length: int,
    pattern: str | None,
    what: str = "",
) -> None:
    if not isinstance(value, str):
        return
    if what:
        if len(value) > max_length:
            problems.add(
                path,
                f"Value at '{path}' failed to satisfy constraint: {what} must "
                f"satisfy constraint: [Member must have length less than or "
                f"equal to {max_length}]",
            )
        return
    if len(value) > max_length:
        problems.add(
            path,
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {max_length}",
        )
    if pattern is not None and not re.fullmatch(pattern, value):
        problems.add(
            path,
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {pattern}",
        )


def _api_path(model_path: str) -> str:
    """``metricTransformations.1.member.metricName`` -> ``metricTransformations[0].metricName``."""
    match = re.fullmatch(r"(\w+)\.(\d+)\.member(.*)", model_path)
    if match is None:
        return model_path
    return f"{match.group(1)}[{int(match.group(2)) - 1}]{match.group(3)}"


def _transformation(
    raw: Mapping[str, object], pattern: cwpattern.FilterPattern, name: str | None
) -> MetricTransformation:
    where = "metricTransformations[0]"
    dimensions = raw.get("dimensions") or {}
    assert isinstance(dimensions, Mapping)
    default = raw.get("defaultValue")
    if dimensions and default is not None:
        raise MetricFilterError(DIMENSIONS_AND_DEFAULT, name, f"{where}.dimensions")
    if dimensions and pattern.kind == "text":
        raise MetricFilterError(
            DIMENSIONS_NOT_SUPPORTED,
            name,
            f"{where}.dimensions",
            "dimensions need a JSON ({ ... }) or space-delimited ([ ... ]) filter pattern",
        )
    for key, reference in dimensions.items():
        _check_reference(pattern, str(reference), name, f"{where}.dimensions.{key}")
    value = raw["metricValue"]
    value_text = value if isinstance(value, str) else repr(value)
    _check_metric_value(pattern, value_text, name, f"{where}.metricValue")
    return MetricTransformation(
        metric_name=str(raw["metricName"]),
        metric_namespace=str(raw["metricNamespace"]),
        metric_value=value_text,
        default_value=None if default is None else float(default),  # type: ignore[arg-type]
        dimensions=tuple((str(k), str(v)) for k, v in dimensions.items()),
        unit=str(raw.get("unit") or NO_UNIT),
    )


def _check_metric_value(
    pattern: cwpattern.FilterPattern, value: str, name: str | None, where: str
) -> None:
    if _NUMBER.fullmatch(value):
        if not math.isfinite(float(value)) or abs(float(value)) > MAX_METRIC_VALUE:
            raise MetricFilterError(
                INVALID_METRIC_VALUE,
                name,
                where,
                f"{value} is outside CloudWatch's range of +-2^360",
            )
        return
    if not value.startswith("$"):
        raise MetricFilterError(
            INVALID_METRIC_VALUE,
            name,
            where,
            f"metricValue {value!r} is neither a number nor a field reference; write "
            f"'1' to count matches, or '$.field' (JSON) / '$name' (space-delimited)",
        )
    if pattern.kind == "text":
        raise MetricFilterError(
            INVALID_METRIC_VALUE,
            name,
            where,
            f"metricValue {value!r} refers to an event field, but a text pattern has no "
            f"fields; use a number, or a JSON or space-delimited pattern",
        )
    _check_reference(pattern, value, name, where)


def _check_reference(
    pattern: cwpattern.FilterPattern, reference: str, name: str | None, where: str
) -> None:
    try:
        pattern.check_reference(reference)
    except cwpattern.PatternError as error:
        raise MetricFilterError(error.message, name, where, _pattern_hint(error)) from error


def _pattern_hint(error: cwpattern.PatternError) -> str:
    """Where in the pattern (or reference) the problem is, and why if AWS does not say."""
    return error.caret_display() + (f"\n{error.hint}" if error.hint else "")


def parse_metric_number(text: str) -> float | None:
    """The sample an extracted value gives, or None if it is not a usable number.

    Accepts decimal and scientific notation ("50", "-1.5", "1e3"); rejects anything
    else ("1,534", "12ms", "true", "NaN") and values beyond CloudWatch's +-2^360.
    """
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if abs(number) <= MAX_METRIC_VALUE else None

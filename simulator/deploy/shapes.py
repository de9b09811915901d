"""Coerce loaded values to the types PutMetricFilter/PutMetricAlarm/PutCompositeAlarm take.

Sources disagree on types: CloudFormation accepts ``Threshold: "1"`` and
``ActionsEnabled: "true"``, YAML turns ``MetricValue: 1`` into an int, Terraform keeps
``default_value`` as a string.  Every loader hands its API-named dict to :func:`coerce`,
so the output has one shape whatever the source, and a value that cannot be converted
is reported by its parameter path instead of being passed on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from simulator.deploy.model import Kind


class ShapeError(ValueError):
    """A parameter has a value of the wrong type; ``path`` names it (``Metrics[0].Id``)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


Coercer = Callable[[Any, str], Any]


def as_string(value: Any, path: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ShapeError(path, f"expected a string, got {_describe(value)}")


def as_int(value: Any, path: str) -> int:
    if isinstance(value, bool):
        raise ShapeError(path, f"expected an integer, got {_describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ShapeError(path, f"expected an integer, got {_describe(value)}")


def as_float(value: Any, path: str) -> float:
    if isinstance(value, bool):
        raise ShapeError(path, f"expected a number, got {_describe(value)}")
    number: float | None = None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise ShapeError(path, f"expected a finite number, got {_describe(value)}")
    return number


def as_bool(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ShapeError(path, f"expected true or false, got {_describe(value)}")


def as_string_list(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        raise ShapeError(path, f"expected a list of strings, got {_describe(value)}")
    return [as_string(item, f"{path}[{index}]") for index, item in enumerate(value)]


def as_dimensions(value: Any, path: str) -> list[dict[str, str]]:
    """PutMetricAlarm's ``[{"Name": ..., "Value": ...}]``."""
    if not isinstance(value, list):
        raise ShapeError(path, f"expected a list of {{Name, Value}}, got {_describe(value)}")
    result = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, dict) or set(item) != {"Name", "Value"}:
            raise ShapeError(where, "expected exactly the keys Name and Value")
        result.append(
            {"Name": as_string(item["Name"], f"{where}.Name"),
             "Value": as_string(item["Value"], f"{where}.Value")}
        )
    return result


def as_string_map(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ShapeError(path, f"expected a map of strings, got {_describe(value)}")
    return {as_string(key, path): as_string(item, f"{path}.{key}") for key, item in value.items()}


def _structure(fields: dict[str, Coercer]) -> Coercer:
    def coerce_structure(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ShapeError(path, f"expected a structure, got {_describe(value)}")
        result = {}
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key not in fields:
                raise ShapeError(where, "unknown parameter")
            result[key] = fields[key](item, where)
        return result

    return coerce_structure


def _list_of(coerce_item: Coercer) -> Coercer:
    def coerce_list(value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise ShapeError(path, f"expected a list, got {_describe(value)}")
        return [coerce_item(item, f"{path}[{index}]") for index, item in enumerate(value)]

    return coerce_list


_METRIC = _structure(
    {"Namespace": as_string, "MetricName": as_string, "Dimensions": as_dimensions}
)
_METRIC_STAT = _structure(
    {"Metric": _METRIC, "Period": as_int, "Stat": as_string, "Unit": as_string}
)
_METRIC_DATA_QUERY = _structure(
    {
        "Id": as_string,
        "MetricStat": _METRIC_STAT,
        "Expression": as_string,
        "Label": as_string,
        "ReturnData": as_bool,
        "Period": as_int,
        "AccountId": as_string,
    }
)
_ACTIONS = {
    "ActionsEnabled": as_bool,
    "OKActions": as_string_list,
    "AlarmActions": as_string_list,
    "InsufficientDataActions": as_string_list,
}
PUT_METRIC_ALARM = _structure(
    {
        "AlarmName": as_string,
        "AlarmDescription": as_string,
        **_ACTIONS,
        "MetricName": as_string,
        "Namespace": as_string,
        "Statistic": as_string,
        "ExtendedStatistic": as_string,
        "Dimensions": as_dimensions,
        "Period": as_int,
        "Unit": as_string,
        "EvaluationPeriods": as_int,
        "DatapointsToAlarm": as_int,
        "Threshold": as_float,
        "ComparisonOperator": as_string,
        "TreatMissingData": as_string,
        "EvaluateLowSampleCountPercentile": as_string,
        "Metrics": _list_of(_METRIC_DATA_QUERY),
        "ThresholdMetricId": as_string,
    }
)
PUT_COMPOSITE_ALARM = _structure(
    {
        "AlarmName": as_string,
        "AlarmDescription": as_string,
        "AlarmRule": as_string,
        **_ACTIONS,
        "ActionsSuppressor": as_string,
        "ActionsSuppressorWaitPeriod": as_int,
        "ActionsSuppressorExtensionPeriod": as_int,
    }
)
_METRIC_TRANSFORMATION = _structure(
    {
        "metricName": as_string,
        "metricNamespace": as_string,
        "metricValue": as_string,
        "defaultValue": as_float,
        "dimensions": as_string_map,
        "unit": as_string,
    }
)
PUT_METRIC_FILTER = _structure(
    {
        "filterName": as_string,
        "filterPattern": as_string,
        "metricTransformations": _list_of(_METRIC_TRANSFORMATION),
    }
)
_SHAPES: dict[Kind, Coercer] = {
    "metric_filter": PUT_METRIC_FILTER,
    "metric_alarm": PUT_METRIC_ALARM,
    "composite_alarm": PUT_COMPOSITE_ALARM,
}


def log_group_name(value: Any, path: str) -> str | None:
    """A metric filter's log group name (absent is allowed; the caller decides)."""
    return None if value is None else as_string(value, path)


def coerce(kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every value converted to its API type; raises :class:`ShapeError`."""
    result: dict[str, Any] = _SHAPES[kind](params, "")
    return result


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return type(value).__name__.replace("Marked", "").lower()
    return repr(value)

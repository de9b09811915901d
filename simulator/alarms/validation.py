"""Checks shared by PutMetricAlarm and PutCompositeAlarm definitions, with AWS's wording.

Alarm definitions come from files that may arrive in untrusted pull requests, and the point
of a local check is to fail *before* deploying with the message CloudWatch would give.  AWS
reports model constraints in a fixed shape (``1 validation error detected: Value 'x' at
'period' failed to satisfy constraint: ...``) and a few semantic rules with their own text;
both are produced here, wrapped in :class:`AlarmDefinitionError`, which names the alarm and
the field so a user with fifty alarms knows where to look.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

MAX_ACTIONS_PER_STATE = 5
MAX_ARN_LENGTH = 1024
MAX_TAGS = 50
ACTION_LISTS = ("OKActions", "AlarmActions", "InsufficientDataActions")
MIN_LENGTH = "Member must have length greater than or equal to {}"
MAX_LENGTH = "Member must have length less than or equal to {}"
MIN_VALUE = "Member must have value greater than or equal to {}"
ENUM = "Member must satisfy enum value set: [{}]"
STANDARD_UNITS = (
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
)  # fmt: skip


class AlarmDefinitionError(ValueError):
    """An alarm definition CloudWatch would reject, naming the alarm and the field."""

    def __init__(self, alarm_name: str | None, field: str, message: str) -> None:
        self.alarm_name = alarm_name
        self.field = field
        self.message = message
        where = f"alarm {alarm_name!r}" if alarm_name else "alarm definition"
        super().__init__(f"{where}: {field}: {message}")


class DefinitionReader:
    """Reads one PutMetricAlarm / PutCompositeAlarm dict, raising errors that name the alarm."""

    def __init__(self, definition: Mapping[str, Any], known_fields: Iterable[str]) -> None:
        if not isinstance(definition, Mapping):
            raise AlarmDefinitionError(None, "(definition)", "expected a mapping of parameters")
        self.definition = definition
        raw_name = definition.get("AlarmName")
        self.alarm_name = raw_name if isinstance(raw_name, str) else None
        known = tuple(known_fields)
        for key in definition:
            if key not in known:
                self.fail(
                    str(key),
                    f'Unknown parameter in input: "{key}", must be one of: {", ".join(known)}',
                )

    def fail(self, field: str, message: str) -> AlarmDefinitionError:
        raise AlarmDefinitionError(self.alarm_name, field, message)

    def has(self, field: str) -> bool:
        return self.definition.get(field) is not None

    def constraint(self, field: str, value: Any, constraint: str) -> AlarmDefinitionError:
        """Raise AWS's model-constraint error for ``field``."""
        member = field[0].lower() + field[1:]
        shown = str(value)
        if len(shown) > 80:  # hostile 10 KB values would drown the message
            shown = shown[:77] + "..."
        raise self.fail(
            field,
            f"1 validation error detected: Value '{shown}' at '{member}' failed to satisfy "
            f"constraint: {constraint}",
        )

    def required(self, field: str) -> Any:
        if not self.has(field):
            self.fail(field, f"{field} must not be null")
        return self.definition[field]

    def string(
        self, field: str, *, required: bool = False, min_len: int = 0, max_len: int = 1024
    ) -> str | None:
        value = self.required(field) if required else self.definition.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(field, f"expected a string, got {type(value).__name__}")
        if len(value) < min_len:
            self.constraint(field, value, MIN_LENGTH.format(min_len))
        if len(value) > max_len:
            self.constraint(field, value, MAX_LENGTH.format(max_len))
        return value

    def enum(self, field: str, allowed: Iterable[str], *, required: bool = False) -> str | None:
        value = self.string(field, required=required, max_len=255)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            self.constraint(field, value, ENUM.format(", ".join(allowed)))
        return value

    def integer(self, field: str, *, required: bool = False, minimum: int = 1) -> int | None:
        value = self.required(field) if required else self.definition.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, f"expected an integer, got {value!r}")
        if value < minimum:
            self.constraint(field, value, MIN_VALUE.format(minimum))
        return value

    def number(self, field: str) -> float | None:
        value = self.definition.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            self.fail(field, f"{field} must be a finite number")
        return float(value)

    def boolean(self, field: str, default: bool) -> bool:
        value = self.definition.get(field)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(field, f"expected true or false, got {value!r}")
        return value

    def tags(self) -> None:
        """``Tags``: at most 50 ``{Key, Value}`` pairs (ignored otherwise)."""
        value = self.definition.get("Tags")
        if value is None:
            return
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(tag, Mapping) and isinstance(tag.get("Key"), str) for tag in value
        ):
            self.fail("Tags", "expected a list of {Key, Value} objects")
        if len(value) > MAX_TAGS:
            self.constraint("Tags", f"{len(value)} tags", MAX_LENGTH.format(MAX_TAGS))

    def alarm_name_field(self) -> str:
        name = self.string("AlarmName", required=True, min_len=1, max_len=255)
        assert name is not None
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            self.fail("AlarmName", "AlarmName must not contain ASCII control characters")
        return name

    def actions(self, field: str) -> tuple[str, ...]:
        value = self.definition.get(field)
        if value is None:
            return ()
        if not isinstance(value, (list, tuple)):
            self.fail(field, "expected a list of ARNs")
        if len(value) > MAX_ACTIONS_PER_STATE:
            self.constraint(field, value, MAX_LENGTH.format(MAX_ACTIONS_PER_STATE))
        for arn in value:
            if not isinstance(arn, str) or not 1 <= len(arn) <= MAX_ARN_LENGTH:
                self.fail(field, f"each action must be an ARN of 1 to {MAX_ARN_LENGTH} characters")
            if not arn.startswith("arn:"):
                self.fail(field, f"Invalid arn syntax: {arn}")
        return tuple(value)


def read_dimensions(
    reader: DefinitionReader, value: Any, field: str
) -> tuple[tuple[str, str], ...]:
    """Validate a ``[{"Name":..., "Value":...}]`` list; return sorted (name, value) pairs."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        reader.fail(field, "expected a list of {Name, Value} objects")
    if len(value) > 30:
        reader.constraint(field, value, "Member must have length less than or equal to 30")
    pairs: dict[str, str] = {}
    for item in value:
        name = item.get("Name") if isinstance(item, Mapping) else None
        text = item.get("Value") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not 1 <= len(name) <= 255 or name.startswith(":"):
            reader.fail(field, f"invalid dimension name in {item!r}")
        if not isinstance(text, str) or not 1 <= len(text) <= 1024:
            reader.fail(field, f"invalid dimension value in {item!r}")
        if name in pairs:
            reader.fail(field, f"dimension {name!r} is given twice")
        pairs[name] = text
    return tuple(sorted(pairs.items()))

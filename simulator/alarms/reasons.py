"""Reason text, StateReasonData and number/date formats shaped like CloudWatch's (spec §9).

A team reading the simulator's history should see what the console would show them:
``Threshold Crossed: 1 out of the last 1 datapoints [84.0 (12/05/23 10:07:00)] was greater
than or equal to the threshold (80.0) ...``.  CloudWatch is written in Java, so numbers print
like ``Double.toString`` (``84.0``, ``38.839999999999996``, ``1.0E7``) and dates use Java
patterns.  The wording for M-of-N with fills is partly inferred (spec A6); every such string is
built here and nowhere else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from simulator.alarms.decision import AlarmState, Decision, Rule

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_PLAIN_MIN, _PLAIN_MAX = Decimal("0.001"), Decimal("1E7")


def java_double(value: float) -> str:
    """Format a float exactly like Java's ``Double.toString`` (shortest round-trip digits)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    exact = Decimal(repr(abs(value)))
    if _PLAIN_MIN <= exact < _PLAIN_MAX:
        text = format(exact.normalize(), "f")
        return sign + (text if "." in text else text + ".0")
    digits = exact.normalize().as_tuple()
    mantissa = "".join(map(str, digits.digits))
    exponent = len(mantissa) - 1 + int(digits.exponent)
    return f"{sign}{mantissa[0]}.{mantissa[1:] or '0'}E{exponent}"


def _utc(epoch_ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=epoch_ms)


def reason_date(epoch_ms: int) -> str:
    """``dd/MM/yy HH:mm:ss`` in UTC, the datapoint timestamp format of reason strings."""
    return _utc(epoch_ms).strftime("%d/%m/%y %H:%M:%S")


def iso_date(epoch_ms: int) -> str:
    """``2024-02-16T10:08:02.127+0000``, the StateReasonData / SNS timestamp format."""
    moment = _utc(epoch_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}+0000"


def long_date(epoch_ms: int) -> str:
    """``Sunday 30 October, 2022 20:47:35 UTC``, used in composite alarm reasons."""
    moment = _utc(epoch_ms)
    return f"{moment:%A} {moment.day} {moment:%B}, {moment:%Y %H:%M:%S} UTC"


class RawJson(str):
    """Text that is already JSON (a StateReasonData inside HistoryData): embedded verbatim."""


_encode_string = json.encoder.encode_basestring  # C-accelerated; keeps non-ASCII as is


def to_json(value: Any) -> str:
    """Compact JSON with Java-formatted doubles (``1.0``, not ``1``), as CloudWatch emits."""
    if isinstance(value, RawJson):
        return str(value)
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, Mapping):
        items = (f"{_encode_string(str(k))}:{to_json(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _verb(count: int) -> str:
    return "was" if count == 1 else "were"


@dataclass(frozen=True, slots=True)
class Slot:
    """One period of the evaluation range as reasons need it (value None = missing)."""

    start_ms: int
    value: float | None
    sample_count: float | None = None
    band: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """How an alarm compares, for its reason text.

    ``phrase`` is the operator phrase (``greater than or equal to``); for anomaly alarms it
    holds ``{lower}``/``{upper}`` placeholders for the band values of the listed datapoints.
    """

    phrase: str
    threshold: float | None
    evaluation_periods: int
    datapoints_to_alarm: int

    @property
    def is_anomaly(self) -> bool:
        return self.threshold is None


def state_reason(
    decision: Decision, new_state: AlarmState, slots: Sequence[Slot], criterion: Criterion
) -> str:
    """The ``StateReason`` for entering ``new_state`` after ``decision`` (spec §9.2)."""
    n, m = criterion.evaluation_periods, criterion.datapoints_to_alarm
    if new_state is AlarmState.INSUFFICIENT_DATA:
        unknown = n - len(decision.used)
        return f"Insufficient Data: {_plural(unknown, 'datapoint')} {_verb(unknown)} unknown."
    into_alarm = new_state is AlarmState.ALARM
    fill_kind = "Breaching" if decision.fill_breaches else "NonBreaching"
    if decision.rule is Rule.FILLED and not decision.used:
        return (
            f"Threshold Crossed: no datapoints were received for {_plural(n, 'period')} and "
            f"{_plural(n, 'missing datapoint')} {_verb(n)} treated as [{fill_kind}]."
        )
    listed = decision.breaching if into_alarm else decision.good
    clauses = []
    if listed:
        clauses.append(
            _datapoints_clause(
                listed[::-1], len(decision.used), slots, criterion, negated=not into_alarm
            )
        )
    if decision.rule is Rule.FILLED and decision.fill_breaches == into_alarm:
        fills = decision.filled
        clauses.append(
            f"{_plural(fills, 'missing datapoint')} {_verb(fills)} treated as [{fill_kind}]"
        )
    minimum = m if into_alarm else n - m + 1  # ALARM -> OK minimum is inferred (A6)
    transition = "OK -> ALARM" if into_alarm else "ALARM -> OK"
    prefix = "Thresholds Crossed" if criterion.is_anomaly else "Threshold Crossed"
    return (
        f"{prefix}: {' and '.join(clauses)} "
        f"(minimum {_plural(minimum, 'datapoint')} for {transition} transition)."
    )


def _datapoints_clause(
    listed: Sequence[int],
    total: int,
    slots: Sequence[Slot],
    criterion: Criterion,
    *,
    negated: bool,
) -> str:
    points = ", ".join(
        f"{java_double(_value(slots[i]))} ({reason_date(slots[i].start_ms)})" for i in listed
    )
    head = f"{len(listed)} out of the last {total} datapoints [{points}] {_verb(len(listed))}"
    negation = " not" if negated else ""
    if criterion.threshold is not None:
        threshold = java_double(criterion.threshold)
        return f"{head}{negation} {criterion.phrase} the threshold ({threshold})"
    lowers = ", ".join(java_double(_band(slots[i])[0]) for i in listed)
    uppers = ", ".join(java_double(_band(slots[i])[1]) for i in listed)
    phrase = criterion.phrase.format(lower=f"[{lowers}]", upper=f"[{uppers}]")
    return f"{head}{negation} {phrase}"


def _value(slot: Slot) -> float:
    if slot.value is None:
        raise ValueError(f"slot at {slot.start_ms} has no value")
    return slot.value


def _band(slot: Slot) -> tuple[float, float]:
    if slot.band is None:
        raise ValueError(f"slot at {slot.start_ms} has no anomaly band")
    return slot.band


def state_reason_data(
    decision: Decision,
    slots: Sequence[Slot],
    *,
    evaluation_periods: int,
    evaluated_at_ms: int,
    period: int,
    statistic: str | None,
    threshold: float | None,
    unit: str | None,
) -> dict[str, Any]:
    """``StateReasonData`` shaped like spec §9.3 (serialise with :func:`to_json`).

    The evaluated slots run from the oldest datapoint the decision used (or the oldest of
    the newest N slots) to the newest slot.  ``evaluatedDatapoints`` lists them newest
    first, a missing slot as ``{"timestamp": ...}``; ``recentDatapoints`` holds their values
    oldest first.  Both orders are inferred (A6).
    """
    first = min([len(slots) - evaluation_periods, *decision.used])
    evaluated = slots[max(first, 0) :]
    data: dict[str, Any] = {
        "version": "1.0",
        "queryDate": iso_date(evaluated_at_ms),
        "startDate": iso_date(evaluated[0].start_ms) if evaluated else iso_date(evaluated_at_ms),
    }
    if statistic is not None:
        data["statistic"] = statistic
    data["period"] = period
    if unit is not None:
        data["unit"] = unit
    real = [slot for slot in evaluated if slot.value is not None]
    data["recentDatapoints"] = [slot.value for slot in real]
    if threshold is not None:
        data["threshold"] = threshold
    else:
        data["recentLowerThresholds"] = [_band(slot)[0] for slot in real if slot.band]
        data["recentUpperThresholds"] = [_band(slot)[1] for slot in real if slot.band]
    data["evaluatedDatapoints"] = [_evaluated_datapoint(slot) for slot in reversed(evaluated)]
    return data


def _evaluated_datapoint(slot: Slot) -> dict[str, Any]:
    item: dict[str, Any] = {"timestamp": iso_date(slot.start_ms)}
    if slot.value is not None:
        if slot.sample_count is not None:
            item["sampleCount"] = slot.sample_count
        item["value"] = slot.value
        if slot.band is not None:
            item["threshold"] = {"lower": slot.band[0], "upper": slot.band[1]}
    return item

"""The compact notations of test files: times, durations and datapoint series.

Test files read like promtool's: times are offsets from the case's ``start_time``
(``90s``, ``1m30s``, ``2h``) or absolute ISO-8601 instants, and a metric's per-period
values can be written as a series such as ``'0 _ 1x3 5+5x2'``.  Series follow
promtool exactly: ``_`` is a missing period, ``axn`` is ``a`` followed by ``n`` more
copies (n + 1 values), and ``a+bxn`` is ``a`` followed by ``n`` more values stepping by
``b`` (``a-bxn`` steps down).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_SERIES_ITEM = re.compile(
    r"(?P<missing>_(?:x(?P<missing_times>\d+))?)"
    r"|(?P<start>[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"(?:(?P<step>[+-]\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)?x(?P<times>\d+))?")
MAX_SERIES_LENGTH = 100_000


class NotationError(ValueError):
    """A time, duration or series that cannot be read; the message says what was wrong."""


def duration_ms(text: str | int | float) -> int:
    """``90s``, ``1m30s``, ``2h``, ``250ms`` or a number of seconds, in milliseconds."""
    if isinstance(text, bool):
        raise NotationError(f"expected a duration such as 5m or 90s, not {text!r}")
    if isinstance(text, int | float):
        return round(text * 1000)
    found = _DURATION.fullmatch(text.strip())
    if not text.strip() or found is None or not any(found.groups()):
        raise NotationError(f"expected a duration such as 5m, 1m30s or 2h, not {text!r}")
    hours, minutes, seconds, millis = found.groups()
    total = int(hours or 0) * 3_600_000 + int(minutes or 0) * 60_000
    return total + round(float(seconds or 0) * 1000) + int(millis or 0)


def instant_ms(text: str | int | float | datetime, start_ms: int | None) -> int:
    """An absolute ISO-8601 instant, or an offset from ``start_ms``."""
    if isinstance(text, datetime):
        return _datetime_ms(text)
    if isinstance(text, str) and _ISO.fullmatch(text.strip()):
        return iso_ms(text.strip())
    if start_ms is None:
        raise NotationError(f"{text!r} is an offset, but the case has no start_time")
    return start_ms + duration_ms(text)


def iso_ms(text: str) -> int:
    """Epoch milliseconds of an ISO-8601 instant (UTC when no offset is given)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NotationError(f"expected an ISO-8601 time such as 2024-01-01T12:00:00Z, "
                            f"not {text!r}") from None
    return _datetime_ms(moment)


def _datetime_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return round(moment.timestamp() * 1000)


def series(text: str | int | float) -> list[float | None]:
    """Values of a promtool-style series; None marks a missing period."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return [float(text)]
    values: list[float | None] = []
    for item in str(text).split():
        found = _SERIES_ITEM.fullmatch(item)
        if found is None:
            raise NotationError(f"cannot read {item!r} in the series {text!r}: use numbers, "
                                "_ for a missing value, axn or a+bxn")
        values.extend(_expand(found))
        if len(values) > MAX_SERIES_LENGTH:
            raise NotationError(f"the series {text!r} is longer than {MAX_SERIES_LENGTH}")
    return values


def _expand(found: re.Match[str]) -> list[float | None]:
    if found.group("missing"):
        return [None] * (int(found.group("missing_times") or 0) + 1)
    start = float(found.group("start"))
    times = found.group("times")
    if times is None:
        return [start]
    step = float(found.group("step") or 0)
    count = int(times)
    if count >= MAX_SERIES_LENGTH:
        raise NotationError(f"x{count} is longer than {MAX_SERIES_LENGTH} values")
    return [start + step * i for i in range(count + 1)]

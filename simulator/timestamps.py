"""ISO-8601 timestamps <-> epoch milliseconds, fast and strict.

CloudTrail's ``eventTime`` (``2023-07-10T12:11:15Z``), the CloudWatch Logs export
prefix (``2016-10-01T10:55:45.602Z``) and scenario files all use ISO-8601 in UTC.
Millions of events share few distinct seconds, so parsing is cached; the accepted
syntax is deliberately narrow (a date, ``T``, a time with optional fraction, and
``Z`` or a numeric offset) so that garbage is rejected rather than guessed at.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:(Z)|([+-])(\d{2}):?(\d{2}))"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)
MINUTE_MS = 60_000
# Events arrive in near time order, so a small cache catches nearly every repeat while
# keeping memory flat however long the trail is.
_CACHE_SIZE = 4096


@lru_cache(maxsize=_CACHE_SIZE)
def parse_iso_ms(text: str) -> int:
    """Epoch milliseconds of an ISO-8601 timestamp; ``ValueError`` if it is not one."""
    match = _ISO.fullmatch(text)
    if match is None:
        raise ValueError(f"not an ISO-8601 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    offset = timedelta(0)
    if not zulu:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        if sign == "-":
            offset = -offset
    moment = datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second),
        tzinfo=timezone(offset),
    )
    millis = int((fraction or "0").ljust(3, "0")[:3])
    return (moment - _EPOCH) // _ONE_MS + millis


@lru_cache(maxsize=_CACHE_SIZE)
def format_iso_seconds(epoch_s: int) -> str:
    """``2023-07-10T12:11:15Z`` for an epoch second, the form CloudTrail writes."""
    return datetime.fromtimestamp(epoch_s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_iso_ms(epoch_ms: int) -> str:
    """``2016-10-01T10:55:45.602Z`` for epoch milliseconds (export-to-S3 form)."""
    seconds, millis = divmod(epoch_ms, 1000)
    return f"{format_iso_seconds(seconds)[:-1]}.{millis:03d}Z"


def iso_text(epoch_ms: int) -> str:
    """``2024-01-01T12:00:00Z`` (milliseconds shown only when not zero)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if epoch_ms % 1000:
        text += f".{epoch_ms % 1000:03d}"
    return text + "Z"

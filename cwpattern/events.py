"""How a log event message is read before a pattern looks at it.

Three views of one message are needed: its text (for terms and regexes), its JSON
object (for JSON patterns) and its space-delimited fields.  Each is defined once here so
that the reference interpreter and the compiled matchers agree by construction.

Messages may arrive as ``bytes``.  CloudWatch Logs stores UTF-8 text, so bytes that are
not valid UTF-8 are read with U+FFFD replacement, as ingestion would.  JSON is parsed
with orjson; the rare documents orjson refuses but JSON allows (integers beyond 64 bits,
``1e400``, lone surrogate escapes) fall back to the standard library.  Anything that is
not a single JSON object is "not JSON" and matches no JSON pattern (spec §5.3, §10.12).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

import orjson

from cwpattern import ambiguities

JSON_WHITESPACE = " \t\r\n"
_BOM = "\ufeff"
_BOM_BYTES = b"\xef\xbb\xbf"
_OPENING_BRACES = ("{", b"{")


def text_of(message: str | bytes) -> str:
    """The message as text; invalid UTF-8 becomes U+FFFD."""
    if isinstance(message, str):
        return message
    return message.decode("utf-8", "replace")


def json_object(message: str | bytes) -> dict[str, Any] | None:
    """The message's JSON object, or None when the message is not one JSON object."""
    if message[:1] not in _OPENING_BRACES:  # never hand orjson a large non-object
        return _json_object_slowly(message)
    try:  # the common case: what orjson accepts needs none of the checks below
        parsed = orjson.loads(message)
    except orjson.JSONDecodeError:
        return _json_object_slowly(message)
    return parsed if type(parsed) is dict else None


def _json_object_slowly(message: str | bytes) -> dict[str, Any] | None:
    """:func:`json_object` for what orjson refuses: a BOM, or JSON only the standard
    library reads (orjson refuses a BOM, so a message it accepts never starts with one)."""
    if ambiguities.STRIP_JSON_BOM:
        message = _strip_bom(message)
    if not _starts_like_object(message):
        return None
    try:
        parsed = orjson.loads(message)
    except orjson.JSONDecodeError:
        parsed = _fallback_loads(message)
    return parsed if isinstance(parsed, dict) else None


def _starts_like_object(message: str | bytes) -> bool:
    """Cheap test that rejects non-objects before any parsing."""
    if isinstance(message, bytes):
        first = message[:1]
        if first in (b" ", b"\t", b"\r", b"\n"):
            first = message.lstrip(b" \t\r\n")[:1]
        return first == b"{"
    first = message[:1]
    if first and first in JSON_WHITESPACE:
        first = message.lstrip(JSON_WHITESPACE)[:1]
    return first == "{"


def _strip_bom(message: str | bytes) -> str | bytes:
    if isinstance(message, bytes):
        return message[3:] if message.startswith(_BOM_BYTES) else message
    return message[1:] if message.startswith(_BOM) else message


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _fallback_loads(message: str | bytes) -> Any:
    """Standard-library parse for valid JSON that orjson refuses; None when invalid."""
    try:
        return json.loads(text_of(message), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None


# ------------------------------------------------------------------ space-delimited

#: A field is a quoted run, a bracketed run, or a run of non-whitespace (spec §6.2).
#: An unclosed quote or bracket runs to the end of the message.
_FIELD = re.compile(r'"([^"]*)(?:"|\Z)|\[([^\]]*)(?:\]|\Z)|(\S+)', re.ASCII)
#: What ``\s`` means under re.ASCII: the separators between fields.
ASCII_WHITESPACE = " \t\n\r\f\v"


def split_fields(text: str, limit: int | None = None) -> list[tuple[str, int]]:
    """The event's fields as ``(value, start offset)``, delimiters stripped.

    With ``limit``, only the first ``limit`` fields: a pattern without ``...`` never
    needs more, and a long line of short fields would otherwise cost ~150 bytes each.
    """
    found = field_matches(text)
    return [(field_value(field), field.start()) for field in itertools.islice(found, limit)]


def field_matches(text: str) -> Iterator[re.Match[str]]:
    """The event's fields, lazily, as matches for ``field_value``."""
    return _FIELD.finditer(text)


def field_value(found: re.Match[str]) -> str:
    """A field's text without its quotes or brackets."""
    quoted, bracketed, plain = found.groups()
    return plain if plain is not None else quoted if quoted is not None else bracketed


def rest_of_line(text: str, start: int) -> str:
    """The raw text from ``start`` to the end, trailing whitespace removed."""
    # str.rstrip, not a regex search: `\s+\Z` is retried at every run of spaces.
    return text[start:].rstrip(ASCII_WHITESPACE)


# --------------------------------------------------------------------------- numbers

NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?", re.ASCII)


def as_double(value: int | float) -> float:
    """A JSON number as the IEEE double AWS compares with (huge integers saturate)."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def parse_number(text: str) -> float | None:
    """The number a space-delimited field holds, or None when it is not a number."""
    if NUMBER.fullmatch(text) is None:
        return None
    return float(text)

"""Stream the elements of a JSON array out of a large document, one at a time.

CloudTrail files (``{"Records": [...]}``), ``aws logs`` output (``{"events": [...]}``)
and JSON arrays of records can be far larger than one event, so they are never parsed
whole.  Text is decoded incrementally and each array element is decoded on its own
with the standard library's C scanner; the element's *source text* is returned too,
because the CloudWatch Logs message is the record as written, not a re-serialisation.

Invalid UTF-8 is decoded with ``surrogateescape`` so that one bad byte spoils only the
element containing it (the caller detects the surrogates).  A syntax error inside the
array cannot be resynchronised reliably, so it ends the document.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A truncated buffer makes the scanner fail at (or a few characters before) its end,
# or inside a string that runs to the end; anything earlier is a real syntax error.
_TRUNCATION_MARGIN = 8
_COMPACT_AFTER = 1 << 20


class JsonStreamError(ValueError):
    """The document is not valid JSON of the expected shape; ``index`` = element index."""

    def __init__(self, message: str, index: int | None) -> None:
        super().__init__(message)
        self.index = index


class TooLargeError(JsonStreamError):
    """A value longer than the limit: it is not buffered further, the document ends."""


class ShapeError(JsonStreamError):
    """Valid JSON of the wrong shape: the array's member is missing or not a list."""


@dataclass(frozen=True, slots=True)
class Element:
    """One array element: its 0-based index, decoded value and exact source text."""

    index: int
    value: object
    text: str


class _Text:
    """A growing window of decoded text over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes], max_value_chars: int) -> None:
        self._chunks = chunks
        self.max_value_chars = max_value_chars
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.buf = ""
        self.pos = 0
        self.eof = False

    def fill(self) -> bool:
        """Append the next chunk's text; False once the input is exhausted."""
        if self.eof:
            return False
        if self.pos > _COMPACT_AFTER:
            self.buf = self.buf[self.pos :]
            self.pos = 0
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
            self.buf += self._decoder.decode(b"", final=True)
            return False
        self.buf += self._decoder.decode(chunk)
        return True

    def peek(self) -> str:
        """The next non-whitespace character ('' at end of input), without consuming it."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self.fill():
                return self.buf[self.pos : self.pos + 1]

    def expect(self, chars: str, index: int | None) -> str:
        """Consume the next non-whitespace character, which must be one of ``chars``."""
        found = self.peek()
        if not found or found not in chars:
            wanted = " or ".join(repr(c) for c in chars)
            got = repr(found) if found else "end of input"
            raise JsonStreamError(f"expected {wanted}, found {got}", index)
        self.pos += 1
        return found

    def value(self, index: int | None) -> tuple[object, str]:
        """Decode the next JSON value; return it with its source text."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as error:
                if self.eof or not self._maybe_truncated(error):
                    raise JsonStreamError(error.msg, index) from None
                if len(self.buf) - self.pos > self.max_value_chars:
                    raise TooLargeError(
                        f"value longer than {self.max_value_chars} characters", index
                    ) from None
                self._grow()
                continue
            if end == len(self.buf) and _is_number(value) and self.fill():
                continue  # a number at the very end may continue in the next chunk
            text = self.buf[self.pos : end]
            self.pos = end
            return value, text

    def _grow(self) -> None:
        """Double the pending text (so a huge value is re-scanned O(log n) times)."""
        target = len(self.buf) + max(len(self.buf) - self.pos, 1)
        while len(self.buf) < target and self.fill():
            pass

    def _maybe_truncated(self, error: json.JSONDecodeError) -> bool:
        return (
            error.msg.startswith("Unterminated string")
            or error.pos >= len(self.buf) - _TRUNCATION_MARGIN
        )


def iter_array(chunks: Iterator[bytes], key: str | None, max_value_chars: int) -> Iterator[Element]:
    """Yield the elements of the top-level array, or of the array at top-level ``key``.

    With ``key`` the document must be an object; its other members are skipped.  Raises
    :class:`ShapeError` if the member is missing or not a list, :class:`JsonStreamError`
    on malformed input and :class:`TooLargeError` for a value longer than
    ``max_value_chars`` (after yielding every element before the error), so a hostile
    document cannot make it buffer more than about that much text.
    """
    text = _Text(chunks, max_value_chars)
    if text.peek() == "\ufeff":
        text.pos += 1
    if key is None:
        yield from _elements(text)
    else:
        yield from _member_array(text, key)
    if text.peek():
        raise JsonStreamError("unexpected data after the end of the JSON document", None)


def _member_array(text: _Text, key: str) -> Iterator[Element]:
    text.expect("{", None)
    found = False
    if text.peek() == "}":
        text.pos += 1
        raise ShapeError(f"the object has no {key!r} member", None)
    while True:
        if text.peek() != '"':
            raise JsonStreamError("expected a property name in double quotes", None)
        name, _ = text.value(None)
        text.expect(":", None)
        if name == key:
            if text.peek() != "[":
                value, _ = text.value(None)
                raise ShapeError(f"{key!r} is {json_type_name(value)}, not a list", None)
            found = True
            yield from _elements(text)
        else:
            text.value(None)
        if text.expect(",}", None) == "}":
            if not found:
                raise ShapeError(f"the object has no {key!r} member", None)
            return


def _elements(text: _Text) -> Iterator[Element]:
    text.expect("[", None)
    if text.peek() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        value, source = text.value(index)
        yield Element(index, value, source)
        if text.expect(",]", index) == "]":
            return
        index += 1


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def json_type_name(value: object) -> str:
    """The JSON name of a decoded value's type, with its article ("an object")."""
    if value is None:
        return "null"
    names = {dict: "an object", str: "a string", bool: "a boolean", list: "an array"}
    return names.get(type(value), "a number")

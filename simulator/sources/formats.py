"""Turn the content of one file into log events, whatever format it is in.

Users hold trails in several shapes: CloudTrail's own ``{"Records": [...]}`` files,
JSON lines, JSON arrays, ``aws logs filter-log-events`` / ``get-log-events`` output and
CloudWatch Logs exports to S3.  This module recognises the format from the first bytes
(or takes an explicit one), and turns each item into a :class:`LogEvent` the way
CloudWatch Logs would hold it:

* a CloudTrail record becomes the record as compact JSON in its original key order
  (the form CloudTrail writes to CloudWatch Logs), stamped with its ``eventTime``;
* a log event (``timestamp`` in epoch ms, ``message``) is taken as it is;
* any other UTF-8 text (access logs, application logs) is one event per line, stamped
  with the first timestamp found at its start (ISO-8601, or the common log format's
  ``[10/Oct/2000:13:55:36 -0700]``), else with 0 (unknown).

Items that cannot become events are reported to the :class:`Report` with their origin
and skipped; nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

import orjson

from simulator.events import LogEvent, ProblemKind, Report
from simulator.sources._chunks import DEFAULT_MAX_DECOMPRESSED_BYTES, FileProblem, iter_chunks
from simulator.sources._json_stream import (
    Element,
    JsonStreamError,
    ShapeError,
    TooLargeError,
    iter_array,
    json_type_name,
)
from simulator.sources._paths import STDIN
from simulator.timestamps import parse_iso_ms

# CloudWatch Logs' event limit: PutLogEvents counts each event as its UTF-8 message
# plus 26 bytes, and a batch (so also a single event) may not exceed 1,048,576 bytes.
MAX_EVENT_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
# A JSON string escape is at most 6 bytes per character, so the JSON text (a line, or an
# array element) of a valid message is never longer than this; longer ones are rejected
# without being buffered.
_JSON_ESCAPE_FACTOR = 6
_DETECT_BYTES = 4096
_LINE_HEAD_BYTES = 64
_BOM = b"\xef\xbb\xbf"

_FIRST_KEY = re.compile(rb'\{\s*"((?:[^"\\]|\\.)*)"')
_EXPORT_LINE = re.compile(rb"[ \t]*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)(?: |$)")
# Whitespace next to a structural character: present in any non-compact JSON text (and
# now and then inside strings); a hit triggers the exact minifier below.
_MAYBE_LOOSE = re.compile(r"[,:\[\]{}][ \t\n\r]|[ \t\n\r][,:\[\]{}]")
_JSON_STRING = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")')
_NO_WHITESPACE = str.maketrans("", "", " \t\n\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_ISO = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?")
_LINE_CLF = re.compile(rb"\[(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]")
_MONTHS = {name: number for number, name in enumerate(
    (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
     b"Dec"), 1)}
_TIMESTAMP_SEARCH_BYTES = 128
_LOGS_API_KEYS = frozenset(
    {b"events", b"searchedLogStreams", b"nextToken", b"nextForwardToken", b"nextBackwardToken"}
)


class Format(str, Enum):
    """Input formats; ``AUTO`` detects one of the others from the content."""

    AUTO = "auto"
    CLOUDTRAIL = "cloudtrail"
    JSON_ARRAY = "json-array"
    JSON_LINES = "jsonl"
    LOGS_API = "logs-api"
    CWL_EXPORT = "cwl-export"
    TEXT = "text"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Limits and format choice shared by every reader."""

    format: Format = Format.AUTO
    max_event_bytes: int = MAX_EVENT_BYTES
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES


def detect_format(head: bytes) -> Format | None:
    """The format of a document from its first bytes; None if unrecognised or empty."""
    text = head.removeprefix(_BOM).lstrip()
    if text.startswith(b"["):
        return Format.JSON_ARRAY
    if text.startswith(b"{"):
        match = _FIRST_KEY.match(text)
        key = match.group(1) if match else b""
        if key == b"Records":
            return Format.CLOUDTRAIL
        if key in _LOGS_API_KEYS:
            return Format.LOGS_API
        return Format.JSON_LINES
    if _EXPORT_LINE.match(head.removeprefix(_BOM).lstrip(b"\r\n")):
        return Format.CWL_EXPORT
    if _looks_like_text(head):
        return Format.TEXT
    return None


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 without control characters (a cut multi-byte character at the end is fine)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return bool(text.strip()) and not _CONTROL.search(text)


def read_file(
    path: str, report: Report, options: ReadOptions = ReadOptions()
) -> Iterator[LogEvent]:
    """Yield the events of one file (``-`` = standard input), reporting bad items."""
    name = "<stdin>" if path == STDIN else path
    events = _Events(report, options.max_event_bytes)
    failure: FileProblem | None = None
    try:
        chunks = iter_chunks(path, max_decompressed_bytes=options.max_decompressed_bytes)
        fmt = options.format
        if fmt is Format.AUTO:
            head, chunks, deferred = _peek(chunks)
            detected = detect_format(head)
            if detected is None:
                if deferred is not None:
                    raise deferred
                if head.strip():
                    report.add(ProblemKind.UNKNOWN_FORMAT, name, _unknown_detail(head))
                return
            fmt = detected
        yield from _READERS[fmt](chunks, name, events)
    except FileProblem as problem:
        failure = problem
    if failure is not None:  # reported outside the handler: a strict-mode error stands alone
        report.add(failure.kind, name, failure.detail)


def _peek(chunks: Iterator[bytes]) -> tuple[bytes, Iterator[bytes], FileProblem | None]:
    """The first bytes, an iterator over all of them, and a problem met on the way.

    A file problem met while peeking is raised by the iterator only after the peeked
    bytes, so the events before a truncation are still read.
    """
    taken: list[bytes] = []
    size = 0
    try:
        for chunk in chunks:
            taken.append(chunk)
            size += len(chunk)
            if size >= _DETECT_BYTES:
                break
    except FileProblem as problem:
        return b"".join(taken), itertools.chain(taken, _raise(problem)), problem
    return b"".join(taken), itertools.chain(taken, chunks), None


def _raise(problem: FileProblem) -> Iterator[bytes]:
    raise problem
    yield b""  # pragma: no cover - makes this a generator


def _unknown_detail(head: bytes) -> str:
    start = head.removeprefix(_BOM).lstrip()[:40]
    return f"unrecognised content starting with {start!r}; pass format= explicitly"


class _Events:
    """Builds validated :class:`LogEvent` objects and reports the items that fail."""

    def __init__(self, report: Report, max_event_bytes: int) -> None:
        self.report = report
        self.max_event_bytes = max_event_bytes

    def from_record(self, record: object, text: str, origin: str) -> LogEvent | None:
        """A CloudTrail record (decoded, plus its JSON source text) as a log event."""
        if type(record) is not dict:
            return self._bad(ProblemKind.BAD_STRUCTURE, origin, _not_object(record, "record"))
        if not _valid_unicode(text):
            return self._bad(ProblemKind.INVALID_UTF8, origin, "record contains invalid UTF-8")
        when = record.get("eventTime")
        if when is None:
            detail = "eventTime is null" if "eventTime" in record else "record has no eventTime"
            return self._bad(ProblemKind.MISSING_TIMESTAMP, origin, detail)
        timestamp = _iso_ms(when)
        if timestamp is None:
            return self._bad(
                ProblemKind.BAD_TIMESTAMP, origin, f"eventTime {when!r} is not ISO-8601"
            )
        return self.make(timestamp, compact_json(record, text), origin)

    def from_log_event(self, item: object, origin: str) -> LogEvent | None:
        """A ``{"timestamp": <ms or ISO>, "message": <str>}`` object as a log event."""
        if type(item) is not dict:
            return self._bad(ProblemKind.BAD_STRUCTURE, origin, _not_object(item, "log event"))
        message = item.get("message")
        if not isinstance(message, str):
            detail = "log event has no message" if message is None else "message is not a string"
            return self._bad(ProblemKind.BAD_STRUCTURE, origin, detail)
        if not message:
            return self._bad(ProblemKind.BAD_STRUCTURE, origin, "message is empty")
        if not _valid_unicode(message):
            return self._bad(ProblemKind.INVALID_UTF8, origin, "message contains invalid UTF-8")
        when = item.get("timestamp")
        if when is None:
            return self._bad(ProblemKind.MISSING_TIMESTAMP, origin, "log event has no timestamp")
        timestamp = _epoch_ms(when)
        if timestamp is None:
            return self._bad(ProblemKind.BAD_TIMESTAMP, origin, f"timestamp {when!r} is invalid")
        return self.make(timestamp, message, origin)

    def make(self, timestamp_ms: int, message: str, origin: str) -> LogEvent | None:
        """The event, unless its message is over CloudWatch Logs' size limit."""
        size = len(message) if message.isascii() else len(message.encode())
        if size + EVENT_OVERHEAD_BYTES > self.max_event_bytes:
            return self._bad(
                ProblemKind.OVERSIZE_EVENT,
                origin,
                f"message is {size} bytes; CloudWatch Logs accepts at most "
                f"{self.max_event_bytes - EVENT_OVERHEAD_BYTES} (+{EVENT_OVERHEAD_BYTES} overhead)",
            )
        self.report.events += 1
        return LogEvent(timestamp_ms, message, origin)

    def _bad(self, kind: ProblemKind, origin: str, detail: str) -> None:
        self.report.add(kind, origin, detail)
        return None


def _read_cloudtrail(chunks: Iterator[bytes], name: str, events: _Events) -> Iterator[LogEvent]:
    for element in _elements(chunks, "Records", name, events):
        event = events.from_record(element.value, element.text, f"{name}#{element.index}")
        if event is not None:
            yield event


def _read_json_array(chunks: Iterator[bytes], name: str, events: _Events) -> Iterator[LogEvent]:
    for element in _elements(chunks, None, name, events):
        event = _record_or_log_event(element.value, element.text, f"{name}#{element.index}", events)
        if event is not None:
            yield event


def _read_logs_api(chunks: Iterator[bytes], name: str, events: _Events) -> Iterator[LogEvent]:
    for element in _elements(chunks, "events", name, events):
        event = events.from_log_event(element.value, f"{name}#{element.index}")
        if event is not None:
            yield event


def _elements(
    chunks: Iterator[bytes], key: str | None, name: str, events: _Events
) -> Iterator[Element]:
    failure: JsonStreamError | None = None
    try:
        yield from iter_array(chunks, key, events.max_event_bytes * _JSON_ESCAPE_FACTOR)
    except JsonStreamError as error:
        failure = error
    if failure is not None:
        origin = name if failure.index is None else f"{name}#{failure.index}"
        if isinstance(failure, ShapeError):
            events.report.add(ProblemKind.BAD_STRUCTURE, origin, str(failure))
        elif isinstance(failure, TooLargeError):
            detail = f"{failure}, over the event limit; rest of file skipped"
            events.report.add(ProblemKind.OVERSIZE_EVENT, origin, detail)
        else:
            detail = f"{failure}; rest of file skipped"
            events.report.add(ProblemKind.MALFORMED_JSON, origin, detail)


def _record_or_log_event(value: object, text: str, origin: str, events: _Events) -> LogEvent | None:
    if type(value) is dict and "eventTime" not in value and "message" in value:
        return events.from_log_event(value, origin)
    return events.from_record(value, text, origin)


def _read_json_lines(chunks: Iterator[bytes], name: str, events: _Events) -> Iterator[LogEvent]:
    max_line = events.max_event_bytes * _JSON_ESCAPE_FACTOR
    for number, line, too_long in _lines(chunks, max_line):
        origin = f"{name}:{number}"
        if too_long:
            events.report.add(
                ProblemKind.OVERSIZE_EVENT, origin, f"line longer than {max_line} bytes"
            )
            continue
        line = line.strip()
        if number == 1:
            line = line.removeprefix(_BOM)
        if not line:
            continue
        parsed = _parse_json_line(line)
        if isinstance(parsed, _LineProblem):
            events.report.add(parsed.kind, origin, parsed.detail)
            continue
        value, text = parsed
        event = _record_or_log_event(value, text, origin, events)
        if event is not None:
            yield event


@dataclass(frozen=True, slots=True)
class _LineProblem:
    kind: ProblemKind
    detail: str


def _parse_json_line(line: bytes) -> tuple[object, str] | _LineProblem:
    """(value, text) of one JSON line, or what is wrong with it."""
    try:
        text = line.decode()
    except UnicodeDecodeError as error:
        return _LineProblem(ProblemKind.INVALID_UTF8, f"invalid UTF-8: {error.reason}")
    try:
        return orjson.loads(text), text
    except orjson.JSONDecodeError as error:
        return _LineProblem(ProblemKind.MALFORMED_JSON, str(error))


def _read_text(chunks: Iterator[bytes], name: str, events: _Events) -> Iterator[LogEvent]:
    """One event per non-empty line; the timestamp comes from the start of the line."""
    for number, line, too_long in _lines(chunks, events.max_event_bytes):
        origin = f"{name}:{number}"
        if number == 1:
            line = line.removeprefix(_BOM)
        line = line.rstrip(b"\r")
        if too_long:
            events.report.add(ProblemKind.OVERSIZE_EVENT, origin,
                              f"line longer than {events.max_event_bytes} bytes")
            continue
        if not line.strip():
            continue
        text = _utf8(line)
        if text is None:
            events.report.add(ProblemKind.INVALID_UTF8, origin, "line is not valid UTF-8")
            continue
        event = events.make(line_timestamp_ms(line), text, origin)
        if event is not None:
            yield event


def line_timestamp_ms(line: bytes) -> int:
    """The first ISO-8601 or common-log-format timestamp near the start of a line; 0 if
    there is none (the event's time is unknown)."""
    head = line[:_TIMESTAMP_SEARCH_BYTES]
    clf = _LINE_CLF.search(head)
    iso = _LINE_ISO.search(head)
    if iso is not None and (clf is None or iso.start() < clf.start()):
        text = iso.group().decode().replace(" ", "T", 1).replace(",", ".")
        try:
            return parse_iso_ms(text if text[-1] == "Z" or "+" in text[10:] or "-" in text[10:]
                                else text + "Z")
        except ValueError:
            return 0
    if clf is not None:
        day, month, year, hour, minute, second, zone = clf.groups()
        if month not in _MONTHS:
            return 0
        iso_text = (f"{year.decode()}-{_MONTHS[month]:02d}-{day.decode()}T{hour.decode()}:"
                    f"{minute.decode()}:{second.decode()}{zone[:3].decode()}:{zone[3:].decode()}")
        try:
            return parse_iso_ms(iso_text)
        except ValueError:
            return 0
    return 0


def _read_cwl_export(chunks: Iterator[bytes], name: str, events: _Events) -> Iterator[LogEvent]:
    """``<ISO timestamp> <message>`` per event; lines without a timestamp continue it."""
    max_line = events.max_event_bytes
    current: _ExportEvent | None = None
    for number, line, too_long in _lines(chunks, max_line):
        if number == 1:
            line = line.removeprefix(_BOM)
        start = _EXPORT_LINE.match(line)
        if start is not None:
            if current is not None:
                yield from current.finish(events)
            current = _ExportEvent(f"{name}:{number}", start.group(1), line[start.end() :])
            current.oversize = too_long
        elif current is not None:
            current.extend(line, too_long, max_line)
        elif too_long or line.strip():
            events.report.add(
                ProblemKind.MISSING_TIMESTAMP, f"{name}:{number}", "text before the first event"
            )
    if current is not None:
        yield from current.finish(events)


class _ExportEvent:
    """An export-file event being assembled from its physical lines."""

    def __init__(self, origin: str, timestamp: bytes, first_line: bytes) -> None:
        self.origin = origin
        self.timestamp = timestamp
        self.lines = [first_line]
        self.size = len(first_line)
        self.oversize = False

    def extend(self, line: bytes, too_long: bool, max_bytes: int) -> None:
        self.size += len(line) + 1
        if too_long or self.size > max_bytes:
            self.oversize = True
            self.lines = []
        elif not self.oversize:
            self.lines.append(line)

    def finish(self, events: _Events) -> Iterator[LogEvent]:
        if self.oversize:
            events.report.add(
                ProblemKind.OVERSIZE_EVENT,
                self.origin,
                f"message longer than CloudWatch Logs' limit of {events.max_event_bytes} bytes",
            )
            return
        message = _utf8(b"\n".join(self.lines))
        if message is None:
            events.report.add(ProblemKind.INVALID_UTF8, self.origin, "invalid UTF-8")
            return
        timestamp = _iso_ms(self.timestamp.decode())
        if timestamp is None:
            events.report.add(ProblemKind.BAD_TIMESTAMP, self.origin, "invalid export timestamp")
            return
        if not message:
            events.report.add(ProblemKind.BAD_STRUCTURE, self.origin, "message is empty")
            return
        event = events.make(timestamp, message, self.origin)
        if event is not None:
            yield event


def _lines(chunks: Iterator[bytes], max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, line without ``\\n``, too_long) for each physical line.

    A line longer than ``max_bytes`` is not buffered: only its first bytes come back,
    with ``too_long`` set, so a file without newlines cannot exhaust memory.
    """
    number = 0
    pending = b""
    head: bytes | None = None  # the start of an overlong line being skipped
    for chunk in chunks:
        pieces = chunk.split(b"\n")
        last = pieces.pop()
        for piece in pieces:
            number += 1
            line = pending + piece if pending else piece
            if head is not None:
                yield number, head, True
            elif len(line) > max_bytes:
                yield number, line[:_LINE_HEAD_BYTES], True
            else:
                yield number, line, False
            pending = b""
            head = None
        if head is None:
            pending += last
            if len(pending) > max_bytes:
                head = pending[:_LINE_HEAD_BYTES]
                pending = b""
    if head is not None:
        yield number + 1, head, True
    elif pending:
        yield number + 1, pending, False


def compact_json(value: object, text: str) -> str:
    """``text`` (the JSON source of ``value``) without insignificant whitespace.

    Number spellings and string escapes are kept exactly as written.  Fast path: text
    that is already what orjson would write (CloudTrail's own compact files, nearly
    always) is returned as it is.
    """
    try:
        if orjson.dumps(value) == text.encode():
            return text
    except orjson.JSONEncodeError:
        pass  # e.g. an integer beyond 64 bits: check the text itself
    if not _MAYBE_LOOSE.search(text):
        return text
    pieces = _JSON_STRING.split(text)  # outside strings at even indexes, strings at odd
    pieces[::2] = [piece.translate(_NO_WHITESPACE) for piece in pieces[::2]]
    return "".join(pieces)


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def _valid_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _iso_ms(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_iso_ms(value)
    except ValueError:
        return None


def _epoch_ms(value: object) -> int | None:
    """Epoch milliseconds from a number of ms or an ISO-8601 string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 1e18 else None
    return _iso_ms(value)


def _not_object(value: object, what: str) -> str:
    return f"{what} is {json_type_name(value)}, not a JSON object"


_READERS: dict[Format, Callable[[Iterator[bytes], str, _Events], Iterator[LogEvent]]] = {
    Format.TEXT: _read_text,
    Format.CLOUDTRAIL: _read_cloudtrail,
    Format.JSON_ARRAY: _read_json_array,
    Format.JSON_LINES: _read_json_lines,
    Format.LOGS_API: _read_logs_api,
    Format.CWL_EXPORT: _read_cwl_export,
}

"""The fast path of file scoring: clean JSON-lines and CloudTrail files.

The general reader (:mod:`simulator.sources`) handles every format and every kind of
bad input, and pays for it on each event: a generator chain, a ``LogEvent``, the
record re-serialised to check it is compact, the message parsed a second time by the
matchers.  Real trails are almost always clean, so this module scores them with the
least work that gives the *same* :class:`~simulator.replay.scoring.FileScore`:

* each record is parsed once, by ``orjson``, straight from the file's bytes.  Every
  event must be parsed, not only those a whole-buffer scan would pick: its
  ``eventTime`` is needed for the per-minute accounting (late events, default values),
  and a malformed record must be reported exactly as the reader reports it;
* JSON patterns are tested on that parsed record (``match_document``), which costs
  less than a literal search through its text; only a record that some pattern
  matches gets its message built and goes through the reference
  :class:`~simulator.filters.pipeline.EventScorer`, so outcomes are identical by construction;
* ``eventTime`` strings are parsed once per distinct value, and records are handled
  a chunk's worth at a time in one loop.

CloudTrail's ``{"Records":[...]}`` files are cut into records at ``},{"eventVersion":``
(CloudTrail writes ``eventVersion`` first); every piece must then parse on its own as
an object, which proves the cuts are the array's element boundaries, since a JSON value
that parses alone ends exactly where the array's parser would end it.

Anything else (a bad line, a BOM, a log-event line, a missing or odd ``eventTime``, a
long event, another format, a gzip problem, standard input) raises :class:`NotFast`
before anything is reported, and the caller scores the file with the general reader.
Whether a file takes this path changes only the time it takes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from simulator.events import Report
from simulator.filters import EventScorer
from simulator.replay.contributors import Contributor, contributor
from simulator.sources import (
    EVENT_OVERHEAD_BYTES,
    STDIN,
    FileProblem,
    Format,
    ReadOptions,
    compact_json,
    detect_format,
    iter_chunks,
)
from simulator.timestamps import parse_iso_ms

_FIRST_KEY = re.compile(rb'\{"[A-Za-z0-9_]{1,64}"')
_RECORDS_START = b'{"Records":['
_RECORDS_END = b"]}"
_RECORD_CUT = b'},{"eventVersion":'
_NEXT_RECORD = b'{"eventVersion":'
_JSON_WHITESPACE = b" \t\n\r"
#: A batch of record texts: the texts, the line number or index of the first, and the
#: bytes stripped from each (None: any ASCII whitespace, as the JSON-lines reader does).
Batch = tuple[list[bytes], int, bytes | None]


class NotFast(Exception):
    """This file needs the general reader."""


class FileParts:
    """What a scored file consists of (the fields of a FileScore but its path and size)."""

    __slots__ = ("contributors", "messages", "origins", "outcomes", "report", "timestamps")

    def __init__(self) -> None:
        self.report = Report()
        self.timestamps: list[int] = []
        self.origins: list[str] = []
        self.outcomes: list[tuple | None] = []
        self.contributors: dict[int, Contributor] = {}
        self.messages: dict[int, str] = {}  # matching events' messages, when kept


class FastScorer:
    """Scores clean files for an :class:`EventScorer` (see the module docstring)."""

    def __init__(self, scorer: EventScorer, options: ReadOptions,
                 keep_messages: bool = False) -> None:
        self.scorer = scorer
        self.options = options
        self.keep_messages = keep_messages
        patterns = [f.pattern for f in scorer.filters]
        self.every_record_needs_message = any(p.kind != "json" for p in patterns)
        tests = [p.compiled.match_document for p in patterns]
        self.may_match: Callable[[dict[str, Any]], bool] = (
            tests[0] if len(tests) == 1  # type: ignore[assignment]
            else lambda record: any(test(record) for test in tests))  # type: ignore[misc]
        self.longest = options.max_event_bytes - EVENT_OVERHEAD_BYTES
        self.times: dict[str, int] = {}

    def score(self, path: str) -> FileParts:
        """The scored file, or :class:`NotFast`."""
        if path == STDIN:
            raise NotFast
        chunks = _chunks(path, self.options.max_decompressed_bytes)
        first = next(chunks, b"")
        fmt = self.options.format
        if fmt is Format.AUTO:
            if _FIRST_KEY.match(first) is None:
                raise NotFast
            fmt = detect_format(first)  # the first key decides, and `first` holds it
        parts = FileParts()
        if fmt is Format.JSON_LINES:
            batches, separator = _json_lines(first, chunks, self.longest), ":"
        elif fmt is Format.CLOUDTRAIL:
            batches, separator = _cloudtrail(first, chunks, self.longest), "#"
        else:
            raise NotFast
        for batch in batches:
            self._take(batch, f"{path}{separator}", parts)
        parts.report.events = len(parts.timestamps)
        return parts

    def _take(self, batch: Batch, prefix: str, parts: FileParts) -> None:
        """Score a batch of records; one loop, as little as possible per record."""
        texts, number, strip = batch
        loads, times, longest = orjson.loads, self.times, self.longest
        may_match, all_need_message = self.may_match, self.every_record_needs_message
        timestamps, origins, outcomes = parts.timestamps, parts.origins, parts.outcomes
        for text in texts:
            number += 1
            if len(text) > longest:
                raise NotFast
            text = text.strip(strip)
            if not text:
                continue
            try:
                record = loads(text)
            except orjson.JSONDecodeError:
                raise NotFast from None
            if type(record) is not dict:
                raise NotFast
            when = record.get("eventTime")  # missing or null: NotFast below
            stamp = times.get(when) if type(when) is str else None
            timestamps.append(stamp if stamp is not None else self._new_time(when))
            origins.append(f"{prefix}{number - 1}")
            if all_need_message or may_match(record):
                self._score_message(record, text, parts)
            else:
                outcomes.append(None)

    def _score_message(self, record: dict[str, Any], text: bytes, parts: FileParts) -> None:
        """A record that may match: the reference scorer on the reader's message."""
        message = compact_json(record, text.decode())
        outcome = self.scorer.score(message)
        if outcome is self.scorer.unmatched:
            parts.outcomes.append(None)
            return
        who = contributor(message)
        if who is not None:
            parts.contributors[len(parts.outcomes)] = who
        if self.keep_messages:
            parts.messages[len(parts.outcomes)] = message
        parts.outcomes.append(outcome)

    def _new_time(self, when: object) -> int:
        if type(when) is not str:
            raise NotFast
        try:
            stamp = self.times[when] = parse_iso_ms(when)
        except ValueError:
            raise NotFast from None
        return stamp


def _chunks(path: str, limit: int) -> Iterator[bytes]:
    try:
        yield from iter_chunks(path, max_decompressed_bytes=limit)
    except FileProblem:
        raise NotFast from None


def _json_lines(first: bytes, chunks: Iterator[bytes], longest: int) -> Iterator[Batch]:
    """The lines, a chunk at a time, numbered as the reader numbers them (a line is what
    ``\\n`` ends, plus a last unterminated one).  Origins count from 1."""
    number = 1
    lines = first.split(b"\n")
    pending = lines.pop()
    yield lines, number, None
    for chunk in chunks:
        number += len(lines)
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        if len(pending) > longest:
            raise NotFast
        yield lines, number, None
    yield [pending], number + len(lines), None


def _cloudtrail(first: bytes, chunks: Iterator[bytes], longest: int) -> Iterator[Batch]:
    """The records of ``{"Records":[...]}`` with their exact source text, indexed from 0
    (surrounding JSON whitespace is not part of a record's text)."""
    if not first.startswith(_RECORDS_START):
        raise NotFast
    index = 0
    opening = b""  # what the previous cut took from the start of the next record
    pending = first[len(_RECORDS_START):]
    for chunk in itertools.chain(chunks, [b""]):
        *complete, pending = (pending + chunk).split(_RECORD_CUT)
        if complete:
            texts = [opening + complete[0] + b"}",
                     *(_NEXT_RECORD + piece + b"}" for piece in complete[1:])]
            yield texts, index, _JSON_WHITESPACE
            index += len(texts)
            opening = _NEXT_RECORD
        if len(pending) > longest:
            raise NotFast
    last = pending.rstrip(_JSON_WHITESPACE)
    if not last.endswith(_RECORDS_END):
        raise NotFast
    if opening or len(last) > len(_RECORDS_END):  # else "Records": [] (no record)
        yield [opening + last[:-len(_RECORDS_END)]], index, _JSON_WHITESPACE

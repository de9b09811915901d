"""Event sources: every file shape a user holds, read as one stream of log events.

``read_events`` takes files, directories (plain folders or CloudTrail's S3 layout),
``-`` for standard input and ``s3://`` URLs (:mod:`simulator.sources.s3`), detects
each file's format from its content (or uses the ``format`` given), and yields
:class:`~simulator.events.LogEvent` objects in file order.  Bad items are reported to
the :class:`~simulator.events.Report` with their origin and skipped;
``Report(strict=True)`` makes the first one raise instead.  Memory stays constant:
files are streamed, gzip is decompressed incrementally, and a directory tree is walked
lazily.  Events are *not* sorted here; see
:mod:`simulator.replay.reorder_window`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from simulator.events import LogEvent, Report
from simulator.sources._chunks import DEFAULT_MAX_DECOMPRESSED_BYTES, FileProblem, iter_chunks
from simulator.sources._paths import STDIN, is_s3_url
from simulator.sources.files import iter_log_files, iter_source_files
from simulator.sources.formats import (
    EVENT_OVERHEAD_BYTES,
    MAX_EVENT_BYTES,
    Format,
    ReadOptions,
    compact_json,
    detect_format,
    read_file,
)
from simulator.sources.tree import PathFilter

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "EVENT_OVERHEAD_BYTES",
    "MAX_EVENT_BYTES",
    "STDIN",
    "FileProblem",
    "Format",
    "PathFilter",
    "ReadOptions",
    "compact_json",
    "detect_format",
    "is_s3_url",
    "iter_chunks",
    "iter_log_files",
    "iter_source_files",
    "read_events",
    "read_file",
]


def read_events(
    paths: str | Iterable[str],
    report: Report,
    *,
    format: Format | str = Format.AUTO,
    path_filter: PathFilter | None = None,
    max_event_bytes: int = MAX_EVENT_BYTES,
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
) -> Iterator[LogEvent]:
    """Yield the log events of ``paths`` (files, directories or ``-``), in file order.

    ``format`` is one of :class:`Format`'s values (``auto``, ``cloudtrail``,
    ``json-array``, ``jsonl``, ``logs-api``, ``cwl-export``).  ``path_filter`` limits
    directory walks to some accounts, regions and delivery days.
    """
    options = ReadOptions(
        format=_format(format),
        max_event_bytes=max_event_bytes,
        max_decompressed_bytes=max_decompressed_bytes,
    )
    sources = [paths] if isinstance(paths, str) else paths
    for file_path in iter_source_files(sources, path_filter or PathFilter(), report):
        yield from read_file(file_path, report, options)


def _format(value: Format | str) -> Format:
    try:
        return Format(value)
    except ValueError:
        names = ", ".join(f.value for f in Format)
        raise ValueError(f"unknown format {value!r}; expected one of: {names}") from None

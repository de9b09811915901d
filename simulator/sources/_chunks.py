"""Bytes of one input file, decompressed on the fly, in bounded chunks.

Every reader needs the same things from a file: open it (or standard input), notice
gzip from its magic bytes rather than its name, decompress incrementally, and stop a
gzip bomb before it eats the disk or the afternoon.  Failures are raised as
:class:`FileProblem` carrying the :class:`ProblemKind`, so each reader can report
them with its own origin after keeping the events it already produced.
"""

from __future__ import annotations

import itertools
import sys
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from simulator.events import ProblemKind
from simulator.sources._paths import STDIN, is_s3_url

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 1 << 20
# Real CloudTrail files are at most tens of megabytes once decompressed; 1 GiB leaves
# ample room while bounding the time a hostile archive can cost.
DEFAULT_MAX_DECOMPRESSED_BYTES = 1 << 30


class FileProblem(Exception):
    """A whole-file failure (unreadable, broken gzip, over the size cap)."""

    def __init__(self, kind: ProblemKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for binary reading.  Tests replace this to count opened files."""
    if is_s3_url(path):
        from simulator.sources.s3 import open_object

        return open_object(path)
    return open(path, "rb")


def iter_chunks(
    path: str, *, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES
) -> Iterator[bytes]:
    """Yield the (decompressed) content of ``path`` (``-`` = stdin) in chunks.

    Raises :class:`FileProblem` when the file cannot be read, its gzip stream is
    truncated or corrupt, or it decompresses to more than ``max_decompressed_bytes``.
    """
    if path == STDIN:
        yield from _content(sys.stdin.buffer, max_decompressed_bytes)
        return
    try:
        stream = open_binary(path)
    except OSError as error:
        raise FileProblem(ProblemKind.UNREADABLE_FILE, _os_detail(error)) from None
    with stream:
        yield from _content(stream, max_decompressed_bytes)


def _content(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    raw = _raw_chunks(stream)
    first = next(raw, b"")
    if first.startswith(GZIP_MAGIC):
        yield from _gunzip(first, raw, limit)
    elif first:
        yield first
        yield from raw


def _raw_chunks(stream: BinaryIO) -> Iterator[bytes]:
    while True:
        try:
            chunk = stream.read(CHUNK_BYTES)
        except OSError as error:
            raise FileProblem(ProblemKind.UNREADABLE_FILE, _os_detail(error)) from None
        if not chunk:
            return
        yield chunk


def _gunzip(first: bytes, raw: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """Decompress (possibly multi-member) gzip, yielding at most ``limit`` bytes."""
    produced = 0
    decompressor = zlib.decompressobj(wbits=31)
    for data in itertools.chain((first,), raw):
        while True:
            if decompressor.eof:
                if not data.strip(b"\0"):
                    break  # nothing, or zero padding, after the last member
                decompressor = zlib.decompressobj(wbits=31)
            try:
                out = decompressor.decompress(data, CHUNK_BYTES)
            except zlib.error as error:
                raise FileProblem(ProblemKind.CORRUPT_GZIP, f"corrupt gzip data: {error}") from None
            produced += len(out)
            if produced > limit:
                raise FileProblem(
                    ProblemKind.DECOMPRESSION_LIMIT,
                    f"decompresses to more than {limit} bytes (max_decompressed_bytes)",
                )
            if out:
                yield out
            data = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            # An output-limited call may leave output pending even with no input left.
            if not data and not decompressor.eof and len(out) < CHUNK_BYTES:
                break
    if not decompressor.eof:
        raise FileProblem(
            ProblemKind.TRUNCATED_GZIP,
            f"gzip stream ends early (after {produced} decompressed bytes)",
        )


def _os_detail(error: OSError) -> str:
    return error.strerror or str(error)

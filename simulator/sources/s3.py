"""Read trails where they live: ``s3://bucket/AWSLogs/...`` sources, through s3fs.

An organization trail is too big to copy before every replay, so a source may be an
S3 URL (a bucket, any prefix of CloudTrail's layout, or one object).  Nothing else in
a replay changes:

* **Listing** is the local walk of :mod:`simulator.sources.tree` with an S3
  :class:`~simulator.sources.tree.Lister`: one ``ListObjectsV2`` request (with the
  ``/`` delimiter, so one "directory" level) per directory the walk visits.  Accounts,
  regions and days outside the :class:`~simulator.sources.tree.PathFilter` are pruned
  from their parent's listing and never listed themselves, so a one-day replay lists
  one day of keys.  The day directories of all accounts and regions for one day are
  listed concurrently (:data:`LIST_CONCURRENCY` requests at a time).
* **Reading**: objects are streamed in :data:`BLOCK_BYTES` ranged reads and go
  through the same gzip detection, incremental decompression and size cap as local
  files (:mod:`simulator.sources._chunks`).
* **Credentials** come from the standard AWS chain (environment, shared config and
  credentials files with ``AWS_PROFILE``, SSO, container and instance roles), resolved
  by botocore in each process that reads: on a Dask cluster, each worker uses its own.
  This module never reads, passes or prints a key.  S3-compatible stores are reached
  with ``AWS_ENDPOINT_URL_S3`` (or ``AWS_ENDPOINT_URL``).
* **Failures** (no such bucket, access denied, network) become ``OSError`` with a
  one-line description, so they are reported like an unreadable local file, with the
  URL as origin.

Needs the ``s3`` extra (s3fs).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from simulator.events import ProblemKind, Report
from simulator.extras import import_extra
from simulator.sources._paths import S3_SCHEME
from simulator.sources.tree import Entry, Lister, PathFilter, layout_position, walk

#: Bytes fetched per ranged GET while streaming an object (bounds memory per open file).
BLOCK_BYTES = 4 << 20
#: Day directories listed at once (one per account and region of that day).
LIST_CONCURRENCY = 16


def iter_s3_log_files(url: str, path_filter: PathFilter, report: Report) -> Iterator[str]:
    """The object URLs to read for ``url``: itself if it is an object, else its log files
    (in delivery order, pruned by ``path_filter``)."""
    fs = filesystem()
    root = url.rstrip("/")
    try:
        is_directory = fs.info(_key(root))["type"] == "directory"
    except Exception as error:
        if not _is_remote_error(error):
            raise
        is_directory = False  # reading it reports the problem, with the URL as origin
    if not is_directory:
        yield url
        return
    position = layout_position(_key(root).split("/"))
    yield from walk(root, position, path_filter, report, S3Lister(fs))


def open_object(url: str) -> BinaryIO:
    """Open an S3 object for streaming; failures raise ``OSError``."""
    fs = filesystem()
    try:
        stream = fs.open(_key(url), "rb", block_size=BLOCK_BYTES, cache_type="readahead")
    except Exception as error:
        if not _is_remote_error(error):
            raise
        raise OSError(_describe(error, url)) from None
    return cast(BinaryIO, _RemoteStream(stream, url))


@functools.cache
def filesystem() -> Any:
    """The process's S3 filesystem (s3fs), created on first use.

    Listings are not cached (``use_listings_cache=False``): a year of an organization
    trail holds millions of keys, and each is listed once anyway.
    """
    s3fs = import_extra("s3fs", extra="s3", feature="reading s3:// sources")
    return s3fs.S3FileSystem(use_listings_cache=False, skip_instance_cache=True)


@dataclass(frozen=True, slots=True)
class _S3Entry:
    name: str
    path: str
    directory: bool

    def is_dir(self) -> bool:
        return self.directory


class S3Lister(Lister):
    """Lists S3 "directories" (key prefixes up to the next ``/``) for a tree walk."""

    def __init__(self, fs: Any) -> None:
        self.fs = fs

    def scan(self, path: str, report: Report) -> Sequence[Entry]:
        try:
            listing = self.fs.ls(_key(path), detail=True)
        except Exception as error:
            if not _is_remote_error(error):
                raise
            report.add(ProblemKind.UNREADABLE_FILE, path, _describe(error, path))
            return []
        own_key = _key(path)
        entries = [_S3Entry(item["name"].rstrip("/").rsplit("/", 1)[-1],
                            S3_SCHEME + item["name"].rstrip("/"),
                            item["type"] == "directory")
                   for item in listing if item["name"].rstrip("/") != own_key]
        return sorted(entries, key=lambda entry: entry.name)

    def scan_all(self, paths: Sequence[str], report: Report) -> list[Sequence[Entry]]:
        if len(paths) <= 1:
            return [self.scan(path, report) for path in paths]
        # Problems are gathered per directory and added in order, so the report does not
        # depend on which request finishes first.
        reports = [Report() for _ in paths]
        with ThreadPoolExecutor(min(LIST_CONCURRENCY, len(paths))) as pool:
            listings = list(pool.map(self.scan, paths, reports))
        for one in reports:
            report.absorb(one)
        return listings


class _RemoteStream(io.RawIOBase):
    """An open S3 object whose read failures surface as ``OSError``."""

    def __init__(self, stream: Any, url: str) -> None:
        super().__init__()
        self._stream = stream
        self._url = url

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return cast(bytes, self._stream.read(size))
        except Exception as error:
            if not _is_remote_error(error):
                raise
            raise OSError(_describe(error, self._url)) from None

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            super().close()


def _key(url: str) -> str:
    """``bucket/key`` (what s3fs takes) from ``s3://bucket/key``."""
    return url.removeprefix(S3_SCHEME)


def _is_remote_error(error: Exception) -> bool:
    """Whether ``error`` is a failure of S3 or the network rather than a bug here."""
    if isinstance(error, OSError):
        return True
    botocore = import_extra("botocore.exceptions", extra="s3", feature="reading s3:// sources")
    return isinstance(error, (botocore.BotoCoreError, botocore.ClientError))


def _describe(error: Exception, url: str) -> str:
    """One line for the report.  botocore's messages name the failed operation and the
    error code, never a credential."""
    text = str(error).strip() or type(error).__name__
    if isinstance(error, FileNotFoundError) and text.rstrip("/") in url:
        return "no such S3 object or prefix"
    if isinstance(error, PermissionError):
        return f"access denied ({text})"
    return text if isinstance(error, OSError) else f"{type(error).__name__}: {text}"

"""Find the log files under a directory, in delivery order, honouring path filters.

CloudTrail delivers to S3 as ``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>``
(organization trails add an ``<org-id>`` level after ``AWSLogs``).  The path already says
which account, region and day a file holds, so account/region/date filters are applied
to directory and file names and files outside them are never opened.

Across accounts and regions, files are listed day by day and sorted by the delivery
stamp in their names, so events reach the reorder window roughly in time order
whatever the shape of the tree.  Memory is one day's file names plus one small
iterator per account/region, however many days the tree holds.

The walk lists directories through a :class:`Lister`: the local file system here, S3
in :mod:`simulator.sources.s3` (``s3://`` sources), so both prune the same way.
"""

from __future__ import annotations

import heapq
import itertools
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from simulator.events import ProblemKind, Report

AWS_LOGS = "AWSLogs"
CLOUDTRAIL = "CloudTrail"
DIGEST_MARK = "CloudTrail-Digest"
LOG_SUFFIXES = (".json", ".jsonl", ".ndjson", ".log", ".gz")
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
_ACCOUNT_ID = re.compile(r"\d{12}")
_NUMBER = re.compile(r"\d{1,4}")
# <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json[.gz]
_CLOUDTRAIL_NAME = re.compile(
    r"(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{4})Z_[A-Za-z0-9]+\.json(?:\.gz)?"
)
_LAYOUT = ("account", "service", "region", "year", "month", "day")


@dataclass(frozen=True, slots=True)
class PathFilter:
    """Which accounts, regions and delivery days (inclusive) to read; None = all.

    Dates are the UTC delivery days in the S3 path (or in a CloudTrail file name), so
    an event from just before midnight may sit in the next day's folder.
    """

    accounts: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    start_date: date | None = None
    end_date: date | None = None

    def __post_init__(self) -> None:
        for name in ("accounts", "regions"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"PathFilter.{name} must be a collection of strings, not a string")
            if value is not None:
                object.__setattr__(self, name, frozenset(value))
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError(
                f"PathFilter: start_date {self.start_date} is after end_date {self.end_date}"
            )

    def allows_account(self, account: str) -> bool:
        return self.accounts is None or account in self.accounts

    def allows_region(self, region: str) -> bool:
        return self.regions is None or region in self.regions

    def allows_period(self, first: date, last: date) -> bool:
        """Whether the days ``first``..``last`` overlap the date range."""
        return (self.start_date is None or last >= self.start_date) and (
            self.end_date is None or first <= self.end_date
        )

    def allows_name(self, name: str) -> bool:
        """Whether a CloudTrail-named file passes; other names always pass."""
        match = _CLOUDTRAIL_NAME.fullmatch(name)
        if match is None:
            return True
        account, region, year, month, day, _ = match.groups()
        day_of_file = _date(int(year), int(month), int(day))
        return (
            self.allows_account(account)
            and self.allows_region(region)
            and day_of_file is not None
            and self.allows_period(day_of_file, day_of_file)
        )


class Entry(Protocol):
    """One item of a directory listing (``os.DirEntry`` has this shape)."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    def is_dir(self) -> bool: ...


class Lister:
    """Lists directories for a walk; this one reads the local file system."""

    def scan(self, path: str, report: Report) -> Sequence[Entry]:
        """The entries of directory ``path``, sorted by name; problems go to ``report``."""
        try:
            with os.scandir(path) as entries:
                return sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            report.add(ProblemKind.UNREADABLE_FILE, path, error.strerror or str(error))
            return []

    def scan_all(self, paths: Sequence[str], report: Report) -> list[Sequence[Entry]]:
        """:meth:`scan` for several directories (a remote lister may list them at once)."""
        return [self.scan(path, report) for path in paths]



def walk(path: str, position: _Position | None, path_filter: PathFilter, report: Report,
         lister: Lister) -> Iterator[str]:
    """The log files under directory ``path``, listed with ``lister``, in delivery order.

    ``position`` is where ``path`` sits in the S3 layout (:func:`layout_position`), or
    None for a directory outside any ``AWSLogs`` tree.
    """
    if position is None:
        yield from _walk_plain(path, path_filter, report, lister)
    else:
        yield from _walk_layout(path, position, path_filter, report, lister)


def is_log_file_name(name: str) -> bool:
    """Whether a directory walk should read a file of this name."""
    return not name.startswith(".") and DIGEST_MARK not in name and name.endswith(LOG_SUFFIXES)


@dataclass(frozen=True, slots=True)
class _Position:
    """Where a directory sits in the S3 layout: the parts fixed so far."""

    parts: tuple[str, ...]  # values for _LAYOUT[: len(parts)]

    @property
    def level(self) -> str:
        """The layout level of this directory's children."""
        return _LAYOUT[len(self.parts)] if len(self.parts) < len(_LAYOUT) else "file"

    def child(self, name: str) -> _Position:
        return _Position((*self.parts, name))


def layout_position(components: Sequence[str]) -> _Position | None:
    """Where the directory named by path ``components`` sits inside an ``AWSLogs`` tree,
    or None if not inside one."""
    components = list(components)
    if AWS_LOGS not in components:
        return None
    index = len(components) - 1 - components[::-1].index(AWS_LOGS)
    rest = components[index + 1 :]
    if rest and _ORG_ID.fullmatch(rest[0]):
        rest = rest[1:]
    if len(rest) > len(_LAYOUT):
        return None
    return _Position(tuple(rest))


def _walk_plain(path: str, path_filter: PathFilter, report: Report,
                lister: Lister) -> Iterator[str]:
    for entry in lister.scan(path, report):
        if entry.name.startswith(".") or entry.name == DIGEST_MARK:
            continue
        if entry.is_dir():
            if entry.name == AWS_LOGS:
                yield from _walk_layout(entry.path, _Position(()), path_filter, report, lister)
            else:
                yield from _walk_plain(entry.path, path_filter, report, lister)
        elif is_log_file_name(entry.name) and path_filter.allows_name(entry.name):
            yield entry.path


def _walk_layout(path: str, position: _Position, path_filter: PathFilter, report: Report,
                 lister: Lister) -> Iterator[str]:
    if not _allowed(position, path_filter):
        return
    day_streams = [
        _days(region_path, region_position, path_filter, report, lister)
        for region_path, region_position in _regions(path, position, path_filter, report,
                                                     lister)
    ]
    merged = heapq.merge(*day_streams, key=lambda item: item[0])
    for _, group in itertools.groupby(merged, key=lambda item: item[0]):
        yield from _day_files([day_path for _, day_path in group], path_filter, report, lister)


def _regions(path: str, position: _Position, path_filter: PathFilter, report: Report,
             lister: Lister) -> Iterator[tuple[str, _Position]]:
    """Directories at the region level or below, each with its position."""
    if len(position.parts) >= _LAYOUT.index("region") + 1:
        yield path, position
        return
    for entry in lister.scan(path, report):
        if not entry.is_dir():
            continue
        if position.level == "account" and _ORG_ID.fullmatch(entry.name):
            # An organization trail: the accounts are one level further down.
            yield from _regions(entry.path, position, path_filter, report, lister)
            continue
        child = position.child(entry.name)
        if _allowed(child, path_filter):
            yield from _regions(entry.path, child, path_filter, report, lister)


def _days(path: str, position: _Position, path_filter: PathFilter, report: Report,
          lister: Lister) -> Iterator[tuple[date, str]]:
    """(day, directory) for each day directory under ``path``, in date order."""
    if position.level == "file":
        day = _position_date(position)
        if day is not None:
            yield day, path
        return
    for entry in lister.scan(path, report):
        if entry.is_dir() and _NUMBER.fullmatch(entry.name):
            child = position.child(entry.name)
            if _allowed(child, path_filter):
                yield from _days(entry.path, child, path_filter, report, lister)


def _day_files(day_paths: Sequence[str], path_filter: PathFilter, report: Report,
               lister: Lister) -> list[str]:
    """The log files of one day across accounts and regions, by delivery stamp."""
    files = [
        (_delivery_stamp(entry.name), entry.name, entry.path)
        for listing in lister.scan_all(day_paths, report)
        for entry in listing
        if not entry.is_dir()
        and is_log_file_name(entry.name)
        and path_filter.allows_name(entry.name)
    ]
    files.sort()
    return [file_path for _, _, file_path in files]


def _delivery_stamp(name: str) -> str:
    match = _CLOUDTRAIL_NAME.fullmatch(name)
    return "".join(match.groups()[2:6]) if match else ""


def _allowed(position: _Position, path_filter: PathFilter) -> bool:
    """Whether the layout parts fixed so far are well-formed and pass the filter."""
    values = dict(zip(_LAYOUT, position.parts, strict=False))
    account = values.get("account")
    if account is not None and not (
        _ACCOUNT_ID.fullmatch(account) and path_filter.allows_account(account)
    ):
        return False
    if values.get("service", CLOUDTRAIL) != CLOUDTRAIL:
        return False  # digests, Insights events and other services are not trail events
    region = values.get("region")
    if region is not None and not path_filter.allows_region(region):
        return False
    return _period_allowed(values, path_filter)


def _period_allowed(values: dict[str, str], path_filter: PathFilter) -> bool:
    if "year" not in values:
        return True
    try:
        year = int(values["year"])
        month = int(values.get("month", 0))
        day = int(values.get("day", 0))
    except ValueError:
        return False
    if not month:
        first, last = _date(year, 1, 1), _date(year, 12, 31)
    elif not day:
        first = _date(year, month, 1)
        last = _date(year + month // 12, month % 12 + 1, 1)
        last = date.fromordinal(last.toordinal() - 1) if last else None
    else:
        first = last = _date(year, month, day)
    return first is not None and last is not None and path_filter.allows_period(first, last)


def _position_date(position: _Position) -> date | None:
    values = dict(zip(_LAYOUT, position.parts, strict=False))
    return _date(int(values["year"]), int(values["month"]), int(values["day"]))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

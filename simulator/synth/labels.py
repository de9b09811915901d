"""Incident labels: the ground truth a threshold sweep scores detection against.

A labels file is JSON lines, one incident per line, as ``cwpattern synth --labels`` writes
them (:func:`simulator.synth.generator.write_labels`) or as a team writes them by hand from its
incident log::

    {"id": "outage", "start": "2024-03-04T07:00:00Z", "end": "2024-03-04T07:20:00Z"}

``id`` (a non-empty string, unique in the file), ``start`` and ``end`` (ISO-8601 with ``Z``
or an offset; ``end`` exclusive and after ``start``) are required; every other key (the
synthesizer's ``description``, ``event_count``, ``match``...) is allowed and ignored.  Blank
lines are skipped.  A file is untrusted input: its size and the number of incidents are
capped, and every mistake is reported once, with the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from simulator.timestamps import format_iso_ms, parse_iso_ms

LABELS_FILE_NAME = "labels.jsonl"
MAX_LABELS_BYTES = 8 << 20
MAX_INCIDENTS = 10_000


class LabelsError(ValueError):
    """A labels file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class IncidentLabel:
    """One labelled incident: ``[start_ms, end_ms)`` in epoch milliseconds."""

    id: str
    start_ms: int
    end_ms: int

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "start": format_iso_ms(self.start_ms),
                "end": format_iso_ms(self.end_ms)}


def read_labels(path: str | Path) -> tuple[IncidentLabel, ...]:
    """The incidents of a labels file, in file order; :class:`LabelsError` if it is bad."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_LABELS_BYTES:
            raise LabelsError(f"{path}: the labels file is larger than {MAX_LABELS_BYTES} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        raise LabelsError(f"{path}: no such labels file") from None
    except IsADirectoryError:
        raise LabelsError(f"{path}: is a directory, not a labels file") from None
    except OSError as error:
        raise LabelsError(f"{path}: cannot read it: {error.strerror}") from None
    return parse_labels(data.splitlines(), str(path))


def parse_labels(lines: Iterable[bytes | str],
                 source: str = "<labels>") -> tuple[IncidentLabel, ...]:
    """Parse JSON lines of incidents (see the module docstring for the format)."""
    incidents: list[IncidentLabel] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        label = _label(line, where)
        if label.id in seen:
            raise LabelsError(f"{where}: incident id {label.id!r} is already used on line "
                              f"{seen[label.id]}")
        seen[label.id] = number
        incidents.append(label)
        if len(incidents) > MAX_INCIDENTS:
            raise LabelsError(f"{where}: more than {MAX_INCIDENTS} incidents")
    return tuple(incidents)


def find_labels(sources: Sequence[str]) -> Path | None:
    """The ``labels.jsonl`` lying next to the sources, as ``cwpattern synth`` lays them out.

    A source directory is searched in itself and in its parent (``scenario/trail`` next to
    ``scenario/labels.jsonl``), a source file in its own directory.  None when there is no
    such file; :class:`LabelsError` when the sources point at different ones.
    """
    found: dict[Path, Path] = {}  # the file itself -> the name the sources gave it
    for source in sources:
        if source == "-":
            continue
        path = Path(source)
        places = (path, path.parent) if path.is_dir() else (path.parent,)
        for place in places:
            candidate = place / LABELS_FILE_NAME
            if candidate.is_file():
                found.setdefault(candidate.resolve(), candidate)
                break
    if len(found) > 1:
        names = ", ".join(sorted(str(p) for p in found.values()))
        raise LabelsError(f"the sources lie next to several labels files ({names}); "
                          "choose one with --labels")
    return next(iter(found.values()), None)


def _label(line: bytes | str, where: str) -> IncidentLabel:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise LabelsError(f"{where}: not a JSON object ({error})") from None
    if not isinstance(record, dict):
        raise LabelsError(f"{where}: expected a JSON object like "
                          '{"id": ..., "start": ..., "end": ...}')
    incident_id = record.get("id")
    if not isinstance(incident_id, str) or not incident_id:
        raise LabelsError(f"{where}: 'id' must be a non-empty string")
    start = _instant(record, "start", where)
    end = _instant(record, "end", where)
    if end <= start:
        raise LabelsError(f"{where}: incident {incident_id!r}: 'end' must be after 'start'")
    return IncidentLabel(incident_id, start, end)


def _instant(record: dict[str, object], key: str, where: str) -> int:
    value = record.get(key)
    if not isinstance(value, str):
        raise LabelsError(f"{where}: {key!r} must be an ISO-8601 timestamp such as "
                          "2024-03-04T10:00:00Z")
    try:
        return parse_iso_ms(value)
    except ValueError:
        raise LabelsError(f"{where}: {key!r} is not an ISO-8601 timestamp: {value!r}") from None

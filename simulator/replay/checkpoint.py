"""Resumable replays: keep each scored file on disk, so a restart skips finished work.

A replay of months of trail can be killed (a reboot, an OOM killer, Ctrl-C).  Reading
and matching files is nearly all of its cost, and its result for a file never changes,
so a checkpoint keeps one record per scored file: the :class:`FileScore` written with
orjson and gzip (data only: nothing in a checkpoint is ever executed), and one line in
an append-only journal.  A restarted replay takes finished files from the checkpoint
and recomputes the cheap, deterministic rest (ordering, datapoints, alarms) from them,
so its report is exactly that of an uninterrupted run: no event counted twice, none
missed.

A checkpoint belongs to one replay: its ``run.json`` holds a fingerprint of the filters,
the sources and the options, and a different replay refuses to use it.  A file that
changed since it was scored (size or modification time) is scored again.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from simulator.events import Problem, ProblemKind, Report
from simulator.metrics import MetricKey
from simulator.replay.scoring import Engine, FileScore

JOURNAL = "journal.jsonl"
RUN = "run.json"
FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """The checkpoint directory belongs to another replay, or is unusable."""


class Checkpoint:
    """A directory of scored files for one replay (see the module docstring)."""

    def __init__(self, directory: str | Path, fingerprint: dict[str, Any]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.fingerprint = _digest(fingerprint)
        self._claim()
        self.done = self._read_journal()
        self._journal = (self.directory / JOURNAL).open("a", encoding="utf-8")

    def close(self) -> None:
        self._journal.close()

    def wrap(self, engine: Engine) -> Engine:
        """An engine that takes finished files from the checkpoint and saves new ones."""

        def scored(paths: Iterable[str]) -> Iterator[FileScore]:
            # The engine reads ahead on its own copy of the listing (tee buffers only the
            # few paths between the two), so memory does not grow with the file count.
            ordered, ahead = itertools.tee(paths)
            fresh = engine(path for path in ahead if not self._finished(path))
            for path in ordered:
                if self._finished(path):
                    yield self._load(path)
                    continue
                score = next(fresh)
                if score.path != path:  # only if a file changed while the replay ran
                    raise CheckpointError(f"{path} changed during the replay; run it again")
                self._save(score)
                yield score

        return scored

    # ------------------------------------------------------------------ storage

    def _claim(self) -> None:
        run = self.directory / RUN
        if run.exists():
            recorded = orjson.loads(run.read_bytes()).get("fingerprint")
            if recorded != self.fingerprint:
                raise CheckpointError(
                    f"{self.directory} holds the checkpoint of a different replay "
                    "(other filters, sources or options); use another directory")
            return
        _atomic_write(run, orjson.dumps({"version": FORMAT_VERSION,
                                         "fingerprint": self.fingerprint}))

    def _read_journal(self) -> dict[str, dict[str, Any]]:
        done: dict[str, dict[str, Any]] = {}
        path = self.directory / JOURNAL
        if not path.exists():
            return done
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a line cut short by a kill: that file is scored again
            done[entry["path"]] = entry
        return done

    def _finished(self, path: str) -> bool:
        """Scored before, unchanged since, and its record is on disk."""
        entry = self.done.get(path)
        return (entry is not None and entry["stamp"] == _stamp(path)
                and (self.directory / entry["blob"]).is_file())

    def _load(self, path: str) -> FileScore:
        blob = self.directory / self.done[path]["blob"]
        try:
            return _decode(orjson.loads(gzip.decompress(blob.read_bytes())))
        except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
            raise CheckpointError(f"the checkpoint record {blob} is damaged ({error}); "
                                  f"delete {self.directory} to start again") from None

    def _save(self, score: FileScore) -> None:
        name = hashlib.sha256(score.path.encode()).hexdigest()[:32] + ".json.gz"
        _atomic_write(self.directory / name,
                      gzip.compress(orjson.dumps(_encode(score)), compresslevel=1))
        entry = {"path": score.path, "stamp": _stamp(score.path), "blob": name}
        self._journal.write(orjson.dumps(entry).decode() + "\n")
        self._journal.flush()
        self.done[score.path] = entry


def _stamp(path: str) -> list[int]:
    try:
        status = os.stat(path)
    except OSError:
        return [-1, -1]
    return [status.st_size, status.st_mtime_ns]


def _digest(fingerprint: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(fingerprint, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


# ------------------------------------------------------------------- encoding


def _encode(score: FileScore) -> dict[str, Any]:
    return {
        "path": score.path, "size": score.size, "timestamps": score.timestamps,
        "origins": score.all_origins(),
        "outcomes": [None if outcome is None else [_outcome(item) for item in outcome]
                     for outcome in score.outcomes],
        "contributors": [[index, list(who)] for index, who in score.contributors.items()],
        "report": {
            "events": score.report.events,
            "counts": {kind.value: count for kind, count in score.report.counts.items()},
            "examples": [[p.kind.value, p.origin, p.detail]
                         for problems in score.report.examples.values() for p in problems],
            "first_bad": _problem(score.report.first_bad),
        },
    }


def _outcome(item: Any) -> Any:
    if item is None or isinstance(item, str):
        return item
    key, value = item
    return [key.namespace, key.name, [list(pair) for pair in key.dimensions], key.unit, value]


def _problem(problem: Problem | None) -> list[str] | None:
    return None if problem is None else [problem.kind.value, problem.origin, problem.detail]


def _decode(data: dict[str, Any]) -> FileScore:
    report = Report()
    report.events = data["report"]["events"]
    for kind, count in data["report"]["counts"].items():
        report.counts[ProblemKind(kind)] = count
    for kind, origin, detail in data["report"]["examples"]:
        report.examples.setdefault(ProblemKind(kind), []).append(
            Problem(ProblemKind(kind), origin, detail))
    first_bad = data["report"]["first_bad"]
    report.first_bad = None if first_bad is None else Problem(ProblemKind(first_bad[0]),
                                                              first_bad[1], first_bad[2])
    outcomes = [None if outcome is None else tuple(_decode_outcome(item) for item in outcome)
                for outcome in data["outcomes"]]
    contributors = {index: tuple(who) for index, who in data["contributors"]}
    return FileScore(data["path"], data["size"], report, data["timestamps"], data["origins"],
                     outcomes, contributors)


def _decode_outcome(item: Any) -> Any:
    if item is None or isinstance(item, str):
        return item
    namespace, name, dimensions, unit, value = item
    return MetricKey(namespace, name, tuple(tuple(pair) for pair in dimensions), unit), value

"""A one-line progress display on stderr, only when stderr is a terminal.

Shows files, events, events per second and, when the total size is known, a bar and
an ETA.  Redraws at most ten times a second, so it costs nothing measurable.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1


class ProgressLine:
    """Callable progress sink for :func:`simulator.replay.driver.replay`."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.last = 0.0
        self.shown = False

    @classmethod
    def for_terminal(cls) -> ProgressLine | None:
        return cls() if sys.stderr.isatty() else None

    def __call__(self, state: Any) -> None:
        now = time.monotonic()
        finished = ((state.files_total is not None and state.files_done >= state.files_total)
                    or (state.bytes_total is not None and state.bytes_done >= state.bytes_total))
        if now - self.last < REDRAW_SECONDS and not finished:
            return
        self.last = now
        self.stream.write("\r" + render(state, now) + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def render(state: Any, now: float) -> str:
    elapsed = max(now - state.started, 1e-9)
    rate = state.events / elapsed
    parts = [f"events {state.events:,}", f"{rate:,.0f} ev/s"]
    if state.files_done is not None:  # None: a command that does not read files
        files = f"{state.files_done}/{state.files_total}" if state.files_total is not None \
            else str(state.files_done)
        parts.insert(0, f"files {files}")
    if state.bytes_total:
        done = min(state.bytes_done / state.bytes_total, 1.0)
        filled = round(done * BAR_WIDTH)
        remaining = elapsed * (1 - done) / done if done > 0 else None
        bar = "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"
        eta = f"ETA {_clock(remaining)}" if remaining is not None else "ETA --:--"
        return " ".join([bar, " · ".join([*parts, eta])])
    return " · ".join(parts)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@dataclass
class Tally:
    """Progress of work that is not a file replay (``synth``, ``match``): a count of
    events and, when known, the share done, drawn on ``line``."""

    line: ProgressLine
    events: int = 0
    share: float | None = None
    started: float = field(default_factory=time.monotonic)
    files_done = None
    files_total = None

    @property
    def bytes_done(self) -> int:  # the bar is drawn in thousandths of the work
        return round((self.share or 0.0) * 1000)

    @property
    def bytes_total(self) -> int | None:
        return None if self.share is None else 1000

    def update(self, events: int, share: float | None = None) -> None:
        self.events, self.share = events, share
        self.line(self)

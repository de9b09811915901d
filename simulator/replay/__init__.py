"""The replay engine: files, trees and S3 trails run through metric filters and alarms.

``driver.replay`` is the whole chain: it reads sources, scores every event against the
metric filters (``scoring``, with a fast path for clean JSON in ``fastpath``, on local
worker processes or a Dask cluster in ``engine_dask``), puts events in time order
(``sequencer``, ``reorder``), builds per-minute datapoints and runs the alarms over
them, and keeps what explains a state (``contributors``).  ``checkpoint`` lets a long
replay resume; ``match`` is the engine of ``cwpattern match``.

The public face is the names below; the modules are internals.
"""

from simulator._faces import lazy_face

__all__, __getattr__, __dir__ = lazy_face(__name__, {
    "simulator.replay.checkpoint": ("Checkpoint", "CheckpointError"),
    "simulator.replay.driver": ("Progress", "ReplayOptions", "ReplayResult", "ReplayRun",
                                "replay"),
    "simulator.replay.engine_dask": ("EngineError", "local_cluster"),
    "simulator.replay.match": ("find_matches",),
    "simulator.replay.report": ("report_lines", "span_marks", "sparkline"),
    "simulator.replay.reorder_window": ("reorder",),
    "simulator.replay.engines": ("LOCAL_ENGINE", "EngineChoice", "chosen_engine",
                                 "open_engine", "using_engine"),
})

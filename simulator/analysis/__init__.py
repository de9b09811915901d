"""Analyses built on the engines: threshold sweeps, plots and lint.

``sweep`` replays once and scores a grid of alarm configurations against labelled
incidents; ``plot`` draws replays and sweeps (matplotlib, an optional extra); ``lint``
checks patterns, filters and alarms in test files and deployed configurations.

The public face is the names below; the modules are internals.
"""

from simulator._faces import lazy_face

__all__, __getattr__, __dir__ = lazy_face(__name__, {
    "simulator.analysis.linter": ("lint",),
    "simulator.analysis.plot": ("PlotUnavailable", "ReplayRecorder", "plot_replay_result",
                                "plot_sweep", "require_matplotlib"),
    "simulator.analysis.sweep_report": ("shown_path", "sweep_report_lines"),
    "simulator.analysis.threshold_sweep": ("GRACE_RULE", "RANKING_RULE", "Grid", "SweepError",
                                           "SweepResult", "check_sweepable", "choose_alarm",
                                           "parse_period", "parse_statistic_name",
                                           "parse_threshold", "parse_treat_missing_data",
                                           "parse_whole", "sweep"),
})

"""The alarm engine: CloudWatch alarms evaluated over simulated time.

Definitions arrive as PutMetricAlarm / PutCompositeAlarm parameters and are validated
with AWS's texts (``validation``, ``alarm``, ``composite``, ``metric_math``); each
period's datapoints reduce to a statistic (``statistics``); the M-of-N decision with
the missing-data rules picks a state (``decision``) and explains it in AWS's words
(``reasons``); ``simulation`` runs every alarm minute by minute, jumping over quiet
stretches, and fires actions (``actions``); ``timeline`` evaluates many variants of an
alarm over one per-minute series at once, for sweeps.

The public face is the names below; the modules are internals.
"""

from simulator._faces import lazy_face

__all__, __getattr__, __dir__ = lazy_face(__name__, {
    "simulator.alarms.alarm": ("Evaluation", "MetricAlarm"),
    "simulator.alarms.composite": ("CompositeAlarm", "alarm_name_from_reference"),
    "simulator.alarms.decision": ("AlarmState",),
    "simulator.alarms.metric_math": ("MetricMathError",),
    "simulator.alarms.simulation": ("Action", "HistoryItem", "Simulation", "SimulationResult",
                                    "SimulationSettings", "SuppressedAction", "Transition",
                                    "evaluation_cadence_ms"),
    "simulator.alarms.statistics": ("StatisticError", "parse_statistic", "statistic"),
    "simulator.alarms.timeline": ("MinuteSeries", "StateChange", "TimelineEvaluator", "reads",
                                  "variant_order"),
    "simulator.alarms.validation": ("AlarmDefinitionError",),
})

"""Metric filters: PutMetricFilter definitions, and log events turned into datapoints.

``metric_filter`` validates a filter with AWS's texts and computes, for one event, the
value, dimensions and unit each metric transformation emits; ``pipeline`` applies a set
of filters to a stream of events and sums what they emit into per-minute datapoints,
with CloudWatch's default-value rule.

The public face is the names below; the modules are internals.
"""

from simulator._faces import lazy_face

__all__, __getattr__, __dir__ = lazy_face(__name__, {
    "simulator.filters.metric_filter": ("MetricFilter", "MetricFilterError",
                                        "parse_metric_number"),
    "simulator.filters.pipeline": ("EventScorer", "MetricPipeline", "ScoredEvent"),
})

"""cwpattern's simulator: event sources, metric filters, and CloudWatch alarms."""

from simulator.metrics import Datapoint, MetricKey

__all__ = ["Datapoint", "MetricKey"]

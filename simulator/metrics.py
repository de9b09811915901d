"""Metric identity and datapoints: the contract between metric filters and alarms.

CloudWatch identifies a metric by namespace, name and the *exact* set of dimension
name/value pairs (alarm-semantics spec §3); datapoints with different units are kept
apart.  Metric filters produce :class:`Datapoint` objects, one per metric per minute,
holding one sample per matching event (or the filter's default value); alarms read them.
Keeping this module tiny and dependency-free lets both sides evolve independently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

NO_UNIT = "None"


@dataclass(frozen=True, slots=True)
class MetricKey:
    """A metric's identity: namespace, name, dimension set (sorted pairs) and unit."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()
    unit: str = NO_UNIT

    @classmethod
    def of(
        cls,
        namespace: str,
        name: str,
        dimensions: Mapping[str, str] | None = None,
        unit: str | None = None,
    ) -> MetricKey:
        """Build a key with the dimensions in canonical (sorted) order."""
        dims = tuple(sorted((dimensions or {}).items()))
        return cls(namespace, name, dims, unit or NO_UNIT)

    def __str__(self) -> str:
        dims = ",".join(f"{k}={v}" for k, v in self.dimensions)
        return f"{self.namespace}/{self.name}{{{dims}}}"


@dataclass(frozen=True, slots=True)
class Datapoint:
    """The samples one metric received in one period bucket.

    ``timestamp_ms`` is the bucket start (epoch milliseconds; minute-aligned for the
    standard-resolution metrics that metric filters publish).  ``values`` holds one
    sample per matching event in arrival order, or ``(defaultValue,)`` for a minute in
    which the log group received events but none matched.
    """

    key: MetricKey
    timestamp_ms: int
    values: tuple[float, ...]

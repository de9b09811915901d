"""CloudWatch statistics: parse a statistic name and compute it over one period's samples.

An alarm compares *one number per period* with its threshold; which number is decided by the
statistic (alarm-semantics spec §4.2).  The simple five are arithmetic; the percentile family
(``p99.9``, ``TM(10%:90%)``, ``tm90``, ``IQM``, ``WM``, ``TC``, ``TS``, ``PR``) needs the raw
samples, follows bound rules that are easy to get subtly wrong (lower bound exclusive, upper
inclusive), and must not use binary floating point for ranks (``0.9 × 100`` must be ``90``).
Keeping all of that in one module lets alarms, metric math and tests share one definition.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

SIMPLE_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
PERCENTILE_METHODS = ("nearest-rank", "linear")
PercentileMethod = Literal["nearest-rank", "linear"]

_NUMBER = r"\d+(?:\.\d+)?"
_PERCENTILE = re.compile(rf"p({_NUMBER})")
_SHORT_FORM = re.compile(rf"(tm|wm|tc|ts)({_NUMBER})")
_RANGE_FORM = re.compile(r"(TM|WM|TC|TS|PR)\(([^():]*):([^():]*)\)")
_BOUND = re.compile(rf"({_NUMBER})(%?)")
_MAX_DECIMALS = 10


class StatisticError(ValueError):
    """A statistic name CloudWatch would reject."""


@dataclass(frozen=True, slots=True)
class Bound:
    """One side of a ``TM(a:b)``-style range: a percentile of the data or an absolute value."""

    value: Fraction
    is_percent: bool

    def __str__(self) -> str:
        return f"{_fraction_text(self.value)}{'%' if self.is_percent else ''}"


@dataclass(frozen=True, slots=True)
class Statistic:
    """A parsed statistic.

    ``kind`` is one of the five simple names, ``"p"`` (percentile, ``percentile`` set), or one
    of ``TM WM TC TS PR`` with optional ``lower``/``upper`` bounds (``IQM`` parses to
    ``TM(25%:75%)`` but keeps its name).
    """

    name: str
    kind: str
    percentile: Fraction | None = None
    lower: Bound | None = None
    upper: Bound | None = None

    @property
    def is_simple(self) -> bool:
        """True for SampleCount/Average/Sum/Minimum/Maximum (PutMetricAlarm ``Statistic``)."""
        return self.kind in SIMPLE_STATISTICS

    @property
    def low_sample_minimum(self) -> int | None:
        """Fewest samples a ``pNN`` needs before it is trusted (spec §8), or None.

        ``10/(1-p)`` for ``0.5 ≤ p < 1`` and ``10/p`` for ``0 < p < 0.5`` (p as a fraction);
        None for p0, p100 and every non-percentile statistic, which are never "low".
        """
        if self.kind != "p" or self.percentile is None:
            return None
        p = self.percentile / 100
        if Fraction(1, 2) <= p < 1:
            return math.ceil(10 / (1 - p))
        if 0 < p < Fraction(1, 2):
            return math.ceil(10 / p)
        return None

    def __str__(self) -> str:
        return self.name


def parse_statistic(name: str) -> Statistic:
    """Parse a ``Statistic`` or ``ExtendedStatistic`` name; raise StatisticError if invalid."""
    if not isinstance(name, str) or not name:
        raise StatisticError(f"invalid statistic {name!r}: expected a non-empty string")
    if name in SIMPLE_STATISTICS:
        return Statistic(name, name)
    if name == "IQM":
        return Statistic(
            name, "TM", lower=Bound(Fraction(25), True), upper=Bound(Fraction(75), True)
        )
    if match := _PERCENTILE.fullmatch(name):
        return Statistic(name, "p", percentile=_percentage(match.group(1), name))
    if match := _SHORT_FORM.fullmatch(name):
        upper = Bound(_percentage(match.group(2), name), True)
        return Statistic(name, match.group(1).upper(), upper=upper)
    if match := _RANGE_FORM.fullmatch(name):
        return _parse_range(name, match.group(1), match.group(2), match.group(3))
    raise StatisticError(
        f"invalid statistic {name!r}: expected SampleCount, Average, Sum, Minimum, Maximum, "
        "pNN (p0.0 to p100), tmNN/wmNN/tcNN/tsNN, IQM, or TM/WM/TC/TS/PR(lower:upper)"
    )


def _parse_range(name: str, kind: str, lower_text: str, upper_text: str) -> Statistic:
    lower = _parse_bound(lower_text, name)
    upper = _parse_bound(upper_text, name)
    if lower is None and upper is None:
        raise StatisticError(f"invalid statistic {name!r}: at least one bound is required")
    if kind == "PR" and any(b is not None and b.is_percent for b in (lower, upper)):
        raise StatisticError(f"invalid statistic {name!r}: PR bounds are absolute values, not %")
    if lower and upper and lower.is_percent == upper.is_percent and lower.value > upper.value:
        raise StatisticError(f"invalid statistic {name!r}: lower bound exceeds upper bound")
    return Statistic(name, kind, lower=lower, upper=upper)


def _parse_bound(text: str, name: str) -> Bound | None:
    text = text.strip()
    if not text:
        return None
    match = _BOUND.fullmatch(text)
    if match is None:
        raise StatisticError(f"invalid statistic {name!r}: bad bound {text!r}")
    if match.group(2):
        return Bound(_percentage(match.group(1), name), True)
    return Bound(Fraction(match.group(1)), False)


def _percentage(text: str, name: str) -> Fraction:
    decimals = text.partition(".")[2]
    if len(decimals) > _MAX_DECIMALS:
        raise StatisticError(
            f"invalid statistic {name!r}: at most {_MAX_DECIMALS} decimal places are allowed"
        )
    value = Fraction(text)
    if value > 100:
        raise StatisticError(f"invalid statistic {name!r}: percentages must be within 0 to 100")
    return value


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def statistic(
    name: str | Statistic,
    values: Sequence[float],
    percentile_method: PercentileMethod = "nearest-rank",
) -> float | None:
    """The statistic ``name`` over one period's samples, or None when there is no datapoint.

    None means CloudWatch would publish nothing for the period: no samples at all, a
    percentile-family statistic over a period holding a negative value (spec §4.2, A18), or
    a trimmed/winsorized mean whose bounds keep no value.
    """
    stat = name if isinstance(name, Statistic) else parse_statistic(name)
    if percentile_method not in PERCENTILE_METHODS:
        raise ValueError(f"unknown percentile method {percentile_method!r}")
    if not values:
        return None
    if stat.is_simple:
        return _simple(stat.kind, values)
    if any(v < 0 for v in values):
        return None
    ordered = sorted(values)
    if stat.kind == "p":
        assert stat.percentile is not None
        return _percentile_value(ordered, stat.percentile, percentile_method)
    return _bounded(stat, ordered, percentile_method)


def _simple(kind: str, values: Sequence[float]) -> float:
    if kind == "SampleCount":
        return float(len(values))
    if kind == "Minimum":
        return float(min(values))
    if kind == "Maximum":
        return float(max(values))
    total = 0.0
    for v in values:  # arrival order, like a running double accumulator
        total += v
    return total if kind == "Sum" else total / len(values)


def _percentile_value(ordered: Sequence[float], pct: Fraction, method: PercentileMethod) -> float:
    """Rule P (spec §4.2): nearest rank ``ceil(pct/100 × n)`` clamped to ``[1, n]``.

    ``linear`` (knob ``percentile_method``, A7) interpolates between closest ranks instead.
    """
    n = len(ordered)
    if method == "linear":
        position = pct / 100 * (n - 1)
        below = math.floor(position)
        above = min(below + 1, n - 1)
        weight = position - below
        return float(ordered[below] + (ordered[above] - ordered[below]) * float(weight))
    rank = min(max(math.ceil(pct / 100 * n), 1), n)
    return float(ordered[rank - 1])


def _bounded(stat: Statistic, ordered: Sequence[float], method: PercentileMethod) -> float | None:
    low = _bound_value(stat.lower, ordered, method, is_lower=True)
    high = _bound_value(stat.upper, ordered, method, is_lower=False)
    kept = [v for v in ordered if (low is None or v > low) and (high is None or v <= high)]
    if stat.kind == "TC":
        return float(len(kept))
    if stat.kind == "PR":
        return 100.0 * len(kept) / len(ordered)
    if stat.kind == "TS":
        return float(sum(kept))
    if not kept:
        return None
    if stat.kind == "TM":
        return sum(kept) / len(kept)
    # WM: values outside the bounds take the nearest kept value, then average over all n.
    smallest, largest = kept[0], kept[-1]
    clipped = [smallest if v < smallest else largest if v > largest else v for v in ordered]
    return sum(clipped) / len(clipped)


def _bound_value(
    bound: Bound | None, ordered: Sequence[float], method: PercentileMethod, *, is_lower: bool
) -> float | None:
    if bound is None:
        return None
    if not bound.is_percent:
        return float(bound.value)
    if is_lower and bound.value == 0:
        # "Drop the lowest 0%" drops nothing; Rule P's clamp to rank 1 would drop the minimum.
        return None
    return _percentile_value(ordered, bound.value, method)

"""Metric alarms: a validated PutMetricAlarm definition that can decide its next state.

``MetricAlarm.from_aws`` takes the dict you would pass to boto3's ``put_metric_alarm`` (or a
CloudFormation ``AWS::CloudWatch::Alarm``'s properties) and rejects what CloudWatch would
reject, with its message (spec §5, §14).  ``evaluate`` then runs one evaluation on the slots of
the evaluation range (spec §7), ``evaluate_samples`` first turns raw samples into the
statistic and applies the low-sample percentile rule (spec §8).  Scheduling over time lives in
:mod:`simulator.alarms.simulation`; this module answers "what would the alarm do with these slots".
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.alarms.decision import (
    TREAT_MISSING_DATA_VALUES,
    AlarmState,
    Decision,
    TreatMissingData,
    decide,
)
from simulator.alarms.metric_math import MetricMath
from simulator.alarms.reasons import Criterion, Slot, state_reason, state_reason_data, to_json
from simulator.alarms.statistics import (
    SIMPLE_STATISTICS,
    PercentileMethod,
    Statistic,
    StatisticError,
    parse_statistic,
    statistic,
)
from simulator.alarms.validation import (
    ACTION_LISTS,
    STANDARD_UNITS,
    AlarmDefinitionError,
    DefinitionReader,
    read_dimensions,
)
from simulator.metrics import MetricKey

Band = tuple[float, float]


DYNAMODB_NAMESPACE = "AWS/DynamoDB"
ONE_DAY_S = 86_400
SEVEN_DAYS_S = 604_800
HIGH_RESOLUTION_PERIODS = (10, 20, 30)

_PUT_METRIC_ALARM_FIELDS = (
    "AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
    "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
    "Dimensions", "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
    "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics",
    "Tags", "ThresholdMetricId", "EvaluationWindow", "EvaluationCriteria", "EvaluationInterval",
)  # fmt: skip
_METRICS_EXCLUSIVE = (
    "MetricName", "Namespace", "Dimensions", "Period", "Unit", "Statistic", "ExtendedStatistic",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StaticComparison:
    """A threshold operator: the statistic is the left operand (spec §7.3)."""

    phrase: str
    test: Callable[[float, float], bool]


@dataclass(frozen=True, slots=True)
class BandComparison:
    """An anomaly-band operator; values exactly on the band do not breach (spec §7.5, A16)."""

    phrase: str
    below_breaches: bool
    above_breaches: bool

    def test(self, value: float, band: Band) -> bool:
        lower, upper = band
        return (self.below_breaches and value < lower) or (self.above_breaches and value > upper)


STATIC_COMPARISONS: Mapping[str, StaticComparison] = {
    "GreaterThanOrEqualToThreshold": StaticComparison("greater than or equal to", operator.ge),
    "GreaterThanThreshold": StaticComparison("greater than", operator.gt),
    "LessThanThreshold": StaticComparison("less than", operator.lt),
    "LessThanOrEqualToThreshold": StaticComparison("less than or equal to", operator.le),
}
BAND_COMPARISONS: Mapping[str, BandComparison] = {
    "LessThanLowerOrGreaterThanUpperThreshold": BandComparison(
        "less than the lower thresholds {lower} or greater than the upper thresholds {upper}",
        below_breaches=True,
        above_breaches=True,
    ),
    "LessThanLowerThreshold": BandComparison(
        "less than the lower thresholds {lower}", below_breaches=True, above_breaches=False
    ),
    "GreaterThanUpperThreshold": BandComparison(
        "greater than the upper thresholds {upper}", below_breaches=False, above_breaches=True
    ),
}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of one evaluation.

    ``state`` is the state after the evaluation; ``reason``/``reason_data`` (JSON text) are
    CloudWatch's ``StateReason``/``StateReasonData`` for reaching it, or None when the rules
    said to keep the current state.  ``changed`` tells whether this is a transition.
    """

    state: AlarmState
    previous_state: AlarmState
    reason: str | None
    reason_data: str | None
    decision: Decision

    @property
    def changed(self) -> bool:
        return self.state is not self.previous_state


@dataclass(frozen=True, slots=True)
class MetricAlarm:
    """A validated PutMetricAlarm definition; build it with :meth:`from_aws`."""

    name: str
    evaluation_periods: int
    datapoints_to_alarm: int
    comparison_operator: str
    period: int
    threshold: float | None = None
    namespace: str | None = None
    metric_name: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: Statistic | None = None
    unit: str | None = None
    treat_missing_data: TreatMissingData | None = None
    evaluate_low_sample_count_percentile: str | None = None
    metrics: MetricMath | None = None
    threshold_metric_id: str | None = None
    description: str | None = None
    actions_enabled: bool = True
    ok_actions: tuple[str, ...] = ()
    alarm_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_aws(cls, definition: Mapping[str, Any]) -> MetricAlarm:
        """Validate PutMetricAlarm parameters; raise :class:`AlarmDefinitionError` if invalid."""
        reader = DefinitionReader(definition, _PUT_METRIC_ALARM_FIELDS)
        name = reader.alarm_name_field()
        reader.string("AlarmDescription", max_len=1024)
        _check_unsupported(reader)
        operator_name = reader.enum(
            "ComparisonOperator", [*STATIC_COMPARISONS, *BAND_COMPARISONS], required=True
        )
        assert operator_name is not None
        n = reader.integer("EvaluationPeriods", required=True)
        assert n is not None
        m = reader.integer("DatapointsToAlarm") or n
        if m > n:
            message = "DatapointsToAlarm must be less than or equal to EvaluationPeriods"
            reader.fail("DatapointsToAlarm", message)
        treat_missing = reader.enum("TreatMissingData", TREAT_MISSING_DATA_VALUES)
        low_sample = reader.enum("EvaluateLowSampleCountPercentile", ("evaluate", "ignore"))
        threshold = reader.number("Threshold")
        threshold_metric_id = reader.string("ThresholdMetricId", min_len=1, max_len=255)
        fields: dict[str, Any] = {}
        if reader.has("Metrics"):
            fields = _math_fields(reader, threshold_metric_id)
        else:
            fields = _single_metric_fields(reader)
        period = fields["period"]
        _check_evaluation_span(reader, period, n)
        _check_threshold(reader, operator_name, threshold, threshold_metric_id)
        actions = {f: reader.actions(f) for f in ACTION_LISTS}
        _check_action_restrictions(reader, actions, operator_name, reader.has("Metrics"))
        return cls(
            name=name,
            evaluation_periods=n,
            datapoints_to_alarm=m,
            comparison_operator=operator_name,
            threshold=threshold,
            treat_missing_data=treat_missing,  # type: ignore[arg-type]
            evaluate_low_sample_count_percentile=low_sample,
            threshold_metric_id=threshold_metric_id,
            description=reader.string("AlarmDescription"),
            actions_enabled=reader.boolean("ActionsEnabled", True),
            ok_actions=actions["OKActions"],
            alarm_actions=actions["AlarmActions"],
            insufficient_data_actions=actions["InsufficientDataActions"],
            **fields,
        )

    # ----------------------------------------------------------------- properties

    @property
    def is_anomaly_detection(self) -> bool:
        return self.comparison_operator in BAND_COMPARISONS

    @property
    def metric_key(self) -> MetricKey | None:
        """The single metric this alarm watches (None for metric-math alarms)."""
        if self.metrics is not None or self.namespace is None or self.metric_name is None:
            return None
        return MetricKey(self.namespace, self.metric_name, self.dimensions, self.unit or "None")

    def effective_treat_missing_data(
        self, *, dynamodb_always_ignore: bool = False
    ) -> TreatMissingData:
        """TreatMissingData as applied: default ``missing``; AWS/DynamoDB special case (A14).

        Unset TMD on an ``AWS/DynamoDB`` metric means ``ignore``; with
        ``dynamodb_always_ignore`` (the API reference's "always" reading) it is ``ignore``
        whatever was set.
        """
        if self.namespace == DYNAMODB_NAMESPACE and (
            dynamodb_always_ignore or self.treat_missing_data is None
        ):
            return "ignore"
        return self.treat_missing_data or "missing"

    def arn(self, region: str, account: str) -> str:
        return f"arn:aws:cloudwatch:{region}:{account}:alarm:{self.name}"

    def breaches(self, value: float, band: Band | None = None) -> bool:
        """Whether one period's value breaches (static threshold or anomaly band)."""
        if self.comparison_operator in BAND_COMPARISONS:
            if band is None:
                raise ValueError(f"alarm {self.name!r}: an anomaly band is needed for {value}")
            return BAND_COMPARISONS[self.comparison_operator].test(value, band)
        assert self.threshold is not None
        return STATIC_COMPARISONS[self.comparison_operator].test(value, self.threshold)

    # ----------------------------------------------------------------- evaluation

    def evaluate(
        self,
        datapoints: Sequence[float | None],
        state: AlarmState | str = AlarmState.INSUFFICIENT_DATA,
        *,
        bands: Sequence[Band | None] | None = None,
        sample_counts: Sequence[float | None] | None = None,
        at_ms: int = 0,
        dynamodb_always_ignore: bool = False,
        explain_unchanged: bool = True,
    ) -> Evaluation:
        """Evaluate once on the evaluation range (spec §7).

        ``datapoints`` are the L ≥ N slots of the range, oldest first, None for missing.
        Anomaly alarms need ``bands`` (``(lower, upper)`` per slot); a real value without a
        band counts as missing.  ``sample_counts`` enables the low-sample rule of §8.
        ``at_ms`` is the evaluation instant; slot *i* starts at ``at_ms - (L - i) × Period``.
        With ``explain_unchanged=False`` no reason is built when the state does not change
        (what a scheduler needs: only transitions are recorded).
        """
        current = AlarmState(state)
        length = len(datapoints)
        if length < self.evaluation_periods:
            raise ValueError(
                f"alarm {self.name!r}: the evaluation range needs at least "
                f"{self.evaluation_periods} slots, got {length}"
            )
        _check_parallel(self.name, "bands", bands, length)
        _check_parallel(self.name, "sample_counts", sample_counts, length)
        if self.is_anomaly_detection and bands is None:
            raise ValueError(f"alarm {self.name!r}: anomaly detection alarms need per-slot bands")
        slots = [
            Slot(
                start_ms=at_ms - (length - i) * self.period * 1000,
                value=value,
                sample_count=sample_counts[i] if sample_counts is not None else None,
                band=bands[i] if bands is not None else None,
            )
            for i, value in enumerate(datapoints)
        ]
        flags = [self._breach_flag(slot) for slot in slots]
        decision = decide(
            flags,
            self.evaluation_periods,
            self.datapoints_to_alarm,
            self.effective_treat_missing_data(dynamodb_always_ignore=dynamodb_always_ignore),
        )
        if decision.state is None or self._low_sample_blocks(decision, slots):
            return Evaluation(current, current, None, None, decision)
        if decision.state is current and not explain_unchanged:
            return Evaluation(current, current, None, None, decision)
        return Evaluation(
            decision.state,
            current,
            state_reason(decision, decision.state, slots, self._criterion()),
            to_json(self._reason_data(decision, slots, at_ms)),
            decision,
        )

    def evaluate_samples(
        self,
        samples_per_period: Sequence[Sequence[float]],
        state: AlarmState | str = AlarmState.INSUFFICIENT_DATA,
        *,
        bands: Sequence[Band | None] | None = None,
        at_ms: int = 0,
        percentile_method: PercentileMethod = "nearest-rank",
        dynamodb_always_ignore: bool = False,
        explain_unchanged: bool = True,
    ) -> Evaluation:
        """Evaluate from raw samples per slot: compute the statistic, then apply §7 and §8."""
        if self.statistic is None:
            raise ValueError(
                f"alarm {self.name!r} uses metric math; evaluate its expression output instead"
            )
        values = [statistic(self.statistic, s, percentile_method) for s in samples_per_period]
        counts = [float(len(s)) if s else None for s in samples_per_period]
        return self.evaluate(
            values,
            state,
            bands=bands,
            sample_counts=counts,
            at_ms=at_ms,
            dynamodb_always_ignore=dynamodb_always_ignore,
            explain_unchanged=explain_unchanged,
        )

    def _breach_flag(self, slot: Slot) -> bool | None:
        if slot.value is None:
            return None
        if self.is_anomaly_detection:
            return None if slot.band is None else self.breaches(slot.value, slot.band)
        return self.breaches(slot.value)

    def _low_sample_blocks(self, decision: Decision, slots: Sequence[Slot]) -> bool:
        """Spec §8 with A9: under ``ignore``, any low datapoint the decision used keeps state."""
        if self.evaluate_low_sample_count_percentile != "ignore" or self.statistic is None:
            return False
        minimum = self.statistic.low_sample_minimum
        if minimum is None:
            return False
        counts = [slots[i].sample_count for i in decision.used]
        return any(count is not None and count < minimum for count in counts)

    def _criterion(self) -> Criterion:
        comparison = (
            STATIC_COMPARISONS.get(self.comparison_operator)
            or BAND_COMPARISONS[self.comparison_operator]
        )
        return Criterion(
            comparison.phrase, self.threshold, self.evaluation_periods, self.datapoints_to_alarm
        )

    def _reason_data(self, decision: Decision, slots: Sequence[Slot], at_ms: int) -> dict[str, Any]:
        return state_reason_data(
            decision,
            slots,
            evaluation_periods=self.evaluation_periods,
            evaluated_at_ms=at_ms,
            period=self.period,
            statistic=self.statistic.name if self.statistic else None,
            threshold=self.threshold,
            unit=self.unit,
        )


# --------------------------------------------------------------------- validation helpers


def _check_unsupported(reader: DefinitionReader) -> None:
    reader.tags()
    for field in ("EvaluationCriteria", "EvaluationInterval"):
        if reader.has(field):
            reader.fail(field, "PromQL alarms are not simulated (spec §13)")
    window = reader.definition.get("EvaluationWindow")
    if window is not None and window != "SlidingWindow" and window != {"SlidingWindow": {}}:
        reader.fail(
            "EvaluationWindow",
            "only the default sliding window is simulated (wall-clock windows: spec §13)",
        )


def _single_metric_fields(reader: DefinitionReader) -> dict[str, Any]:
    metric_name = reader.string("MetricName", required=True, min_len=1, max_len=255)
    namespace = reader.string("Namespace", required=True, min_len=1, max_len=255)
    assert namespace is not None
    if namespace.startswith(":"):
        pattern = "Member must satisfy regular expression pattern: [^:].*"
        reader.constraint("Namespace", namespace, pattern)
    has_simple, has_extended = reader.has("Statistic"), reader.has("ExtendedStatistic")
    if has_simple == has_extended:
        reader.fail(
            "Statistic",
            "Exactly one of Statistic or ExtendedStatistic must be specified "
            f"(got {'both' if has_simple else 'neither'})",
        )
    if has_simple:
        stat = parse_statistic(reader.enum("Statistic", SIMPLE_STATISTICS) or "")
    else:
        stat = _extended_statistic(reader)
    period = reader.integer("Period", required=True)
    assert period is not None
    _check_period(reader, "Period", period)
    return {
        "metric_name": metric_name,
        "namespace": namespace,
        "dimensions": read_dimensions(reader, reader.definition.get("Dimensions"), "Dimensions"),
        "statistic": stat,
        "period": period,
        "unit": reader.enum("Unit", STANDARD_UNITS),
    }


def _extended_statistic(reader: DefinitionReader) -> Statistic:
    text = reader.string("ExtendedStatistic", min_len=1, max_len=255) or ""
    try:
        stat = parse_statistic(text)
    except StatisticError as error:
        raise AlarmDefinitionError(reader.alarm_name, "ExtendedStatistic", str(error)) from None
    if stat.is_simple:
        reader.fail("ExtendedStatistic", f"{text} is not an extended statistic; use Statistic")
    return stat


def _math_fields(reader: DefinitionReader, threshold_metric_id: str | None) -> dict[str, Any]:
    for field in _METRICS_EXCLUSIVE:
        if reader.has(field):
            reader.fail(field, f"{field} should not be set if list of Metrics is set.")
    metrics = MetricMath.from_aws(
        reader.definition["Metrics"], reader.alarm_name, threshold_metric_id
    )
    _check_period(reader, "Metrics.Period", metrics.period)
    return {"metrics": metrics, "period": metrics.period}


def _check_period(reader: DefinitionReader, field: str, period: int) -> None:
    if period not in HIGH_RESOLUTION_PERIODS and period % 60 != 0:
        reader.fail(field, "Period must be 10, 20, 30 or a multiple of 60")


def _check_evaluation_span(reader: DefinitionReader, period: int, n: int) -> None:
    span = period * n
    if period < 3600 and span > ONE_DAY_S:
        reader.fail(
            "EvaluationPeriods",
            f"Metrics cannot be checked across more than a day "
            f"(EvaluationPeriods * Period must be <= {ONE_DAY_S})",
        )
    if span > SEVEN_DAYS_S:
        reader.fail(
            "EvaluationPeriods",
            f"Metrics cannot be checked across more than 7 days "
            f"(EvaluationPeriods * Period must be <= {SEVEN_DAYS_S})",
        )


def _check_threshold(
    reader: DefinitionReader, operator_name: str, threshold: float | None, metric_id: str | None
) -> None:
    if operator_name in STATIC_COMPARISONS:
        if threshold is None:
            reader.fail("Threshold", "Threshold must not be null for a static threshold alarm")
        if metric_id is not None:
            reader.fail(
                "ThresholdMetricId", "ThresholdMetricId is only valid with anomaly band operators"
            )
        return
    if threshold is not None:
        reader.fail("Threshold", "Threshold must not be set for an anomaly detection alarm")
    if metric_id is None or not reader.has("Metrics"):
        reader.fail(
            "ThresholdMetricId",
            f"{operator_name} needs Metrics with an ANOMALY_DETECTION_BAND and ThresholdMetricId",
        )


def _check_action_restrictions(
    reader: DefinitionReader,
    actions: Mapping[str, tuple[str, ...]],
    operator_name: str,
    uses_math: bool,
) -> None:
    for field, arns in actions.items():
        for arn in arns:
            if field != "AlarmActions" and (":opsitem:" in arn or ":ssm-incidents:" in arn):
                reader.fail(field, f"Systems Manager actions are only valid in AlarmActions: {arn}")
            if uses_math and (":automate:" in arn or "AWS_EC2.InstanceId." in arn):
                reader.fail(field, f"metric math alarms cannot have EC2 actions: {arn}")
            if operator_name in BAND_COMPARISONS and ":autoscaling:" in arn:
                reader.fail(field, f"anomaly alarms cannot have Auto Scaling actions: {arn}")


def _check_parallel(name: str, what: str, values: Sequence[Any] | None, length: int) -> None:
    if values is not None and len(values) != length:
        raise ValueError(f"alarm {name!r}: {what} has {len(values)} entries, expected {length}")

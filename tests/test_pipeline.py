"""Ordered events -> per-minute datapoints, per (namespace, metric, dimensions, unit)."""

from __future__ import annotations

import orjson
import pytest

from simulator.events import LogEvent, ProblemKind, Report
from simulator.filters.metric_filter import MetricFilter
from simulator.filters.pipeline import DefaultValueMode, MetricPipeline
from simulator.metrics import Datapoint, MetricKey
from simulator.replay.reorder_window import reorder
from simulator.sources import read_events
from simulator.timestamps import parse_iso_ms

from conftest import FIXTURES, corpus_path

MINUTE = 60_000
T0 = parse_iso_ms("2024-03-04T10:00:00Z")
SEED_PATTERN = (
    "{ $.eventName = Get* && $.errorCode = AccessDenied && "
    '$.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::*:role/aws-service-role/*" }'
)


def metric_filter(name: str, pattern: str, value: str = "1", **extra: object) -> MetricFilter:
    transformation = {"metricName": name, "metricNamespace": "Test", "metricValue": value}
    transformation.update(extra)
    return MetricFilter.from_aws(
        {"filterName": name, "filterPattern": pattern, "metricTransformations": [transformation]}
    )


def events(*items: tuple[int, str]) -> list[LogEvent]:
    return [
        LogEvent(T0 + offset, message, f"test:{i + 1}") for i, (offset, message) in enumerate(items)
    ]


def run(filters, items, report=None, **options) -> tuple[list[Datapoint], MetricPipeline]:
    report = report or Report()
    report.events += len(items)
    pipeline = MetricPipeline(filters, report, **options)
    return list(pipeline.run(items)), pipeline


def key(name: str, dimensions=None, unit=None) -> MetricKey:
    return MetricKey.of("Test", name, dimensions, unit)


def test_logs_guide_worked_example_two_matches_then_default():
    """alarm-semantics §2.4: two matches in minute 1 -> 2; none in minute 2, default 0 -> 0;
    no events at all in minute 3 -> nothing, default or not."""
    errors = metric_filter("Errors", "ERROR", defaultValue=0)
    points, pipeline = run(
        [errors],
        events(
            (5_000, "ERROR one"),
            (50_000, "ERROR two"),
            (MINUTE + 1_000, "INFO fine"),
            (3 * MINUTE, "INFO later"),
        ),
    )
    assert points == [
        Datapoint(key("Errors"), T0, (1.0, 1.0)),
        Datapoint(key("Errors"), T0 + MINUTE, (0.0,)),
        Datapoint(key("Errors"), T0 + 3 * MINUTE, (0.0,)),
    ]
    assert sum(points[0].values) == 2
    pipeline.check_accounting()


def test_without_default_only_matching_minutes_are_published():
    points, _ = run(
        [metric_filter("Errors", "ERROR")],
        events((0, "INFO a"), (MINUTE, "ERROR b"), (2 * MINUTE, "INFO c")),
    )
    assert points == [Datapoint(key("Errors"), T0 + MINUTE, (1.0,))]


def test_default_value_per_event_knob():
    """Ambiguity A10: PER_EVENT emits the default for every non-matching event."""
    errors = metric_filter("Errors", "ERROR", defaultValue=0)
    items = events((0, "ERROR a"), (1_000, "INFO b"), (2_000, "INFO c"), (MINUTE, "INFO d"))
    per_minute, _ = run([errors], items)
    per_event, pipeline = run([errors], items, default_value_mode="per-event")
    assert [p.values for p in per_minute] == [(1.0,), (0.0,)]
    assert [p.values for p in per_event] == [(1.0, 0.0, 0.0), (0.0,)]
    assert pipeline.default_value_mode is DefaultValueMode.PER_EVENT
    assert pipeline.stats["Errors"].default_samples == 3


def test_extracted_values_one_sample_per_match():
    """filter-syntax §7.2: { $.latency = * } with $.latency publishes 50 for latency 50."""
    latency = metric_filter("Latency", "{ $.latency = * }", "$.latency", unit="Milliseconds")
    points, _ = run(
        [latency],
        events((0, '{"latency": 50}'), (1_000, '{"latency": 12.5}'), (2_000, '{"other": 1}')),
    )
    assert points == [Datapoint(key("Latency", unit="Milliseconds"), T0, (50.0, 12.5))]


def test_non_numeric_and_missing_values_are_skipped_counted_and_reported():
    """A13: no sample; the event still counts as matched."""
    latency = metric_filter("Latency", "{ $.latency = * }", "$.latency")
    report = Report()
    points, pipeline = run(
        [latency],
        events((0, '{"latency": "fast"}'), (1_000, '{"latency": true}'), (2_000, '{"latency": 7}')),
        report,
    )
    assert points == [Datapoint(key("Latency"), T0, (7.0,))]
    stats = pipeline.stats["Latency"]
    assert (stats.matched, stats.samples, stats.skipped_values) == (2, 1, 1)
    [problem] = report.examples[ProblemKind.SKIPPED_VALUE]
    assert problem.origin == "test:1"
    assert problem.detail == "filter 'Latency': metric value $.latency is 'fast', not a number"
    assert report.bad == 0
    pipeline.check_accounting()


def test_space_delimited_values_and_dimensions():
    size = metric_filter(
        "Bytes", "[ip, user, status, size]", "$size", dimensions={"Status": "$status"}, unit="Bytes"
    )
    points, pipeline = run(
        [size],
        events(
            (0, "10.0.0.1 alice 200 1534"),
            (1_000, "10.0.0.2 bob 404 12"),
            (2_000, "10.0.0.3 carol 200 -"),
            (3_000, "10.0.0.1 alice 200 66"),
        ),
    )
    assert points == [
        Datapoint(key("Bytes", {"Status": "200"}, "Bytes"), T0, (1534.0, 66.0)),
        Datapoint(key("Bytes", {"Status": "404"}, "Bytes"), T0, (12.0,)),
    ]
    assert pipeline.stats["Bytes"].skipped_values == 1  # "-" is not a number


def test_dimension_sets_are_distinct_metrics_and_a_missing_dimension_gives_no_sample():
    by_region = metric_filter(
        "Calls", "{ $.eventName = * }", dimensions={"Region": "$.awsRegion", "Event": "$.eventName"}
    )
    points, pipeline = run(
        [by_region],
        events(
            (0, '{"eventName": "A", "awsRegion": "us-east-1"}'),
            (1_000, '{"eventName": "A", "awsRegion": "eu-west-1"}'),
            (2_000, '{"eventName": "B", "awsRegion": "us-east-1"}'),
            (3_000, '{"eventName": "A", "awsRegion": "us-east-1"}'),
            (4_000, '{"eventName": "A"}'),
        ),
    )
    assert [(dict(p.key.dimensions), p.values) for p in points] == [
        ({"Event": "A", "Region": "us-east-1"}, (1.0, 1.0)),
        ({"Event": "A", "Region": "eu-west-1"}, (1.0,)),
        ({"Event": "B", "Region": "us-east-1"}, (1.0,)),
    ]
    assert pipeline.stats["Calls"].skipped_values == 1


def test_many_filters_share_one_pass():
    filters = [
        metric_filter("Errors", "ERROR", defaultValue=0),
        metric_filter("Json", "{ $.level = error }"),
        metric_filter("Bytes", "[level, bytes]", "$bytes"),
    ]
    points, pipeline = run(
        filters, events((0, "ERROR 10"), (1_000, '{"level": "error"}'), (2_000, "INFO 5"))
    )
    assert {p.key.name: p.values for p in points} == {
        "Errors": (1.0,),
        "Json": (1.0,),
        "Bytes": (10.0, 5.0),
    }
    # '{"level": "error"}' splits into two fields too: a match whose $bytes is no number.
    assert {n: (s.matched, s.unmatched) for n, s in pipeline.stats.items()} == {
        "Errors": (1, 2),
        "Json": (1, 2),
        "Bytes": (3, 0),
    }
    assert pipeline.stats["Bytes"].skipped_values == 1


def test_two_filters_publishing_to_one_metric_share_its_datapoint():
    a = metric_filter("Errors", "ERROR")
    b = MetricFilter.from_aws(
        {
            "filterName": "other",
            "filterPattern": "FATAL",
            "metricTransformations": [
                {"metricName": "Errors", "metricNamespace": "Test", "metricValue": "10"}
            ],
        }
    )
    points, _ = run([a, b], events((0, "ERROR"), (1_000, "FATAL")))
    assert points == [Datapoint(key("Errors"), T0, (1.0, 10.0))]


def test_units_keep_metrics_apart():
    count = metric_filter("Size", "[x]", "$x", unit="Count")
    raw = MetricFilter.from_aws(
        {
            "filterName": "raw",
            "filterPattern": "[x]",
            "metricTransformations": [
                {"metricName": "Size", "metricNamespace": "Test", "metricValue": "$x"}
            ],
        }
    )
    points, _ = run([count, raw], events((0, "3")))
    assert {p.key.unit for p in points} == {"Count", "None"}


def test_minutes_are_published_as_soon_as_they_close():
    pulled: list[int] = []

    def source():
        for item in events((0, "ERROR"), (MINUTE, "ERROR"), (2 * MINUTE, "ERROR")):
            pulled.append(item.timestamp_ms)
            yield item

    report = Report()
    stream = MetricPipeline([metric_filter("Errors", "ERROR")], report).run(source())
    first = next(stream)
    assert first.timestamp_ms == T0 and len(pulled) == 2  # minute 0 closed by minute 1


def test_out_of_order_input_is_reported_late_not_merged():
    report = Report()
    points, pipeline = run(
        [metric_filter("Errors", "ERROR")],
        events((MINUTE, "ERROR late-arriving successor"), (0, "ERROR too old")),
        report,
    )
    assert [p.timestamp_ms for p in points] == [T0 + MINUTE]
    [problem] = report.examples[ProblemKind.LATE]
    assert problem.origin == "test:2"
    pipeline.check_accounting()


def test_duplicate_filter_names_are_rejected():
    with pytest.raises(ValueError, match="two metric filters are named 'Errors'"):
        MetricPipeline([metric_filter("Errors", "ERROR")] * 2, Report())


def test_accounting_holds_with_bad_and_late_input(tmp_path):
    good = [
        {"eventTime": f"2024-03-04T10:{m:02d}:00Z", "errorCode": "AccessDenied"}
        for m in (5, 6, 30, 7)
    ]
    lines = [orjson.dumps(r).decode() for r in good] + ["{broken", '{"eventName": "x"}']
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = Report()
    denied = metric_filter("Denied", "{ $.errorCode = AccessDenied }")
    pipeline = MetricPipeline([denied], report)
    points = list(
        pipeline.run(reorder(read_events(str(path), report), report, window_ms=10 * MINUTE))
    )
    assert [p.timestamp_ms for p in points] == [T0 + 5 * MINUTE, T0 + 6 * MINUTE, T0 + 30 * MINUTE]
    assert pipeline.accounting()["Denied"] == {
        "read": 6,
        "matched": 3,
        "unmatched": 0,
        "bad": 2,
        "late": 1,
        "samples": 3,
        "default_samples": 0,
        "skipped_values": 0,
    }
    pipeline.check_accounting()


def test_seed_filter_on_the_synthetic_incident_fixture():
    report = Report()
    seed = metric_filter("SLRAccessDenied", SEED_PATTERN, defaultValue=0)
    pipeline = MetricPipeline([seed], report)
    trail = FIXTURES / "synth" / "config-slr-access-denied" / "trail"
    points = list(pipeline.run(reorder(read_events(str(trail), report), report)))
    incident = [p for p in points if p.values != (0.0,)]
    assert [p.values for p in incident] == [(1.0, 1.0, 1.0)] * 20
    assert incident[0].timestamp_ms == parse_iso_ms("2024-03-04T10:00:00Z")
    assert all(p.values == (0.0,) for p in points if p not in incident)
    # The default is published for every minute with events, and only for those.
    minutes = {e.timestamp_ms // MINUTE * MINUTE for e in read_events(str(trail), Report())}
    assert [p.timestamp_ms for p in points] == sorted(minutes)
    pipeline.check_accounting()


def test_apache_bytes_per_minute_on_real_logs():
    """filter-syntax §7.2's ExtractBytes example on real access-log lines."""
    path = corpus_path("elastic-examples-apache-logs", "apache_logs")
    lines = path.read_text(errors="replace").splitlines()[:600]
    items = [LogEvent(T0 + i * 1_000, line, f"{path}:{i + 1}") for i, line in enumerate(lines)]
    size = metric_filter(
        "Bytes",
        "[ip, id, user, timestamp, request, status_code=2*, size, referrer, agent]",
        "$size",
        unit="Bytes",
    )
    points, pipeline = run([size], items)
    assert [p.timestamp_ms for p in points] == [T0 + m * MINUTE for m in range(10)]
    stats = pipeline.stats["Bytes"]
    assert stats.matched + stats.unmatched == 600
    assert stats.samples + stats.skipped_values == stats.matched
    assert sum(len(p.values) for p in points) == stats.samples
    assert all(v >= 0 and v == int(v) for p in points for v in p.values)

"""The bulk sequencer gives exactly what reorder + the per-event pipeline give: the same
datapoints in the same order, the same late events (origins, details, order), the same
counts, contributors and time span — on random files, small windows and tiny buffers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.events import Report
from simulator.filters.metric_filter import MetricFilter
from simulator.filters.pipeline import MetricPipeline, ScoredEvent
from simulator.replay.reorder_window import reorder
from simulator.replay.scoring import FileScore
from simulator.replay.sequencer import Sequencer

FILTERS = [
    MetricFilter.from_aws({"filterName": name, "filterPattern": pattern,
                           "metricTransformations": [transformation]})
    for name, pattern, transformation in [
        ("count", "{ $.e = x }", {"metricName": "C", "metricNamespace": "N", "metricValue": "1",
                                  "defaultValue": 0}),
        ("value", "{ $.v = * }", {"metricName": "V", "metricNamespace": "N",
                                  "metricValue": "$.v"}),
    ]
]
MESSAGES = ['{"e": "y"}', '{"e": "x"}', '{"v": 3}', '{"e": "x", "v": 7}', '{"v": "bad"}']

events = st.tuples(st.integers(0, 40) .map(lambda s: s * 15_000), st.sampled_from(MESSAGES))
files = st.lists(st.lists(events, max_size=12), max_size=6)


def scores(batches, pipeline: MetricPipeline) -> list[FileScore]:
    made = []
    for number, batch in enumerate(batches):
        outcomes, contributors = [], {}
        for index, (_, message) in enumerate(batch):
            outcome = pipeline.scorer.score(message)
            outcomes.append(None if outcome is pipeline.scorer.unmatched else outcome)
            if outcome is not pipeline.scorer.unmatched:
                contributors[index] = ("who", message, str(number))
        made.append(FileScore(f"f{number}", 0, Report(), [t for t, _ in batch],
                              [f"f{number}:{i + 1}" for i in range(len(batch))], outcomes,
                              contributors))
    return made


def per_event(batches, window, buffered):
    report = Report()
    pipeline = MetricPipeline(FILTERS, report)
    released = []

    def stream():
        for score in scores(batches, pipeline):
            for index, timestamp in enumerate(score.timestamps):
                outcome = score.outcomes[index]
                yield ScoredEvent(timestamp, score.origins[index],
                                  pipeline.scorer.unmatched if outcome is None else outcome,
                                  score.contributors.get(index))

    def noting(events):
        for event in events:
            released.append((event.timestamp_ms, event.contributor))
            yield event

    ordered = reorder(stream(), report, window_ms=window, max_buffered=buffered)
    datapoints = list(pipeline.run_scored(noting(ordered)))
    return datapoints, report, pipeline, released


def bulk(batches, window, buffered):
    report = Report()
    pipeline = MetricPipeline(FILTERS, report)
    released = []

    def note(event, timestamp, count):
        released.extend([(timestamp, event.contributor if event else None)] * count)

    sequencer = Sequencer(pipeline, report, window, buffered, on_release=note)
    datapoints = []
    for score in scores(batches, pipeline):
        datapoints += sequencer.feed(score)
    datapoints += sequencer.finish()
    return datapoints, report, pipeline, released


@settings(max_examples=400, deadline=None)
@given(files, st.sampled_from([0, 30_000, 60_000, 300_000]), st.integers(1, 6))
def test_bulk_sequencing_equals_per_event_sequencing(batches, window, buffered) -> None:
    expected = per_event(batches, window, buffered)
    actual = bulk(batches, window, buffered)
    assert actual[0] == expected[0]
    assert actual[1].counts == expected[1].counts
    assert actual[1].examples == expected[1].examples
    assert actual[2].accounting() == expected[2].accounting()
    assert actual[2].events_seen == expected[2].events_seen
    timed = lambda rows: [(t, who) for t, who in rows if who is not None]  # noqa: E731
    assert timed(actual[3]) == timed(expected[3])
    assert [t for t, _ in actual[3]][-1:] == [t for t, _ in expected[3]][-1:]
    assert [t for t, _ in actual[3]][:1] == [t for t, _ in expected[3]][:1]

"""The fast path of file scoring gives the FileScore the general reader gives (issue 6).

``score_file`` (fast path when it can) and ``score_file_reference`` (every event
through the reader and the EventScorer) must agree on every field: timestamps,
origins, outcomes, contributors and the report's counts and examples.  Checked on the
fixtures, on the corpus when present, and on generated JSON-lines and CloudTrail files
full of what real files sometimes hold: bad lines, escapes, pretty-printed JSON, BOMs,
log-event lines, odd timestamps, long events, cuts inside records, broken gzip.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.filters.metric_filter import MetricFilter
from simulator.replay import scoring
from simulator.replay.fastpath import NotFast
from simulator.sources import ReadOptions

from conftest import FIXTURES, corpus_root

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
SYNTH = FIXTURES / "synth" / "config-slr-access-denied"


def _filter(name: str, pattern: str, value: str = "1", **extra: object) -> dict:
    return {"filterName": name, "filterPattern": pattern, "metricTransformations": [
        {"metricName": name, "metricNamespace": "Test", "metricValue": value, **extra}]}


FILTER_SETS = {
    "seed": [_filter("seed", SEED)],
    "json filters with values and dimensions": [
        _filter("seed", SEED),
        _filter("bytes", "{ $.additionalEventData.bytesTransferredOut > 1000 }",
                "$.additionalEventData.bytesTransferredOut",
                dimensions={"Bucket": "$.requestParameters.bucketName"}),
        _filter("errors", '{ $.errorCode = "*" }'),
        _filter("no-error", "{ $.errorCode NOT EXISTS }")],
    "text and space filters": [
        _filter("seed", SEED), _filter("denied", "AccessDenied"),
        _filter("space", "[first, second = *Denied*, ...]")],
}


def use(filters: str, **options: object) -> None:
    """Set up the scoring worker state as an engine does."""
    params = [MetricFilter.from_aws(p) for p in FILTER_SETS[filters]]
    scoring._init_worker([scoring._filter_params(f) for f in params], ReadOptions(**options))


def assert_same_score(path: Path | str) -> None:
    fast, reference = scoring.score_file(str(path)), scoring.score_file_reference(str(path))
    assert fast.timestamps == reference.timestamps
    assert fast.origins == reference.origins
    assert fast.outcomes == reference.outcomes
    assert fast.contributors == reference.contributors
    assert fast.report.to_dict() == reference.report.to_dict()
    assert (fast.report.events, fast.size, fast.path) == (
        reference.report.events, reference.size, reference.path)


def takes_fast_path(path: Path | str) -> bool:
    try:
        scoring._WORKER["fast"].score(str(path))
    except NotFast:
        return False
    return True


FIXTURE_FILES = [*sorted((SYNTH / "trail").rglob("*.json.gz")), SYNTH / "events.jsonl.gz",
                 FIXTURES / "demo" / "seed-events.jsonl"]


@pytest.mark.parametrize("filters", list(FILTER_SETS))
def test_fixtures_score_the_same_and_take_the_fast_path(filters: str) -> None:
    use(filters)
    for path in FIXTURE_FILES:
        assert takes_fast_path(path), path
        assert_same_score(path)


def test_corpus_scores_the_same() -> None:
    root = corpus_root()
    if not root.exists():
        pytest.skip(f"corpus not available: {root}")
    use("text and space filters")
    files = [p for p in sorted(root.rglob("*")) if p.is_file()
             and p.suffix in (".json", ".jsonl", ".gz", ".log", ".txt")]
    assert files
    for path in files:
        assert_same_score(path)


# ------------------------------------------------------------------ generated files

BASE = json.loads(gzip.decompress((SYNTH / "events.jsonl.gz").read_bytes()).splitlines()[150])


def _record(minute: int, error: str | None) -> dict:
    record = dict(BASE, eventTime=f"2024-03-04T10:{minute:02d}:07Z")
    if error is None:
        record.pop("errorCode", None)
    else:
        record["errorCode"] = error
    return record


records = st.builds(_record, st.integers(0, 59),
                    st.sampled_from([None, "AccessDenied", "ThrottlingException"]))
compact = records.map(lambda r: json.dumps(r, separators=(",", ":")))

#: One line of a JSON-lines file (may hold newlines: pretty-printed records).
odd_lines = st.one_of(
    records.map(json.dumps),  # spaces after separators: not compact
    records.map(lambda r: json.dumps(r, indent=2)),  # spans many lines: all bad
    compact.map(lambda t: t.replace("AccessDenied", "\\u0041ccessDenied")),
    compact.map(lambda t: t.replace("/", "\\/")),
    compact.map(lambda t: t.replace('"eventTime":"2024', '"eventTime":"20x4')),
    compact.map(lambda t: t.replace('"eventTime":"2024-03-04T10:', '"eventTime":null,"x":"')),
    compact.map(lambda t: "  " + t + " \t"),
    compact.map(lambda t: t + "\r"),
    compact.map(lambda t: t[:-1] + ',"eventTime":"2024-03-04T11:00:00Z"}'),  # duplicate key
    st.just('{"timestamp": 1709546400000, "message": "AccessDenied by a log event"}'),
    st.just('{"eventName": "GetBucketAcl", "errorCode": "AccessDenied"}'),
    st.sampled_from(["", "   ", "[1, 2]", '"text"', "{not json", "{}", "null", "\x0c{}"]),
    st.just('{"eventTime": "2024-03-04T10:00:00Z", "n": 18446744073709551616}'),
    st.just('{"eventTime": "2024-03-04T10:00:00Z", "s": "\\ud800"}'),
)
lines = st.lists(st.one_of(compact, compact, compact, odd_lines), min_size=0, max_size=12)


def _write(path: Path, data: bytes, compressed: bool) -> Path:
    path.write_bytes(gzip.compress(data, mtime=0) if compressed else data)
    return path


@settings(max_examples=120, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines, st.booleans(), st.booleans(), st.booleans(), st.sampled_from(list(FILTER_SETS)),
       st.sampled_from([b"", b"\xff\xfe", b"\xef\xbb\xbf"]))
def test_json_lines_files_score_the_same(tmp_path: Path, content: list[str], compressed: bool,
                                         final_newline: bool, small_limit: bool, filters: str,
                                         extra: bytes) -> None:
    use(filters, max_event_bytes=1200 if small_limit else 1_048_576)
    text = "\n".join(content) + ("\n" if final_newline else "")
    data = text.encode()
    if extra == b"\xef\xbb\xbf":
        data = extra + data  # a BOM
    elif extra:
        data += b'{"eventTime": "2024-03-04T10:00:00Z", "bad": "' + extra + b'"}\n'
    assert_same_score(_write(tmp_path / "events.jsonl", data, compressed))


def _trail(body: list[str], separator: str, opening: str, closing: str) -> str:
    return opening + separator.join(body) + closing


cut_inside = compact.map(lambda t: t[:-1] + ',"list":[{"a":1},{"eventVersion":"x"}]}')
trail_records = st.lists(st.one_of(compact, compact, cut_inside, records.map(json.dumps),
                                   records.map(lambda r: json.dumps(r, indent=1)),
                                   records.map(lambda r: json.dumps(
                                       {k: r[k] for k in reversed(list(r))}))),
                         max_size=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(trail_records, st.sampled_from([",", ", ", ",\n"]),
       st.sampled_from(['{"Records":[', '{"Records": [', '\ufeff{"Records":[',
                        '{"Records":[\n', '{"Records":[\x0c', '{"other":1,"Records":[']),
       st.sampled_from(["]}", "]}\n", "] }", "]}x", "]", ""]),
       st.sampled_from(["intact", "truncated", "plain"]), st.sampled_from(list(FILTER_SETS)),
       st.booleans())
def test_cloudtrail_files_score_the_same(tmp_path: Path, body: list[str], separator: str,
                                         opening: str, closing: str, packing: str,
                                         filters: str, small_limit: bool) -> None:
    use(filters, max_event_bytes=1200 if small_limit else 1_048_576)
    data = _trail(body, separator, opening, closing).encode()
    if packing == "plain":
        path = _write(tmp_path / "trail.json", data, False)
    else:
        packed = gzip.compress(data, mtime=0)
        path = tmp_path / "trail.json.gz"
        path.write_bytes(packed[:-12] if packing == "truncated" else packed)
    assert_same_score(path)


def test_cloudtrail_cut_inside_a_record_is_detected(tmp_path: Path) -> None:
    """A `},{"eventVersion":` inside a record makes pieces that do not parse alone."""
    use("seed")
    record = _record(1, "AccessDenied")
    record["list"] = [{"a": 1}, {"eventVersion": "x"}]
    trail = {"Records": [_record(0, None), record]}
    path = _write(tmp_path / "trail.json", json.dumps(trail, separators=(",", ":")).encode(),
                  False)
    assert not takes_fast_path(path)
    assert_same_score(path)


def test_clean_generated_files_take_the_fast_path(tmp_path: Path) -> None:
    use("seed")
    body = [json.dumps(_record(m, "AccessDenied"), separators=(",", ":")) for m in range(5)]
    trail = _write(tmp_path / "trail.json.gz", _trail(body, ",", '{"Records":[', "]}").encode(),
                   True)
    jsonl = _write(tmp_path / "events.jsonl", ("\n".join(body) + "\n").encode(), False)
    assert takes_fast_path(trail) and takes_fast_path(jsonl)
    assert_same_score(trail)
    assert_same_score(jsonl)

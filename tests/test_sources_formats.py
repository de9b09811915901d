"""Each reader on real files from the corpus, format detection and the override."""

from __future__ import annotations

import gzip
import io
import json
import sys

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.events import LogEvent, ProblemKind, Report
from simulator.sources import Format, detect_format, read_events
from simulator.sources.formats import compact_json
from simulator.timestamps import parse_iso_ms

from conftest import corpus_path


def read_all(path, **options) -> tuple[list[LogEvent], Report]:
    report = Report()
    return list(read_events(str(path), report, **options)), report


# --- CloudTrail {"Records": [...]} files -------------------------------------------


def test_invictus_native_files_keep_each_record_verbatim():
    folder = corpus_path("invictus-ir-aws-dataset", "CloudTrail")
    events, report = read_all(folder)
    assert len(events) == 2900 and report.bad == 0 and report.read == 2900
    first_file = sorted(folder.iterdir())[0]
    source = first_file.read_text()
    records = json.loads(source)["Records"]
    first = [e for e in events if e.origin.startswith(str(first_file) + "#")]
    assert [e.origin for e in first] == [f"{first_file}#{i}" for i in range(len(records))]
    for event, record in zip(first, records, strict=True):
        # Compact files are passed through byte for byte: each message is a slice of
        # the file, and it is exactly the record in compact JSON, original key order.
        assert event.message in source
        assert orjson.loads(event.message) == record
        assert list(orjson.loads(event.message)) == list(record)
        assert event.timestamp_ms == parse_iso_ms(record["eventTime"])


def test_invictus_number_text_is_not_reformatted():
    """The message keeps CloudTrail's own number spelling (1.688560107857E9)."""
    events, _ = read_all(corpus_path("invictus-ir-aws-dataset", "CloudTrail"))
    assert any('"FromTime":1.688560107857E9' in e.message for e in events)


def test_trailscraper_gzipped_native_file_equals_its_uncompressed_copy():
    folder = corpus_path("trailscraper-fixtures")
    name = "111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json"
    gz_events, gz_report = read_all(folder / f"{name}.gz")
    plain_events, _ = read_all(folder / name)
    assert gz_report.bad == 0 and len(gz_events) == 2
    assert [e.message for e in gz_events] == [e.message for e in plain_events]
    # The file is pretty-printed; the message is the same record made compact.
    record = json.loads((folder / name).read_text())["Records"][0]
    assert gz_events[0].message == orjson.dumps(record).decode()
    assert gz_events[0].message.startswith('{"eventVersion":"1.05","userIdentity":{"type"')
    assert gz_events[0].timestamp_ms == parse_iso_ms("2017-12-11T15:01:51Z")


def test_processing_library_compact_and_gzip_agree():
    folder = corpus_path("aws-cloudtrail-processing-library-fixtures")
    pretty, _ = read_all(folder / "SerializerTestFile.json")
    compact, _ = read_all(folder / "SerializerTestFileCompact.json")
    gzipped, _ = read_all(folder / "SerializerTestFileCompact.json.gz")
    assert len(pretty) == 6
    assert (
        [e.message for e in pretty] == [e.message for e in compact] == [e.message for e in gzipped]
    )


def test_whitespace_inside_strings_survives_minifying():
    text = '{"Records": [ {"eventTime" : "2024-01-01T00:00:00Z", "a": "x , y : [ z ]"} ]}'
    events, _ = read_all_text(text)
    assert events[0].message == '{"eventTime":"2024-01-01T00:00:00Z","a":"x , y : [ z ]"}'


def read_all_text(text: str, **options) -> tuple[list[LogEvent], Report]:
    report = Report()
    stream = io.BytesIO(text.encode())
    return _read_stdin(stream, report, **options), report


def _read_stdin(stream, report, **options):
    class FakeStdin:
        buffer = stream

    saved, sys.stdin = sys.stdin, FakeStdin()
    try:
        return list(read_events("-", report, **options))
    finally:
        sys.stdin = saved


# --- JSON arrays, JSON lines ---------------------------------------------------------


def test_stratus_json_arrays_of_records():
    folder = corpus_path("stratus-red-team-detonation-logs")
    events, report = read_all(folder)
    assert len(events) == 310 and report.bad == 0
    assert all("#" in e.origin for e in events)
    assert all(e.message.startswith("{") and "\n" not in e.message for e in events)


def test_json_lines_of_records_and_of_log_events(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"eventTime": "2024-03-04T10:00:00Z", "eventName": "GetBucketAcl"}\n'
        "\n"
        '{"timestamp": 1709546460000, "message": "ERROR disk full"}\n'
        '{"timestamp": "2024-03-04T10:02:00.250Z", "message": "{\\"a\\": 1}"}\n'
    )
    events, report = read_all(path)
    assert report.bad == 0
    assert events == [
        LogEvent(
            1709546400000,
            '{"eventTime":"2024-03-04T10:00:00Z","eventName":"GetBucketAcl"}',
            f"{path}:1",
        ),
        LogEvent(1709546460000, "ERROR disk full", f"{path}:3"),
        LogEvent(1709546520250, '{"a": 1}', f"{path}:4"),
    ]


def test_json_lines_with_wrapped_events_report_every_line():
    """panther's test file wraps each event ({"event": {...}}): not a log format."""
    path = corpus_path("panther-analysis-tests", "cloudtrail_rule_tests.jsonl")
    events, report = read_all(path)
    assert events == []
    assert report.counts[ProblemKind.MISSING_TIMESTAMP] == report.read == 470
    assert report.examples[ProblemKind.MISSING_TIMESTAMP][0].origin == f"{path}:1"


# --- aws logs filter-log-events / get-log-events output ------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "filter-log-events.output.json",
            [(1712567843827, "Test MESSAGE1"), (1712568068991, "Test MESSAGE2")],
        ),
        (
            "get-log-events.output.json",
            [
                (1433190184356, "Example Event 1"),
                (1433190184356, "Example Event 1"),
                (1433190184358, "Example Event 2"),
            ],
        ),
    ],
)
def test_aws_cli_logs_output(name, expected):
    path = corpus_path("aws-cli-logs-examples", name)
    events, report = read_all(path)
    assert report.bad == 0
    assert [(e.timestamp_ms, e.message) for e in events] == expected
    assert [e.origin for e in events] == [f"{path}#{i}" for i in range(len(expected))]


# --- CloudWatch Logs export to S3 ----------------------------------------------------


def test_cwl_export_api_gateway_one_event_per_timestamped_line():
    path = corpus_path("cwl-export-serverless-aws-logs-parser", "api-gateway-two-events.log")
    events, report = read_all(path)
    assert report.bad == 0 and len(events) == 36
    assert events[0] == LogEvent(
        parse_iso_ms("2016-10-01T10:55:45.602Z"),
        "Verifying Usage Plan for request: 9ac0eacd-87c5-11e6-b30c-19c3d9849330. "
        "API Key: **********************************bMZHBg API Stage: ulhoxnm2x2/dev",
        f"{path}:1",
    )
    multi = next(e for e in events if e.message.startswith("Endpoint request body after"))
    assert multi.message.count("\n") > 10 and multi.message.endswith("[TRUNCATED]")


def test_cwl_export_lambda_messages_span_lines():
    path = corpus_path("cwl-export-serverless-aws-logs-parser", "lambda-two-events.log")
    events, report = read_all(path)
    assert report.bad == 0 and len(events) == 8
    # Lambda messages end with a newline: the export shows it as a blank line.
    assert (
        events[0].message
        == "START RequestId: 8329c002-87c4-11e6-bbf0-c124e4d39f76 Version: $LATEST\n"
    )
    error = events[1]
    assert error.origin == f"{path}:3"
    assert error.message.startswith("2016-10-01T10:47:56.582Z\t8329c002")
    assert error.message.count("\n") > 80


def test_cwl_export_gzipped(tmp_path):
    path = tmp_path / "000000.gz"
    path.write_bytes(
        gzip.compress(
            b"2024-03-04T10:00:00.000Z first\n  second line\n2024-03-04T10:00:01.500Z third\n"
        )
    )
    events, report = read_all(path)
    assert report.bad == 0
    assert [(e.timestamp_ms, e.message) for e in events] == [
        (1709546400000, "first\n  second line"),
        (1709546401500, "third"),
    ]


# --- detection, override, stdin ------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{"Records":[', Format.CLOUDTRAIL),
        (b'\xef\xbb\xbf  {\n  "Records": [', Format.CLOUDTRAIL),
        (b'{"events": [', Format.LOGS_API),
        (b'{\n    "nextForwardToken": "f/3", "events": [', Format.LOGS_API),
        (b'{"eventVersion":"1.08"}\n{"eventVersion":"1.08"}', Format.JSON_LINES),
        (b'{"timestamp": 1, "message": "x"}', Format.JSON_LINES),
        (b"[\n {", Format.JSON_ARRAY),
        (b"2016-10-01T10:55:45.602Z Verifying", Format.CWL_EXPORT),
        (b"    2016-10-01T10:47:56.901Z x", Format.CWL_EXPORT),
        (b"127.0.0.1 - - [17/May/2015:10:05:03 +0000]", Format.TEXT),
        (b"\x00\x01\x02binary", None),
        (b"", None),
    ],
)
def test_detect_format(head, expected):
    assert detect_format(head) is expected


def test_explicit_format_overrides_detection(tmp_path):
    path = tmp_path / "one-record.json"
    path.write_text('{"eventTime": "2024-03-04T10:00:00Z", "eventName": "X"}\n')
    events, _ = read_all(path, format="jsonl")
    assert len(events) == 1
    events, report = read_all(path, format=Format.CLOUDTRAIL)
    assert events == []
    [problem] = report.examples[ProblemKind.BAD_STRUCTURE]
    assert (problem.origin, problem.detail) == (str(path), "the object has no 'Records' member")


def test_unknown_format_name_is_rejected():
    with pytest.raises(ValueError, match="unknown format 'csv'; expected one of: auto, "):
        list(read_events("x", Report(), format="csv"))


def test_unrecognised_content_is_reported(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02\x03 not text")
    events, report = read_all(path)
    assert events == []
    assert report.examples[ProblemKind.UNKNOWN_FORMAT][0].origin == str(path)


@pytest.mark.parametrize(("line", "timestamp_ms"), [
    ('127.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5', 1431857103000),
    ("2024-03-04T10:00:00Z INFO started", 1709546400000),
    ("2024-03-04 10:00:00,250 ERROR boom", 1709546400250),
    ("[17/May/2015:10:05:03 -0700] x", 1431882303000),
    ("no timestamp here", 0),
])
def test_text_lines_are_events_with_their_leading_timestamp(tmp_path, line, timestamp_ms):
    """Plain text (access and application logs): one event per line.  (Auto-detection
    reads a leading ISO timestamp as an export file and a leading [ as JSON, hence the
    explicit format.)"""
    path = tmp_path / "app.log"
    path.write_text(f"\n{line}\r\n\n")
    events, report = read_all(path, format="text")
    assert events == [LogEvent(timestamp_ms, line, f"{path}:2")]
    assert report.bad == 0


def test_stdin_gzip_is_detected():
    payload = gzip.compress(b'{"Records":[{"eventTime":"2024-03-04T10:00:00Z"}]}')
    report = Report()
    events = _read_stdin(io.BytesIO(payload), report)
    assert events == [LogEvent(1709546400000, '{"eventTime":"2024-03-04T10:00:00Z"}', "<stdin>#0")]


def test_empty_file_has_no_events_and_no_problems(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    events, report = read_all(path)
    assert events == [] and report.read == 0


# --- the message is the record as compact JSON, spelled as written --------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(
    st.dictionaries(st.text(), json_values, max_size=6),
    st.sampled_from([None, 0, 2]),
    st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]),
    st.booleans(),
)
def test_compact_json_removes_exactly_the_insignificant_whitespace(
    value, indent, separators, ascii_only
):
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=ascii_only)
    expected = json.dumps(value, separators=(",", ":"), ensure_ascii=ascii_only)
    assert compact_json(json.loads(text), text) == expected

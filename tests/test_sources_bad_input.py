"""Bad input is skipped, counted and reported with its origin; strict mode makes it fatal."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson
import pytest

from simulator.events import BadInputError, LogEvent, ProblemKind, Report
from simulator.sources import EVENT_OVERHEAD_BYTES, MAX_EVENT_BYTES, read_events

from conftest import corpus_path

GOOD = {"eventTime": "2024-03-04T10:00:00Z", "eventName": "GetBucketAcl"}
GOOD_TEXT = orjson.dumps(GOOD).decode()


def records_file(*records: str) -> bytes:
    return ('{"Records":[' + ",".join(records) + "]}").encode()


def read(path: Path, **options) -> tuple[list[LogEvent], Report]:
    report = Report()
    return list(read_events(str(path), report, **options)), report


def only_problem(report: Report):
    assert sum(report.counts.values()) == 1, report.summary_lines()
    [(_, [problem])] = report.examples.items()
    return problem


# name -> (file name, content, expected kind, origin suffix, good events kept[, options])
CASES = {
    "malformed JSON in a Records file": (
        "t.json",
        records_file(GOOD_TEXT, '{"eventTime": "x",}', GOOD_TEXT),
        ProblemKind.MALFORMED_JSON,
        "#1",
        1,
    ),
    "malformed JSON line": (
        "t.jsonl",
        f"{GOOD_TEXT}\n{{not json\n{GOOD_TEXT}\n".encode(),
        ProblemKind.MALFORMED_JSON,
        ":2",
        2,
    ),
    "invalid UTF-8 in one record": (
        "t.json",
        records_file(GOOD_TEXT, '{"eventTime":"2024-03-04T10:00:00Z","a":"@"}', GOOD_TEXT).replace(
            b"@", b"\xff"
        ),
        ProblemKind.INVALID_UTF8,
        "#1",
        2,
    ),
    "invalid UTF-8 line": (
        "t.jsonl",
        GOOD_TEXT.encode() + b'\n{"eventTime":"2024-03-04T10:00:00Z","a":"\xc3"}\n',
        ProblemKind.INVALID_UTF8,
        ":2",
        1,
    ),
    "invalid UTF-8 in an export event": (
        "t.log",
        b"2024-03-04T10:00:00.000Z ok\n2024-03-04T10:00:01.000Z bad \xe2\x82\n",
        ProblemKind.INVALID_UTF8,
        ":2",
        1,
    ),
    "record without eventTime": (
        "t.json",
        records_file(GOOD_TEXT, '{"eventName":"X"}'),
        ProblemKind.MISSING_TIMESTAMP,
        "#1",
        1,
    ),
    "record with a null eventTime": (
        "t.json",
        records_file('{"eventTime":null}', GOOD_TEXT),
        ProblemKind.MISSING_TIMESTAMP,
        "#0",
        1,
    ),
    "record with an unparsable eventTime": (
        "t.json",
        records_file('{"eventTime":"yesterday"}', GOOD_TEXT),
        ProblemKind.BAD_TIMESTAMP,
        "#0",
        1,
    ),
    "record that is not an object": (
        "t.json",
        records_file(GOOD_TEXT, "[1, 2]"),
        ProblemKind.BAD_STRUCTURE,
        "#1",
        1,
    ),
    "Records that is not a list": (
        "t.json",
        b'{"Records": {"eventTime": "2024-03-04T10:00:00Z"}}',
        ProblemKind.BAD_STRUCTURE,
        "",
        0,
    ),
    "log event whose message is not a string": (
        "t.jsonl",
        b'{"timestamp": 1, "message": 7}\n',
        ProblemKind.BAD_STRUCTURE,
        ":1",
        0,
    ),
    "log event with an empty message": (
        "t.json",
        b'{"events": [{"timestamp": 1, "message": ""}]}',
        ProblemKind.BAD_STRUCTURE,
        "#0",
        0,
    ),
    "export text before the first timestamp": (
        "t.log",
        b"stray text\n2024-03-04T10:00:00.000Z ok\n",
        ProblemKind.MISSING_TIMESTAMP,
        ":1",
        1,
        {"format": "cwl-export"},
    ),
    "truncated gzip": (
        "t.json.gz",
        gzip.compress(records_file(GOOD_TEXT, GOOD_TEXT, GOOD_TEXT))[:-8],
        ProblemKind.TRUNCATED_GZIP,
        "",
        3,
    ),
    "corrupt gzip (CRC)": (
        "t.json.gz",
        (lambda z: z[:-8] + bytes([z[-8] ^ 0xFF]) + z[-7:])(gzip.compress(records_file(GOOD_TEXT))),
        ProblemKind.CORRUPT_GZIP,
        "",
        0,
    ),
    "unrecognised content": (
        "t.bin",
        b"\x00\x01 binary\n",
        ProblemKind.UNKNOWN_FORMAT,
        "",
        0,
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_item_is_skipped_counted_and_reported(tmp_path, case):
    name, content, kind, suffix, kept, *options = CASES[case]
    path = tmp_path / name
    path.write_bytes(content)
    events, report = read(path, **(options[0] if options else {}))
    assert len(events) == kept
    problem = only_problem(report)
    assert (problem.kind, problem.origin) == (kind, f"{path}{suffix}")
    assert report.read == kept + 1 and report.bad == 1


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_strict_mode_raises_on_the_first_bad_item_naming_its_origin(tmp_path, case):
    name, content, kind, suffix, _, *options = CASES[case]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInputError) as raised:
        list(read_events(str(path), Report(strict=True), **(options[0] if options else {})))
    assert raised.value.problem.kind is kind
    assert str(raised.value).startswith(f"{path}{suffix}: {kind.value}: ")


def test_malformed_record_ends_the_file_but_keeps_the_records_before_it(tmp_path):
    path = corpus_path(
        "aws-cloudtrail-processing-library-fixtures", "SerializerTestFileBadJsonFormat.json"
    )
    events, report = read(path)
    assert events == []
    problem = only_problem(report)
    assert problem.origin == f"{path}#0" and problem.detail.endswith("rest of file skipped")


def test_processing_library_edge_cases_from_the_corpus():
    folder = corpus_path("aws-cloudtrail-processing-library-fixtures")
    _, report = read(folder / "SerializerTestFileMissField.json")
    assert report.examples[ProblemKind.BAD_TIMESTAMP][0].detail == (
        "eventTime 'ThisIsAWrongEventTime' is not ISO-8601"
    )
    events, report = read(folder / "SerializerAllFieldsNull.json")
    assert len(events) == 1
    assert report.examples[ProblemKind.MISSING_TIMESTAMP][0].detail == "eventTime is null"


def test_unreadable_file(tmp_path):
    missing = tmp_path / "gone.json.gz"
    os.symlink(tmp_path / "nowhere", missing)
    events, report = read(missing)
    assert events == []
    problem = only_problem(report)
    assert (problem.kind, problem.origin) == (ProblemKind.UNREADABLE_FILE, str(missing))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_file_without_read_permission(tmp_path):
    path = tmp_path / "locked.json"
    path.write_bytes(records_file(GOOD_TEXT))
    path.chmod(0)
    _, report = read(path)
    assert only_problem(report).kind is ProblemKind.UNREADABLE_FILE


def oversize_record(message_bytes: int) -> str:
    """A compact record whose JSON text is exactly ``message_bytes`` long."""
    skeleton = '{"eventTime":"2024-03-04T10:00:00Z","pad":""}'
    return skeleton[:-2] + "x" * (message_bytes - len(skeleton)) + '"}'


@pytest.mark.parametrize("container", ["records", "jsonl", "export"])
def test_event_limit_is_cloudwatch_logs_1_mib_including_26_bytes_overhead(tmp_path, container):
    largest = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES
    fits, too_big = oversize_record(largest), oversize_record(largest + 1)
    path = tmp_path / "big"
    if container == "records":
        path.write_bytes(records_file(fits, too_big, GOOD_TEXT))
    elif container == "jsonl":
        path.write_text(f"{fits}\n{too_big}\n{GOOD_TEXT}\n")
    else:
        path.write_text(
            f"2024-03-04T10:00:00.000Z {fits}\n2024-03-04T10:00:00.000Z {too_big}\n"
            f"2024-03-04T10:00:01.000Z {GOOD_TEXT}\n"
        )
    events, report = read(path)
    assert [len(e.message) for e in events] == [largest, len(GOOD_TEXT)]
    problem = only_problem(report)
    assert problem.kind is ProblemKind.OVERSIZE_EVENT
    assert problem.origin == f"{path}{':2' if container != 'records' else '#1'}"


def test_a_line_without_end_is_rejected_without_being_buffered(tmp_path):
    path = tmp_path / "endless.jsonl"
    path.write_bytes(GOOD_TEXT.encode() + b"\n" + b'{"a":"' + b"y" * (7 * MAX_EVENT_BYTES))
    events, report = read(path)
    assert len(events) == 1
    problem = only_problem(report)
    assert (problem.kind, problem.origin) == (ProblemKind.OVERSIZE_EVENT, f"{path}:2")


def test_gzip_bomb_stops_at_the_decompression_cap(tmp_path):
    path = tmp_path / "bomb.json.gz"
    record = GOOD_TEXT + ","
    path.write_bytes(gzip.compress(('{"Records":[' + record * 200_000).encode()))
    assert path.stat().st_size < 100_000  # 12 MB of JSON
    limit = 3 * 1024 * 1024
    events, report = read(path, max_decompressed_bytes=limit)
    problem = only_problem(report)
    assert (problem.kind, problem.origin) == (ProblemKind.DECOMPRESSION_LIMIT, str(path))
    assert f"more than {limit} bytes" in problem.detail
    assert 0 < len(events) < limit // len(record)


def test_multi_member_gzip_is_read_whole(tmp_path):
    path = tmp_path / "two.jsonl.gz"
    path.write_bytes(
        gzip.compress(f"{GOOD_TEXT}\n".encode()) + gzip.compress(f"{GOOD_TEXT}\n".encode())
    )
    events, report = read(path)
    assert len(events) == 2 and report.bad == 0


def test_report_keeps_only_the_first_examples_of_each_kind(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("{oops\n" * 1000)
    report = Report(examples_per_kind=3)
    assert list(read_events(str(path), report)) == []
    assert report.counts[ProblemKind.MALFORMED_JSON] == 1000
    assert [p.origin for p in report.examples[ProblemKind.MALFORMED_JSON]] == [
        f"{path}:1",
        f"{path}:2",
        f"{path}:3",
    ]
    assert report.summary_lines()[-1] == "    ... and 997 more"


def test_report_as_json(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(GOOD_TEXT + "\n{oops\n")
    report = Report()
    list(read_events(str(path), report))
    as_json = report.to_dict()
    [example] = as_json["problems"]["malformed_json"]["examples"]  # type: ignore[index]
    assert example["detail"].endswith("line 1 column 2 (char 1)")  # orjson's own words
    example["detail"] = "..."
    assert as_json == {
        "read": 2,
        "delivered": 1,
        "bad": 1,
        "late": 0,
        "problems": {
            "malformed_json": {
                "count": 1,
                "examples": [
                    {"origin": f"{path}:2", "detail": "..."}
                ],
            }
        },
    }


def test_a_huge_array_element_is_not_buffered_whole(tmp_path):
    """A record far over the limit ends the file instead of being read into memory."""
    path = tmp_path / "huge.json"
    huge = '{"eventTime":"2024-03-04T10:00:00Z","pad":"' + "x" * 3_000_000 + '"}'
    path.write_bytes(records_file(GOOD_TEXT, huge, GOOD_TEXT))
    events, report = read(path, max_event_bytes=100_000)
    assert len(events) == 1
    problem = only_problem(report)
    assert (problem.kind, problem.origin) == (ProblemKind.OVERSIZE_EVENT, f"{path}#1")
    assert problem.detail == (
        "value longer than 600000 characters, over the event limit; rest of file skipped"
    )

"""``s3://`` sources against a real S3-compatible server on loopback (moto): listing in
delivery order, pruning by account, region and day (counted at the server), gzip
objects with the decompression cap, failures with origins, replays identical to local
ones, credentials never shown, and the message when the ``s3`` extra is missing."""

from __future__ import annotations

import gzip
import json
import logging
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cwpattern.cli import main
from simulator.events import ProblemKind, Report
from simulator.sources import PathFilter, iter_log_files, read_events, s3
from tests._s3 import SECRET, S3Server, cloudtrail_gz, put_object, s3_server, upload_tree

from conftest import FIXTURES

pytest.importorskip("s3fs")

A, B = "111122223333", "444455556666"
REGIONS = ("us-east-1", "eu-west-1")
DAYS = ("04", "05", "06")
CONFIG = FIXTURES / "replay" / "seed.yaml"
TRAIL = FIXTURES / "synth" / "config-slr-access-denied" / "trail"
EVERYTHING = PathFilter()


def _day_dir(account: str, region: str, day: str) -> str:
    return f"AWSLogs/{account}/CloudTrail/{region}/2024/03/{day}"


@pytest.fixture(scope="module")
def local_tree(tmp_path_factory) -> Path:
    """Two accounts x two regions x three days, two files a day, plus a digest that
    must never be read."""
    root = tmp_path_factory.mktemp("trail")
    for account in (A, B):
        for region in REGIONS:
            for day in DAYS:
                folder = root / _day_dir(account, region, day)
                folder.mkdir(parents=True)
                for hour in ("08", "09"):
                    name = f"{account}_CloudTrail_{region}_202403{day}T{hour}00Z_abcd1234.json.gz"
                    times = [f"2024-03-{day}T{hour}:0{m}:00Z" for m in range(3)]
                    (folder / name).write_bytes(cloudtrail_gz(times, account, region))
    digest = root / f"AWSLogs/{A}/CloudTrail-Digest/us-east-1/2024/03/05/digest.json.gz"
    digest.parent.mkdir(parents=True)
    digest.write_bytes(b"\x1f\x8b not gzip")
    return root


@pytest.fixture(scope="module")
def server(local_tree: Path) -> Iterator[S3Server]:
    with s3_server() as running:
        upload_tree(local_tree, "trails")
        upload_tree(TRAIL, "seed")
        yield running


def _files(source: str, path_filter: PathFilter = EVERYTHING) -> tuple[list[str], Report]:
    report = Report()
    return list(iter_log_files(source, path_filter, report)), report


def test_listing_is_in_the_same_delivery_order_as_a_local_walk(server, local_tree) -> None:
    remote, report = _files("s3://trails")
    local, _ = _files(str(local_tree))
    assert report.read == 0
    assert len(remote) == 2 * 2 * 3 * 2
    assert [url.removeprefix("s3://trails/") for url in remote] == \
        [str(Path(path).relative_to(local_tree)) for path in local]


def test_a_one_day_replay_lists_only_that_days_keys(server) -> None:
    """Pruning, counted at the server: one ListObjectsV2 request per directory on the
    path to the selected day, and none for other accounts, regions, days or digests."""
    one_day = PathFilter(accounts=[A], regions=["eu-west-1"], start_date=date(2024, 3, 5),
                         end_date=date(2024, 3, 5))
    server.listed.clear()
    files, _ = _files("s3://trails", one_day)
    day = _day_dir(A, "eu-west-1", "05")
    assert [url.rsplit("/", 1)[0] for url in files] == [f"s3://trails/{day}"] * 2
    parts = day.split("/")
    assert server.listed == ["trails/"] + [
        "trails/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]
    server.listed.clear()
    _files("s3://trails")
    assert sum(prefix.count("/") == 8 for prefix in server.listed) == 2 * 2 * 3  # every day


def test_gzip_objects_stream_into_the_same_events_as_local_files(server, local_tree) -> None:
    remote_report, local_report = Report(), Report()
    remote = list(read_events("s3://trails", remote_report))
    local = list(read_events(str(local_tree), local_report))
    assert len(remote) == 2 * 2 * 3 * 2 * 3
    assert [(e.timestamp_ms, e.message) for e in remote] == \
        [(e.timestamp_ms, e.message) for e in local]
    assert remote[0].origin.startswith(f"s3://trails/{_day_dir(A, 'eu-west-1', '04')}/")


def test_broken_and_oversized_gzip_objects_are_reported_with_their_url(server) -> None:
    whole = cloudtrail_gz(["2024-03-04T08:00:00Z"] * 50, A, "us-east-1")
    put_object("s3://broken/cut.json.gz", whole[:-30])
    bomb = gzip.compress(b'{"Records": [' + b" " * 200_000 + b"]}")
    put_object("s3://broken/bomb.json.gz", bomb)
    report = Report()
    list(read_events(["s3://broken/cut.json.gz", "s3://broken/bomb.json.gz"], report,
                     max_decompressed_bytes=100_000))
    problems = {p.kind: p for kept in report.examples.values() for p in kept}
    assert problems[ProblemKind.TRUNCATED_GZIP].origin == "s3://broken/cut.json.gz"
    assert problems[ProblemKind.DECOMPRESSION_LIMIT].origin == "s3://broken/bomb.json.gz"


def test_a_prefix_outside_the_layout_is_walked_like_a_folder(server) -> None:
    put_object("s3://exports/team-a/events.jsonl",
               b'{"timestamp": 1709539200000, "message": "hello"}\n')
    put_object("s3://exports/team-a/.hidden.jsonl", b"not read\n")
    report = Report()
    events = list(read_events("s3://exports", report))
    assert [(e.message, e.origin) for e in events] == \
        [("hello", "s3://exports/team-a/events.jsonl:1")]
    assert report.bad == 0


def test_missing_buckets_and_keys_are_unreadable_files_with_their_url(server) -> None:
    report = Report()
    assert list(read_events(["s3://no-such-bucket/AWSLogs", "s3://trails/nothing.json.gz"],
                            report)) == []
    details = {p.origin: p.detail for p in report.examples[ProblemKind.UNREADABLE_FILE]}
    assert details == {"s3://no-such-bucket/AWSLogs": "The specified bucket does not exist",
                       "s3://trails/nothing.json.gz": "no such S3 object or prefix"}


def _replay(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, ["replay", "--config", str(CONFIG), "--json", *args])
    return done.exit_code, done.stdout, done.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_replay_from_s3_is_byte_identical_to_the_local_replay(server, jobs) -> None:
    """Same report, origins aside (they name the URL); ``--jobs 2`` scores in worker
    processes that read S3 themselves."""
    code, local, _ = _replay(str(TRAIL), "--jobs", "1")
    remote_code, remote, _ = _replay("s3://seed", "--jobs", jobs)
    assert (code, remote_code) == (0, 0)
    assert json.loads(local)["alarms"]["transitions"]  # a real result, not an empty one
    assert remote == local.replace(str(TRAIL), "s3://seed")


def test_credentials_never_appear_in_output_errors_or_logs(server, caplog) -> None:
    for client_side in ("botocore", "aiobotocore", "s3fs", "fsspec", "simulator"):
        caplog.set_level(logging.DEBUG, logger=client_side)
    put_object("s3://broken/cut.json.gz", cloudtrail_gz(["2024-03-04T08:00:00Z"], A, "x")[:-9])
    runs = [_replay("s3://seed", "--jobs", "1"),
            _replay("s3://no-such-bucket/AWSLogs", "--jobs", "1"),
            _replay("s3://broken/cut.json.gz", "--jobs", "1", "--strict")]
    assert [code for code, _, _ in runs] == [0, 0, 1]
    shown = "".join(out + err for _, out, err in runs) + caplog.text
    assert "Authorization" in caplog.text  # the requests were logged in detail
    assert SECRET not in shown


def test_without_the_s3_extra_the_command_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "s3fs", None)
    s3.filesystem.cache_clear()
    code, _, stderr = _replay("s3://seed", "--jobs", "1")
    s3.filesystem.cache_clear()
    assert code == 2
    assert "pip install 'cwpattern[s3]'" in stderr
    assert "Traceback" not in stderr

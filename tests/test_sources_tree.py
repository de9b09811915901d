"""CloudTrail's S3 layout: walking, organization trails, digests, path filters."""

from __future__ import annotations

import gzip
import os
from datetime import date
from pathlib import Path

import orjson
import pytest

from simulator.events import ProblemKind, Report
from simulator.sources import PathFilter, _chunks, read_events

from conftest import corpus_path

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"
ORG = "o-a1b2c3d4e5"


def trail_file(
    root: Path, account: str, region: str, stamp: str, times: list[str], org: str | None = None
) -> Path:
    """Write a gzipped CloudTrail file at its S3 key; ``stamp`` is YYYYMMDDTHHmm."""
    day = root / "AWSLogs" / (org or "") / account / "CloudTrail" / region
    day = day / stamp[:4] / stamp[4:6] / stamp[6:8]
    day.mkdir(parents=True, exist_ok=True)
    path = day / f"{account}_CloudTrail_{region}_{stamp}Z_abcdefgh12345678.json.gz"
    records = [{"eventTime": t, "recipientAccountId": account, "awsRegion": region} for t in times]
    path.write_bytes(gzip.compress(orjson.dumps({"Records": records})))
    return path


def garbage(path: Path) -> Path:
    """A file that would be reported as a problem if it were ever opened."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x1f\x8b not really gzip")
    return path


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Record every file the readers open."""
    seen: list[str] = []
    real_open = _chunks.open_binary

    def counting_open(path: str):
        seen.append(path)
        return real_open(path)

    monkeypatch.setattr(_chunks, "open_binary", counting_open)
    return seen


def read(root: Path, path_filter: PathFilter | None = None) -> tuple[list, Report]:
    report = Report()
    return list(read_events(str(root), report, path_filter=path_filter)), report


def test_invictus_rebuilt_in_s3_layout(tmp_path):
    source = corpus_path("invictus-ir-aws-dataset", "CloudTrail")
    day = tmp_path / "AWSLogs" / "218007301253" / "CloudTrail" / "us-east-1" / "2023" / "07" / "10"
    day.mkdir(parents=True)
    for file in sorted(source.glob("*.json")):
        (day / f"{file.name}.gz").write_bytes(gzip.compress(file.read_bytes()))
    events, report = read(tmp_path)
    assert len(events) == 2900 and report.bad == 0
    files = list(dict.fromkeys(e.origin.split("#")[0] for e in events))
    assert files == sorted(files)  # one account/region: delivery stamp = name order


def test_files_of_one_day_are_read_in_stamp_order_across_accounts_and_regions(tmp_path):
    trail_file(tmp_path, ACCOUNT_B, "eu-west-1", "20240304T1005", ["2024-03-04T10:01:00Z"])
    trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240304T1010", ["2024-03-04T10:06:00Z"])
    trail_file(tmp_path, ACCOUNT_A, "eu-west-1", "20240304T1000", ["2024-03-04T09:56:00Z"])
    trail_file(tmp_path, ACCOUNT_B, "us-east-1", "20240305T0000", ["2024-03-04T23:58:00Z"])
    trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240303T2355", ["2024-03-03T23:50:00Z"])
    events, report = read(tmp_path)
    assert report.bad == 0
    assert [e.timestamp_ms for e in events] == sorted(e.timestamp_ms for e in events)


def test_organization_trail_layout(tmp_path):
    trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240304T1000", ["2024-03-04T09:58:00Z"], ORG)
    trail_file(tmp_path, ACCOUNT_B, "us-east-1", "20240304T1005", ["2024-03-04T10:02:00Z"], ORG)
    events, _ = read(tmp_path, PathFilter(accounts={ACCOUNT_B}))
    assert [orjson.loads(e.message)["recipientAccountId"] for e in events] == [ACCOUNT_B]
    events, _ = read(tmp_path / "AWSLogs" / ORG)
    assert len(events) == 2


@pytest.mark.parametrize(
    ("path_filter", "expected"),
    [
        (PathFilter(accounts={ACCOUNT_A}), {(ACCOUNT_A, "us-east-1"), (ACCOUNT_A, "eu-west-1")}),
        (PathFilter(regions={"eu-west-1"}), {(ACCOUNT_A, "eu-west-1"), (ACCOUNT_B, "eu-west-1")}),
        (
            PathFilter(accounts={ACCOUNT_B}, regions={"us-east-1"}),
            {(ACCOUNT_B, "us-east-1")},
        ),
        (PathFilter(start_date=date(2024, 3, 5), end_date=date(2024, 3, 5)), set()),
        (PathFilter(start_date=date(2024, 2, 29)), None),
        (PathFilter(end_date=date(2024, 3, 3)), set()),
    ],
)
def test_path_filters_never_open_files_outside_them(tmp_path, opened, path_filter, expected):
    pairs = [
        (ACCOUNT_A, "us-east-1"),
        (ACCOUNT_A, "eu-west-1"),
        (ACCOUNT_B, "eu-west-1"),
        (ACCOUNT_B, "us-east-1"),
    ]
    for account, region in pairs:
        trail_file(tmp_path, account, region, "20240304T1000", ["2024-03-04T09:58:00Z"])
    events, report = read(tmp_path, path_filter)
    expected = set(pairs) if expected is None else expected
    got = {
        (r["recipientAccountId"], r["awsRegion"])
        for r in map(orjson.loads, (e.message for e in events))
    }
    assert got == expected and report.bad == 0
    assert len(opened) == len(expected)


def test_excluded_and_digest_files_are_never_opened(tmp_path, opened):
    kept = trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240304T1000", ["2024-03-04T09:58:00Z"])
    logs = tmp_path / "AWSLogs"
    garbage(logs / ACCOUNT_B / "CloudTrail" / "us-east-1" / "2024" / "03" / "04" / "x.json.gz")
    garbage(logs / ACCOUNT_A / "CloudTrail" / "eu-west-1" / "2024" / "03" / "04" / "x.json.gz")
    garbage(logs / ACCOUNT_A / "CloudTrail" / "us-east-1" / "2024" / "03" / "03" / "x.json.gz")
    garbage(logs / ACCOUNT_A / "CloudTrail" / "us-east-1" / "2023" / "12" / "31" / "x.json.gz")
    digest_dir = logs / ACCOUNT_A / "CloudTrail-Digest" / "us-east-1" / "2024" / "03" / "04"
    garbage(
        digest_dir / f"{ACCOUNT_A}_CloudTrail-Digest_us-east-1_t_us-east-1_20240304T100000Z.json.gz"
    )
    garbage(
        kept.parent / f"{ACCOUNT_A}_CloudTrail-Digest_us-east-1_t_us-east-1_20240304T1000Z.json.gz"
    )
    garbage(kept.parent / ".hidden.json.gz")
    path_filter = PathFilter(
        accounts={ACCOUNT_A},
        regions={"us-east-1"},
        start_date=date(2024, 3, 4),
        end_date=date(2024, 3, 31),
    )
    events, report = read(tmp_path, path_filter)
    assert len(events) == 1 and report.bad == 0
    assert opened == [str(kept)]


def test_root_inside_the_layout_uses_its_own_path(tmp_path, opened):
    kept = trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240304T1000", ["2024-03-04T09:58:00Z"])
    trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240305T1000", ["2024-03-05T09:58:00Z"])
    region_dir = kept.parents[3]
    events, _ = read(region_dir, PathFilter(end_date=date(2024, 3, 4)))
    assert len(events) == 1
    events, _ = read(region_dir, PathFilter(regions={"eu-west-1"}))
    assert events == []
    events, _ = read(kept.parent)  # a day directory
    assert [e.origin for e in events] == [f"{kept}#0"]


def test_plain_folders_filter_cloudtrail_named_files_and_skip_other_names(tmp_path, opened):
    (tmp_path / "README.md").write_text("not a log")
    for region in ("us-east-1", "eu-west-1"):
        name = f"{ACCOUNT_A}_CloudTrail_{region}_20240304T1000Z_abcdefgh12345678.json"
        (tmp_path / name).write_bytes(
            orjson.dumps({"Records": [{"eventTime": "2024-03-04T09:58:00Z"}]})
        )
    events, report = read(tmp_path, PathFilter(regions={"eu-west-1"}))
    assert len(events) == 1 and report.bad == 0
    assert [Path(p).name for p in opened] == [
        f"{ACCOUNT_A}_CloudTrail_eu-west-1_20240304T1000Z_abcdefgh12345678.json"
    ]


def test_unreadable_entries_in_a_tree_are_reported(tmp_path):
    kept = trail_file(tmp_path, ACCOUNT_A, "us-east-1", "20240304T1000", ["2024-03-04T09:58:00Z"])
    dangling = (
        kept.parent / f"{ACCOUNT_A}_CloudTrail_us-east-1_20240304T1005Z_zzzzzzzzzzzzzzzz.json.gz"
    )
    os.symlink(tmp_path / "missing.json.gz", dangling)
    events, report = read(tmp_path)
    assert len(events) == 1
    problem = report.examples[ProblemKind.UNREADABLE_FILE][0]
    assert problem.origin == str(dangling) and "No such file" in problem.detail


def test_path_filter_rejects_a_bare_string_and_reversed_dates():
    with pytest.raises(TypeError, match="accounts must be a collection"):
        PathFilter(accounts=ACCOUNT_A)
    with pytest.raises(ValueError, match="start_date 2024-03-05 is after end_date 2024-03-04"):
        PathFilter(start_date=date(2024, 3, 5), end_date=date(2024, 3, 4))

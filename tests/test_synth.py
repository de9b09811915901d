"""The synthetic CloudTrail generator: realism, determinism, labels, writers, fixtures."""

from __future__ import annotations

import filecmp
import gzip
import re
from collections import Counter
from pathlib import Path

import orjson
import pytest

import cwpattern
from simulator.events import Report
from simulator.replay.reorder_window import measure_disorder
from simulator.sources import read_events
from simulator.synth.generator import (
    generate,
    incident_labels,
    label_matches,
    synthesize,
    write_jsonl,
    write_s3_tree,
)
from simulator.synth.scenario import load_scenario, parse_scenario
from simulator.timestamps import parse_iso_ms

from conftest import FIXTURES, corpus_path

SCENARIO_FILE = FIXTURES / "synth" / "config-slr-access-denied.yaml"
GENERATED = FIXTURES / "synth" / "config-slr-access-denied"
SLR_ARN = (
    "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
)
SEED_PATTERN = (
    "{ $.eventName = Get* && $.errorCode = AccessDenied && "
    '$.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::*:role/aws-service-role/*" }'
)

BUSY = """
start: "2024-03-04T00:00:00Z"
duration: 1d
accounts:
  - {id: "111122223333", regions: [us-east-1, eu-west-1]}
baseline:
  events_per_minute: 20
  daily_rhythm: {peak_hour: 14, trough: 0.2}
  error_ratio: 0.05
"""


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO_FILE)


@pytest.fixture(scope="module")
def records(scenario):
    return list(generate(scenario))


@pytest.fixture(scope="module")
def busy_records():
    return list(generate(parse_scenario(BUSY)))


def real_key_order() -> list[str]:
    """Top-level keys in the order CloudTrail writes them (from the invictus corpus)."""
    return [
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "errorCode",
        "errorMessage",
        "requestParameters",
        "responseElements",
        "additionalEventData",
        "requestID",
        "eventID",
        "readOnly",
        "resources",
        "eventType",
        "managementEvent",
        "recipientAccountId",
        "sharedEventID",
        "vpcEndpointId",
        "eventCategory",
        "tlsDetails",
        "sessionCredentialFromConsole",
    ]


def test_key_order_matches_the_real_files():
    folder = corpus_path("invictus-ir-aws-dataset", "CloudTrail")
    order = real_key_order()
    for file in sorted(folder.glob("*.json"))[:10]:
        for record in orjson.loads(file.read_bytes())["Records"]:
            keys = [k for k in record if k in order]
            assert keys == sorted(keys, key=order.index)


def test_records_have_cloudtrail_field_shapes(busy_records):
    order = real_key_order()
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    for record in busy_records:
        keys = list(record)
        assert keys == sorted(keys, key=order.index), keys
        assert uuid.fullmatch(record["eventID"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["eventTime"])
        assert record["eventSource"].endswith(".amazonaws.com")
        assert record["eventCategory"] in ("Management", "Data")
    types = Counter(r["userIdentity"]["type"] for r in busy_records)
    assert set(types) == {"IAMUser", "AssumedRole", "AWSService", "Root"}


def test_identity_blocks_follow_the_real_records(busy_records):
    by_type = {}
    for record in busy_records:
        by_type.setdefault(record["userIdentity"]["type"], record)
    user = by_type["IAMUser"]["userIdentity"]
    assert re.fullmatch(r"AIDA[A-Z0-9]{17}", user["principalId"])
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", user["accessKeyId"])
    assert user["arn"] == f"arn:aws:iam::111122223333:user/{user['userName']}"
    service = by_type["AWSService"]
    assert service["userIdentity"] == {"type": "AWSService", "invokedBy": service["userAgent"]}
    assert service["sourceIPAddress"] == service["userAgent"] == "cloudtrail.amazonaws.com"
    linked = next(
        r for r in busy_records if r["userIdentity"].get("invokedBy") == "config.amazonaws.com"
    )["userIdentity"]
    assert linked["arn"] == (
        "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/AWSConfig-Describe"
    )
    issuer = linked["sessionContext"]["sessionIssuer"]
    assert issuer["arn"] == SLR_ARN and issuer["userName"] == "AWSServiceRoleForConfig"
    assert linked["principalId"] == issuer["principalId"] + ":AWSConfig-Describe"


def test_error_codes_and_messages(busy_records):
    errors = {(r["eventSource"], r["errorCode"]): r for r in busy_records if "errorCode" in r}
    assert errors[("s3.amazonaws.com", "AccessDenied")]["errorMessage"] == "Access Denied"
    denied_iam = errors[("iam.amazonaws.com", "AccessDenied")]
    arn = denied_iam["userIdentity"]["arn"]
    assert denied_iam["errorMessage"].startswith(
        f"User: {arn} is not authorized to perform: iam:{denied_iam['eventName']} on resource: "
    )
    ec2 = errors[("ec2.amazonaws.com", "Client.UnauthorizedOperation")]["errorMessage"]
    assert ec2.startswith(
        "You are not authorized to perform this operation. Encoded authorization failure message: "
    )
    assert all(r.get("responseElements") is None for r in busy_records if "errorCode" in r)
    # AWS services do not fail in the baseline; their failures are incidents.
    assert not any("errorCode" in r and r["userIdentity"].get("invokedBy") for r in busy_records)


def test_daily_rhythm_and_error_ratio(busy_records):
    per_hour = Counter(parse_iso_ms(r["eventTime"]) // 3_600_000 % 24 for r in busy_records)
    assert per_hour[14] > 3 * per_hour[2]
    assert 0.8 < per_hour[14] / (20 * 60) < 1.2
    failed = sum("errorCode" in r or "errorMessage" in r for r in busy_records)
    assert 0.02 < failed / len(busy_records) < 0.06  # 5% of the non-service calls


def test_records_come_in_time_order(busy_records):
    times = [parse_iso_ms(r["eventTime"]) for r in busy_records]
    assert times == sorted(times)


def test_same_seed_same_records_other_seed_other_records(scenario, records):
    assert list(generate(scenario)) == records
    assert list(generate(scenario, seed=scenario.seed + 1)) != records


def test_incident_labels_are_exact_ground_truth(scenario, records):
    [label] = incident_labels(scenario)
    incident = [r for r in records if label_matches(label, r)]
    assert label.event_count == len(incident) == 60
    times = [parse_iso_ms(r["eventTime"]) for r in incident]
    assert label.start_ms <= min(times) and max(times) < label.end_ms
    per_minute = Counter(t // 60_000 for t in times)
    assert set(per_minute.values()) == {3} and len(per_minute) == 20
    assert incident[0]["requestParameters"]["bucketName"] == "payments-audit-logs"
    assert incident[0]["requestParameters"]["Host"] == (
        "payments-audit-logs.s3.us-east-1.amazonaws.com"
    )
    # The label's filter pattern is valid CloudWatch syntax and selects exactly them.
    pattern = cwpattern.compile(label.filter_pattern)
    assert [r for r in records if pattern.matches(orjson.dumps(r))] == incident


def test_the_seed_pattern_finds_only_the_incident(records):
    pattern = cwpattern.compile(SEED_PATTERN)
    hits = [r for r in records if pattern.matches(orjson.dumps(r))]
    assert len(hits) == 60
    assert {r["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] for r in hits} == {SLR_ARN}


def test_fractional_rates_spread_evenly():
    scenario = parse_scenario("""
start: "2024-03-04T10:00:00Z"
duration: 10m
accounts: [{id: "111122223333"}]
incidents:
  - {id: slow, description: every other minute, start: "10:00", end: "10:10", per_minute: 0.5,
     identity: {type: Root}, call: signin:ConsoleLogin, error: Failed authentication}
""")
    records = list(generate(scenario))
    [label] = incident_labels(scenario)
    assert label.event_count == len(records) == 5
    assert sorted({parse_iso_ms(r["eventTime"]) // 60_000 % 10 for r in records}) == [1, 3, 5, 7, 9]
    # A failed console sign-in has errorMessage but no errorCode.
    assert all(
        "errorCode" not in r
        and r["errorMessage"] == "Failed authentication"
        and r["responseElements"] == {"ConsoleLogin": "Failure"}
        for r in records
    )
    assert label.match["errorMessage"] == "Failed authentication"


def test_jsonl_round_trip_through_the_reader(tmp_path, records, scenario):
    path = tmp_path / "events.jsonl"
    assert write_jsonl(generate(scenario), path) == len(records)
    report = Report()
    events = list(read_events(str(path), report))
    assert report.bad == 0
    assert [e.message for e in events] == [orjson.dumps(r).decode() for r in records]
    assert [e.origin for e in events[:2]] == [f"{path}:1", f"{path}:2"]


def test_s3_tree_looks_like_cloudtrail_delivery(tmp_path, scenario, records):
    summary = write_s3_tree(generate(scenario), tmp_path, seed=scenario.seed)
    files = sorted(tmp_path.rglob("*.json.gz"))
    assert summary.records == len(records) and summary.files == len(files)
    name = re.compile(r"(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz")
    disorder = [0, 0]
    for file in files:
        account, region, stamp = name.fullmatch(file.name).groups()
        relative = file.relative_to(tmp_path).parts
        assert relative[:4] == ("AWSLogs", account, "CloudTrail", region)
        assert relative[4:7] == (stamp[:4], stamp[4:6], stamp[6:8])
        batch = orjson.loads(gzip.decompress(file.read_bytes()))["Records"]
        stamp_ms = parse_iso_ms(
            f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:00Z"
        )
        ages = [stamp_ms - parse_iso_ms(r["eventTime"]) for r in batch]
        assert all(0 <= age < 10 * 60_000 for age in ages)
        assert {(r["recipientAccountId"], r["awsRegion"]) for r in batch} == {(account, region)}
        stats = measure_disorder(parse_iso_ms(r["eventTime"]) for r in batch)
        disorder[0] += stats.backwards
        disorder[1] += stats.pairs
    assert 0.1 < disorder[0] / disorder[1] < 0.35  # the corpus has 22%
    report = Report()
    back = list(read_events(str(tmp_path), report))
    assert report.bad == 0
    assert Counter(e.message for e in back) == Counter(orjson.dumps(r).decode() for r in records)


def test_organization_trail_layout(tmp_path):
    scenario = parse_scenario("""
start: "2024-03-04T10:00:00Z"
duration: 5m
organization_id: o-a1b2c3d4e5
accounts: [{id: "111122223333"}]
baseline: {events_per_minute: 5}
""")
    synthesize(scenario, tmp_path, layout="s3")
    [first, *_] = sorted(tmp_path.rglob("*.json.gz"))
    assert first.relative_to(tmp_path).parts[:3] == ("AWSLogs", "o-a1b2c3d4e5", "111122223333")


def test_the_fixtures_are_what_the_generator_makes(tmp_path, scenario):
    """fixtures/synth was written by synthesize(); regenerating gives the same bytes."""
    synthesize(scenario, tmp_path / "events.jsonl.gz", labels_path=tmp_path / "labels.jsonl")
    synthesize(scenario, tmp_path / "trail", layout="s3")
    assert filecmp.cmp(tmp_path / "events.jsonl.gz", GENERATED / "events.jsonl.gz", shallow=False)
    assert filecmp.cmp(tmp_path / "labels.jsonl", GENERATED / "labels.jsonl", shallow=False)
    ours = sorted(p.relative_to(tmp_path / "trail") for p in (tmp_path / "trail").rglob("*.gz"))
    theirs = sorted(p.relative_to(GENERATED / "trail") for p in (GENERATED / "trail").rglob("*.gz"))
    assert ours == theirs
    assert all(
        filecmp.cmp(tmp_path / "trail" / p, GENERATED / "trail" / p, shallow=False) for p in ours
    )


@pytest.mark.parametrize("path", ["events.jsonl.gz", "trail"])
def test_readers_on_the_generated_fixtures(path, records):
    report = Report()
    events = list(read_events(str(GENERATED / path), report))
    assert report.read == len(events) == len(records) and report.bad == 0
    assert sorted(e.message for e in events) == sorted(orjson.dumps(r).decode() for r in records)


def test_default_actors_when_none_are_given():
    scenario = parse_scenario("""
start: "2024-03-04T10:00:00Z"
duration: 30m
accounts: [{id: "111122223333"}]
baseline: {events_per_minute: 30}
""")
    records = list(generate(scenario))
    sources = Counter(r["eventSource"] for r in records)
    assert {
        "s3.amazonaws.com",
        "ec2.amazonaws.com",
        "kms.amazonaws.com",
        "iam.amazonaws.com",
    } <= set(sources)


def test_unknown_layout_is_rejected(tmp_path, scenario):
    with pytest.raises(ValueError, match="unknown layout 'zip'; expected 'jsonl' or 's3'"):
        synthesize(scenario, Path(tmp_path), layout="zip")

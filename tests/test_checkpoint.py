"""Resumable replays (issue 7): a replay killed with SIGKILL at random points and started
again with the same command gives exactly the report of an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.replay.checkpoint import CheckpointError
from simulator.replay.driver import ReplayOptions, replay
from simulator.suite.loader import load_config
from simulator.synth.generator import generate, write_s3_tree
from simulator.synth.scenario import parse_scenario

from conftest import FIXTURES

CONFIG = FIXTURES / "replay" / "seed.yaml"
SCENARIO = """\
name: busy-day
start: "2024-03-04T08:00:00Z"
duration: 3h
accounts:
  - {id: "111122223333", regions: [us-east-1, eu-west-1]}
  - {id: "444455556666", regions: [us-east-1]}
baseline:
  events_per_minute: 180
  actors:
    - identity: {type: IAMUser, name: alice}
      calls: [s3:ListBuckets, ec2:DescribeInstances, iam:GetUser]
    - identity: {service_linked_role: config}
      calls: [s3:GetBucketAcl, s3:GetBucketPolicy]
incidents:
  - id: denied
    description: AWS Config denied on one bucket
    start: "09:00"
    end: "09:30"
    per_minute: 4
    account: "111122223333"
    region: us-east-1
    identity: {service_linked_role: config}
    call: s3:GetBucketAcl
    error: AccessDenied
    request_parameters: {bucketName: audit-logs}
"""


@pytest.fixture(scope="module")
def trail(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("busy")
    scenario = parse_scenario(SCENARIO)
    write_s3_tree(generate(scenario, 1), root, seed=1)
    return root


def command(trail: Path, checkpoint: Path) -> list[str]:
    return [sys.executable, "-c", "from cwpattern.cli import main; main()", "replay",
            "--config", str(CONFIG), str(trail), "--jobs", "1", "--json",
            "--checkpoint", str(checkpoint)]


def test_killed_replays_resume_to_the_same_report(trail, tmp_path) -> None:
    started = time.monotonic()
    uninterrupted = subprocess.run(command(trail, tmp_path / "clean"), capture_output=True,
                                   text=True, check=True).stdout
    full = time.monotonic() - started
    checkpoint = tmp_path / "killed"
    rng = random.Random(7)
    kills = 0
    for _ in range(4):
        process = subprocess.Popen(command(trail, checkpoint), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.4, 0.9) * full)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        process.communicate()
    assert kills >= 1, "the replay finished before it could be killed; make it longer"
    journal = (checkpoint / "journal.jsonl").read_text().splitlines()
    resumed = subprocess.run(command(trail, checkpoint), capture_output=True, text=True,
                             check=True).stdout
    assert resumed == uninterrupted
    document = json.loads(resumed)
    assert document["accounting_balanced"] is True
    assert len(journal) > 0


def test_a_checkpoint_belongs_to_one_replay(trail, tmp_path) -> None:
    definitions, _ = load_config(CONFIG)
    filters = list(definitions.filters.values())
    options = ReplayOptions(checkpoint_dir=str(tmp_path / "cp"))
    first = replay(filters, [], [str(trail)], options)
    again = replay(filters, [], [str(trail)], options)  # every file from the checkpoint
    assert again.accounting == first.accounting
    with pytest.raises(CheckpointError, match="different replay"):
        replay(filters, [], [str(FIXTURES / "synth")], options)


def test_damaged_records_are_reported(trail, tmp_path) -> None:
    definitions, _ = load_config(CONFIG)
    filters = list(definitions.filters.values())
    options = ReplayOptions(checkpoint_dir=str(tmp_path / "cp"))
    replay(filters, [], [str(trail)], options)
    for blob in (tmp_path / "cp").glob("*.json.gz"):
        blob.write_bytes(b"not gzip")
    with pytest.raises(CheckpointError, match="damaged"):
        replay(filters, [], [str(trail)], options)

"""The Dask engine (issue 10): replays on a LocalCluster of 2 workers are byte-identical
to ``--jobs 1`` on the fixtures, on a 500-file S3-layout tree and on S3 itself; the work
really goes to both workers; ``test`` runs on it too; and every way it cannot run is one
message with exit code 2."""

from __future__ import annotations

import gzip
import json
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import simulator.replay.engine_dask as engine_dask
import simulator.replay.scoring as scoring
from cwpattern.cli import main
from simulator.events import Report
from simulator.replay.driver import ReplayOptions, replay
from simulator.replay.scoring import FileScore
from simulator.suite.loader import load_config
from simulator.synth.generator import generate, write_s3_tree
from simulator.synth.scenario import load_scenario
from tests._s3 import S3Server, s3_server, upload_tree

from conftest import FIXTURES, REPO

distributed = pytest.importorskip("distributed")

CONFIG = FIXTURES / "replay" / "seed.yaml"
TRAIL = FIXTURES / "synth" / "config-slr-access-denied" / "trail"
SCALE_SCENARIO = REPO / "tests" / "data" / "scale-scenario.yaml"


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    """Started before the cluster, so that its workers inherit the S3 environment."""
    with s3_server() as server:
        upload_tree(TRAIL, "seed")
        yield server


@pytest.fixture(scope="module")
def cluster(s3) -> Iterator[str]:
    """One LocalCluster of 2 single-threaded worker processes for the whole module."""
    with engine_dask.local_cluster(n_workers=2) as address:
        yield address


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory) -> Path:
    """A synthetic organization trail in the S3 layout: 548 files, 5,338 events."""
    root = tmp_path_factory.mktemp("org-trail")
    summary = write_s3_tree(generate(load_scenario(SCALE_SCENARIO)), root)
    assert summary.files >= 500
    return root


def run(*args: str, command: str = "replay") -> tuple[int, str, str]:
    head = ["replay", "--config", str(CONFIG)] if command == "replay" else [command]
    done = CliRunner().invoke(main, [*head, *args])
    return done.exit_code, done.stdout, done.stderr


def _late_and_bad(tmp_path: Path) -> Path:
    """A file with a malformed line, a late event and a truncated gzip sibling."""
    lines = [json.dumps({"eventTime": f"2024-01-01T00:{m:02d}:00Z", "eventName": "GetX",
                         "errorCode": "AccessDenied"}) for m in range(40)]
    lines.insert(30, json.dumps({"eventTime": "2024-01-01T00:01:00Z"}))
    lines.insert(5, "{not json")
    folder = tmp_path / "bad-and-late"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "b.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode())[:-20])
    return folder


@pytest.mark.parametrize("source", ["trail", "jsonl.gz", "demo", "bad and late"])
def test_dask_replay_is_byte_identical_to_jobs_1_on_the_fixtures(cluster, tmp_path,
                                                                 source) -> None:
    path = {"trail": TRAIL,
            "jsonl.gz": FIXTURES / "synth" / "config-slr-access-denied" / "events.jsonl.gz",
            "demo": FIXTURES / "demo" / "seed-events.jsonl",
            "bad and late": None}[source] or _late_and_bad(tmp_path)
    local = run(str(path), "--jobs", "1", "--json")
    dask = run(str(path), "--engine", "dask", "--scheduler", cluster, "--json")
    assert local[0] == 0
    assert dask == local
    if source == "bad and late":  # late and bad events are still there, with origins
        problems = json.loads(dask[1])["input"]["problems"]
        assert problems["late"]["examples"][0]["origin"] == f"{path}/a.jsonl:32"
        assert problems["malformed_json"]["examples"][0]["origin"] == f"{path}/a.jsonl:6"
        assert problems["truncated_gzip"]["examples"][0]["origin"] == f"{path}/b.jsonl.gz"


def test_a_500_file_tree_is_split_over_both_workers_with_identical_output(cluster,
                                                                          big_tree) -> None:
    client = distributed.Client(cluster, set_as_default=False)
    with client, distributed.get_task_stream(client=client) as tasks:
        dask = run(str(big_tree), "--engine", "dask", "--scheduler", cluster, "--json")
    local = run(str(big_tree), "--jobs", "1", "--json")
    assert local[0] == 0
    assert dask == local
    document = json.loads(dask[1])
    assert document["files"] == 548
    assert document["accounting_balanced"]
    assert document["alarms"]["transitions"]
    scored = [task for task in tasks.data if str(task["key"]).startswith("cwpattern-score-")]
    assert len(scored) == -(-548 // engine_dask.FILES_PER_TASK)
    assert len({task["worker"] for task in scored}) == 2


def test_s3_sources_on_the_cluster_match_the_local_replay(cluster) -> None:
    local = run(str(TRAIL), "--jobs", "1", "--json")
    dask = run("s3://seed", "--engine", "dask", "--scheduler", cluster, "--json")
    assert dask[0] == 0
    assert dask[1] == local[1].replace(str(TRAIL), "s3://seed")


def test_the_python_api_takes_the_engine_in_replay_options(cluster) -> None:
    definitions, _ = load_config(CONFIG)
    filters, alarms = list(definitions.filters.values()), list(definitions.alarms.values())
    local = replay(filters, alarms, [str(TRAIL)], ReplayOptions())
    dask = replay(filters, alarms, [str(TRAIL)],
                  ReplayOptions(engine="dask", scheduler=cluster))
    assert dask.to_dict() == local.to_dict()
    with pytest.raises(ValueError, match="needs the dask engine"):
        ReplayOptions(scheduler=cluster)
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        ReplayOptions(engine="spark")


def test_cwpattern_test_runs_events_from_sources_on_the_cluster(cluster, tmp_path) -> None:
    suite = tmp_path / "trail.cwtest.yaml"
    suite.write_text(CONFIG.read_text() + f"""
alarm_tests:
  - name: the denials page within a minute
    events_from: [{TRAIL}]
    expect_transitions:
      - {{at: 2024-03-04T09:50:00Z, to: OK}}
      - {{at: 2024-03-04T10:01:00Z, to: ALARM}}
      - {{at: 2024-03-04T10:35:00Z, to: OK}}
  - name: a wrong expectation fails the same way
    events_from: [{TRAIL}]
    expect_transitions:
      - {{at: 2024-03-04T10:02:00Z, to: ALARM}}
""")
    local = run(str(suite), "--format", "json", command="test")
    dask = run(str(suite), "--format", "json", "--engine", "dask", "--scheduler", cluster,
               command="test")
    assert (local[0], dask[0]) == (1, 1)
    results = [json.loads(output)["cases"] for _, output, _ in (local, dask)]
    for cases in results:
        for case in cases:
            case.pop("seconds")
    assert [case["passed"] for case in results[0]] == [True, False]
    assert results[1] == results[0]


def test_cwpattern_sweep_scores_on_the_cluster_with_the_same_ranking(cluster) -> None:
    head = ["--config", str(CONFIG),
            str(FIXTURES / "sweep" / "events.jsonl.gz"), "--threshold", "1,5",
            "--json"]
    local = run(*head, "--jobs", "1", command="sweep")
    dask = run(*head, "--engine", "dask", "--scheduler", cluster, command="sweep")
    assert local[0] == 0
    assert dask[:2] == local[:2]
    assert len(json.loads(dask[1])["configurations"]) == 2


def test_strict_mode_stops_at_the_first_bad_item_with_its_origin(cluster, tmp_path) -> None:
    folder = _late_and_bad(tmp_path)
    code, _, stderr = run(str(folder), "--engine", "dask", "--scheduler", cluster, "--strict")
    assert code == 1
    assert f"{folder}/a.jsonl:6" in stderr


def test_standard_input_cannot_go_to_the_cluster(cluster) -> None:
    code, _, stderr = run("-", "--engine", "dask", "--scheduler", cluster)
    assert code == 2
    assert "Dask workers cannot read standard input" in stderr


def test_without_scheduler_a_local_cluster_is_started_for_the_command() -> None:
    assert run(str(TRAIL), "--engine", "dask", "--jobs", "1", "--json") == \
        run(str(TRAIL), "--jobs", "1", "--json")


def test_workers_with_another_cwpattern_are_refused(cluster, monkeypatch) -> None:
    monkeypatch.setattr(engine_dask, "installed_version", lambda _: "0.0.0-elsewhere")
    code, _, stderr = run(str(TRAIL), "--engine", "dask", "--scheduler", cluster)
    assert code == 2
    assert "runs cwpattern 0.1.0, this machine 0.0.0-elsewhere" in stderr


def test_an_unreachable_scheduler_is_one_message(monkeypatch) -> None:
    monkeypatch.setattr(engine_dask, "CONNECT_TIMEOUT_S", 0.5)
    code, _, stderr = run(str(TRAIL), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert stderr.startswith("cwpattern: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in stderr


def test_a_scheduler_needs_the_dask_engine() -> None:
    code, _, stderr = run(str(TRAIL), "--scheduler", "tcp://127.0.0.1:8786")
    assert code == 2
    assert "--scheduler needs --engine dask" in stderr


def _score(path: str, origins: list[str]) -> FileScore:
    return FileScore(path, 0, Report(), list(range(len(origins))), origins,
                     [None] * len(origins), {})


DELIVERED = ("trail/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/04/"
             "111122223333_CloudTrail_eu-west-1_20240304T0955Z_2PmIFnRSrtFPB0ez.json.gz")


@pytest.mark.parametrize(("path", "origins"), [
    (DELIVERED, [f"{DELIVERED}#{i}" for i in (*range(150), 170)]),
    ("t/a.jsonl", [f"t/a.jsonl:{i}" for i in range(1, 200, 2)]),
    ("t/empty.json", []),
], ids=["records", "lines", "empty file"])
def test_origins_travel_as_numbers_and_come_back_identical(path, origins) -> None:
    score = _score(path, origins)
    packed = scoring.pack_score(score)
    assert scoring.unpack_score(packed) == score
    assert packed.all_origins() == origins
    if origins:
        assert packed.origins == []
        assert len(pickle.dumps(packed)) < len(pickle.dumps(score))


@pytest.mark.parametrize("origins", [
    ["t/a.json#0", "t/a.json#01"],  # a number str(int) would not give back
    ["t/a.json#0", "t/a.json:1"],  # mixed separators
    ["t/a.json#0", "elsewhere#1"],
    ["t/a.json"],
], ids=["leading zero", "mixed", "other prefix", "no number"])
def test_origins_that_do_not_fit_the_compact_form_travel_as_text(origins) -> None:
    score = _score("t/a.json", origins)
    assert scoring.pack_score(score) is score


@pytest.mark.parametrize("command", ["replay", "test"])
def test_without_the_dask_extra_the_command_says_how_to_install_it(monkeypatch,
                                                                   command) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    args = [str(TRAIL)] if command == "replay" else [str(FIXTURES / "tests")]
    code, _, stderr = run(*args, "--engine", "dask", command=command)
    assert code == 2
    assert stderr == ("cwpattern: the Dask engine (--engine dask) needs the 'dask' extra "
                      "(distributed is not installed): pip install 'cwpattern[dask]'\n")

"""A real S3-compatible HTTP server on loopback for the S3 tests (moto's standalone
server), with a record of every ListObjectsV2 request it serves.

The environment points the standard AWS chain at it (endpoint, dummy credentials,
region) and away from the user's own AWS configuration, and disables the instance
metadata service, so no test ever leaves the machine.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import orjson
import pytest

from simulator.sources import s3

#: A dummy secret: it must never show up in any output, error or log.
SECRET = "cwpattern-test-secret-Zq7vX1"
_LIST_REQUEST = re.compile(r'"GET /(?P<bucket>[^/?\s]+)/?\?(?P<query>\S*list-type=2\S*) HTTP')


@dataclass
class S3Server:
    """The running server: its endpoint and the prefixes of the listings it served."""

    endpoint: str
    listed: list[str] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "AKIDCWPATTERNTEST",
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/nonexistent/cwpattern-tests",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/cwpattern-tests",
            "AWS_EC2_METADATA_DISABLED": "true",
        }


class _ListRecorder(logging.Handler):
    """Collects ``bucket/prefix`` of each ListObjectsV2 request from the server's log."""

    def __init__(self, server: S3Server) -> None:
        super().__init__(logging.INFO)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        match = _LIST_REQUEST.search(record.getMessage())
        if match:
            prefix = parse_qs(match["query"]).get("prefix", [""])[0]
            self.server.listed.append(f"{match['bucket']}/{prefix}")


@contextlib.contextmanager
def s3_server() -> Iterator[S3Server]:
    """Start moto's server on 127.0.0.1 (a free port, no buckets) with the environment
    pointing at it; a fresh s3fs filesystem is used inside and after the block."""
    server_module = pytest.importorskip("moto.server")
    moto = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    requests_log = logging.getLogger("werkzeug")
    saved = requests_log.level, requests_log.propagate
    server = S3Server("")
    recorder = _ListRecorder(server)
    requests_log.addHandler(recorder)  # before the first request: no stderr handler added
    requests_log.setLevel(logging.INFO)
    requests_log.propagate = False
    moto.start()
    host, port = moto.get_host_and_port()
    server.endpoint = f"http://{host}:{port}"
    # moto keeps its buckets per process, not per server: start from an empty store.
    urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/moto-api/reset",
                                                  method="POST"), timeout=10).close()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("AWS_PROFILE", raising=False)
            patch.delenv("AWS_SESSION_TOKEN", raising=False)
            patch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
            for name, value in server.environment().items():
                patch.setenv(name, value)
            s3.filesystem.cache_clear()
            yield server
    finally:
        s3.filesystem.cache_clear()
        requests_log.removeHandler(recorder)
        requests_log.setLevel(saved[0])
        requests_log.propagate = saved[1]
        moto.stop()


def upload_tree(local_root: Path, bucket: str) -> None:
    """Create ``bucket`` holding every file under ``local_root`` at its relative path."""
    fs = s3.filesystem()
    fs.mkdir(bucket)
    for path in sorted(local_root.rglob("*")):
        if path.is_file():
            fs.pipe(f"{bucket}/{path.relative_to(local_root).as_posix()}", path.read_bytes())


def put_object(url: str, data: bytes) -> None:
    """Store ``data`` at ``s3://bucket/key``, creating the bucket if needed."""
    fs = s3.filesystem()
    key = url.removeprefix("s3://")
    bucket = key.split("/", 1)[0]
    if not fs.exists(bucket):
        fs.mkdir(bucket)
    fs.pipe(key, data)


def cloudtrail_gz(times: list[str], account: str, region: str) -> bytes:
    records = [{"eventTime": t, "eventName": "GetBucketAcl", "recipientAccountId": account,
                "awsRegion": region} for t in times]
    return gzip.compress(orjson.dumps({"Records": records}))

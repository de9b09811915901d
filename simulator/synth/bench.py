"""Synthetic CloudTrail for benchmarks: a fixed scenario scaled to a record count.

:data:`BENCH_SCENARIO` has two accounts, three regions, the default actors at 5,000
events a minute with 10% errors (about 4.6% of records are ``AccessDenied``), plus AWS
Config's service-linked role denied 30 times a minute throughout: about 5%
``AccessDenied`` in all, a few tenths of a percent matching the seed pattern.  Records
average about 1.5 KB.  ``cwpattern bench --synth N`` and the benchmark scripts use it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import orjson

from simulator.synth.generator import generate
from simulator.synth.scenario import parse_scenario

EVENTS_PER_MINUTE = 5_000
BENCH_SCENARIO = """
name: bench
description: CloudTrail traffic with about 5% AccessDenied (cwpattern bench --synth)
seed: {seed}
start: "2024-03-04T00:00:00Z"
duration: {minutes}m
accounts:
  - {{id: "111122223333", regions: [us-east-1, eu-west-1]}}
  - {{id: "444455556666", regions: [us-east-1]}}
baseline: {{events_per_minute: {rate}, error_ratio: 0.1}}
incidents:
  - id: config-denied
    description: AWSServiceRoleForConfig gets AccessDenied on GetBucketAcl
    start: "+0m"
    end: "+{minutes}m"
    per_minute: 30
    account: "111122223333"
    identity: {{service_linked_role: config}}
    call: s3:GetBucketAcl
    error: AccessDenied
"""


def bench_records(count: int, seed: int = 6) -> Iterator[dict[str, Any]]:
    """``count`` synthetic CloudTrail records (see the module docstring)."""
    minutes = count // EVENTS_PER_MINUTE + 2
    scenario = parse_scenario(BENCH_SCENARIO.format(seed=seed, minutes=minutes,
                                                    rate=EVENTS_PER_MINUTE))
    return itertools.islice(generate(scenario), count)


def bench_lines(count: int, seed: int = 6) -> Iterator[bytes]:
    """:func:`bench_records` as compact JSON, one record per item."""
    return (orjson.dumps(record) for record in bench_records(count, seed))

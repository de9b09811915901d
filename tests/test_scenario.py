"""Scenario files: every mistake is reported with file, line, field and a hint."""

from __future__ import annotations

import pytest

from simulator.synth.scenario import (
    DEFAULT_ACTORS,
    MAX_SCENARIO_BYTES,
    ScenarioError,
    load_scenario,
    parse_scenario,
)

HEAD = 'start: "2024-03-04T00:00:00Z"\nduration: 1h\naccounts: [{id: "111122223333"}]\n'
INCIDENT = (
    "incidents:\n"
    "  - id: x\n"
    "    description: d\n"
    '    start: "00:10"\n'
    '    end: "00:20"\n'
    "    per_minute: 1\n"
    "    identity: {service_linked_role: config}\n"
    "    call: s3:GetBucketAcl\n"
)

ERRORS = {
    "misspelt key": (
        HEAD + "baseline:\n  events_per_minut: 3\n",
        "s.yaml:5: baseline.events_per_minut: unknown key 'events_per_minut'; "
        "did you mean 'events_per_minute'?",
    ),
    "account id not quoted": (
        'start: "2024-03-04T00:00:00Z"\nduration: 1h\naccounts: [{id: 1111}]\n',
        "s.yaml:3: accounts[0].id: '1111' is not a 12-digit account id (quote it in YAML)",
    ),
    "missing start": ("duration: 1h\n", "s.yaml:1: missing required key 'start'"),
    "both duration and end": (
        HEAD + 'end: "2024-03-04T01:00:00Z"\n',
        "s.yaml:1: give exactly one of 'duration' and 'end'",
    ),
    "bad duration": (
        HEAD.replace("1h", "1 hour"),
        "s.yaml:2: duration: '1 hour' is not a duration such as 90s, 20m, 6h, 1d or 1h30m",
    ),
    "start not on a minute": (
        HEAD.replace("00:00:00Z", "00:00:30Z"),
        "s.yaml:1: start: times must fall on a whole minute (seconds = 0)",
    ),
    "bad timestamp": (
        HEAD.replace("2024-03-04T00:00:00Z", "yesterday"),
        "s.yaml:1: start: 'yesterday' is not an ISO-8601 timestamp such as 2024-03-04T00:00:00Z",
    ),
    "unknown region format": (
        HEAD.replace('"111122223333"}', '"111122223333", regions: [useast1]}'),
        "s.yaml:3: accounts[0].regions[0]: 'useast1' is not an AWS region name such as us-east-1",
    ),
    "incident ends before it starts": (
        HEAD + INCIDENT.replace('"00:20"', '"00:05"'),
        "s.yaml:8: incidents[0].end: the incident must start before it ends, "
        "inside the scenario's time range",
    ),
    "unknown service-linked role": (
        HEAD + INCIDENT.replace("config}", "confg}"),
        "s.yaml:10: incidents[0].identity.service_linked_role: unknown service-linked role "
        "'confg'; did you mean 'config'?",
    ),
    "misspelt call": (
        HEAD + INCIDENT.replace("s3:GetBucketAcl", "s3:GetBuckeAcl"),
        "s.yaml:11: incidents[0].call: unknown call (service:EventName) 's3:GetBuckeAcl'; "
        "did you mean 's3:GetBucketAcl'?",
    ),
    "field of another identity type": (
        HEAD
        + INCIDENT.replace("{service_linked_role: config}", "{type: IAMUser, name: b, role: x}"),
        "s.yaml:10: incidents[0].identity.role: 'role' does not apply to identity type IAMUser "
        "(allowed: console, name, type)",
    ),
    "identity without type": (
        HEAD + INCIDENT.replace("{service_linked_role: config}", "{name: bob}"),
        "s.yaml:10: incidents[0].identity: missing required key 'type' "
        "(one of IAMUser, AssumedRole, AWSService, Root)",
    ),
    "incident in an unknown region": (
        HEAD + INCIDENT + "    region: eu-west-1\n",
        "s.yaml:12: incidents[0].region: unknown region for account 111122223333 'eu-west-1'; "
        "did you mean 'us-east-1'?",
    ),
    "duplicate incident ids": (
        HEAD + INCIDENT + INCIDENT.split("\n", 1)[1],
        "s.yaml:4: incidents: duplicate incident id 'x'",
    ),
    "rate out of range": (
        HEAD + "baseline: {events_per_minute: -1}\n",
        "s.yaml:4: baseline.events_per_minute: -1 is out of range [0, 100000]",
    ),
    "ratio out of range": (
        HEAD + "baseline: {events_per_minute: 1, error_ratio: 2}\n",
        "s.yaml:4: baseline.error_ratio: 2 is out of range [0, 1]",
    ),
    "rhythm with 23 hours": (
        HEAD + "baseline: {events_per_minute: 1, daily_rhythm: [" + "1, " * 22 + "1]}\n",
        "s.yaml:4: baseline.daily_rhythm: expected 24 hourly factors, got 23",
    ),
    "actor without calls": (
        HEAD + "baseline:\n  events_per_minute: 1\n  actors:\n    - identity: {type: Root}\n"
        "      calls: []\n",
        "s.yaml:8: baseline.actors[0].calls: an actor needs at least one call with a "
        "positive weight",
    ),
    "duplicate key": (HEAD + "duration: 2h\n", "s.yaml:4: duplicate key 'duration'"),
    "invalid YAML": (
        "a: [1, 2\n",
        "s.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    "not a mapping": ("- 1\n", "s.yaml:1: expected a mapping, got a list"),
    "empty": ("", "s.yaml: the scenario is empty"),
    "alias bomb": (
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
            for p, n in zip("abcde", "bcdef", strict=True)
        ),
        "s.yaml:1: the scenario is too large (more than 100000 YAML nodes after expanding aliases)",
    ),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_scenario_errors_name_file_line_and_field(case):
    text, expected = ERRORS[case]
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, source="s.yaml")
    assert str(raised.value) == expected


def test_times_of_day_offsets_and_yaml_sexagesimal():
    scenario = parse_scenario(
        'start: "2024-03-04T09:00:00Z"\nend: +2h\naccounts: [{id: "111122223333"}]\n'
        + INCIDENT.replace('"00:10"', "10:00").replace('"00:20"', "+90m")
    )
    [incident] = scenario.incidents
    assert scenario.end_ms - scenario.start_ms == 2 * 3_600_000
    assert incident.start_ms - scenario.start_ms == 3_600_000  # 10:00 unquoted is not 600
    assert incident.end_ms - scenario.start_ms == 90 * 60_000


def test_defaults():
    scenario = parse_scenario(HEAD + "baseline: {events_per_minute: 10}\n")
    assert scenario.accounts[0].regions == ("us-east-1",)
    assert scenario.baseline.actors == DEFAULT_ACTORS
    assert scenario.baseline.rhythm == (1.0,) * 24
    assert scenario.baseline.error_ratio == 0.01
    assert scenario.seed == 0 and scenario.incidents == ()


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("#" * (MAX_SCENARIO_BYTES + 1))
    with pytest.raises(ScenarioError, match="larger than 1048576 bytes"):
        load_scenario(path)


def test_yaml_tags_never_build_objects():
    """Tags are ignored: a python/object tag gives plain data, which then fails validation."""
    with pytest.raises(ScenarioError) as raised:
        parse_scenario("start: !!python/object/apply:os.system ['false']\n", source="s.yaml")
    assert str(raised.value) == "s.yaml:1: start: expected a string, got a list"
    with pytest.raises(ScenarioError) as raised:
        parse_scenario('start: !!python/name:os.system ""\nduration: 1h\n', source="s.yaml")
    assert (
        str(raised.value)
        == "s.yaml:1: start: '' is not an ISO-8601 timestamp such as 2024-03-04T00:00:00Z"
    )

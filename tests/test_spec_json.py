"""JSON patterns: every example of filter-syntax spec §0.3, §0.10 and §5, including the
example events of the archived user guide page (FilterAndPatternSyntax.md)."""

from __future__ import annotations

import json

import pytest

import cwpattern

#: The user guide's "JSON Metric Filter Examples" event.
GUIDE_EVENT = json.dumps({
    "eventType": "UpdateTrail",
    "sourceIPAddress": "111.111.111.111",
    "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
    "SomeObject": None,
    "ThisFlag": True,
})

#: The user guide's "JSON Compound Conditions" event.
COMPOUND_EVENT = json.dumps({
    "user": {"id": 1, "email": "John.Stiles@example.com"},
    "users": [{"id": 2, "email": "John.Doe@example.com"},
              {"id": 3, "email": "Jane.Doe@example.com"}],
    "actions": ["GET", "PUT", "DELETE"],
    "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
})

NUMERIC_EVENT = json.dumps({
    "latency": 1500, "numbers": [0.005], "errorCode": 400,
    "processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}],
})

GUIDE_EXAMPLES = [
    ("guide: eventType", '{ $.eventType = "UpdateTrail" }', True),
    ("guide: IP outside a subnet", "{ $.sourceIPAddress != 123.123.* }", True),
    ("guide: first array entry", '{ $.arrayKey[0] = "value" }', True),
    ("guide: property of an array element", "{ $.objectList[1].id = 2 }", True),
    ("guide: IS NULL", "{ $.SomeObject IS NULL }", True),
    ("guide: NOT EXISTS", "{ $.SomeOtherObject NOT EXISTS }", True),
    ("guide: IS TRUE", "{ $.ThisFlag IS TRUE }", True),
    ("§5.3 IS FALSE on true", "{ $.ThisFlag IS FALSE }", False),
    ("§5.3 a missing key is not NULL", "{ $.Missing IS NULL }", False),
    ("§5.3 a key holding null exists", "{ $.SomeObject NOT EXISTS }", False),
    ("§5.3 out-of-range index resolves to nothing", '{ $.arrayKey[5] = "value" }', False),
    ("§5.3 out-of-range index: NOT EXISTS", "{ $.arrayKey[5] NOT EXISTS }", True),
    ("§0.3 = on an array is false", '{ $.arrayKey = "value" }', False),
    ("§0.3 != on an array is false", '{ $.arrayKey != "value" }', False),
    ("§0.3 != on an object is false", '{ $.objectList[0] != "x" }', False),
    ("§0.3 != on a missing field is false (azul#5884)", '{ $.invokedBy != "x" }', False),
]

COMPOUND_EXAMPLES = [
    ("guide compound 1", '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }',
     True),
    ("guide compound 2",
     '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', False),
    ("guide compound 3: && binds tighter than ||",
     '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch '
     "&& $.actions[2] = nomatch }", True),
    ("guide compound 4: parentheses first",
     '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) '
     "&& $.actions[2] = nomatch }", False),
    ("§5.3 string literal vs number is false", '{ $.coordinates[0][1] = "1" }', False),
    ("§5.2 nested index", "{ $.coordinates[1][2] = 6 }", True),
    ("§5.2 [*] is existential", '{ $.users[*].email = "Jane*" }', True),
    ("§5.2 .* is existential", "{ $.user.* = 1 }", True),
    ("§10.9 [*] with != is existential", '{ $.actions[*] != "GET" }', True),
    ("§10.9 no implicit flattening of arrays", '{ $.users.email = "John.Doe@example.com" }',
     False),
]

NUMERIC_EXAMPLES = [
    ("guide numeric >=", "{ $.latency >= 500 }", True),
    ("guide numeric < 10e3", "{ $.numbers[0] < 10e3 }", True),
    ("guide numeric < 10e-3", "{ $.numbers[0] < 10e-3 }", True),
    ("guide numeric <= 55.5", "{ $.processes[4].averageRuntime <= 55.5 }", True),
    ("guide numeric = 400", "{ $.errorCode = 400 }", True),
    ("guide numeric != 500", "{ $.errorCode != 500 }", True),
    ("guide numeric > +1000", "{ $.latency > +1000 }", True),
    ("§5.3 1e+3 is 1000", "{ $.latency > 1e+3 }", True),
    ("§5.3 negative", "{ $.latency > -5 }", True),
    ("§5.3 > is strict", "{ $.latency > 1500 }", False),
    ("§5.3 = * matches a number ({ $.latency = * } publishes 50)", "{ $.latency = * }", True),
]


def _params(cases):
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


@pytest.mark.parametrize(("pattern", "expected"), _params(GUIDE_EXAMPLES))
def test_guide_json_examples(pattern: str, expected: bool) -> None:
    assert cwpattern.compile(pattern).matches(GUIDE_EVENT) is expected


@pytest.mark.parametrize(("pattern", "expected"), _params(COMPOUND_EXAMPLES))
def test_guide_compound_examples(pattern: str, expected: bool) -> None:
    assert cwpattern.compile(pattern).matches(COMPOUND_EVENT) is expected


@pytest.mark.parametrize(("pattern", "expected"), _params(NUMERIC_EXAMPLES))
def test_guide_numeric_examples(pattern: str, expected: bool) -> None:
    assert cwpattern.compile(pattern).matches(NUMERIC_EVENT) is expected


@pytest.mark.parametrize(("pattern", "matching"), [
    ("{$.foo = bar}", [0]),
    ("{$.foo = baz }", [1]),
    ("{$.foo = bar || $.foo = baz }", [0, 1]),
], ids=["guide OR: bar", "guide OR: baz", "guide OR: both"])
def test_guide_json_or_examples(pattern: str, matching: list[int]) -> None:
    events = ['{"foo": "bar"}', '{"foo": "baz"}']
    compiled = cwpattern.compile(pattern)
    assert [i for i, event in enumerate(events) if compiled.matches(event)] == matching


@pytest.mark.parametrize(("value", "subject", "expected"), [
    ("*Event", "PutEvent", True),
    ("*Event", "GetEvent", True),
    ("Event*", "EventId", True),
    ("Event*", "EventName", True),
    ("Ev*ent", "Ev*ent", True),
    ("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/x", True),
    ("a*b*c", "aXbYc", True),
    ("a*b*c", "aXcYb", False),
    ("ab*ba", "aba", False),
    ("*", "", True),
    ("Get*", "GetBucketAcl", True),
    ("Get*", "ListBuckets", False),
    ("*Unauthorized*", "Client.UnauthorizedOperation", True),
], ids=lambda value: repr(value))
def test_guide_wildcards(value: str, subject: str, expected: bool) -> None:
    """Guide: `*Event` matches PutEvent, `Event*` matches EventId.  An inner `*` is a
    wildcard too (ambiguities.MID_STRING_STAR_IS_WILDCARD, a departure from the 2018–2020
    guide's `Ev*ent` sentence: the seed filter from AWS's blog depends on it)."""
    pattern = cwpattern.compile(f'{{ $.name = "{value}" }}')
    assert pattern.matches(json.dumps({"name": subject})) is expected


def test_latency_example_publishes_the_value() -> None:
    """Guide: `{ $.latency = * }` with metricValue `$.latency` publishes 50."""
    pattern = cwpattern.compile("{ $.latency = * }")
    event = '{"latency": 50, "requestType": "GET"}'
    assert pattern.extract(event, ["$.latency"]) == {"$.latency": "50"}


def test_whitespace_around_operators_is_optional() -> None:
    """§5.1: `{$.foo = bar}`, `{$.user.id=1}`, `{ $.errorCode = 400}` are all accepted."""
    assert cwpattern.compile("{$.user.id=1}").matches('{"user": {"id": 1}}')
    assert cwpattern.compile("{ $.errorCode = 400}").matches('{"errorCode": 400}')


def test_hyphenated_and_bracketed_keys() -> None:
    """§0.10 / §5.2: `$.detail-type` works; a key with a dot needs `$.['a.b']`."""
    event = '{"detail-type": "Scheduled Event", "cluster.name": "prod"}'
    assert cwpattern.compile('{ $.detail-type = "Scheduled Event" }').matches(event)
    assert cwpattern.compile("{ $.['cluster.name'] = prod }").matches(event)
    assert not cwpattern.compile("{ $.cluster.name = prod }").matches(event)


def test_barewords_with_dots_as_in_cis_controls() -> None:
    """§5.1: unquoted dotted values (kms.amazonaws.com) are accepted."""
    pattern = cwpattern.compile(
        "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) "
        "|| ($.eventName = ScheduleKeyDeletion)) }")
    assert pattern.matches('{"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}')
    assert not pattern.matches('{"eventSource": "kms.amazonaws.com", "eventName": "Encrypt"}')


def test_typical_cloudtrail_filters() -> None:
    """alarm-semantics §2.2: the CloudTrail guide's sign-in and authorization filters."""
    signin = cwpattern.compile(
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }')
    assert signin.matches('{"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"}')
    unauthorized = cwpattern.compile(
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }')
    assert unauthorized.matches('{"errorCode": "Client.UnauthorizedOperation"}')
    assert unauthorized.matches('{"errorCode": "AccessDeniedException"}')
    assert not unauthorized.matches('{"errorCode": "ThrottlingException"}')


def test_seed_pattern_on_a_service_linked_role_denial() -> None:
    seed = cwpattern.compile(
        '{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
    denied = {
        "eventName": "GetBucketAcl", "errorCode": "AccessDenied",
        "userIdentity": {"type": "AssumedRole", "sessionContext": {"sessionIssuer": {
            "arn": "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/"
                   "AWSServiceRoleForConfig"}}},
    }
    assert seed.matches(json.dumps(denied))
    denied["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] = \
        "arn:aws:iam::123456789012:role/Admin"
    assert not seed.matches(json.dumps(denied))


@pytest.mark.parametrize("message", [
    "not json at all",
    "2023-01-01T00:00:00Z\tabc\tINFO\t{\"a\": 1}",
    '["a", 1]',
    '"scalar"',
    "{\"a\": 1,}",
    "\ufeff{\"a\": 1}",
], ids=["text", "§10.11 text prefix", "array", "scalar", "trailing comma", "BOM"])
def test_non_object_events_never_match_json_patterns(message: str) -> None:
    """§5.3.1: a message that is not one JSON object matches no JSON pattern."""
    assert not cwpattern.compile("{ $.a NOT EXISTS }").matches(message)
    assert not cwpattern.compile("{ $.a = 1 }").matches(message)


def test_no_type_coercion() -> None:
    """§5.3 / §10.8: numbers compare with JSON numbers, strings with strings."""
    assert not cwpattern.compile("{ $.code = 200 }").matches('{"code": "200"}')
    assert not cwpattern.compile('{ $.code = "200" }').matches('{"code": 200}')
    assert not cwpattern.compile("{ $.flag = true }").matches('{"flag": true}')
    assert not cwpattern.compile("{ $.v = * }").matches('{"v": null}')


def test_duplicate_keys_last_wins() -> None:
    assert cwpattern.compile("{ $.a = 2 }").matches('{"a": 1, "a": 2}')
    assert not cwpattern.compile("{ $.a = 1 }").matches('{"a": 1, "a": 2}')


def test_numbers_compare_as_doubles() -> None:
    """§10.8: 2^64+1 and 1e400 parse (standard-library fallback) and compare as doubles."""
    assert cwpattern.compile("{ $.n > 1e19 }").matches('{"n": 18446744073709551617}')
    assert cwpattern.compile("{ $.n > 1e308 }").matches('{"n": 1e400}')
    assert cwpattern.compile("{ $.n = 0 }").matches('{"n": -0}')
    assert cwpattern.compile('{ $.s = "x" }').matches('{"n": 1e400, "s": "x"}')


def test_escaped_json_matches_like_plain_json() -> None:
    pattern = cwpattern.compile('{ $.errorCode = "AccessDenied" }')
    assert pattern.matches('{"errorCode": "\\u0041ccessDenied"}')

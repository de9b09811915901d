"""Who and what is behind a filter's matches: principals, actions and resources.

An alarm says *that* something happened; the person paged wants to know *who* was
denied *what* on *which* resource.  For CloudTrail records this module names the
principal (the service-linked role or user), the action (``s3:GetBucketAcl``) and the
resource (a bucket, an ARN, ...).  Counts are kept in a bounded table, so a replay of
a month of trail does not grow with the number of distinct values.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

MAX_DISTINCT = 10_000
OTHER = ("(other)", "(other)", "(other)")
#: requestParameters keys that name the resource a call acts on, most specific first.
RESOURCE_KEYS = ("bucketName", "key", "functionName", "instanceId", "instancesSet",
                 "keyId", "roleName", "userName", "groupName", "policyArn", "secretId",
                 "name", "tableName", "queueUrl", "topicArn", "trailName", "logGroupName",
                 "clusterName", "dBInstanceIdentifier", "resourceArn")

Contributor = tuple[str, str, str]


def contributor(message: str) -> Contributor | None:
    """``(principal, action, resource)`` of a CloudTrail record, or None for other text."""
    if not message.startswith("{"):
        return None
    try:
        record = orjson.loads(message)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or "eventName" not in record:
        return None
    return _principal(record), _action(record), _resource(record)


def _principal(record: dict[str, Any]) -> str:
    identity = _mapping(record.get("userIdentity"))
    issuer = _mapping(_mapping(identity.get("sessionContext")).get("sessionIssuer"))
    for candidate in (issuer.get("userName"), identity.get("userName"), identity.get("arn"),
                      identity.get("invokedBy"), identity.get("type")):
        if isinstance(candidate, str) and candidate:
            return candidate
    return "-"


def _action(record: dict[str, Any]) -> str:
    source = record.get("eventSource")
    service = source.split(".", 1)[0] if isinstance(source, str) else ""
    return f"{service}:{record.get('eventName')}" if service else str(record.get("eventName"))


def _resource(record: dict[str, Any]) -> str:
    parameters = _mapping(record.get("requestParameters"))
    for key in RESOURCE_KEYS:
        value = parameters.get(key)
        if isinstance(value, str) and value:
            return value
    resources = record.get("resources")
    if isinstance(resources, list) and resources and isinstance(resources[0], dict):
        arn = resources[0].get("ARN") or resources[0].get("arn")
        if isinstance(arn, str):
            return arn
    return "-"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class ContributorTable:
    """Counts per (principal, action, resource), capped at ``MAX_DISTINCT`` rows."""

    def __init__(self) -> None:
        self.counts: Counter[Contributor] = Counter()

    def add(self, key: Contributor) -> None:
        if key in self.counts or len(self.counts) < MAX_DISTINCT:
            self.counts[key] += 1
        else:
            self.counts[OTHER] += 1

    def top(self, limit: int = 10) -> list[tuple[Contributor, int]]:
        """Most frequent first; ties in a stable order (by the values)."""
        return sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

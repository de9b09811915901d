"""Synthetic-traffic scenarios: the YAML format, validated with pointed error messages.

A scenario describes baseline CloudTrail traffic (who calls what, how often, how often
it fails, with a daily rhythm) and labelled incidents (a burst of specific calls in a
time window), so that metric filters and alarms can be tested against traffic whose
ground truth is known.  Scenario files may come from untrusted pull requests, so they
are loaded with PyYAML's safe composer, bounded in size and alias expansion, and every
mistake is reported with the file, line and field it concerns, with a "did you mean"
hint for misspelt keys and names.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from simulator.synth.catalog import CALLS, SERVICE_LINKED_ROLES, USER_AGENTS
from simulator.timestamps import MINUTE_MS, parse_iso_ms

MAX_SCENARIO_BYTES = 1 << 20
MAX_YAML_NODES = 100_000
MAX_DURATION_MS = 366 * 24 * 60 * MINUTE_MS
MAX_EVENTS_PER_MINUTE = 100_000

IDENTITY_TYPES = ("IAMUser", "AssumedRole", "AWSService", "Root")
_ACCOUNT_ID = re.compile(r"\d{12}")
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d")
_LABEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_DURATION_PART = re.compile(r"(\d+)([smhd])")
_UNIT_MS = {"s": 1000, "m": MINUTE_MS, "h": 60 * MINUTE_MS, "d": 24 * 60 * MINUTE_MS}
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


class ScenarioError(ValueError):
    """An invalid scenario: the message names the file, line and field."""


# --- the model -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """Who makes a call.  ``service_linked_role`` is a key of SERVICE_LINKED_ROLES."""

    type: str
    name: str = ""  # IAMUser user name, AssumedRole role name
    session: str = ""  # AssumedRole session name
    service: str = ""  # AWSService principal
    service_linked_role: str = ""
    console: bool = False

    @property
    def is_service(self) -> bool:
        """Calls made by AWS itself (service principals and service-linked roles)."""
        return self.type == "AWSService" or bool(self.service_linked_role)


@dataclass(frozen=True, slots=True)
class CallChoice:
    """One call an actor makes, with its relative weight and error behaviour."""

    call: str
    weight: float = 1.0
    error_ratio: float | None = None
    errors: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """A recurring caller in the baseline traffic."""

    identity: Identity
    calls: tuple[CallChoice, ...]
    weight: float = 1.0
    user_agent: str | None = None
    source_ip: str | None = None
    error_ratio: float | None = None


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Baseline:
    """Background traffic: ``events_per_minute`` × the hour's rhythm factor."""

    events_per_minute: float
    rhythm: tuple[float, ...]  # 24 factors, one per UTC hour
    error_ratio: float
    actors: tuple[Actor, ...]


@dataclass(frozen=True, slots=True)
class Incident:
    """A labelled burst: exactly ``per_minute`` calls per minute in [start, end)."""

    id: str
    description: str
    start_ms: int
    end_ms: int
    per_minute: float
    account: str
    region: str
    identity: Identity
    call: str
    error: str | None
    error_message: str | None
    request_parameters: Mapping[str, object]
    user_agent: str | None
    source_ip: str | None


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    seed: int
    start_ms: int
    end_ms: int
    accounts: tuple[Account, ...]
    organization_id: str | None
    baseline: Baseline
    incidents: tuple[Incident, ...]


# --- loading -------------------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: scenario file is larger than {MAX_SCENARIO_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: cannot read scenario: {error}") from None
    return parse_scenario(text, source=str(path))


def parse_scenario(text: str, *, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
    if len(text.encode()) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{source}: scenario is larger than {MAX_SCENARIO_BYTES} bytes")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(f"{source}{line}: invalid YAML: {problem}") from None
    if root is None:
        raise ScenarioError(f"{source}: the scenario is empty")
    data = _Converter(source).convert(root)
    return _Validator().scenario(data, _Field(source, "", getattr(data, "line", 1)))


class _Map(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class _Seq(list):
    """A YAML sequence that remembers the line of itself and of each item."""

    line: int
    item_lines: list[int]


class _Converter:
    """YAML node graph -> plain values, keeping line numbers; aliases are bounded."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.budget = MAX_YAML_NODES
        self.constructor = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, depth: int = 0) -> object:
        self.budget -= 1
        if self.budget < 0 or depth > 64:
            raise ScenarioError(
                f"{self.source}:{node.start_mark.line + 1}: the scenario is too large "
                f"(more than {MAX_YAML_NODES} YAML nodes after expanding aliases)"
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            seq = _Seq(self.convert(item, depth + 1) for item in node.value)
            seq.line = node.start_mark.line + 1
            seq.item_lines = [item.start_mark.line + 1 for item in node.value]
            return seq
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> _Map:
        mapping = _Map()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(f"{self.source}:{line}: mapping keys must be plain strings")
            key = key_node.value
            if key in mapping:
                raise ScenarioError(f"{self.source}:{line}: duplicate key {key!r}")
            mapping[key] = self.convert(value_node, depth + 1)
            mapping.key_lines[key] = line
        return mapping

    def _scalar(self, node: yaml.ScalarNode) -> object:
        tag = node.tag.rsplit(":", 1)[-1]
        # Times stay text: YAML 1.1 would turn 10:00 into 600 and dates into datetimes.
        if (tag in ("int", "float") and ":" in node.value) or tag == "timestamp":
            return node.value
        if tag in ("int", "float", "bool", "null"):
            return self.constructor.construct_object(node)
        return node.value


@dataclass(frozen=True, slots=True)
class _Field:
    """Where a value sits: the file, its dotted path and its line, for error messages."""

    source: str
    path: str
    line: int


_REQUIRED = object()


class _Entries:
    """The keys of one YAML mapping being validated, each with its path and line."""

    def __init__(self, mapping: _Map, where: _Field) -> None:
        self.mapping = mapping
        self.where = where

    def __contains__(self, key: str) -> bool:
        return key in self.mapping

    def at(self, key: str) -> _Field:
        path = f"{self.where.path}.{key}" if self.where.path else key
        return _Field(self.where.source, path, self.mapping.key_lines.get(key, self.mapping.line))

    def get(self, key: str, default: object = _REQUIRED) -> tuple[object, _Field]:
        """(value, where) of ``key``; a missing required key is an error."""
        if key not in self.mapping and default is _REQUIRED:
            raise _fail(self.where, f"missing required key {key!r}")
        return self.mapping.get(key, default), self.at(key)


def _fail(where: _Field, message: str) -> ScenarioError:
    prefix = f"{where.path}: " if where.path else ""
    return ScenarioError(f"{where.source}:{where.line}: {prefix}{message}")


class _Validator:
    """Turns converted YAML into the :class:`Scenario` model, or raises ScenarioError."""

    # generic readers

    def entries(self, value: object, where: _Field, allowed: Iterable[str]) -> _Entries:
        if not isinstance(value, _Map):
            raise _fail(where, f"expected a mapping, got {_type_name(value)}")
        entries = _Entries(value, where)
        allowed = list(allowed)
        for key in value:
            if key not in allowed:
                raise _fail(entries.at(key), f"unknown key {key!r}{_did_you_mean(key, allowed)}")
        return entries

    def items(self, value: object, where: _Field) -> list[tuple[object, _Field]]:
        if not isinstance(value, _Seq):
            raise _fail(where, f"expected a list, got {_type_name(value)}")
        return [
            (item, _Field(where.source, f"{where.path}[{i}]", line))
            for i, (item, line) in enumerate(zip(value, value.item_lines, strict=True))
        ]

    def text(
        self, value: object, where: _Field, pattern: re.Pattern[str] | None = None, what: str = ""
    ) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _fail(where, f"expected a string, got {_type_name(value)}")
        text = str(value)
        if pattern is not None and not pattern.fullmatch(text):
            raise _fail(where, f"{text!r} is not {what}")
        return text

    def optional_text(self, value: object, where: _Field) -> str | None:
        return None if value is None else self.text(value, where)

    def number(self, value: object, where: _Field, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(where, f"expected a number, got {_type_name(value)}")
        if not low <= value <= high:
            raise _fail(where, f"{value} is out of range [{low:g}, {high:g}]")
        return float(value)

    def ratio(self, value: object, where: _Field) -> float:
        return self.number(value, where, 0.0, 1.0)

    def optional_ratio(self, value: object, where: _Field) -> float | None:
        return None if value is None else self.ratio(value, where)

    def weight(self, value: object, where: _Field) -> float:
        return self.number(value, where, 0.0, 1e9)

    def boolean(self, value: object, where: _Field) -> bool:
        if not isinstance(value, bool):
            raise _fail(where, f"expected true or false, got {_type_name(value)}")
        return value

    def choice(self, value: object, where: _Field, options: Iterable[str], what: str) -> str:
        text = self.text(value, where)
        options = list(options)
        if text not in options:
            raise _fail(where, f"unknown {what} {text!r}{_did_you_mean(text, options)}")
        return text

    # times

    def timestamp(self, value: object, where: _Field) -> int:
        text = self.text(value, where)
        try:
            return parse_iso_ms(text)
        except ValueError:
            raise _fail(
                where, f"{text!r} is not an ISO-8601 timestamp such as 2024-03-04T00:00:00Z"
            ) from None

    def whole_minute(self, moment: int, where: _Field) -> int:
        """Traffic is generated minute by minute, so times must fall on whole minutes."""
        if moment % MINUTE_MS:
            raise _fail(where, "times must fall on a whole minute (seconds = 0)")
        return moment

    def duration(self, value: object, where: _Field) -> int:
        text = self.text(value, where)
        parts = _DURATION_PART.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise _fail(where, f"{text!r} is not a duration such as 90s, 20m, 6h, 1d or 1h30m")
        return sum(int(n) * _UNIT_MS[u] for n, u in parts)

    def moment(self, value: object, where: _Field, start: int) -> int:
        """An ISO timestamp, ``HH:MM[:SS]`` on the scenario's first day, or ``+duration``."""
        text = self.text(value, where)
        if text.startswith("+"):
            moment = start + self.duration(text[1:], where)
        elif clock := _TIME_OF_DAY.fullmatch(text):
            hours, minutes, seconds = (int(g or 0) for g in clock.groups())
            if hours > 23 or minutes > 59 or seconds > 59:
                raise _fail(where, f"{text!r} is not a time of day")
            day = start - start % (24 * 60 * MINUTE_MS)
            moment = day + ((hours * 60 + minutes) * 60 + seconds) * 1000
        else:
            moment = self.timestamp(text, where)
        return self.whole_minute(moment, where)

    # the scenario

    def scenario(self, data: object, top: _Field) -> Scenario:
        root = self.entries(
            data,
            top,
            [
                "name",
                "description",
                "seed",
                "start",
                "duration",
                "end",
                "organization_id",
                "accounts",
                "baseline",
                "incidents",
            ],
        )
        start = self.whole_minute(self.timestamp(*root.get("start")), root.at("start"))
        if ("duration" in root) == ("end" in root):
            raise _fail(top, "give exactly one of 'duration' and 'end'")
        if "duration" in root:
            end = self.whole_minute(
                start + self.duration(*root.get("duration")), root.at("duration")
            )
        else:
            end = self.moment(*root.get("end"), start)
        if not start < end <= start + MAX_DURATION_MS:
            raise _fail(
                root.at("end" if "end" in root else "duration"),
                "the scenario must last between 1 minute and 366 days",
            )
        accounts = self.accounts(*root.get("accounts"))
        org, org_at = root.get("organization_id", None)
        incidents_value, incidents_at = root.get("incidents", _seq())
        incidents = tuple(
            self.incident(item, where, start, end, accounts)
            for item, where in self.items(incidents_value, incidents_at)
        )
        ids = [incident.id for incident in incidents]
        if len(set(ids)) != len(ids):
            duplicate = next(i for i in ids if ids.count(i) > 1)
            raise _fail(incidents_at, f"duplicate incident id {duplicate!r}")
        return Scenario(
            name=self.text(*root.get("name", "scenario")),
            description=self.text(*root.get("description", "")),
            seed=int(self.number(*root.get("seed", 0), 0, 2**63)),
            start_ms=start,
            end_ms=end,
            accounts=accounts,
            organization_id=None
            if org is None
            else self.text(
                org,
                org_at,
                _ORG_ID,
                "an organization id (o- and 10 to 32 lowercase letters or digits)",
            ),
            baseline=self.baseline(*root.get("baseline", None)),
            incidents=incidents,
        )

    def accounts(self, value: object, where: _Field) -> tuple[Account, ...]:
        accounts = []
        for item, at in self.items(value, where):
            entries = self.entries(item, at, ["id", "regions"])
            account_id = self.text(
                *entries.get("id"), _ACCOUNT_ID, "a 12-digit account id (quote it in YAML)"
            )
            regions_value, regions_at = entries.get("regions", _seq("us-east-1"))
            regions = tuple(
                self.text(region, region_at, _REGION, "an AWS region name such as us-east-1")
                for region, region_at in self.items(regions_value, regions_at)
            )
            if not regions:
                raise _fail(regions_at, "an account needs at least one region")
            accounts.append(Account(account_id, regions))
        if not accounts:
            raise _fail(where, "at least one account is required")
        if len({a.id for a in accounts}) != len(accounts):
            raise _fail(where, "account ids must be unique")
        return tuple(accounts)

    def baseline(self, value: object, where: _Field) -> Baseline:
        if value is None:
            return Baseline(0.0, (1.0,) * 24, 0.0, ())
        entries = self.entries(
            value, where, ["events_per_minute", "daily_rhythm", "error_ratio", "actors"]
        )
        rate = self.number(*entries.get("events_per_minute"), 0, MAX_EVENTS_PER_MINUTE)
        actors_value, actors_at = entries.get("actors", _seq())
        actors = tuple(self.actor(item, at) for item, at in self.items(actors_value, actors_at))
        return Baseline(
            events_per_minute=rate,
            rhythm=self.rhythm(*entries.get("daily_rhythm", "flat")),
            error_ratio=self.ratio(*entries.get("error_ratio", 0.01)),
            actors=actors or (DEFAULT_ACTORS if rate > 0 else ()),
        )

    def rhythm(self, value: object, where: _Field) -> tuple[float, ...]:
        """``flat``, 24 hourly factors, or ``{peak_hour, trough}`` (a cosine day)."""
        if value == "flat":
            return (1.0,) * 24
        if isinstance(value, _Seq):
            factors = tuple(self.number(v, at, 0, 1000) for v, at in self.items(value, where))
            if len(factors) != 24:
                raise _fail(where, f"expected 24 hourly factors, got {len(factors)}")
            return factors
        if not isinstance(value, _Map):
            raise _fail(
                where,
                "expected 'flat', a list of 24 hourly factors, "
                "or a mapping with peak_hour and trough",
            )
        entries = self.entries(value, where, ["peak_hour", "trough"])
        peak = self.number(*entries.get("peak_hour", 14), 0, 23)
        trough = self.ratio(*entries.get("trough", 0.3))
        return tuple(_cosine_day(hour, peak, trough) for hour in range(24))

    def identity(self, value: object, where: _Field) -> Identity:
        entries = self.entries(
            value,
            where,
            [
                "type",
                "name",
                "role",
                "session",
                "service",
                "service_linked_role",
                "console",
            ],
        )
        linked = entries.mapping.get("service_linked_role")
        if linked is None and "type" not in entries:
            raise _fail(where, f"missing required key 'type' (one of {', '.join(IDENTITY_TYPES)})")
        kind = self.choice(*entries.get("type", "AssumedRole"), IDENTITY_TYPES, "identity type")
        console = self.boolean(*entries.get("console", False))
        if kind == "IAMUser":
            self.only(entries, kind, {"type", "name", "console"})
            return Identity(kind, name=self.text(*entries.get("name")), console=console)
        if kind == "Root":
            self.only(entries, kind, {"type", "console"})
            return Identity(kind, console=console)
        if kind == "AWSService":
            self.only(entries, kind, {"type", "service"})
            return Identity(kind, service=_principal(self.text(*entries.get("service"))))
        if linked is not None:
            self.only(entries, kind, {"type", "service_linked_role"})
            key = self.choice(
                *entries.get("service_linked_role"), SERVICE_LINKED_ROLES, "service-linked role"
            )
            return Identity(kind, service_linked_role=key)
        self.only(entries, kind, {"type", "role", "session", "console"})
        role = self.text(*entries.get("role"))
        session = self.text(*entries.get("session", f"{role}-session"))
        return Identity(kind, name=role, session=session, console=console)

    def only(self, entries: _Entries, kind: str, keys: set[str]) -> None:
        for key in entries.mapping:
            if key not in keys:
                raise _fail(
                    entries.at(key),
                    f"{key!r} does not apply to identity type {kind} "
                    f"(allowed: {', '.join(sorted(keys))})",
                )

    def call(self, value: object, where: _Field) -> str:
        return self.choice(value, where, CALLS, "call (service:EventName)")

    def call_choice(self, value: object, where: _Field) -> CallChoice:
        if isinstance(value, str):
            return CallChoice(self.call(value, where))
        entries = self.entries(value, where, ["call", "weight", "error_ratio", "errors"])
        errors, errors_at = entries.get("errors", None)
        return CallChoice(
            call=self.call(*entries.get("call")),
            weight=self.weight(*entries.get("weight", 1)),
            error_ratio=self.optional_ratio(*entries.get("error_ratio", None)),
            errors=None
            if errors is None
            else tuple(self.text(code, at) for code, at in self.items(errors, errors_at)),
        )

    def actor(self, value: object, where: _Field) -> Actor:
        entries = self.entries(
            value,
            where,
            [
                "identity",
                "calls",
                "weight",
                "user_agent",
                "source_ip",
                "error_ratio",
            ],
        )
        calls_value, calls_at = entries.get("calls")
        calls = tuple(self.call_choice(item, at) for item, at in self.items(calls_value, calls_at))
        if not any(c.weight > 0 for c in calls):
            raise _fail(calls_at, "an actor needs at least one call with a positive weight")
        return Actor(
            identity=self.identity(*entries.get("identity")),
            calls=calls,
            weight=self.weight(*entries.get("weight", 1)),
            user_agent=self.user_agent(*entries.get("user_agent", None)),
            source_ip=self.optional_text(*entries.get("source_ip", None)),
            error_ratio=self.optional_ratio(*entries.get("error_ratio", None)),
        )

    def user_agent(self, value: object, where: _Field) -> str | None:
        """A preset name (``aws-cli``, ``boto3``, ...) or a literal user agent."""
        text = self.optional_text(value, where)
        return None if text is None else USER_AGENTS.get(text, text)

    def incident(
        self, value: object, where: _Field, start: int, end: int, accounts: tuple[Account, ...]
    ) -> Incident:
        entries = self.entries(
            value,
            where,
            [
                "id",
                "description",
                "start",
                "end",
                "per_minute",
                "account",
                "region",
                "identity",
                "call",
                "error",
                "error_message",
                "request_parameters",
                "user_agent",
                "source_ip",
            ],
        )
        begin = self.moment(*entries.get("start"), start)
        finish = self.moment(*entries.get("end"), start)
        if not start <= begin < finish <= end:
            raise _fail(
                entries.at("end"),
                "the incident must start before it ends, inside the scenario's time range",
            )
        account_id = self.choice(
            *entries.get("account", accounts[0].id), [a.id for a in accounts], "account"
        )
        account = next(a for a in accounts if a.id == account_id)
        region = self.choice(
            *entries.get("region", account.regions[0]),
            account.regions,
            f"region for account {account_id}",
        )
        parameters, parameters_at = entries.get("request_parameters", None)
        if parameters is not None and not isinstance(parameters, _Map):
            raise _fail(parameters_at, f"expected a mapping, got {_type_name(parameters)}")
        return Incident(
            id=self.text(
                *entries.get("id"), _LABEL_ID, "an id of letters, digits, '_', '.' and '-'"
            ),
            description=self.text(*entries.get("description")),
            start_ms=begin,
            end_ms=finish,
            per_minute=self.number(*entries.get("per_minute"), 0.001, MAX_EVENTS_PER_MINUTE),
            account=account_id,
            region=region,
            identity=self.identity(*entries.get("identity")),
            call=self.call(*entries.get("call")),
            error=self.optional_text(*entries.get("error", None)),
            error_message=self.optional_text(*entries.get("error_message", None)),
            request_parameters=_plain(parameters or {}),
            user_agent=self.user_agent(*entries.get("user_agent", None)),
            source_ip=self.optional_text(*entries.get("source_ip", None)),
        )


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _type_name(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, _Map):
        return "a mapping"
    if isinstance(value, _Seq):
        return "a list"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), type(value).__name__
    )


def _seq(*values: object) -> _Seq:
    seq = _Seq(values)
    seq.line = 0
    seq.item_lines = [0] * len(values)
    return seq


def _plain(value: object) -> object:
    """Located YAML values -> plain dicts and lists (for request parameters)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _principal(service: str) -> str:
    return service if "." in service else f"{service}.amazonaws.com"


def _cosine_day(hour: int, peak: float, trough: float) -> float:
    """1.0 at the peak hour, ``trough`` twelve hours away, smooth in between."""
    return trough + (1 - trough) * (1 + math.cos(2 * math.pi * (hour - peak) / 24)) / 2


def _actor(
    identity: Identity, calls: dict[str, float], weight: float, user_agent: str | None = None
) -> Actor:
    return Actor(
        identity,
        tuple(CallChoice(c, w) for c, w in calls.items()),
        weight,
        USER_AGENTS.get(user_agent or "", user_agent),
    )


# A small account's background: people, automation, and AWS services reading config.
DEFAULT_ACTORS = (
    _actor(
        Identity("IAMUser", name="alice"),
        {
            "s3:ListBuckets": 2,
            "s3:GetBucketAcl": 1,
            "ec2:DescribeInstances": 4,
            "ec2:DescribeSecurityGroups": 2,
            "iam:GetUser": 1,
            "sts:GetCallerIdentity": 1,
        },
        2,
        "aws-cli",
    ),
    _actor(
        Identity("AssumedRole", name="terraform-deployer", session="terraform"),
        {
            "ec2:DescribeVpcs": 3,
            "ec2:DescribeSubnets": 3,
            "ec2:DescribeRouteTables": 3,
            "iam:GetRole": 2,
            "iam:ListAttachedRolePolicies": 2,
            "s3:GetBucketPolicy": 2,
            "s3:GetBucketVersioning": 1,
            "kms:DescribeKey": 1,
            "ec2:RunInstances": 0.2,
        },
        3,
        "terraform",
    ),
    _actor(
        Identity("AssumedRole", name="orders-service-role", session="orders-task"),
        {
            "kms:Decrypt": 6,
            "kms:GenerateDataKey": 2,
            "secretsmanager:GetSecretValue": 2,
            "ssm:GetParameter": 3,
            "s3:GetObject": 6,
            "s3:PutObject": 3,
            "sts:AssumeRole": 1,
        },
        6,
        "boto3",
    ),
    _actor(
        Identity("AssumedRole", service_linked_role="config"),
        {
            "s3:GetBucketAcl": 2,
            "s3:GetBucketPolicy": 2,
            "s3:GetBucketEncryption": 1,
            "s3:GetBucketVersioning": 1,
            "s3:GetBucketLogging": 1,
            "ec2:DescribeSecurityGroups": 2,
            "ec2:DescribeVolumes": 1,
            "iam:GetRole": 1,
        },
        2,
    ),
    _actor(
        Identity("AssumedRole", service_linked_role="access-analyzer"),
        {
            "s3:GetBucketPolicy": 1,
            "s3:GetBucketPublicAccessBlock": 1,
            "kms:ListAliases": 1,
            "iam:ListRoles": 1,
        },
        0.5,
    ),
    _actor(
        Identity("AWSService", service="cloudtrail.amazonaws.com"),
        {
            "s3:GetBucketAcl": 1,
        },
        0.3,
    ),
    _actor(
        Identity("IAMUser", name="carol", console=True),
        {
            "signin:ConsoleLogin": 0.2,
            "s3:ListBuckets": 1,
            "cloudtrail:LookupEvents": 1,
            "ec2:DescribeInstances": 1,
        },
        0.5,
        "console",
    ),
    _actor(Identity("Root", console=True), {"signin:ConsoleLogin": 1}, 0.005, "browser"),
)

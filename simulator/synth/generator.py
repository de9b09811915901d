"""Synthetic CloudTrail traffic with labelled incidents, seeded and deterministic.

Real trails rarely contain the incident a team wants to alert on (the corpus has no
record that is both a service-linked-role session and an access-denied error), so a
metric filter and its alarm cannot be tested on them alone.  :func:`generate` turns
a :class:`~simulator.synth.scenario.Scenario` into CloudTrail records that look like the
real ones (see :mod:`simulator.synth.catalog`), baseline traffic plus incidents;
:func:`incident_labels` gives the incidents' ground truth, so detection can be scored.

The same scenario and seed always give the same records, byte for byte: all
randomness comes from ``random.Random(seed)`` and no clock is read.  Records come out
in ``eventTime`` order, one minute at a time, so memory does not grow with the length
of the scenario.  Writers put them in JSON lines or in CloudTrail's S3 layout
(gzipped ``{"Records": [...]}`` files, one per account, region and 5 minutes, with the
delivery delay and the within-file disorder of real delivery).
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import gzip
import itertools
import math
import random
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from simulator.synth.catalog import (
    ALNUM,
    CALLS,
    SERVICE_LINKED_ROLES,
    TLS_CHOICES,
    USER_AGENTS,
    Call,
    CallContext,
    JsonObject,
    Resources,
    amz_id_2,
    below,
    error_message,
    host_header,
    request_id_s3,
    token,
    uuid4,
)
from simulator.synth.scenario import Actor, Identity, Incident, Scenario
from simulator.timestamps import MINUTE_MS, format_iso_seconds, parse_iso_ms

EVENT_VERSION = "1.09"
DELIVERY_PERIOD_MS = 5 * MINUTE_MS
# Adjacent records swap places with this probability when a file is written, which
# gives about the 22% of backward neighbour pairs measured in the invictus-ir files.
WITHIN_FILE_SWAP = 0.29
_TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")  # RFC 5737 documentation ranges
_GLOBAL_REGION = "us-east-1"


# --- callers -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Caller:
    """An identity made concrete in one account."""

    identity: Identity
    account: str
    arn: str
    principal_id: str
    access_key: str
    user_agent: str
    source_ip: str
    role_id: str = ""

    @property
    def invoked_by(self) -> str:
        if self.identity.type == "AWSService":
            return self.identity.service
        if self.identity.service_linked_role:
            return SERVICE_LINKED_ROLES[self.identity.service_linked_role].principal
        return ""

    @property
    def issuer_arn(self) -> str:
        """The role ARN behind an assumed-role session."""
        role = self.arn.split("/")[1]
        if self.identity.service_linked_role:
            return f"arn:aws:iam::{self.account}:role/aws-service-role/{self.invoked_by}/{role}"
        return f"arn:aws:iam::{self.account}:role/{role}"

    def user_identity(self, hour_start_s: int, console_login: bool) -> JsonObject:
        """The ``userIdentity`` block; sessions are taken to start on the hour."""
        build = _IDENTITY_BLOCKS[self.identity.type]
        return build(self, hour_start_s, console_login)


def _service_block(caller: _Caller, hour_start_s: int, console_login: bool) -> JsonObject:
    return {"type": "AWSService", "invokedBy": caller.identity.service}


def _root_block(caller: _Caller, hour_start_s: int, console_login: bool) -> JsonObject:
    block: JsonObject = {
        "type": "Root",
        "principalId": caller.account,
        "arn": caller.arn,
        "accountId": caller.account,
    }
    if not console_login:
        block["accessKeyId"] = caller.access_key
        block["sessionContext"] = _session_attributes(hour_start_s, caller.identity.console)
    return block


def _user_block(caller: _Caller, hour_start_s: int, console_login: bool) -> JsonObject:
    block: JsonObject = {
        "type": "IAMUser",
        "principalId": caller.principal_id,
        "arn": caller.arn,
        "accountId": caller.account,
    }
    if not console_login:
        block["accessKeyId"] = caller.access_key
    block["userName"] = caller.identity.name
    if caller.identity.console and not console_login:
        block["sessionContext"] = {
            "sessionIssuer": {},
            "webIdFederationData": {},
            **_session_attributes(hour_start_s, True),
        }
    return block


def _role_block(caller: _Caller, hour_start_s: int, console_login: bool) -> JsonObject:
    block: JsonObject = {
        "type": "AssumedRole",
        "principalId": caller.principal_id,
        "arn": caller.arn,
        "accountId": caller.account,
    }
    if caller.access_key:
        block["accessKeyId"] = caller.access_key
    block["sessionContext"] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": caller.role_id,
            "arn": caller.issuer_arn,
            "accountId": caller.account,
            "userName": caller.arn.split("/")[1],
        },
        "webIdFederationData": {},
        **_session_attributes(hour_start_s, caller.identity.console),
    }
    if caller.invoked_by:
        block["invokedBy"] = caller.invoked_by
    return block


_IDENTITY_BLOCKS = {
    "AWSService": _service_block,
    "Root": _root_block,
    "IAMUser": _user_block,
    "AssumedRole": _role_block,
}


def _session_attributes(hour_start_s: int, mfa: bool) -> JsonObject:
    return {
        "attributes": {
            "creationDate": format_iso_seconds(hour_start_s),
            "mfaAuthenticated": "true" if mfa else "false",
        }
    }


def _make_caller(
    identity: Identity,
    account: str,
    rng: random.Random,
    user_agent: str | None,
    source_ip: str | None,
) -> _Caller:
    """Draw the stable parts of a caller: ids, keys, address and user agent."""
    ip = source_ip or f"{rng.choice(_TEST_NETS)}.{rng.randrange(1, 255)}"
    if identity.type == "AWSService" or identity.service_linked_role:
        principal = (
            identity.service
            if identity.type == "AWSService"
            else SERVICE_LINKED_ROLES[identity.service_linked_role].principal
        )
        ip, default_agent = source_ip or principal, principal
    elif identity.type == "IAMUser":
        default_agent = USER_AGENTS["aws-cli"]
    elif identity.type == "Root":
        default_agent = USER_AGENTS["browser"]
    else:
        default_agent = USER_AGENTS["boto3"]
    agent = user_agent or default_agent
    if identity.type == "IAMUser":
        return _Caller(
            identity,
            account,
            f"arn:aws:iam::{account}:user/{identity.name}",
            f"AIDA{token(rng, ALNUM, 17)}",
            f"AKIA{token(rng, ALNUM, 16)}",
            agent,
            ip,
        )
    if identity.type == "Root":
        return _Caller(
            identity,
            account,
            f"arn:aws:iam::{account}:root",
            account,
            f"ASIA{token(rng, ALNUM, 16)}",
            agent,
            ip,
        )
    if identity.type == "AWSService":
        return _Caller(identity, account, identity.service, "", "", agent, ip)
    role_id = f"AROA{token(rng, ALNUM, 17)}"
    if identity.service_linked_role:
        linked = SERVICE_LINKED_ROLES[identity.service_linked_role]
        role, session = linked.role, linked.session
        key = f"ASIA{token(rng, ALNUM, 16)}" if linked.has_access_key else ""
    else:
        role, session = identity.name, identity.session
        key = f"ASIA{token(rng, ALNUM, 16)}"
    return _Caller(
        identity,
        account,
        f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        f"{role_id}:{session}",
        key,
        agent,
        ip,
        role_id,
    )


# --- the traffic model ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ActorPlan:
    """An actor's calls as cumulative weights, with each call's error behaviour."""

    callers: dict[str, _Caller]  # by account id
    calls: tuple[Call, ...]
    cumulative: tuple[float, ...]
    error_ratios: tuple[float, ...]
    errors: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, actor: Actor, default_ratio: float, callers: dict[str, _Caller]) -> _ActorPlan:
        calls, weights, ratios, errors = [], [], [], []
        for choice in actor.calls:
            call = CALLS[choice.call]
            calls.append(call)
            weights.append(choice.weight)
            # AWS services rarely fail in normal operation; their errors are incidents.
            fallback = 0.0 if actor.identity.is_service else default_ratio
            ratio = choice.error_ratio
            ratios.append(
                ratio
                if ratio is not None
                else actor.error_ratio
                if actor.error_ratio is not None
                else fallback
            )
            errors.append(choice.errors or call.errors)
        return cls(
            callers,
            tuple(calls),
            tuple(itertools.accumulate(weights)),
            tuple(ratios),
            tuple(errors),
        )


@dataclass(frozen=True, slots=True)
class _Planned:
    """One event to build: its second, and what makes it."""

    second: int
    order: int
    incident: Incident | None


class _Traffic:
    """The scenario made concrete: resources, callers, and the per-event builder."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        world = random.Random(seed)
        self.rng = random.Random(seed + 1)
        self.scenario = scenario
        self.resources = {a.id: Resources.draw(a.id, world) for a in scenario.accounts}
        self.places = [(a.id, region) for a in scenario.accounts for region in a.regions]
        baseline = scenario.baseline
        self.actors = [
            _ActorPlan.of(
                actor,
                baseline.error_ratio,
                {
                    a.id: _make_caller(
                        actor.identity, a.id, world, actor.user_agent, actor.source_ip
                    )
                    for a in scenario.accounts
                },
            )
            for actor in baseline.actors
        ]
        self.actor_weights = tuple(itertools.accumulate(a.weight for a in baseline.actors))
        self.incident_callers = {
            incident.id: _make_caller(
                incident.identity, incident.account, world, incident.user_agent, incident.source_ip
            )
            for incident in scenario.incidents
        }
        self._identity_cache: dict[tuple[int, bool], JsonObject] = {}
        self._cache_hour = -1

    def records(self) -> Iterator[JsonObject]:
        scenario = self.scenario
        for minute_start in range(scenario.start_ms, scenario.end_ms, MINUTE_MS):
            for planned in self._plan_minute(minute_start):
                epoch_s = minute_start // 1000 + planned.second
                if planned.incident is None:
                    yield self._baseline_record(epoch_s)
                else:
                    yield self._incident_record(planned.incident, epoch_s)

    def _plan_minute(self, minute_start: int) -> list[_Planned]:
        rng = self.rng
        baseline = self.scenario.baseline
        hour = minute_start // (60 * MINUTE_MS) % 24
        count = _poisson(rng, baseline.events_per_minute * baseline.rhythm[hour])
        planned = [_Planned(below(rng, 60), i, None) for i in range(count if self.actors else 0)]
        for incident in self.scenario.incidents:
            if incident.start_ms <= minute_start < incident.end_ms:
                index = (minute_start - incident.start_ms) // MINUTE_MS
                for _ in range(_count_in_minute(incident.per_minute, index)):
                    planned.append(_Planned(below(rng, 60), len(planned), incident))
        planned.sort(key=lambda p: (p.second, p.order))
        return planned

    def _baseline_record(self, epoch_s: int) -> JsonObject:
        rng = self.rng
        actor = self.actors[_pick(rng, self.actor_weights)]
        index = _pick(rng, actor.cumulative)
        call = actor.calls[index]
        account, region = self.places[below(rng, len(self.places))]
        error = (
            rng.choice(actor.errors[index]) if rng.random() < actor.error_ratios[index] else None
        )
        return self._record(actor.callers[account], call, region, epoch_s, error, None, None)

    def _incident_record(self, incident: Incident, epoch_s: int) -> JsonObject:
        caller = self.incident_callers[incident.id]
        return self._record(
            caller,
            CALLS[incident.call],
            incident.region,
            epoch_s,
            incident.error,
            incident.error_message,
            incident.request_parameters,
        )

    def _record(
        self,
        caller: _Caller,
        call: Call,
        region: str,
        epoch_s: int,
        error: str | None,
        message: str | None,
        overrides: dict[str, object] | None,
    ) -> JsonObject:
        rng = self.rng
        ctx = CallContext(rng, self.resources[caller.account], region)
        params = call.params(ctx)
        if overrides:
            params = {**(params or {}), **overrides}
            _follow_bucket(params, ctx)
        console_login = call.event_type == "AwsConsoleSignIn"
        record: JsonObject = {
            "eventVersion": EVENT_VERSION,
            "userIdentity": self._identity(caller, epoch_s, console_login),
            "eventTime": format_iso_seconds(epoch_s),
            "eventSource": call.event_source,
            "eventName": call.name,
            "awsRegion": _GLOBAL_REGION if call.global_service else region,
            "sourceIPAddress": caller.source_ip,
            "userAgent": caller.user_agent,
        }
        if error is not None:
            text = message if message is not None else error_message(error, call, caller.arn, ctx)
            if not console_login:
                record["errorCode"] = error
            if text or console_login:
                record["errorMessage"] = text
        record["requestParameters"] = params
        record["responseElements"] = _response(call, ctx, error, console_login)
        extra = _additional_data(call, rng)
        if extra is not None:
            record["additionalEventData"] = extra
        if not console_login:
            record["requestID"] = request_id_s3(rng) if call.service == "s3" else uuid4(rng)
        record["eventID"] = uuid4(rng)
        record["readOnly"] = call.is_read_only
        resources = _resources(call, ctx)
        if resources is not None:
            record["resources"] = resources
        record["eventType"] = call.event_type
        record["managementEvent"] = not call.data_event
        record["recipientAccountId"] = caller.account
        record["eventCategory"] = "Data" if call.data_event else "Management"
        if not caller.identity.is_service:
            version, suite = TLS_CHOICES[rng.random() < 0.3]
            record["tlsDetails"] = {
                "tlsVersion": version,
                "cipherSuite": suite,
                "clientProvidedHostHeader": host_header(call, region),
            }
        if caller.identity.console and not console_login:
            record["sessionCredentialFromConsole"] = "true"
        return record

    def _identity(self, caller: _Caller, epoch_s: int, console_login: bool) -> JsonObject:
        """The caller's userIdentity block, shared by all its events of the hour."""
        hour_start = epoch_s - epoch_s % 3600
        if hour_start != self._cache_hour:
            self._identity_cache.clear()
            self._cache_hour = hour_start
        key = (id(caller), console_login)
        block = self._identity_cache.get(key)
        if block is None:
            block = caller.user_identity(hour_start, console_login)
            self._identity_cache[key] = block
        return block


def _follow_bucket(params: JsonObject, ctx: CallContext) -> None:
    """Keep S3's Host header and the acted-on resource in step with an overridden bucket."""
    bucket = params.get("bucketName")
    if isinstance(bucket, str):
        if "Host" in params:
            params["Host"] = f"{bucket}.s3.{ctx.region}.amazonaws.com"
        key = params.get("key")
        ctx.subject = f"{bucket}/{key}" if isinstance(key, str) else bucket


def _response(
    call: Call, ctx: CallContext, error: str | None, console_login: bool
) -> JsonObject | None:
    if console_login:
        return {"ConsoleLogin": "Failure" if error else "Success"}
    if error is not None or call.response is None:
        return None
    return call.response(ctx)


def _additional_data(call: Call, rng: random.Random) -> JsonObject | None:
    if call.event_type == "AwsConsoleSignIn":
        return {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": "No",
        }
    if call.service != "s3":
        return None
    return {
        "SignatureVersion": "SigV4",
        "CipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
        "bytesTransferredIn": 0,
        "AuthenticationMethod": "AuthHeader",
        "x-amz-id-2": amz_id_2(rng),
        "bytesTransferredOut": 200 + below(rng, 3800),
    }


def _resources(call: Call, ctx: CallContext) -> list[JsonObject] | None:
    if call.resource_type is None or not ctx.subject:
        return None
    account = ctx.resources.account
    if call.service == "s3":
        bucket = ctx.subject.split("/", 1)[0]
        bucket_block = {
            "accountId": account,
            "type": "AWS::S3::Bucket",
            "ARN": f"arn:aws:s3:::{bucket}",
        }
        if call.data_event:
            return [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{ctx.subject}"}, bucket_block]
        return [bucket_block]
    if call.service == "kms":
        arn = f"arn:aws:kms:{ctx.region}:{account}:key/{ctx.subject}"
        return [{"accountId": account, "type": call.resource_type, "ARN": arn}]
    return [{"accountId": account, "type": call.resource_type, "ARN": ctx.subject}]


def _pick(rng: random.Random, cumulative: tuple[float, ...]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean >= 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _count_in_minute(per_minute: float, index: int) -> int:
    """Exactly ``per_minute`` on average, spread evenly (0.5/min: 0, 1, 0, 1, ...)."""
    return math.floor((index + 1) * per_minute + 1e-9) - math.floor(index * per_minute + 1e-9)


def generate(scenario: Scenario, seed: int | None = None) -> Iterator[JsonObject]:
    """The scenario's CloudTrail records in ``eventTime`` order.

    ``seed`` defaults to the scenario's own ``seed``; the same scenario and seed give
    the same records.
    """
    return _Traffic(scenario, scenario.seed if seed is None else seed).records()


# --- ground truth --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    """One incident's ground truth: when, how many events, and how to recognise them."""

    id: str
    description: str
    start_ms: int
    end_ms: int
    account: str
    region: str
    event_count: int
    match: dict[str, object]

    @property
    def filter_pattern(self) -> str:
        """A CloudWatch Logs JSON filter pattern matching the incident's events."""
        terms = [f"({_selector(path)} = {_quote(value)})" for path, value in self.match.items()]
        return "{ " + " && ".join(terms) + " }"

    def to_json(self) -> JsonObject:
        return {
            "id": self.id,
            "description": self.description,
            "start": format_iso_seconds(self.start_ms // 1000),
            "end": format_iso_seconds(self.end_ms // 1000),
            "account": self.account,
            "region": self.region,
            "event_count": self.event_count,
            "match": self.match,
            "filter_pattern": self.filter_pattern,
        }


def incident_labels(scenario: Scenario, seed: int | None = None) -> list[Label]:
    """The labels of the scenario's incidents (end exclusive, counts exact)."""
    traffic = _Traffic(scenario, scenario.seed if seed is None else seed)
    return [
        _label(incident, traffic.incident_callers[incident.id]) for incident in scenario.incidents
    ]


def _label(incident: Incident, caller: _Caller) -> Label:
    call = CALLS[incident.call]
    minutes = (incident.end_ms - incident.start_ms) // MINUTE_MS
    count = sum(_count_in_minute(incident.per_minute, i) for i in range(minutes))
    match: dict[str, object] = {
        "eventSource": call.event_source,
        "eventName": call.name,
        "recipientAccountId": incident.account,
        "awsRegion": _GLOBAL_REGION if call.global_service else incident.region,
    }
    match.update(_identity_match(caller))
    if incident.error is not None:
        if call.event_type == "AwsConsoleSignIn":
            match["errorMessage"] = incident.error_message or incident.error
        else:
            match["errorCode"] = incident.error
    for key, value in incident.request_parameters.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            match[f"requestParameters.{key}"] = value
    return Label(
        incident.id,
        incident.description,
        incident.start_ms,
        incident.end_ms,
        incident.account,
        incident.region,
        count,
        match,
    )


def _identity_match(caller: _Caller) -> dict[str, object]:
    identity = caller.identity
    if identity.type == "AWSService":
        return {"userIdentity.invokedBy": identity.service}
    if identity.type == "AssumedRole":
        return {"userIdentity.sessionContext.sessionIssuer.arn": caller.issuer_arn}
    return {"userIdentity.arn": caller.arn}


def _selector(path: str) -> str:
    parts = []
    for part in path.split("."):
        plain = part.replace("_", "a").replace("-", "a").isalnum() and part.isascii()
        parts.append(f".{part}" if plain else f".['{part}']")
    return "$" + "".join(parts)


def _quote(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def label_matches(label: Label, record: JsonObject) -> bool:
    """Whether a record has every field value of the label's match rule."""
    for path, expected in label.match.items():
        value: object = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value != expected:
            return False
    return True


# --- writers -------------------------------------------------------------------------


def write_jsonl(records: Iterable[JsonObject], out: str | Path | IO[bytes]) -> int:
    """Write one compact JSON record per line (gzipped if the path ends in ``.gz``).

    Returns the number of records written.
    """
    if isinstance(out, (str, Path)):
        with _open_output(Path(out)) as stream:
            return write_jsonl(records, stream)
    count = 0
    for record in records:
        out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        count += 1
    return count


def _open_output(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        # mtime=0 keeps the gzip header, and so the file, identical across runs.
        return gzip.GzipFile(path, "wb", mtime=0)
    return open(path, "wb")


def write_labels(labels: Iterable[Label], path: str | Path) -> None:
    """Write the labels as JSON lines (one incident per line)."""
    with open(path, "wb") as stream:
        for label in labels:
            stream.write(orjson.dumps(label.to_json(), option=orjson.OPT_APPEND_NEWLINE))


@dataclass(frozen=True, slots=True)
class TreeSummary:
    """What :func:`write_s3_tree` wrote."""

    records: int
    files: int


def write_s3_tree(
    records: Iterable[JsonObject],
    root: str | Path,
    *,
    seed: int = 0,
    organization_id: str | None = None,
    compresslevel: int = 6,
) -> TreeSummary:
    """Write records as CloudTrail delivers them to S3, under ``root/AWSLogs/...``.

    Each record gets a delivery delay of up to 5 minutes; records are grouped into one
    file per account, region and 5-minute delivery stamp, named like CloudTrail's
    (``<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz``), so a file
    holds events from 0 to 10 minutes before its stamp, in slightly shuffled order.
    ``records`` must come in time order (as :func:`generate` yields them).  Files are
    compressed and written by a background thread while generation goes on.
    """
    rng = random.Random(f"s3-delivery:{seed}")
    with _cyclic_gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        writer = _TreeWriter(Path(root), rng, organization_id, compresslevel, pool)
        for record in records:
            writer.add(record)
        writer.flush_before(None)
        writer.wait(0)
    return TreeSummary(writer.records, writer.files)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything).

    The writer holds ten minutes of records (hundreds of thousands of small dicts, none
    in a cycle) while it waits for their delivery slots; the cyclic collector would
    traverse them all again and again for nothing, which halves the writing speed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _TreeWriter:
    # Files being compressed at once: bounds the memory held by the background writes.
    MAX_IN_FLIGHT = 4

    def __init__(
        self,
        root: Path,
        rng: random.Random,
        organization_id: str | None,
        compresslevel: int,
        pool: ThreadPoolExecutor,
    ) -> None:
        self.root = root
        self.rng = rng
        self.organization_id = organization_id
        self.compresslevel = compresslevel
        self.pool = pool
        self.in_flight: deque[Future[None]] = deque()
        self.pending: dict[tuple[int, str, str], list[JsonObject]] = {}
        self.records = 0
        self.files = 0
        self.period = -1

    def add(self, record: JsonObject) -> None:
        event_ms = parse_iso_ms(str(record["eventTime"]))
        delivered = event_ms + below(self.rng, DELIVERY_PERIOD_MS)
        stamp = -(-delivered // DELIVERY_PERIOD_MS) * DELIVERY_PERIOD_MS
        key = (stamp, str(record["recipientAccountId"]), str(record["awsRegion"]))
        self.pending.setdefault(key, []).append(record)
        self.records += 1
        period = event_ms // DELIVERY_PERIOD_MS
        if period > self.period:  # stamps are period boundaries: nothing else can be due
            self.period = period
            self.flush_before(event_ms)

    def flush_before(self, moment: int | None) -> None:
        """Write every file whose stamp is before ``moment`` (all if None)."""
        ready = sorted(key for key in self.pending if moment is None or key[0] < moment)
        for key in ready:
            self._write(key, self.pending.pop(key))

    def wait(self, limit: int) -> None:
        """Wait until at most ``limit`` files are still being written (errors surface)."""
        while len(self.in_flight) > limit:
            self.in_flight.popleft().result()

    def _write(self, key: tuple[int, str, str], records: list[JsonObject]) -> None:
        stamp_ms, account, region = key
        for i in range(len(records) - 1):
            if self.rng.random() < WITHIN_FILE_SWAP:
                records[i], records[i + 1] = records[i + 1], records[i]
        stamp = format_iso_seconds(stamp_ms // 1000)  # 2024-03-04T10:05:00Z
        folder = self.root / "AWSLogs"
        if self.organization_id:
            folder = folder / self.organization_id
        folder = folder / account / "CloudTrail" / region / stamp[:4] / stamp[5:7] / stamp[8:10]
        compact_stamp = f"{stamp[:4]}{stamp[5:7]}{stamp[8:10]}T{stamp[11:13]}{stamp[14:16]}Z"
        name = f"{account}_CloudTrail_{region}_{compact_stamp}_{token(self.rng, _NAME_CHARS, 16)}"
        body = orjson.dumps({"Records": records})
        self.wait(self.MAX_IN_FLIGHT - 1)
        self.in_flight.append(
            self.pool.submit(_write_gzip, folder, f"{name}.json.gz", body, self.compresslevel)
        )
        self.files += 1


def _write_gzip(folder: Path, name: str, body: bytes, compresslevel: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip header, and so the file, identical across runs.
    (folder / name).write_bytes(gzip.compress(body, compresslevel=compresslevel, mtime=0))


_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What :func:`synthesize` wrote."""

    records: int
    files: int
    labels: int


def synthesize(
    scenario: Scenario,
    out: str | Path,
    *,
    layout: str = "jsonl",
    seed: int | None = None,
    labels_path: str | Path | None = None,
    compresslevel: int = 6,
    progress: Callable[[int, float], None] | None = None,
) -> SynthSummary:
    """Generate the scenario and write it: the entry point of ``cwpattern synth``.

    ``layout`` is ``jsonl`` (``out`` is a file; ``.gz`` compresses it) or ``s3``
    (``out`` is a directory that receives ``AWSLogs/...``).  ``labels_path`` receives the
    incident labels as JSON lines.  ``progress``, when given, is called now and then with
    the records generated so far and the share of the scenario's time span they cover.
    """
    chosen = scenario.seed if seed is None else seed
    records = generate(scenario, chosen)
    if progress is not None:
        records = _reporting(records, scenario, progress)
    if layout == "jsonl":
        count, files = write_jsonl(records, out), 1
    elif layout == "s3":
        tree = write_s3_tree(
            records,
            out,
            seed=chosen,
            compresslevel=compresslevel,
            organization_id=scenario.organization_id,
        )
        count, files = tree.records, tree.files
    else:
        raise ValueError(f"unknown layout {layout!r}; expected 'jsonl' or 's3'")
    labels = incident_labels(scenario, chosen)
    if labels_path is not None:
        write_labels(labels, labels_path)
    if progress is not None:
        progress(count, 1.0)
    return SynthSummary(count, files, len(labels))


PROGRESS_EVERY = 8192  # records between progress calls (one eventTime parse each)


def _reporting(records: Iterable[JsonObject], scenario: Scenario,
               progress: Callable[[int, float], None]) -> Iterator[JsonObject]:
    span = max(scenario.end_ms - scenario.start_ms, 1)
    for count, record in enumerate(records, 1):
        if count % PROGRESS_EVERY == 0:
            done = (parse_iso_ms(record["eventTime"]) - scenario.start_ms) / span
            progress(count, min(max(done, 0.0), 1.0))
        yield record

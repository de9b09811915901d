"""What real CloudTrail records look like: calls, identities, errors, user agents.

The synthetic generator is only useful if its records exercise filter patterns the way
real ones do, so the shapes here are copied from the real records in the corpus
(invictus-ir, stratus-red-team, trailscraper, panther, AWS documentation): request
parameters per API call, the ``userIdentity`` block of each identity type including
service-linked-role sessions, error codes and their exact messages, user agents and
TLS details.  Values (bucket names, instance ids, ...) are drawn from per-account
resource pools so that the same resources recur, as they do in a real account.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass, field

JsonObject = dict[str, object]

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_HEX = "0123456789abcdef"


def uuid4(rng: random.Random) -> str:
    """A random (version 4) UUID string from ``rng``; deterministic for a seed."""
    bits = rng.getrandbits(128)
    text = f"{bits:032x}"
    variant = "89ab"[bits & 3]
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{variant}{text[17:20]}-{text[20:32]}"


def below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n): ``randrange`` without its per-call Python overhead."""
    return int(rng.random() * n)


def token(rng: random.Random, alphabet: str, length: int) -> str:
    """``length`` random characters from ``alphabet``."""
    return "".join(rng.choices(alphabet, k=length))


_UPPER_ALNUM = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz+/", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ89")


def request_id_s3(rng: random.Random) -> str:
    """An S3-style request id: 16 upper-case letters and digits (fast path)."""
    return base64.b64encode(rng.randbytes(12)).translate(_UPPER_ALNUM).decode()


def amz_id_2(rng: random.Random) -> str:
    """An ``x-amz-id-2`` value: 56 base64 characters."""
    return base64.b64encode(rng.randbytes(42)).decode()


@dataclass(slots=True)
class Resources:
    """Named resources of one account, drawn once so that they recur across events."""

    account: str
    buckets: list[str]
    instances: list[str]
    volumes: list[str]
    security_groups: list[str]
    vpcs: list[str]
    subnets: list[str]
    route_tables: list[str]
    kms_keys: list[str]
    secrets: list[str]
    parameters: list[str]
    roles: list[str]
    users: list[str]
    functions: list[str]
    log_groups: list[str]
    trails: list[str]

    @classmethod
    def draw(cls, account: str, rng: random.Random) -> Resources:
        def hex_ids(prefix: str, count: int) -> list[str]:
            return [f"{prefix}-0{token(rng, _HEX, 16)}" for _ in range(count)]

        teams = ["payments", "orders", "identity", "search", "platform", "data", "web"]
        stages = ["prod", "staging", "dev"]
        return cls(
            account=account,
            buckets=[
                f"{rng.choice(teams)}-{rng.choice(['logs', 'assets', 'exports', 'backups'])}"
                f"-{rng.choice(stages)}-{token(rng, _LOWER_ALNUM, 12)}"
                for _ in range(8)
            ]
            + [f"aws-cloudtrail-logs-{account}-{token(rng, _HEX, 8)}"],
            instances=hex_ids("i", 12),
            volumes=hex_ids("vol", 12),
            security_groups=hex_ids("sg", 6),
            vpcs=hex_ids("vpc", 2),
            subnets=hex_ids("subnet", 6),
            route_tables=hex_ids("rtb", 4),
            kms_keys=[uuid4(rng) for _ in range(4)],
            secrets=[f"{rng.choice(stages)}/{rng.choice(teams)}/db-credentials" for _ in range(5)],
            parameters=[f"/{rng.choice(teams)}/{rng.choice(stages)}/config" for _ in range(6)],
            roles=[f"{team}-service-role" for team in rng.sample(teams, 4)],
            users=["alice", "bob", "ci-deployer", "carol", "backup-operator"],
            functions=[f"{team}-handler" for team in rng.sample(teams, 4)],
            log_groups=[f"/aws/lambda/{team}-handler" for team in rng.sample(teams, 4)],
            trails=["management-events"],
        )


@dataclass(slots=True)
class CallContext:
    """What a request-parameter builder may use: randomness, account and region."""

    rng: random.Random
    resources: Resources
    region: str
    subject: str = ""  # the resource the call acted on, for error messages

    def pick(self, pool: list[str]) -> str:
        choice = pool[below(self.rng, len(pool))]
        self.subject = choice
        return choice


Builder = Callable[[CallContext], "JsonObject | None"]


@dataclass(frozen=True, slots=True)
class Call:
    """One API call as CloudTrail records it."""

    service: str
    name: str
    params: Builder
    errors: tuple[str, ...] = ("AccessDenied",)
    response: Builder | None = None
    read_only: bool | None = None  # None: derived from the name
    data_event: bool = False
    global_service: bool = False  # recorded in us-east-1 whatever the caller's region
    resource_type: str | None = None  # for the resources[] block
    event_type: str = "AwsApiCall"
    source: str = field(default="")

    @property
    def key(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def event_source(self) -> str:
        return self.source or f"{self.service}.amazonaws.com"

    @property
    def is_read_only(self) -> bool:
        if self.read_only is not None:
            return self.read_only
        return self.name.startswith(("Get", "List", "Describe", "Head", "Lookup", "Decrypt"))


# --- request parameters --------------------------------------------------------------


def _bucket(extra: JsonObject | None = None) -> Builder:
    def build(ctx: CallContext) -> JsonObject:
        bucket = ctx.pick(ctx.resources.buckets)
        params: JsonObject = {
            "bucketName": bucket,
            "Host": f"{bucket}.s3.{ctx.region}.amazonaws.com",
        }
        params.update(extra or {})
        return params

    return build


def _object(ctx: CallContext) -> JsonObject:
    bucket = ctx.pick(ctx.resources.buckets)
    key = f"{ctx.rng.choice(['exports', 'reports', 'uploads'])}/{uuid4(ctx.rng)}.json"
    ctx.subject = f"{bucket}/{key}"
    return {"bucketName": bucket, "Host": f"{bucket}.s3.{ctx.region}.amazonaws.com", "key": key}


def _items(name: str, pool: Callable[[Resources], list[str]], set_name: str) -> Builder:
    def build(ctx: CallContext) -> JsonObject:
        return {set_name: {"items": [{name: ctx.pick(pool(ctx.resources))}]}}

    return build


def _filters(set_name: str) -> Builder:
    def build(ctx: CallContext) -> JsonObject:
        return {set_name: {}, "filterSet": {}}

    return build


def _one(name: str, pool: Callable[[Resources], list[str]], arn: str | None = None) -> Builder:
    def build(ctx: CallContext) -> JsonObject:
        value = ctx.pick(pool(ctx.resources))
        if arn is not None:
            value = arn.format(region=ctx.region, account=ctx.resources.account, name=value)
        return {name: value}

    return build


def _none(ctx: CallContext) -> None:
    return None


def _kms(extra: JsonObject | None = None) -> Builder:
    def build(ctx: CallContext) -> JsonObject:
        key = ctx.pick(ctx.resources.kms_keys)
        params: JsonObject = {
            "keyId": f"arn:aws:kms:{ctx.region}:{ctx.resources.account}:key/{key}",
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
        }
        params.update(extra or {})
        return params

    return build


def _assume_role(ctx: CallContext) -> JsonObject:
    role = ctx.pick(ctx.resources.roles)
    ctx.subject = f"arn:aws:iam::{ctx.resources.account}:role/{role}"
    return {
        "roleArn": ctx.subject,
        "roleSessionName": f"session-{ctx.rng.getrandbits(40)}",
        "durationSeconds": 3600,
    }


def _run_instances(ctx: CallContext) -> JsonObject:
    return {
        "instancesSet": {
            "items": [{"imageId": f"ami-0{token(ctx.rng, _HEX, 16)}", "minCount": 1, "maxCount": 1}]
        },
        "instanceType": ctx.rng.choice(["t3.micro", "t3.medium", "m5.large"]),
        "blockDeviceMapping": {},
        "subnetId": ctx.pick(ctx.resources.subnets),
        "monitoring": {"enabled": False},
        "disableApiTermination": False,
        "clientToken": uuid4(ctx.rng),
    }


def _put_parameter(ctx: CallContext) -> JsonObject:
    return {
        "name": ctx.pick(ctx.resources.parameters),
        "type": "SecureString",
        "overwrite": True,
        "tier": "Standard",
    }


def _lookup_events(ctx: CallContext) -> JsonObject:
    return {
        "maxResults": 50,
        "lookupAttributes": [{"attributeKey": "ReadOnly", "attributeValue": "false"}],
    }


def _put_evaluations(ctx: CallContext) -> JsonObject:
    return {"resultToken": "****", "testMode": False}


# --- responses -----------------------------------------------------------------------


def _credentials(ctx: CallContext) -> JsonObject:
    role = ctx.subject.rsplit("/", 1)[-1]
    session = f"session-{ctx.rng.getrandbits(40)}"
    role_id = f"AROA{token(ctx.rng, ALNUM, 17)}"
    return {
        "credentials": {
            "accessKeyId": f"ASIA{token(ctx.rng, ALNUM, 16)}",
            "sessionToken": token(ctx.rng, ALNUM, 64),
            "expiration": "Jan 1, 2030, 12:00:00 AM",
        },
        "assumedRoleUser": {
            "assumedRoleId": f"{role_id}:{session}",
            "arn": f"arn:aws:sts::{ctx.resources.account}:assumed-role/{role}/{session}",
        },
    }


def _put_object_response(ctx: CallContext) -> JsonObject:
    return {"x-amz-server-side-encryption": "AES256"}


def _console_login_response(ctx: CallContext) -> JsonObject:
    return {"ConsoleLogin": "Success"}


_S3_NOT_FOUND = {
    "GetBucketPolicy": "NoSuchBucketPolicy",
    "GetBucketPublicAccessBlock": "NoSuchPublicAccessBlockConfiguration",
    "GetBucketLifecycle": "NoSuchLifecycleConfiguration",
    "GetBucketCors": "NoSuchCORSConfiguration",
}


def _s3(name: str, params: Builder, **options: object) -> Call:
    errors = ("AccessDenied",) + ((_S3_NOT_FOUND[name],) if name in _S3_NOT_FOUND else ())
    return Call("s3", name, params, errors=errors, resource_type="AWS::S3::Bucket", **options)


_EC2_DENIED = ("Client.UnauthorizedOperation", "Client.RequestLimitExceeded")

CALLS: dict[str, Call] = {
    call.key: call
    for call in [
        _s3("GetBucketAcl", _bucket({"acl": ""})),
        _s3("GetBucketPolicy", _bucket({"policy": ""})),
        _s3("GetBucketLocation", _bucket({"location": ""})),
        _s3("GetBucketEncryption", _bucket({"encryption": ""})),
        _s3("GetBucketVersioning", _bucket({"versioning": ""})),
        _s3("GetBucketLogging", _bucket({"logging": ""})),
        _s3("GetBucketPublicAccessBlock", _bucket({"publicAccessBlock": ""})),
        _s3("GetBucketLifecycle", _bucket({"lifecycle": ""})),
        _s3("GetBucketCors", _bucket({"cors": ""})),
        _s3("ListBuckets", lambda ctx: {"Host": f"s3.{ctx.region}.amazonaws.com"}),
        _s3("GetObject", _object, data_event=True),
        _s3("PutObject", _object, data_event=True, response=_put_object_response),
        Call(
            "ec2",
            "DescribeInstances",
            _items("instanceId", lambda r: r.instances, "instancesSet"),
            errors=_EC2_DENIED,
        ),
        Call("ec2", "DescribeSecurityGroups", _filters("securityGroupIdSet"), errors=_EC2_DENIED),
        Call(
            "ec2",
            "DescribeVolumes",
            _items("volumeId", lambda r: r.volumes, "volumeSet"),
            errors=_EC2_DENIED,
        ),
        Call("ec2", "DescribeVpcs", _filters("vpcSet"), errors=_EC2_DENIED),
        Call("ec2", "DescribeSubnets", _filters("subnetSet"), errors=_EC2_DENIED),
        Call(
            "ec2",
            "DescribeRouteTables",
            _items("routeTableId", lambda r: r.route_tables, "routeTableIdSet"),
            errors=(*_EC2_DENIED, "Client.InvalidRouteTableID.NotFound"),
        ),
        Call(
            "ec2", "DescribeAvailabilityZones", _filters("availabilityZoneSet"), errors=_EC2_DENIED
        ),
        Call("ec2", "RunInstances", _run_instances, errors=_EC2_DENIED),
        Call(
            "ec2",
            "TerminateInstances",
            _items("instanceId", lambda r: r.instances, "instancesSet"),
            errors=_EC2_DENIED,
        ),
        Call(
            "ec2",
            "CreateTags",
            _items("resourceId", lambda r: r.instances, "resourcesSet"),
            errors=_EC2_DENIED,
        ),
        Call(
            "ec2", "GetPasswordData", _one("instanceId", lambda r: r.instances), errors=_EC2_DENIED
        ),
        Call(
            "iam",
            "GetUser",
            _one("userName", lambda r: r.users),
            errors=("AccessDenied", "NoSuchEntityException"),
            global_service=True,
        ),
        Call(
            "iam",
            "GetRole",
            _one("roleName", lambda r: r.roles),
            errors=("AccessDenied", "NoSuchEntityException"),
            global_service=True,
        ),
        Call("iam", "ListRoles", _none, global_service=True),
        Call("iam", "ListUsers", _none, global_service=True),
        Call(
            "iam",
            "ListAttachedRolePolicies",
            _one("roleName", lambda r: r.roles),
            global_service=True,
        ),
        Call("iam", "ListRolePolicies", _one("roleName", lambda r: r.roles), global_service=True),
        Call(
            "iam",
            "GetAccountPasswordPolicy",
            _none,
            errors=("AccessDenied", "NoSuchEntityException"),
            global_service=True,
        ),
        Call("iam", "CreateAccessKey", _one("userName", lambda r: r.users), global_service=True),
        Call(
            "sts", "AssumeRole", _assume_role, response=_credentials, resource_type="AWS::IAM::Role"
        ),
        Call("sts", "GetCallerIdentity", _none),
        Call(
            "kms",
            "Decrypt",
            _kms(),
            errors=("AccessDenied", "InvalidCiphertextException"),
            resource_type="AWS::KMS::Key",
        ),
        Call("kms", "Encrypt", _kms(), resource_type="AWS::KMS::Key"),
        Call("kms", "GenerateDataKey", _kms({"keySpec": "AES_256"}), resource_type="AWS::KMS::Key"),
        Call("kms", "DescribeKey", _kms(), resource_type="AWS::KMS::Key"),
        Call("kms", "ListAliases", _none),
        Call(
            "ssm",
            "GetParameter",
            lambda ctx: {"name": ctx.pick(ctx.resources.parameters), "withDecryption": True},
            errors=("AccessDenied", "ThrottlingException"),
        ),
        Call("ssm", "DescribeParameters", _none, errors=("AccessDenied", "ThrottlingException")),
        Call("ssm", "PutParameter", _put_parameter, errors=("AccessDenied", "ThrottlingException")),
        Call(
            "ssm",
            "DescribeInstanceInformation",
            _none,
            errors=("AccessDenied", "ThrottlingException"),
        ),
        Call(
            "secretsmanager",
            "GetSecretValue",
            _one("secretId", lambda r: r.secrets),
            errors=("AccessDenied", "ResourceNotFoundException"),
        ),
        Call(
            "secretsmanager",
            "DescribeSecret",
            _one("secretId", lambda r: r.secrets),
            errors=("AccessDenied", "ResourceNotFoundException"),
        ),
        Call("secretsmanager", "ListSecrets", _none),
        Call("lambda", "ListFunctions20150331", _none),
        Call("lambda", "GetFunction20150331v2", _one("functionName", lambda r: r.functions)),
        Call("logs", "DescribeLogGroups", _none),
        Call(
            "logs",
            "CreateLogStream",
            lambda ctx: {
                "logGroupName": ctx.pick(ctx.resources.log_groups),
                "logStreamName": f"2024/01/01/[$LATEST]{token(ctx.rng, _HEX, 32)}",
            },
        ),
        Call("cloudtrail", "DescribeTrails", _none, errors=("AccessDenied",)),
        Call(
            "cloudtrail",
            "GetTrailStatus",
            _one("name", lambda r: r.trails, "arn:aws:cloudtrail:{region}:{account}:trail/{name}"),
            errors=("AccessDenied", "TrailNotFoundException"),
        ),
        Call(
            "cloudtrail",
            "LookupEvents",
            _lookup_events,
            errors=("AccessDenied", "ThrottlingException"),
        ),
        Call("config", "PutEvaluations", _put_evaluations),
        Call("config", "DescribeConfigurationRecorders", _none),
        # A failed console sign-in has no errorCode, only errorMessage (CloudTrail guide).
        Call(
            "signin",
            "ConsoleLogin",
            _none,
            response=_console_login_response,
            errors=("Failed authentication",),
            read_only=False,
            global_service=True,
            event_type="AwsConsoleSignIn",
        ),
    ]
}


# --- errors --------------------------------------------------------------------------

_FIXED_MESSAGES = {
    "NoSuchBucketPolicy": "The bucket policy does not exist",
    "NoSuchPublicAccessBlockConfiguration": "The public access block configuration was not found",
    "NoSuchLifecycleConfiguration": "The lifecycle configuration does not exist",
    "NoSuchCORSConfiguration": "The CORS configuration does not exist",
    "ThrottlingException": "Rate exceeded",
    "Client.RequestLimitExceeded": "Request limit exceeded.",
    "ResourceNotFoundException": "Secrets Manager can't find the specified secret.",
    "InvalidCiphertextException": "",
    "Failed authentication": "Failed authentication",
}


def error_message(code: str, call: Call, caller_arn: str, ctx: CallContext) -> str:
    """The ``errorMessage`` CloudTrail records with ``code`` for this call and caller."""
    if code == "AccessDenied":
        if call.service == "s3":
            return "Access Denied"
        action = f"{call.service}:{call.name.removesuffix('20150331').removesuffix('20150331v2')}"
        resource = ctx.subject or "*"
        if call.service == "sts":
            return (
                f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource}"
            )
        return (
            f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action"
        )
    if code == "Client.UnauthorizedOperation":
        encoded = base64.urlsafe_b64encode(ctx.rng.randbytes(240)).decode().rstrip("=")
        return (
            "You are not authorized to perform this operation. "
            f"Encoded authorization failure message: {encoded}"
        )
    if code == "NoSuchEntityException":
        what = "role" if call.name.endswith("Role") else "user"
        return f"The {what} with name {ctx.subject or 'unknown'} cannot be found."
    if code == "Client.InvalidRouteTableID.NotFound":
        return f"The routeTable ID '{ctx.subject}' does not exist"
    if code == "TrailNotFoundException":
        return f"Unknown trail: {ctx.subject} for the user: {ctx.resources.account}"
    return _FIXED_MESSAGES.get(code, "")


# --- user agents, TLS ----------------------------------------------------------------

USER_AGENTS = {
    "aws-cli": "aws-cli/2.15.30 Python/3.11.8 Linux/5.10.210-201.852.amzn2.x86_64 "
    "exe/x86_64.amzn.2 prompt/off",
    "boto3": "Boto3/1.34.64 md/Botocore#1.34.64 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy "
    "Botocore/1.34.64",
    "terraform": "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) "
    "terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 "
    "api/s3#1.51.4",
    "console": "AWS Internal",
    "s3-console": "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 "
    "Linux/5.10.184-153.731.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.372-b08 "
    "java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard]",
    "browser": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
}

TLS_CHOICES = (
    ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
    ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
)


def host_header(call: Call, region: str) -> str:
    if call.service == "signin":
        return "signin.aws.amazon.com"
    if call.global_service:
        return f"{call.service}.amazonaws.com"
    return f"{call.service}.{region}.amazonaws.com"


# --- service-linked roles ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkedRole:
    """A service-linked role: its service principal, role name and session name."""

    principal: str
    role: str
    session: str
    has_access_key: bool = True


SERVICE_LINKED_ROLES = {
    "config": LinkedRole("config.amazonaws.com", "AWSServiceRoleForConfig", "AWSConfig-Describe"),
    "access-analyzer": LinkedRole(
        "access-analyzer.amazonaws.com", "AWSServiceRoleForAccessAnalyzer", "access-analyzer"
    ),
    "inspector2": LinkedRole(
        "inspector2.amazonaws.com",
        "AWSServiceRoleForAmazonInspector2",
        "MandoService2842426183934887787",
        has_access_key=False,
    ),
    "securityhub": LinkedRole(
        "securityhub.amazonaws.com", "AWSServiceRoleForSecurityHub", "securityhub"
    ),
    "guardduty": LinkedRole(
        "guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty", "GuardDutyServiceSession"
    ),
    "trustedadvisor": LinkedRole(
        "trustedadvisor.amazonaws.com",
        "AWSServiceRoleForTrustedAdvisor",
        "TrustedAdvisor",
        has_access_key=False,
    ),
    "autoscaling": LinkedRole(
        "autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScaling"
    ),
    "elasticloadbalancing": LinkedRole(
        "elasticloadbalancing.amazonaws.com",
        "AWSServiceRoleForElasticLoadBalancing",
        "ElasticLoadBalancing",
    ),
    "rds": LinkedRole("rds.amazonaws.com", "AWSServiceRoleForRDS", "RDS"),
    "sso": LinkedRole("sso.amazonaws.com", "AWSServiceRoleForSSO", "AWS-SSO"),
    "organizations": LinkedRole(
        "organizations.amazonaws.com", "AWSServiceRoleForOrganizations", "OrganizationsSession"
    ),
}

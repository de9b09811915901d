"""Evaluate CloudFormation intrinsic functions the way a deployment would, or say why not.

A template's metric filters and alarms are full of ``Ref``, ``Fn::Sub`` and ``Fn::If``;
testing what is deployed means evaluating them with the stack's parameters, pseudo
parameters and conditions.  Values that only exist after deployment (an SNS topic's
ARN, an unnamed alarm's generated name) become documented, deterministic placeholders:

* ``Ref``/``Fn::GetAtt`` of a resource with a name property (``TopicName``,
  ``AlarmName``, ``LogGroupName``, ...) build the real name/ARN from it and the
  pseudo parameters; without one, the logical ID stands in for the name, e.g.
  ``arn:aws:sns:us-east-1:123456789012:AlarmTopic``.
* Pseudo parameters default to :data:`PSEUDO_PARAMETER_DEFAULTS`; callers override
  them like any parameter (``{"AWS::Region": "eu-west-1"}``).

Anything else that cannot be known locally (a parameter with no value and no
default, ``Fn::ImportValue``, ``Fn::GetAZs``, an attribute we have no rule for, a
``Ref`` to a resource type whose physical ID is generated) raises
:class:`Unresolvable` naming the offender and its position, never a guess.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import re2

from simulator.documents import Mark, MarkedDict, mark_of


class _NoValue:
    """``Ref: AWS::NoValue``: the property is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

PSEUDO_PARAMETER_DEFAULTS: dict[str, Any] = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "cwpattern-stack",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}
"""Values used for pseudo parameters unless the caller passes its own."""


class Unresolvable(Exception):
    """A value cannot be determined locally; ``offender`` names the culprit."""

    def __init__(self, message: str, offender: str, mark: Mark) -> None:
        self.message = message
        self.offender = offender
        self.mark = mark
        super().__init__(message)


# ------------------------------------------------------------- resource rules


@dataclass(frozen=True)
class _Arn:
    """How to spell a resource's ARN from its physical name."""

    service: str
    template: str  # filled with {name}; region/account are added unless global
    regional: bool = True


@dataclass(frozen=True)
class _ResourceRule:
    """What ``Ref`` and ``Fn::GetAtt`` return for one resource type."""

    name_property: str | None
    ref: str  # "name", "arn" or "url"
    arn: _Arn | None = None
    name_attribute: str | None = None
    arn_attribute: str = "Arn"
    url_attribute: str | None = None


RESOURCE_RULES: dict[str, _ResourceRule] = {
    "AWS::SNS::Topic": _ResourceRule(
        "TopicName", "arn", _Arn("sns", "{name}"), "TopicName", "TopicArn"
    ),
    "AWS::CloudWatch::Alarm": _ResourceRule(
        "AlarmName", "name", _Arn("cloudwatch", "alarm:{name}")
    ),
    "AWS::CloudWatch::CompositeAlarm": _ResourceRule(
        "AlarmName", "name", _Arn("cloudwatch", "alarm:{name}")
    ),
    "AWS::Logs::LogGroup": _ResourceRule(
        "LogGroupName", "name", _Arn("logs", "log-group:{name}:*")
    ),
    "AWS::Logs::MetricFilter": _ResourceRule("FilterName", "name"),
    "AWS::IAM::Role": _ResourceRule(
        "RoleName", "name", _Arn("iam", "role/{name}", regional=False)
    ),
    "AWS::Lambda::Function": _ResourceRule(
        "FunctionName", "name", _Arn("lambda", "function:{name}")
    ),
    "AWS::SQS::Queue": _ResourceRule(
        "QueueName", "url", _Arn("sqs", "{name}"), "QueueName", url_attribute="QueueUrl"
    ),
    "AWS::S3::Bucket": _ResourceRule("BucketName", "name", _Arn("s3", "{name}", False)),
    "AWS::CloudTrail::Trail": _ResourceRule(
        "TrailName", "name", _Arn("cloudtrail", "trail/{name}")
    ),
    "AWS::KMS::Key": _ResourceRule(None, "name", _Arn("kms", "key/{name}")),
}
"""Resource types whose ``Ref``/``Fn::GetAtt`` values we can spell out."""


# ------------------------------------------------------------------ resolver


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value<"


class Resolver:
    """Evaluates intrinsic functions against one template's parameters and resources."""

    def __init__(
        self, template: Mapping[str, Any], parameters: Mapping[str, Any] | None = None
    ) -> None:
        supplied = dict(parameters or {})
        self.pseudo = {**PSEUDO_PARAMETER_DEFAULTS}
        self.pseudo.update({k: v for k, v in supplied.items() if k.startswith("AWS::")})
        self.supplied = {k: v for k, v in supplied.items() if not k.startswith("AWS::")}
        self.declared = _section(template, "Parameters")
        self.mappings = _section(template, "Mappings")
        self.conditions = _section(template, "Conditions")
        self.resources = _section(template, "Resources")
        self._condition_values: dict[str, bool] = {}
        self._in_progress: set[str] = set()
        self._functions: dict[str, Callable[[Any, Mark], Any]] = {
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::GetAtt": self._get_att_function,
            "Fn::Base64": self._base64,
        }

    # ------------------------------------------------------------ public

    def resolve(self, value: Any, mark: Mark) -> Any:
        """``value`` with every intrinsic evaluated; ``NO_VALUE`` entries removed."""
        if isinstance(value, dict):
            here = mark_of(value, mark)
            if len(value) == 1:
                ((key, argument),) = value.items()
                if key == "Ref":
                    return self.ref(self._text(argument, here, "Ref"), here)
                if key.startswith("Fn::"):
                    return self._call(key, argument, here)
            resolved = {}
            for key, item in value.items():
                item_mark = value.mark_of(key) if isinstance(value, MarkedDict) else here
                result = self.resolve(item, item_mark)
                if result is not NO_VALUE:
                    resolved[key] = result
            return resolved
        if isinstance(value, list):
            here = mark_of(value, mark)
            items = (
                self.resolve(item, value.mark_of(i) if hasattr(value, "mark_of") else here)
                for i, item in enumerate(value)
            )
            return [item for item in items if item is not NO_VALUE]
        return value

    def ref(self, name: str, mark: Mark) -> Any:
        """What ``{"Ref": name}`` evaluates to."""
        if name == "AWS::NoValue":
            return NO_VALUE
        if name.startswith("AWS::"):
            if name not in self.pseudo:
                raise Unresolvable(f"unknown pseudo parameter {name}", name, mark)
            return self.pseudo[name]
        if name in self.declared:
            return self._parameter(name, mark)
        if name in self.resources:
            return self._resource_ref(name, mark)
        raise Unresolvable(
            f"Ref to {name}, which is neither a parameter nor a resource", name, mark
        )

    def condition(self, name: str, mark: Mark) -> bool:
        """The value of the template condition ``name``."""
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self.conditions:
            raise Unresolvable(f"unknown condition {name}", name, mark)
        guard = f"Conditions.{name}"
        if guard in self._in_progress:
            raise Unresolvable(f"condition {name} depends on itself", name, mark)
        self._in_progress.add(guard)
        try:
            value = self._truth(self.conditions[name], self.conditions.mark_of(name))
        finally:
            self._in_progress.discard(guard)
        self._condition_values[name] = value
        return value

    def inactive_reason(self, logical_id: str) -> str | None:
        """Why resource ``logical_id`` is not created, or None when it is."""
        resource = self.resources.get(logical_id)
        if not isinstance(resource, dict) or "Condition" not in resource:
            return None
        name = resource["Condition"]
        mark = resource.mark_of("Condition") if isinstance(resource, MarkedDict) else (1, 1)
        if not isinstance(name, str):
            raise Unresolvable("a resource Condition must be a condition name", "Condition", mark)
        return None if self.condition(name, mark) else f"condition {name} is false"

    def unused_parameters(self) -> list[str]:
        """Caller-supplied parameters the template does not declare."""
        return sorted(name for name in self.supplied if name not in self.declared)

    # ------------------------------------------------------------ parameters

    def _parameter(self, name: str, mark: Mark) -> Any:
        declaration = self.declared[name] if isinstance(self.declared[name], dict) else {}
        kind = str(declaration.get("Type", "String"))
        if kind.startswith(_SSM_PARAMETER_TYPE) and name not in self.supplied:
            raise Unresolvable(
                f"parameter {name} ({kind}) is read from SSM Parameter Store at deploy "
                f"time; pass its value as {name}=...",
                name,
                mark,
            )
        if name in self.supplied:
            value = self.supplied[name]
        elif "Default" in declaration:
            value = declaration["Default"]
        else:
            raise Unresolvable(
                f"parameter {name} has no value and no Default; pass it as {name}=...",
                name,
                mark,
            )
        self._check_allowed(name, declaration, value, mark)
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            if isinstance(value, list):
                return [str(item) for item in value]
            return [item.strip() for item in str(value).split(",")]
        return value

    @staticmethod
    def _check_allowed(name: str, declaration: Mapping[str, Any], value: Any, mark: Mark) -> None:
        allowed = declaration.get("AllowedValues")
        if isinstance(allowed, list) and str(value) not in [str(item) for item in allowed]:
            raise Unresolvable(
                f"parameter {name}={value!r} is not one of its AllowedValues {allowed}",
                name,
                mark,
            )
        pattern = declaration.get("AllowedPattern")
        if not isinstance(pattern, str):
            return
        try:
            matched = re2.fullmatch(pattern, str(value))
        except re2.error:
            raise Unresolvable(
                f"parameter {name}: AllowedPattern {pattern!r} is not a valid regular expression",
                name,
                mark,
            ) from None
        if not matched:
            raise Unresolvable(
                f"parameter {name}={value!r} does not match its AllowedPattern {pattern!r}",
                name,
                mark,
            )

    # ------------------------------------------------------------ resources

    def _resource(self, logical_id: str, mark: Mark) -> tuple[Mapping[str, Any], _ResourceRule]:
        resource = self.resources[logical_id]
        if not isinstance(resource, dict):
            raise Unresolvable(f"resource {logical_id} is not a mapping", logical_id, mark)
        kind = resource.get("Type")
        reason = self.inactive_reason(logical_id)
        if reason:
            raise Unresolvable(
                f"{logical_id} is not created ({reason}), so it cannot be referenced",
                logical_id,
                mark,
            )
        rule = RESOURCE_RULES.get(str(kind))
        if rule is None:
            raise Unresolvable(
                f"{logical_id} ({kind}): its physical ID is generated at deploy time and "
                "cannot be known locally",
                logical_id,
                mark,
            )
        return resource, rule

    def physical_name(self, logical_id: str, mark: Mark) -> str:
        """The resource's name property, or its logical ID when the name is generated."""
        resource, rule = self._resource(logical_id, mark)
        properties = resource.get("Properties")
        if (
            rule.name_property is None
            or not isinstance(properties, dict)
            or rule.name_property not in properties
        ):
            return logical_id
        guard = f"Resources.{logical_id}"
        if guard in self._in_progress:
            raise Unresolvable(f"the name of {logical_id} depends on itself", logical_id, mark)
        self._in_progress.add(guard)
        try:
            where = properties.mark_of(rule.name_property) if isinstance(
                properties, MarkedDict
            ) else mark
            name = self.resolve(properties[rule.name_property], where)
        finally:
            self._in_progress.discard(guard)
        if name is NO_VALUE:  # e.g. !If [Cond, name, !Ref AWS::NoValue]: generated name
            return logical_id
        return self._text(name, mark, f"{logical_id}.{rule.name_property}")

    def _arn(self, rule: _ResourceRule, name: str) -> str:
        assert rule.arn is not None
        partition = self.pseudo["AWS::Partition"]
        region = self.pseudo["AWS::Region"] if rule.arn.regional else ""
        account = self.pseudo["AWS::AccountId"] if rule.arn.service != "s3" else ""
        resource = rule.arn.template.format(name=name)
        return f"arn:{partition}:{rule.arn.service}:{region}:{account}:{resource}"

    def _url(self, name: str) -> str:
        region, suffix = self.pseudo["AWS::Region"], self.pseudo["AWS::URLSuffix"]
        return f"https://sqs.{region}.{suffix}/{self.pseudo['AWS::AccountId']}/{name}"

    def _resource_ref(self, logical_id: str, mark: Mark) -> str:
        _, rule = self._resource(logical_id, mark)
        name = self.physical_name(logical_id, mark)
        if rule.ref == "arn":
            return self._arn(rule, name)
        if rule.ref == "url":
            return self._url(name)
        return name

    def get_att(self, logical_id: str, attribute: str, mark: Mark) -> str:
        """What ``Fn::GetAtt: [logical_id, attribute]`` evaluates to."""
        if logical_id not in self.resources:
            raise Unresolvable(
                f"Fn::GetAtt of {logical_id}, which is not a resource", logical_id, mark
            )
        resource, rule = self._resource(logical_id, mark)
        name = self.physical_name(logical_id, mark)
        if rule.arn is not None and attribute == rule.arn_attribute:
            return self._arn(rule, name)
        if attribute == rule.name_attribute:
            return name
        if attribute == rule.url_attribute:
            return self._url(name)
        known = [a for a in (rule.arn and rule.arn_attribute, rule.name_attribute,
                             rule.url_attribute) if a]
        raise Unresolvable(
            f"Fn::GetAtt {logical_id}.{attribute}: attribute {attribute} of "
            f"{resource.get('Type')} is not known locally (known: {', '.join(known) or 'none'})",
            f"{logical_id}.{attribute}",
            mark,
        )

    # ------------------------------------------------------------ functions

    def _call(self, function: str, argument: Any, mark: Mark) -> Any:
        handler = self._functions.get(function)
        if handler is None:
            raise Unresolvable(
                f"unsupported intrinsic function {function}: its value is only known "
                "at deploy time",
                function,
                mark,
            )
        return handler(argument, mark)

    def _sub(self, argument: Any, mark: Mark) -> str:
        variables: Mapping[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                raise Unresolvable("Fn::Sub takes a string or [string, {vars}]", "Fn::Sub", mark)
            argument, variables = argument
        text = self._text(argument, mark, "Fn::Sub")

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self.resolve(variables[name], mark_of(variables, mark))
            elif name.startswith("AWS::") or name in self.declared or name in self.resources:
                value = self.ref(name, mark)
            elif "." in name:
                logical_id, _, attribute = name.partition(".")
                value = self.get_att(logical_id, attribute, mark)
            else:
                raise Unresolvable(f"Fn::Sub: unknown variable ${{{name}}}", name, mark)
            return self._text(value, mark, f"${{{name}}}")

        return _SUB_VARIABLE.sub(substitute, text)

    def _join(self, argument: Any, mark: Mark) -> str:
        delimiter, items = self._pair(argument, mark, "Fn::Join")
        delimiter = self._text(self.resolve(delimiter, mark), mark, "Fn::Join")
        values = self.resolve(items, mark)
        if not isinstance(values, list):
            raise Unresolvable("Fn::Join needs a list of values", "Fn::Join", mark)
        return delimiter.join(self._text(value, mark, "Fn::Join") for value in values)

    def _select(self, argument: Any, mark: Mark) -> Any:
        index, items = self._pair(argument, mark, "Fn::Select")
        position = self.resolve(index, mark)
        values = self.resolve(items, mark)
        try:
            number = int(position)
        except (TypeError, ValueError):
            raise Unresolvable(f"Fn::Select index {position!r} is not a number",
                               "Fn::Select", mark) from None
        if not isinstance(values, list) or not 0 <= number < len(values):
            raise Unresolvable(f"Fn::Select index {number} is out of range", "Fn::Select", mark)
        return values[number]

    def _split(self, argument: Any, mark: Mark) -> list[str]:
        delimiter, source = self._pair(argument, mark, "Fn::Split")
        delimiter = self._text(self.resolve(delimiter, mark), mark, "Fn::Split")
        return self._text(self.resolve(source, mark), mark, "Fn::Split").split(delimiter)

    def _find_in_map(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            raise Unresolvable("Fn::FindInMap takes [map, top key, second key]",
                               "Fn::FindInMap", mark)
        keys = [self._text(self.resolve(key, mark), mark, "Fn::FindInMap") for key in argument]
        level: Any = self.mappings
        for depth, key in enumerate(keys):
            if not isinstance(level, dict) or key not in level:
                path = ".".join(keys[: depth + 1])
                raise Unresolvable(f"Fn::FindInMap: no mapping entry {path}", path, mark)
            level = level[key]
        return self.resolve(level, mark)

    def _if(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            raise Unresolvable("Fn::If takes [condition, value if true, value if false]",
                               "Fn::If", mark)
        name = self._text(argument[0], mark, "Fn::If")
        chosen = argument[1] if self.condition(name, mark) else argument[2]
        return self.resolve(chosen, mark)

    def _get_att_function(self, argument: Any, mark: Mark) -> str:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        logical_id, attribute = self._pair(argument, mark, "Fn::GetAtt")
        return self.get_att(
            self._text(logical_id, mark, "Fn::GetAtt"),
            self._text(self.resolve(attribute, mark), mark, "Fn::GetAtt"),
            mark,
        )

    def _base64(self, argument: Any, mark: Mark) -> str:
        text = self._text(self.resolve(argument, mark), mark, "Fn::Base64")
        return base64.b64encode(text.encode()).decode()

    # ------------------------------------------------------------ conditions

    def _truth(self, expression: Any, mark: Mark) -> bool:
        here = mark_of(expression, mark)
        if not isinstance(expression, dict) or len(expression) != 1:
            raise Unresolvable("a condition must be one condition function", "Conditions", here)
        ((function, argument),) = expression.items()
        if function == "Condition":
            return self.condition(self._text(argument, here, "Condition"), here)
        if function == "Fn::Equals":
            left, right = self._pair(argument, here, "Fn::Equals")
            return _comparable(self.resolve(left, here)) == _comparable(
                self.resolve(right, here)
            )
        if function == "Fn::Not":
            if not isinstance(argument, list) or len(argument) != 1:
                raise Unresolvable("Fn::Not takes a list of one condition", "Fn::Not", here)
            return not self._truth(argument[0], here)
        if function in ("Fn::And", "Fn::Or"):
            if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
                raise Unresolvable(f"{function} takes 2 to 10 conditions", function, here)
            results = (self._truth(item, here) for item in argument)
            return all(results) if function == "Fn::And" else any(results)
        raise Unresolvable(f"{function} cannot be used as a condition", function, here)

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _pair(argument: Any, mark: Mark, function: str) -> tuple[Any, Any]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise Unresolvable(f"{function} takes a list of two values", function, mark)
        return argument[0], argument[1]

    @staticmethod
    def _text(value: Any, mark: Mark, context: str) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise Unresolvable(f"{context}: expected a string, got {value!r}", context, mark)


def _section(template: Mapping[str, Any], name: str) -> MarkedDict:
    """A top-level template section (the loader has checked that it is a mapping)."""
    section = template.get(name)
    if isinstance(section, MarkedDict):
        return section
    result = MarkedDict((1, 1))
    if isinstance(section, dict):
        result.update(section)
    return result


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)

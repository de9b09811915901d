"""Composite alarms: an AlarmRule over other alarms' states (spec §11).

A composite alarm turns several noisy alarms into one page: ``ALARM(errors) AND NOT
ALARM(deploying)``.  This module parses the rule with Lark (``composite.lark``), validates a
PutCompositeAlarm definition (limits of §14, the action suppressor of §11.3) and evaluates the
rule against a mapping of child states.  Resolving children and scheduling re-evaluation
after they change is the simulation's job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from simulator.decision import AlarmState
from simulator.validation import ACTION_LISTS, AlarmDefinitionError, DefinitionReader

MAX_RULE_LENGTH = 10_240
MAX_CHILDREN = 100
MAX_ELEMENTS = 500
ALARM_ARN_PREFIX = "arn:aws:cloudwatch:"

_PUT_COMPOSITE_ALARM_FIELDS = (
    "AlarmName", "AlarmDescription", "AlarmRule", "ActionsEnabled", "OKActions", "AlarmActions",
    "InsufficientDataActions", "Tags", "ActionsSuppressor", "ActionsSuppressorWaitPeriod",
    "ActionsSuppressorExtensionPeriod",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StateTest:
    """``ALARM(x)``, ``OK(x)`` or ``INSUFFICIENT_DATA(x)``; ``alarm`` as written (name or ARN)."""

    state: AlarmState
    alarm: str


@dataclass(frozen=True, slots=True)
class Constant:
    value: bool


@dataclass(frozen=True, slots=True)
class Not:
    operand: RuleNode


@dataclass(frozen=True, slots=True)
class AllOf:
    operands: tuple[RuleNode, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    operands: tuple[RuleNode, ...]


RuleNode: TypeAlias = "StateTest | Constant | Not | AllOf | AnyOf"


class RuleSyntaxError(ValueError):
    """An AlarmRule that does not parse; ``column`` is 1-based when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(message)


@cache
def _parser() -> Lark:
    grammar = resources.files("simulator").joinpath("composite.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr")


def parse_rule(text: str) -> tuple[RuleNode, int]:
    """Parse an AlarmRule into a tree; also return its element count (children, constants,
    parenthesised groups) for the 500-element limit."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        column = getattr(error, "column", None)
        found = getattr(error, "token", None) or getattr(error, "char", None)
        where = f" at column {column}" if column else ""
        detail = f" near {str(found)!r}" if found else ""
        raise RuleSyntaxError(f"invalid AlarmRule{where}{detail}", column) from None
    except LarkError as error:
        raise RuleSyntaxError(f"invalid AlarmRule: {error}") from None
    counter = _ElementCounter()
    return counter.convert(tree), counter.elements


class _ElementCounter:
    def __init__(self) -> None:
        self.elements = 0

    def convert(self, tree: Tree | Token) -> RuleNode:
        assert isinstance(tree, Tree)
        kind, children = tree.data, tree.children
        if kind == "group":
            self.elements += 1
            return self.convert(children[0])
        if kind in ("true", "false"):
            self.elements += 1
            return Constant(kind == "true")
        if kind == "state_test":
            self.elements += 1
            token = str(children[1].children[0])  # type: ignore[union-attr]
            name = token[1:-1] if token.startswith('"') else token
            return StateTest(AlarmState(str(children[0])), name)
        if kind == "negate":
            return Not(self.convert(children[0]))
        operands = tuple(self.convert(child) for child in children)
        return AllOf(operands) if kind == "all_of" else AnyOf(operands)


def rule_alarms(node: RuleNode) -> tuple[str, ...]:
    """Referenced alarms (as written) in order of first appearance."""
    if isinstance(node, StateTest):
        return (node.alarm,)
    if isinstance(node, Not):
        return rule_alarms(node.operand)
    if isinstance(node, (AllOf, AnyOf)):
        return tuple(dict.fromkeys(a for child in node.operands for a in rule_alarms(child)))
    return ()


def evaluate_rule(node: RuleNode, state_of: Callable[[str], AlarmState]) -> bool:
    """True when the rule holds; ``NOT ALARM(x)`` holds for OK and INSUFFICIENT_DATA alike."""
    if isinstance(node, StateTest):
        return state_of(node.alarm) is node.state
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, Not):
        return not evaluate_rule(node.operand, state_of)
    if isinstance(node, AllOf):
        return all(evaluate_rule(child, state_of) for child in node.operands)
    return any(evaluate_rule(child, state_of) for child in node.operands)


def alarm_name_from_reference(reference: str) -> tuple[str, str | None, str | None]:
    """``(name, region, account)`` of a rule reference; region/account None for bare names."""
    if not reference.startswith(ALARM_ARN_PREFIX):
        return reference, None, None
    parts = reference.split(":", 6)
    if len(parts) != 7 or parts[5] != "alarm" or not parts[6]:
        return reference, None, None
    return parts[6], parts[3], parts[4]


@dataclass(frozen=True, slots=True)
class ActionsSuppressor:
    """§11.3: while ``alarm`` is in ALARM the composite's actions are suppressed."""

    alarm: str
    wait_period_s: int
    extension_period_s: int


@dataclass(frozen=True, slots=True)
class CompositeAlarm:
    """A validated PutCompositeAlarm definition; build it with :meth:`from_aws`."""

    name: str
    rule_text: str
    rule: RuleNode
    description: str | None = None
    actions_enabled: bool = True
    ok_actions: tuple[str, ...] = ()
    alarm_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    suppressor: ActionsSuppressor | None = None

    @classmethod
    def from_aws(cls, definition: Mapping[str, Any]) -> CompositeAlarm:
        """Validate PutCompositeAlarm parameters; raise AlarmDefinitionError if invalid."""
        reader = DefinitionReader(definition, _PUT_COMPOSITE_ALARM_FIELDS)
        name = reader.alarm_name_field()
        text = reader.string("AlarmRule", required=True, min_len=1, max_len=MAX_RULE_LENGTH)
        assert text is not None
        try:
            rule, elements = parse_rule(text)
        except RuleSyntaxError as error:
            raise AlarmDefinitionError(name, "AlarmRule", str(error)) from None
        children = rule_alarms(rule)
        if len(children) > MAX_CHILDREN:
            reader.fail("AlarmRule", f"a rule may reference at most {MAX_CHILDREN} alarms")
        if elements > MAX_ELEMENTS:
            reader.fail("AlarmRule", f"a rule may have at most {MAX_ELEMENTS} elements")
        actions = {field: reader.actions(field) for field in ACTION_LISTS}
        for field, arns in actions.items():
            for arn in arns:
                if ":automate:" in arn or ":autoscaling:" in arn or "AWS_EC2." in arn:
                    reader.fail(
                        field, f"composite alarms cannot have EC2 or Auto Scaling actions: {arn}"
                    )
        return cls(
            name=name,
            rule_text=text,
            rule=rule,
            description=reader.string("AlarmDescription", max_len=1024),
            actions_enabled=reader.boolean("ActionsEnabled", True),
            ok_actions=actions["OKActions"],
            alarm_actions=actions["AlarmActions"],
            insufficient_data_actions=actions["InsufficientDataActions"],
            suppressor=_suppressor(reader),
        )

    @property
    def children(self) -> tuple[str, ...]:
        """Referenced alarms as written in the rule (names or ARNs)."""
        return rule_alarms(self.rule)

    def arn(self, region: str, account: str) -> str:
        return f"arn:aws:cloudwatch:{region}:{account}:alarm:{self.name}"

    def evaluate(self, states: Mapping[str, AlarmState | str]) -> AlarmState:
        """ALARM if the rule holds for ``states`` (keyed by alarm name), else OK (§11.2)."""

        def state_of(reference: str) -> AlarmState:
            name = alarm_name_from_reference(reference)[0]
            if name not in states:
                raise AlarmDefinitionError(
                    self.name, "AlarmRule", f"the rule references unknown alarm {reference!r}"
                )
            return AlarmState(states[name])

        return AlarmState.ALARM if evaluate_rule(self.rule, state_of) else AlarmState.OK


def _suppressor(reader: DefinitionReader) -> ActionsSuppressor | None:
    name = reader.string("ActionsSuppressor", min_len=1, max_len=1600)
    wait = reader.integer("ActionsSuppressorWaitPeriod", minimum=0)
    extension = reader.integer("ActionsSuppressorExtensionPeriod", minimum=0)
    if name is None:
        for field, value in (
            ("ActionsSuppressorWaitPeriod", wait),
            ("ActionsSuppressorExtensionPeriod", extension),
        ):
            if value is not None:
                reader.fail(field, f"{field} is only valid together with ActionsSuppressor")
        return None
    if wait is None or extension is None:
        missing = (
            "ActionsSuppressorWaitPeriod" if wait is None else "ActionsSuppressorExtensionPeriod"
        )
        reader.fail(missing, f"{missing} is required when ActionsSuppressor is specified")
    assert wait is not None and extension is not None
    return ActionsSuppressor(alarm_name_from_reference(name)[0], wait, extension)

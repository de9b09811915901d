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

from lark import Lark, Tree
from lark.exceptions import LarkError, UnexpectedInput

from simulator.alarms.decision import AlarmState
from simulator.alarms.validation import ACTION_LISTS, AlarmDefinitionError, DefinitionReader

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
class Combine:
    """Pop ``count`` results and push their NOT (count 1), AND or OR."""

    operator: str  # "NOT" | "AND" | "OR"
    count: int


Instruction: TypeAlias = "StateTest | Constant | Combine"


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed AlarmRule as a postfix program: evaluation needs no recursion, so a hostile
    10,240-character rule cannot exhaust the stack."""

    program: tuple[Instruction, ...]
    elements: int

    @property
    def alarms(self) -> tuple[str, ...]:
        """Referenced alarms (as written) in order of first appearance."""
        return tuple(dict.fromkeys(i.alarm for i in self.program if isinstance(i, StateTest)))

    def holds(self, state_of: Callable[[str], AlarmState]) -> bool:
        """True when the rule holds; ``NOT ALARM(x)`` holds for OK and INSUFFICIENT_DATA."""
        stack: list[bool] = []
        for instruction in self.program:
            if isinstance(instruction, StateTest):
                stack.append(state_of(instruction.alarm) is instruction.state)
            elif isinstance(instruction, Constant):
                stack.append(instruction.value)
            else:
                operands = stack[len(stack) - instruction.count :]
                del stack[len(stack) - instruction.count :]
                if instruction.operator == "NOT":
                    stack.append(not operands[0])
                elif instruction.operator == "AND":
                    stack.append(all(operands))
                else:
                    stack.append(any(operands))
        return stack[0]


class RuleSyntaxError(ValueError):
    """An AlarmRule that does not parse; ``column`` is 1-based when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(message)


@cache
def _parser() -> Lark:
    grammar = resources.files("simulator.alarms").joinpath("composite.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr")


def parse_rule(text: str) -> Rule:
    """Parse an AlarmRule; ``Rule.elements`` counts children, constants and parenthesised
    groups for the 500-element limit (checked on the raw text first to bound the work)."""
    if _open_parentheses(text) > MAX_ELEMENTS:
        raise RuleSyntaxError(f"a rule may have at most {MAX_ELEMENTS} elements")
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
    return _compile(tree)


def _open_parentheses(text: str) -> int:
    return sum(1 for part in text.split('"')[::2] for ch in part if ch == "(")


def _compile(tree: Tree) -> Rule:
    """Post-order walk with an explicit stack, emitting postfix instructions."""
    program: list[Instruction] = []
    elements = 0
    pending: list[tuple[Tree, bool]] = [(tree, False)]
    while pending:
        node, expanded = pending.pop()
        kind = node.data
        if kind in ("true", "false"):
            elements += 1
            program.append(Constant(kind == "true"))
        elif kind == "state_test":
            elements += 1
            token = str(node.children[1].children[0])  # type: ignore[union-attr]
            name = token[1:-1] if token.startswith('"') else token
            program.append(StateTest(AlarmState(str(node.children[0])), name))
        elif not expanded:
            elements += kind == "group"
            pending.append((node, True))
            pending.extend((child, False) for child in reversed(node.children))  # type: ignore[misc]
        elif kind != "group":
            operator = {"negate": "NOT", "all_of": "AND", "any_of": "OR"}[kind]
            program.append(Combine(operator, len(node.children)))
    return Rule(tuple(program), elements)


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
    rule: Rule
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
        reader.tags()
        text = reader.string("AlarmRule", required=True, min_len=1, max_len=MAX_RULE_LENGTH)
        assert text is not None
        try:
            rule = parse_rule(text)
        except RuleSyntaxError as error:
            raise AlarmDefinitionError(name, "AlarmRule", str(error)) from None
        if len(rule.alarms) > MAX_CHILDREN:
            reader.fail("AlarmRule", f"a rule may reference at most {MAX_CHILDREN} alarms")
        if rule.elements > MAX_ELEMENTS:
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
        return self.rule.alarms

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

        return AlarmState.ALARM if self.rule.holds(state_of) else AlarmState.OK


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

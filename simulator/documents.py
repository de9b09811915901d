"""Read JSON and YAML text into containers that remember where they came from.

Every finding the deploy loaders report must point at a file, line and column, and
the standard ``json`` module and PyYAML's plain constructors forget positions as soon
as they build a dict.  This module builds :class:`MarkedDict` / :class:`MarkedList`
instead: ordinary ``dict`` / ``list`` objects that also carry the position of the
container and of each key or item.

Both readers are safe on untrusted input: YAML goes through a ``yaml.SafeLoader``
subclass (no Python object tags), aliases are rejected (CloudFormation does not
support them, and this also rules out "billion laughs" expansion), duplicate keys are
errors rather than last-one-wins, and nesting depth and input size are bounded.
CloudFormation's short-form intrinsic tags (``!Ref``, ``!Sub``, ...) become the long
form (``{"Ref": ...}``, ``{"Fn::Sub": ...}``) so later stages see one shape.
"""

from __future__ import annotations

import bisect
import json.decoder
import json.scanner
import re
from dataclasses import dataclass
from typing import Any

import yaml

MAX_DEPTH = 256
MAX_INPUT_BYTES = 64 * 1024 * 1024

Mark = tuple[int, int]
"""(line, column), both 1-based; column counts characters."""


class MarkedDict(dict):  # type: ignore[type-arg]
    """A dict that knows where it and each of its keys were written."""

    __slots__ = ("key_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}

    def mark_of(self, key: str) -> Mark:
        """Position of ``key`` (falls back to the dict's own position)."""
        return self.key_marks.get(key, self.mark)


class MarkedList(list):  # type: ignore[type-arg]
    """A list that knows where it and each of its items were written."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []

    def mark_of(self, index: int) -> Mark:
        """Position of item ``index`` (falls back to the list's own position)."""
        return self.item_marks[index] if 0 <= index < len(self.item_marks) else self.mark


@dataclass(frozen=True)
class SyntaxProblem(Exception):
    """The text is not well-formed JSON/YAML; positions are 1-based."""

    message: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


def mark_of(value: Any, default: Mark) -> Mark:
    """The position recorded on ``value`` if it is a marked container."""
    return getattr(value, "mark", default)


# --------------------------------------------------------------------------- JSON


BULK_KEYS = frozenset(
    {"attributes", "values", "sensitive_values", "sensitive_attributes", "change",
     "configuration", "prior_state", "private"}
)
"""Keys that hold Terraform's attribute blobs.  Below the top level their values are
decoded by the C scanner without positions (findings point at the enclosing resource),
which keeps multi-megabyte plans and states fast; duplicate keys inside them are not
detected, as with any JSON reader."""

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = json.scanner.NUMBER_RE
_LITERALS = {"true": True, "false": False, "null": None}


class _JsonReader:
    """Recursive-descent JSON reader; strings are decoded by json's C scanner."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.bulk = json.JSONDecoder(parse_constant=_reject_constant)

    def mark(self, offset: int) -> Mark:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def fail(self, message: str, offset: int) -> SyntaxProblem:
        line, column = self.mark(min(offset, len(self.text)))
        return SyntaxProblem(message, line, column)

    def skip(self, offset: int) -> int:
        return _WHITESPACE.match(self.text, offset).end()  # type: ignore[union-attr]

    def document(self) -> Any:
        start = self.skip(1 if self.text.startswith("\ufeff") else 0)
        value, end = self.value(start, 0)
        end = self.skip(end)
        if end != len(self.text):
            raise self.fail("Extra data after the JSON document", end)
        return value

    def value(self, offset: int, depth: int) -> tuple[Any, int]:
        if depth > MAX_DEPTH:
            raise self.fail(f"Nesting deeper than {MAX_DEPTH} levels", offset)
        char = self.text[offset : offset + 1]
        if char == "{":
            return self.object(offset, depth)
        if char == "[":
            return self.array(offset, depth)
        if char == '"':
            return self.string(offset)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, offset):
                return literal, offset + len(word)
        number = _NUMBER.match(self.text, offset)
        if number:
            integer, fraction, exponent = number.groups()
            if fraction or exponent:
                return float(integer + (fraction or "") + (exponent or "")), number.end()
            return int(integer), number.end()
        raise self.fail("Expecting value", offset)

    def unmarked(self, offset: int) -> tuple[Any, int]:
        try:
            return self.bulk.raw_decode(self.text, offset)
        except json.JSONDecodeError as error:
            raise self.fail(error.msg, error.pos) from None
        except ValueError as error:  # NaN / Infinity
            raise self.fail(str(error), offset) from None
        except RecursionError:
            raise self.fail(f"Nesting deeper than {MAX_DEPTH} levels", offset) from None

    def string(self, offset: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, offset + 1, True)
        except json.JSONDecodeError as error:
            raise self.fail(error.msg, error.pos) from None

    def object(self, offset: int, depth: int) -> tuple[MarkedDict, int]:
        result = MarkedDict(self.mark(offset))
        cursor = self.skip(offset + 1)
        if self.text.startswith("}", cursor):
            return result, cursor + 1
        while True:
            if not self.text.startswith('"', cursor):
                raise self.fail("Expecting property name enclosed in double quotes", cursor)
            key_offset = cursor
            key, cursor = self.string(cursor)
            if key in result:
                raise self.fail(f"Duplicate key {key!r}", key_offset)
            cursor = self.skip(cursor)
            if not self.text.startswith(":", cursor):
                raise self.fail("Expecting ':' delimiter", cursor)
            cursor = self.skip(cursor + 1)
            if key in BULK_KEYS and depth > 0:
                item, cursor = self.unmarked(cursor)
            else:
                item, cursor = self.value(cursor, depth + 1)
            result[key] = item
            result.key_marks[key] = self.mark(key_offset)
            cursor = self.skip(cursor)
            if self.text.startswith("}", cursor):
                return result, cursor + 1
            if not self.text.startswith(",", cursor):
                raise self.fail("Expecting ',' delimiter", cursor)
            cursor = self.skip(cursor + 1)

    def array(self, offset: int, depth: int) -> tuple[MarkedList, int]:
        result = MarkedList(self.mark(offset))
        cursor = self.skip(offset + 1)
        if self.text.startswith("]", cursor):
            return result, cursor + 1
        while True:
            result.item_marks.append(self.mark(cursor))
            item, cursor = self.value(cursor, depth + 1)
            result.append(item)
            cursor = self.skip(cursor)
            if self.text.startswith("]", cursor):
                return result, cursor + 1
            if not self.text.startswith(",", cursor):
                raise self.fail("Expecting ',' delimiter", cursor)
            cursor = self.skip(cursor + 1)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Expecting value ({name} is not JSON)")


def load_json(text: str) -> Any:
    """Parse JSON text into marked containers; raises :class:`SyntaxProblem`."""
    return _JsonReader(text).document()


# --------------------------------------------------------------------------- YAML

SHORT_FORM_FUNCTIONS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "Sub", "GetAtt", "Join", "Select", "If", "Equals", "Not", "And", "Or",
            "FindInMap", "Base64", "Split", "ImportValue", "GetAZs", "Cidr", "Transform",
            "Length", "ToJsonString",
        )
    },
}
"""Short-form tag name -> long-form key.  Loading a tag is not resolving it: the
resolver decides later which functions it can evaluate and names the rest."""


class CloudFormationYamlLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation's short-form tags and keeps marks."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not supported by CloudFormation",
                problem_mark=event.start_mark,
            )
        self.depth = getattr(self, "depth", 0) + 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels",
                    problem_mark=self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_marked_mapping(self, node: yaml.MappingNode) -> MarkedDict:
        result = MarkedDict(_yaml_mark(node))
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key] = _yaml_mark(key_node)
        return result

    def construct_marked_sequence(self, node: yaml.SequenceNode) -> MarkedList:
        result = MarkedList(_yaml_mark(node))
        for item in node.value:
            result.item_marks.append(_yaml_mark(item))
            result.append(self.construct_object(item, deep=True))
        return result

    def construct_timestamp_as_text(self, node: yaml.ScalarNode) -> str:
        # CloudFormation reads `AWSTemplateFormatVersion: 2010-09-09` as a string.
        return str(node.value)

    def construct_intrinsic(self, node: yaml.Node) -> MarkedDict:
        name = node.tag[1:]
        function = SHORT_FORM_FUNCTIONS[name]
        if isinstance(node, yaml.ScalarNode):
            argument: Any = node.value
            if function == "Fn::GetAtt":
                argument = _split_get_att(node.value, _yaml_mark(node))
        elif isinstance(node, yaml.SequenceNode):
            argument = self.construct_marked_sequence(node)
        else:
            argument = self.construct_marked_mapping(node)
        result = MarkedDict(_yaml_mark(node))
        result[function] = argument
        result.key_marks[function] = _yaml_mark(node)
        return result

    def construct_unknown_tag(self, suffix: str, node: yaml.Node) -> Any:
        raise yaml.MarkedYAMLError(
            problem=f"unknown tag {node.tag!r}", problem_mark=node.start_mark
        )


def _yaml_mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _split_get_att(text: str, mark: Mark) -> MarkedList:
    logical_id, _, attribute = text.partition(".")
    result = MarkedList(mark)
    result.extend([logical_id, attribute])
    result.item_marks.extend([mark, mark])
    return result


CloudFormationYamlLoader.add_constructor(
    "tag:yaml.org,2002:map", CloudFormationYamlLoader.construct_marked_mapping
)
CloudFormationYamlLoader.add_constructor(
    "tag:yaml.org,2002:seq", CloudFormationYamlLoader.construct_marked_sequence
)
CloudFormationYamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", CloudFormationYamlLoader.construct_timestamp_as_text
)
for _tag in SHORT_FORM_FUNCTIONS:
    CloudFormationYamlLoader.add_constructor(
        f"!{_tag}", CloudFormationYamlLoader.construct_intrinsic
    )
CloudFormationYamlLoader.add_multi_constructor(
    "!", CloudFormationYamlLoader.construct_unknown_tag
)
CloudFormationYamlLoader.add_multi_constructor(
    "tag:", CloudFormationYamlLoader.construct_unknown_tag
)


def load_yaml(text: str) -> Any:
    """Parse one YAML document into marked containers; raises :class:`SyntaxProblem`."""
    loader = None
    try:
        loader = CloudFormationYamlLoader(text)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        context = error.context or ""
        if context and error.context_mark and error.problem_mark:
            started = error.context_mark
            context = f"{context} (started at {started.line + 1}:{started.column + 1})"
        message = ": ".join(part for part in (context, error.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SyntaxProblem(message or "invalid YAML", line, column) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise SyntaxProblem(f"character {error.character:#x} is not allowed in YAML", line,
                            column) from None
    except yaml.YAMLError as error:
        raise SyntaxProblem(str(error), 1, 1) from None
    finally:
        if loader is not None:
            loader.dispose()

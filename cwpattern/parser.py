"""Pattern text to expression tree, with AWS's validation rules and error texts.

Parsing happens in three steps.  ``classify`` applies spec §2 (length limit first,
then the first character decides the family).  The Lark LALR grammar in
``filter_pattern.lark`` recognises the family's syntax.  ``_Builder`` turns the Lark
tree into the typed tree of ``cwpattern.nodes`` and applies every rule the grammar
cannot express: characters AWS rejects in a term, selector steps, regex bodies, value
types per operator, and the quotas of spec §8.  Every failure is a ``PatternError``
with AWS's message and the position in the original pattern.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from cwpattern import ambiguities, messages
from cwpattern.errors import PatternError
from cwpattern.events import NUMBER
from cwpattern.nodes import (
    Comparator,
    EllipsisSlot,
    FieldAnd,
    FieldCompare,
    FieldExpr,
    FieldOr,
    FieldSlot,
    JsonAnd,
    JsonCompare,
    JsonConstant,
    JsonExpr,
    JsonIs,
    JsonNotExists,
    JsonOr,
    JsonPattern,
    NumberValue,
    Pattern,
    Regex,
    RegexPattern,
    Selector,
    SpacePattern,
    Step,
    StringValue,
    Term,
    TermKind,
    TextPattern,
    Value,
)
from cwpattern.regex import RegexRejected, compile_regex
from cwpattern.selectors import SelectorError, parse_steps

GRAMMAR_PATH = Path(__file__).with_name("filter_pattern.lark")
MAX_REGEXES = 2
MAX_WILDCARDS_PER_SELECTOR = 1
MAX_WILDCARD_SELECTORS = 3
PATTERN_WHITESPACE = " \t\r\n\f\v"
_ORDERING = (Comparator.LT, Comparator.GT, Comparator.LE, Comparator.GE)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@functools.cache
def _lark() -> Lark:
    """The LALR parser, built once per process (and cached on disk by Lark)."""
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=["text_pattern", "regex_pattern", "json_pattern", "space_pattern"],
        propagate_positions=False,
        maybe_placeholders=True,
        cache=True,
    )


def parse(pattern: str) -> Pattern:
    """Parse a filter pattern into its expression tree, or raise PatternError."""
    if not isinstance(pattern, str):
        raise TypeError(f"a filter pattern is a str, not {type(pattern).__name__}")
    if len(pattern) > messages.MAX_PATTERN_LENGTH:
        raise PatternError(messages.too_long(pattern), pattern, messages.MAX_PATTERN_LENGTH,
                           f"the pattern is {len(pattern)} characters long")
    surrogate = _LONE_SURROGATE.search(pattern)
    if surrogate:
        # A str from a decoded "\ud800" escape is not Unicode text: it cannot be sent to
        # AWS as UTF-8, nor searched for in a UTF-8 event.
        raise PatternError(messages.INVALID_PATTERN, pattern, surrogate.start(),
                           "the pattern contains a lone surrogate code point (U+D800-U+DFFF), "
                           "which is not valid Unicode text")
    body = pattern.strip(PATTERN_WHITESPACE)
    offset = len(pattern) - len(pattern.lstrip(PATTERN_WHITESPACE))
    start = classify(body)
    if start == "json_pattern" and not body.endswith("}"):
        raise PatternError(messages.UNTERMINATED_JSON, pattern, len(pattern))
    if start == "space_pattern" and not body.endswith("]"):
        raise PatternError(messages.INVALID_PATTERN, pattern, len(pattern),
                           "a pattern that starts with '[' must end with ']'")
    if not body:
        return TextPattern()
    try:
        tree = _lark().parse(body, start=start)
    except UnexpectedInput as error:
        raise _syntax_error(error, pattern, offset, body) from None
    return _Builder(pattern, offset).build(tree)


def classify(body: str) -> str:
    """The grammar start rule for a trimmed pattern (spec §2)."""
    if body.startswith("{"):
        return "json_pattern"
    if body.startswith("["):
        return "space_pattern"
    if len(body) >= 2 and body.startswith("%") and body.endswith("%"):
        return "regex_pattern"
    return "text_pattern"


def _syntax_error(error: UnexpectedInput, pattern: str, offset: int, body: str) -> PatternError:
    if isinstance(error, UnexpectedCharacters):
        pos = error.pos_in_stream
        char = body[pos]
        if char in ambiguities.TERM_CHARS_REJECTED_AS_INVALID_CHARACTER:
            return PatternError(messages.invalid_character(char), pattern, offset + pos)
        hint = ("unterminated quoted string" if char == '"'
                else f"unexpected character {char!r}{_expectation(error.allowed)}")
        return PatternError(messages.INVALID_PATTERN, pattern, offset + pos, hint)
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        token = error.token
        if token.value in ambiguities.TERM_CHARS_REJECTED_AS_INVALID_CHARACTER:
            return PatternError(messages.invalid_character(token.value), pattern,
                                offset + token.start_pos)
        return PatternError(messages.INVALID_PATTERN, pattern, offset + token.start_pos,
                            f"unexpected {token.value!r}{_expectation(error.expected)}")
    assert isinstance(error, UnexpectedEOF | UnexpectedToken)
    return PatternError(messages.INVALID_PATTERN, pattern, offset + len(body),
                        "the pattern ends too early")


#: Grammar terminals in words, for "expected ..." hints.
_TERMINAL_NAMES = {
    "SELECTOR": "a selector such as $.eventName",
    "COMPARATOR": "an operator (= != < > <= >=)",
    "IS": "IS",
    "NOT": "NOT EXISTS",
    "JSON_CONSTANT": "TRUE, FALSE or NULL",
    "FIELD_NAME": "a field name",
    "ELLIPSIS": "...",
    "PHRASE": "a quoted string",
    "REGEX": "a %regex%",
    "JSON_WORD": "a value",
    "FIELD_WORD": "a value",
    "AND": "&&",
    "OR": "||",
    "RPAR": "')'",
    "RBRACE": "'}'",
    "RSQB": "']'",
    "COMMA": "','",
    "LPAR": "'('",
}


def _expectation(expected: set[str] | None) -> str:
    names = sorted({_TERMINAL_NAMES[name] for name in expected or () if name in _TERMINAL_NAMES})
    return f"; expected {' or '.join(names)}" if names else ""


class _Builder:
    """Lark tree to typed tree, for one pattern (holds its text, offset and quotas)."""

    def __init__(self, pattern: str, offset: int):
        self.pattern = pattern
        self.offset = offset
        self.regex_count = 0
        self.wildcard_selectors = 0

    def reject(self, message: str, token_pos: int, hint: str | None = None) -> PatternError:
        return PatternError(message, self.pattern, self.offset + token_pos, hint)

    def build(self, tree: Tree) -> Pattern:
        builder = {
            "text_pattern": self.text_pattern,
            "regex_pattern": self.regex_pattern,
            "json_pattern": self.json_pattern,
            "space_pattern": self.space_pattern,
        }[tree.data]
        return builder(tree)

    # ---------------------------------------------------------------------- text

    def text_pattern(self, tree: Tree) -> TextPattern:
        terms = tuple(self.term(node) for node in tree.children)
        if ambiguities.QUOTED_SPACE_MATCHES_ALL and terms == (Term(" "),):
            return TextPattern()
        return TextPattern(terms)

    def term(self, node: Tree) -> Term:
        prefix, token = node.children if len(node.children) == 2 else (None, node.children[0])
        kind = TermKind(prefix.value) if prefix is not None else TermKind.REQUIRED
        if prefix is not None and prefix.end_pos != token.start_pos \
                and not ambiguities.DETACHED_PREFIX_ALLOWED:
            raise self.reject(messages.INVALID_PATTERN, prefix.start_pos,
                              "a '?' or '-' prefix must touch its term")
        if token.type == "PHRASE":
            return Term(unquote(token.value), kind)
        self.check_word(token)
        return Term(token.value, kind)

    def check_word(self, token: Token) -> None:
        word = token.value
        if len(word) >= 2 and word.startswith("%") and word.endswith("%"):
            raise self.reject(messages.INVALID_PATTERN, token.start_pos,
                              "a %regex% must be the whole pattern; it cannot be combined "
                              "with other terms")
        for index, char in enumerate(word):
            if char in ambiguities.TERM_CHARS_REJECTED_AS_INVALID_CHARACTER:
                raise self.reject(messages.invalid_character(char), token.start_pos + index,
                                  "quote the term to use this character")
            if char in ambiguities.TERM_CHARS_REJECTED_AS_INVALID_PATTERN:
                raise self.reject(messages.INVALID_PATTERN, token.start_pos + index,
                                  f"{char!r} is not allowed in an unquoted term; quote the "
                                  "term")

    # --------------------------------------------------------------------- regex

    def regex_pattern(self, tree: Tree) -> RegexPattern:
        return RegexPattern(self.regex(tree.children[0], standalone=True))

    def regex(self, token: Token, standalone: bool = False) -> Regex:
        body = token.value[1:-1]
        try:
            compile_regex(body)
        except RegexRejected as error:
            raise self.reject(error.message, token.start_pos + 1 + error.offset,
                              error.hint) from None
        if not standalone:
            self.regex_count += 1
            if self.regex_count > MAX_REGEXES:
                raise self.reject(messages.INVALID_PATTERN, token.start_pos,
                                  f"a filter pattern may hold at most {MAX_REGEXES} regular "
                                  "expressions")
        return Regex(body)

    # ---------------------------------------------------------------------- JSON

    def json_pattern(self, tree: Tree) -> JsonPattern:
        return JsonPattern(self.json_expr(tree.children[0]))

    def json_expr(self, node: Tree) -> JsonExpr:
        if node.data == "json_or":
            return JsonOr(_flatten(JsonOr, [self.json_expr(c) for c in _operands(node)]))
        if node.data == "json_and":
            return JsonAnd(_flatten(JsonAnd, [self.json_expr(c) for c in _operands(node)]))
        selector = self.selector(node.children[0])
        if node.data == "json_is":
            return JsonIs(selector, JsonConstant(node.children[1].value))
        if node.data == "json_not_exists":
            return JsonNotExists(selector)
        comparator_token, value_tree = node.children[1], node.children[2]
        comparator = Comparator(comparator_token.value)
        return JsonCompare(selector, comparator,
                           self.value(value_tree.children[0], comparator, comparator_token))

    def selector(self, token: Token) -> Selector:
        selector = Selector(tuple(self.steps(token)))
        wildcards = selector.wildcard_count
        if wildcards > MAX_WILDCARDS_PER_SELECTOR:
            raise self.reject(messages.INVALID_PATTERN, token.start_pos,
                              "a selector may hold at most one wildcard")
        if wildcards:
            self.wildcard_selectors += 1
            if self.wildcard_selectors > MAX_WILDCARD_SELECTORS:
                raise self.reject(messages.INVALID_PATTERN, token.start_pos,
                                  f"a pattern may hold at most {MAX_WILDCARD_SELECTORS} "
                                  "selectors with wildcards")
        return selector

    def steps(self, token: Token) -> list[Step]:
        try:
            return parse_steps(token.value)
        except SelectorError as error:
            raise self.reject(error.message, token.start_pos + error.pos, error.hint) from None

    # ----------------------------------------------------------- space-delimited

    def space_pattern(self, tree: Tree) -> SpacePattern:
        slots = [self.slot(node) for node in tree.children]
        if slots == [FieldSlot()]:
            return SpacePattern()
        ellipses = [node.children[0] for node in tree.children
                    if isinstance(node.children[0], Token) and node.children[0].type == "ELLIPSIS"]
        limit = ambiguities.MAX_ELLIPSES
        if len(ellipses) > limit:
            raise self.reject(messages.INVALID_PATTERN, ellipses[limit].start_pos,
                              f"a pattern may hold at most {limit} '...'")
        return SpacePattern(tuple(slots))

    def slot(self, node: Tree) -> FieldSlot | EllipsisSlot:
        content = node.children[0]
        if content is None:
            return FieldSlot()
        if isinstance(content, Token):
            return EllipsisSlot() if content.type == "ELLIPSIS" else FieldSlot(content.value)
        names: set[str] = set()
        condition = self.field_expr(content, names)
        if len(names) > 1:
            raise self.reject(messages.INVALID_PATTERN, _first_pos(content),
                              "conditions in one slot must all test that slot's field, "
                              f"not {', '.join(sorted(names))}")
        return FieldSlot(names.pop(), condition)

    def field_expr(self, node: Tree, names: set[str]) -> FieldExpr:
        if node.data == "field_or":
            return FieldOr(_flatten(FieldOr, [self.field_expr(c, names) for c in _operands(node)]))
        if node.data == "field_and":
            return FieldAnd(
                _flatten(FieldAnd, [self.field_expr(c, names) for c in _operands(node)]))
        name, comparator_token, value_tree = node.children
        names.add(name.value)
        comparator = Comparator(comparator_token.value)
        return FieldCompare(comparator,
                            self.value(value_tree.children[0], comparator, comparator_token))

    # -------------------------------------------------------------------- values

    def value(self, token: Token, comparator: Comparator, comparator_token: Token) -> Value:
        if token.type == "REGEX":
            value: Value = self.regex(token)
        elif token.type == "PHRASE":
            value = StringValue(unquote(token.value))
        elif NUMBER.fullmatch(token.value):
            value = NumberValue(token.value)
        else:
            value = StringValue(token.value)
        if comparator in _ORDERING and not isinstance(value, NumberValue):
            raise self.reject(messages.INVALID_PATTERN, token.start_pos,
                              f"{comparator_token.value!r} compares numbers; "
                              f"{token.value!r} is not a number")
        return value


def unquote(quoted: str) -> str:
    """The text of a ``"..."`` token: ``\\"`` and ``\\\\`` are escapes, others literal."""
    body = quoted[1:-1]
    if "\\" not in body:
        return body
    return re.sub(r'\\(["\\])', r"\1", body)


def _operands(node: Tree) -> list[Tree]:
    """The operand subtrees of an ``&&``/``||`` node (the operator tokens dropped)."""
    return [child for child in node.children if isinstance(child, Tree)]


def _flatten(kind: type, operands: list) -> tuple:
    flat: list = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, kind) else (operand,))
    return tuple(flat)


def _first_pos(node: Tree) -> int:
    for token in node.scan_values(lambda value: isinstance(value, Token)):
        return token.start_pos
    return 0

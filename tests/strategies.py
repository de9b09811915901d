"""Hypothesis strategies: valid filter patterns of every syntax, and events built from a
pattern to match it or only just miss.

Patterns are generated as trees, rule by rule from the grammar (spec §3-§6): terms and
phrases with ``?``/``-``; standalone regexes from AWS's character subset; JSON
conditions with every selector step (``.name``, ``['key']``, ``[N]``, ``.*``, ``[*]``),
operator and value kind, inside the wildcard and regex quotas; space-delimited slots
with ``...``, names and conditions.  Every tree is one the parser produces, so printing
and parsing must give it back; ``spellings(tree)`` writes it in any of the other ways
the parser accepts (quoting, barewords, bracket keys, parentheses, whitespace).

Events are built from the tree.  A target (match or not) is pushed down the ``&&``/``||``
structure to each condition, which then gets a value that satisfies it or just misses
it (a changed character, a number one off, a missing key, an array instead of a
scalar...).  JSON documents are assembled from the pattern's selectors and written with
shuffled keys, any whitespace, ``\\u`` and ``\\/`` escapes and other number spellings;
space-delimited lines get the pattern's field count, one more or one fewer, with quoted
and bracketed fields; text gets the terms or loses one.  About half of the events match
(``benchmarks/strategy_mix.py`` measures it per syntax).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import string
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from cwpattern.events import NUMBER
from cwpattern.nodes import (
    AnyIndex,
    AnyKey,
    Comparator,
    EllipsisSlot,
    FieldAnd,
    FieldCompare,
    FieldExpr,
    FieldOr,
    FieldSlot,
    Index,
    JsonAnd,
    JsonCompare,
    JsonConstant,
    JsonExpr,
    JsonIs,
    JsonNotExists,
    JsonOr,
    JsonPattern,
    Key,
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
from cwpattern.parser import MAX_REGEXES, MAX_WILDCARD_SELECTORS
from cwpattern.printer import selector_text, to_text
from cwpattern.regex import translate

#: ``CWPATTERN_HYPOTHESIS_SCALE=50 pytest tests/test_properties.py`` runs 50 times as many
#: examples as the suite's time budget allows (a deep run before a release).
SCALE = float(os.environ.get("CWPATTERN_HYPOTHESIS_SCALE", "1"))


def examples(count: int) -> int:
    """``count`` hypothesis examples, scaled by CWPATTERN_HYPOTHESIS_SCALE."""
    return max(1, round(count * SCALE))


# ------------------------------------------------------------------------ vocabulary

#: Object keys: plain names, and keys that need ``['...']`` (dots, spaces, operators).
KEYS = ["a", "b", "error-code", "x.y", "n", "list", "0", "A_1", "with space", "é", 'q"t',
        "a)|&}", "]", "*", "$", ""]
#: Words for terms and values: plain, punctuated, quoted-only, non-ASCII, empty.
WORDS = ["ERROR", "WARN", "abc", "Get", "Denied", "404", "ab c", 'q"t', "back\\slash", "é",
         "", "NULL", "TRUE", "x.y", "a-b", "日本", "😀", "tab\there"]
NUMBERS = ["0", "1", "-5", "2.5", "1e3", "+7", "404", "10e-3", "-0", "007", "1e400",
           "18446744073709551617", "0.1"]
REGEXES = ["ab+c", "^Get", "Denied$", "\\d{2,3}", "a|b", "[a-c]x", "x{,2}y", "\\x41", "e.r"]

#: Characters of generated text: letters, digits, JSON/pattern punctuation, whitespace,
#: non-ASCII (two-, three- and four-byte UTF-8) and a NUL.
TEXT_ALPHABET = (string.ascii_letters + string.digits + ' *"\\-_.:,()[]{}%?!@/&|=<>$\'#'
                 + "\t\néß日😀\x00")
_FILLER = string.ascii_letters + string.digits + " -_.:/"

words = st.sampled_from(WORDS)
texts = st.one_of(words, st.text(alphabet=TEXT_ALPHABET, max_size=8))
number_texts = st.one_of(
    st.sampled_from(NUMBERS),
    st.builds(lambda sign, whole, fraction, exponent: sign + whole + fraction + exponent,
              st.sampled_from(["", "-", "+"]),
              st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["0", "00", "999"])),
              st.sampled_from(["", "", ".5", ".0", ".25", ".001"]),
              st.sampled_from(["", "", "", "e3", "E+2", "e-3", "e0", "e308"])),
)
numbers = number_texts
star_values = st.builds(
    lambda w, lead, trail: ("*" if lead else "") + w + ("*" if trail else ""),
    words, st.booleans(), st.booleans())
mid_star_values = st.builds(lambda a, b: f"{a}*{b}", words.filter(bool), words.filter(bool))
string_values = st.one_of(star_values, mid_star_values, texts, st.sampled_from(["*", "**"])
                          ).map(StringValue)

# ---------------------------------------------------------------------------- regex

_REGEX_LITERALS = string.ascii_letters + string.digits + ":_#=@/;,- "
_REGEX_ESCAPES = ["\\d", "\\D", "\\s", "\\S", "\\w", "\\W", "\\x41", "\\x28", "\\x3A", "\\x7e",
                  "\\.", "\\*", "\\+", "\\?", "\\[", "\\]", "\\{", "\\}", "\\|", "\\\\", "\\^",
                  "\\$"]
_CLASS_ITEMS = ["a-c", "0-9", "A-F", "x", "_", ":", "#", "=", "@", "/", ";", ",", ".", "*",
                "+", "?", "|", "$", "\\d", "\\s", "\\w", "\\]", "\\x41"]
_QUANTIFIERS = ["", "", "", "", "?", "*", "+", "{2}", "{1,3}", "{,2}", "{2,}", "{0,1}",
                "{1, 2}", "*?"]

regex_classes = st.builds(lambda negated, items: "[" + "^" * negated + "".join(items) + "]",
                          st.booleans(), st.lists(st.sampled_from(_CLASS_ITEMS), min_size=1,
                                                  max_size=3, unique=True))
regex_atoms = st.one_of(st.sampled_from(_REGEX_LITERALS), st.just("."),
                        st.sampled_from(_REGEX_ESCAPES), regex_classes, st.just("}"))
regex_pieces = st.builds(str.__add__, regex_atoms, st.sampled_from(_QUANTIFIERS))
regex_branches = st.builds(lambda start, pieces, end: "^" * start + "".join(pieces) + "$" * end,
                           st.booleans(), st.lists(regex_pieces, min_size=1, max_size=4),
                           st.booleans())
generated_regexes = st.lists(regex_branches, min_size=1, max_size=3).map("|".join)
regexes = st.one_of(st.sampled_from(REGEXES), generated_regexes).map(Regex)

# ------------------------------------------------------------------------------ text

terms = st.builds(Term, st.one_of(texts, st.from_regex(r"[A-Za-z0-9_]{1,8}", fullmatch=True)),
                  st.sampled_from(list(TermKind)))
text_patterns = st.lists(terms, max_size=5).map(lambda ts: TextPattern(tuple(ts))).filter(
    lambda p: p.terms != (Term(" "),))
regex_patterns = regexes.map(RegexPattern)

# ------------------------------------------------------------------------------ JSON

key_names = st.sampled_from(KEYS)
plain_steps = st.one_of(key_names.map(Key), key_names.map(Key),
                        st.sampled_from([0, 0, 1, 2, 3, 10]).map(Index))


@st.composite
def selectors(draw, allow_wildcard: bool = True) -> Selector:
    """``$`` and 1-4 steps, at most one of them a wildcard (spec §5.2)."""
    count = draw(st.integers(1, 4))
    wildcard_at = draw(st.integers(0, count - 1)) if allow_wildcard and draw(st.booleans()) \
        else None
    steps: list[Step] = []
    for position in range(count):
        if position == wildcard_at:
            steps.append(AnyKey() if position == 0 else draw(st.sampled_from([AnyKey(),
                                                                               AnyIndex()])))
        elif position == 0:
            steps.append(Key(draw(key_names)))
        else:
            steps.append(draw(plain_steps))
    return Selector(tuple(steps))


EQUALITY = st.sampled_from([Comparator.EQ, Comparator.NE])


def json_conditions(wildcards: bool = True):
    selector = selectors(allow_wildcard=wildcards)
    return st.one_of(
        st.builds(JsonCompare, selector, EQUALITY, string_values),
        st.builds(JsonCompare, selector, st.sampled_from(list(Comparator)),
                  number_texts.map(NumberValue)),
        st.builds(JsonCompare, selector, EQUALITY, regexes),
        st.builds(JsonIs, selector, st.sampled_from(list(JsonConstant))),
        st.builds(JsonNotExists, selector),
    )


def _combine(kind):
    def build(operands):
        flat = []
        for operand in operands:
            flat.extend(operand.operands if isinstance(operand, kind) else (operand,))
        return kind(tuple(flat))
    return build


def json_exprs(wildcards: bool = True):
    return st.recursive(
        json_conditions(wildcards),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(_combine(JsonAnd)),
            st.lists(inner, min_size=2, max_size=3).map(_combine(JsonOr)),
        ),
        max_leaves=6,
    )


class _Quotas:
    """Rewrites leaves past the quotas of spec §8 (2 regexes, 3 wildcard selectors)."""

    def __init__(self) -> None:
        self.regexes = 0
        self.wildcards = 0

    def value(self, value: Value) -> Value:
        if isinstance(value, Regex):
            self.regexes += 1
            if self.regexes > MAX_REGEXES:
                return StringValue(value.source)
        return value

    def selector(self, selector: Selector) -> Selector:
        if not selector.wildcard_count:
            return selector
        self.wildcards += 1
        if self.wildcards <= MAX_WILDCARD_SELECTORS:
            return selector
        return Selector(tuple(Key("a") if isinstance(step, AnyKey)
                              else Index(0) if isinstance(step, AnyIndex) else step
                              for step in selector.steps))

    def json(self, expr: JsonExpr) -> JsonExpr:
        if isinstance(expr, JsonAnd | JsonOr):
            return type(expr)(tuple(self.json(operand) for operand in expr.operands))
        selector = self.selector(expr.selector)
        if isinstance(expr, JsonCompare):
            return JsonCompare(selector, expr.comparator, self.value(expr.value))
        return type(expr)(selector, expr.constant) if isinstance(expr, JsonIs) \
            else JsonNotExists(selector)

    def field(self, expr: FieldExpr) -> FieldExpr:
        if isinstance(expr, FieldAnd | FieldOr):
            return type(expr)(tuple(self.field(operand) for operand in expr.operands))
        return FieldCompare(expr.comparator, self.value(expr.value))


def within_quotas(pattern: Pattern) -> Pattern:
    """The pattern with leaves past the regex and wildcard quotas made plain."""
    quotas = _Quotas()
    if isinstance(pattern, JsonPattern):
        return JsonPattern(quotas.json(pattern.expr))
    if isinstance(pattern, SpacePattern):
        return SpacePattern(tuple(
            FieldSlot(slot.name, quotas.field(slot.condition))
            if isinstance(slot, FieldSlot) and slot.condition is not None else slot
            for slot in pattern.slots))
    return pattern


def _short_enough(pattern: Pattern) -> bool:
    return len(to_text(pattern)) <= 1024


json_patterns = json_exprs().map(JsonPattern).map(within_quotas).filter(_short_enough)

# -------------------------------------------------------------------- space-delimited

field_names = st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True)
field_values = st.one_of(string_values, number_texts.map(NumberValue), regexes)
field_compares = st.one_of(
    st.builds(FieldCompare, EQUALITY, field_values),
    st.builds(FieldCompare, st.sampled_from(list(Comparator)), number_texts.map(NumberValue)),
)
field_ands = st.lists(field_compares, min_size=1, max_size=2).map(
    lambda ops: ops[0] if len(ops) == 1 else FieldAnd(tuple(ops)))
field_exprs = st.lists(field_ands, min_size=1, max_size=2).map(
    lambda ops: ops[0] if len(ops) == 1 else FieldOr(tuple(ops)))
named_slots = st.builds(FieldSlot, field_names, st.one_of(st.none(), field_exprs, field_exprs))
slots = st.one_of(named_slots, named_slots, st.just(FieldSlot()))


@st.composite
def space_patterns(draw) -> SpacePattern:
    chosen = draw(st.lists(slots, max_size=5))
    if draw(st.booleans()):
        chosen.insert(draw(st.integers(0, len(chosen))), EllipsisSlot())
    if chosen == [FieldSlot()]:
        chosen = []
    return SpacePattern(tuple(chosen))


space_patterns_ok = space_patterns().map(within_quotas).filter(_short_enough)

patterns = st.one_of(text_patterns, regex_patterns, json_patterns, space_patterns_ok)
PATTERNS_BY_SYNTAX = {"text": text_patterns, "regex": regex_patterns, "json": json_patterns,
                      "space": space_patterns_ok}

# ------------------------------------------------------------------------ spellings

_PLAIN_WORD = re.compile(r"[A-Za-z0-9_]+")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: Unquoted terms: no character AWS rejects, no quote, prefix or whitespace, and no
#: first character that would make the pattern JSON, space-delimited or a regex.
_UNQUOTED_TERM = re.compile(r"[^\s\"?\-:,(\\`\[@/{%][^\s\":,(\\`\[@/]*")
#: Barewords the JSON and space-delimited lexers read as one value.
_BAREWORD = re.compile(r"[A-Za-z0-9_.*:/@#+~^!?$;é日-]+")
_SPACES = ["", " ", "  ", "\t", "\n", " \r\n "]


def _ws(rng: random.Random, required: bool = False) -> str:
    spacing = rng.choice(_SPACES)
    return spacing or (" " if required else "")


def _quote(text: str, rng: random.Random) -> str:
    """A ``"..."`` spelling of ``text``: backslashes escaped always or only where needed."""
    if rng.random() < 0.5:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = []
    for index, char in enumerate(text):
        following = text[index + 1: index + 2]
        if char == '"' or (char == "\\" and following in ('"', "\\", "")):
            out.append("\\" + char)
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _term_text(term: Term, rng: random.Random) -> tuple[str, bool]:
    """A term's spelling and whether it ends in a closing quote."""
    prefix = term.kind.value
    if prefix and rng.random() < 0.2:
        prefix += rng.choice([" ", "\t"])
    unquoted = _UNQUOTED_TERM.fullmatch(term.text) is not None \
        and not (term.text.startswith("%") and term.text.endswith("%"))
    if unquoted and (_PLAIN_WORD.fullmatch(term.text) or rng.random() < 0.6):
        return prefix + term.text, False
    return prefix + _quote(term.text, rng), True


def _value_text(value: Value, rng: random.Random, field: bool) -> str:
    if isinstance(value, Regex):
        return f"%{value.source}%"
    if isinstance(value, NumberValue):
        return value.text
    bare = (_BAREWORD.fullmatch(value.text) is not None and not NUMBER.fullmatch(value.text)
            and not (field and "]" in value.text))
    return value.text if bare and rng.random() < 0.6 else _quote(value.text, rng)


def _step_text(step: Step, first: bool, rng: random.Random) -> str:
    if isinstance(step, AnyKey):
        return ".*"
    if isinstance(step, AnyIndex):
        return "[*]"
    if isinstance(step, Index):
        return f"[{'0' * rng.choice([0, 0, 1, 2])}{step.index}]"
    if _PLAIN_KEY.fullmatch(step.name) and rng.random() < 0.7:
        return "." + step.name
    return ("." if first or rng.random() < 0.5 else "") + f"['{step.name}']"


def _selector_text(selector: Selector, rng: random.Random) -> str:
    return "$" + "".join(_step_text(step, i == 0, rng) for i, step in enumerate(selector.steps))


def _json_text(expr: JsonExpr, rng: random.Random, inside_and: bool = False) -> str:
    if isinstance(expr, JsonAnd | JsonOr):
        operator = "&&" if isinstance(expr, JsonAnd) else "||"
        joined = (_ws(rng) + operator + _ws(rng)).join(
            _json_text(operand, rng, inside_and=isinstance(expr, JsonAnd))
            for operand in expr.operands)
        needs_parentheses = isinstance(expr, JsonOr) and inside_and
        return f"({_ws(rng)}{joined}{_ws(rng)})" if needs_parentheses or rng.random() < 0.2 \
            else joined
    selector = _selector_text(expr.selector, rng)
    if isinstance(expr, JsonNotExists):
        text = f"{selector}{_ws(rng, True)}NOT{_ws(rng, True)}EXISTS"
    elif isinstance(expr, JsonIs):
        text = f"{selector}{_ws(rng, True)}IS{_ws(rng, True)}{expr.constant.value}"
    else:
        value = _value_text(expr.value, rng, field=False)
        text = f"{selector}{_ws(rng)}{expr.comparator.value}{_ws(rng)}{value}"
    return f"({_ws(rng)}{text}{_ws(rng)})" if rng.random() < 0.15 else text


def _field_text(name: str, expr: FieldExpr, rng: random.Random) -> str:
    if isinstance(expr, FieldAnd | FieldOr):
        operator = "&&" if isinstance(expr, FieldAnd) else "||"
        return (_ws(rng) + operator + _ws(rng)).join(_field_text(name, operand, rng)
                                                     for operand in expr.operands)
    value = _value_text(expr.value, rng, field=True)
    return f"{name}{_ws(rng)}{expr.comparator.value}{_ws(rng)}{value}"


def _slot_text(slot, rng: random.Random) -> str:
    if isinstance(slot, EllipsisSlot):
        body = "..."
    elif slot.condition is not None:
        body = _field_text(slot.name, slot.condition, rng)
    else:
        body = slot.name or ""
    return _ws(rng) + body + _ws(rng)


def spell(tree: Pattern, rng: random.Random) -> str:
    """One of the texts that parse to ``tree`` (random quoting, keys, parentheses, spaces)."""
    if isinstance(tree, TextPattern):
        out = []
        closed = True
        for term in tree.terms:
            text, quoted = _term_text(term, rng)
            out.append(_ws(rng, required=not (closed or text.startswith('"'))))
            out.append(text)
            closed = quoted
        return _ws(rng) + "".join(out) + _ws(rng)
    if isinstance(tree, RegexPattern):
        return f"{_ws(rng)}%{tree.regex.source}%{_ws(rng)}"
    if isinstance(tree, JsonPattern):
        return "{" + _ws(rng) + _json_text(tree.expr, rng) + _ws(rng) + "}"
    if not tree.slots:
        return rng.choice(["[]", "[ ]", " [\t] "])
    return "[" + ",".join(_slot_text(slot, rng) for slot in tree.slots) + "]"


def spellings(tree: Pattern):
    """Texts that parse to ``tree``; the printer's normal form is only one of them."""
    return st.randoms(use_true_random=True).map(lambda rng: spell(tree, rng))


# ------------------------------------------------------------------------ mutations

#: Every token of the grammar, the characters AWS rejects, and a few that matter to the
#: lexer (quotes, escapes, whitespace, non-ASCII, a lone surrogate).
PATTERN_TOKENS = [*'{}[]()$.=!<>&|"%*?-, :\\\'`@/#;+^~_', "a", "B", "0", "9", "é", "\t",
                  "\n", "\x00", "\ud800", "IS", "NOT", "EXISTS", "NULL", "TRUE", "FALSE",
                  "...", "&&", "||", "$.", "[*]", ".*", "['", "']", "\\x41", "\\d", "{2}",
                  "{0,9}", "1e400", "-0"]


def mutate(text: str, rng: random.Random) -> str:
    """One to three edits from the pattern alphabet: insert, delete, replace, duplicate."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(text))
        edit = rng.randrange(4)
        if edit == 0:
            text = text[:at] + rng.choice(PATTERN_TOKENS) + text[at:]
        elif edit == 1:
            text = text[:at] + text[at + rng.randint(1, 3):]
        elif edit == 2:
            text = text[:at] + rng.choice(PATTERN_TOKENS) + text[at + 1:]
        else:
            end = rng.randint(at, len(text))
            text = text[:end] + text[at:end] + text[end:]
    return text


# ---------------------------------------------------------------- targets and values

_MISSING: Any = object()
#: How often an event is built to match.  JSON aims higher because conditions on shared
#: selectors can make a match impossible; about half of the events end up matching.
AIM_AT_MATCH = 0.5
AIM_AT_JSON_MATCH = 0.6


def _aim(rng: random.Random, rate: float = AIM_AT_MATCH) -> bool:
    """Whether to build a matching event (drawn from ``rng``: hypothesis's own booleans
    lean towards False while it explores simple examples)."""
    return rng.random() < rate


def _instantiate(wildcard: str, rng: random.Random) -> str:
    """A string that a value with ``*`` wildcards matches (each ``*`` filled in)."""
    return "".join(piece if piece != "*" else _filler(rng) for piece in re.split(r"(\*)",
                                                                               wildcard))


def _filler(rng: random.Random, longest: int = 3) -> str:
    return "".join(rng.choice(_FILLER) for _ in range(rng.randint(0, longest)))


def _nearly(text: str, rng: random.Random) -> str:
    """``text`` with one small change: a character swapped, dropped, added, or case."""
    if not text:
        return rng.choice(["x", " "])
    index = rng.randrange(len(text))
    change = rng.randrange(4)
    if change == 0:
        return text[:index] + text[index + 1:]
    if change == 1:
        return text[:index] + rng.choice(_FILLER) + text[index:]
    if change == 2 and text.swapcase() != text:
        return text.swapcase()
    return text + rng.choice(_FILLER) if rng.random() < 0.5 else rng.choice(_FILLER) + text


def _broken(text: str, rng: random.Random) -> str:
    """``text`` with one character replaced or dropped, so it no longer contains ``text``."""
    if not text:
        return text
    index = rng.randrange(len(text))
    replacement = rng.choice([char for char in _FILLER if char != text[index]] + [""])
    return text[:index] + replacement + text[index + 1:]


@dataclass(frozen=True)
class _Sampler:
    """Draws through hypothesis (regex samples) and ``random`` (everything else)."""

    draw: Any
    rng: random.Random

    def regex_match(self, source: str) -> str:
        """A string in which the regex is found (usually), with some text around it."""
        pattern = re.compile(translate(source), re.ASCII)
        sample = self.draw(st.from_regex(pattern, fullmatch=True))
        if self.rng.random() < 0.3:
            # Text around the match, where no anchor forbids it.
            before = "" if "^" in source else _filler(self.rng)
            after = "" if "$" in source else _filler(self.rng)
            sample = before + sample + after
        return sample

    def regex_miss(self, source: str) -> str:
        """A small change to a match that Python's ``re`` no longer finds, if one of a few
        tries gives one (``re`` reads the generated subset as RE2 does)."""
        pattern = re.compile(translate(source), re.ASCII)
        candidate = _nearly(self.regex_match(source), self.rng)
        for _ in range(3):
            if not pattern.search(candidate):
                break
            candidate = _nearly(candidate, self.rng)
        return candidate

    def string_for(self, value: Value, wanted: bool) -> str:
        """A string that the ``=`` comparison with ``value`` accepts (or just misses)."""
        if isinstance(value, Regex):
            return self.regex_match(value.source) if wanted else self.regex_miss(value.source)
        if isinstance(value, NumberValue):
            return _number_field(value, wanted, self.rng)
        hit = _instantiate(value.text, self.rng)
        return hit if wanted else _nearly(hit, self.rng)


def _number_near(number: float, comparator: Comparator, wanted: bool,
                 rng: random.Random) -> float:
    """A number for which ``candidate <comparator> number`` is ``wanted``."""
    if math.isinf(number):
        return number if (comparator in (Comparator.EQ, Comparator.LE, Comparator.GE)) == wanted \
            else -number
    step = rng.choice([1, 0.5, 1e-3, abs(number) * 1e-6 or 1e-9])
    satisfied = {
        Comparator.EQ: [number], Comparator.NE: [number + step, number - step],
        Comparator.LT: [number - step], Comparator.GT: [number + step],
        Comparator.LE: [number, number - step], Comparator.GE: [number, number + step],
    }[comparator]
    if wanted:
        return rng.choice(satisfied)
    others = [candidate for candidate in (number, number + step, number - step)
              if candidate not in satisfied]
    return rng.choice(others or [number + 1])


def _as_json_number(number: float) -> int | float:
    return int(number) if number.is_integer() and abs(number) < 1e18 else number


def _number_field(value: NumberValue, wanted: bool, rng: random.Random) -> str:
    """A space-delimited field for ``= number``: its text, or another spelling of it."""
    number = value.value
    if wanted:
        if math.isinf(number) or rng.random() < 0.4:
            return value.text
        return rng.choice(_number_spellings(_as_json_number(number)))
    return rng.choice([str(_as_json_number(number + 1)) if not math.isinf(number) else "1",
                       value.text + "ms", value.text.replace("1", "1,", 1), "-", value.text + "x"])


def _number_spellings(number: int | float) -> list[str]:
    """JSON texts that all read as ``number``."""
    if isinstance(number, float):
        if math.isinf(number):
            return ["1e400" if number > 0 else "-1e400", "1E+999" if number > 0 else "-1E+999"]
        spellings = [repr(number), f"{number:.17g}"]
        if number.is_integer() and abs(number) < 1e15:
            spellings.append(f"{int(number)}.0")
        return [text for text in spellings if "inf" not in text and "nan" not in text]
    spellings = [str(number), f"{number}.0", f"{number}e0", f"{number}E+0"]
    zeros = len(str(abs(number))) - len(str(abs(number)).rstrip("0"))
    if number and zeros:
        spellings.append(f"{number // 10 ** zeros}e{zeros}")
    return spellings


# ------------------------------------------------------------------------ JSON events


class _Document:
    """A JSON object assembled from selectors; conflicting placements are skipped."""

    def __init__(self, rng: random.Random):
        self.root: dict[str, Any] = {}
        self.rng = rng

    def place(self, steps: tuple[Step, ...], value: Any) -> None:
        node: Any = self.root
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            following = None if last else steps[index + 1]
            fresh = value if last else ([] if isinstance(following, Index | AnyIndex) else {})
            node = self._step(node, step, fresh, last)
            if node is _MISSING:
                return

    def _step(self, node: Any, step: Step, fresh: Any, last: bool) -> Any:
        if isinstance(step, Key | AnyKey):
            if type(node) is not dict:
                return _MISSING
            name = step.name if isinstance(step, Key) else self.rng.choice([*KEYS, "w1", "w2"])
            if last or name not in node or type(node[name]) is not type(fresh):
                node[name] = fresh
            return node[name]
        if type(node) is not list:
            return _MISSING
        if isinstance(step, Index):
            while len(node) <= step.index:
                node.append(self.rng.choice([0, "x", None, {}]))
            position = step.index
        else:
            position = self.rng.randint(0, len(node))
            node.insert(position, fresh)
        if last or type(node[position]) is not type(fresh):
            node[position] = fresh
        return node[position]


_OTHER_SCALARS = [0, 1, -1, 2.5, "", "x", "true", "null", True, False, None]


class _JsonBuilder:
    """Pushes a match target down a JSON expression and places values to meet it."""

    def __init__(self, sampler: _Sampler):
        self.sampler = sampler
        self.rng = sampler.rng
        self.document = _Document(self.rng)

    def want(self, expr: JsonExpr, wanted: bool) -> None:
        if isinstance(expr, JsonAnd | JsonOr):
            self._combine(expr.operands, wanted, every=isinstance(expr, JsonAnd))
            return
        wildcard = expr.selector.wildcard_count > 0
        holds = self.condition_value(expr, wanted)
        if holds is _MISSING:
            return
        self.document.place(expr.selector.steps, holds)
        if wildcard and self.rng.random() < 0.5:
            # Another candidate for the wildcard: existential, so one that misses is harmless
            # to a match and one that does not exist is harmless to a miss.
            decoy = self.condition_value(expr, False)
            if decoy is not _MISSING and wanted:
                self.document.place(expr.selector.steps, decoy)

    def _combine(self, operands: tuple, wanted: bool, every: bool) -> None:
        decisive = self.rng.randrange(len(operands))
        for index, operand in enumerate(operands):
            if wanted == every or index == decisive:
                self.want(operand, wanted)
            else:
                self.want(operand, self.rng.random() < 0.5)

    def condition_value(self, condition: JsonExpr, wanted: bool) -> Any:
        """A value at the selector that makes the condition ``wanted``, or _MISSING."""
        rng = self.rng
        if isinstance(condition, JsonNotExists):
            return _MISSING if wanted else rng.choice([*_OTHER_SCALARS, [], {}])
        if not wanted and rng.random() < 0.25:
            # Missing, or inside an array or object: no comparison holds (spec §5.3).
            holds = self.condition_value(condition, True)
            return rng.choice([_MISSING, [] if holds is _MISSING else [holds], {"k": 1}])
        if isinstance(condition, JsonIs):
            constant = {JsonConstant.TRUE: True, JsonConstant.FALSE: False,
                        JsonConstant.NULL: None}[condition.constant]
            if wanted:
                return constant
            return rng.choice([other for other in _OTHER_SCALARS if other is not constant])
        assert isinstance(condition, JsonCompare)
        value, comparator = condition.value, condition.comparator
        if isinstance(value, NumberValue):
            if not wanted and rng.random() < 0.2:
                return value.text
            return _as_json_number(_number_near(value.value, comparator, wanted, rng))
        equal_wanted = wanted == (comparator is Comparator.EQ)
        if isinstance(value, StringValue) and value.text and not value.text.strip("*"):
            if comparator is Comparator.NE:
                return _MISSING if wanted else rng.choice(["x", 1])
            return rng.choice(["x", "", 7, 2.5]) if wanted else rng.choice([None, True, [1]])
        return self.sampler.string_for(value, equal_wanted)


def _noise(document: dict[str, Any], rng: random.Random) -> None:
    for _ in range(rng.randint(0, 2)):
        document.setdefault(rng.choice(["noise", "extra", "n2"]),
                            rng.choice([1, "v", None, [1, "a"], {"z": False}]))


@dataclass(frozen=True)
class JsonStyle:
    """How a document is written: all of these spell the same JSON value."""

    item_separator: str = ", "
    key_separator: str = ": "
    indent: str | None = None
    escapes: str = "none"  # none | unicode | mixed | slashes
    numbers: str = "plain"  # plain | varied
    shuffle: bool = False
    duplicates: bool = False


json_styles = st.builds(
    JsonStyle,
    st.sampled_from([",", ", ", " , ", ",\t"]),
    st.sampled_from([":", ": ", " : ", ":\r\n"]),
    st.sampled_from([None, None, "  ", "\t"]),
    st.sampled_from(["none", "unicode", "mixed", "slashes"]),
    st.sampled_from(["plain", "varied"]),
    st.booleans(),
    st.booleans(),
)


def _escape_char(char: str, mode: str, rng: random.Random) -> str:
    code = ord(char)
    short = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b",
             "\f": "\\f"}
    unicode_wanted = mode == "unicode" or (mode == "mixed" and rng.random() < 0.5)
    if unicode_wanted or (code < 0x20 and char not in short) or 0xD800 <= code <= 0xDFFF:
        if code > 0xFFFF:
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            return f"\\u{high:04x}\\u{low:04X}"
        return f"\\u{code:04x}" if rng.random() < 0.5 else f"\\u{code:04X}"
    if char in short:
        return short[char]
    if char == "/" and (mode == "slashes" or (mode == "mixed" and rng.random() < 0.5)):
        return "\\/"
    return char


def render_json(value: Any, style: JsonStyle, rng: random.Random, depth: int = 0) -> str:
    """``value`` as JSON text in ``style``; decoded, it is ``value`` again."""
    if isinstance(value, str):
        return '"' + "".join(_escape_char(char, style.escapes, rng) for char in value) + '"'
    if value is True or value is False or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        spellings = _number_spellings(value)
        return rng.choice(spellings) if style.numbers == "varied" else spellings[0]
    newline = "" if style.indent is None else "\n" + style.indent * (depth + 1)
    closing = "" if style.indent is None else "\n" + style.indent * depth
    separator = style.item_separator.rstrip() + newline if style.indent is not None \
        else style.item_separator
    if isinstance(value, list):
        items = [render_json(item, style, rng, depth + 1) for item in value]
        return "[" + newline + separator.join(items) + closing + "]" if items else "[]"
    pairs = list(value.items())
    if style.shuffle:
        rng.shuffle(pairs)
    members = []
    for key, item in pairs:
        name = render_json(key, style, rng)
        if style.duplicates and rng.random() < 0.3:
            # An earlier duplicate: the last value of a key wins (spec §10.12).
            members.append(name + style.key_separator + render_json(rng.choice(_OTHER_SCALARS),
                                                                    style, rng))
        members.append(name + style.key_separator + render_json(item, style, rng, depth + 1))
    return "{" + newline + separator.join(members) + closing + "}" if members else "{}"


def json_renderings(document: dict[str, Any]):
    """Texts of the same JSON object: key order, whitespace, escapes, number spellings."""
    return st.builds(lambda style, rng: render_json(document, style, rng), json_styles,
                     st.randoms(use_true_random=True))


def _not_quite_json(text: str, rng: random.Random) -> str:
    """The document made invalid or not an object: no JSON pattern may match it."""
    return rng.choice([
        text[: max(1, len(text) // 2)],
        text[:-1] + ",}" if text.endswith("}") else text + ",",
        "2024-01-01T00:00:00Z\tINFO\t" + text,
        "[" + text + "]",
        "\ufeff" + text,
        text.replace('"', "'", 1),
    ])


@st.composite
def json_events(draw, pattern: JsonPattern) -> str:
    """A JSON event built from the pattern's selectors to match it (about half the time)."""
    document = draw(json_documents_for(pattern))
    rng = draw(st.randoms(use_true_random=True))
    text = render_json(document, draw(json_styles), rng)
    if rng.random() < 0.05:
        return _not_quite_json(text, rng)
    return text


@st.composite
def json_documents_for(draw, pattern: JsonPattern) -> dict[str, Any]:
    """The JSON values (not texts) built for ``pattern``, for equivalence properties."""
    sampler = _Sampler(draw, draw(st.randoms(use_true_random=True)))
    builder = _JsonBuilder(sampler)
    builder.want(pattern.expr, _aim(sampler.rng, AIM_AT_JSON_MATCH))
    _noise(builder.document.root, sampler.rng)
    return builder.document.root


# ----------------------------------------------------------- space-delimited events


def _field_wanted(expr: FieldExpr, wanted: bool, sampler: _Sampler) -> str:
    """A field value that makes the slot's condition ``wanted`` (usually)."""
    rng = sampler.rng
    if isinstance(expr, FieldOr | FieldAnd):
        # One value rarely meets several conditions on purpose: aim at one operand (enough
        # for || to hold or && to fail) and let the others fall where they may.
        return _field_wanted(rng.choice(expr.operands), wanted, sampler)
    value, comparator = expr.value, expr.comparator
    if isinstance(value, NumberValue) and comparator not in (Comparator.EQ, Comparator.NE):
        if not wanted and rng.random() < 0.2:
            return rng.choice(["-", "n/a", value.text + "ms"])
        number = _number_near(value.value, comparator, wanted, rng)
        return rng.choice(_number_spellings(_as_json_number(number)))
    return sampler.string_for(value, wanted == (comparator is Comparator.EQ))


def _field_text_for(value: str, rng: random.Random) -> str:
    """``value`` written as one event field: bare, ``"quoted"`` or ``[bracketed]``."""
    bare_ok = value and not re.search(r"\s", value, re.ASCII) and value[0] not in '"['
    choices = []
    if bare_ok:
        choices += ["bare", "bare"]
    if '"' not in value:
        choices.append("quoted")
    if "]" not in value:
        choices.append("bracketed")
    if not choices:
        return value  # cannot be one field; the event will (nearly) match by accident only
    form = rng.choice(choices)
    return value if form == "bare" else f'"{value}"' if form == "quoted" else f"[{value}]"


@st.composite
def space_events_for(draw, pattern: SpacePattern) -> str:
    """A line with the pattern's field count (or one more, or one fewer) and field values
    that meet the slot conditions (or one that misses)."""
    sampler = _Sampler(draw, draw(st.randoms(use_true_random=True)))
    rng = sampler.rng
    slots = pattern.slots
    fixed = [slot for slot in slots if not isinstance(slot, EllipsisSlot)]
    conditions = [slot for slot in fixed if slot.condition is not None]
    wanted = _aim(rng)
    spoil = None
    extra = rng.choice([0, 0, 1, 2]) if len(fixed) < len(slots) else rng.choice([0, 0, 1])
    if not wanted and conditions and rng.random() < 0.6:
        spoil = rng.choice(conditions)
    elif not wanted and fixed:
        extra = -1
    fields: list[str] = []
    for slot in slots:
        if isinstance(slot, EllipsisSlot):
            fields.extend(_filler(rng, 4) or "-" for _ in range(extra))
        elif slot.condition is not None:
            fields.append(_field_wanted(slot.condition, slot is not spoil, sampler))
        else:
            fields.append(rng.choice([*WORDS, "-", "127.0.0.1"]))
    if not slots:
        fields = [rng.choice(WORDS) for _ in range(rng.randint(0, 3))]
    if len(fixed) == len(slots) and extra > 0:
        fields.extend(rng.choice(["more", "x y", "-"]) for _ in range(extra))
    if extra < 0 and fields:
        del fields[rng.randrange(len(fields))]
    separator = rng.choice([" ", " ", "  ", "\t", " \t "])
    line = separator.join(_field_text_for(value, rng) for value in fields)
    return rng.choice(["", "", " ", "\t"]) + line + rng.choice(["", "", " ", "\n"])


# ------------------------------------------------------------- text and regex events


@st.composite
def text_events_for(draw, pattern: TextPattern | RegexPattern) -> str:
    """Text holding the required terms and none of the excluded ones, or just not."""
    sampler = _Sampler(draw, draw(st.randoms(use_true_random=True)))
    rng = sampler.rng
    wanted = _aim(rng)
    if isinstance(pattern, RegexPattern):
        source = pattern.regex.source
        core = sampler.regex_match(source) if wanted else sampler.regex_miss(source)
        if rng.random() < 0.5:
            return core
        return ("" if "^" in source else _filler(rng, 6)) + core \
            + ("" if "$" in source else _filler(rng, 6))
    required = [t.text for t in pattern.terms if t.kind is TermKind.REQUIRED]
    excluded = [t.text for t in pattern.terms if t.kind is TermKind.EXCLUDED]
    optional = [t.text for t in pattern.terms if t.kind is TermKind.OPTIONAL]
    pieces = [_filler(rng, 5) for _ in range(rng.randint(0, 3))]
    if required or excluded:
        present = list(required)
        if not wanted:
            if present and (not excluded or rng.random() < 0.5):
                index = rng.randrange(len(present))
                present[index] = _broken(present[index], rng)
            elif excluded:
                present.append(rng.choice(excluded))
        pieces += present + [t for t in optional if rng.random() < 0.5]
    elif optional:
        chosen = rng.sample(optional, rng.randint(1, len(optional)))
        pieces += chosen if wanted else [_broken(text, rng) for text in chosen]
    rng.shuffle(pieces)
    return rng.choice([" ", "", "\t", ", "]).join(pieces)


# ------------------------------------------------------------------ events, messages

json_scalars = st.one_of(words, st.sampled_from([0, 1, -5, 2.5, 1000, 404, True, False, None]))
json_documents = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=10,
).map(lambda value: value if isinstance(value, dict) else {"a": value})
space_events = st.lists(st.one_of(words.filter(lambda w: w and '"' not in w and " " not in w
                                               and "\t" not in w),
                                  number_texts, st.just("-"), st.just('"q u o t e d"'),
                                  st.just("[in brackets]")),
                        max_size=7).map(" ".join)
text_events = st.one_of(texts, st.lists(words, max_size=6).map(" ".join))


def events_for(pattern: Pattern):
    """Messages (str) built to match ``pattern`` or nearly, plus some unrelated ones."""
    if isinstance(pattern, JsonPattern):
        built = json_events(pattern)
        unrelated = json_documents.map(json.dumps)
    elif isinstance(pattern, SpacePattern):
        built = space_events_for(pattern)
        unrelated = space_events
    else:
        built = text_events_for(pattern)
        unrelated = text_events
    anything = st.text(alphabet=TEXT_ALPHABET, max_size=30)
    # One event in ten is not built from the pattern.  The pick comes from a seeded
    # Random: hypothesis's own choices lean towards the first, simplest branch.
    return st.randoms(use_true_random=True).flatmap(
        lambda rng: [unrelated, anything, *[built] * 18][rng.randrange(20)])


def _as_bytes(text: str, rng: random.Random) -> bytes:
    encoded = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        cut = rng.randint(0, len(encoded))
        encoded = encoded[:cut] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80"]) \
            + encoded[cut:]
    return encoded


def messages_for(pattern: Pattern):
    """``events_for`` as str, UTF-8 bytes, or bytes with an invalid UTF-8 sequence."""
    return st.builds(lambda text, as_bytes, rng: _as_bytes(text, rng) if as_bytes else text,
                     events_for(pattern), st.booleans(), st.randoms(use_true_random=True))


@st.composite
def pattern_and_message(draw, trees=patterns):
    """A pattern tree and a message (str or bytes) built for it."""
    tree = draw(trees)
    return tree, draw(messages_for(tree))


def _selectors_in(expr: JsonExpr) -> list[Selector]:
    if isinstance(expr, JsonAnd | JsonOr):
        return [selector for operand in expr.operands for selector in _selectors_in(operand)]
    return [expr.selector]


def references_for(pattern: Pattern) -> list[str]:
    """Field references a metric filter on ``pattern`` could use (spec §7.1): the pattern's
    wildcard-free selectors and a key it does not test (JSON), slot names and positions
    (space-delimited); none for text patterns."""
    if isinstance(pattern, JsonPattern):
        own = [selector_text(selector) for selector in _selectors_in(pattern.expr)
               if not selector.wildcard_count]
        return sorted({*own, "$.noise", "$.a"})
    if isinstance(pattern, SpacePattern):
        names = [f"${slot.name}" for slot in pattern.slots
                 if isinstance(slot, FieldSlot) and slot.name]
        return sorted({*names, "$1", "$2", "$9"})
    return []

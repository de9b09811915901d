"""AWS's regular-expression subset: validation, translation, and linear-time matching.

Filter patterns accept ``%regex%`` in a restricted dialect (spec §4.2–§4.3): no groups,
a short list of literal symbols, a few escapes.  Patterns come from untrusted pull
requests, so matching runs on RE2, whose running time is linear in the input whatever
the expression.  This module checks the body against AWS's character rules (so the
error text and position are AWS's), rewrites the two spellings RE2 reads differently
(``{,n}`` and ``{m, n}``), and compiles once per body.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from typing import Any

import re2

from cwpattern import messages

LITERALS = frozenset(string.ascii_letters + string.digits + ":_#=@/;,- ")
OPERATORS = frozenset("^$?[]{}|\\*+.")
CLASS_ESCAPES = frozenset("dDsSwW")
HEX_DIGITS = frozenset(string.hexdigits)
_QUANTIFIER = re.compile(r"\{ *(\d*) *(,)? *(\d*) *\}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: RE2's memory budget per expression; an expression that needs more is rejected.
MAX_PROGRAM_MEMORY = 8 << 20
#: RE2 compiles ``x{m,n}`` into n copies of ``x``, n - m of them optional and nested, and
#: its compile time grows with the copies (quadratically with the optional ones): ten
#: ``a{0,1000}`` take half a second.  A regex may expand into at most this many copies
#: of its quantified atoms, and at most MAX_OPTIONAL_COPIES of them optional, which
#: keeps any regex (two per pattern) to about a millisecond or two of compile time.
MAX_COPIES = 500
MAX_OPTIONAL_COPIES = 250


class RegexRejected(Exception):
    """Raised with AWS's message and the 0-based offset inside the regex body."""

    def __init__(self, message: str, offset: int, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True)
class CompiledRegex:
    """An RE2 program for ``str`` messages and one for UTF-8 ``bytes`` messages."""

    text: Any
    raw: Any

    def search(self, subject: str) -> bool:
        try:
            return self.text.search(subject) is not None
        except UnicodeEncodeError:
            # RE2 reads UTF-8, and a lone surrogate (a JSON "\ud800" escape) has no UTF-8
            # form: read it as U+FFFD, as undecodable bytes are read (cwpattern.events).
            return self.text.search(_LONE_SURROGATE.sub("\ufffd", subject)) is not None

    def search_bytes(self, subject: bytes) -> bool:
        return self.raw.search(subject) is not None


def translate(body: str) -> str:
    """Check ``body`` against AWS's rules and return the equivalent RE2 source."""
    out: list[str] = []
    budget = _RepetitionBudget()
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            start = i
            escape, i = _escape(body, i)
            out.append(escape)
            budget.spend(escape, start)
        elif char == "{":
            start = i
            quantifier, i = _quantifier(body, i)
            out.append(quantifier)
            budget.spend(quantifier, start)
        elif char == "}":
            out.append("\\}")
            i += 1
        elif char in LITERALS or char in OPERATORS:
            out.append(char)
            budget.spend(char, i)
            i += 1
        else:
            raise RegexRejected(messages.invalid_character(char), i,
                                f"{char!r} is not allowed in a regex; write it as \\x"
                                f"{ord(char):02X} if it is ASCII")
    return "".join(out)


class _RepetitionBudget:
    """Counts the atom copies a regex's quantifiers expand into (see MAX_COPIES)."""

    def __init__(self) -> None:
        self.copies = 0
        self.optional = 0
        self.in_class = False
        self.class_start = False

    def spend(self, token: str, offset: int) -> None:
        """Account for one translated token found at ``offset`` in the body."""
        if self.in_class:
            self.in_class = token != "]" or self.class_start
            self.class_start = self.class_start and token == "^"
            return
        if token == "[":
            self.in_class = self.class_start = True
            return
        copies, optional = _expansion(token)
        self.copies += copies
        self.optional += optional
        if self.copies > MAX_COPIES or self.optional > MAX_OPTIONAL_COPIES:
            raise RegexRejected(messages.REGEX_TOO_EXPENSIVE, offset,
                                f"cwpattern limits a regex to {MAX_COPIES} repeated atoms "
                                f"({MAX_OPTIONAL_COPIES} of them optional) so that it "
                                "compiles in milliseconds; lower the repetition counts")


def _expansion(token: str) -> tuple[int, int]:
    """(copies, optional copies) of its atom that a quantifier token stands for.

    ``*`` and ``+`` loop over the atom's one copy and cost nothing extra.
    """
    if token == "?":
        return 1, 1
    if not token.startswith("{"):
        return 0, 0
    low, comma, high = token[1:-1].partition(",")
    if not comma:
        return int(low), 0
    if not high:
        return int(low) + 1, 1
    return max(int(low), int(high)), max(int(high) - int(low), 0)


def _escape(body: str, i: int) -> tuple[str, int]:
    nxt = body[i + 1] if i + 1 < len(body) else ""
    if nxt in OPERATORS or nxt in CLASS_ESCAPES:
        return "\\" + nxt, i + 2
    if nxt == "x" and len(body) >= i + 4 and set(body[i + 2 : i + 4]) <= HEX_DIGITS:
        return body[i : i + 4], i + 4
    raise RegexRejected(messages.INVALID_PATTERN, i,
                        f"unsupported escape {body[i:i + 2]!r}: AWS regexes allow \\d \\D "
                        f"\\s \\S \\w \\W, \\xhh and a backslash before an operator")


def _quantifier(body: str, i: int) -> tuple[str, int]:
    """``{m}``, ``{m,}``, ``{,n}``, ``{m,n}`` (spaces allowed) in RE2 spelling."""
    found = _QUANTIFIER.match(body, i)
    if not found or not (found.group(1) or found.group(3)):
        return "\\{", i + 1
    low, comma, high = found.groups()
    if not comma:
        return f"{{{low}}}", found.end()
    return f"{{{low or 0},{high}}}", found.end()


@functools.lru_cache(maxsize=512)
def compile_regex(body: str) -> CompiledRegex:
    """Validate and compile a regex body (the text between the ``%`` delimiters)."""
    if not body:
        raise RegexRejected(messages.INVALID_PATTERN, 0, "an empty regex is not allowed")
    source = translate(body)
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_MEMORY
    try:
        text = re2.compile(source, options)
        raw = re2.compile(source.encode("ascii"), options)
    except re2.error as error:
        detail = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) \
            else str(error)
        raise RegexRejected(messages.INVALID_PATTERN, 0, f"invalid regex: {detail}") from None
    return CompiledRegex(text, raw)

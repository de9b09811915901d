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
#: RE2's memory budget per expression; an expression that needs more is rejected.
MAX_PROGRAM_MEMORY = 8 << 20


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
        return self.text.search(subject) is not None

    def search_bytes(self, subject: bytes) -> bool:
        return self.raw.search(subject) is not None


def translate(body: str) -> str:
    """Check ``body`` against AWS's rules and return the equivalent RE2 source."""
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            escape, i = _escape(body, i)
            out.append(escape)
        elif char == "{":
            quantifier, i = _quantifier(body, i)
            out.append(quantifier)
        elif char == "}":
            out.append("\\}")
            i += 1
        elif char in LITERALS or char in OPERATORS:
            out.append(char)
            i += 1
        else:
            raise RegexRejected(messages.invalid_character(char), i,
                                f"{char!r} is not allowed in a regex; write it as \\x"
                                f"{ord(char):02X} if it is ASCII")
    return "".join(out)


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

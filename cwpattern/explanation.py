"""How AWS reads a pattern, in plain words, with the surprises that apply to it.

``explain()`` backs ``cwpattern explain`` and the warnings of ``cwpattern lint``.  It
describes the parsed tree (not the text), so what it says is what the matcher does, and
it flags each "thing that surprises people" of filter-syntax spec §0 that the pattern
actually runs into.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cwpattern import ambiguities
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
    Regex,
    RegexPattern,
    SpacePattern,
    StringValue,
    Term,
    TermKind,
    TextPattern,
    Value,
)
from cwpattern.pattern import FilterPattern, compile
from cwpattern.printer import quote, regex_text, selector_text

SYNTAX_NAMES = {
    TextPattern: "unstructured text (terms and phrases)",
    RegexPattern: "regular expression",
    JsonPattern: "JSON",
    SpacePattern: "space-delimited",
}


#: Surprises that hold for every pattern of a kind: shown by explain, not by lint.
NOTES = frozenset({"substring", "json-only", "last-field-absorbs", "wildcard-selector",
                   "mid-string-star"})


@dataclass(frozen=True)
class Surprise:
    """One surprise: a stable code, the spec section, and the advice."""

    code: str
    spec: str
    message: str

    @property
    def severity(self) -> str:
        """"note" for what is true of every pattern of its kind, else "warning"."""
        return "note" if self.code in NOTES else "warning"


@dataclass(frozen=True)
class Explanation:
    syntax: str
    kind: str
    normalized: str
    structure: list[str]
    warnings: list[Surprise] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"syntax": self.syntax, "kind": self.kind, "normalized": self.normalized,
                "structure": self.structure,
                "warnings": [{**vars(warning), "severity": warning.severity}
                             for warning in self.warnings]}


def explain(pattern: str | FilterPattern) -> Explanation:
    """Explain a pattern (raises PatternError if it is invalid)."""
    compiled = pattern if isinstance(pattern, FilterPattern) else compile(pattern)
    tree = compiled.tree
    if isinstance(tree, TextPattern):
        structure, warnings = _text(tree)
    elif isinstance(tree, RegexPattern):
        structure = [f"the regex {regex_text(tree.regex)} is found anywhere in the message"]
        warnings = _regex_warnings(tree.regex)
    elif isinstance(tree, JsonPattern):
        structure, warnings = _json(tree)
    else:
        structure, warnings = _space(tree)
    return Explanation(SYNTAX_NAMES[type(tree)], compiled.kind, compiled.normalized,
                       structure, _unique(warnings))


def _unique(warnings: list[Surprise]) -> list[Surprise]:
    seen: dict[str, Surprise] = {}
    for warning in warnings:
        seen.setdefault(warning.code, warning)
    return list(seen.values())


# ------------------------------------------------------------------------------ text


def _text(tree: TextPattern) -> tuple[list[str], list[Surprise]]:
    if not tree.terms:
        return ["every event matches (empty pattern)"], []
    required = [t for t in tree.terms if t.kind is TermKind.REQUIRED]
    excluded = [t for t in tree.terms if t.kind is TermKind.EXCLUDED]
    optional = [t for t in tree.terms if t.kind is TermKind.OPTIONAL]
    lines: list[str] = []
    warnings = [Surprise(
        "substring", "§0.1",
        "terms are case-sensitive substrings, not words: "
        f"{quote(tree.terms[0].text)} also matches inside longer words and does not match "
        "other letter cases")]
    lines += [f"contains {quote(t.text)}" for t in required]
    lines += [f"does not contain {quote(t.text)}" for t in excluded]
    if optional and (required or excluded):
        warnings.append(Surprise(
            "mixed-optional", "§0.2",
            f"the ?-terms {', '.join(quote(t.text) for t in optional)} are ignored because "
            "the pattern also has plain or - terms; AWS only ORs ?-terms when every term "
            "has ?"))
    elif optional:
        lines.append("contains at least one of " + ", ".join(quote(t.text) for t in optional))
    if not required and not optional:
        lines.append("(every event without those terms matches)")
    warnings += [_percent_literal(t.text) for t in tree.terms if _looks_like_regex(t.text)]
    if tree.terms == (Term(" "),):
        warnings.append(Surprise("quoted-space", "§3.3",
                                 'AWS documents " " as "match everything"; cwpattern reads it '
                                 "as the phrase \" \" (events containing a space)"))
    return lines, warnings


def _looks_like_regex(text: str) -> bool:
    return len(text) >= 2 and text.startswith("%") and text.endswith("%")


def _percent_literal(text: str) -> Surprise:
    return Surprise("quoted-regex", "§0.5",
                    f"{quote(text)} is in double quotes, so it is literal text, not a regex; "
                    "remove the quotes to use it as a regex")


def _regex_warnings(regex: Regex) -> list[Surprise]:
    warnings = []
    if not regex.source.startswith("^") and not regex.source.endswith("$"):
        warnings.append(Surprise("unanchored-regex", "§0.4",
                                 f"{regex_text(regex)} matches anywhere in the text; anchor it "
                                 "with ^ and $ to match the whole value"))
    if "|" in regex.source:
        warnings.append(Surprise("regex-alternation", "§0.4",
                                 "| applies to the whole regex (there are no groups): "
                                 f"{regex_text(regex)} means "
                                 + " OR ".join(repr(p) for p in regex.source.split("|"))))
    return warnings


# ------------------------------------------------------------------------------ JSON


def _json(tree: JsonPattern) -> tuple[list[str], list[Surprise]]:
    warnings: list[Surprise] = [Surprise(
        "json-only", "§5.3",
        "only events that are a single JSON object can match; text before the JSON "
        "(as in Lambda logs) makes the event not match")]
    lines = _json_lines(tree.expr, 0, warnings)
    return lines, warnings


def _json_lines(expr: JsonExpr, depth: int, warnings: list[Surprise]) -> list[str]:
    indent = "  " * depth
    if isinstance(expr, JsonAnd | JsonOr):
        head = "all of:" if isinstance(expr, JsonAnd) else "any of:"
        lines = [indent + head]
        for operand in expr.operands:
            lines += _json_lines(operand, depth + 1, warnings)
        return lines
    selector = selector_text(expr.selector)
    if expr.selector.wildcard_count:
        warnings.append(Surprise("wildcard-selector", "§5.2",
                                 f"{selector} is true when any element or member matches"))
    if isinstance(expr, JsonNotExists):
        return [f"{indent}{selector} is absent (a key holding null exists)"]
    if isinstance(expr, JsonIs):
        if expr.constant is JsonConstant.NULL:
            warnings.append(Surprise("is-null", "§5.3",
                                     f"{selector} IS NULL is false when the key is missing; "
                                     "use NOT EXISTS for that"))
        return [f"{indent}{selector} is JSON {expr.constant.value.lower()}"]
    assert isinstance(expr, JsonCompare)
    warnings += _compare_warnings(selector, expr.comparator, expr.value)
    return [f"{indent}{selector} {_describe(expr.comparator, expr.value)}"]


def _compare_warnings(subject: str, comparator: Comparator, value: Value) -> list[Surprise]:
    warnings = []
    if comparator is Comparator.NE:
        warnings.append(Surprise(
            "ne-missing", "§0.3",
            f"{subject} != ... is false when {subject} is missing or is an array or object; "
            f"add || {subject} NOT EXISTS if absent values should match"))
    if isinstance(value, Regex):
        warnings += _regex_warnings(value)
    if isinstance(value, StringValue):
        if _looks_like_regex(value.text):
            warnings.append(_percent_literal(value.text))
        if "*" in value.text.strip("*"):
            warnings.append(Surprise(
                "mid-string-star", "§10.10",
                f"the * inside {quote(value.text)} is a wildcard here; the 2018–2020 AWS docs "
                "said an inner * is literal, while AWS's service-linked-role filter relies on "
                "it being a wildcard" + ("" if ambiguities.MID_STRING_STAR_IS_WILDCARD
                                         else " (cwpattern treats it as literal)")))
    if isinstance(value, NumberValue) and comparator in (Comparator.EQ, Comparator.NE):
        warnings.append(Surprise(
            "number-vs-string", "§5.3",
            f"{value.text} matches JSON numbers only; the string {quote(value.text)} does not "
            "match it"))
    return warnings


def _describe(comparator: Comparator, value: Value) -> str:
    if isinstance(value, Regex):
        verb = "matches" if comparator is Comparator.EQ else "does not match"
        return f"is a string that {verb} the regex {regex_text(value)} (anywhere in it)"
    if isinstance(value, NumberValue):
        words = {Comparator.EQ: "=", Comparator.NE: "!=", Comparator.LT: "<",
                 Comparator.GT: ">", Comparator.LE: "<=", Comparator.GE: ">="}
        return f"is a number {words[comparator]} {value.text}"
    return _describe_string(comparator, value.text)


def _describe_string(comparator: Comparator, text: str) -> str:
    negated = comparator is Comparator.NE
    if text and not text.strip("*"):
        return "never matches" if negated else "exists (a string or a number)"
    core = text.strip("*")
    if "*" in core:
        phrase = ("matches", "does not match", f"the wildcard {quote(text)}")
    elif text.startswith("*") and text.endswith("*"):
        phrase = ("contains", "does not contain", quote(core))
    elif text.startswith("*"):
        phrase = ("ends with", "does not end with", quote(core))
    elif text.endswith("*"):
        phrase = ("starts with", "does not start with", quote(core))
    else:
        phrase = ("equals", "does not equal", quote(text))
    return f"is a string that {phrase[1] if negated else phrase[0]} {phrase[2]}"


# ------------------------------------------------------------------- space-delimited


def _space(tree: SpacePattern) -> tuple[list[str], list[Surprise]]:
    if not tree.slots:
        return ["every event matches; every field is extracted by position ($1, $2, ...)"], []
    fixed = [slot for slot in tree.slots if isinstance(slot, FieldSlot)]
    has_ellipsis = len(fixed) < len(tree.slots)
    plural = "field" if len(fixed) == 1 else "fields"
    lines = [f"the event needs at least {len(fixed)} {plural} (split on spaces; \"...\" "
             "and [...] each hold one field)"]
    warnings: list[Surprise] = []
    for number, slot in enumerate(tree.slots, 1):
        if isinstance(slot, EllipsisSlot):
            lines.append(f"slot {number}: ... any number of fields, extracted as $N")
            continue
        name = f"${slot.name}" if slot.name else "(unnamed, extracted as $N)"
        condition = "" if slot.condition is None else ": " + _field_text(slot.condition)
        lines.append(f"slot {number}: {name}{condition}")
        if slot.condition is not None:
            warnings += _field_warnings(slot.condition, slot.name or "")
    if not has_ellipsis:
        last = fixed[-1].name or "the last slot"
        warnings.append(Surprise("last-field-absorbs", "§6.3",
                                 f"without '...', {last} takes the rest of the line when the "
                                 "event has more fields than the pattern"))
        if len(fixed) == 1 and fixed[0].condition is not None:
            warnings.append(Surprise("single-slot", "§0.7",
                                     "a single slot holds the whole line, so its condition "
                                     "tests the whole line; add a trailing field, e.g. "
                                     "[w1=ERROR, w2]"))
    if all(slot.condition is None for slot in fixed) and len(fixed) <= 2 and not has_ellipsis:
        words = " ".join(slot.name or "" for slot in fixed)
        warnings.append(Surprise("brackets-are-space-delimited", "§0.8",
                                 f"[{', '.join(s.name or '' for s in fixed)}] is a "
                                 "space-delimited pattern that matches nearly every event, "
                                 f"not a search for the text; quote it: \"[{words}]\""))
    return lines, warnings


def _field_text(expr: FieldExpr) -> str:
    if isinstance(expr, FieldAnd | FieldOr):
        joiner = " and " if isinstance(expr, FieldAnd) else " or "
        return joiner.join(_field_text(operand) for operand in expr.operands)
    assert isinstance(expr, FieldCompare)
    if isinstance(expr.value, NumberValue) and expr.comparator in (Comparator.EQ, Comparator.NE):
        verb = "is" if expr.comparator is Comparator.EQ else "is not"
        return f"{verb} {expr.value.text} (as text or as a number)"
    return _describe(expr.comparator, expr.value).replace("is a string that ", "")


def _field_warnings(expr: FieldExpr, name: str) -> list[Surprise]:
    if isinstance(expr, FieldAnd | FieldOr):
        return [w for operand in expr.operands for w in _field_warnings(operand, name)]
    assert isinstance(expr, FieldCompare)
    warnings = []
    if isinstance(expr.value, Regex):
        warnings += _regex_warnings(expr.value)
    if expr.comparator in (Comparator.LT, Comparator.GT, Comparator.LE, Comparator.GE):
        warnings.append(Surprise("field-numbers", "§6.4",
                                 f"${name} {expr.comparator.value} ... is false when the field "
                                 "is not a number, such as '-' or '1,534'"))
    return warnings

"""Every choice made where AWS's documentation is silent or contradicts itself.

The filter-syntax spec (§10) lists the open questions with a recommended default for
each.  This module is the single place where cwpattern records what it does about each
one: the switches below are read by the parser and the matchers, so changing a decision
once AWS behaviour is confirmed is a one-line change here.  ``REGISTER`` describes every
decision (switch or fixed behaviour) for the README and ``cwpattern explain``.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- switches

#: §10.1 / §6.3 — a space-delimited pattern without ``...`` and with fewer slots than the
#: event has fields: "absorb" (the last slot takes the rest of the line), "strict" (no
#: match) or "ignore" (extra fields are ignored).
SPACE_EXTRA_FIELDS = "absorb"

#: §10.2 / §3.2 — ``?`` terms mixed with plain or ``-`` terms: "ignore" them (current
#: docs) or "require-one" (at least one of them must also be present).
MIXED_OPTIONAL_TERMS = "ignore"

#: §10.3 / §3.3 — does the quoted single space ``" "`` match every event?  False: it is
#: the literal phrase " " (only events containing a space match).
QUOTED_SPACE_MATCHES_ALL = False

#: §10.6 / §3.1 — a detached prefix (``"ERROR" - "Exiting"``) applies to the next term,
#: as the 2016–2020 docs wrote it.  Doubled prefixes (``?-x``) are always rejected.
DETACHED_PREFIX_ALLOWED = True

#: §10.10 / §5.3 — a ``*`` inside a value (not first, not last) is a wildcard?  True.
#: DEPARTS from the spec's recommended default (literal, per the 2018–2020 docs): AWS's
#: own blog filter for service-linked-role denials — cwpattern's seed pattern,
#: ``"arn:aws:iam::*:role/aws-service-role/*"`` — only works if an inner ``*`` matches
#: the account ID.  Space-delimited values follow the same rule.
MID_STRING_STAR_IS_WILDCARD = True

#: §10.8 / §5.3 — does ``= *`` also match JSON ``true``/``false``/``null``?  No: only
#: strings and numbers (``{ $.latency = * }`` matching 50 is documented).
STAR_MATCHES_BOOLEAN_AND_NULL = False

#: §10.8 / §5.3 — does a number literal (``= 200``) also match the JSON string "200"?  No:
#: the spec's table compares numbers with JSON numbers only.
NUMBER_MATCHES_NUMERIC_STRING = False

#: §7.3 — TestMetricFilter's eventNumber: 1-based, as the AWS CLI example shows.
EVENT_NUMBER_BASE = 1

#: §9 — AWS's generic text for a syntax error: PutMetricFilter's wording (aws-cdk#16278);
#: FilterLogEvents says "Invalid filter pattern" (aws-toolkit-jetbrains#3219).
GENERIC_SYNTAX_MESSAGE = "Invalid metric filter pattern"

#: §10.12 — a UTF-8 byte-order mark before a JSON event: strip it (True) or treat the
#: event as not JSON (False).
STRIP_JSON_BOM = False

#: §10.14 — how many ``...`` a space-delimited pattern may hold (CDK allows one).
MAX_ELLIPSES = 1

#: §3.1 / §10.4 — characters AWS rejects in an unquoted term, with
#: "Invalid character(s) in term '<c>'"; every other character is a literal.
TERM_CHARS_REJECTED_AS_INVALID_CHARACTER = frozenset(":,(\\`[")
#: ... and the two reported with the generic "Invalid filter pattern" text.
TERM_CHARS_REJECTED_AS_INVALID_PATTERN = frozenset("@/")


# --------------------------------------------------------------------------- register


@dataclass(frozen=True)
class Decision:
    """One ambiguity, the spec section that raises it, and what cwpattern does."""

    key: str
    spec: str
    question: str
    choice: str


REGISTER: tuple[Decision, ...] = (
    Decision("space-extra-fields", "§10.1, §6.3",
             "Space-delimited event with more fields than the pattern has slots?",
             "The last slot absorbs the rest of the line (its raw text, delimiters kept, "
             "outer whitespace trimmed); SPACE_EXTRA_FIELDS."),
    Decision("mixed-optional-terms", "§10.2, §3.2",
             "`?` terms mixed with plain or `-` terms?",
             "The `?` terms are ignored (current docs); MIXED_OPTIONAL_TERMS."),
    Decision("quoted-space", "§10.3, §3.3",
             "Does `\" \"` match every event?",
             "No: it is the phrase \" \"; empty and whitespace-only patterns match every "
             "event; QUOTED_SPACE_MATCHES_ALL."),
    Decision("unquoted-characters", "§10.4, §3.1",
             "Which characters may appear in an unquoted term?",
             "Only `: , ( \\ ` [` (Invalid character(s) in term) and `@ /` (generic error) "
             "are rejected; everything else, non-ASCII included, is literal."),
    Decision("escapes", "§10.5",
             "Escapes inside quoted strings?",
             "`\\\"` and `\\\\` are escapes in phrases and JSON/space values; any other "
             "backslash is literal.  Bracket keys `['...']` cannot contain `'`."),
    Decision("detached-prefix", "§10.6, §3.1",
             "`\"ERROR\" - \"Exiting\"` and doubled prefixes `?-x`?",
             "A detached prefix applies to the next term; doubled prefixes are rejected; "
             "DETACHED_PREFIX_ALLOWED."),
    Decision("regex-details", "§10.7, §4",
             "Regex character set, escapes, `!=`, `.`, `$`, `{m, n}`, mixing with terms?",
             "Letters, digits, space and `: _ # = @ / ; , -` plus operators "
             "`^ $ ? [ ] { } | \\ * + .`; escapes `\\d\\D\\s\\S\\w\\W\\xhh` and `\\` before an "
             "operator, others rejected; `!=` allowed; `.` does not match a newline; `$` "
             "matches only at the very end; `{m, n}` means `{m,n}`; `{,n}` means `{0,n}`; a "
             "regex cannot be combined with text terms.  Runs on RE2 (linear time).  A regex "
             "may expand into at most 500 copies of its quantified atoms, 250 of them "
             "optional (`a{0,1000}` is rejected with AWS's \"Regular expression evaluation "
             "time exceeded allowed limit\"), so that compiling stays fast."),
    Decision("json-types", "§10.8, §5.3",
             "Type coercion in JSON comparisons?",
             "None: strings compare with strings, numbers with numbers (as IEEE doubles); "
             "`= *` matches strings and numbers only; NUMBER_MATCHES_NUMERIC_STRING, "
             "STAR_MATCHES_BOOLEAN_AND_NULL."),
    Decision("json-wildcards", "§10.9",
             "`!=` with `[*]`/`.*`; `.*` on arrays; `$.a.b` when `a` is an array?",
             "Wildcards are existential for every operator (some candidate satisfies it); "
             "`.*` visits object members only; no implicit flattening of arrays."),
    Decision("mid-string-star", "§10.10",
             "A `*` in the middle of a value?",
             "A wildcard, like a leading or trailing one — a departure from the spec's "
             "default, because AWS's published service-linked-role filter "
             "(`arn:aws:iam::*:role/aws-service-role/*`) relies on it; "
             "MID_STRING_STAR_IS_WILDCARD."),
    Decision("json-after-text", "§10.11",
             "JSON after a text prefix (Lambda lines)?",
             "No match: the whole message must be a JSON object."),
    Decision("non-object-json", "§10.12",
             "Arrays, scalars, duplicate keys, invalid JSON, BOM, deep nesting?",
             "Only a JSON object can match; duplicate keys: the last wins; invalid JSON, "
             "a BOM (STRIP_JSON_BOM) or nesting deeper than 1,024 levels (orjson's limit; "
             "Jackson, which AWS's Java services use, stops at 1,000): not JSON, so "
             "no JSON pattern matches (NOT EXISTS included)."),
    Decision("selectors", "§10.13, §5.2",
             "`$[0]`, bracket keys with double quotes, key and keyword case?",
             "A selector starts with `$.`; `$[0]` and `$.\"k\"` are rejected; keys are "
             "case-sensitive; keywords (IS, NOT, EXISTS, TRUE, FALSE, NULL) are upper "
             "case only."),
    Decision("ellipses", "§10.14",
             "Several `...`, conditions on `...`, duplicate names, leading empty slots?",
             "At most MAX_ELLIPSES `...`; `...` takes no condition; duplicate names are "
             "accepted and the last one's value is extracted; empty slots are unnamed "
             "fields."),
    Decision("space-numbers", "§10.15, §6.4",
             "Numeric comparisons on `1,534`, `1534ms`, `-`, `1e3`?",
             "A field is a number only if it is entirely a number literal (`1e3` yes, "
             "`1,534` no); `<`, `>`, `<=`, `>=` are false on other fields; `= 404` is true "
             "when the text is `404` or the field is a number equal to 404; `!=` is its "
             "negation."),
    Decision("metric-values", "§10.16",
             "Metric value from a missing, non-numeric, array or object field?",
             "extract() reports only scalar values; the simulator skips and counts "
             "non-numeric values (alarm-semantics A13)."),
    Decision("json-extracted-values", "§10.17, §5.4",
             "extractedValues for JSON patterns?",
             "`{}` (old docs); requested references are returned on demand."),
    Decision("event-number-base", "§7.3",
             "TestMetricFilter eventNumber from 0 or 1?",
             "1-based, as the AWS CLI example shows; EVENT_NUMBER_BASE."),
    Decision("generic-message", "§9",
             "Which generic syntax-error text?",
             "`Invalid metric filter pattern` (PutMetricFilter's wording); "
             "GENERIC_SYNTAX_MESSAGE."),
    Decision("unicode", "§10.19",
             "Non-ASCII in text terms, case sensitivity?",
             "Allowed; compared code point by code point, case-sensitive; bytes that are "
             "not UTF-8 are decoded with U+FFFD replacement, and a lone surrogate in an "
             "event (a JSON `\\ud800` escape) is read as U+FFFD by regexes; a pattern "
             "holding a lone surrogate is rejected."),
    Decision("space-splitting", "§6.2",
             "Whitespace, unbalanced quotes and brackets in space-delimited events?",
             "Fields split on runs of ASCII whitespace (space, tab, CR, LF, FF, VT); "
             "`\"...\"` and `[...]` group one field only when they open a field; an "
             "unclosed one runs to the end of the message."),
)

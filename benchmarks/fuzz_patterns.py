"""Fuzz ``cwpattern.compile`` with a million patterns (issue 7).

Patterns reach cwpattern from pull requests, so any text must give either a compiled
pattern or a ``PatternError`` with AWS's message, and quickly.  Inputs: random printable
text, random code points (lone surrogates included), soups of grammar tokens, random
bytes decoded two ways, valid patterns of every syntax generated from the grammar (as
written by the printer or in another spelling), those mutated by one to three edits
from the pattern alphabet or spliced together, and structured extremes (nesting to the
length limit, hundreds of slots, huge numbers, costly regexes, 1,024 and 1,025
characters).  Every call is timed; accepted patterns must print and parse back to the
same tree.

    python benchmarks/fuzz_patterns.py [--cases 1000000] [--workers 2] [--seed 0]
    python benchmarks/fuzz_patterns.py --replay benchmarks/results/fuzz_patterns-failures/0000.json

Results: a table on stdout, ``benchmarks/results/fuzz_patterns.json``, and one JSON
reproducer per unexpected exception in ``benchmarks/results/fuzz_patterns-failures/``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _fuzz import Fuzzer, add_arguments, generated, replay_input, run, summarize

from cwpattern.errors import PatternError
from cwpattern.messages import MAX_PATTERN_LENGTH
from cwpattern.parser import parse
from cwpattern.pattern import FilterPattern
from cwpattern.printer import to_text

from strategies import PATTERN_TOKENS, mutate, patterns, spell

#: Patterns from the spec, AWS's documentation and the CIS controls.
DOCUMENTED = [
    "ERROR", '"ERROR" - "Exiting"', "?ERROR ?WARN", '?"clean up" -"Pending" ok', "-ERROR",
    "%^starting|^initializing|^shutting down%", "%AUTHORIZED%", "%gra|ey%", "[ERROR]",
    '{ $.eventType = "UpdateTrail" }', "{ $.sourceIPAddress != 123.123.* }",
    "{ $.objectList[1].id = 2 }", "{ $.SomeObject IS NULL }", "{ $.ThisFlag IS TRUE }",
    "{ $.users[*].email = \"Jane*\" }", "{ $.['cluster.name'] = prod }", "{ $.latency > 1e+3 }",
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != "Yes") }',
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
    "{ $.eventType = %Trail% }", "{ $.detail-type = \"Scheduled Event\" }",
    '{ $.eventName = Get* && $.errorCode = AccessDenied && '
    '$.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::*:role/aws-service-role/*" }',
    "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
    "[..., request=*.html*, status_code=4*,]", "[w1=ERROR || w1=%WARN%, w2]", "[]", "[, , x]",
    "[ip=%127\\.0\\.0\\.[1-9]%, user, ...]", "[timestamp=*Z, request_id=\"*-*\", event]",
]
SAMPLE = string.ascii_letters + string.digits + string.punctuation + " \t\n"


class PatternFuzzer(Fuzzer):
    name = "fuzz_patterns"

    def __init__(self, corpus: list[str]):
        self.corpus = corpus

    def cases(self, rng: random.Random, count: int) -> Iterator[tuple[str, Any]]:
        families = [
            ("random printable text", 2, self.printable),
            ("random code points", 1, self.code_points),
            ("grammar token soup", 2, self.token_soup),
            ("random bytes, decoded", 1, self.decoded_bytes),
            ("valid pattern", 1, self.valid),
            ("valid pattern, mutated", 4, self.mutated),
            ("valid patterns, spliced", 1, self.spliced),
            ("structured extreme", 1, self.extreme),
        ]
        names = [name for name, weight, _ in families for _ in range(weight)]
        makers = {name: maker for name, _, maker in families}
        for _ in range(count):
            family = rng.choice(names)
            yield family, makers[family](rng)

    def printable(self, rng: random.Random) -> str:
        return "".join(rng.choice(SAMPLE) for _ in range(rng.randint(0, 80)))

    def code_points(self, rng: random.Random) -> str:
        return "".join(chr(rng.choice([rng.randrange(0x80), rng.randrange(0x110000)]))
                       for _ in range(rng.randint(0, 40)))

    def token_soup(self, rng: random.Random) -> str:
        return "".join(rng.choice(PATTERN_TOKENS) for _ in range(rng.randint(0, 40)))

    def decoded_bytes(self, rng: random.Random) -> str:
        raw = rng.randbytes(rng.randint(0, 60))
        return raw.decode("latin-1") if rng.random() < 0.5 else raw.decode("utf-8",
                                                                             "surrogateescape")

    def valid(self, rng: random.Random) -> str:
        return rng.choice(self.corpus)

    def mutated(self, rng: random.Random) -> str:
        return mutate(rng.choice(self.corpus), rng)

    def spliced(self, rng: random.Random) -> str:
        first, second = rng.choice(self.corpus), rng.choice(self.corpus)
        return first[: rng.randint(0, len(first))] + second[rng.randint(0, len(second)):]

    def extreme(self, rng: random.Random) -> str:
        depth = rng.randint(1, 520)
        return rng.choice([
            "{" + "(" * depth + "$.a = 1" + ")" * depth + "}",
            "{" + "(" * depth + "$.a = 1" + ")" * (depth - 1) + "}",
            "{ " + " && ".join(["($.a = 1 || $.b = 2)"] * rng.randint(1, 50)) + " }",
            "{ " + " || ".join(["$.a[*] = 1"] * rng.randint(1, 5)) + " }",
            "{ $" + ".a" * rng.randint(1, 510) + " = 1 }",
            "{ $.a" + "[0]" * rng.randint(1, 250) + " = 1 }",
            "{ $.['" + "x" * rng.randint(0, 1010) + "'] = 1 }",
            "[" + "," * rng.randint(0, 1022) + "]",
            "[" + ", ".join(["a = 1 && a != 2 || a = %x%"] * rng.randint(1, 40)) + "]",
            "{ $.a = " + rng.choice(["9", "1e", "-", "0.", "+"]) + "9" * rng.randint(1, 1010)
            + " }",
            "{ $.a > 1e" + "9" * rng.randint(1, 1000) + " }",
            "%" + rng.choice(["a{0,250}", ".{500}", "\\w{0,100}", ".?", "a*", "[^a]{99}",
                              "a{1000}", "x|"]) * rng.randint(1, 120) + "%",
            '"' + "\\" * rng.randint(0, 1022) + '"',
            " ".join(["?x", "-y", '"z"'] * rng.randint(1, 120)),
            "x" * rng.choice([1023, 1024, 1025, 5000]),
            " " * rng.randint(0, 2000),
            "{" * depth + "}" * depth,
            "[" * depth + "]" * depth,
        ])[: rng.choice([1024, 1024, 1025, 100_000])]

    def call(self, text: str) -> tuple[str, Any]:
        try:
            pattern = FilterPattern(text, parse(text))
        except PatternError as error:
            return "PatternError: " + _generic(error.message), error
        return f"accepted: {pattern.kind}", pattern

    def check(self, text: str, result: Any) -> None:
        if isinstance(result, PatternError):
            assert result.pattern == text and 0 <= result.pos <= len(text), "error position"
            str(result)  # the caret display must render
        else:
            normal = to_text(result.tree)
            # The normal form quotes values and adds spaces: it can outgrow the 1,024-character
            # limit that the original text met, and is then rejected for length alone.
            if len(normal) <= MAX_PATTERN_LENGTH:
                assert parse(normal) == result.tree, "round trip"


def _generic(message: str) -> str:
    """Group error texts that embed the pattern or the character."""
    if message.startswith("1 validation error detected"):
        return "1 validation error detected: ... length less than or equal to 1024"
    return re.sub(r"term '.*'$", "term '<c>'", message, flags=re.DOTALL)


def describe(text: Any) -> str:
    shown = ascii(text)
    return shown if len(shown) <= 100 else f"{shown[:80]}... ({len(text)} chars)"


def corpus() -> list[str]:
    """Valid patterns: documented ones, and 3,000 generated trees in random spellings."""
    rng = random.Random(7)
    texts = list(DOCUMENTED)
    for tree in generated(patterns, 3000):
        texts.append(to_text(tree))
        texts.append(spell(tree, rng))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, PatternFuzzer.name)
    args = parser.parse_args()
    if args.replay:
        failure = json.loads(Path(args.replay).read_text())
        text = replay_input(failure["input"])
        print(describe(text))
        print(PatternFuzzer([]).call(text))
        return
    fuzzer = PatternFuzzer(corpus())
    start = time.perf_counter()
    tally = run(fuzzer, args.cases, args.workers, args.seed, args.budget_ms)
    summarize(fuzzer, tally, args, time.perf_counter() - start, describe)


if __name__ == "__main__":
    main()

"""Fuzz ``matches`` and ``extract`` with a million messages (issue 7).

Log events come from everywhere, so every message must get an answer (True/False, a dict
or None) without an exception, quickly.  Patterns: documented ones, hostile ones
(``%a*a*a*a*b%``, deep selectors, ``[...]``) and ~3,000 generated from the grammar.
Messages, up to 8 KB: events built from a pattern to match it or just miss it (str,
UTF-8 bytes, invalid UTF-8), the same mutated (bytes inserted, dropped, duplicated,
truncated), events built for another pattern, random JSON (deep, wide, escaped, huge
numbers, duplicate keys), random text and random bytes.  Each case is one timed call,
``matches`` or ``extract`` with the references a metric filter would ask for; the
answers of the two must agree.

    python benchmarks/fuzz_messages.py [--cases 1000000] [--workers 2] [--seed 0]
    python benchmarks/fuzz_messages.py --replay benchmarks/results/fuzz_messages-failures/0000.json

Results: a table on stdout, ``benchmarks/results/fuzz_messages.json``, and one JSON
reproducer per unexpected exception in ``benchmarks/results/fuzz_messages-failures/``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _fuzz import Fuzzer, add_arguments, generated, replay_input, run, summarize
from fuzz_patterns import DOCUMENTED

import cwpattern
from cwpattern.printer import to_text

from strategies import pattern_and_message, references_for

MAX_MESSAGE = 8 * 1024
HOSTILE_PATTERNS = [
    "%a*a*a*a*a*a*a*a*a*a*b%", "%a|a*b%",
    "%\\w*\\w*\\w*\\w*\\w*@%", "{ $.a = %a*a*a*a*a*a*b% }", "[x = %.*.*.*.*=%, ...]",
    "{ $.a.b.c.d.e.f.g.h = 1 }", "{ $.*.a = 1 || $.b[*] = 2 }", "[...]", "[..., x]",
    "[x, ..., y = 1]", "{ $.a NOT EXISTS }", "{ $.a = * }", "{ $.a > 1e400 }",
    '{ $.a = "*a*b*c*d*e*f*" }', "[a = *a*b*c*d*, b]", "-x", '""',
]


class MessageFuzzer(Fuzzer):
    name = "fuzz_messages"

    def __init__(self, seeds: list[tuple[str, Any]], pattern_texts: list[str]):
        self.patterns = [cwpattern.compile(text) for text in pattern_texts]
        self.references = {}
        for pattern in self.patterns:
            self.references[pattern.pattern] = references_for(pattern.tree)
        self.seeds = [(pattern_texts.index(text), message) for text, message in seeds]

    def cases(self, rng: random.Random, count: int) -> Iterator[tuple[str, Any]]:
        families = [
            ("built for the pattern", 3, self.built),
            ("built, then mutated", 4, self.mutated),
            ("built for another pattern", 1, self.other),
            ("random JSON", 2, self.random_json),
            ("random text", 1, self.random_text),
            ("random bytes", 1, self.random_bytes),
        ]
        names = [name for name, weight, _ in families for _ in range(weight)]
        makers = {name: maker for name, _, maker in families}
        for _ in range(count):
            family = rng.choice(names)
            index, message = makers[family](rng)
            operation = rng.choice(["matches", "extract"])
            yield family, (operation, index, message[:MAX_MESSAGE])

    def built(self, rng: random.Random) -> tuple[int, Any]:
        return rng.choice(self.seeds)

    def mutated(self, rng: random.Random) -> tuple[int, Any]:
        index, message = rng.choice(self.seeds)
        raw = message if isinstance(message, bytes) else message.encode("utf-8",
                                                                         "surrogatepass")
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(raw))
            edit = rng.randrange(5)
            if edit == 0:
                raw = raw[:at] + rng.choice([b'"', b"{", b"}", b"[", b"]", b"\\", b",", b":",
                                             b" ", b"\x00", b"\xff", b"\\u", b"\\ud800",
                                             b"1e400", rng.randbytes(3)]) + raw[at:]
            elif edit == 1:
                raw = raw[:at] + raw[at + rng.randint(1, 8):]
            elif edit == 2:
                end = rng.randint(at, len(raw))
                raw = raw[:end] + raw[at:end] * rng.randint(1, 20) + raw[end:]
            elif edit == 3:
                raw = raw[:at]
            else:
                raw = raw.replace(b" ", rng.choice([b"\t", b"  ", b""]), rng.randint(1, 5))
        if isinstance(message, str) and rng.random() < 0.7:
            return index, raw.decode("utf-8", "replace")
        return index, raw

    def other(self, rng: random.Random) -> tuple[int, Any]:
        return rng.randrange(len(self.patterns)), rng.choice(self.seeds)[1]

    def random_json(self, rng: random.Random) -> tuple[int, Any]:
        value = _random_value(rng, rng.randint(0, 6))
        text = json.dumps({"a": value, rng.choice(["b", "a", "list"]): value},
                          ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.2:
            depth = rng.randint(10, 3000)
            text = '{"a":' + "[" * depth + "1" + "]" * depth + "}"
        if rng.random() < 0.1:
            text = text.replace("1", "1" * rng.randint(20, 5000), 1)
        return rng.randrange(len(self.patterns)), text

    def random_text(self, rng: random.Random) -> tuple[int, Any]:
        length = rng.choice([rng.randint(0, 80), rng.randint(0, MAX_MESSAGE)])
        alphabet = rng.choice([' a"[]\t-1,=', "".join(chr(rng.randrange(0x110000))
                                                      for _ in range(20))])
        return rng.randrange(len(self.patterns)), "".join(rng.choice(alphabet)
                                                          for _ in range(length))

    def random_bytes(self, rng: random.Random) -> tuple[int, Any]:
        return rng.randrange(len(self.patterns)), rng.randbytes(rng.randint(0, 2000))

    def call(self, case: tuple[str, int, Any]) -> tuple[str, Any]:
        operation, index, message = case
        pattern = self.patterns[index]
        if operation == "matches":
            return f"matches -> {pattern.matches(message)}", None
        values = pattern.extract(message, self.references[pattern.pattern])
        return f"extract -> {'None' if values is None else 'values'}", values

    def check(self, case: tuple[str, int, Any], result: Any) -> None:
        operation, index, message = case
        if operation == "extract":
            pattern = self.patterns[index]
            assert (result is not None) is pattern.matches(message), "extract agrees"
            assert result is None or all(isinstance(v, str) for v in result.values())


def _random_value(rng: random.Random, depth: int) -> Any:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice([0, -0.0, 1e308, 2**64 + 1, -(2**63), 2.5, "", "x", "é\u2028",
                           "\ud800", "a/b", "\x00", True, False, None, "ERROR"])
    if rng.random() < 0.5:
        return [_random_value(rng, depth - 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["a", "b", "n", "list", "x.y", ""]): _random_value(rng, depth - 1)
            for _ in range(rng.randint(0, 4))}


def describe(case: Any) -> str:
    operation, index, message = case
    shown = ascii(message)
    shown = shown if len(shown) <= 90 else f"{shown[:70]}... ({len(message)} long)"
    return f"{operation} #{index}: {shown}"


def seeds() -> tuple[list[tuple[str, Any]], list[str]]:
    """Patterns, and messages built for them by the test strategies (3,000 pairs)."""
    pairs = [(to_text(tree), message) for tree, message in generated(pattern_and_message(),
                                                                      3000)]
    texts = list(dict.fromkeys([*DOCUMENTED, *HOSTILE_PATTERNS,
                                *(text for text, _ in pairs)]))
    return pairs, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, MessageFuzzer.name)
    args = parser.parse_args()
    pairs, texts = seeds()
    fuzzer = MessageFuzzer(pairs, texts)
    if args.replay:
        failure = json.loads(Path(args.replay).read_text())
        case = replay_input(failure["input"])
        print(describe(case))
        print(fuzzer.call(case))
        return
    start = time.perf_counter()
    tally = run(fuzzer, args.cases, args.workers, args.seed, args.budget_ms)
    summarize(fuzzer, tally, args, time.perf_counter() - start, describe)


if __name__ == "__main__":
    main()

"""The hostile-input corpus of fixtures/hostile/ (issue 7): each input's documented outcome.

Every row of fixtures/hostile/README.md is a case here.  Small inputs are committed
files (one event each; the final newline is not part of the event); the large ones are
written by ``fixtures/hostile/generate.py`` into a temporary directory.  Time and memory
on these inputs are measured by ``benchmarks/hostile_inputs.py``, not asserted here.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import cwpattern
from cwpattern import interpreter

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"


def _generator():
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> dict[str, Path]:
    return generate.write_all(tmp_path_factory.mktemp("hostile"))


def event(name: str, large: dict[str, Path]) -> bytes:
    path = large[name] if name in generate.LARGE else HOSTILE / name
    return path.read_bytes().removesuffix(b"\n")


# file, pattern, matches; the README table states the same outcomes in words.
SMALL = [
    ("nul-bytes.log", "ERROR", True),
    ("nul-bytes.log", "%ERROR\\x00 disk%", True),
    ("nul-bytes.log", '"disk full"', False),
    ("nul-bytes.log", "[level, rest]", True),
    ("nul-bytes.log", "{ $.a NOT EXISTS }", False),
    ("nul-in-json.json", "{ $.errorCode = * }", False),
    ("nul-in-json.json", "{ $.x NOT EXISTS }", False),
    ("nul-in-json.json", "Access", True),
    ("nul-escaped-json.json", "{ $.note = %^a.b$% }", True),
    ("nul-escaped-json.json", '{ $.note = "a*b" }', True),
    ("invalid-utf8.json", "{ $.errorCode = AccessDenied }", True),
    ("invalid-utf8.json", "{ $.userName = %^...$% }", True),
    ("invalid-utf8.log", "ERROR", False),
    ("invalid-utf8.log", "%ERR.OR%", True),
    ("invalid-utf8.log", "[word, at, where = %\\x28%, offset]", True),
    ("bom.json", "{ $.errorCode = AccessDenied }", False),
    ("bom.json", "{ $.x NOT EXISTS }", False),
    ("bom.json", "AccessDenied", True),
    ("lone-surrogates.json", "{ $.errorCode = AccessDenied }", True),
    ("lone-surrogates.json", "{ $.userName = %^.$% }", True),
    ("lone-surrogates.json", "{ $.tail = %^.x$% }", True),
    ("lone-surrogates.json", "{ $.userName = * }", True),
    ("number-1e400.json", "{ $.n > 1e308 }", True),
    ("number-1e400.json", "{ $.n = 1e400 }", True),
    ("number-1e400.json", "{ $.m < -1e308 }", True),
    ("number-negative-zero.json", "{ $.n = 0 && $.m = 0 }", True),
    ("number-negative-zero.json", "{ $.m < 0 }", False),
    ("number-2pow64-plus-1.json", "{ $.n = 18446744073709551617 }", True),
    ("number-2pow64-plus-1.json", "{ $.n = 18446744073709551616 }", True),
    ("number-2pow64-plus-1.json", "{ $.n > 18446744073709551616 }", False),
    ("duplicate-keys.json", "{ $.errorCode = AccessDenied }", False),
    ("duplicate-keys.json", "{ $.errorCode = None }", True),
]
LARGE = [
    ("deep-arrays-100k.json", "{ $.errorCode = AccessDenied }", False),
    ("deep-arrays-100k.json", "{ $.x NOT EXISTS }", False),
    ("deep-arrays-100k.json", "AccessDenied", True),
    ("deep-objects-100k.json", "{ $.errorCode = AccessDenied }", False),
    ("deep-objects-100k.json", "AccessDenied", True),
    ("long-json-10mb.json", "{ $.errorCode = AccessDenied }", True),
    ("long-json-10mb.json", "{ $.pad = x* && $.errorCode = A* }", True),
    ("long-json-10mb.json", "%Denied\\x22}$%", True),
    ("long-space-10mb.log", "[first, ..., status = 404]", True),
    ("long-space-10mb.log", "[..., status > 500]", False),
    ("long-space-10mb.log", "[first, rest]", True),
    ("long-space-10mb.log", "[first = b, ...]", False),
    ("long-space-10mb.log", "[]", True),
    ("long-text-10mb.log", "ERROR", True),
    ("long-text-10mb.log", "-ERROR", False),
    ("long-text-10mb.log", "%ERROR$%", True),
    ("long-text-10mb.log", "{ $.a NOT EXISTS }", False),
    ("backtracking-bait.log", "%a*a*a*a*a*a*a*a*a*a*a*a*b%", False),
    ("backtracking-bait.log", "%\\w*\\w*\\w*\\w*\\w*\\w*@%", False),
    ("backtracking-bait.log", "%^a*a*a*a*a*a*a*a*a*a*a*a*$%", True),
    ("backtracking-bait.log", "[x = %a*a*a*a*a*a*b%]", False),
]


@pytest.mark.parametrize(("name", "pattern", "expected"), SMALL + LARGE,
                         ids=[f"{name}: {pattern}" for name, pattern, _ in SMALL + LARGE])
def test_documented_outcome(name: str, pattern: str, expected: bool,
                            large: dict[str, Path]) -> None:
    message = event(name, large)
    compiled = cwpattern.compile(pattern)
    assert compiled.matches(message) is expected
    assert compiled.matches(message.decode("utf-8", "replace")) is expected
    if name not in generate.LARGE or compiled.kind != "space":
        assert interpreter.matches(compiled.tree, message) is expected


@pytest.mark.parametrize(("name", "reference", "value"), [
    ("number-1e400.json", "$.n", "inf"),
    ("number-negative-zero.json", "$.n", "0"),
    ("number-negative-zero.json", "$.m", "-0.0"),
    ("number-2pow64-plus-1.json", "$.n", "1.8446744073709552e+19"),
    ("duplicate-keys.json", "$.errorCode", "None"),
    ("invalid-utf8.json", "$.userName", "\ufffd\ufffd\ufffd"),
    ("lone-surrogates.json", "$.userName", "\ud800"),
])
def test_extracted_value(name: str, reference: str, value: str, large) -> None:
    """What a metric filter would publish: JSON numbers as doubles, U+FFFD for bad bytes."""
    pattern = cwpattern.compile("{ $.a NOT EXISTS }")
    assert pattern.extract(event(name, large), [reference]) == {reference: value}


def test_extracting_every_field_of_a_long_line(large) -> None:
    """``[first, ..., last]`` reports each field the ellipsis covers, as AWS does."""
    line = event("long-space-10mb.log", large)[: 200_001]
    values = cwpattern.compile("[first, ..., last]").extract(line)
    assert len(values) == 100_001
    assert values["$first"] == "a" and values["$last"] == "a" and values["$50000"] == "a"


def test_readme_lists_every_input() -> None:
    """The README table names every input of the corpus, source-level ones included."""
    table = (HOSTILE / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `([^`]+)`", table, flags=re.MULTILINE))
    committed = {path.name for path in HOSTILE.iterdir()
                 if path.name not in ("README.md", "generate.py")}
    assert named >= committed | set(generate.LARGE) | set(generate.SOURCES)

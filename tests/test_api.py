"""The ``re``-style public API: compile cache, kinds, module-level helpers."""

from __future__ import annotations

import cwpattern


def test_compile_is_cached_like_re() -> None:
    cwpattern.purge()
    first = cwpattern.compile("{ $.a = 1 }")
    assert cwpattern.compile("{ $.a = 1 }") is first
    cwpattern.purge()
    assert cwpattern.compile("{ $.a = 1 }") is not first


def test_kinds() -> None:
    assert cwpattern.compile("ERROR").kind == "text"
    assert cwpattern.compile("%ERR%").kind == "text"
    assert cwpattern.compile("{ $.a = 1 }").kind == "json"
    assert cwpattern.compile("[a, b]").kind == "space"
    assert cwpattern.compile("").kind == "text"


def test_module_level_helpers() -> None:
    assert cwpattern.matches("ERROR", "an ERROR")
    assert cwpattern.extract("[a, b]", "x y") == {"$a": "x", "$b": "y"}
    assert cwpattern.extract("[a, b]", "x") is None


def test_repr_and_normalized_form() -> None:
    compiled = cwpattern.compile("{$.a=x}")
    assert repr(compiled) == "cwpattern.compile('{$.a=x}')"
    assert compiled.normalized == '{ $.a = "x" }'

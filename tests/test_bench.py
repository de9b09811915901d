"""``cwpattern bench`` and its jq baseline: output shape, agreement, translations (issue 6).

No timing is asserted: only what the command prints and that every contender gives
the same answers.  The jq translation is checked against the reference interpreter on
generated patterns and events, with jq itself when it is installed.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cwpattern
from cwpattern import interpreter
from cwpattern.cli import main
from cwpattern.printer import to_text
from cwpattern.tools.bench import chunked, run
from cwpattern.tools.jq import Untranslatable, to_jq

from conftest import FIXTURES
from strategies import events_for, json_patterns, text_patterns

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
EVENTS = FIXTURES / "synth" / "config-slr-access-denied" / "events.jsonl.gz"
JQ = shutil.which("jq")


def bench(*args: str):
    return CliRunner().invoke(main, ["bench", *args])


def test_json_output_on_fixture_events() -> None:
    result = bench(SEED, "AccessDenied", "--events", str(EVENTS), "--repeat", "1", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["events"] == 258
    containing = sum(b"AccessDenied" in line
                     for line in gzip.decompress(EVENTS.read_bytes()).splitlines())
    assert [p["matches"] for p in document["patterns"]] == [60, containing]
    assert document["patterns"][0]["kind"] == "json"
    assert document["patterns"][1]["jq"] == '($line | contains("AccessDenied"))'
    assert set(document["measurements"]) >= {"cwpattern", "parse_floor", "interpreter"}
    assert set(document["ratios"]) >= {"vs_parse_floor", "vs_interpreter"}
    assert all(document["agreement"].values())
    assert 0 < document["scan_pass_rate"] <= 1


def test_table_on_synthetic_events() -> None:
    result = bench(SEED, "[a, b = *Denied*, ...]", "--synth", "300", "--repeat", "1",
                   "--baseline-events", "100")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("300 events,")
    assert "300 synthetic CloudTrail records (seed 6)" in lines[0]
    assert "jq: not translated (space-delimited patterns" in result.output
    assert any(line.startswith("parse floor (orjson.loads)") for line in lines)
    assert any(line.startswith("reference interpreter") and "(first 100)" in line
               for line in lines)
    assert lines[-1].startswith("answers: identical (scan, interpreter")


@pytest.mark.parametrize("args, message", [
    ([SEED], "give either --events SOURCE or --synth N"),
    ([SEED, "--synth", "5", "--events", str(EVENTS)], "give either --events SOURCE or --synth N"),
    (["{ $.a = ", "--synth", "5"], "InvalidParameterException"),
])
def test_usage_mistakes_are_one_message(args: list[str], message: str) -> None:
    result = bench(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_bench_result_counts_match_the_interpreter() -> None:
    lines = [json.dumps({"eventName": f"Get{i}", "errorCode": "AccessDenied" if i % 3 else "x"})
             .encode() for i in range(30)] + [b"not json", b'{"a": "\\u0041ccessDenied"}']
    patterns = [cwpattern.compile('{ $.errorCode = "AccessDenied" }'), cwpattern.compile("Get1")]
    result = run(patterns, chunked(lines, chunk_bytes=200), repeat=1, jq=JQ)
    expected = [sum(1 for line in lines if interpreter.matches(p.tree, line)) for p in patterns]
    assert [p.matches for p in result.patterns] == expected
    assert all(result.agreement.values())
    assert result.to_dict()["events"] == len(lines)


# ----------------------------------------------------------------------------- jq


def test_translations_of_the_documented_shapes() -> None:
    assert to_jq(cwpattern.compile("{ $.a NOT EXISTS }").tree) == (
        '([(select(type == "object" and has("a")) | .["a"])] | length == 0)')
    assert to_jq(cwpattern.compile("{ $.a.b > 4000 }").tree) == (
        'any(.a? | .b?; (type == "number" and . > 4000.0))')
    assert to_jq(cwpattern.compile('{ $.x = "a*b*c" }').tree) == (
        'any(.x?; (type == "string" and test("\\\\Aa[\\\\s\\\\S]*b[\\\\s\\\\S]*c\\\\z")))')
    with pytest.raises(Untranslatable, match="space-delimited"):
        to_jq(cwpattern.compile("[a, b]").tree)
    with pytest.raises(Untranslatable, match="Oniguruma"):
        to_jq(cwpattern.compile("%ab+%").tree)


def test_hostile_literals_stay_strings_in_jq() -> None:
    expression = to_jq(cwpattern.compile('{ $.a = "\\\\(env) \\" | halt" }').tree)
    assert expression == 'any(.a?; . == "\\\\(env) \\" | halt")'


@pytest.mark.skipif(JQ is None, reason="jq is not installed")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_jq_agrees_with_the_interpreter(data) -> None:
    tree = data.draw(st.one_of(json_patterns, text_patterns))
    try:
        expression = to_jq(tree)
    except Untranslatable:
        return
    # jq 1.6's contains() stops at a NUL in the line too (see cwpattern.tools.jq): not compared.
    events = [line.replace("\n", " ") for line in
              data.draw(st.lists(events_for(tree), min_size=1, max_size=6))
              if "\x00" not in line]
    if not events:
        return
    raw = not to_text(tree).startswith("{")
    # cwpattern reads a message as JSON only when it starts with "{" (no BOM, no prefix).
    program = (f"$line | {expression}" if raw else
               f'$line | (try fromjson catch null) as $e | ($e | type) == "object" and '
               f'($line | test("^[ \\\\t\\\\r\\\\n]*[{{]")) and ($e | {expression})')
    done = subprocess.run([JQ, "-R", "-c", f". as $line | {program}"],
                          input="".join(event + "\n" for event in events).encode(),
                          capture_output=True, check=False)
    assert done.returncode == 0, (program, events, done.stderr)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert answers == [interpreter.matches(tree, event) for event in events]


def test_every_benchmark_script_starts_and_explains_itself() -> None:
    """``--help`` imports each script's modules: a renamed API fails here, not at
    ``make bench`` time.  The scripts run side by side, as they take a second each."""
    import sys

    from conftest import REPO

    scripts = sorted(p for p in (REPO / "benchmarks").glob("*.py")
                     if not p.name.startswith("_"))
    running = {script.name: subprocess.Popen([sys.executable, script.name, "--help"],
                                             cwd=script.parent, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True)
               for script in scripts}
    results = {name: (*process.communicate(timeout=120), process.returncode)
               for name, process in running.items()}
    failed = {name: stderr for name, (_, stderr, code) in results.items() if code != 0}
    assert failed == {}
    assert all(stdout.startswith("usage:") for stdout, _, _ in results.values())

"""Dependency direction: the pattern core never imports the simulator or the CLI, and
the simulator reaches the core only through its public API."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

CORE = REPO / "cwpattern"
PUBLIC_CORE = {"cwpattern", "cwpattern.nodes", "cwpattern.errors"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_core_never_imports_simulator_or_cli() -> None:
    offenders = {}
    for path in CORE.rglob("*.py"):
        if "cli" in path.relative_to(CORE).parts or path.name == "__main__.py":
            continue  # the command line, and ``python -m cwpattern`` which starts it
        bad = {name for name in imports(path)
               if name.split(".")[0] == "simulator" or name.startswith("cwpattern.cli")}
        if bad:
            offenders[str(path.relative_to(REPO))] = sorted(bad)
    assert offenders == {}


def test_simulator_uses_only_the_public_core_api() -> None:
    offenders = {}
    for path in (REPO / "simulator").rglob("*.py"):
        bad = {name for name in imports(path)
               if name.split(".")[0] == "cwpattern" and name not in PUBLIC_CORE}
        if bad:
            offenders[str(path.relative_to(REPO))] = sorted(bad)
    assert offenders == {}


def test_importing_the_core_does_not_load_the_simulator() -> None:
    import subprocess
    import sys

    code = ("import sys, cwpattern; cwpattern.compile('x'); "
            "print(any(m.startswith('simulator') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_every_name_the_simulator_package_exports_resolves() -> None:
    import importlib

    simulator = importlib.import_module("simulator")
    for name in simulator.__all__:
        value = getattr(simulator, name)
        assert value.__name__ == name
        assert name in dir(simulator)


def test_reading_events_does_not_load_the_alarm_and_deploy_modules() -> None:
    """Worker processes import the scoring path alone (simulator/__init__ is lazy)."""
    import subprocess
    import sys

    code = ("import sys, simulator.scoring, simulator.sources; "
            "print(sorted(m for m in ('simulator.alarm', 'simulator.deploy', "
            "'simulator.metric_math') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

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

    code = ("import sys, simulator.replay.scoring, simulator.sources; "
            "print(sorted(m for m in ('simulator.alarms.alarm', 'simulator.deploy', "
            "'simulator.alarms.metric_math') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- Layering of the simulator's subsystems -------------------------------------------

BASE = {"simulator.events", "simulator.metrics", "simulator.timestamps", "simulator.extras",
        "simulator.documents", "simulator._faces"}
# Each subsystem, and the subsystems it may import (through their public faces).
ALLOWED = {
    "sources": set(),
    "filters": set(),
    "alarms": set(),
    "deploy": set(),
    "synth": set(),
    "replay": {"sources", "filters", "alarms"},
    "suite": {"sources", "filters", "alarms", "replay", "synth", "deploy"},
    "analysis": {"sources", "filters", "alarms", "replay", "synth", "deploy", "suite"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path
            for top in ("simulator", "cwpattern") for path in (REPO / top).rglob("*.py")}


def import_edges(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules ``name`` imports, at module level or inside functions (a lazy import is
    still a dependency), resolved to modules of the project."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1],
                                 *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known)
    found.discard(name)
    return found


def subsystem(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "simulator" and len(parts) > 1 and module not in BASE:
        return parts[1]
    return None


def project_graph() -> dict[str, set[str]]:
    modules = package_modules()
    return {name: import_edges(name, path, set(modules)) for name, path in modules.items()}


def test_subsystems_import_only_the_layers_below_them_through_their_faces() -> None:
    offenders = {}
    for module, targets in project_graph().items():
        if not module.startswith("simulator.") or module in BASE:
            continue
        mine = subsystem(module)
        for target in targets:
            theirs = subsystem(target)
            if theirs is None or theirs == mine:
                continue
            if theirs not in ALLOWED[mine] or target != f"simulator.{theirs}":
                offenders.setdefault(module, []).append(target)
    assert offenders == {}


def test_base_modules_import_no_subsystem() -> None:
    graph = project_graph()
    offenders = {module: sorted(t for t in graph[module] if subsystem(t))
                 for module in BASE if any(subsystem(t) for t in graph[module])}
    assert offenders == {}


def test_the_command_line_imports_only_public_faces() -> None:
    faces = BASE | {"simulator"} | {f"simulator.{name}" for name in ALLOWED}
    offenders = {}
    for module, targets in project_graph().items():
        if module.startswith("cwpattern.cli"):
            bad = sorted(t for t in targets if t.startswith("simulator") and t not in faces)
            if bad:
                offenders[module] = bad
    assert offenders == {}


def test_no_import_cycles() -> None:
    """Every import counts, lazy ones included (a lazy face names its modules as strings,
    so it adds no edge)."""
    graph = project_graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target):], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []

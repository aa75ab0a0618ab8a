"""The project's Python imports form no circle: read every module's imports (those under
``if TYPE_CHECKING:`` and inside functions too) and look for a module that reaches itself.

A circle hidden behind ``TYPE_CHECKING`` still couples two modules both ways; the cure is a
module (or a ``Protocol``) that both import, as ``report.words`` and ``wire.people._RoomView`` do.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("session_engine", "server", "tests", "bench", "replays")


def modules(root: Path) -> dict[str, Path]:
    """Every module of the project by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_by(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports; ``from . import x`` imports the module ``x``."""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            submodules = {f"{source}.{alias.name}" for alias in node.names} & known.keys()
            found |= submodules or {source}
    return (found & known.keys()) - {name}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = stack[stack.index(node) :]
                    del stack[stack.index(node) :]
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_finder_sees_a_circle_and_a_circle_through_three() -> None:
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(circles(graph)) == [["a", "b"], ["c", "d", "e"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_reader_counts_type_checking_and_relative_imports(tmp_path: Path) -> None:
    package = tmp_path / "server" / "simulation"
    package.mkdir(parents=True)
    (tmp_path / "server" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "people.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .room import Room\n"
    )
    (package / "room.py").write_text("from . import people\nfrom .. import simulation\n")
    known = modules(tmp_path)
    graph = {name: imported_by(name, path, known) for name, path in known.items()}
    assert graph["server.simulation.people"] == {"server.simulation.room"}
    assert graph["server.simulation.room"] == {"server.simulation.people", "server.simulation"}
    assert circles(graph) == [["server.simulation.people", "server.simulation.room"]]


def test_no_module_of_the_project_imports_itself_through_others() -> None:
    known = modules(ROOT)
    assert "session_engine.report.wording" in known  # the walk found the project
    graph = {name: imported_by(name, path, known) for name, path in known.items()}
    assert circles(graph) == []

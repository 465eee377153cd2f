"""The package's shape: no import cycles anywhere in ``station`` (function-level and type-checking imports
counted), and every package and module says in a docstring what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[2]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module in an import graph."""
    edges = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        # Tarjan's algorithm, iterative: (module, position in its edge list)
        work = [(root, 0)]
        while work:
            module, position = work.pop()
            if position == 0:
                index[module] = low[module] = counter
                counter += 1
                stack.append(module)
                on_stack.add(module)
            targets = edges[module]
            if position < len(targets):
                work.append((module, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
    return cycles


def test_cycle_finder_sees_a_cycle() -> None:
    """The finder itself: a two-module loop in a throwaway package is reported, a chain is not."""
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    assert import_cycles(graph) == [["pkg.a", "pkg.b"]]
    graph.remove_import(importer="pkg.b", imported="pkg.a")
    assert import_cycles(graph) == []


def test_station_has_no_import_cycles() -> None:
    assert import_cycles(grimp.build_graph("station", exclude_type_checking_imports=False)) == []


def test_every_package_and_module_has_a_docstring() -> None:
    missing = []
    for path in sorted((REPO / "station").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name == "__init__.py" or tree.body:
            if ast.get_docstring(tree) is None:
                missing.append(str(path.relative_to(REPO)))
    assert missing == []

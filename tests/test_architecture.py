"""The package keeps its shape: layers import only from the layers above, and nothing cycles.

DESIGN.md draws the layers (config, io, checks, engines, registry, report, render,
platforms, app, cli); ``errors`` and ``vocab`` are the ground floor every layer may use.
Imports inside functions count too: a lazy import is still a dependency. Imports under
``if TYPE_CHECKING:`` do not: they exist for the type checker only, never at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mlci"
LAYERS = ["config", "io", "checks", "engines", "registry", "report", "render", "platforms", "app", "cli"]
GROUND = {"errors", "vocab", "__init__", "__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        targets: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlci"):
                if node.level == 0:
                    targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("mlci"))
        graph[name] = targets
    return graph


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node, except what sits under ``if TYPE_CHECKING:``."""
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            typing_only = isinstance(child, ast.If) and (
                (isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING")
                or (isinstance(child.test, ast.Attribute) and child.test.attr == "TYPE_CHECKING")
            )
            if typing_only:
                stack.extend(child.orelse)
            else:
                stack.append(child)
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_module_imports_only_from_layers_above_it() -> None:
    wrong = []
    for module, targets in _imports().items():
        here = _layer(module)
        if here in GROUND:
            continue
        for target in targets:
            there = _layer(target)
            if there in GROUND or there == here:
                continue
            if LAYERS.index(there) > LAYERS.index(here):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_the_ground_floor_imports_nothing_of_mlci_but_itself() -> None:
    graph = _imports()
    for ground in ("mlci.errors", "mlci.vocab"):
        assert graph[ground] <= {"mlci", "mlci.errors", "mlci.vocab"}, graph[ground]


def test_no_import_cycles() -> None:
    graph = _imports()
    known = set(graph)

    def resolve(target: str) -> str | None:
        # "from mlci.io import x" depends on the package mlci.io (its __init__).
        return target if target in known else None

    edges = {m: {t for t in map(resolve, ts) if t is not None and t != m} for m, ts in graph.items()}
    # A package's __init__ re-exporting its own submodules is not a cycle of design.
    for module, targets in edges.items():
        edges[module] = {t for t in targets if not (module.startswith(t + ".") and t in known)}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_cli_module_is_more_than_about_120_lines() -> None:
    long = {
        p.name: n
        for p in (PACKAGE / "cli").glob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 130
    }
    assert not long, f"CLI modules should be parse -> app -> render -> exit: {long}"

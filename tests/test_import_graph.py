"""The package's import rules (ARCHITECTURE.md, "Import rules"), checked on the source.

Every ``import`` and ``from … import`` of a ``monitlint`` module counts, at module level and
inside functions alike (a function-level import is a cycle deferred, not removed); only
imports under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "monitlint"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.Module, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The monitlint modules ``module`` imports at run time."""
    found: set[str] = set()

    def resolve(name: str) -> str | None:
        # `from monitlint.x import y`: y may be a module of package x, else it is a name in x.
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "monitlint":
                    target = resolve(alias.name)
                    if target:
                        found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{node.module}" if node.module else package
            else:
                base = node.module or ""
            if base.split(".")[0] != "monitlint":
                return
            for alias in node.names:
                target = resolve(f"{base}.{alias.name}")
                if target:
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    """Every monitlint module and the monitlint modules it imports at run time."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {
        name: _imported(ast.parse(path.read_text(), str(path)), name, path.name == "__init__.py", known)
        for name, path in paths.items()
    }


def _parents(module: str) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def strong(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                strong(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strong(node)
    return found


def test_the_import_graph_is_read_from_every_module() -> None:
    graph = import_graph()
    assert "monitlint.linter.engine" in graph
    assert "monitlint.grammar.parser" in graph["monitlint.linter.engine"]
    # a function-level import counts: the API imports the engine only when a file is linted
    assert "monitlint.linter.engine" in graph["monitlint.api"]


def test_no_import_cycles() -> None:
    graph = import_graph()
    # A package's __init__ importing its own modules is how a package is made, not a cycle.
    pruned = {m: {t for t in targets if t not in _parents(m)} for m, targets in graph.items()}
    assert cycles(pruned) == []


def test_the_grammar_imports_nothing_from_the_linter() -> None:
    graph = import_graph()
    offending = {
        module: sorted(t for t in targets if t.startswith("monitlint.linter"))
        for module, targets in graph.items()
        if module.startswith("monitlint.grammar")
    }
    assert {m: t for m, t in offending.items() if t} == {}


def test_the_model_and_the_grammar_import_no_rules_config_or_front_ends() -> None:
    graph = import_graph()
    front = ("monitlint.linter", "monitlint.cli", "monitlint.api", "monitlint.provider", "monitlint.output")
    for module, targets in graph.items():
        if module.startswith(("monitlint.model", "monitlint.grammar")):
            assert not [t for t in targets if t.startswith(front)], module


def test_only_the_api_wires_in_processes() -> None:
    graph = import_graph()
    # posix_regex asks parallel.can_fork() only (it bounds a regex compile in a child)
    importers = sorted(m for m, targets in graph.items() if "monitlint.runtime.parallel" in targets)
    assert importers == ["monitlint.api", "monitlint.posix_regex"]


def test_config_and_registry_import_no_rule() -> None:
    graph = import_graph()
    # config.py only reads TOML (the selection resolves rule names); registry.py is what rule modules import
    assert not [t for t in graph["monitlint.config"] if t.startswith("monitlint.linter")]
    assert not [t for t in graph["monitlint.linter.registry"] if t.startswith("monitlint.linter.rules")]
    assert "monitlint.cli" not in graph["monitlint.provider.service_command"]

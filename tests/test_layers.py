"""The package's structure stays as docs/architecture.md draws it: no import
cycles (imports inside functions count; those only for type checkers do not),
and each layer imports only the layers below it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"scanjit": "src/scanjit", "scanjit.dialects": "dialects", "scanjit.passes": "passes",
           "scanjit.tools": "tools"}

FRONT_END = ("scanjit.config", "scanjit.version", "scanjit.dtypes", "scanjit.graph", "scanjit.shared",
             "scanjit.calling", "scanjit.printing", "scanjit.reference", "scanjit.tensor", "scanjit.scan")
COMPILER = ("scanjit.emit", "scanjit.driver", "scanjit.runtime", "scanjit.passes", "scanjit.dialects",
            "xdsl", "llvmlite")
# layer -> what it must not import (prefixes)
FORBIDDEN = {
    FRONT_END: COMPILER + ("scanjit.function",),
    ("scanjit.emit",): ("scanjit.driver", "scanjit.runtime", "scanjit.function", "llvmlite"),
    ("scanjit.runtime",): ("xdsl", *FRONT_END, "scanjit.emit", "scanjit.passes", "scanjit.driver",
                           "scanjit.dialects", "scanjit.function"),
    ("scanjit.passes",): (*FRONT_END, "scanjit.emit", "scanjit.driver", "scanjit.runtime",
                          "scanjit.function", "llvmlite"),
    ("scanjit.dialects",): (*FRONT_END, "scanjit.emit", "scanjit.driver", "scanjit.runtime",
                            "scanjit.passes", "scanjit.function", "llvmlite"),
    ("scanjit.driver",): ("scanjit.function", "scanjit.tools"),
}


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = [p for p in path.relative_to(ROOT / folder).with_suffix("").parts if p != "__init__"]
            found[".".join([package, *parts])] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING" or \
        isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"


def imported_names(path: Path, name: str) -> set[str]:
    """Every module `path` imports, at any depth, but for `if TYPE_CHECKING:` blocks."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    pending: list[ast.AST] = [ast.parse(path.read_text())]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.update(f"{base}.{alias.name}" for alias in node.names)  # a module, or a name in `base`
        pending.extend(ast.iter_child_nodes(node))
    return names


def graph() -> dict[str, set[str]]:
    """Each of our modules -> the modules it imports (ours by module, others by name)."""
    ours = modules()
    edges = {}
    for name, path in ours.items():
        targets = set()
        for target in imported_names(path, name):
            while target not in ours and "." in target and target.startswith("scanjit"):
                target = target.rpartition(".")[0]
            if target != name:
                targets.add(target)
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root] & edges.keys())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child] & edges.keys()))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("layer", list(FORBIDDEN), ids=lambda layer: layer[0])
def test_layers_import_only_layers_below(layer):
    wrong = sorted((module, target) for module, targets in graph().items()
                   if module.startswith(layer) for target in targets
                   if target.startswith(FORBIDDEN[layer]))
    assert wrong == []


def test_no_pass_imports_another_pass():
    passes = {m for m in modules() if m.startswith("scanjit.passes.") and not m.startswith("scanjit.passes.support")}
    wrong = sorted((module, target) for module, targets in graph().items() if module in passes
                   for target in targets if target in passes)
    assert wrong == []

"""The package's layers (../shared/DESIGN.md, "Layers"): no import circle, science modules
never import the service or face layers, the store imports no science module beyond the types
it stores. Every import counts, at module level or inside a function (a lazy import is still
a dependency)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ehrisk"

SCIENCE = ("air", "dispersion", "exposure", "grading", "impact", "mapping", "risk",
           "screening", "inventory", "demo", "monitoring", "emergency", "accounting")
SERVICE = ("services", "results", "store", "study", "reports", "jobs")
FACE = ("cli", "commands", "api", "web")
STORE_MAY_IMPORT = ("store", "inventory", "errors", "units", "geo", "io", "refdata",
                    "identifiers")


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        rel = p.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for a in node.names:
                cand = f"{mod}.{a.name}"
                found.add(cand if cand in MODULES else mod)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {n: _imports(n, p) for n, p in MODULES.items()}


def _layer(mod: str) -> str:
    top = mod.split(".")[1] if mod.count(".") else ""
    return top


def test_no_import_circle():
    """Tarjan's strongly connected components: every component has one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    import sys
    sys.setrecursionlimit(10000)
    for v in GRAPH:
        if v not in index:
            strong(v)
    assert circles == []


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if _layer(m) in SCIENCE))
def test_science_does_not_import_services_or_faces(mod):
    bad = sorted(i for i in GRAPH[mod] if _layer(i) in SERVICE + FACE)
    assert bad == [], f"{mod} imports {bad}"


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if _layer(m) == "store"))
def test_store_imports_no_science(mod):
    bad = sorted(i for i in GRAPH[mod] if _layer(i) not in STORE_MAY_IMPORT and i != "ehrisk")
    assert bad == [], f"{mod} imports {bad}"


def test_checker_sees_imports():
    """The checker itself: a module known to import another is seen doing so."""
    assert "ehrisk.inventory" in GRAPH["ehrisk.store.inventory"]
    assert "ehrisk.services" in GRAPH["ehrisk.services.runner"]

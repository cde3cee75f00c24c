"""The layering rules of issue 14, checked on the source tree (AST, no imports executed).

- analysis packages (kb, indicators, gravity, texts, frameworks) never import steppe.sources
  (outside data reaches them through the store) and hold no SQL;
- no module under store/ imports an analysis package (the store is below them);
- store modules are imported under one name each (``from steppe.store import kb as store_kb``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.core

SRC = Path(__file__).resolve().parents[3] / "src" / "steppe"
ANALYSIS = ("kb", "indicators", "gravity", "texts", "frameworks")
#: A string that is a SQL statement (keyword followed by what such a statement needs).
SQL = re.compile(
    r"\b(SELECT\b[\s\S]+\bFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TABLE|VIEW|INDEX)"
    r"|DROP\s+TABLE)\b",
)


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module name imported by ``path`` (absolute names; ``from steppe import x`` gives steppe.x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _strings(path: Path) -> list[tuple[int, str]]:
    """String constants (f-string parts included), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("package", ANALYSIS)
def test_analysis_never_imports_the_connectors(package: str) -> None:
    bad = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path in _modules(package)
        for line, name in _imports(path)
        if name == "steppe.sources" or name.startswith("steppe.sources.")
    ]
    assert bad == []


@pytest.mark.parametrize("package", ANALYSIS)
def test_analysis_holds_no_sql(package: str) -> None:
    bad = [
        f"{path.relative_to(SRC)}:{line}: {text[:60]!r}"
        for path in _modules(package)
        for line, text in _strings(path)
        if SQL.search(text)
    ]
    assert bad == []


def test_the_store_imports_no_analysis_package() -> None:
    analysis = tuple(f"steppe.{p}" for p in (*ANALYSIS, "report", "cli", "sources", "team"))
    bad = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path in _modules("store")
        for line, name in _imports(path)
        if name in analysis or name.startswith(tuple(a + "." for a in analysis))
    ]
    assert bad == []


def test_each_store_module_has_one_import_name() -> None:
    """``from steppe.store import <module> as store_<module>`` everywhere (or no alias inside store/)."""
    store_modules = {p.stem for p in (SRC / "store").glob("*.py") if p.stem != "__init__"}
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "steppe.store":
                for alias in node.names:
                    if alias.name in store_modules and alias.asname != f"store_{alias.name}":
                        bad.append(
                            f"{path.relative_to(SRC)}:{node.lineno} imports {alias.name} as {alias.asname}"
                        )
    assert bad == []


def test_the_sql_pattern_finds_sql() -> None:
    """The checks above can fail: the pattern recognises the statements it looks for."""
    assert SQL.search("SELECT count(*) FROM texts_segments WHERE doc_id = ?")
    assert SQL.search("INSERT INTO t (a) VALUES (?)") and SQL.search("DELETE FROM t")
    assert not SQL.search("Select the codes from the codebook")

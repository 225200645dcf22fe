"""The layer rules `lint-imports` cannot see: imports sit at module top (numpy, matplotlib, ruamel and
the optional genai-prices stay inside functions, off the `tco compare` path), and nothing inside the
package imports the facade `tco/__init__.py`."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tco"
LATE = ("numpy", "matplotlib", "ruamel", "genai_prices")


def imports_inside_functions() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    names = [inner.module or "."]
                else:
                    continue
                found += [f"{path.relative_to(PACKAGE)}:{inner.lineno}: {name}" for name in names
                          if name.split(".")[0] not in LATE]
    return found


def test_imports_sit_at_module_top() -> None:
    assert imports_inside_functions() == []


def test_nothing_inside_the_package_imports_the_facade() -> None:
    """`from tco import X` only for a submodule X; never `import tco` (the version is `tco.version`)."""
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "tco" and node.level == 0:
                wrong += [f"{path.relative_to(PACKAGE)}:{node.lineno}: {a.name}" for a in node.names
                          if a.name not in modules]
            elif isinstance(node, ast.Import):
                wrong += [f"{path.relative_to(PACKAGE)}:{node.lineno}: import tco" for a in node.names
                          if a.name == "tco"]
    assert wrong == []


def test_modules_are_imported_by_their_dotted_name() -> None:
    """`from tco.docs import X`, not `from tco import docs`: nothing goes through the package's namespace."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "tco" and node.level == 0:
                wrong += [f"{path.relative_to(PACKAGE)}:{node.lineno}: {a.name}" for a in node.names]
    assert wrong == []


def test_the_checks_see_what_they_look_for() -> None:
    """numpy is imported inside a function somewhere (so the first walk reaches function bodies)."""
    late = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                late += [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert late

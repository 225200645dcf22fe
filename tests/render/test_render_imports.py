"""Renderers word and lay out results; they compute nothing. So `tco.render` takes from the engine only
the types of its results and inputs (and their constants), never a function that computes a figure."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

RENDER = Path(__file__).resolve().parents[2] / "tco" / "render"
# The engine's result and input types, with their constants (CATEGORIES, DEFAULT_SOURCE, ...).
TYPE_MODULES = {"tco.engine.results", "tco.engine.inputs"}


def engine_imports() -> list[tuple[str, int, str, str]]:
    """(file, line, module, name) of every name a render module imports from `tco.engine`, at its top,
    inside a function or under TYPE_CHECKING alike."""
    found = []
    for path in sorted(RENDER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path.name, node.lineno, alias.name, "") for alias in node.names
                          if alias.name.startswith("tco.engine")]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tco.engine"):
                found += [(path.name, node.lineno, node.module or "", alias.name) for alias in node.names]
    return found


def test_render_imports_only_result_and_input_types_from_the_engine() -> None:
    wrong = []
    for file, line, module, name in engine_imports():
        if module in TYPE_MODULES and name:
            value = getattr(importlib.import_module(module), name)
            if callable(value) and not isinstance(value, type):
                wrong.append(f"{file}:{line}: {name} from {module} is a function")
            continue
        if not name or not isinstance(getattr(importlib.import_module(module), name), type):
            wrong.append(f"{file}:{line}: {module}{'.' + name if name else ''} is not a result or input type")
    assert wrong == []


def test_the_check_sees_imports() -> None:
    """The walk finds the engine types the renderers do use (so an empty list above is not a blind spot)."""
    assert ("tco.engine.results", "Comparison") in {(module, name) for _, _, module, name in engine_imports()}

"""Every result type has one registry of formats; a format it does not know is an error, never the table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tco.engine.inputs import ApiInputs, ScenarioInputs, SelfHostedInputs, WorkloadInputs
from tco.render.comparison import COMPARISON_FORMATS, EXPORT_FORMATS, Compared
from tco.render.figures import CHART_FORMATS
from tco.render.formats import Formats, Target, UnknownFormat
from tco.render.html import REPORT_FORMATS
from tco.render.optimize import OPTIMIZATION_FORMATS
from tco.render.pricing import ENTRY_FORMATS, IMPORT_FORMATS, LISTING_FORMATS
from tco.render.sensitivity import SENSITIVITY_FORMATS
from tco.render.simulation import SIMULATION_FORMATS
from tco.render.size import SIZE_FORMATS
from tco.render.sweep import SWEEP_FORMATS
from tco.scenario.compare import compare_inputs

REGISTRIES: dict[str, Formats[object, object]] = {
    "comparison": COMPARISON_FORMATS, "export": EXPORT_FORMATS, "chart": CHART_FORMATS, "report": REPORT_FORMATS,
    "optimization": OPTIMIZATION_FORMATS, "listing": LISTING_FORMATS, "entry": ENTRY_FORMATS,
    "import": IMPORT_FORMATS, "sensitivity": SENSITIVITY_FORMATS, "simulation": SIMULATION_FORMATS,
    "size": SIZE_FORMATS, "sweep": SWEEP_FORMATS,
}
PACKAGES = Path(__file__).resolve().parents[2] / "tco"
# Imported inside functions only: heavy, or optional extras, and never on the `tco compare` path.
LAZY = ("numpy", "matplotlib", "ruamel", "genai_prices")
COMPARISON = compare_inputs(ScenarioInputs(
    "r", WorkloadInputs(3.6e9, 3.6e8), (
        ApiInputs("API", 2, 8, 2),
        SelfHostedInputs("GPU", input_tokens_per_second=1000, output_tokens_per_second=100, hourly_rate_per_gpu=2),
    ), horizon_months=3, baseline="API"))


@pytest.mark.parametrize("name", REGISTRIES)
def test_an_unknown_format_is_an_error_not_the_table(name: str) -> None:
    formats = REGISTRIES[name]
    assert formats.names and all(callable(formats.renderer(n)) for n in formats.names)
    with pytest.raises(UnknownFormat, match="has no 'yaml' format"):
        formats.render("yaml", object(), Target())


def test_the_comparison_registry_renders_what_it_offers() -> None:
    for name in COMPARISON_FORMATS.names:
        assert "GPU" in COMPARISON_FORMATS.render(name, Compared([COMPARISON]))
    assert "yaml" not in COMPARISON_FORMATS


@pytest.mark.parametrize("package", ["cli", "render"])
def test_imports_sit_at_the_module_top(package: str) -> None:
    """In tco/cli and tco/render a module imports what it uses at its top; only numpy, matplotlib,
    ruamel and the optional extras wait inside the functions that need them (and type-only imports
    sit under TYPE_CHECKING)."""
    inside = []
    for path in sorted((PACKAGES / package).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                    inside += [f"{path.name}:{node.lineno} {name}" for name in names if not name.startswith(LAZY)]
    assert inside == []

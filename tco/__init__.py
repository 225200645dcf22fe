"""tco: what an LLM workload costs on an API versus self-hosted GPUs, and when self-hosting breaks even.

Use it from Python without the CLI::

    from tco import compare_file
    comparison = compare_file("scenarios/support-assistant.yaml")
    for pair in comparison.break_even:
        print(pair.option, pair.versus, pair.month, pair.months)

or build `ScenarioInputs` by hand and call `compare_inputs`. Names are imported on first use, so
`import tco` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
# The name to `pip install` (the command and the import package are `tco`): `tco` on the package
# registry is an unrelated project.
DISTRIBUTION = "tco-llm"

_EXPORTS = {
    "compare_file": "tco.compare",
    "compare_inputs": "tco.compare",
    "load_scenario": "tco.scenario",
    "Catalog": "tco.catalog",
    "Comparison": "tco.results",
    "TcoError": "tco.errors",
    "ScenarioInputs": "tco.inputs",
    "WorkloadInputs": "tco.inputs",
    "ApiInputs": "tco.inputs",
    "SelfHostedInputs": "tco.inputs",
    "SharedCosts": "tco.inputs",
    "FineTuningInputs": "tco.inputs",
    "HybridInputs": "tco.inputs",
    "RoutedInputs": "tco.inputs",
    "Route": "tco.inputs",
    "optimize_hybrid": "tco.optimize",
    "comparison_to_dict": "tco.render.json",
}
__all__ = [
    "DISTRIBUTION",
    "ApiInputs",
    "Catalog",
    "Comparison",
    "FineTuningInputs",
    "HybridInputs",
    "Route",
    "RoutedInputs",
    "ScenarioInputs",
    "SelfHostedInputs",
    "SharedCosts",
    "TcoError",
    "WorkloadInputs",
    "__version__",
    "compare_file",
    "compare_inputs",
    "comparison_to_dict",
    "load_scenario",
    "optimize_hybrid",
]

if TYPE_CHECKING:
    from tco.catalog import Catalog
    from tco.compare import compare_file, compare_inputs
    from tco.errors import TcoError
    from tco.inputs import (
        ApiInputs,
        FineTuningInputs,
        HybridInputs,
        Route,
        RoutedInputs,
        ScenarioInputs,
        SelfHostedInputs,
        SharedCosts,
        WorkloadInputs,
    )
    from tco.optimize import optimize_hybrid
    from tco.render.json import comparison_to_dict
    from tco.results import Comparison
    from tco.scenario import load_scenario


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tco' has no attribute {name!r}")

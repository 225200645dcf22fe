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

from tco.version import DISTRIBUTION, __version__

_EXPORTS = {
    "compare_file": "tco.scenario.compare",
    "compare_inputs": "tco.scenario.compare",
    "load_scenario": "tco.scenario.loader",
    "Catalog": "tco.pricing.catalog",
    "Comparison": "tco.engine.results",
    "TcoError": "tco.errors",
    "ScenarioInputs": "tco.engine.inputs",
    "WorkloadInputs": "tco.engine.inputs",
    "ApiInputs": "tco.engine.inputs",
    "SelfHostedInputs": "tco.engine.inputs",
    "SharedCosts": "tco.engine.inputs",
    "FineTuningInputs": "tco.engine.inputs",
    "HybridInputs": "tco.engine.inputs",
    "RoutedInputs": "tco.engine.inputs",
    "Route": "tco.engine.inputs",
    "optimize_hybrid": "tco.engine.optimize",
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
    from tco.engine.inputs import (
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
    from tco.engine.optimize import optimize_hybrid
    from tco.engine.results import Comparison
    from tco.errors import TcoError
    from tco.pricing.catalog import Catalog
    from tco.render.json import comparison_to_dict
    from tco.scenario.compare import compare_file, compare_inputs
    from tco.scenario.loader import load_scenario


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tco' has no attribute {name!r}")

"""Engine throughput: how long projecting and comparing a large scenario takes in-process.

    .venv/bin/python benchmarks/engine.py

A 240-month horizon with 4 API and 6 self-hosted options (every rent mode and both bases) is
compared repeatedly; prints the median time per comparison.
"""

from __future__ import annotations

import statistics
import time

from tco.engine.inputs import ApiInputs, ScenarioInputs, SelfHostedInputs, SharedCosts, WorkloadInputs
from tco.scenario.compare import compare_inputs


def scenario(basis: str) -> ScenarioInputs:
    workload = WorkloadInputs(5e9, 1e9, monthly_growth=0.03, cached_input_share=0.3, active_hours_per_month=400)
    apis = tuple(ApiInputs(f"api{i}", 1 + i, 4 + i, 0.5, batch_discount=0.5, batch_share=0.2,
                           price_change_per_year=-0.2) for i in range(4))
    hosted = [SelfHostedInputs(f"rent-{mode}", 5000, 800, gpus_per_replica=2, hourly_rate_per_gpu=2.5,
                               scaling=mode, shared=SharedCosts(1, 200_000))  # type: ignore[arg-type]
              for mode in ("fixed", "scheduled", "autoscale")]
    hosted += [SelfHostedInputs(f"buy-{i}", 5000, 800, gpus_per_replica=2, acquisition="buy",
                                purchase_price_per_gpu=25_000 + 5000 * i, watts_per_gpu=1275, lifetime_months=36)
               for i in range(3)]
    return ScenarioInputs("bench", workload, (*apis, *hosted), horizon_months=240, basis=basis,  # type: ignore[arg-type]
                          baseline="api0")


def main() -> None:
    for basis in ("cash", "amortized"):
        inputs = scenario(basis)
        compare_inputs(inputs)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            compare_inputs(inputs)
            times.append(time.perf_counter() - start)
        print(f"{basis:<9} 240 months x 10 options (24 break-even pairs): "
              f"{statistics.median(times) * 1000:.1f} ms per comparison")


if __name__ == "__main__":
    main()

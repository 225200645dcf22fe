"""How long `tco simulate` takes, and how the time grows with runs × months × options.

The acceptance bar: 100,000 runs of a scenario with 4 options over 60 months in under 1.5 s on a
2-core machine, and time growing no faster than linearly in runs × months × options. The scenario
below has ranges on the workload, the API price and each self-hosted option (rent, autoscale,
buy). Times are the median of several calls of the library's `simulate` (sampling, the vectorised
engine, break-even and percentiles; the scenario is read once, as the command does), plus one
timing of the whole command in a fresh process.

    .venv/bin/python benchmarks/simulate.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = """\
name: Benchmark
horizon_months: {months}
workload:
  requests_per_day: {{low: 200K, high: 2M}}
  input_tokens_per_request: 1800
  output_tokens_per_request: 350
  annual_growth: {{low: 0, mode: 40%, high: 100%}}
  cached_input_share: {{low: 10%, high: 40%}}
  peak_to_average: {{low: 1.5, high: 3}}
options:
  - name: API
    kind: api
    price: {{input: {{low: 1.5, high: 2.5}}, output: 8, cached_input: 0.5}}
    price_change_per_year: {{low: -30%, high: 0}}
{extra}
"""
SELF_HOSTED = [
    """  - name: Rented fixed
    kind: self_hosted
    throughput: {input_tokens_per_second: {median: 9000, p90: 14000}, output_tokens_per_second: 1100}
    gpus_per_replica: 2
    hourly_rate_per_gpu: {low: 2.0, high: 3.5}
    staff: {fte: 0.5, cost_per_fte_year: 220K}
""",
    """  - name: Rented autoscale
    kind: self_hosted
    scaling: autoscale
    throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
    min_replicas: 1
    hourly_rate_per_gpu: {low: 2.5, high: 4.5}
    staff: {fte: 0.5, cost_per_fte_year: 220K}
""",
    """  - name: Owned
    kind: self_hosted
    acquisition: buy
    throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
    purchase_price_per_gpu: {low: 22K, high: 32K}
    lifetime_months: {choices: [36, 48]}
    residual_value: {low: 0, high: 15%}
    power: {watts_per_gpu: 1275}
    go_live_month: {low: 2, high: 5}
    staff: {fte: 1, cost_per_fte_year: 220K}
    setup_cost: 40K
""",
]


def scenario_text(months: int, options: int) -> str:
    return SCENARIO.format(months=months, extra="".join(SELF_HOSTED[: options - 1]))


def median_seconds(months: int, options: int, runs: int, repeats: int, folder: Path) -> tuple[float, float]:
    """Median wall time and median CPU time (all threads) of `simulate` on the benchmark scenario."""
    from tco.analyses.batch import open_scenario
    from tco.analyses.simulate import simulate

    path = folder / f"bench-{months}-{options}.yaml"
    path.write_text(scenario_text(months, options))
    opened = open_scenario(str(path))
    simulate(opened, runs=min(runs, 1000))  # warm-up
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        simulate(opened, runs=runs)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timings per size (default 5)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores "
          "(other processes slow every figure below)")
    took, cpu = median_seconds(60, 4, 100_000, args.repeats, folder)
    verdict = "ok" if took < 1.5 else "TOO SLOW"
    print(f"100,000 runs x 60 months x 4 options: {took:.3f} s wall, {cpu:.3f} s CPU (bar: < 1.5 s) {verdict}\n")
    print(f"{'runs':>9} {'months':>6} {'options':>7} {'cells':>12} {'wall s':>8} {'cpu s':>8} {'cpu ns/cell':>11}")
    for runs, months, options in ((25_000, 60, 4), (50_000, 60, 4), (100_000, 60, 4), (200_000, 60, 4),
                                  (100_000, 30, 4), (100_000, 120, 4), (100_000, 60, 2), (100_000, 60, 3)):
        seconds, cpu = median_seconds(months, options, runs, args.repeats, folder)
        cells = runs * months * options
        print(f"{runs:>9,} {months:>6} {options:>7} {cells:>12,} {seconds:>8.3f} {cpu:>8.3f} "
              f"{cpu / cells * 1e9:>11.2f}")
    path = folder / "bench-60-4.yaml"
    tco = Path(sys.executable).parent / "tco"
    start = time.perf_counter()
    subprocess.run([str(tco), "simulate", str(path), "--runs", "100000", "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"\nwhole command, fresh process, 100,000 runs: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()

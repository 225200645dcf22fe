"""How long `tco simulate` of a scenario with hybrid and routed options takes against one `tco compare` of it.

The acceptance bar: `tco simulate FILE --runs 10000 --format json` takes at most 10 times the wall
time of one `tco compare FILE`, where FILE is `scenarios/hybrid-overflow.yaml` (an api, a
self-hosted, a hybrid and a routed option, 24 months) with `requests_per_day` ranged ±20%
({low: 800K, high: 1.2M}). Both commands run in fresh processes, as a user runs them; each figure
is the median of several runs after one warm-up run.

    .venv/bin/python benchmarks/simulate_vs_compare.py [--repeats 5] [--runs 10000]

Prints the two medians and their ratio. Not a test: timing belongs here.
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

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "hybrid-overflow.yaml"
CENTRAL = "requests_per_day: 1M "
RANGED = "requests_per_day: {low: 800K, high: 1.2M} "  # ±20% of the shipped 1M
BAR = 10.0


def ranged_copy(folder: Path) -> Path:
    """The shipped hybrid scenario with its volume ranged ±20%."""
    text = SCENARIO.read_text()
    if CENTRAL not in text:
        raise SystemExit(f"{SCENARIO} no longer says {CENTRAL.strip()!r}: update this benchmark")
    path = folder / "hybrid-overflow-ranged.yaml"
    path.write_text(text.replace(CENTRAL, RANGED))
    return path


def median_seconds(command: list[str], repeats: int) -> float:
    """Median wall time of `command` over `repeats` runs, after one warm-up run."""
    env = {**os.environ, "NO_COLOR": "1"}
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command (default 5)")
    parser.add_argument("--runs", type=int, default=10_000, help="simulate's --runs (default 10000)")
    args = parser.parse_args()
    tco = str(Path(sys.executable).parent / "tco")
    path = str(ranged_copy(Path(tempfile.mkdtemp())))
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores "
          "(other processes slow every figure below)")
    compare = median_seconds([tco, "compare", path], args.repeats)
    simulate = median_seconds([tco, "simulate", path, "--runs", str(args.runs), "--format", "json"], args.repeats)
    ratio = simulate / compare
    print(f"scenario: hybrid-overflow.yaml with requests_per_day ±20%; median of {args.repeats} runs each")
    print(f"{'tco compare FILE':<48} {compare:7.3f} s")
    print(f"{f'tco simulate FILE --runs {args.runs} --format json':<48} {simulate:7.3f} s")
    print(f"{'ratio':<48} {ratio:7.1f} x  (bar: at most {BAR:g}x) {'ok' if ratio <= BAR else 'TOO SLOW'}")


if __name__ == "__main__":
    main()

"""How long `tco compare` takes against the bare start-up of the stack it is built on.

The acceptance bar: `tco compare` on a shipped scenario takes at most 1.5x
the time of importing typer, rich.table, pydantic and yaml and building one pydantic model, in
the same environment (median of several runs). Measure an installed copy, as a user runs it:

    python3 -m venv /tmp/bench && /tmp/bench/bin/pip install -q . && /tmp/bench/bin/python benchmarks/startup.py

An editable install under PYTHONDONTWRITEBYTECODE=1 (set on some machines) recompiles tco's
modules on every run while the libraries it is compared with were compiled at install time;
the script warns when it measures such a copy.

Prints the medians, and the ratio for every shipped scenario. Not a test: timing belongs here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ("import typer, rich.table, pydantic, yaml; "
            "M = pydantic.create_model('M', x=(int, ...)); M(x=1)")


def median_seconds(command: list[str], runs: int, cwd: str) -> float:
    """Median wall time of `command` over `runs` runs, after one warm-up run."""
    env = {**os.environ, "NO_COLOR": "1"}
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="runs per command (default 15)")
    args = parser.parse_args()
    tco = shutil.which("tco", path=str(Path(sys.executable).parent)) or "tco"
    import tco as package

    compiled = (Path(package.__file__).parent / "__pycache__").is_dir()
    if not compiled and sys.dont_write_bytecode:
        print("warning: tco's modules have no bytecode and PYTHONDONTWRITEBYTECODE is set, so every run "
              "recompiles them; measure a regular install (see the docstring)", file=sys.stderr)
    elsewhere = tempfile.mkdtemp()  # run outside the repository, as a user would
    base = median_seconds([sys.executable, "-c", BASELINE], args.runs, elsewhere)
    print(f"baseline (typer + rich.table + pydantic + yaml + one model): {base * 1000:6.1f} ms")
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        took = median_seconds([tco, "compare", str(scenario)], args.runs, elsewhere)
        print(f"tco compare {scenario.name:<24} {took * 1000:6.1f} ms  = {took / base:.2f}x baseline "
              f"(tco's own share {(took - base) * 1000:5.1f} ms)")
    for fmt in ("json", "csv"):
        scenario = ROOT / "scenarios" / "support-assistant.yaml"
        took = median_seconds([tco, "compare", str(scenario), "--format", fmt], args.runs, elsewhere)
        print(f"tco compare --format {fmt:<5} support-assistant  {took * 1000:6.1f} ms  = {took / base:.2f}x baseline")


if __name__ == "__main__":
    main()

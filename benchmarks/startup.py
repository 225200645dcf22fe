"""How long `tco compare` takes against the bare start-up of the stack it is built on.

The acceptance bar: `tco compare` on a shipped scenario takes at most 1.5x
the time of importing typer, rich.table, pydantic and yaml and building one pydantic model, in
the same environment (median of several runs). That floor is the project's documented bar; the script
also prints the ratio against a stricter floor of only what `tco compare` imports from the stack
(typer, pydantic and yaml: typer loads rich lazily and compare never needs it). The commands are timed
round-robin (the floors, then each command, for every round) so that load on the machine hits all
alike. Measure an installed copy, as a user runs it:

    python3 -m venv /tmp/bench && /tmp/bench/bin/pip install -q . && /tmp/bench/bin/python benchmarks/startup.py

An editable install under PYTHONDONTWRITEBYTECODE=1 (set on some machines) recompiles tco's
modules on every run while the libraries it is compared with were compiled at install time;
the script warns when it measures such a copy.

Prints the medians, and both ratios for every shipped scenario, the JSON and CSV formats of a plain
and a mixed (hybrid and routed) scenario, and every scenario in one call (which pays the start-up
once and the work of each file: the bar is for one file). Not a test: timing belongs here.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = "M = pydantic.create_model('M', x=(int, ...)); M(x=1)"
BASELINE = "import typer, rich.table, pydantic, yaml; " + MODEL
STRICT_BASELINE = "import typer, pydantic, yaml; " + MODEL
LABELS = {
    "baseline": "baseline (typer + rich.table + pydantic + yaml + one model)",
    "strict": "strict baseline (typer + pydantic + yaml + one model, what tco compare imports)",
}


def time_once(command: list[str], cwd: str) -> float:
    """Wall time of one run of `command`, in seconds."""
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def interleaved_medians(commands: dict[str, list[str]], rounds: int, cwd: str,
                        time_one: Callable[[list[str], str], float] = time_once) -> dict[str, float]:
    """Median wall time of each command over `rounds` rounds, each round running every command once in
    turn, after one warm-up run of each."""
    for command in commands.values():
        time_one(command, cwd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(time_one(command, cwd))
    return {name: statistics.median(taken) for name, taken in times.items()}


def report_lines(medians: dict[str, float]) -> list[str]:
    """The floors' medians, then each command's median with its ratio to both floors."""
    base, strict = medians["baseline"], medians["strict"]
    lines = [f"{LABELS[key]}: {medians[key] * 1000:6.1f} ms" for key in ("baseline", "strict")]
    for name, took in medians.items():
        if name in LABELS:
            continue
        lines.append(f"{name:<45} {took * 1000:6.1f} ms  = {took / base:.2f}x baseline, "
                     f"{took / strict:.2f}x strict baseline (tco's own share {(took - base) * 1000:5.1f} ms)")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="rounds: runs per command (default 15)")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    tco = shutil.which("tco", path=str(Path(sys.executable).parent)) or "tco"
    import tco as package

    compiled = (Path(package.__file__).parent / "__pycache__").is_dir()
    if not compiled and sys.dont_write_bytecode:
        print("warning: tco's modules have no bytecode and PYTHONDONTWRITEBYTECODE is set, so every run "
              "recompiles them; measure a regular install (see the docstring)", file=sys.stderr)
    elsewhere = tempfile.mkdtemp()  # run outside the repository, as a user would
    commands = {"baseline": [sys.executable, "-c", BASELINE], "strict": [sys.executable, "-c", STRICT_BASELINE]}
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        commands[f"tco compare {scenario.name}"] = [tco, "compare", str(scenario)]
    for name in ("support-assistant", "hybrid-overflow"):
        scenario = ROOT / "scenarios" / f"{name}.yaml"
        for fmt in ("json", "csv"):
            commands[f"tco compare --format {fmt} {name}"] = [tco, "compare", str(scenario), "--format", fmt]
    every = sorted(str(path) for path in (ROOT / "scenarios").glob("*.yaml"))
    commands[f"tco compare (all {len(every)} scenarios at once)"] = [tco, "compare", *every]
    for line in report_lines(interleaved_medians(commands, args.runs, elsewhere)):
        print(line)


if __name__ == "__main__":
    main()

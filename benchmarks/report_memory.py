"""Peak memory and time of `tco report` and `tco chart --kind volume` against `tco compare`, by volume.

The cost against volume has one replica step per fleet size, and a huge volume has billions of
them: the chart must sample them rather than list them, so memory and time stay those of a small
scenario. This runs each command in its own process at 1B, 1T and 100T tokens a month (month-1
volume, the scenario's own mix: requests per day or monthly tokens scaled to it) and prints the
child's wall time and peak resident memory (maxrss from wait4):

    python benchmarks/report_memory.py                  # every shipped scenario
    python benchmarks/report_memory.py --scenario scenarios/support-assistant.yaml

The bar: `report` and `chart` within 10 s and under 300 MB at every volume. Not a test: timing
belongs here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOLUMES = {"1B": 1e9, "1T": 1e12, "100T": 1e14}  # tokens a month
COMMANDS = ("compare", "report", "chart")


def overrides_for(scenario: Path, tokens_per_month: float) -> list[str]:
    """`--set` arguments that give the scenario `tokens_per_month` in month 1, in its own workload form."""
    from tco.scenario.loader import load_scenario

    workload = load_scenario(str(scenario)).inputs.workload
    month1 = workload.input_tokens_month1 + workload.output_tokens_month1
    scale = tokens_per_month / month1
    if workload.requests_per_day is not None:
        return ["--set", f"workload.requests_per_day={workload.requests_per_day * scale!r}"]
    return ["--set", f"workload.input_tokens_per_month={workload.input_tokens_month1 * scale!r}",
            "--set", f"workload.output_tokens_per_month={workload.output_tokens_month1 * scale!r}"]


def measure(command: list[str], cwd: str) -> tuple[float, float, int]:
    """(seconds, peak resident MB, exit code) of one run of `command` in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "NO_COLOR": "1"})
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return time.perf_counter() - start, peak_mb, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", type=Path,
                        help="a scenario to measure (repeatable; default: every shipped scenario)")
    args = parser.parse_args()
    scenarios = args.scenario or sorted((ROOT / "scenarios").glob("*.yaml"))
    work = tempfile.mkdtemp()
    worst = {"report": (0.0, 0.0), "chart": (0.0, 0.0)}
    failed = False
    print(f"{'scenario':<24} {'volume':>6} {'command':<8} {'seconds':>8} {'peak MB':>8} exit")
    for scenario in scenarios:
        scenario = scenario.resolve()
        for label, tokens in VOLUMES.items():
            sets = overrides_for(scenario, tokens)
            for name in COMMANDS:
                command = [sys.executable, "-m", "tco", name, str(scenario), *sets]
                if name == "report":
                    command += ["-o", str(Path(work) / "report.html")]
                elif name == "chart":
                    command += ["--kind", "volume", "-o", str(Path(work) / "volume.svg")]
                seconds, peak, code = measure(command, work)
                failed = failed or code != 0
                if name in worst:
                    worst[name] = (max(worst[name][0], seconds), max(worst[name][1], peak))
                print(f"{scenario.stem:<24} {label:>6} {name:<8} {seconds:8.2f} {peak:8.1f} {code:4d}")
    for name, (seconds, peak) in worst.items():
        print(f"slowest {name}: {seconds:.2f} s; largest: {peak:.1f} MB")
    if failed:
        print("some runs did not exit 0", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

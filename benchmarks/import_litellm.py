"""How long `tco pricing import litellm` takes on LiteLLM's full price map (the bar: under 3 s).

The full map (about 4,900 keys) is not shipped with tco; pass its path:

    python benchmarks/import_litellm.py path/to/model_prices_and_context_window.json

Runs the real command in a fresh process (start-up included) into an empty temporary pricing
folder, then again over the folder it wrote (the refresh case: every entry compared, nothing
to write), and prints the wall time of each run, median of --runs. Not a test: timing belongs here.
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


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="LiteLLM's model_prices_and_context_window.json")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    args = parser.parse_args(argv)
    first: list[float] = []
    again: list[float] = []
    summary = ""
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            command = [sys.executable, "-m", "tco", "pricing", "import", "litellm", str(args.file), "--pricing", folder]
            seconds, summary = timed(command)
            first.append(seconds)
            seconds, _ = timed(command)
            again.append(seconds)
    print(summary)
    print(f"import into an empty folder: median {statistics.median(first):.2f} s over {args.runs} runs")
    print(f"refresh over that folder:    median {statistics.median(again):.2f} s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every command that prints tables, run on a pseudo-terminal 60, 80 and 100 columns wide: no line
is wider than the terminal, nothing is cut off with `…`, option names are whole, and every total
`--format json` reports is shown in full. Piped output is covered by the exact-output tests.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clirun import invoke

from tco.amounts import money
from tests.terminal import run_on_terminal

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SUPPORT = str(ROOT / "scenarios" / "support-assistant.yaml")
WIDTHS = (60, 80, 100)
RANGES = ["--set", "workload.monthly_growth={low: 0, high: 8%}",
          "--set", "options.GPT-4.1.discount={low: 0, high: 20%}"]
BORDERS = re.compile(r"[|│╭╮╰╯├┤┬┴┼─+]")


@functools.cache
def piped_json(*args: str) -> Any:
    """What `--format json` reports (in-process: the figures do not depend on the terminal)."""
    result = invoke([*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def assert_fits(screen: str, width: int) -> None:
    too_wide = [line for line in screen.splitlines() if len(line) > width]
    assert too_wide == [], f"{len(too_wide)} lines wider than {width}:\n" + "\n".join(too_wide)
    assert "…" not in screen


def words_of(screen: str) -> set[str]:
    return set(BORDERS.sub(" ", screen).split())


def assert_names_whole(screen: str, names: list[str], *, on_one_line: bool) -> None:
    """Each name on one line somewhere (`on_one_line`), else at least every word of it whole: a
    name may wrap between words, never inside one."""
    lines = screen.splitlines()
    words = words_of(screen)
    for name in names:
        if on_one_line:
            assert any(name in line for line in lines), f"{name!r} is not whole on any line:\n{screen}"
        else:
            assert all(word in words for word in name.split()), f"{name!r} is broken:\n{screen}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scenario", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_compare_fits_the_terminal(scenario: Path, width: int) -> None:
    run = run_on_terminal(["compare", str(scenario)], width, cwd=str(ROOT))
    assert run.exit_code == 0, run.stderr
    assert_fits(run.screen, width)
    data = piped_json("compare", str(scenario))
    assert_names_whole(run.screen, [o["name"] for o in data["options"]], on_one_line=True)
    for option in data["options"]:
        total = money(option["total"], data["currency"])
        assert any(f" {total} " in f" {line} " for line in BORDERS.sub(" ", run.screen).splitlines()), total


def test_compare_in_colour_fits_too() -> None:
    run = run_on_terminal(["compare", SUPPORT], 80, colour=True, cwd=str(ROOT))
    assert run.exit_code == 0
    assert "\x1b[" in run.raw and "╭" in run.screen
    assert_fits(run.screen, 80)


@pytest.mark.parametrize("width", WIDTHS)
def test_sensitivity_all_fits_the_terminal(width: int) -> None:
    run = run_on_terminal(["sensitivity", "--all", SUPPORT], width, cwd=str(ROOT))
    assert run.exit_code == 0, run.stderr
    assert_fits(run.screen, width)
    data = piped_json("sensitivity", "--all", SUPPORT)
    assert_names_whole(run.screen, [t["option"] for t in data["tornados"]], on_one_line=False)


@pytest.mark.parametrize("width", WIDTHS)
def test_sweep_fits_the_terminal_with_every_total(width: int) -> None:
    args = ["sweep", SUPPORT, "--vary", "workload.requests_per_day=50K..1M", "--steps", "5"]
    run = run_on_terminal(args, width, cwd=str(ROOT))
    assert run.exit_code == 0, run.stderr
    assert_fits(run.screen, width)
    data = piped_json(*args)
    names = [o["name"] for o in data["points"][0]["options"]]
    assert_names_whole(run.screen, names, on_one_line=False)
    words = words_of(run.screen)
    for point in data["points"]:
        for option in point["options"]:
            assert money(option["total"], "USD") in words


@pytest.mark.parametrize("width", WIDTHS)
def test_simulate_fits_the_terminal(width: int) -> None:
    args = ["simulate", SUPPORT, "-n", "500", *RANGES]
    run = run_on_terminal(args, width, cwd=str(ROOT))
    assert run.exit_code == 0, run.stderr
    assert_fits(run.screen, width)
    data = piped_json(*args)
    assert_names_whole(run.screen, [r["option"] for r in data["results"]], on_one_line=True)


@pytest.mark.parametrize(("args", "width"), [
    (["optimize", str(ROOT / "scenarios" / "hybrid-overflow.yaml"), "--hybrid", "Llama 3.1 70B on rented H100",
      "--overflow", "GPT-4.1"], 60),
    (["size", SUPPORT], 60),
    (["size", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--precision", "fp8"], 60),
    (["pricing", "list"], 80),
    (["pricing", "list", "gpus"], 60),
    (["pricing", "show", "gpus", "h100-sxm"], 60),
    (["compare", SUPPORT, "--monthly"], 80),
    (["compare", SUPPORT, "--chart"], 80),
], ids=["optimize", "size-scenario", "size-tables", "pricing-list", "pricing-list-gpus", "pricing-show",
        "compare-monthly", "compare-chart"])
def test_every_other_table_fits_the_terminal(args: list[str], width: int) -> None:
    run = run_on_terminal(args, width, cwd=str(ROOT))
    assert run.exit_code == 0, run.stderr
    assert_fits(run.screen, width)


def test_piped_output_is_untouched_by_the_terminal_width() -> None:
    """Piped, COLUMNS changes nothing: the plain table never wraps."""
    env = {"COLUMNS": "60", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "tco", "compare", SUPPORT], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **env}, check=True, timeout=120)
    assert max(len(line) for line in done.stdout.splitlines()) > 100
    assert "| Llama 3.1 70B on rented H100 | self-hosted | $1,121,579 |" in done.stdout

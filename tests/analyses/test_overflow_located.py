"""One overflow guard in every command: a scenario whose figures go beyond 1e300 at its central
values is the same located error in simulate, sensitivity, sweep and optimize as in compare; when
only some runs or points go beyond, the error names the field whose range takes them there, at its
line or its --set/--vary; numpy's overflow warnings never reach stderr."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clirun import run

REPO = Path(__file__).resolve().parents[2]
SUPPORT = REPO / "scenarios" / "support-assistant.yaml"
RAG = REPO / "scenarios" / "internal-rag.yaml"
HOSTED = "Llama 3.1 70B on rented H100"

COMMANDS = [
    ["simulate", "-n", "50"],
    ["sensitivity", "--all"],
    ["sweep", "--vary", "workload.cached_input_share=0..0.5", "--steps", "3"],
    ["optimize", "--hybrid", HOSTED, "--overflow-to", "GPT-4.1"],
]


def message(*args: object) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "RuntimeWarning" not in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("setting", [
    ["--set", "workload.requests_per_day=1e296"],
    ["--set", "finance.discount_rate=-99%", "--set", f"options.{HOSTED}.staff.cost_per_fte_year=1e298"],
], ids=["volumes", "npv"])
def test_the_central_scenario_beyond_the_limit_is_compare_s_error(command: list[str], setting: list[str]) -> None:
    compared = message("compare", SUPPORT, *setting)
    assert message(command[0], SUPPORT, *command[1:], *setting) == compared


def test_a_gpu_count_beyond_the_limit_is_compare_s_error_in_simulate() -> None:
    setting = ["--set", "workload.active_hours_per_month=1e-300"]
    assert message("simulate", RAG, *setting) == message("compare", RAG, *setting)


def test_an_npv_beyond_the_limit_blames_the_discount_rate() -> None:
    text = message("compare", SUPPORT, "--set", "finance.discount_rate=-99%",
                   "--set", f"options.{HOSTED}.staff.cost_per_fte_year=1e298")
    assert "NPV" in text and "discount_rate" in text, text
    assert "volumes" not in text, text


def test_a_sweep_range_beyond_the_limit_names_its_vary() -> None:
    vary = "workload.requests_per_day=1..1e304"
    text = message("sweep", SUPPORT, "--vary", vary, "--log", "--steps", "3")
    assert text.count("\n") == 1, text
    assert text.startswith(f"{SUPPORT}: --vary {vary}: workload.requests_per_day: the costs of some runs are too "
                           "large"), text


def test_a_sweep_of_two_fields_names_the_one_whose_range_overflows() -> None:
    text = message("sweep", SUPPORT, "--vary", "workload.cached_input_share=0..0.5",
                   "--vary", "workload.requests_per_day=1..1e299", "--steps", "3")
    assert text.startswith(f"{SUPPORT}: --vary workload.requests_per_day=1..1e299: workload.requests_per_day:"), text


def test_a_simulated_range_in_the_file_is_located_at_its_line(tmp_path: Path) -> None:
    text = SUPPORT.read_text(encoding="utf-8").replace("requests_per_day: 150K",
                                                       "requests_per_day: {median: 100K, p90: 1e300}")
    path = tmp_path / "ranged.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "p90: 1e300" in row)
    shown = message("simulate", path, "-n", "200")
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: workload.requests_per_day: the costs of some runs are "
                    "too large", shown), shown
    assert shown.count("\n") == 1


def test_a_simulated_range_from_set_names_the_set() -> None:
    setting = "workload.requests_per_day={median: 100K, p90: 1e300}"
    shown = message("simulate", SUPPORT, "--set", setting, "-n", "200")
    assert shown.startswith(f"{SUPPORT}: --set {setting}: workload.requests_per_day: the costs of some runs"), shown


def test_a_sensitivity_move_beyond_the_limit_names_its_field(tmp_path: Path) -> None:
    text = SUPPORT.read_text(encoding="utf-8").replace("other_monthly: 1500",
                                                       "other_monthly: {low: 1000, high: 4e298}")
    path = tmp_path / "moved.yaml"
    path.write_text(text, encoding="utf-8")
    shown = message("sensitivity", path)
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: options\[2\]\.other_monthly: the costs of some runs", shown), \
        shown

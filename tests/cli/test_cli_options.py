"""Every command's options, walked from the typer app: help that names what to type (N, DAYS,
FILE, PATH=VALUE) rather than Python types, the same short flag for the same option everywhere,
and one clean line for a value outside an option's choices."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import typer.main
from clirun import invoke

from tco.cli import app

SCENARIO = str(Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml")
ROOT_COMMAND = typer.main.get_command(app)


def command_paths() -> list[tuple[list[str], Any]]:
    """Every command and group under `tco`, with the words that reach it (`["pricing", "list"]`)."""
    found: list[tuple[list[str], Any]] = []

    def walk(command: Any, words: list[str]) -> None:
        found.append((words, command))
        for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
            walk(sub, [*words, name])

    walk(ROOT_COMMAND, [])
    return found


PATHS = command_paths()
# What the help must not show: a Python type in angle brackets (<bool>, <list[Path]>, <path>), a
# doubled bracket ([[SCENARIO]]), or a range in Python's notation ([x>=0], [1<=x<=1000000]).
PYTHON_LOOKS = re.compile(r"<[\w|.\[\], -]+>|\[\[|\bx\s*[<>]=|[<>]=\s*x\b|\brange\]")


@pytest.mark.parametrize("words", [w for w, _ in PATHS], ids=[" ".join(["tco", *w]) for w, _ in PATHS])
@pytest.mark.parametrize("columns", ["80", "200"])
def test_help_shows_no_python_types(words: list[str], columns: str) -> None:
    result = invoke([*words, "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    shown = PYTHON_LOOKS.findall(result.stdout)
    assert shown == [], f"tco {' '.join(words)} --help shows {shown}:\n{result.stdout}"


def test_help_names_values_in_words() -> None:
    """Options that take a number say N (or DAYS), files FILE, and --set PATH=VALUE."""
    text = invoke(["simulate", "--help"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"--runs\s+-n\s+N\b", text)
    assert re.search(r"--seed\s+N\b", text)
    assert re.search(r"--max-price-age\s+DAYS\b", text)
    assert re.search(r"--set\s+PATH=VALUE\b", text)
    assert re.search(r"--output\s+-o\s+FILE\b", text)
    size = invoke(["size", "--help"], env={"COLUMNS": "200"}).stdout
    assert "Usage: tco size [OPTIONS] [SCENARIO]" in size


def test_the_same_long_option_has_the_same_short_flag_everywhere() -> None:
    """`-n` is `--runs` in simulate and in report; `-f` is always `--format`, `-o` always `--output`."""
    shorts: dict[str, dict[str, str]] = defaultdict(dict)  # long -> command -> its short flags
    longs: dict[str, set[str]] = defaultdict(set)  # short -> the long options it stands for
    for words, command in PATHS:
        for param in getattr(command, "params", []):
            opts = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
            long = [o for o in opts if o.startswith("--")]
            short = sorted(o for o in opts if not o.startswith("--"))
            if getattr(param, "param_type_name", "") != "option" or not long:
                continue
            shorts[long[0]][" ".join(words)] = ",".join(short)
            for s in short:
                longs[s].add(long[0])
    differing = {long: by_command for long, by_command in shorts.items() if len(set(by_command.values())) > 1}
    assert differing == {}
    assert {s: ls for s, ls in longs.items() if len(ls) > 1} == {}
    assert shorts["--runs"] == {"simulate": "-n", "report": "-n"}
    assert set(shorts["--format"].values()) == {"-f"}
    assert set(shorts["--output"].values()) == {"-o"}


BAD_CHOICES = [
    (["compare", "{s}", "--format", "xlsx"], "--format", ["table", "json", "csv", "markdown"]),
    (["compare", "{s}", "--basis", "accrual"], "--basis", ["cash", "amortized"]),
    (["export", "{s}", "--format", "markdown"], "--format", ["csv", "json"]),
    (["simulate", "{s}", "-f", "xml"], "--format", ["table", "json", "csv"]),
    (["chart", "{s}", "--kind", "pie"], "--kind", ["cumulative", "monthly", "volume"]),
    (["size", "--model", "m", "--gpu", "g", "--precision", "fp2"], "--precision", ["bf16", "fp8", "fp4", "int4"]),
    (["pricing", "list", "prices"], "KIND", ["api", "gpus", "models", "throughput"]),
]


@pytest.mark.parametrize(("args", "option", "allowed"), BAD_CHOICES, ids=[" ".join(a[:1] + a[2:]) for a, _, _ in
                                                                          BAD_CHOICES])
def test_a_bad_choice_is_one_clean_usage_error(args: list[str], option: str, allowed: list[str]) -> None:
    """Exit 2 as every usage error; the message names the option and the allowed values, in one
    line at any width, without the validator's 'Value error,'."""
    result = invoke([a.replace("{s}", SCENARIO) for a in args], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Value error" not in result.stderr and "Input should be" not in result.stderr
    message = [line for line in result.stderr.splitlines() if f"'{option}'" in line]
    assert len(message) == 1, result.stderr
    for value in allowed:
        assert value in message[0]


@pytest.mark.parametrize(("args", "option"), [
    (["simulate", SCENARIO, "-n", "0"], "--runs"),
    (["simulate", SCENARIO, "--runs", "many"], "--runs"),
    (["sweep", SCENARIO, "--vary", "workload.monthly_growth=0..5%", "--steps", "1"],
     "--steps"),
    (["compare", SCENARIO, "--max-price-age", "-3"], "--max-price-age"),
])
def test_a_bad_number_is_one_clean_usage_error(args: list[str], option: str) -> None:
    result = invoke(args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "Input should be" not in result.stderr and "Value error" not in result.stderr
    assert any(option in line for line in result.stderr.splitlines()), result.stderr

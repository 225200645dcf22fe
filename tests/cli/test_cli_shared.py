"""The options every command that loads a scenario shares, declared once: each such command takes the
same ones, honours them alike ($TCO_TODAY and --max-price-age included), and `tco report` reads its
scenario once. Each command offers exactly the formats its result's registry renders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from clirun import run

from tco.cli import app
from tco.cli.shared import COMMAND_MODULES
from tco.render.formats import Formats

REPO = Path(__file__).resolve().parents[2]
SUPPORT = REPO / "scenarios" / "support-assistant.yaml"
SHARED = {"--basis", "--pricing", "--set", "--max-price-age", "--debug"}
# The bundled prices are as of 2026-11-20: on this date they are 193 days old, more than the 180 allowed.
STALE_TODAY = "2027-06-01"
ROOT = typer.main.get_command(app)


def every_command() -> list[tuple[str, Any]]:
    """Every command and sub-command under `tco`, by the words that reach it."""
    found: list[tuple[str, Any]] = []

    def walk(command: Any, words: str) -> None:
        subs = getattr(command, "commands", None)
        if subs is None:
            found.append((words, command))
        for name, sub in (subs or {}).items():
            walk(sub, f"{words} {name}".strip())

    walk(ROOT, "")
    return found


def long_options(command: Any) -> set[str]:
    return {opt for param in command.params for opt in param.opts if opt.startswith("--")}


def takes_a_scenario(command: Any) -> bool:
    return any(getattr(param, "metavar", None) == "SCENARIO" for param in command.params)


SCENARIO_COMMANDS = [(words, command) for words, command in every_command() if takes_a_scenario(command)]


def test_the_commands_that_load_a_scenario() -> None:
    assert sorted(words for words, _ in SCENARIO_COMMANDS) == [
        "chart", "compare", "export", "optimize", "report", "sensitivity", "simulate", "size", "sweep", "validate"]


@pytest.mark.parametrize(("words", "command"), SCENARIO_COMMANDS, ids=[w for w, _ in SCENARIO_COMMANDS])
def test_every_command_that_loads_a_scenario_takes_the_shared_options(words: str, command: Any) -> None:
    assert long_options(command) >= SHARED
    debug = next(param for param in command.params if "--debug" in param.opts)
    assert command.params[-1] is debug  # --debug last, as everywhere


def test_the_shared_options_read_the_same_everywhere() -> None:
    """One declaration: the same help, metavar and default in every command."""
    seen: dict[str, set[tuple[str, str, str]]] = {name: set() for name in SHARED}
    for _, command in SCENARIO_COMMANDS:
        for param in command.params:
            name = next((o for o in param.opts if o in SHARED), None)
            if name is not None:
                seen[name].add((param.help or "", str(param.metavar), repr(param.default)))
    assert all(len(variants) == 1 for variants in seen.values()), seen


def test_validate_takes_the_basis() -> None:
    result = run("validate", SUPPORT, "--basis", "amortized")
    assert result.exit_code == 0, result.output
    assert "valid (" in result.stdout
    assert run("validate", SUPPORT, "--basis", "monthly").exit_code == 2


def test_size_gives_basis_and_set_to_a_scenario_only() -> None:
    assert run("size", SUPPORT, "--basis", "amortized", "--max-price-age", "30").exit_code == 0
    result = run("size", "--model", "meta-llama/llama-3.1-8b", "--gpu", "h100-sxm", "--basis", "cash")
    assert result.exit_code == 2
    assert "--basis applies to a SCENARIO" in result.stderr


@pytest.mark.parametrize("command", [["simulate", "--runs", "20"], ["sensitivity", "--all"],
                                     ["sweep", "--vary", "workload.requests_per_day=100K..200K", "--steps", "2"]])
def test_every_analysis_honours_the_pinned_date_and_the_price_age(command: list[str]) -> None:
    stale = run(*command, SUPPORT, "--format", "json", env={"TCO_TODAY": STALE_TODAY})
    assert stale.exit_code == 0, stale.output
    assert "193 days old" in stale.stderr
    lenient = run(*command, SUPPORT, "--format", "json", "--max-price-age", "365", env={"TCO_TODAY": STALE_TODAY})
    assert lenient.exit_code == 0 and "days old" not in lenient.stderr
    fresh = run(*command, SUPPORT, "--format", "json")  # TCO_TODAY=2026-11-27 (conftest)
    assert fresh.exit_code == 0 and "days old" not in fresh.stderr


def test_a_batch_plan_measures_price_ages_from_the_pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every resolve of an analysis, not only the first, takes $TCO_TODAY and the price age."""
    from tco.analyses.batch import open_scenario
    from tco.engine.results import StalePrice

    monkeypatch.setenv("TCO_TODAY", STALE_TODAY)
    plan = open_scenario(SUPPORT).plan([])
    assert {w.age_days for w in plan.central.warnings if isinstance(w, StalePrice)} == {193}
    lenient = open_scenario(SUPPORT, max_price_age_days=365).plan([])
    assert not [w for w in lenient.central.warnings if isinstance(w, StalePrice)]


def test_report_reads_the_scenario_once_and_honours_the_price_age(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    import tco.load.yamlsource as yamlsource

    reads: list[str] = []
    real = yamlsource.read_bounded

    def counted(path: str, source: str, what: str) -> bytes:
        reads.append(path)
        return real(path, source, what)

    monkeypatch.setattr(yamlsource, "read_bounded", counted)
    page = tmp_path / "r.html"
    result = run("report", SUPPORT, "-o", page, "--max-price-age", "30", env={"TCO_TODAY": "2027-01-10"})
    assert result.exit_code == 0, result.output
    assert reads == [str(SUPPORT)]
    assert "51 days old" in result.stderr and "51 days old" in page.read_text(encoding="utf-8")
    assert "name: Support assistant" in page.read_text(encoding="utf-8")  # the file quoted, from that one read
    lenient = run("report", SUPPORT, "-o", page, env={"TCO_TODAY": "2027-01-10"})
    assert lenient.exit_code == 0 and "days old" not in lenient.stderr


# --- formats --------------------------------------------------------------------------------------


def format_options() -> list[tuple[str, Any]]:
    return [(words, param) for words, command in every_command() for param in command.params
            if "--format" in param.opts]


@pytest.mark.parametrize(("words", "param"), format_options(), ids=[w for w, _ in format_options()])
def test_every_format_a_command_offers_has_a_renderer(words: str, param: Any) -> None:
    formats = getattr(param.type_descriptor.parameter_info.parser, "formats", None)
    assert isinstance(formats, Formats), f"tco {words} --format is not a format registry's"
    offered = param.metavar.split("|")
    assert offered == list(formats.names)
    assert all(callable(formats.renderer(name)) for name in offered)


def test_every_command_with_output_has_a_format_registry() -> None:
    """Commands that print a result take --format; the ones that only write a file or a message do not."""
    without = sorted(words for words, command in every_command()
                     if "--output" in long_options(command) and "--format" not in long_options(command))
    assert without == ["schema"]


OUTPUT_COMMANDS = [(words, command) for words, command in every_command() if "--output" in long_options(command)]


@pytest.mark.parametrize(("words", "command"), OUTPUT_COMMANDS, ids=[w for w, _ in OUTPUT_COMMANDS])
def test_every_output_option_takes_a_dash_for_stdout(words: str, command: Any) -> None:
    """One declaration of -o/--output: in every command `-o -` is stdout (as no -o is), and the help says so."""
    import click

    param = next(p for p in command.params if "--output" in p.opts)
    context = click.Context(command)
    assert param.process_value(context, "-") is None
    assert param.process_value(context, "out.txt") == Path("out.txt")
    assert "'-' for stdout" in (param.help or "")


def test_an_unknown_format_is_refused_on_the_command_line() -> None:
    result = run("compare", SUPPORT, "--format", "yaml")
    assert result.exit_code == 2
    assert "'yaml' is not one of: table, json, csv, markdown" in result.stderr


def test_compare_loads_only_its_own_command_module() -> None:
    """`tco compare` imports tco.cli.scenario (and what it needs), not the other commands, nor numpy,
    matplotlib, ruamel or rich's progress bar."""
    code = ("import sys; from typer.testing import CliRunner; from tco.cli import app; "
            f"r = CliRunner().invoke(app, ['compare', {str(SUPPORT)!r}]); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in sys.modules if m.startswith(('tco.cli', 'numpy', 'matplotlib', 'ruamel', "
            "'rich.progress', 'tco.analyses.batch', 'tco.pricing.files', 'tco.render.html'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(["tco.cli", "tco.cli.options", "tco.cli.scenario", "tco.cli.shared"])


def test_every_command_module_is_listed() -> None:
    """`tco --help` lists every command, each loaded from the module COMMAND_MODULES names."""
    result = run("--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    lines = [line.split()[1] for line in result.stdout.splitlines() if len(line.split()) > 2]
    listed = [name for name in lines if name in COMMAND_MODULES]
    assert listed == ["compare", "export", "validate", "init", "schema", "size", "simulate", "sensitivity", "sweep",
                      "chart", "report", "optimize", "pricing"]  # README: Commands; the pricing group last
    assert sorted(listed) == sorted(COMMAND_MODULES)


def test_json_of_every_analysis_is_still_json() -> None:
    result = run("simulate", SUPPORT, "--runs", "10", "--format", "json")
    assert json.loads(result.stdout)["runs"] == 10

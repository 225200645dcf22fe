"""One table of defaults (`tco.defaults.DEFAULTS`): what the resolver applies, the engine's inputs default to,
the "Defaults used" list says, and the README's annotated scenario and `tco init`'s starter document."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from clirun import run

from tco.defaults import DEFAULTS
from tco.engine import inputs
from tco.engine.results import DEFAULT_SOURCE
from tco.render.views import value_text
from tco.scenario.loader import load_scenario
from tco.scenario.starter import starter_scenario

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
# `default X` in a comment; `default: ...` (the first api option, the baseline, ...) is a rule, not a value.
DEFAULT_IN_COMMENT = re.compile(r"\bdefault (?P<value>[^\s;,()]+)")
KEY = re.compile(r"^(?P<indent>\s*)(?:#\s*)?(?:- )?(?P<key>[a-z_]+):(?P<rest>.*)$")


def documented_defaults(text: str) -> list[tuple[str, str]]:
    """(scenario field, value) for every `default X` annotation of an annotated scenario in YAML: a top-level
    field, a workload or finance one (`workload.peak_to_average`), or an option's (`options.discount`)."""
    found: list[tuple[str, str]] = []
    section = ""
    for line in text.splitlines():
        match = KEY.match(line)
        if match is None:
            continue
        key, rest = match["key"], match["rest"]
        value_part, _, comment = rest.partition("#")
        if not match["indent"] and not line.lstrip().startswith("#"):
            section = key if not value_part.strip() else ""
        default = DEFAULT_IN_COMMENT.search(comment)
        if default is None or "/" in default["value"]:  # `default pricing/gpus.yaml purchase_price`: a table's
            continue
        field = key if not match["indent"] else f"{section}.{key}"
        found.append((field, default["value"]))
    return found


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.DOTALL)


def documentation() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def same(documented: str, value: Any) -> bool:
    if value is None:
        return documented == "none"
    if isinstance(value, int | float):
        return float(documented) == value
    return documented == value


def test_the_scenario_page_documents_defaults() -> None:
    """The parser finds the annotated scenario of docs/scenario.md (so the test below checks something)."""
    fields = {field for block in yaml_blocks((ROOT / "docs" / "scenario.md").read_text(encoding="utf-8"))
              for field, _ in documented_defaults(block)}
    assert {"horizon_months", "workload.peak_to_average", "finance.basis", "options.max_utilization",
            "options.server_cost_share", "options.staff"} <= fields


@pytest.mark.parametrize("page", documentation(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_documented_default_is_the_one_applied(page: Path) -> None:
    wrong = []
    for block in yaml_blocks(page.read_text(encoding="utf-8")):
        for field, value in documented_defaults(block):
            default = DEFAULTS.by_field(field)
            if default is None or not same(value, default.value):
                wrong.append((field, value, default.value if default else "not in DEFAULTS"))
    assert wrong == []


def test_the_starters_stated_defaults_are_the_ones_applied() -> None:
    stated = documented_defaults(starter_scenario())
    assert stated, "the starter states no default: drop this test or the parser lost them"
    assert [(field, value) for field, value in stated
            if not same(value, getattr(DEFAULTS.by_field(field), "value", "?"))] == []


def test_every_default_has_a_value_a_field_and_a_one_line_reason() -> None:
    fields = [default.field for default in DEFAULTS]
    assert len(fields) == len(set(fields))
    for default in DEFAULTS:
        assert default.reason.strip() and "\n" not in default.reason, default.field
        assert DEFAULTS.by_field(default.field) is default


@pytest.mark.parametrize(("cls", "name", "default"), [
    (inputs.WorkloadInputs, "monthly_growth", DEFAULTS.monthly_growth),
    (inputs.WorkloadInputs, "cached_input_share", DEFAULTS.cached_input_share),
    (inputs.WorkloadInputs, "peak_to_average", DEFAULTS.peak_to_average),
    (inputs.WorkloadInputs, "active_hours_per_month", DEFAULTS.active_hours_per_month),
    (inputs.SharedCosts, "setup_cost", DEFAULTS.setup_cost),
    (inputs.SharedCosts, "other_monthly", DEFAULTS.other_monthly),
    (inputs.ApiInputs, "batch_discount", DEFAULTS.batch_discount),
    (inputs.ApiInputs, "batch_share", DEFAULTS.batch_share),
    (inputs.ApiInputs, "discount", DEFAULTS.discount),
    (inputs.ApiInputs, "price_change_per_year", DEFAULTS.price_change_per_year),
    (inputs.ApiInputs, "fixed_monthly", DEFAULTS.fixed_monthly),
    (inputs.SelfHostedInputs, "gpus_per_replica", DEFAULTS.gpus_per_replica),
    (inputs.SelfHostedInputs, "parallelism", DEFAULTS.parallelism),
    (inputs.SelfHostedInputs, "min_replicas", DEFAULTS.min_replicas),
    (inputs.SelfHostedInputs, "max_utilization", DEFAULTS.max_utilization),
    (inputs.SelfHostedInputs, "acquisition", DEFAULTS.acquisition),
    (inputs.SelfHostedInputs, "scaling", DEFAULTS.scaling),
    (inputs.SelfHostedInputs, "rent_change_per_year", DEFAULTS.rent_change_per_year),
    (inputs.SelfHostedInputs, "server_cost_share", DEFAULTS.server_cost_share),
    (inputs.SelfHostedInputs, "lifetime_months", DEFAULTS.lifetime_months),
    (inputs.SelfHostedInputs, "residual_value", DEFAULTS.residual_value),
    (inputs.SelfHostedInputs, "price_per_kwh", DEFAULTS.price_per_kwh),
    (inputs.SelfHostedInputs, "pue", DEFAULTS.pue),
    (inputs.SelfHostedInputs, "load_factor", DEFAULTS.load_factor),
    (inputs.SelfHostedInputs, "power_hours_per_month", DEFAULTS.power_hours_per_month),
    (inputs.SelfHostedInputs, "hosting_per_gpu_month", DEFAULTS.hosting_per_gpu_month),
    (inputs.SelfHostedInputs, "maintenance_per_year", DEFAULTS.maintenance_per_year),
    (inputs.SelfHostedInputs, "go_live_month", DEFAULTS.go_live_month),
    (inputs.SelfHostedInputs, "precision", DEFAULTS.precision),
    (inputs.ScenarioInputs, "horizon_months", DEFAULTS.horizon_months),
    (inputs.ScenarioInputs, "basis", DEFAULTS.basis),
    (inputs.ScenarioInputs, "discount_rate", DEFAULTS.discount_rate),
    (inputs.ScenarioInputs, "terminal_value", DEFAULTS.terminal_value),
    (inputs.ScenarioInputs, "currency", DEFAULTS.currency),
], ids=lambda value: getattr(value, "__name__", None) or str(value))
def test_the_engine_inputs_default_to_the_table(cls: type, name: str, default: Any) -> None:
    """Python callers who build the engine's inputs by hand get the defaults a scenario file gets."""
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    assert field.default == default.value


def strip_option(label: str, names: list[str]) -> str:
    """`options.Llama 3.1 70B.max_utilization` -> `options.max_utilization` (option names may hold dots)."""
    for name in names:
        if label.startswith(f"options.{name}."):
            return "options." + label.removeprefix(f"options.{name}.")
    return label


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_plain_default_applied_is_the_tables(path: Path) -> None:
    loaded = load_scenario(path)
    names = [o.name for o in loaded.inputs.options]
    plain = [a for a in loaded.assumptions if a.source == DEFAULT_SOURCE]
    assert plain
    for assumption in plain:
        default = DEFAULTS.by_field(strip_option(assumption.field, names))
        assert default is not None and default.value == assumption.value, assumption


def test_the_defaults_used_list_shows_the_tables_values() -> None:
    """Each `name value` of compare's "Defaults used" list (markdown: one line per scenario part) is DEFAULTS'."""
    path = ROOT / "scenarios" / "support-assistant.yaml"
    names = [o.name for o in load_scenario(path).inputs.options]
    code, stdout, stderr = run("compare", path, "--format", "markdown")
    assert code == 0, stderr
    lines = stdout.split("Defaults used", 1)[1].splitlines()
    listed = [line.removeprefix("- ") for line in lines if line.startswith("- ")]
    assert listed
    for line in listed:
        head, _, items = line.partition(": ")
        option = next((n for n in names if head.startswith(f"options.{n}")), None)
        below = head.removeprefix(f"options.{option}").lstrip(".") if option is not None else ""
        prefix = "" if option is None else f"options.{below}." if below else "options."
        for item in items.split(", "):
            name, _, value = item.rpartition(" ")
            default = DEFAULTS.by_field(prefix + name)
            assert default is not None and value_text(default.value) == value, (line, item)

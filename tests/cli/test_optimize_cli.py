"""`tco optimize` and the mixed kinds through the CLI: formats, files, errors, schema."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from clirun import run

REPO = Path(__file__).resolve().parents[2]
SCENARIO = str(REPO / "scenarios" / "hybrid-overflow.yaml")
ARGS = ["--hybrid", "Llama 3.1 70B on rented H100", "--overflow-to", "GPT-4.1"]
HYBRID = "Llama base + GPT-4.1 overflow"



def test_optimize_table() -> None:
    result = run("optimize", SCENARIO, *ARGS)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Consumer chat: Llama 3.1 70B on rented H100 with overflow to GPT-4.1, 24 months, USD"
    assert lines[2].startswith("Cheapest: ")
    assert "Fixed fleet ({gpus: N}), 0 to 36 GPUs in steps of 4 (every replica)" in result.stdout
    assert sum(line.endswith("|      yes |") for line in lines) == 1
    assert "\x1b[" not in result.stdout


def test_optimize_json_cheapest_is_the_minimum() -> None:
    result = run("optimize", SCENARIO, *ARGS, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    points = data["fixed_fleets"] + data["size_rules"]
    assert data["cheapest"]["total"] == min(p["total"] for p in points)
    assert [p["gpus"] for p in data["fixed_fleets"]] == list(range(0, data["p100_gpus"] + 1, 4))
    assert sum(p["cheapest"] for p in points) == 1
    zero = data["fixed_fleets"][0]
    assert zero["self_hosted_share"] == 0 and zero["fleet_utilization"] is None


def test_optimize_csv_to_file(tmp_path: Path) -> None:
    out = tmp_path / "curve.csv"
    result = run("optimize", SCENARIO, *ARGS, "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["size_for"] == "0 GPUs" and rows[-1]["size_for"] == "average"
    assert [r["cheapest"] for r in rows].count("True") == 1


@pytest.mark.parametrize("args,message", [
    (["--hybrid", "Llama 3.1 70B on rented H10", "--overflow-to", "GPT-4.1"], "did you mean"),
    (["--hybrid", "GPT-4.1", "--overflow-to", "GPT-4.1"], "--hybrid must name a hybrid or self_hosted option"),
    (["--hybrid", "Llama 3.1 70B on rented H100", "--overflow-to", "Llama base + GPT-4.1 overflow"],
     "--overflow-to must name an api option"),
])
def test_optimize_bad_names(args: list[str], message: str) -> None:
    result = run("optimize", SCENARIO, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_optimize_needs_both_names() -> None:
    result = run("optimize", SCENARIO)
    assert result.exit_code == 2
    result = run("optimize", SCENARIO, "--hybrid", "x")  # --overflow-to is optional, for a hybrid's own name
    assert result.exit_code == 1 and "no option is named 'x'" in result.stderr
    result = run("optimize", SCENARIO, "--hybrid", "Llama 3.1 70B on rented H100")
    assert result.exit_code == 2
    assert "--overflow-to" in result.stderr and "Traceback" not in result.stderr


def test_a_self_hosted_hybrid_without_overflow_to_says_the_flag_is_missing() -> None:
    """The flag was never given, so it was not an "Invalid value for '--overflow-to'": it is missing."""
    result = run("optimize", SCENARIO, "--hybrid", "Llama 3.1 70B on rented H100", env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "Invalid value" not in result.stderr
    assert ("Missing option '--overflow-to': 'Llama 3.1 70B on rented H100' is a self_hosted option; name the api "
            "option that takes the load above its fleet") in result.stderr


def test_optimize_takes_the_hybrid_options_own_name() -> None:
    """Named by the hybrid option, the fleet and overflow are its own, and so are its own costs: its p75 row
    (the size_for the scenario gives it) totals what `compare` says the hybrid costs."""
    by_parts = json.loads(run("optimize", SCENARIO, *ARGS, "--format", "json").stdout)
    result = run("optimize", SCENARIO, "--hybrid", HYBRID, "--format", "json")
    assert result.exit_code == 0, result.stderr
    by_name = json.loads(result.stdout)
    assert (by_name["self_hosted"], by_name["overflow"], by_name["hybrid"]) == (
        "Llama 3.1 70B on rented H100", "GPT-4.1", HYBRID)
    assert by_name["overflow_to"] == by_name["overflow"]  # the flag's and the scenario key's name, too
    assert by_parts["hybrid"] is None
    assert [p["total"] for p in by_name["size_rules"]] == [p["total"] for p in by_parts["size_rules"]]
    compared = json.loads(run("compare", SCENARIO, "--format", "json").stdout)
    hybrid_total = next(o["total"] for o in compared["options"] if o["name"] == HYBRID)
    p75 = next(p for p in by_name["size_rules"] if p["size_for"] == "p75")
    assert p75["total"] == pytest.approx(hybrid_total, rel=1e-12)
    table = run("optimize", SCENARIO, "--hybrid", HYBRID).stdout
    assert table.splitlines()[0] == (f"Consumer chat: {HYBRID} (Llama 3.1 70B on rented H100 with overflow to "
                                     "GPT-4.1), 24 months, USD")


def test_optimize_keeps_the_old_overflow_flag_as_a_hidden_alias() -> None:
    new = run("optimize", SCENARIO, *ARGS, "--format", "json")
    old = run("optimize", SCENARIO, "--hybrid", "Llama 3.1 70B on rented H100", "--overflow", "GPT-4.1",
              "--format", "json")
    assert old.exit_code == 0, old.stderr
    assert old.stdout == new.stdout
    help_text = run("optimize", "--help").stdout
    assert "--overflow-to" in help_text and "--overflow " not in help_text
    clash = run("optimize", SCENARIO, *ARGS, "--overflow", "Something else")
    assert clash.exit_code == 2


def test_hybrid_in_json_csv_and_export() -> None:
    data = json.loads(run("compare", SCENARIO, "--format", "json").stdout)
    hybrid = next(o for o in data["options"] if o["kind"] == "hybrid")
    assert 0 < hybrid["self_hosted_share"] < 1 and 0 < hybrid["fleet_utilization"] < 1
    month = hybrid["months"][0]
    assert {"self_hosted_share", "fleet_utilization", "self_hosted_tokens"} <= set(month)
    assert any(i["description"] == "GPT-4.1: overflow output tokens" for i in month["line_items"])
    summary = list(csv.DictReader(io.StringIO(run("compare", SCENARIO, "--format", "csv").stdout)))
    routed = next(r for r in summary if r["kind"] == "routed")
    assert float(routed["self_hosted_share"]) == pytest.approx(0.7)
    export = list(csv.DictReader(io.StringIO(run("export", SCENARIO).stdout)))
    assert {r["kind"] for r in export} == {"api", "self_hosted", "hybrid", "routed"}
    markdown = run("compare", SCENARIO, "--format", "markdown").stdout
    assert "### Self-hosted share of tokens and fleet utilisation" in markdown


def test_schema_has_the_mixed_kinds() -> None:
    schema = json.loads(run("schema").stdout)
    defs = schema["$defs"]
    assert {"HybridOption", "RoutedOption"} <= set(defs)
    assert defs["HybridOption"]["properties"]["kind"]["const"] == "hybrid"
    assert "load_profile" in defs["Workload"]["properties"]

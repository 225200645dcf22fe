"""Terminal value on the cash basis: `finance.terminal_value: book` credits the owned GPUs still held at
the end at their straight-line book value, in the last month. Each docstring shows the arithmetic."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from clirun import invoke

from tco.engine.breakeven import break_even_month, break_even_months
from tco.engine.inputs import (
    ApiInputs,
    HybridInputs,
    Route,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    WorkloadInputs,
)
from tco.engine.line_items import book_values_at_end
from tco.engine.projection import project_option
from tco.errors import TcoError
from tco.scenario.compare import compare_inputs
from tco.scenario.loader import load_scenario

# c = 20,000 · 1.25 = 25,000 per GPU; 10% residual; depreciation 25,000 · 0.9 / L per GPU-month.
OWNED = SelfHostedInputs("Owned", input_tokens_per_second=1e9, output_tokens_per_second=1e9, min_replicas=2,
                         acquisition="buy", purchase_price_per_gpu=20_000, server_cost_share=0.25,
                         residual_value=0.1, watts_per_gpu=0.0)
API = ApiInputs("API", 2, 8, 2)
WORKLOAD = WorkloadInputs(1e6, 1e5)


def scenario(*options: object, horizon: int = 36, basis: str = "cash", terminal: str = "book",
             discount_rate: float = 0.0) -> ScenarioInputs:
    return ScenarioInputs("t", WORKLOAD, tuple(options), horizon_months=horizon, basis=basis,  # type: ignore[arg-type]
                          discount_rate=discount_rate, baseline="API", terminal_value=terminal)  # type: ignore[arg-type]


def test_a_cohort_whose_life_ends_in_the_last_month_is_credited_its_residual_value() -> None:
    """2 GPUs from month 1, lifetime 12, 36 months: bought in month 1, again in 13 and 25 (each time
    2 · 25,000 less the old pair's resale 2 · 2,500 = 45,000). The pair bought in month 25 is used
    12 months (25..36, the purchase month counted): book 25,000 − 12 · 1,875 = 2,500, its residual
    value; credited 2 · 2,500 = 5,000 in month 36. Capital over 36 months: 50,000 + 2 · 45,000 − 5,000
    = 135,000, which is the amortized basis' 2 GPUs · 1,875 · 36 months."""
    option = replace(OWNED, lifetime_months=12)
    cash = project_option(option, scenario(option))
    last = cash.months[-1]
    assert last.costs == pytest.approx({"terminal_value": -5_000})
    (item,) = last.items
    assert (item.category, item.quantity, item.unit, item.unit_price) == ("terminal_value", 2, "GPUs", -2_500)
    assert item.description == "book value of the GPUs bought in month 25, kept after month 36"
    assert cash.total == pytest.approx(135_000)
    amortized = project_option(option, scenario(option, basis="amortized"))
    assert amortized.total == pytest.approx(135_000)
    assert cash.book_value_at_end == pytest.approx(5_000)


def test_a_late_purchase_is_credited_what_it_has_not_yet_depreciated() -> None:
    """Live from month 30 of 36, lifetime 36: 2 GPUs bought in month 30 are used 7 months, book
    25,000 − 7 · 625 = 20,625 each, so 41,250 comes back in month 36; net capital 50,000 − 41,250 =
    8,750 = amortized 2 · 625 · 7. The credit lands at the end of the month (`at_end`)."""
    option = replace(OWNED, go_live_month=30, fallback=API)
    cash = project_option(option, scenario(option))
    assert cash.months[-1].costs["terminal_value"] == pytest.approx(-41_250)
    assert cash.months[-1].at_end == pytest.approx(-41_250)
    assert sum(m.costs.get("capex", 0.0) + m.costs.get("terminal_value", 0.0) for m in cash.months) == \
        pytest.approx(8_750)
    amortized = project_option(option, scenario(option, basis="amortized"))
    assert cash.total == pytest.approx(amortized.total, rel=1e-12)


def test_book_values_per_cohort() -> None:
    """Fleet 1, 1, 3, 3 over 4 months, lifetime 2 (c = 25,000, 10% residual: 11,250 a month): the
    month-1 GPU is bought again in month 3; bought in month 3: 1 again and 2 new, used 2 months (to
    the residual 2,500). Nothing bought in month 4. Book at the end: 3 GPUs at 2,500."""
    option = replace(OWNED, lifetime_months=2)
    assert book_values_at_end([1, 1, 3, 3], [0, 0, 1, 0], option) == [(3, 3, pytest.approx(2_500))]
    assert book_values_at_end([1, 1, 3, 4], [0, 0, 1, 0], option) == [
        (3, 3, pytest.approx(2_500)), (4, 1, pytest.approx(25_000 - 11_250))]


def test_none_is_the_default_and_keeps_todays_totals() -> None:
    option = replace(OWNED, go_live_month=30, fallback=API)
    plain = ScenarioInputs("t", WORKLOAD, (API, option), horizon_months=36, baseline="API")
    assert plain.terminal_value == "none"
    result = project_option(option, plain)
    assert "terminal_value" not in result.months[-1].costs
    assert result.total == pytest.approx(50_000 + 29 * 2.8)
    assert result.book_value_at_end == pytest.approx(41_250)  # known, not credited


def test_amortized_basis_and_rented_fleets_have_no_terminal_value() -> None:
    option = replace(OWNED, go_live_month=30, fallback=API)
    amortized = project_option(option, scenario(option, basis="amortized"))
    assert all("terminal_value" not in m.costs for m in amortized.months)
    rented = SelfHostedInputs("Rented", 1e9, 1e9, hourly_rate_per_gpu=2.0)
    assert all("terminal_value" not in m.costs for m in project_option(rented, scenario(rented)).months)


def test_hybrid_and_routed_options_that_own_gpus_are_credited_too() -> None:
    """A hybrid sized p100 runs its self-hosted option's fleet (exactly its costs), and a routed option
    sending all its traffic to the owned option costs what it costs: the credit is theirs too."""
    option = replace(OWNED, go_live_month=30, fallback=API)
    hybrid = HybridInputs("Hybrid", option, API, "percentile", percentile=100.0)
    routed = RoutedInputs("Routed", (Route(option, 1.0), Route(API, 0.0)))
    s = scenario(API, option, hybrid, routed)
    results = {r.name: r for r in compare_inputs(s).options}
    for name in ("Hybrid", "Routed"):
        assert results[name].months[-1].costs["terminal_value"] == pytest.approx(-41_250)
        assert results[name].total == pytest.approx(results["Owned"].total, rel=1e-12)
        assert results[name].book_value_at_end == pytest.approx(41_250)


def test_the_credit_counts_at_the_end_of_the_last_month_for_the_fractional_break_even() -> None:
    """An API of 1,500 a month (1M input tokens at $1,500 per 1M) against the owned option, which uses it
    as its fallback until month 30 and then pays 50,000 for its GPUs: after month 35 it is 93,500
    against 52,500, and the 41,250 credit in month 36 brings it to 52,250 against 54,000. It breaks
    even in month 36, only at the month's very end: 36.0 months (a credit accruing through the month
    would say 35.96)."""
    api = ApiInputs("API", 1_500, 0, 0)
    option = replace(OWNED, go_live_month=30, fallback=api)
    results = compare_inputs(scenario(api, option)).options
    assert results[1].months[-1].cumulative == pytest.approx(52_250)
    month = break_even_month(results[1], results[0])
    assert month == 36
    assert break_even_months(results[1], results[0], month) == 36.0


def test_the_warning_on_cash_without_book_says_what_book_would_change() -> None:
    """Owned from month 30: 41,250 of book value left against a total of 50,000 + 29 months on the
    API (1M input tokens at $2 + 100K output at $8 = 2.80 a month, 81.20 in all) = 50,081.20: 82%
    of the total, over 5%; with the credit the total would be 8,831.20."""
    option = replace(OWNED, go_live_month=30, fallback=API)
    comparison = compare_inputs(scenario(API, option, terminal="none"))
    (warning,) = [w for w in comparison.warnings if "book value" in w]
    assert warning == ("Owned: the GPUs it owns at the end of the 36 months are still worth $41.2K at book "
                       "value (82% of its $50.1K total), which the cash basis does not credit; "
                       "finance.terminal_value: book would credit it in month 36, bringing the total to $8.8K")
    assert not [w for w in compare_inputs(scenario(API, option)).warnings if "book value" in w]
    assert not [w for w in compare_inputs(scenario(API, option, terminal="none", basis="amortized")).warnings
                if "book value" in w]


def test_no_warning_when_the_book_value_left_is_at_most_5_percent_of_the_total() -> None:
    """Lifetime 12 from month 1: 5,000 left (the residual) against 140,000 in all (3.6%)."""
    option = replace(OWNED, lifetime_months=12)
    comparison = compare_inputs(scenario(API, option, terminal="none"))
    assert not [w for w in comparison.warnings if "book value" in w]


SCENARIO = """\
name: t
horizon_months: 36
workload: {input_tokens_per_month: 1M, output_tokens_per_month: 100K}
finance: {basis: cash<finance>}
options:
  - {name: API, kind: api, price: {input: 2, output: 8}}
  - name: Owned
    kind: self_hosted
    acquisition: buy
    throughput: {input_tokens_per_second: 1e9, output_tokens_per_second: 1e9}
    min_replicas: 2
    purchase_price_per_gpu: 20K
    residual_value: 10%
    hosting_per_gpu_month: 0
    maintenance_per_year: 0
    power: {watts_per_gpu: 1000, price_per_kwh: 0}
    staff: {fte: 0.1, cost_per_fte_year: 100K}
    go_live_month: 30
"""


def write(tmp_path: Path, finance: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("<finance>", finance), encoding="utf-8")
    return str(path)


def test_the_scenario_field_its_default_and_its_errors(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, ""))
    assert loaded.inputs.terminal_value == "none"
    default = next(a for a in loaded.assumptions if a.field == "finance.terminal_value")
    assert default.value == "none"
    assert load_scenario(write(tmp_path, ", terminal_value: book")).inputs.terminal_value == "book"
    with pytest.raises(TcoError, match=re.escape("finance.terminal_value: must be 'none' or 'book' (got 'market')")):
        load_scenario(write(tmp_path, ", terminal_value: market"))


def test_the_cli_shows_the_credit_in_json_csv_and_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, ", terminal_value: book")
    data = json.loads(invoke(["compare", path, "--format", "json"]).stdout)
    owned = next(o for o in data["options"] if o["name"] == "Owned")
    assert owned["months"][-1]["costs"]["terminal_value"] == -41_250
    exported = invoke(["export", path]).stdout.splitlines()
    header = exported[0].split(",")
    assert header[-3:] == ["terminal_value", "total", "cumulative"]
    assert exported[-1].split(",")[header.index("terminal_value")] == "-41250.0"
    table = invoke(["compare", write(tmp_path, "")]).stdout
    assert "terminal_value none" in table
    schema = json.loads(invoke(["schema"]).stdout)
    assert schema["$defs"]["Finance"]["properties"]["terminal_value"]["anyOf"][0]["enum"] == ["none", "book"]


def test_validate_prints_the_book_value_warning(tmp_path: Path) -> None:
    result = invoke(["validate", write(tmp_path, "")])
    assert result.exit_code == 0
    assert "finance.terminal_value: book would credit it" in result.stderr


def test_readme_documents_the_field() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "terminal_value: none" in readme


def test_book_on_the_amortized_basis_is_said_to_have_no_effect(tmp_path: Path) -> None:
    """Allowed, so `--basis amortized` works on a file written for cash, but said: amortizing already
    leaves the undepreciated rest out."""
    loaded = load_scenario(write(tmp_path, ", terminal_value: book"), basis="amortized")
    assert "finance.terminal_value: book has no effect on the amortized basis, which already leaves out the " \
        "value the GPUs keep after the last month" in loaded.warnings
    assert not any("terminal_value" in w for w in load_scenario(write(tmp_path, ", terminal_value: book")).warnings)

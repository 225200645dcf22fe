"""Rates cannot be misread: a rate written as a plain number above 1 is refused, with the `%` form.

`monthly_growth: 5` would otherwise be 500% a month: the fleet grows to 10^27 GPUs and the
headline quotes savings in quadrillions, with nothing to say the input was meant as 5%.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tco.errors import TcoError
from tco.scenario.loader import load_scenario

SCENARIO = """\
name: t
workload: {{input_tokens_per_month: 1B, output_tokens_per_month: 100M{workload}}}
finance: {{basis: cash{finance}}}
options:
  - {{name: A, kind: api, price: {{input: 1, output: 2}}{api}}}
  - name: Rented
    kind: self_hosted
    throughput: {{input_tokens_per_second: 1000, output_tokens_per_second: 100}}
    hourly_rate_per_gpu: 2{rent}
  - name: Owned
    kind: self_hosted
    acquisition: buy
    throughput: {{input_tokens_per_second: 1000, output_tokens_per_second: 100}}
    purchase_price_per_gpu: 20K
    power: {{watts_per_gpu: 1000}}{buy}
"""

# field -> (where it goes in SCENARIO, how it is written there, its path in messages)
RATES = {
    "monthly_growth": ("workload", ", monthly_growth: {}", "workload.monthly_growth"),
    "annual_growth": ("workload", ", annual_growth: {}", "workload.annual_growth"),
    "discount_rate": ("finance", ", discount_rate: {}", "finance.discount_rate"),
    "price_change_per_year": ("api", ", price_change_per_year: {}", "options[0].price_change_per_year"),
    "rent_change_per_year": ("rent", "\n    rent_change_per_year: {}", "options[1].rent_change_per_year"),
    "maintenance_per_year": ("buy", "\n    maintenance_per_year: {}", "options[2].maintenance_per_year"),
}


def scenario_with(tmp_path: Path, field: str, value: str) -> str:
    slot, text, _ = RATES[field]
    parts = dict.fromkeys(("workload", "finance", "api", "rent", "buy"), "")
    parts[slot] = text.format(value)
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(**parts), encoding="utf-8")
    return str(path)


def only_problem(path: str, overrides: tuple[str, ...] = ()) -> str:
    with pytest.raises(TcoError) as caught:
        load_scenario(path, overrides=overrides)
    (problem,) = caught.value.problems
    return f"{problem.field}: {problem.message}"


@pytest.mark.parametrize("field", list(RATES))
def test_a_plain_5_is_refused_naming_the_field_and_the_percent_form(tmp_path: Path, field: str) -> None:
    message = only_problem(scenario_with(tmp_path, field, "5"))
    path = RATES[field][2]
    per = "a month" if field == "monthly_growth" else "a year"
    assert message == f"{path}: `{field}: 5` would be 500% {per}; write 5% (or 0.05), or 500% if you mean it"


@pytest.mark.parametrize("field", list(RATES))
@pytest.mark.parametrize("value", ["5%", "0.05", "1", "0", "'4.5 %'"])
def test_percentages_and_plain_numbers_up_to_1_are_read_as_before(tmp_path: Path, field: str, value: str) -> None:
    load_scenario(scenario_with(tmp_path, field, value))


@pytest.mark.parametrize("field", ["monthly_growth", "annual_growth", "discount_rate", "price_change_per_year",
                                   "rent_change_per_year", "maintenance_per_year"])
def test_an_explicit_150_percent_stays_possible(tmp_path: Path, field: str) -> None:
    load_scenario(scenario_with(tmp_path, field, "150%"))


def test_a_negative_rate_is_judged_by_its_size(tmp_path: Path) -> None:
    """-25 on a price change is -2500% a year (also below -100%, but the likelier slip is the % sign); -2500%
    itself is refused, so it is not offered."""
    message = only_problem(scenario_with(tmp_path, "price_change_per_year", "-25"))
    assert message == ("options[0].price_change_per_year: `price_change_per_year: -25` would be -2500% a year; "
                       "write -25% (or -0.25)")
    load_scenario(scenario_with(tmp_path, "price_change_per_year", "-0.25"))


@pytest.mark.parametrize(("value", "shown"), [("1.5", "150%"), ("2.5K", "250000%"), ("'8e0'", "800%")])
def test_any_plain_spelling_above_1_is_refused(tmp_path: Path, value: str, shown: str) -> None:
    assert f"would be {shown} a year" in only_problem(scenario_with(tmp_path, "discount_rate", value))


def test_a_range_end_above_1_is_refused_at_that_end(tmp_path: Path) -> None:
    message = only_problem(scenario_with(tmp_path, "monthly_growth", "{low: 2, high: 5}"))
    assert message.startswith("workload.monthly_growth.low: `monthly_growth: 2` would be 200% a month")
    load_scenario(scenario_with(tmp_path, "monthly_growth", "{low: 2%, high: 5%}"))


def test_set_is_held_to_the_same_rule(tmp_path: Path) -> None:
    path = scenario_with(tmp_path, "monthly_growth", "0")
    with pytest.raises(TcoError) as caught:
        load_scenario(path, overrides=["workload.monthly_growth=5"])
    assert str(caught.value) == (f"{path}: --set workload.monthly_growth=5: workload.monthly_growth: "
                                 "`monthly_growth: 5` would be 500% a month; write 5% (or 0.05), or 500% if you "
                                 "mean it")
    loaded = load_scenario(path, overrides=["workload.monthly_growth=5%", "finance.discount_rate=0.08"])
    assert loaded.inputs.workload.monthly_growth == pytest.approx(0.05)
    assert loaded.inputs.discount_rate == pytest.approx(0.08)


def test_other_fields_are_not_rates(tmp_path: Path) -> None:
    """Prices and hourly rates are not rates in this sense (nor is a server cost share given in percent)."""
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent("""\
        name: t
        workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
        options:
          - {name: A, kind: api, price: {input: 5, output: 15}}
          - name: Owned
            kind: self_hosted
            acquisition: buy
            throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 100}
            purchase_price_per_gpu: 20K
            server_cost_share: 200%
            power: {watts_per_gpu: 1000}
    """), encoding="utf-8")
    load_scenario(str(path))


def test_a_plain_server_cost_share_above_1_is_refused_like_a_rate(tmp_path: Path) -> None:
    """`server_cost_share: 25` read as 2,500% of the GPU price: the option cost $5.97M and could no longer
    win, with nothing said. A plain number above 1 is refused in the rates' words; 25%, 0.25 and an
    explicit 200% (a cheap GPU in a costly server) are read as before."""
    path = scenario_with(tmp_path, "maintenance_per_year", "8%")
    message = only_problem(path, overrides=("options.Owned.server_cost_share=25",))
    assert message == ("options[2].server_cost_share: `server_cost_share: 25` would be 2500% of the purchase price; "
                       "write 25% (or 0.25), or 2500% if you mean it")
    for written, share in (("25%", 0.25), ("0.25", 0.25), ("1", 1.0), ("200%", 2.0)):
        loaded = load_scenario(path, overrides=(f"options.Owned.server_cost_share={written}",))
        owned = loaded.inputs.options[2]
        assert owned.server_cost_share == pytest.approx(share), written  # type: ignore[union-attr]
        # The capital cost per GPU, c = 20,000 × (1 + share): 25,000 at 25%, 60,000 at 200%.
        assert owned.capital_cost_per_gpu == pytest.approx(20_000 * (1 + share))  # type: ignore[union-attr]
    ranged = only_problem(path, overrides=("options.Owned.server_cost_share={low: 20, high: 30}",))
    assert ranged.startswith("options[2].server_cost_share.low: `server_cost_share: 20` would be 2000% of the "
                             "purchase price")


def test_every_share_refuses_a_plain_number_above_1(tmp_path: Path) -> None:
    """The other shares (and max_utilization) stop at 100% whatever the spelling: 80 is a slip for 80%."""
    path = scenario_with(tmp_path, "maintenance_per_year", "8%")
    for field in ("workload.cached_input_share", "options.A.batch_share", "options.A.discount",
                  "options.A.price.batch_discount", "options.Owned.residual_value", "options.Owned.power.load_factor",
                  "options.Rented.max_utilization"):
        with pytest.raises(TcoError) as caught:
            load_scenario(path, overrides=(f"{field}=80",))
        assert str(caught.value).endswith("must be at most 100% (got 80)"), field


def test_analyses_may_move_a_large_percentage_rate(tmp_path: Path) -> None:
    """A sensitivity probe moves 150% by ±20% to 1.2 and 1.8: numbers tco computed, not plain-written rates."""
    from tco.analyses.batch import open_scenario
    from tco.analyses.sensitivity import sensitivity

    opened = open_scenario(scenario_with(tmp_path, "discount_rate", "150%"))
    result = sensitivity(opened, every_input=True)
    moved = {row.input for tornado in result.tornados for row in tornado.rows}
    assert "finance.discount_rate" in moved


def test_the_json_schema_bounds_a_plain_rate_at_1() -> None:
    """So an editor flags `monthly_growth: 5` as the file is typed; "150%" stays valid text."""
    import json
    import re

    from tco.load.jsonschema import scenario_json_schema

    defs = json.loads(scenario_json_schema())["$defs"]
    for model, field in (("Workload", "monthly_growth"), ("Workload", "annual_growth"), ("Finance", "discount_rate"),
                         ("ApiOption", "price_change_per_year"), ("SelfHostedOption", "rent_change_per_year"),
                         ("SelfHostedOption", "maintenance_per_year"), ("SelfHostedOption", "server_cost_share")):
        forms = defs[model]["properties"][field]["anyOf"][0]["anyOf"]
        number = next(f for f in forms if f.get("type") == "number")
        text = next(f for f in forms if f.get("type") == "string")
        assert number["maximum"] == 1, field
        assert re.match(text["pattern"], "150%"), field


@pytest.mark.parametrize(("field", "value", "message"), [
    ("price_change_per_year", "-25", "`price_change_per_year: -25` would be -2500% a year; write -25% (or -0.25)"),
    ("monthly_growth", "-5", "`monthly_growth: -5` would be -500% a month; write -5% (or -0.05)"),
    ("discount_rate", "-3", "`discount_rate: -3` would be -300% a year; write -3% (or -0.03)"),
    # Negative maintenance is refused whichever way it is read: the bound says so, nothing is offered.
    ("maintenance_per_year", "-3", "must not be negative (got -3): a rate cannot be below 0"),
])
def test_a_percent_the_field_refuses_is_not_offered(tmp_path: Path, field: str, value: str, message: str) -> None:
    """-2500% was offered "if you mean it" and then refused (a change cannot pass -100%), and -3% offered for
    a maintenance rate that cannot be negative: only a percent the field accepts is offered."""
    assert only_problem(scenario_with(tmp_path, field, value)) == f"{RATES[field][2]}: {message}"


@pytest.mark.parametrize(("value", "message"), [
    ("1.0000001", "`monthly_growth: 1.0000001` would be 100.00001% a month; write 1.0000001% (or 0.010000001), "
                  "or 100.00001% if you mean it"),
    ("'1.25'", "`monthly_growth: 1.25` would be 125% a month; write 1.25% (or 0.0125), or 125% if you mean it"),
    ("1.07", "`monthly_growth: 1.07` would be 107% a month; write 1.07% (or 0.0107), or 107% if you mean it"),
])
def test_the_value_is_quoted_as_written(tmp_path: Path, value: str, message: str) -> None:
    """`monthly_growth: 1.0000001` was quoted back as `monthly_growth: 1`, which is accepted."""
    assert only_problem(scenario_with(tmp_path, "monthly_growth", value)) == f"workload.monthly_growth: {message}"

"""The bill as an input: `workload: {monthly_spend, input_tokens_per_request, output_tokens_per_request}`.

A CTO knows what they pay a month, not their tokens: the month-1 volume is derived so that the
baseline API option's month-1 token cost is exactly that bill, and every output says which volume
the figures assume.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest
from clirun import invoke

from tco.errors import TcoError
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]

BILL = """\
name: Our bill
horizon_months: 12
workload:
  monthly_spend: 40K
  input_tokens_per_request: 1500
  output_tokens_per_request: 300
  cached_input_share: 30%
  monthly_growth: 2%
options:
  - name: Cheaper API
    kind: api
    price: {input: 1, output: 4}
  - name: GPT-4.1
    kind: api
    price: {input: 2, output: 8, cached_input: 0.5, batch_discount: 50%}
    batch_share: 20%
    discount: 10%
    fixed_monthly: 500
  - name: Rented
    kind: self_hosted
    throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
    hourly_rate_per_gpu: 2.99
    staff: {fte: 0.5, cost_per_fte_year: 200K}
baseline: GPT-4.1
"""

# GPT-4.1 per request: 1,500 input tokens, 30% cached: 1,500 · (0.7 · 2 + 0.3 · 0.5) = 2,325; 300 output
# at 8: 2,400; together 4,725 per 1M requests, × (1 − 0.2 · 0.5) × (1 − 0.1) = 0.81: $0.00382725 a request.
PER_REQUEST = 4725 / 1e6 * 0.81
REQUESTS_PER_MONTH = 40_000 / PER_REQUEST  # 10,451,368.48
REQUESTS_PER_DAY = REQUESTS_PER_MONTH / (365 / 12)  # 343,606.63


def write(tmp_path: Path, text: str, name: str = "bill.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def test_the_baseline_bills_exactly_the_monthly_spend_in_month_1(tmp_path: Path) -> None:
    """Requests a day = 40,000 / 0.00382725 / (365/12) = 343,606.63; month-1 tokens 10,451,368.48 ·
    1,500 = 15.68B input and · 300 = 3.14B output. The baseline's token cost in month 1 is then the
    bill to the cent (its $500 platform fee comes on top: the bill is for tokens); growth applies after."""
    loaded = load_scenario(write(tmp_path, BILL))
    workload = loaded.inputs.workload
    assert workload.requests_per_day == pytest.approx(REQUESTS_PER_DAY, rel=1e-12)
    assert workload.input_tokens_month1 == pytest.approx(REQUESTS_PER_MONTH * 1500, rel=1e-12)
    assert workload.output_tokens_month1 == pytest.approx(REQUESTS_PER_MONTH * 300, rel=1e-12)
    comparison = compare_loaded(loaded)
    month1 = comparison.option("GPT-4.1").months[0]
    tokens = sum(i.amount for i in month1.items if i.category == "api" and "tokens" in i.description)
    assert round(tokens, 2) == 40_000.00
    assert month1.total == pytest.approx(40_500, abs=0.005)
    assert comparison.option("GPT-4.1").months[1].input_tokens == pytest.approx(workload.input_tokens_month1 * 1.02)


@pytest.mark.parametrize("spend", ["40K", "1234.56", "7.5M", "0.01"])
def test_any_bill_is_met_to_the_cent(tmp_path: Path, spend: str) -> None:
    path = write(tmp_path, BILL.replace("monthly_spend: 40K", f"monthly_spend: {spend}"))
    comparison = compare_loaded(load_scenario(path))
    month1 = comparison.option("GPT-4.1").months[0]
    tokens = sum(i.amount for i in month1.items if "tokens" in i.description)
    expected = {"40K": 40_000, "1234.56": 1234.56, "7.5M": 7.5e6, "0.01": 0.01}[spend]
    assert round(tokens, 2) == pytest.approx(expected, abs=1e-9)


def test_the_derived_volume_is_listed_among_the_assumptions(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, BILL))
    found = {a.field: a for a in loaded.assumptions}
    requests = found["workload.requests_per_day"]
    assert requests.value == pytest.approx(REQUESTS_PER_DAY, rel=1e-12)
    assert requests.source == ("derived from workload.monthly_spend: the volume at which GPT-4.1's month-1 token "
                               "cost (its prices, cached share, batch share and discount; no fixed fee) is "
                               "$40,000, at $0.003827 a request")
    assert found["workload.input_tokens_per_month"].value == pytest.approx(REQUESTS_PER_MONTH * 1500, rel=1e-12)
    assert found["workload.output_tokens_per_month"].value == pytest.approx(REQUESTS_PER_MONTH * 300, rel=1e-12)


def test_the_baseline_defaults_to_the_first_api_option(tmp_path: Path) -> None:
    """Cheaper API at $1 in / $4 out: 1,500 + 1,200 = 2,700 per 1M requests, no cache price (the
    input price applies), so 40,000 / 0.0027 requests a month."""
    path = write(tmp_path, BILL.replace("baseline: GPT-4.1\n", ""))
    workload = load_scenario(path).inputs.workload
    assert workload.requests_per_day == pytest.approx(40_000 / 0.0027 / (365 / 12), rel=1e-12)


def test_set_and_other_workload_fields_apply(tmp_path: Path) -> None:
    path = write(tmp_path, BILL)
    loaded = load_scenario(path, overrides=["workload.monthly_spend=80K", "workload.peak_to_average=3"])
    assert loaded.inputs.workload.requests_per_day == pytest.approx(2 * REQUESTS_PER_DAY, rel=1e-12)
    assert loaded.inputs.workload.peak_to_average == 3


@pytest.mark.parametrize(("change", "field", "message"), [
    (("  monthly_spend: 40K\n", "  monthly_spend: 40K\n  requests_per_day: 1K\n"), "workload.requests_per_day",
     "give monthly_spend or requests_per_day, not both"),
    (("  monthly_spend: 40K\n", "  monthly_spend: 40K\n  input_tokens_per_month: 1B\n"),
     "workload.input_tokens_per_month", "give monthly_spend or monthly tokens (input/output_tokens_per_month), "
     "not both"),
    (("  output_tokens_per_request: 300\n", ""), "workload", "output_tokens_per_request is required with "
     "monthly_spend"),
    (("    price: {input: 2, output: 8, cached_input: 0.5, batch_discount: 50%}\n",
      "    price: {input: 0, output: 0}\n"), "workload.monthly_spend",
     "GPT-4.1 bills nothing for these requests (its month-1 price per request is 0), so no volume makes a bill "
     "of $40,000"),
    (("    discount: 10%\n", "    discount: 100%\n"), "workload.monthly_spend", "GPT-4.1 bills nothing"),
    (("monthly_spend: 40K", "monthly_spend: -5"), "workload.monthly_spend", "must not be negative"),
])
def test_clean_errors(tmp_path: Path, change: tuple[str, str], field: str, message: str) -> None:
    path = write(tmp_path, BILL.replace(*change))
    with pytest.raises(TcoError) as caught:
        load_scenario(path)
    assert any(p.field == field and message in p.message for p in caught.value.problems), str(caught.value)


def test_a_bill_needs_an_api_option_to_be_the_bill_of(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: t
        workload: {monthly_spend: 40K, input_tokens_per_request: 1500, output_tokens_per_request: 300}
        options:
          - name: Rented
            kind: self_hosted
            throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
            hourly_rate_per_gpu: 2.99
    """)
    with pytest.raises(TcoError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert (problem.field, problem.line) == ("workload.monthly_spend", 2)
    assert problem.message.startswith("monthly_spend is the bill of an api option (the baseline), and the scenario "
                                      "has none")


def stdout_of(*args: str) -> str:
    """The stdout of `tco ARGS`, which must succeed."""
    result = invoke(list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_summary_shows_the_month_1_volume_whichever_the_form(tmp_path: Path) -> None:
    bill = write(tmp_path, BILL)
    table = stdout_of("compare", bill)
    assert "Summary, at a month-1 volume of 18.8B tokens/month (344K requests/day)" in table
    markdown = stdout_of("compare", bill, "--format", "markdown")
    assert "Month-1 volume: 18.8B tokens/month (344K requests/day)." in markdown
    data = json.loads(stdout_of("compare", bill, "--format", "json"))
    assert data["month1_volume"]["requests_per_day"] == pytest.approx(REQUESTS_PER_DAY, rel=1e-9)
    assert data["month1_volume"]["input_tokens"] == pytest.approx(REQUESTS_PER_MONTH * 1500, rel=1e-9)
    assert data["month1_volume"]["output_tokens"] == pytest.approx(REQUESTS_PER_MONTH * 300, rel=1e-9)
    rows = list(csv.DictReader(io.StringIO(stdout_of("compare", bill, "--format", "csv"))))
    assert {r["month1_requests_per_day"] for r in rows} == {json.dumps(data["month1_volume"]["requests_per_day"])}
    # form B: tokens a month, no requests
    tokens = write(tmp_path, """\
        name: t
        workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
        options:
          - {name: A, kind: api, price: {input: 1, output: 2}}
    """, "tokens.yaml")
    assert "Summary, at a month-1 volume of 1.1B tokens/month\n" in stdout_of("compare", tokens)
    data = json.loads(stdout_of("compare", tokens, "--format", "json"))
    assert data["month1_volume"] == {"input_tokens": 1_000_000_000, "output_tokens": 100_000_000,
                                     "requests_per_day": None}
    # form A: the worked example
    support = stdout_of("compare", str(ROOT / "scenarios" / "support-assistant.yaml"))
    assert "Summary, at a month-1 volume of 9.8B tokens/month (150K requests/day)" in support


def test_schema_and_starter_know_the_bill() -> None:
    schema = json.loads(stdout_of("schema"))
    spend = schema["$defs"]["Workload"]["properties"]["monthly_spend"]
    assert "baseline" in spend["description"]
    assert "monthly_spend" in stdout_of("init", "-")


def test_a_range_on_the_bill_simulates_run_for_run_as_compare_would(tmp_path: Path) -> None:
    """Each run re-derives the volume from its sampled bill (resolved in full), so its totals are what
    `compare --set workload.monthly_spend=<that bill>` gives."""
    from tco.analyses.batch import open_scenario
    from tco.analyses.simulate import simulate
    from tco.scenario.compare import compare_file

    path = write(tmp_path, BILL.replace("monthly_spend: 40K", "monthly_spend: {low: 30K, high: 50K}"))
    result = simulate(open_scenario(path), runs=4, seed=1)
    (bill,) = result.inputs
    for run_index, spend in enumerate(bill.values.tolist()):
        compared = compare_file(path, overrides=[f"workload.monthly_spend={spend!r}"])
        for option in result.options:
            assert option.total[run_index] == pytest.approx(compared.option(option.name).total, rel=1e-12)
    assert any("resolved in full" in w for w in result.warnings)


@pytest.mark.parametrize("format", ["table", "markdown"])
def test_the_derived_requests_per_day_are_written_with_thousands_separators(tmp_path: Path, format: str) -> None:
    """343,606.63 requests a day (above) read `343607` next to `15.7B` tokens: now `343,607`, as the
    other figures of the page write thousands."""
    result = invoke(["compare", write(tmp_path, BILL), "--format", format], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "workload.requests_per_day" in line)
    assert "343,607" in row and "343607" not in row, row
    tokens = next(line for line in result.stdout.splitlines() if "workload.input_tokens_per_month" in line)
    assert "15.7B" in tokens, tokens

"""Go-live with an API fallback and fine-tuning runs (docs: the formulas): worked by hand through
the JSON, the headline sentence that accounts for both, and the fine-tuned API prices of api.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from clirun import invoke

REPO = Path(__file__).resolve().parents[2]

# 100M input + 10M output tokens a month, no growth, 12 months. Worked out in
# test_every_month_matches_the_hand_computation.
STORY = """\
name: Go-live story
horizon_months: 12
workload:
  input_tokens_per_month: 100M
  output_tokens_per_month: 10M
  peak_to_average: 1
options:
  - name: API
    kind: api
    price: {input: 2, output: 8}
  - name: Rented
    kind: self_hosted
    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 100}
    hourly_rate_per_gpu: 2
    go_live_month: 3
    fallback: API
    fine_tuning: {gpu_hours: 10, data_cost: 100, every_months: 6}
    staff: {fte: 0.1, cost_per_fte_year: 12K}
    setup_cost: 500
"""


def run_json(tmp_path: Path, text: str, *extra: str) -> dict[str, Any]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    result = invoke(["compare", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def run_table(tmp_path: Path, text: str) -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    result = invoke(["compare", str(path)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_every_month_matches_the_hand_computation(tmp_path: Path) -> None:
    """API: 100 x $2 + 10 x $8 = $280 a month.

    Rented: average load 100M / (730 h x 3600 s) = 38.05 input + 3.81 output tokens/s, which is
    0.038 + 0.038 = 0.076 of a GPU; x 1 peak / 0.7 utilisation -> 1 GPU (1 replica).
    - months 1-2 (before go-live): the API's token cost $280 as `fallback_api`, staff
      0.1 x 12K / 12 = $100; month 1 also setup $500 and a fine-tuning run:
      10 GPU-hours x $2 (the option's own rent) + $100 data = $120.  -> $1,000, then $380.
    - months 3-12: 1 GPU x 730 h x $2 = $1,460 rent + $100 staff = $1,560; month 7 also the
      second fine-tuning run ($120) -> $1,680.
    Total 1,000 + 380 + 10 x 1,560 + 120 = $17,100.
    """
    data = run_json(tmp_path, STORY)
    rented = next(o for o in data["options"] if o["name"] == "Rented")
    expected = {
        1: {"fallback_api": 280.0, "staff": 100.0, "setup": 500.0, "fine_tuning": 120.0},
        2: {"fallback_api": 280.0, "staff": 100.0},
        7: {"gpu_rent": 1460.0, "staff": 100.0, "fine_tuning": 120.0},
    }
    cumulative = 0.0
    for month in rented["months"]:
        m = month["month"]
        costs = {k: v for k, v in month["costs"].items() if v}
        want = expected.get(m, {"gpu_rent": 1460.0, "staff": 100.0})
        assert costs == pytest.approx(want), m
        assert month["total"] == pytest.approx(sum(want.values()))
        cumulative += sum(want.values())
        assert month["cumulative"] == pytest.approx(cumulative)
        assert month["gpus"] == (0 if m < 3 else 1)
    assert rented["total"] == pytest.approx(17100.0)
    api = next(o for o in data["options"] if o["name"] == "API")
    assert api["total"] == pytest.approx(12 * 280.0)
    (pair,) = data["break_even"]
    assert pair["month"] is None
    assert pair["savings_at_horizon"] == pytest.approx(12 * 280.0 - 17100.0)


def test_the_csv_export_carries_both_categories(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(STORY)
    result = invoke(["export", str(path)])
    assert result.exit_code == 0, result.stderr
    header, first = result.stdout.splitlines()[:2]
    columns = header.split(",")
    rows = [dict(zip(columns, line.split(","), strict=True)) for line in result.stdout.splitlines()[1:]]
    rented_month_1 = next(r for r in rows if r["option"] == "Rented" and r["month"] == "1")
    assert float(rented_month_1["fallback_api"]) == pytest.approx(280.0)
    assert float(rented_month_1["fine_tuning"]) == pytest.approx(120.0)
    assert first.startswith("Go-live story,API,api,1,")


def test_the_headline_counts_the_months_before_go_live_and_the_runs(tmp_path: Path) -> None:
    """A self-hosted option that breaks even: dearer API prices make the story scenario's fleet win.

    At $20 / $80 per 1M the API costs 100 x 20 + 10 x 80 = $2,800 a month, and so does the
    fallback before go-live. With setup raised to $3,000, Rented costs
    2,800 + 100 + 3,000 + 120 = $6,020 in month 1, 2,800 + 100 = $2,900 in month 2, then $1,560.
    Cumulative: Rented 6,020, 8,920, 10,480, 12,040, 13,600; API 2,800, 5,600, 8,400, 11,200,
    14,000 -> month 5 (13,600 <= 14,000, 12,040 > 11,200), including 2 months on API before
    go-live and 1 fine-tuning run (the second is in month 7).
    """
    text = (STORY.replace("price: {input: 2, output: 8}", "price: {input: 20, output: 80}")
            .replace("setup_cost: 500", "setup_cost: 3000"))
    out = run_table(tmp_path, text)
    sentence = out.splitlines()[2]
    assert sentence.startswith("Self-hosting (Rented) breaks even with API in month 5 (after ")
    assert ", including 2 months on API before go-live and 1 fine-tuning run) and saves " in sentence
    data = run_json(tmp_path, text)
    assert data["break_even"][0]["month"] == 5


def test_the_headline_of_an_option_that_never_breaks_even_counts_every_run(tmp_path: Path) -> None:
    out = run_table(tmp_path, STORY)
    assert ("Self-hosting (Rented) does not break even with API within 12 months (including 2 months "
            "on API before go-live and 2 fine-tuning runs): it costs $13.7K more") in out


def test_go_live_in_month_one_and_no_fine_tuning_reproduce_the_core_results(tmp_path: Path) -> None:
    core = STORY.replace("    go_live_month: 3\n    fallback: API\n", "").replace(
        "    fine_tuning: {gpu_hours: 10, data_cost: 100, every_months: 6}\n", "")
    explicit = core.replace("    setup_cost: 500\n", "    setup_cost: 500\n    go_live_month: 1\n")
    a, b = run_json(tmp_path, core), run_json(tmp_path, explicit)
    a_assumptions, b_assumptions = a.pop("assumptions"), b.pop("assumptions")
    assert a == b
    assert [x for x in a_assumptions if x["field"] != "options.Rented.go_live_month"] == b_assumptions
    out = run_table(tmp_path, core)
    assert "before go-live" not in out and "fine-tuning run" not in out


def test_an_api_option_fine_tuned_from_the_table_bills_its_training_price(tmp_path: Path) -> None:
    """openai/ft:gpt-4.1-mini: $0.80 in, $3.20 out, training $5 per 1M (pricing/api.yaml).
    Month 1: 100 x 0.80 + 10 x 3.20 = $112 of tokens, + 40M training tokens x $5 = $200 + $1,000 data."""
    text = """\
name: Fine-tuned API
horizon_months: 3
workload: {input_tokens_per_month: 100M, output_tokens_per_month: 10M}
options:
  - name: Tuned
    kind: api
    model: openai/ft:gpt-4.1-mini
    fine_tuning: {training_tokens: 40M, data_cost: 1K}
"""
    data = run_json(tmp_path, text, "--monthly")
    months = data["options"][0]["months"]
    assert months[0]["costs"] == pytest.approx({"api": 112.0, "fine_tuning": 1200.0})
    assert months[1]["costs"] == pytest.approx({"api": 112.0})
    assumption = next(a for a in data["assumptions"]
                      if a["field"] == "options.Tuned.fine_tuning.price_per_million_training_tokens")
    assert assumption["value"] == 5
    assert "pricing/api.yaml openai/ft:gpt-4.1-mini training" in assumption["source"]


def test_training_tokens_without_any_training_price_is_an_error(tmp_path: Path) -> None:
    """Billing training tokens at nothing would flatter the option, so the price is required."""
    path = tmp_path / "scenario.yaml"
    path.write_text("""\
name: No training price
workload: {input_tokens_per_month: 100M, output_tokens_per_month: 10M}
options:
  - name: Base model
    kind: api
    model: openai/gpt-4.1
    fine_tuning: {training_tokens: 40M}
""")
    result = invoke(["compare", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:7:5: options[0].fine_tuning.price_per_million_training_tokens: required with "
        "training_tokens: openai/gpt-4.1 in pricing/api.yaml lists no training price\n")


def test_the_bundled_fine_tuned_entries_have_training_prices() -> None:
    from tco.pricing.catalog import Catalog

    catalog = Catalog(None)
    tuned = [k for k in catalog.keys("api") if "/ft:" in k]
    assert tuned == ["openai/ft:gpt-4.1", "openai/ft:gpt-4.1-mini", "openai/ft:gpt-4o", "openai/ft:gpt-4o-mini"]
    prices = {}
    for key in tuned:
        entry = catalog.get("api", key)
        assert entry is not None
        prices[key] = (entry.get("input"), entry.get("output"), entry.get("training"))
    assert prices == {
        "openai/ft:gpt-4.1": (3.0, 12.0, 25.0),
        "openai/ft:gpt-4.1-mini": (0.8, 3.2, 5.0),
        "openai/ft:gpt-4o": (3.75, 15.0, 25.0),
        "openai/ft:gpt-4o-mini": (0.3, 1.2, 3.0),
    }


def test_the_shipped_story_breaks_even_after_the_quarter_on_the_api() -> None:
    """scenarios/fine-tuned-triage.yaml: its header's rough check says month 8, after 3 months on
    GPT-5.4 and with 2 fine-tuning runs paid by then (months 1 and 7)."""
    path = REPO / "scenarios" / "fine-tuned-triage.yaml"
    result = invoke(["compare", str(path)])
    assert result.exit_code == 0, result.stderr
    assert ("breaks even with GPT-5.4 in month 8 (after 7.4 months, including 3 months on GPT-5.4 "
            "before go-live and 2 fine-tuning runs)") in result.stdout
    data = json.loads(invoke(["compare", str(path), "--format", "json"]).stdout)
    hosted = next(o for o in data["options"] if o["kind"] == "self_hosted")
    assert [m["month"] for m in hosted["months"] if m["costs"].get("fallback_api")] == [1, 2, 3]
    assert [m["month"] for m in hosted["months"] if m["costs"].get("fine_tuning")] == [1, 7, 13, 19, 25, 31]


def test_the_hybrid_headline_counts_the_months_on_its_fallback(tmp_path: Path) -> None:
    """Found in review: A hybrid whose self-hosted option goes live in month 3 sends months 1-2
    to that option's fallback, as the self-hosted option does: its headline says so too."""
    text = STORY + """\
  - name: Mixed
    kind: hybrid
    self_hosted: Rented
    overflow_to: API
    size_for: p100
"""
    out = run_table(tmp_path, text)
    mixed = next(line for line in out.splitlines() if line.startswith("The hybrid Mixed"))
    assert "2 months on API before go-live" in mixed, mixed
    self_hosted = next(line for line in out.splitlines() if line.startswith("Self-hosting (Rented)"))
    assert mixed.split(" with API", 1)[1] == self_hosted.split(" with API", 1)[1]


def test_a_negative_fine_tuning_amount_reads_as_english(tmp_path: Path) -> None:
    """Found in review: `gpu_hours: -1` says "an amount", not "a amount"."""
    path = tmp_path / "scenario.yaml"
    path.write_text(STORY.replace("gpu_hours: 10", "gpu_hours: -1"))
    result = invoke(["compare", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().endswith("options[1].fine_tuning.gpu_hours: must not be negative (got -1): "
                                          "an amount cannot be below 0"), result.stderr


def test_an_owned_fleet_fine_tunes_at_its_gpus_table_rent_with_the_source(tmp_path: Path) -> None:
    """Found in review: An owned option has no rent of its own: its fine-tuning GPU-hours default
    to the GPU's rent in pricing/gpus.yaml, on its `cloud` when it names one, and the assumption
    cites that table entry and date like any table price (not "the option's own rent rate")."""
    text = STORY.replace("    hourly_rate_per_gpu: 2\n", "    acquisition: buy\n    gpu: h100-sxm\n"
                         "    cloud: lambda\n    purchase_price_per_gpu: 25K\n"
                         "    power: {watts_per_gpu: 1000, price_per_kwh: 0.1}\n")
    data = run_json(tmp_path, text)
    (assumption,) = [a for a in data["assumptions"] if a["field"] == "options.Rented.fine_tuning.hourly_rate_per_gpu"]
    rent = next(a for a in run_json(tmp_path, STORY.replace("    hourly_rate_per_gpu: 2\n",
                                                            "    gpu: h100-sxm\n    cloud: lambda\n"))["assumptions"]
                if a["field"] == "options.Rented.hourly_rate_per_gpu")
    assert assumption["value"] == rent["value"]
    assert assumption["source"].startswith("pricing/gpus.yaml h100-sxm rent_per_hour.lambda"), assumption
    assert ", as of 20" in assumption["source"]
    month1 = data["options"][1]["months"][0]
    assert month1["costs"]["fine_tuning"] == pytest.approx(10 * rent["value"] + 100)

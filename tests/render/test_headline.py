"""The headline sentence: the fleet from month 1 to the end, the cash an owned fleet needs up front, and
no decisive-sounding claim when the totals are within 5%. Each docstring shows the arithmetic."""

from __future__ import annotations

from dataclasses import replace

from tco.engine.inputs import ApiInputs, ScenarioInputs, SelfHostedInputs, SharedCosts, WorkloadInputs
from tco.render.text import headlines
from tco.scenario.compare import compare_inputs

API = ApiInputs("API", price_per_million_input_tokens=2.0, price_per_million_output_tokens=8.0,
                price_per_million_cached_input_tokens=2.0)
# One GPU serves busy = tokens / (10,000 · 730 · 3,600) at max_utilization 1 and peak 1: 26.28B input
# tokens a month fill it.
RENTED = SelfHostedInputs("Rented", input_tokens_per_second=10_000, output_tokens_per_second=10_000,
                          max_utilization=1.0, hourly_rate_per_gpu=1.0, model_name="Llama 3.1 70B",
                          gpu_name="H100 SXM", shared=SharedCosts(staff_fte=0.1, cost_per_fte_year=120_000))
OWNED = replace(RENTED, name="Owned", acquisition="buy", min_replicas=2, purchase_price_per_gpu=20_000,
                watts_per_gpu=1000, shared=SharedCosts(staff_fte=0.1, cost_per_fte_year=120_000, setup_cost=5_000))


def sentences(*options: ApiInputs | SelfHostedInputs, tokens: float, growth: float = 0.0, horizon: int = 12,
              basis: str = "cash") -> list[str]:
    workload = WorkloadInputs(tokens, 0.0, monthly_growth=growth, peak_to_average=1.0)
    inputs = ScenarioInputs("t", workload, (API, *options), horizon_months=horizon, basis=basis,  # type: ignore[arg-type]
                            baseline="API")
    return headlines(compare_inputs(inputs))


def test_the_fleet_is_named_from_month_1_to_the_end() -> None:
    """40B input tokens in month 1 need ceil(40 / 26.28) = 2 GPUs; growing 10% a month, month 12 carries
    40B · 1.1^11 = 114.1B: ceil(4.34) = 5 GPUs."""
    (sentence,) = sentences(RENTED, tokens=40e9, growth=0.1)
    assert sentence.startswith("Self-hosting Llama 3.1 70B on 2 → 5 rented H100 SXMs breaks even with API")


def test_a_fleet_that_does_not_change_is_named_once() -> None:
    (sentence,) = sentences(RENTED, tokens=40e9)
    assert sentence.startswith("Self-hosting Llama 3.1 70B on 2 rented H100 SXMs breaks even with API")


def test_an_owned_fleet_names_the_cash_it_needs_in_month_1() -> None:
    """2 GPUs at 20,000 · 1.25 = 25,000: 50,000; power 1,000 W · 0.8 · 1.4 · 730 h = 817.6 kWh at $0.13
    = 106.29 a GPU, 212.58; staff 0.1 · 120,000 / 12 = 1,000; setup 5,000: 56,212.58 in month 1 ($56.2K).
    On the amortized basis the cash is the same: it is what the month costs in cash."""
    for basis in ("cash", "amortized"):
        (sentence,) = sentences(OWNED, tokens=40e9, basis=basis)
        assert sentence.startswith("Self-hosting Llama 3.1 70B on 2 owned H100 SXMs breaks even with API in month "), \
            sentence
        assert "; it needs $56.2K of cash in month 1;" in sentence, sentence


def test_an_owned_fleet_live_later_names_the_cash_of_its_go_live_month() -> None:
    """Live in month 4, on the API before: the GPUs are bought in month 4 (50,000 + 212.58 power + 1,000
    staff = 51,212.58: $51.2K; the setup was paid in month 1)."""
    (sentence,) = sentences(replace(OWNED, go_live_month=4, fallback=API), tokens=40e9)
    assert "; it needs $51.2K of cash in month 4, when it goes live;" in sentence, sentence
    assert "Llama 3.1 70B on 2 owned H100 SXMs" in sentence


def test_a_rented_fleet_names_no_cash() -> None:
    (sentence,) = sentences(RENTED, tokens=40e9)
    assert "of cash" not in sentence


def test_totals_within_5_percent_are_too_close_to_call() -> None:
    """The API: 40B tokens at $2 per 1M = $80,000 a month, $960,000 over 12. A fleet renting 2 GPUs at
    a rate r costs 2 · 730 · r + 1,000 staff a month: at r = 53.35, 78,891 a month, 946,692 in all,
    13,308 (1.39%) below the API: within 2%. At r = 51.5, 76,190 a month, 914,280 in all, 4.76% below:
    within 5%. At r = 50, 74,000 a month, 888,000 in all, 7.5% below: a plain claim."""
    (close,) = sentences(replace(RENTED, hourly_rate_per_gpu=53.35), tokens=40e9)
    assert close.startswith("Self-hosting Llama 3.1 70B on 2 rented H100 SXMs costs within 2% of API over 12 "
                            "months ($13.3K less): too close to call on these inputs;"), close
    assert "breaks even" not in close and "saves" not in close
    (edge,) = sentences(replace(RENTED, hourly_rate_per_gpu=51.5), tokens=40e9)
    assert "costs within 5% of API over 12 months ($45.7K less): too close to call" in edge, edge
    (clear,) = sentences(replace(RENTED, hourly_rate_per_gpu=50.0), tokens=40e9)
    assert "breaks even with API in month 1" in clear and "too close" not in clear


def test_a_close_call_the_other_way_says_more() -> None:
    """At r = 56: 2 · 730 · 56 + 1,000 = 82,760 a month, 993,120 in all: 33,120 (3.45%) above the API."""
    (sentence,) = sentences(replace(RENTED, hourly_rate_per_gpu=56.0), tokens=40e9)
    assert "costs within 4% of API over 12 months ($33.1K more): too close to call on these inputs" in sentence


def test_sentences_keep_their_order_by_savings() -> None:
    cheap = replace(RENTED, name="Cheap", hourly_rate_per_gpu=10.0, model_name="Cheap model")
    dear = replace(RENTED, name="Dear", hourly_rate_per_gpu=53.35, model_name="Dear model")
    first, second = sentences(dear, cheap, tokens=40e9)
    assert first.startswith("Self-hosting Cheap model") and second.startswith("Self-hosting Dear model")


def test_two_fleets_of_one_model_on_one_gpu_are_told_apart_by_name() -> None:
    """vLLM against SGLang: the same model on the same rented GPU, so both sentences read "Self-hosting
    Llama 3.1 70B on N rented H100 SXMs" and neither could be matched to its row. SGLang at twice the
    throughput serves the 40B tokens on ceil(40 / 52.56) = 1 GPU: 730 + 1,000 staff = 1,730 a month against
    the API's 80,000, (80,000 − 1,730) · 12 = $939K saved; vLLM on 2 GPUs: 2,460 a month, $930K. Each
    sentence names its option after the fleet."""
    sglang = replace(RENTED, name="Rented, SGLang", input_tokens_per_second=20_000, output_tokens_per_second=20_000)
    first, second = sentences(RENTED, sglang, tokens=40e9)
    assert first.startswith("Self-hosting Llama 3.1 70B on 1 rented H100 SXM (Rented, SGLang) breaks even with "
                            "API in month 1 (after "), first
    assert "saves $939K over 12 months" in first
    assert second.startswith("Self-hosting Llama 3.1 70B on 2 rented H100 SXMs (Rented) breaks even with API in "
                             "month 1 (after "), second
    assert "saves $930K over 12 months" in second


def test_identical_fleets_differing_off_the_headline_are_told_apart_by_name() -> None:
    """Staff of 0.1 and 0.2 FTE (1,000 and 2,000 a month) on the same 2 GPUs: word for word the same
    sentence but for the savings, (80,000 − 2,460) · 12 = $930K and (80,000 − 3,460) · 12 = $918K."""
    more_staff = replace(RENTED, name="Rented, more staff",
                         shared=SharedCosts(staff_fte=0.2, cost_per_fte_year=120_000))
    first, second = sentences(RENTED, more_staff, tokens=40e9)
    assert first.startswith("Self-hosting Llama 3.1 70B on 2 rented H100 SXMs (Rented) breaks even"), first
    assert second.startswith("Self-hosting Llama 3.1 70B on 2 rented H100 SXMs (Rented, more staff) breaks "
                             "even"), second


def test_rented_and_owned_fleets_of_one_model_keep_todays_sentences() -> None:
    """Rented and owned already tell the two apart: no name is added."""
    sentences_ = sentences(RENTED, OWNED, tokens=40e9)
    assert {s.split(" breaks even")[0] for s in sentences_} == {
        "Self-hosting Llama 3.1 70B on 2 rented H100 SXMs", "Self-hosting Llama 3.1 70B on 2 owned H100 SXMs"}

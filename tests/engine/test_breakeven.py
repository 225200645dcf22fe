"""Break-even month, fractional months and volumes on cases worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tco.engine.breakeven import break_even_month, break_even_months, break_even_volumes
from tco.engine.inputs import ApiInputs, ScenarioInputs, SelfHostedInputs, SharedCosts, WorkloadInputs
from tco.engine.results import LineItem, MonthCost, OptionResult
from tco.scenario.compare import compare_file, compare_inputs


def curve(name: str, monthly: list[float], one_time: list[float] | None = None) -> OptionResult:
    """An option whose month m costs monthly[m-1], of which one_time[m-1] is one-time."""
    one_time = one_time or [0.0] * len(monthly)
    months, cumulative = [], 0.0
    for m, (total, once) in enumerate(zip(monthly, one_time, strict=True), start=1):
        cumulative += total
        item = LineItem("other", "x", 1, "month", total)
        months.append(MonthCost(m, None, 0, 0, None, [item], total=total, cumulative=cumulative, one_time=once))
    return OptionResult(name, "self_hosted", months, cumulative, cumulative, None, name)


def test_upfront_cost_paid_back_by_monthly_savings() -> None:
    """S: 1000 setup + 100 a month; A: 400 a month. Cumulative S 1100, 1200, 1300, 1400;
    A 400, 800, 1200, 1600 → S ≤ A from month 4. Inside month 4 the gap falls from 100 to −200:
    3 + 100/300 = 3.333 months = 1000 upfront / 300 saved a month."""
    s = curve("S", [1100, 100, 100, 100], [1000, 0, 0, 0])
    a = curve("A", [400, 400, 400, 400])
    month = break_even_month(s, a)
    assert month == 4
    assert break_even_months(s, a, month) == pytest.approx(1000 / 300)


def test_equal_at_the_end_of_a_month_counts_as_break_even() -> None:
    """1200 upfront, saving 300 a month: equal at the end of month 4, which is the break-even: 4.0."""
    s = curve("S", [1300, 100, 100, 100, 100], [1200, 0, 0, 0, 0])
    a = curve("A", [400] * 5)
    assert break_even_month(s, a) == 4
    assert break_even_months(s, a, 4) == pytest.approx(4.0)


def test_cheaper_from_the_start_breaks_even_at_zero() -> None:
    s = curve("S", [100, 100])
    a = curve("A", [400, 400])
    assert break_even_month(s, a) == 1
    assert break_even_months(s, a, 1) == 0.0


def test_month_one_with_upfront_cost_is_fractional() -> None:
    """200 upfront + 100 a month vs 500 a month: gap 200 at the start, −200 at the end: 0.5."""
    s = curve("S", [300, 100], [200, 0])
    a = curve("A", [500, 500])
    assert break_even_month(s, a) == 1
    assert break_even_months(s, a, 1) == pytest.approx(0.5)


def test_the_api_option_own_one_time_cost_counts_too() -> None:
    """Both pay one-time costs in month 2; A's are larger, so at the start of month 2 S is already
    below A: the crossing is at the month's start, 1.0."""
    s = curve("S", [500, 100], [0, 0])
    a = curve("A", [400, 1000], [0, 900])
    assert break_even_month(s, a) == 2
    assert break_even_months(s, a, 2) == 1.0


def test_break_even_is_where_it_stays_cheaper() -> None:
    """S is cheaper in months 1–2, dearer in month 3, cheaper again from month 4:
    cumulative S 100, 200, 700, 800, 900 vs A 200, 400, 600, 800, 1000 → month 4."""
    s = curve("S", [100, 100, 500, 100, 100])
    a = curve("A", [200] * 5)
    assert break_even_month(s, a) == 4


def test_never_breaks_even() -> None:
    s = curve("S", [300, 300])
    a = curve("A", [200, 200])
    assert break_even_month(s, a) is None
    assert break_even_months(s, a, None) is None


def test_rounding_never_decides() -> None:
    """0.1 + 0.2 style noise within 1e-9 relative counts as equal."""
    s = curve("S", [0.1 + 0.2])
    a = curve("A", [0.3])
    assert break_even_month(s, a) == 1


# --- volume ---------------------------------------------------------------------------------------

def stepped_fleet(rate: float, **extra: object) -> SelfHostedInputs:
    """X = Y = 1000 tok/s, u = 1, k = 1, scheduled: one replica serves 1000 · 3600 · h / p tokens a
    month; with h = 1 and p = 1 that is Q = 3.6M tokens, and costs `rate` (1 hour billed)."""
    return SelfHostedInputs("S", input_tokens_per_second=1000, output_tokens_per_second=1000, max_utilization=1.0,
                            scaling="scheduled", hourly_rate_per_gpu=rate, **extra)  # type: ignore[arg-type]


ONE_DOLLAR = ApiInputs("A", 1.0, 1.0, 1.0)  # $1 per 1M tokens, in or out
SHAPE = WorkloadInputs(1e6, 1e6, peak_to_average=1.0, active_hours_per_month=1.0)


def test_step_function_first_and_lasting_break_even_volumes_differ() -> None:
    """API: V · 1e-6. Fleet: $2.40 per replica of 3.6M tokens (C_n = 2.4 n).
    Step 1 (V ≤ 3.6M): cheaper from v*_1 = 2.4M → first break-even 2.4M.
    Step 2 (3.6M < V ≤ 7.2M): costs 4.8, cheaper only from 4.8M, so (3.6M, 4.8M) is dearer.
    Step 3 on: v*_n = 2.4 n M ≤ (n − 1)·3.6M holds for n ≥ 3. Stays cheaper from 4.8M."""
    volume, first = break_even_volumes(stepped_fleet(2.4), ONE_DOLLAR, SHAPE)
    assert first == pytest.approx(2.4e6)
    assert volume == pytest.approx(4.8e6)


def test_volume_with_fixed_costs_on_both_sides() -> None:
    """Fleet $1 per replica of 3.6M tokens plus $10 staff; API $2 platform fee.
    C_n = 10 + n; A(V) = 2 + V·1e-6. Step n is cheaper from v*_n = (8 + n)M; dearer part while
    v*_n > (n−1)·3.6M ⟺ n < 11.6/2.6 = 4.46 → last dearer step 4: v*_4 = 12M (step 4 is (10.8M, 14.4M])."""
    fleet = stepped_fleet(1.0, shared=SharedCosts(staff_fte=1, cost_per_fte_year=120))
    api = ApiInputs("A", 1.0, 1.0, 1.0, fixed_monthly=2.0)
    volume, first = break_even_volumes(fleet, api, SHAPE)
    assert volume == pytest.approx(12e6)
    assert first == pytest.approx(12e6)


def test_no_lasting_break_even_when_the_fleet_costs_more_per_token() -> None:
    """$4 per replica of 3.6M tokens is $1.11 per 1M, above the API's $1: it never stays cheaper, and
    since step n costs 4n while the API reaches at most 3.6n on it, it is cheaper at no volume at all."""
    volume, first = break_even_volumes(stepped_fleet(4.0), ONE_DOLLAR, SHAPE)
    assert volume is None
    assert first is None


def test_expensive_fleet_can_still_win_a_band_of_volume() -> None:
    """Fleet $3.70 per 3.6M tokens (above $1/1M at the margin) but the API has a $5 fee:
    step 1 costs 3.7 ≤ 5 + V·1e-6 for every V ≥ 0 → first break-even 0; it never stays cheaper."""
    api = ApiInputs("A", 1.0, 1.0, 1.0, fixed_monthly=5.0)
    volume, first = break_even_volumes(stepped_fleet(3.7), api, SHAPE)
    assert volume is None
    assert first == 0.0


def test_autoscale_volume_is_where_the_lines_cross() -> None:
    """Autoscale, floor 1 GPU at $1/h over 730 h = $730 up to 1000·3600·730 = 2.628e9 tokens, then
    $1 per 3.6M tokens. API $1 per 1M: equal at 730 / 1e-6 = 7.3e8 tokens, still on the floor."""
    fleet = SelfHostedInputs("S", input_tokens_per_second=1000, output_tokens_per_second=1000, max_utilization=1.0,
                             scaling="autoscale", hourly_rate_per_gpu=1.0)
    volume, first = break_even_volumes(fleet, ONE_DOLLAR, WorkloadInputs(1e6, 1e6))
    assert volume == pytest.approx(7.3e8)
    assert first == pytest.approx(7.3e8)


def test_autoscale_crossing_above_the_floor() -> None:
    """Office hours (h = 365): the 1-GPU floor costs $730 (billed all 730 h) and covers
    1000·3600·365 = 1.314e9 tokens; above it the fleet adds $1 per 3.6M tokens, so S(V) = 365 + V/3.6e6.
    API at $0.40 per 1M: on the floor it reaches only $525.60, so they cross above it where
    365 = V·(4e-7 − 1/3.6e6), V = 2.98636e9. At $0.20 per 1M (below the fleet's slope) never."""
    fleet = SelfHostedInputs("S", input_tokens_per_second=1000, output_tokens_per_second=1000, max_utilization=1.0,
                             scaling="autoscale", hourly_rate_per_gpu=1.0)
    office = WorkloadInputs(1e6, 1e6, active_hours_per_month=365)
    volume, first = break_even_volumes(fleet, ApiInputs("A", 0.4, 0.4, 0.4), office)
    assert volume == pytest.approx(365 / (4e-7 - 1 / 3.6e6))
    assert first == volume
    assert break_even_volumes(fleet, ApiInputs("A", 0.2, 0.2, 0.2), office) == (None, None)


def test_owned_gpus_count_amortized_capital_in_the_volume() -> None:
    """Buy at $3,600 per GPU (no server share), 36-month life: $100 per GPU-month, no power.
    One GPU serves 1000·3600·730 = 2.628e9 tokens a month at u = 1, p = 1; API $1 per 1M:
    v*_1 = 100 / 1e-6 = 1e8 ≤ 2.628e9, and the margin 2628 − 100 > 0, so stays cheaper from 1e8."""
    fleet = SelfHostedInputs("S", input_tokens_per_second=1000, output_tokens_per_second=1000, max_utilization=1.0,
                             acquisition="buy", purchase_price_per_gpu=3600, server_cost_share=0.0)
    volume, first = break_even_volumes(fleet, ONE_DOLLAR, WorkloadInputs(1e6, 1e6, peak_to_average=1.0))
    assert volume == pytest.approx(1e8)
    assert first == pytest.approx(1e8)


def test_requests_per_day_accompany_the_volume_for_form_a() -> None:
    """4.8M tokens a month at 1000 + 1000 tokens a request = 2400 requests a month = 2400 / (365/12) a day."""
    workload = WorkloadInputs(1e6, 1e6, peak_to_average=1.0, active_hours_per_month=1.0, requests_per_day=1,
                              input_tokens_per_request=1000, output_tokens_per_request=1000)
    inputs = ScenarioInputs("t", workload, (ONE_DOLLAR, stepped_fleet(2.4)), horizon_months=1, baseline="A")
    (pair,) = compare_inputs(inputs).break_even
    assert pair.volume_requests_per_day == pytest.approx(2400 / (365 / 12))
    assert pair.first_volume_requests_per_day == pytest.approx(1200 / (365 / 12))


def test_pairs_list_the_baseline_first() -> None:
    other = ApiInputs("B", 5, 5, 5)
    inputs = ScenarioInputs("t", SHAPE, (other, ONE_DOLLAR, stepped_fleet(2.4)), horizon_months=2, baseline="A")
    assert [(p.option, p.versus) for p in compare_inputs(inputs).break_even] == [("S", "A"), ("S", "B")]


SUPPORT = Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml"


def test_the_break_even_volume_does_not_depend_on_the_scenario_volume_being_zero(tmp_path: Path) -> None:
    """support-assistant: 1800 in + 350 out tokens a request, 30% of input cached. GPT-4.1 costs
    1800 × (0.7 × $2 + 0.3 × $0.50)/1M + 350 × $8/1M = $0.00559 a request, a = 0.00559 / 2150 = 2.6e-6
    per token. Llama: 2 replicas of 4 H100s (the latency model's size, the min_replicas floor) at
    730 h × $2.99, plus staff 0.5 × 220K / 12 and $1,500 other: 8 × 2,182.70 + 9,166.67 + 1,500 =
    $28,128.27 a month, so it stays cheaper from 28,128.27 / 2.6e-6 = 10.82B tokens a month, i.e.
    10.82B / (2150 × 365/12) = 165,432 requests a day. At zero traffic the token mix fell back to half
    input, half output (a = 4.775e-6), which put the volume at 5.89B (90,078 requests a day), where
    GPT-4.1 costs $14,953 a month and Llama $28,128."""
    support = str(SUPPORT)
    volume = (8 * 730 * 2.99 + 0.5 * 220_000 / 12 + 1500) / (0.00559 / 2150)
    for requests in ("0", "1", "150K"):
        comparison = compare_file(support, overrides=[f"workload.requests_per_day={requests}"])
        pair = next(p for p in comparison.break_even if p.versus == "GPT-4.1")
        assert pair.volume_tokens_per_month == pytest.approx(volume, rel=1e-9), requests
        assert pair.first_volume_tokens_per_month == pytest.approx(volume, rel=1e-9), requests
        assert pair.volume_requests_per_day == pytest.approx(volume / (2150 * 365 / 12), rel=1e-9), requests
    # Form C, the bill: $0 a month is zero traffic of the same request shape.
    text = SUPPORT.read_text(encoding="utf-8").replace("requests_per_day: 150K", "monthly_spend: 0")
    path = tmp_path / "bill.yaml"
    path.write_text(text, encoding="utf-8")
    pair = next(p for p in compare_file(str(path)).break_even if p.versus == "GPT-4.1")
    assert pair.volume_tokens_per_month == pytest.approx(volume, rel=1e-9)


def test_at_the_reported_volume_the_two_costs_meet() -> None:
    """compare itself at 165,432 requests a day, flat: GPT-4.1's month 2 (no one-time costs, price drift of
    -25% a year) and Llama's; just above the volume Llama is cheaper in month 1's prices, just below dearer.
    Month 1 prices: GPT-4.1 5,031,890 requests × $0.00559 = $28,128.27 = Llama's $28,128.27."""
    volume = (8 * 730 * 2.99 + 0.5 * 220_000 / 12 + 1500) / (0.00559 / 2150)
    per_day = volume / (2150 * 365 / 12)
    for factor, llama_cheaper in ((1.001, True), (0.999, False)):
        comparison = compare_file(str(SUPPORT), overrides=[
            f"workload.requests_per_day={per_day * factor!r}", "workload.monthly_growth=0",
            "options.GPT-4.1.price_change_per_year=0",
            "options.Llama 3.1 70B on rented H100.rent_change_per_year=0"])
        gpt, llama = comparison.option("GPT-4.1"), comparison.option("Llama 3.1 70B on rented H100")
        assert gpt.months[1].total == pytest.approx(28_128.27 * factor, abs=0.01)
        assert (llama.months[1].total < gpt.months[1].total) is llama_cheaper

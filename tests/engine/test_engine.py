"""The cost engine on cases worked out by hand; each docstring shows the arithmetic."""

from __future__ import annotations

import pytest

from tco.engine.inputs import (
    ApiInputs,
    FineTuningInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.line_items import gpus_needed, month_label, replacements, tolerant_ceil
from tco.engine.results import Fleet
from tco.render.text import option_label
from tco.scenario.compare import compare_inputs


def run(options: list[ApiInputs | SelfHostedInputs], workload: WorkloadInputs, horizon: int = 12,
        basis: str = "cash", discount_rate: float = 0.0):  # type: ignore[no-untyped-def]
    inputs = ScenarioInputs("t", workload, tuple(options), horizon_months=horizon, basis=basis,  # type: ignore[arg-type]
                            discount_rate=discount_rate, baseline=next((o.name for o in options
                                                                        if isinstance(o, ApiInputs)), None))
    return compare_inputs(inputs)


API = ApiInputs("api", price_per_million_input_tokens=2, price_per_million_output_tokens=8,
                price_per_million_cached_input_tokens=0.5, batch_discount=0.5, batch_share=0.5, discount=0.1,
                price_change_per_year=-0.2, fixed_monthly=100)


def test_api_month_with_cache_batch_discount_drift_and_fee() -> None:
    """10M input (25% cached), 2M output tokens:
    token_cost = 10·(0.75·2 + 0.25·0.5) + 2·8 = 16.25 + 16 = 32.25
    factor(1) = (1 − 0.5·0.5)·(1 − 0.1) = 0.675 → 21.76875, plus the 100 fee = 121.76875
    month 13: drift 0.8^(12/12) = 0.8 → 32.25·0.675·0.8 + 100 = 117.415
    """
    workload = WorkloadInputs(10e6, 2e6, cached_input_share=0.25)
    result = run([API], workload, horizon=13).options[0]
    assert result.months[0].total == pytest.approx(121.76875, rel=1e-12)
    assert result.months[12].total == pytest.approx(117.415, rel=1e-12)
    assert result.months[0].gpus is None
    assert set(result.months[0].costs) == {"api"}


def test_form_a_volumes_and_growth() -> None:
    """1000 requests/day × 365/12 days = 30,416.67 requests; × 100 input tokens = 3,041,666.67.
    annual growth 44% → monthly (1.44)^(1/12) − 1; month 13 is exactly 1.44× month 1."""
    workload = WorkloadInputs(1000 * 365 / 12 * 100, 1000 * 365 / 12 * 10,
                              monthly_growth=1.44 ** (1 / 12) - 1, requests_per_day=1000,
                              input_tokens_per_request=100, output_tokens_per_request=10)
    assert workload.tokens(1)[0] == pytest.approx(3041666.6666667, rel=1e-12)
    assert workload.tokens(13)[0] == pytest.approx(3041666.6666667 * 1.44, rel=1e-12)
    assert workload.tokens_per_request == 110


HOSTED = dict(input_tokens_per_second=1000.0, output_tokens_per_second=100.0, gpus_per_replica=2,
              max_utilization=0.5, hourly_rate_per_gpu=2.0)


def test_rent_fixed_sizes_for_peak_and_bills_730_hours() -> None:
    """in 3.6e9, out 3.6e8 tokens: GPU-seconds = 3.6e6 + 3.6e6 = 7.2e6; over 730 h: busy = 2.7397
    peak 2 / (u 0.5 · k 2) → 5.479 → 6 replicas = 12 GPUs; 12 · 730 · $2 = $17,520."""
    workload = WorkloadInputs(3.6e9, 3.6e8, peak_to_average=2.0)
    option = SelfHostedInputs("s", **HOSTED)  # type: ignore[arg-type]
    result = run([option], workload, horizon=1).options[0]
    assert result.months[0].gpus == 12
    assert result.months[0].costs == {"gpu_rent": pytest.approx(17520.0)}


def test_rent_scheduled_bills_active_hours_only() -> None:
    """Active 365 h: busy = 7.2e6 / (365·3600) = 5.4795; · 2 / 1 = 10.96 → 11 replicas = 22 GPUs;
    billed 22 · 365 · $2 = $16,060."""
    workload = WorkloadInputs(3.6e9, 3.6e8, peak_to_average=2.0, active_hours_per_month=365)
    option = SelfHostedInputs("s", scaling="scheduled", **HOSTED)  # type: ignore[arg-type]
    month = run([option], workload, horizon=1).options[0].months[0]
    assert month.gpus == 22
    assert month.total == pytest.approx(16060.0)


def test_rent_autoscale_bills_the_load_plus_the_floor() -> None:
    """busy·365 h = 7.2e6 / 3600 = 2000 GPU-hours; / u 0.5 = 4000 in the active hours, floor 1 replica
    × 2 GPUs over the other 365 h = 730: (4000 + 730) · $2 = $9,460; the peak fleet is still reported (22)."""
    workload = WorkloadInputs(3.6e9, 3.6e8, peak_to_average=2.0, active_hours_per_month=365)
    option = SelfHostedInputs("s", scaling="autoscale", **HOSTED)  # type: ignore[arg-type]
    month = run([option], workload, horizon=1).options[0].months[0]
    assert month.gpus == 22
    assert month.total == pytest.approx(9460.0)


def test_autoscale_to_zero_with_no_traffic_costs_nothing() -> None:
    option = SelfHostedInputs("s", scaling="autoscale", min_replicas=0, **HOSTED)  # type: ignore[arg-type]
    month = run([option], WorkloadInputs(0, 0), horizon=1).options[0].months[0]
    assert month.gpus == 0
    assert month.total == 0


BUY = dict(input_tokens_per_second=1e9, output_tokens_per_second=1e9, min_replicas=2, acquisition="buy",
           purchase_price_per_gpu=10_000.0, server_cost_share=0.25, lifetime_months=3, residual_value=0.2,
           watts_per_gpu=1000.0, price_per_kwh=0.1, pue=1.5, load_factor=0.5, hosting_per_gpu_month=100.0,
           maintenance_per_year=0.12)


def test_buy_cash_replaces_each_cohort_and_sells_the_old_one() -> None:
    """c = 10,000 · 1.25 = 12,500 per GPU; 2 GPUs.
    capex: month 1: 25,000; months 4 and 7 (lifetime 3): 2·12,500 − 2·0.2·12,500 = 20,000.
    power: 1000 W · 0.5 · 1.5 · 730 h / 1000 = 547.5 kWh · $0.10 = $54.75 per GPU → $109.50
    hosting 2 · 100 = 200; maintenance 2 · 12,500 · 0.12 / 12 = 250; running 559.50 a month.
    total over 7 months: 65,000 + 7 · 559.5 = 68,916.50."""
    option = SelfHostedInputs("s", **BUY)  # type: ignore[arg-type]
    result = run([option], WorkloadInputs(1e6, 1e6), horizon=7).options[0]
    capex = [m.costs.get("capex", 0.0) for m in result.months]
    assert capex == pytest.approx([25000, 0, 0, 20000, 0, 0, 20000])
    assert result.months[1].costs == pytest.approx({"power": 109.5, "hosting": 200.0, "maintenance": 250.0})
    assert result.total == pytest.approx(68916.5)
    assert [m.one_time for m in result.months] == pytest.approx(capex)


def test_buy_amortized_depreciates_over_the_lifetime_net_of_residual() -> None:
    """12,500 · (1 − 0.2) / 3 = 3,333.33 per GPU-month → 6,666.67 for 2 GPUs;
    7 months: 46,666.67 + 3,916.50 running = 50,583.17."""
    option = SelfHostedInputs("s", **BUY)  # type: ignore[arg-type]
    result = run([option], WorkloadInputs(1e6, 1e6), horizon=7, basis="amortized").options[0]
    assert result.months[0].costs["depreciation"] == pytest.approx(6666.6666667)
    assert "capex" not in result.months[0].costs
    assert result.total == pytest.approx(50583.1666667)


def test_replacements_follow_each_cohort() -> None:
    """Fleet 1,1,2,2,3 buys 1 in months 1, 3 and 5; with a 2-month life the month-1 cohort is bought
    again in months 3 and 5, the month-3 cohort in month 5."""
    assert replacements([1, 1, 2, 2, 3], 2) == [0, 0, 1, 0, 2]


def test_owned_fleet_never_shrinks() -> None:
    """Traffic that falls 50% a month still keeps the GPUs bought in month 1."""
    option = SelfHostedInputs("s", input_tokens_per_second=1000, output_tokens_per_second=1000,
                              acquisition="buy", purchase_price_per_gpu=1000, watts_per_gpu=100)
    workload = WorkloadInputs(1e10, 0, monthly_growth=-0.5)
    result = run([option], workload, horizon=4).options[0]
    needed = [gpus_needed(option, workload, m) for m in range(1, 5)]
    assert needed[0] > needed[-1]
    assert [m.gpus for m in result.months] == [needed[0]] * 4


def test_shared_costs_on_an_api_option() -> None:
    """Staff 0.5 FTE at 120K a year = 5,000 a month; setup 10,000 in month 1; other 300 a month."""
    api = ApiInputs("api", 0, 0, 0, shared=SharedCosts(staff_fte=0.5, cost_per_fte_year=120_000,
                                                      setup_cost=10_000, other_monthly=300))
    months = run([api], WorkloadInputs(1e6, 1e6), horizon=2).options[0].months
    assert months[0].costs == pytest.approx({"api": 0.0, "staff": 5000.0, "setup": 10000.0, "other": 300.0})
    assert months[1].costs == pytest.approx({"api": 0.0, "staff": 5000.0, "other": 300.0})
    assert months[0].one_time == 10000.0


def test_go_live_uses_the_fallback_api_until_then() -> None:
    """Go-live in month 3: months 1–2 pay the fallback's token cost without its $100 fee
    (10M·$2 + 2M·$8 = $36, × (1 − 0.5·0.5)·(1 − 0.1) = $24.30) plus staff; from month 3 one GPU
    is rented for 730 h at $1."""
    fallback = ApiInputs("api", 2, 8, 2, batch_discount=0.5, batch_share=0.5, discount=0.1, fixed_monthly=100)
    option = SelfHostedInputs("s", input_tokens_per_second=1e6, output_tokens_per_second=1e6,
                              hourly_rate_per_gpu=1.0, go_live_month=3, fallback=fallback,
                              shared=SharedCosts(staff_fte=1, cost_per_fte_year=12_000))
    result = run([fallback, option], WorkloadInputs(10e6, 2e6), horizon=4).options[1]
    assert result.months[0].costs == pytest.approx({"fallback_api": 24.3, "staff": 1000.0})
    assert result.months[1].gpus == 0
    assert result.months[2].costs == pytest.approx({"gpu_rent": 730.0, "staff": 1000.0})
    assert result.months[2].gpus == 1


def test_go_live_buys_the_fleet_then_and_replaces_it_a_lifetime_later() -> None:
    option = SelfHostedInputs("s", input_tokens_per_second=1e9, output_tokens_per_second=1e9, acquisition="buy",
                              purchase_price_per_gpu=1000, server_cost_share=0, lifetime_months=2,
                              watts_per_gpu=0, go_live_month=2, fallback=ApiInputs("api", 1, 1, 1))
    capex = [m.costs.get("capex", 0.0) for m in run([option], WorkloadInputs(0, 0), horizon=5).options[0].months]
    assert capex == [0, 1000, 0, 1000, 0]


def test_fine_tuning_runs_in_month_one_and_every_n_months() -> None:
    """A run: 320 GPU-hours · $2.50 + 40M tokens / 1e6 · $25 + $12,000 = 800 + 1,000 + 12,000 = 13,800,
    in months 1 and 7 of 12."""
    tuning = FineTuningInputs(gpu_hours=320, hourly_rate_per_gpu=2.5, training_tokens=40e6,
                              price_per_million_training_tokens=25, data_cost=12_000, every_months=6)
    api = ApiInputs("api", 0, 0, 0, shared=SharedCosts(fine_tuning=tuning))
    months = run([api], WorkloadInputs(0, 0), horizon=12).options[0].months
    runs = [m.month for m in months if "fine_tuning" in m.costs]
    assert runs == [1, 7]
    assert months[6].costs["fine_tuning"] == pytest.approx(13800.0)
    assert months[6].one_time == pytest.approx(13800.0)


def test_npv_discounts_by_month() -> None:
    """A fixed $100 a month for 13 months at 12% a year: Σ 100 / 1.12^((m−1)/12)."""
    api = ApiInputs("api", 0, 0, 0, fixed_monthly=100)
    result = run([api], WorkloadInputs(0, 0), horizon=13, discount_rate=0.12).options[0]
    assert result.npv == pytest.approx(sum(100 / 1.12 ** ((m - 1) / 12) for m in range(1, 14)))
    assert result.total == pytest.approx(1300)


def test_cost_per_million_tokens() -> None:
    """$121.77 + $121.77 over 2 months of 12M tokens each = 243.5375 / 24 = 10.1474 per 1M."""
    result = run([API], WorkloadInputs(10e6, 2e6, cached_input_share=0.25), horizon=2).options[0]
    assert result.cost_per_million_tokens == pytest.approx(result.total / 24)


@pytest.mark.parametrize(("x", "expected"), [(2.0, 2), (2.0000000001, 2), (2.00001, 3), (0.0, 0),
                                             (1e10 + 1e-3, 10_000_000_000), (1e-12, 0), (0.5, 1)])
def test_ceil_ignores_floating_point_noise(x: float, expected: int) -> None:
    assert tolerant_ceil(x) == expected


def test_month_labels_roll_over_years() -> None:
    assert month_label("2027-11", 1) == "2027-11"
    assert month_label("2027-11", 3) == "2028-01"
    assert month_label("2027-01", 25) == "2029-01"
    assert month_label(None, 3) is None


def test_headline_label_names_model_gpus_and_acquisition() -> None:
    option = SelfHostedInputs("x", input_tokens_per_second=1e9, output_tokens_per_second=1e9, min_replicas=4,
                              hourly_rate_per_gpu=2, model_name="Llama 3.1 70B", gpu_name="H100 SXM")
    result = run([option], WorkloadInputs(1, 1), horizon=1).options[0]
    assert result.fleet == Fleet("Llama 3.1 70B", "H100 SXM", "rent", 4, 4)  # the engine's fact
    assert option_label(result) == "Llama 3.1 70B on 4 rented H100 SXMs"  # worded by the renderer


def test_costs_beyond_a_float_are_an_error_not_inf() -> None:
    """Library callers get the same protection as the CLI: no `inf` in a Comparison."""
    from tco.errors import TcoError

    option = SelfHostedInputs("s", input_tokens_per_second=1000, output_tokens_per_second=100,
                              hourly_rate_per_gpu=1e308, min_replicas=100)
    with pytest.raises(TcoError, match="too large to compute"):
        run([option], WorkloadInputs(1e6, 1e6), horizon=1)

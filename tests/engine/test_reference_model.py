"""Hand-worked checks of tests/reference_model.py, so the differential test rests on a known-good
reference. Every expected number is derived in the test's docstring; money in USD, volumes in
tokens per month. A month is 730 h, so 730·3600 = 2.628e6 GPU-seconds per GPU-month."""

from __future__ import annotations

from typing import Any

import pytest
from reference_model import (
    MonthCost,
    OptionCost,
    StepCurve,
    api_curve,
    break_even_month,
    break_even_months,
    break_even_volumes,
    ceil_with_tolerance,
    evaluate,
    self_hosted_curve,
)

approx = pytest.approx


def _scenario(workload: dict[str, Any], *options: dict[str, Any], horizon: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": "hand",
        "horizon_months": horizon,
        "workload": workload,
        "options": list(options),
        **extra,
    }


def _totals(option: OptionCost) -> list[float]:
    return [row.total for row in option.months]


# A cheap API used as the other side of self-hosted cases: $1 per 1M input and output tokens.
ONE_DOLLAR_API: dict[str, Any] = {"name": "API", "kind": "api", "price": {"input": 1, "output": 1}}

# Throughput so high that any volume below ~1e12 tokens fits one replica.
HUGE_THROUGHPUT = {"input_tokens_per_second": 1e9, "output_tokens_per_second": 1e9}


def test_ceil_with_tolerance() -> None:
    """An excess of at most 1e-9·max(1, x) over a whole number is noise; anything more is not."""
    assert ceil_with_tolerance(2.0) == 2
    assert ceil_with_tolerance(2.000000001) == 2  # excess 1e-9 ≤ 2e-9
    assert ceil_with_tolerance(2.00001) == 3
    assert ceil_with_tolerance(0.0) == 0
    assert ceil_with_tolerance(0.3) == 1
    assert ceil_with_tolerance(5e8 + 0.4) == 5 * 10**8  # 0.4 ≤ 1e-9 · 5e8 = 0.5
    assert ceil_with_tolerance(5e8 + 0.6) == 5 * 10**8 + 1


def test_api_option_month_costs_totals_and_cost_per_million() -> None:
    """Form A: 1200 req/day × 365/12 = 36 500 req/month → in 36.5M, out 7.3M tokens.

    token_cost(1) = [36.5·(0.5·2 + 0.5·1) + 7.3·10] = 54.75 + 73 = 127.75
    × (1 − 0.2·0.5) = 0.9 → 114.975;  × (1 − 0.1) → 103.4775;  + fixed 100 → api(1) = 203.4775.
    staff 0.5 × 120 000 / 12 = 5000; setup 1000 (month 1 only); other 50.
    month 1 = 203.4775 + 5000 + 1000 + 50 = 6253.4775.
    month 13: f(13) = 1.21 → api = 103.4775·1.21 + 100 = 225.207775; total 5275.207775.
    total = 103.4775·Σ_{j=0..12} 1.21^(j/12) + 13·5150 + 1000.
    cost per 1M = total / (13 · 43.8).
    """
    api = {
        "name": "API",
        "kind": "api",
        "price": {"input": 2, "cached_input": 1, "output": 10, "batch_discount": 0.5},
        "batch_share": 0.2,
        "discount": 0.1,
        "price_change_per_year": 0.21,
        "fixed_monthly": 100,
        "staff": {"fte": 0.5, "cost_per_fte_year": 120_000},
        "setup_cost": 1000,
        "other_monthly": 50,
    }
    workload = {
        "requests_per_day": 1200,
        "input_tokens_per_request": 1000,
        "output_tokens_per_request": 200,
        "cached_input_share": 0.5,
    }
    result = evaluate(_scenario(workload, api, horizon=13)).option("API")
    assert result.months[0].input_tokens == approx(36.5e6)
    assert result.months[0].output_tokens == approx(7.3e6)
    assert result.months[0].costs["api"] == approx(203.4775)
    assert result.months[0].total == approx(6253.4775)
    assert result.months[12].total == approx(5275.207775)
    drift_sum = sum(1.21 ** (j / 12) for j in range(13))
    expected_total = 103.4775 * drift_sum + 13 * 5150 + 1000
    assert result.total == approx(expected_total)
    assert result.npv == approx(expected_total)  # discount rate 0
    assert result.cost_per_million_tokens == approx(expected_total / (13 * 43.8))
    assert all(row.gpus is None for row in result.months)


def test_growth_forms_and_npv() -> None:
    """annual_growth 44% = monthly (1.44)^(1/12) − 1 = 1.2^(1/6) − 1, so month 7 = 1.2 × month 1.

    Form B, in 1e6 / out 1e6, $1/M: month m costs 2·1.2^((m−1)/6). With discount_rate 44%,
    month m is divided by 1.44^((m−1)/12) = 1.2^((m−1)/6): each discounted month is exactly 2,
    so NPV over 13 months = 26.
    """
    workload = {
        "input_tokens_per_month": 1e6,
        "output_tokens_per_month": 1e6,
        "annual_growth": 0.44,
    }
    scenario = _scenario(workload, ONE_DOLLAR_API, horizon=13, finance={"discount_rate": 0.44})
    result = evaluate(scenario).option("API")
    assert result.months[6].total == approx(2.4)
    assert result.months[12].total == approx(2.88)
    assert result.npv == approx(26.0)
    monthly = evaluate(
        _scenario(
            {"input_tokens_per_month": 1e6, "output_tokens_per_month": 1e6, "monthly_growth": 0.1},
            ONE_DOLLAR_API,
            horizon=2,
        )
    ).option("API")
    assert _totals(monthly) == approx([2.0, 2.2])


def test_rent_fixed_steps_up_with_growth() -> None:
    """X = 1000, Y = 100 tok/s; in₁ = 2.628e9 → 1 GPU busy, out₁ = 1.314e8 → 0.5: busy 1.5.

    p = 2 (default), u = 0.75, k = 2: 1.5·2/(0.75·2) = 2 replicas exactly → 4 GPUs;
    4 · 730 · $2.5 = 7300. Month 2 (+10%): busy 1.65 → 2.2 → 3 replicas → 6 GPUs → 10 950.
    """
    rent = {
        "name": "Rent",
        "kind": "self_hosted",
        "acquisition": "rent",
        "hourly_rate_per_gpu": 2.5,
        "max_utilization": 0.75,
        "gpus_per_replica": 2,
        "throughput": {"input_tokens_per_second": 1000, "output_tokens_per_second": 100},
    }
    workload = {
        "input_tokens_per_month": 2.628e9,
        "output_tokens_per_month": 1.314e8,
        "monthly_growth": 0.1,
    }
    result = evaluate(_scenario(workload, ONE_DOLLAR_API, rent, horizon=2)).option("Rent")
    assert [row.gpus for row in result.months] == [4, 6]
    assert _totals(result) == approx([7300.0, 10950.0])
    assert result.total == approx(18250.0)


def test_rent_scheduled_with_rent_drift() -> None:
    """h = 200 active hours: in 7.2e8 / 1000 tok/s = 720 000 s = 200 h → 1 GPU busy, out
    7.2e7 / 100 → 1 more: busy 2. p 1.5, u 1, k 1 → 3 replicas, 3 GPUs, billed 3·200 h.

    r(m) = 4 · 1.44^((m−1)/12): month 1 → 2400, month 7 (r = 4.8) → 2880, month 13 (5.76) → 3456.
    """
    rent = {
        "name": "Rent",
        "kind": "self_hosted",
        "acquisition": "rent",
        "scaling": "scheduled",
        "hourly_rate_per_gpu": 4,
        "rent_change_per_year": 0.44,
        "max_utilization": 1.0,
        "throughput": {"input_tokens_per_second": 1000, "output_tokens_per_second": 100},
    }
    workload = {
        "input_tokens_per_month": 7.2e8,
        "output_tokens_per_month": 7.2e7,
        "peak_to_average": 1.5,
        "active_hours_per_month": 200,
    }
    result = evaluate(_scenario(workload, ONE_DOLLAR_API, rent, horizon=13)).option("Rent")
    assert {row.gpus for row in result.months} == {3}
    assert result.months[0].total == approx(2400.0)
    assert result.months[6].total == approx(2880.0)
    assert result.months[12].total == approx(3456.0)


def test_rent_autoscale_bills_the_load_above_the_floor() -> None:
    """h = 365. in 2.628e9 / 1000 = 2.628e6 s = 2 GPUs over 365 h; out 1.314e8 / 100 = 1: busy 3.

    u 0.6, min_replicas 2, k 2 → floor 4 GPUs. Month 1: busy/u = 5 > 4 →
    [365·5 + 365·4] · $2 = 6570; reported fleet: ceil(3·2/(0.6·2)) = 5 replicas = 10 GPUs.
    Month 2 (−50%): busy 1.5, busy/u 2.5 < 4 → 730·4·2 = 5840; fleet ceil(2.5) = 3 → 6 GPUs.
    """
    auto = {
        "name": "Auto",
        "kind": "self_hosted",
        "acquisition": "rent",
        "scaling": "autoscale",
        "hourly_rate_per_gpu": 2,
        "max_utilization": 0.6,
        "min_replicas": 2,
        "gpus_per_replica": 2,
        "throughput": {"input_tokens_per_second": 1000, "output_tokens_per_second": 100},
    }
    workload = {
        "input_tokens_per_month": 2.628e9,
        "output_tokens_per_month": 1.314e8,
        "active_hours_per_month": 365,
        "monthly_growth": -0.5,
    }
    result = evaluate(_scenario(workload, ONE_DOLLAR_API, auto, horizon=2)).option("Auto")
    assert [row.gpus for row in result.months] == [10, 6]
    assert _totals(result) == approx([6570.0, 5840.0])


def test_rent_autoscale_scales_to_zero() -> None:
    """min_replicas 0: only busy/u is billed, in the active hours. busy 3 (as above), u 0.6 →
    5 GPUs · 365 h · $2 = 3650; nothing outside the active hours."""
    auto = {
        "name": "Auto",
        "kind": "self_hosted",
        "acquisition": "rent",
        "scaling": "autoscale",
        "hourly_rate_per_gpu": 2,
        "max_utilization": 0.6,
        "min_replicas": 0,
        "throughput": {"input_tokens_per_second": 1000, "output_tokens_per_second": 100},
    }
    workload = {
        "input_tokens_per_month": 2.628e9,
        "output_tokens_per_month": 1.314e8,
        "active_hours_per_month": 365,
    }
    result = evaluate(_scenario(workload, ONE_DOLLAR_API, auto, horizon=1)).option("Auto")
    assert _totals(result) == approx([3650.0])


BUY: dict[str, Any] = {
    "name": "Buy",
    "kind": "self_hosted",
    "acquisition": "buy",
    "purchase_price_per_gpu": 8000,
    "server_cost_share": 0.25,
    "lifetime_months": 2,
    "residual_value": 0.25,
    "hosting_per_gpu_month": 100,
    "maintenance_per_year": 0.12,
    "power": {"watts_per_gpu": 1000, "load_factor": 0.5, "pue": 1.2, "price_per_kwh": 0.1},
    "max_utilization": 1.0,
    "throughput": {"input_tokens_per_second": 1000, "output_tokens_per_second": 100},
}
# busy₁ = 2.628e9/1000/2.628e6 + 1.5768e8/100/2.628e6 = 1 + 0.6 = 1.6; p 1, u 1, k 1.
BUY_WORKLOAD: dict[str, Any] = {
    "input_tokens_per_month": 2.628e9,
    "output_tokens_per_month": 1.5768e8,
    "peak_to_average": 1,
    "monthly_growth": 0.5,
}


def test_buy_cash_with_replacement_and_residual() -> None:
    """c = 8000 · 1.25 = 10 000. +50%/month: busy 1.6, 2.4, 3.6, 5.4, 8.1 → fleet 2, 3, 4, 6, 9;
    cohorts bought (month, GPUs) = (1,2) (2,1) (3,1) (4,2) (5,3). Lifetime 2: replaced in month 3:
    2 (cohort 1), month 4: 1 (cohort 2), month 5: 1 (cohort 3) + 2 (cohort 1 again) = 3.
    capex = 10 000·new + 10 000·(1 − 0.25)·replaced:
      20 000, 10 000, 10 000 + 15 000 = 25 000, 20 000 + 7 500 = 27 500, 30 000 + 22 500 = 52 500.
    Per owned GPU-month: power 1000 W · 0.5 · 1.2 · 730 h / 1000 · $0.1 = 43.8; hosting 100;
    maintenance 10 000 · 12% / 12 = 100 → 243.8 → 487.6, 731.4, 975.2, 1462.8, 2194.2.
    Totals 20 487.6, 10 731.4, 25 975.2, 28 962.8, 54 694.2; sum 140 851.2.
    """
    result = evaluate(_scenario(BUY_WORKLOAD, ONE_DOLLAR_API, BUY, horizon=5)).option("Buy")
    assert [row.gpus for row in result.months] == [2, 3, 4, 6, 9]
    assert [row.costs["capex"] for row in result.months] == approx([20000, 10000, 25000, 27500, 52500])
    assert [row.costs["power"] for row in result.months] == approx([87.6, 131.4, 175.2, 262.8, 394.2])
    assert _totals(result) == approx([20487.6, 10731.4, 25975.2, 28962.8, 54694.2])
    assert result.total == approx(140851.2)


def test_buy_cash_with_book_terminal_value() -> None:
    """The fleet above on the cash basis with `terminal_value: book` (note 13). Each cohort (first month,
    GPUs) is last bought in b + 2·⌊(5 − b)/2⌋: (1,2) in 5, used 1 month; (2,1) in 4, used 2; (3,1) in 5,
    used 1; (4,2) in 4, used 2; (5,3) in 5, used 1. Depreciation 10 000 · 0.75 / 2 = 3750 a month, so a GPU
    used 1 month is worth 6250 and one used 2 (its whole life) its residual 2500. Credit in month 5:
    2·6250 + 2500 + 6250 + 2·2500 + 3·6250 = 45 000; total 140 851.2 − 45 000 = 95 851.2, the
    amortized total, and the credit lands at the end of month 5."""
    scenario = _scenario(BUY_WORKLOAD, ONE_DOLLAR_API, BUY, horizon=5, finance={"terminal_value": "book"})
    result = evaluate(scenario).option("Buy")
    assert [row.costs.get("terminal_value", 0.0) for row in result.months] == approx([0, 0, 0, 0, -45000])
    assert result.months[-1].at_end == approx(-45000)
    assert result.total == approx(95851.2)
    plain = evaluate(_scenario(BUY_WORKLOAD, ONE_DOLLAR_API, BUY, horizon=5, finance={"terminal_value": "none"}))
    assert plain.option("Buy").total == approx(140851.2)


def test_buy_fleet_never_shrinks() -> None:
    """−50%/month from busy 3.2: needs 4, 2, 1 GPUs, but the fleet stays 4 (running maximum);
    capex only in month 1 (40 000), opex 4 · 243.8 = 975.2 every month."""
    workload = {
        **BUY_WORKLOAD,
        "input_tokens_per_month": 2 * 2.628e9,
        "output_tokens_per_month": 2 * 1.5768e8,
        "monthly_growth": -0.5,
    }
    result = evaluate(_scenario(workload, ONE_DOLLAR_API, {**BUY, "lifetime_months": 36}, horizon=3)).option("Buy")
    assert [row.gpus for row in result.months] == [4, 4, 4]
    assert _totals(result) == approx([40975.2, 975.2, 975.2])


def test_buy_amortized() -> None:
    """Same fleet 2, 3, 4, 6, 9 on the amortized basis: each owned GPU costs
    10 000 · (1 − 0.25) / 2 = 3750 per month → 7500, 11 250, 15 000, 22 500, 33 750;
    with opex 243.8/GPU: 7987.6, 11 981.4, 15 975.2, 23 962.8, 35 944.2; sum
    24 GPU-months · (3750 + 243.8) = 95 851.2. No capex category."""
    scenario = _scenario(BUY_WORKLOAD, ONE_DOLLAR_API, BUY, horizon=5, finance={"basis": "amortized"})
    result = evaluate(scenario).option("Buy")
    assert [row.costs["depreciation"] for row in result.months] == approx([7500, 11250, 15000, 22500, 33750])
    assert all("capex" not in row.costs for row in result.months)
    assert _totals(result) == approx([7987.6, 11981.4, 15975.2, 23962.8, 35944.2])
    assert result.total == approx(95851.2)


def test_go_live_fallback_and_fine_tuning() -> None:
    """API: 50M in + 50M out at $1/M = 100, discount 50% → 50, + fixed 40 → A = 90/month.
    S (rent, 1 GPU, $1/h → 730/month) goes live in month 3 with fallback A: months 1–2 pay
    fallback_api = 50 (A's discounted token cost, not its fixed fee). Staff 0.1·12 000/12 = 100,
    other 10, setup 500 in month 1, fine-tuning 10 h·$2 + 5M/1e6·$4 + 30 = 70 in months 1 and 3.
      month 1: 100 + 10 + 500 + 70 + 50 = 730 (0 GPUs)
      month 2: 100 + 10 + 50 = 160 (0 GPUs)
      month 3: 100 + 10 + 70 + 730 = 910 (1 GPU)
      month 4: 100 + 10 + 730 = 840 (1 GPU); total 2640.
    """
    api = {
        "name": "A",
        "kind": "api",
        "price": {"input": 1, "output": 1},
        "discount": 0.5,
        "fixed_monthly": 40,
    }
    rent = {
        "name": "S",
        "kind": "self_hosted",
        "acquisition": "rent",
        "hourly_rate_per_gpu": 1,
        "throughput": HUGE_THROUGHPUT,
        "go_live_month": 3,
        "fallback": "A",
        "staff": {"fte": 0.1, "cost_per_fte_year": 12_000},
        "other_monthly": 10,
        "setup_cost": 500,
        "fine_tuning": {
            "gpu_hours": 10,
            "hourly_rate_per_gpu": 2,
            "training_tokens": 5e6,
            "price_per_million_training_tokens": 4,
            "data_cost": 30,
            "every_months": 2,
        },
    }
    workload = {"input_tokens_per_month": 5e7, "output_tokens_per_month": 5e7}
    result = evaluate(_scenario(workload, api, rent, horizon=4))
    s = result.option("S")
    assert _totals(result.option("A")) == approx([90.0] * 4)
    assert [row.gpus for row in s.months] == [0, 0, 1, 1]
    assert [row.costs["fallback_api"] for row in s.months[:2]] == approx([50.0, 50.0])
    assert [row.costs["fine_tuning"] for row in s.months] == approx([70.0, 0.0, 70.0, 0.0])
    assert _totals(s) == approx([730.0, 160.0, 910.0, 840.0])
    assert s.total == approx(2640.0)


def _break_even_pair(setup: float, months: int = 6) -> tuple[OptionCost, OptionCost]:
    """S: 1 rented GPU at $1/h = 730/month plus `setup` in month 1. A: 100M tokens at $10/M =
    1000/month."""
    api = {"name": "A", "kind": "api", "price": {"input": 10, "output": 10}}
    rent = {
        "name": "S",
        "kind": "self_hosted",
        "acquisition": "rent",
        "hourly_rate_per_gpu": 1,
        "throughput": HUGE_THROUGHPUT,
        "setup_cost": setup,
    }
    workload = {"input_tokens_per_month": 5e7, "output_tokens_per_month": 5e7}
    result = evaluate(_scenario(workload, api, rent, horizon=months))
    return result.option("S"), result.option("A")


def test_break_even_month_and_fractional_months() -> None:
    """C_S(m) = 1000 + 730m, C_A(m) = 1000m: S ≤ A from 1000 ≤ 270m, m ≥ 3.70 → month 4.
    Inside month 4 (no one-time cost then): D(3) = 3190 − 3000 = 190, D(4) = 3920 − 4000 = −80
    → t = 190/270; months = 3 + 190/270 = 1000/270 = 3.7037."""
    s, a = _break_even_pair(setup=1000)
    month = break_even_month(s, a)
    assert month == 4
    assert break_even_months(s, a, month) == approx(1000 / 270)
    result = evaluate(
        _scenario(
            {"input_tokens_per_month": 5e7, "output_tokens_per_month": 5e7},
            {"name": "A", "kind": "api", "price": {"input": 10, "output": 10}},
            {
                "name": "S",
                "kind": "self_hosted",
                "acquisition": "rent",
                "hourly_rate_per_gpu": 1,
                "throughput": HUGE_THROUGHPUT,
                "setup_cost": 1000,
            },
            horizon=6,
        )
    )
    (pair,) = result.break_even
    assert (pair.option, pair.versus, pair.month) == ("S", "A", 4)
    assert pair.months == approx(1000 / 270)
    assert pair.savings_at_horizon == approx(6000 - 5380)


def test_break_even_in_month_one() -> None:
    """Setup 0: S is cheaper from the start and has no one-time cost → month 1, 0 months.
    Setup 100: month 1 ends at 830 ≤ 1000 → month 1; D(0+) = 100, D(1) = −170 →
    t = 100/270 = 0.370. Setup 10 000: C_S(6) = 14 380 > 6000 → null."""
    s, a = _break_even_pair(setup=0)
    assert break_even_month(s, a) == 1
    assert break_even_months(s, a, 1) == 0.0
    s, a = _break_even_pair(setup=100)
    assert break_even_month(s, a) == 1
    assert break_even_months(s, a, 1) == approx(100 / 270)
    s, a = _break_even_pair(setup=10_000)
    assert break_even_month(s, a) is None
    assert break_even_months(s, a, None) is None


def _rows(name: str, kind: str, months: list[tuple[float, float]]) -> OptionCost:
    """An OptionCost from (recurring, one-time setup) money per month."""
    rows, cumulative = [], 0.0
    for m, (recurring, one_time) in enumerate(months, start=1):
        cumulative += recurring + one_time
        rows.append(
            MonthCost(
                m,
                0.0,
                0.0,
                None,
                {"other": recurring, "setup": one_time},
                recurring + one_time,
                cumulative,
            )
        )
    return OptionCost(name, kind, rows, cumulative, cumulative, 0.0)


def test_break_even_month_is_the_last_crossing() -> None:
    """S: 0 recurring, one-time 150 in month 1 and 200 in month 3; A: 100/month.
    C_S = 150, 150, 350, 350, 350; C_A = 100, 200, 300, 400, 500. S ≤ A at months 2, 4, 5 but
    not 3, so the break-even month is 4 (from there on S stays ahead), not 2.
    Month 4: D(3) = 50, no one-time, D(4) = −50 → t = 0.5 → 3.5 months.
    Month 2 on its own would be 1.5 (D(1) = 50, D(2) = −50)."""
    s = _rows("S", "self_hosted", [(0, 150), (0, 0), (0, 200), (0, 0), (0, 0)])
    a = _rows("A", "api", [(100, 0)] * 5)
    assert break_even_month(s, a) == 4
    assert break_even_months(s, a, 4) == approx(3.5)


def test_break_even_fraction_when_the_one_time_jump_already_wins() -> None:
    """A pays a one-time 500 at the start of month 3 that S does not: C_S = 300/month,
    C_A = 200/month + 500 in month 3. D(2) = 200 > 0; D(2+) = 200 − 500 < 0 → t = 0 → 2.0."""
    s = _rows("S", "self_hosted", [(300, 0)] * 4)
    a = _rows("A", "api", [(200, 0), (200, 0), (200, 500), (200, 0)])
    assert break_even_month(s, a) == 3
    assert break_even_months(s, a, 3) == 2.0


def test_break_even_month_tolerance() -> None:
    """Equal curves up to 1e-9 relative count as break-even (rounding never decides)."""
    s = _rows("S", "self_hosted", [(1000.0 * (1 + 1e-12), 0)] * 3)
    a = _rows("A", "api", [(1000.0, 0)] * 3)
    assert break_even_month(s, a) == 1
    assert break_even_months(s, a, 1) == 0.0


STEP_API: dict[str, Any] = {"name": "A", "kind": "api", "price": {"input": 0.5, "output": 0.5}}
STEP_RENT: dict[str, Any] = {
    "name": "S",
    "kind": "self_hosted",
    "acquisition": "rent",
    "hourly_rate_per_gpu": 1,
    "max_utilization": 1.0,
    "throughput": {"input_tokens_per_second": 1000, "output_tokens_per_second": 1000},
}
STEP_WORKLOAD: dict[str, Any] = {
    "input_tokens_per_month": 1e9,
    "output_tokens_per_month": 1e9,
    "peak_to_average": 1,
}


def test_break_even_volume_step_function() -> None:
    """One replica (1 GPU, u 1, p 1, 1000 tok/s) serves Q = 1000 · 2.628e6 = 2.628e9 tokens/month
    and costs 730 · $1 = 730; the API costs a = $0.5/M = 5e-7 per token.
      step 1, V ∈ [0, 2.628e9]: S = 730 ≤ 5e-7·V from V = 1.46e9 → first break-even 1.46e9.
      step 2, V ∈ (2.628e9, 5.256e9]: S = 1460 ≤ A from 2.92e9 → S loses on (2.628e9, 2.92e9).
      step 3, V ∈ (5.256e9, 7.884e9]: S = 2190 ≤ A from 4.38e9 < 5.256e9 → wins everywhere,
      and so on (marginal 730/2.628e9 = 2.78e-7 < 5e-7).
    Break-even volume 2.92e9, first break-even volume 1.46e9."""
    s = self_hosted_curve(STEP_RENT, STEP_WORKLOAD)
    assert s.cost(2.628e9) == approx(730)
    assert s.cost(2.7e9) == approx(1460)
    volume, first = break_even_volumes(STEP_RENT, STEP_API, STEP_WORKLOAD)
    assert volume == approx(2.92e9)
    assert first == approx(1.46e9)


def test_break_even_volume_when_a_whole_step_loses() -> None:
    """Add staff 0.1 · 8760 / 12 = 73/month to S. Step 1: 803 ≤ 5e-7·V from 1.606e9 → first.
    Step 2: 1533 ≤ A from 3.066e9 (S loses on all of (2.628e9, 3.066e9)); step 3: 2263 → from
    4.526e9 < 5.256e9 → wins on the whole step. Break-even volume 3.066e9.
    Now $0.3/M (a Q = 788.4 < 803): step 1 never wins; marginal 2.78e-7 < 3e-7 so later steps do:
    n·(788.4 − 730) ≥ 73 → n ≥ 1.25 → step 2: first = max(2.628e9, 1533/3e-7 = 5.11e9) = 5.11e9
    (> 2·Q = 5.256e9? no: 5.11e9 ≤ 5.256e9, so step 2 wins on [5.11e9, 5.256e9]).
    Losing steps: n < n_c = (73 + 788.4)/(788.4 − 730) = 14.75 → step 14 is the last:
    S = 73 + 14·730 = 10 293 ≤ 3e-7·V from 3.431e10 = min(14·Q = 3.6792e10, 3.431e10)."""
    staffed = {**STEP_RENT, "staff": {"fte": 0.1, "cost_per_fte_year": 8760}}
    volume, first = break_even_volumes(staffed, STEP_API, STEP_WORKLOAD)
    assert volume == approx(3.066e9)
    assert first == approx(1.606e9)
    cheaper_api = {**STEP_API, "price": {"input": 0.3, "output": 0.3}}
    volume, first = break_even_volumes(staffed, cheaper_api, STEP_WORKLOAD)
    assert first == approx(1533 / 3e-7)
    assert volume == approx(10293 / 3e-7)


def test_break_even_volume_null_when_marginal_cost_not_below() -> None:
    """$0.2/M = 2e-7 per token < S's marginal 2.78e-7: no break-even volume; S never wins on the
    floor step either (730 > 2e-7 · 2.628e9 = 525.6) → first null too."""
    api = {**STEP_API, "price": {"input": 0.2, "output": 0.2}}
    assert break_even_volumes(STEP_RENT, api, STEP_WORKLOAD) == (None, None)


def test_break_even_volume_autoscale() -> None:
    """Autoscale, h 365, u 0.5, 1 GPU floor, $1/h, β = 1e-3 s/token:
    floor cost 730 · 1 = 730 for V ≤ knee = 3600 · 365 · 0.5 / 1e-3 = 6.57e8;
    slope above = 1 · 1e-3 / (3600 · 0.5) = 5.556e-7/token, i.e. S = 365 + 5.556e-7·V.
    API $1/M: A(knee) = 657 < 730, so they cross above the knee: 365 = (1e-6 − 5.556e-7)·V
    → V = 8.2125e8, both volumes. API $2/M: 730 = 2e-6 V → 3.65e8 < knee. API $0.5/M < slope:
    no break-even volume; A(knee) = 328.5 < 730 so never at all."""
    auto = {**STEP_RENT, "scaling": "autoscale", "max_utilization": 0.5}
    workload = {**STEP_WORKLOAD, "active_hours_per_month": 365}
    api = {**STEP_API, "price": {"input": 1, "output": 1}}
    assert list(break_even_volumes(auto, api, workload)) == approx([8.2125e8, 8.2125e8])
    api = {**STEP_API, "price": {"input": 2, "output": 2}}
    assert list(break_even_volumes(auto, api, workload)) == approx([3.65e8, 3.65e8])
    api = {**STEP_API, "price": {"input": 0.5, "output": 0.5}}
    assert break_even_volumes(auto, api, workload) == (None, None)


@pytest.mark.parametrize("price", [0.25, 0.3, 0.45, 0.5, 0.8, 2.0])
@pytest.mark.parametrize("fte", [0.0, 0.1, 0.7])
@pytest.mark.parametrize("acquisition", ["rent", "buy", "autoscale"])
def test_break_even_volumes_agree_with_a_dense_scan(price: float, fte: float, acquisition: str) -> None:
    """The analytic volumes against a dense scan of S(V) − A(V) (a check, not the method).

    The scan holds a grid of step 4e7 tokens plus points just either side of every replica step
    and of both answers: nothing at or above the break-even volume loses, something just below
    it does (when it is above 0), and nothing below the first break-even volume wins."""
    option: dict[str, Any] = {**STEP_RENT, "staff": {"fte": fte, "cost_per_fte_year": 8760}}
    if acquisition == "buy":
        del option["hourly_rate_per_gpu"]
        option = {
            **option,
            "acquisition": "buy",
            "purchase_price_per_gpu": 10_000,
            "power": {"watts_per_gpu": 700},
        }
    if acquisition == "autoscale":
        option = {**option, "scaling": "autoscale", "max_utilization": 0.5}
    workload = {**STEP_WORKLOAD, "active_hours_per_month": 500}
    api = {**STEP_API, "price": {"input": price, "output": price}}
    s, a = self_hosted_curve(option, workload), api_curve(api, workload)
    volume, first = break_even_volumes(option, api, workload)

    def wins(v: float) -> bool:
        return s.cost(v) <= a.cost(v) + 1e-9 * max(1.0, a.cost(v))

    scan = [i * 4e7 for i in range(5_000)]  # up to 2e11 tokens/month
    if isinstance(s, StepCurve):
        edges = [n * s.replica_tokens for n in range(1, int(2e11 / s.replica_tokens) + 1)]
        scan += [e * (1 + eps) for e in edges for eps in (-1e-7, 1e-7)]
    scan += [x * (1 + eps) for x in (volume, first) if x for eps in (-1e-7, 1e-7)]
    if first is None:
        assert not any(wins(v) for v in scan)
    else:
        assert wins(first)
        assert not any(wins(v) for v in scan if v < first * (1 - 1e-9))
    if volume is not None:
        assert all(wins(v) for v in scan if v >= volume * (1 + 1e-9))
        if volume > 0:
            assert not wins(volume * (1 - 1e-7))
    else:
        assert not wins(2e11)  # a marginal cost above the API's loses at large volumes

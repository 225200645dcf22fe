"""The cost engine over many scenarios at once (issue 5): the formulas of `tco.engine`, on numpy arrays.

Input is a `ScenarioInputs` whose numeric fields may be arrays of shape (runs, 1) instead of
numbers (one value per run); months run along the second axis, so every cost is a (runs, months)
array. The arithmetic follows `tco.engine` operation for operation (same order of additions, the
same tolerant ceiling), so a run gives what the scalar engine gives for the same inputs, up to
the last bit of `x ** y` (numpy's pow may differ from the C library's by one ulp).

Option kinds this module does not know (any class other than `ApiInputs` and
`SelfHostedInputs`) are projected with the scalar engine run by run: correct, slower.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tco.breakeven import MONEY_TOLERANCE
from tco.engine import CEIL_TOLERANCE, project_option
from tco.inputs import (
    HOURS_PER_MONTH,
    TOKENS_PER_PRICE_UNIT,
    ApiInputs,
    OptionInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)

Array = NDArray[np.float64]


@dataclass
class BatchOption:
    """One option projected over the horizon for every run: arrays of shape (runs, months) or (runs,)."""

    name: str
    kind: str
    monthly: Array  # cost of each month
    cumulative: Array
    one_time: Array  # the one-time part of each month (setup, capex, fine-tuning)
    total: Array
    npv: Array
    cost_per_million_tokens: Array  # NaN where the horizon has no tokens
    scalar_fallback: bool = False  # projected run by run with the scalar engine


def tolerant_ceil(x: Any) -> Any:
    """`tco.engine.tolerant_ceil` element-wise: ceil, ignoring an excess of 1e-9·max(1, |x|)."""
    below = np.floor(x)
    return np.where(x - below <= CEIL_TOLERANCE * np.maximum(1.0, np.abs(x)), below, np.ceil(x))


def _power(base: Any, exponents: Array) -> Any:
    """`base ** e` for each month's exponent; a plain-number base uses Python's pow, as the scalar engine does."""
    if isinstance(base, np.ndarray):
        return np.power(base, exponents)
    return np.array([base ** float(e) for e in exponents])


class _Months:
    """Per-month quantities of one batch: month numbers, token volumes."""

    def __init__(self, workload: WorkloadInputs, horizon: int) -> None:
        self.number = np.arange(1, horizon + 1, dtype=np.float64)
        self.elapsed = self.number - 1
        growth = _power(1 + workload.monthly_growth, self.elapsed)
        self.tokens_in = workload.input_tokens_month1 * growth
        self.tokens_out = workload.output_tokens_month1 * growth

    def drift(self, change_per_year: Any) -> Any:
        return _power(1 + change_per_year, self.elapsed / 12)


def _api_tokens(option: ApiInputs, workload: WorkloadInputs, months: _Months) -> Any:
    """Token cost of DESIGN §4 with cache, batch, discount and drift: (input + cached) + output."""
    factor = (1 - option.batch_share * option.batch_discount) * (1 - option.discount) * \
        months.drift(option.price_change_per_year)
    cached = workload.cached_input_share
    per = TOKENS_PER_PRICE_UNIT
    uncached = months.tokens_in * (1 - cached) / per * (option.price_per_million_input_tokens * factor)
    cached_cost = months.tokens_in * cached / per * (option.price_per_million_cached_input_tokens * factor)
    output = months.tokens_out / per * (option.price_per_million_output_tokens * factor)
    return uncached + cached_cost + output


def _shared(shared: SharedCosts, months: _Months) -> tuple[list[Any], list[Any]]:
    """The shared categories (staff, setup, other, fine-tuning) and the one-time items among them."""
    first = months.number == 1
    staff = shared.staff_fte * (shared.cost_per_fte_year / 12)
    setup = np.where(first, 1 * shared.setup_cost, 0.0)
    other = 1 * shared.other_monthly
    categories: list[Any] = [staff, setup, other]
    one_time: list[Any] = [setup]
    tuning = shared.fine_tuning
    if tuning is not None:
        every = tuning.every_months
        runs = first if every is None else first | (np.mod(months.elapsed, every) == 0)
        gpu = np.where(runs, tuning.gpu_hours * tuning.hourly_rate_per_gpu, 0.0)
        tokens = np.where(runs, tuning.training_tokens / TOKENS_PER_PRICE_UNIT
                          * tuning.price_per_million_training_tokens, 0.0)
        data = np.where(runs, 1 * tuning.data_cost, 0.0)
        categories.append(gpu + tokens + data)
        one_time.extend([gpu, tokens, data])
    return categories, one_time


def _gpus_busy(option: SelfHostedInputs, workload: WorkloadInputs, months: _Months) -> Any:
    seconds = months.tokens_in / option.input_tokens_per_second + months.tokens_out / option.output_tokens_per_second
    return seconds / (workload.active_hours_per_month * 3600)


def _replacements(bought: Array, lifetime: Any) -> Array:
    """GPUs bought again each month: each cohort every `lifetime` months after its purchase."""
    horizon = bought.shape[1]
    again = np.zeros_like(bought)
    lifetimes = np.broadcast_to(np.asarray(lifetime, dtype=np.float64), (bought.shape[0], 1))[:, 0]
    for value in np.unique(lifetimes):
        rows = lifetimes == value
        step = int(value)
        part = bought[rows]
        added = np.zeros_like(part)
        for shift in range(step, horizon, step):
            added[:, shift:] += part[:, :horizon - shift]
        again[rows] = added
    return again


def _self_hosted(option: SelfHostedInputs, scenario: ScenarioInputs, months: _Months,
                 shape: tuple[int, int]) -> tuple[Array, Array]:
    """Monthly cost and its one-time part of a self-hosted option (DESIGN §4)."""
    workload = scenario.workload
    live = months.number >= option.go_live_month
    k = option.gpus_per_replica
    busy = _gpus_busy(option, workload, months)
    peak_load = busy * workload.peak_to_average
    needed = np.maximum(option.min_replicas, tolerant_ceil(peak_load / (option.max_utilization * k))) * k
    needed = np.broadcast_to(needed, shape)
    zero = np.zeros(shape)
    gpu_categories: list[Any] = []
    capex: Any = zero
    if option.acquisition == "rent":
        gpus = np.where(live, needed, 0.0)
        hours_active = workload.active_hours_per_month
        if option.scaling == "fixed":
            gpu_hours = gpus * HOURS_PER_MONTH
        elif option.scaling == "scheduled":
            gpu_hours = gpus * hours_active
        else:
            floor_gpus = option.min_replicas * option.gpus_per_replica
            in_use = np.maximum(floor_gpus, busy / option.max_utilization)
            gpu_hours = hours_active * in_use + (HOURS_PER_MONTH - hours_active) * floor_gpus
        rate = option.hourly_rate_per_gpu * months.drift(option.rent_change_per_year)
        gpu_categories.append(np.where(live, gpu_hours * rate, 0.0))
    else:
        gpus = np.maximum.accumulate(np.where(live, needed, 0.0), axis=1)
        previous = np.concatenate([np.zeros((shape[0], 1)), gpus[:, :-1]], axis=1)
        bought = gpus - previous
        c = option.capital_cost_per_gpu
        if scenario.basis == "cash":
            replaced = _replacements(bought, option.lifetime_months)
            capex = np.where(live, bought * c + replaced * c + replaced * (-option.residual_value * c), 0.0)
            gpu_categories.append(capex)
        else:
            gpu_categories.append(gpus * (c * (1 - option.residual_value) / option.lifetime_months))
        gpu_categories.append(gpus * option.power_kwh_per_gpu_month * option.price_per_kwh)
        gpu_categories.append(gpus * option.hosting_per_gpu_month)
        gpu_categories.append(gpus * (c * option.maintenance_per_year / 12))
    before: Any = 0.0
    if option.fallback is not None:
        before = np.where(live, 0.0, _api_tokens(option.fallback, workload, months))
    shared, shared_one_time = _shared(option.shared, months)
    total: Any = before
    for category in (*gpu_categories, *shared):
        total = total + category
    one_time: Any = capex
    for item in shared_one_time:
        one_time = one_time + item
    return np.broadcast_to(total, shape), np.broadcast_to(one_time, shape)


def _api(option: ApiInputs, scenario: ScenarioInputs, months: _Months, shape: tuple[int, int]) -> tuple[Array, Array]:
    """Monthly cost and its one-time part of an API option (DESIGN §4)."""
    total = _api_tokens(option, scenario.workload, months) + 1 * option.fixed_monthly
    shared, shared_one_time = _shared(option.shared, months)
    for category in shared:
        total = total + category
    one_time: Any = 0.0
    for item in shared_one_time:
        one_time = one_time + item
    return np.broadcast_to(total, shape), np.broadcast_to(one_time, shape)


def vectorised_kind(option: OptionInputs) -> bool:
    """Whether this module projects the option on arrays (others go run by run through the scalar engine)."""
    return type(option) in (ApiInputs, SelfHostedInputs)


def project_batch(
    scenario: ScenarioInputs,
    runs: int,
    scalar_scenario: Callable[[int], ScenarioInputs],
    *,
    scalar_only: bool = False,
) -> list[BatchOption]:
    """Every option of a batch scenario for `runs` runs, in the order given.

    `scalar_scenario(i)` gives run i's plain inputs, for options projected with the scalar engine
    (every option when `scalar_only`).
    """
    horizon = scenario.horizon_months
    shape = (runs, horizon)
    months = _Months(scenario.workload, horizon)
    tokens = np.broadcast_to(months.tokens_in + months.tokens_out, shape)
    tokens_total = np.cumsum(tokens, axis=1)[:, -1]
    discount = _power(1 + scenario.discount_rate, months.elapsed / 12)
    results: list[BatchOption] = []
    for index, option in enumerate(scenario.options):
        fallback = False
        if scalar_only:
            monthly, one_time = _scalar_rows(index, runs, horizon, scalar_scenario)
            fallback = True
        elif isinstance(option, ApiInputs) and vectorised_kind(option):
            monthly, one_time = _api(option, scenario, months, shape)
        elif isinstance(option, SelfHostedInputs) and vectorised_kind(option):
            monthly, one_time = _self_hosted(option, scenario, months, shape)
        else:
            monthly, one_time = _scalar_rows(index, runs, horizon, scalar_scenario)
            fallback = True
        cumulative = np.cumsum(monthly, axis=1)
        npv = np.cumsum(monthly / discount, axis=1)[:, -1]
        total = cumulative[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_million = np.where(tokens_total != 0, total / (tokens_total / TOKENS_PER_PRICE_UNIT), np.nan)
        results.append(BatchOption(option.name, option.kind, np.ascontiguousarray(monthly), cumulative,
                                   np.ascontiguousarray(one_time), total, npv, per_million, fallback))
    return results


def _scalar_rows(index: int, runs: int, horizon: int,
                 scalar_scenario: Callable[[int], ScenarioInputs]) -> tuple[Array, Array]:
    """Monthly cost and one-time part of option `index`, run by run with the scalar engine."""
    monthly = np.empty((runs, horizon))
    one_time = np.empty((runs, horizon))
    for run in range(runs):
        scenario = scalar_scenario(run)
        result = project_option(scenario.options[index], scenario)
        monthly[run] = [m.total for m in result.months]
        one_time[run] = [m.one_time for m in result.months]
    return monthly, one_time


def break_even_batch(option: BatchOption, versus: BatchOption) -> tuple[NDArray[np.int64], Array]:
    """Break-even month (0: never) and fractional months (NaN: never) of every run (DESIGN §4).

    As `tco.breakeven.break_even_month` / `break_even_months`: the first month from which the
    option's cumulative cost stays within 1e-9·max(1, |C_A|) of the reference's or below it.
    """
    s, a = option.cumulative, versus.cumulative
    within = s <= a + MONEY_TOLERANCE * np.maximum(1.0, np.abs(a))
    horizon = s.shape[1]
    beaten = ~within
    # index of the last month that is not within (−1 when none); break-even is the month after it
    last_bad = np.where(beaten.any(axis=1), horizon - 1 - np.argmax(beaten[:, ::-1], axis=1), -1)
    month = np.where(within[:, -1], last_bad + 2, 0).astype(np.int64)
    rows = np.arange(s.shape[0])
    at = np.clip(month - 1, 0, horizon - 1)
    s_cum, a_cum = s[rows, at], a[rows, at]
    s_tot, a_tot = option.monthly[rows, at], versus.monthly[rows, at]
    before = (s_cum - s_tot) - (a_cum - a_tot)
    at_start = before + option.one_time[rows, at] - versus.one_time[rows, at]
    at_end = s_cum - a_cum
    tolerance = MONEY_TOLERANCE * np.maximum(1.0, np.abs(a_cum))
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = month - 1 + np.minimum(1.0, at_start / (at_start - at_end))
    months = np.where(at_start <= tolerance, month - 1.0, np.where(at_end >= at_start, month * 1.0, inside))
    return month, np.where(month == 0, np.nan, months)

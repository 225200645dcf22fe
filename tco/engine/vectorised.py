"""The cost engine over many scenarios at once: the formulas of `tco.engine.projection`, on numpy arrays.

Input is a `ScenarioInputs` whose numeric fields may be arrays of shape (runs, 1) instead of
numbers (one value per run); months run along the second axis, so every cost is a (runs, months)
array. The arithmetic follows `tco.engine.projection` operation for operation (same order of additions, the
same tolerant ceiling), so a run gives what the scalar engine gives for the same inputs, up to
the last bit of `x ** y` (numpy's pow may differ from the C library's by one ulp).

Option kinds this module does not know (any class other than `ApiInputs` and
`SelfHostedInputs`) are projected with the scalar engine run by run: correct, slower.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tco.engine.breakeven import MONEY_TOLERANCE
from tco.engine.formulas import CEIL_TOLERANCE, power_kwh_per_gpu_month
from tco.engine.inputs import (
    HOURS_PER_MONTH,
    TOKENS_PER_PRICE_UNIT,
    ApiInputs,
    OptionInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.projection import project_option

Array = NDArray[np.float64]


@dataclass
class BatchOption:
    """One option projected over the horizon for every run: arrays of shape (runs, months) or (runs,)."""

    name: str
    kind: str
    monthly: Array  # cost of each month
    cumulative: Array
    one_time: Array  # the one-time part of each month (setup, capex, fine-tuning)
    discount: Any  # (1 + r)^((m − 1)/12) per month, for the NPV
    horizon_tokens: Any  # `_TokensTotal`, or the tokens over the horizon per run
    scalar_fallback: bool = False  # projected run by run with the scalar engine
    at_end: Any = 0.0  # the part of each month landing at its very end (the terminal value's credit), or 0

    @property
    def tokens(self) -> Array:
        """Tokens over the horizon, per run (summed month by month, as the scalar engine does)."""
        if isinstance(self.horizon_tokens, _TokensTotal):
            self.horizon_tokens = self.horizon_tokens.value()
        result: Array = self.horizon_tokens
        return result

    @property
    def total(self) -> Array:
        return self.cumulative[:, -1]

    @property
    def npv(self) -> Array:
        """Discounted total, summed month by month in order as the scalar engine does."""
        result: Array = np.cumsum(self.monthly / self.discount, axis=1)[:, -1]
        return result

    @property
    def cost_per_million_tokens(self) -> Array:
        """Total per 1M tokens; NaN where the horizon has no tokens."""
        with np.errstate(divide="ignore", invalid="ignore"):
            result: Array = np.where(self.tokens != 0, self.total / (self.tokens / TOKENS_PER_PRICE_UNIT), np.nan)
        return result


class _TokensTotal:
    """Σ(in + out) over the horizon, per run, computed only if asked for (simulate does not need it)."""

    def __init__(self, months: Any, shape: tuple[int, int]) -> None:
        self.months, self.shape = months, shape
        self._value: Array | None = None

    def value(self) -> Array:
        if self._value is None:
            tokens = np.broadcast_to(self.months.tokens_in + self.months.tokens_out, self.shape)
            self._value = np.cumsum(tokens, axis=1)[:, -1]
        return self._value


def tolerant_ceil(x: Any) -> Any:
    """`tco.engine.line_items.tolerant_ceil` element-wise, for x ≥ 0: ceil, ignoring an excess of 1e-9·max(1, x)."""
    below = np.floor(x)
    # ceil(x) is below + 1 wherever the excess is above zero, which it is wherever it beats the tolerance
    limit = _then(np.maximum(x, 1.0), np.multiply, CEIL_TOLERANCE)
    return _then(below, np.add, (x - below) > limit)


def _power(base: Any, horizon: int, per_year: bool) -> Any:
    """`base ** (m − 1)` (or `** ((m − 1)/12)` when `per_year`) for each month m; a plain-number base
    uses Python's pow, as the scalar engine does."""
    if isinstance(base, np.ndarray):
        elapsed = np.arange(horizon, dtype=np.float64)
        return np.power(base, elapsed / 12 if per_year else elapsed)
    return _scalar_powers(float(base), horizon, per_year)


@functools.lru_cache(maxsize=256)
def _scalar_powers(base: float, horizon: int, per_year: bool) -> Array:
    powers = np.array([base ** ((m - 1) / 12) if per_year else base ** (m - 1) for m in range(1, horizon + 1)],
                      dtype=np.float64)
    powers.flags.writeable = False
    return powers


def _is_zero(value: Any) -> bool:
    return not isinstance(value, np.ndarray) and value == 0


class _Sum:
    """A month's cost built category by category in the scalar engine's order (x + 0 is x, so zeros are skipped)."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self.value: Any = 0.0

    def add(self, amount: Any, months: Any = None) -> None:
        """Add `amount` in every month, or only in the months where the boolean vector `months` holds."""
        if _is_zero(amount):
            return
        if months is not None and not isinstance(amount, np.ndarray) and isinstance(months, np.ndarray) \
                and months.ndim == 1:
            self._owned()[:, months] += amount  # a one-time cost: only its months change
            return
        if months is not None:
            amount = np.where(months, amount, 0.0)
        if isinstance(self.value, np.ndarray) and self.value.shape == self.shape and self.value.flags.writeable:
            self.value += amount
        else:
            self.value = self.value + amount

    def _owned(self) -> Array:
        if not (isinstance(self.value, np.ndarray) and self.value.shape == self.shape and self.value.flags.writeable):
            self.value = np.array(np.broadcast_to(self.value, self.shape), dtype=np.float64)
        result: Array = self.value
        return result

    def result(self) -> Any:
        return self.value


class _Months:
    """Per-month quantities of one batch: month numbers, token volumes."""

    def __init__(self, workload: WorkloadInputs, horizon: int) -> None:
        self.number = np.arange(1, horizon + 1, dtype=np.float64)
        self.elapsed = self.number - 1
        self.first = self.number == 1
        self.horizon = horizon
        growth = _power(1 + workload.monthly_growth, horizon, False)
        self.tokens_in = workload.input_tokens_month1 * growth
        self.tokens_out = workload.output_tokens_month1 * growth
        self.cached_share = workload.cached_input_share
        self._priced: tuple[Any, Any, Any] | None = None
        self._drifts: dict[int, tuple[Any, Any]] = {}

    def priced_quantities(self) -> tuple[Any, Any, Any]:
        """Millions of uncached input, cached input (None when no share is cached) and output tokens,
        as the API line items count them; computed once and shared by every API and fallback."""
        if self._priced is None:
            cached = self.cached_share
            per = TOKENS_PER_PRICE_UNIT
            uncached = _then(self.tokens_in * (1 - cached), np.divide, per)
            cached_quantity = None if _is_zero(cached) else _then(self.tokens_in * cached, np.divide, per)
            self._priced = (uncached, cached_quantity, self.tokens_out / per)
        return self._priced

    def drift(self, change_per_year: Any) -> Any:
        """(1 + k)^((m − 1)/12) per month; an API's drift is computed once for it and its fallback copies."""
        if not isinstance(change_per_year, np.ndarray):
            return _power(1 + change_per_year, self.horizon, True)
        known = self._drifts.get(id(change_per_year))
        if known is None or known[0] is not change_per_year:
            known = (change_per_year, _power(1 + change_per_year, self.horizon, True))
            self._drifts[id(change_per_year)] = known
        return known[1]


def _then(fresh: Any, ufunc: Any, other: Any) -> Any:
    """`ufunc(fresh, other)`, written into `fresh` (a temporary of ours) when the result has its shape."""
    if isinstance(fresh, np.ndarray) and fresh.shape == np.broadcast_shapes(fresh.shape, np.shape(other)):
        return ufunc(fresh, other, out=fresh)
    return ufunc(fresh, other)


def _api_tokens(option: ApiInputs, workload: WorkloadInputs, months: _Months, total: _Sum) -> None:
    """Add the token cost (README: How the numbers are computed) with cache, batch, discount and drift:
    (input + cached) + output."""
    factor = (1 - option.batch_share * option.batch_discount) * (1 - option.discount) * \
        months.drift(option.price_change_per_year)
    uncached, cached, output = months.priced_quantities()
    cost = uncached * (option.price_per_million_input_tokens * factor)
    if cached is not None:
        cost = _then(cost, np.add, cached * (option.price_per_million_cached_input_tokens * factor))
    total.add(_then(cost, np.add, output * (option.price_per_million_output_tokens * factor)))


def _shared(shared: SharedCosts, months: _Months, total: _Sum, one_time: _Sum) -> None:
    """Add the shared categories (staff, setup, other, fine-tuning), and the one-time ones to `one_time`."""
    total.add(shared.staff_fte * (shared.cost_per_fte_year / 12))
    setup = 1 * shared.setup_cost
    total.add(setup, months.first)
    one_time.add(setup, months.first)
    total.add(1 * shared.other_monthly)
    tuning = shared.fine_tuning
    if tuning is not None:
        every = tuning.every_months
        runs = months.first if every is None else months.first | (np.mod(months.elapsed, every) == 0)
        gpu = tuning.gpu_hours * tuning.hourly_rate_per_gpu
        tokens = tuning.training_tokens / TOKENS_PER_PRICE_UNIT * tuning.price_per_million_training_tokens
        data = 1 * tuning.data_cost
        category = _Sum(total.shape)
        for item in (gpu, tokens, data):
            category.add(item, runs)
            one_time.add(item, runs)
        total.add(category.result())


def _gpus_busy(option: SelfHostedInputs, workload: WorkloadInputs, months: _Months) -> Any:
    seconds = _then(months.tokens_in / option.input_tokens_per_second, np.add,
                    months.tokens_out / option.output_tokens_per_second)
    return _then(seconds, np.divide, workload.active_hours_per_month * 3600)


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
                 shape: tuple[int, int]) -> tuple[Array, Any, Any]:
    """Monthly cost, its one-time part and its end-of-month part (the terminal value's credit) of a
    self-hosted option (README: How the numbers are computed)."""
    workload = scenario.workload
    go_live = option.go_live_month
    always_live = not isinstance(go_live, np.ndarray) and go_live <= 1
    live: Any = True if always_live else months.number >= go_live
    k = option.gpus_per_replica
    busy = _gpus_busy(option, workload, months)
    peak = _then(busy * workload.peak_to_average, np.divide, option.max_utilization * k)
    needed = _then(_then(tolerant_ceil(peak), np.maximum, option.min_replicas), np.multiply, k)
    needed = np.broadcast_to(needed, shape)
    total = _Sum(shape)
    one_time = _Sum(shape)
    at_end: Any = 0.0
    if option.fallback is not None and not always_live:
        fallback = _Sum(shape)
        _api_tokens(option.fallback, workload, months, fallback)
        total.add(np.where(live, 0.0, fallback.result()))
    if option.acquisition == "rent":
        gpus = needed if always_live else np.where(live, needed, 0.0)
        hours_active = workload.active_hours_per_month
        if option.scaling == "fixed":
            gpu_hours = gpus * HOURS_PER_MONTH
        elif option.scaling == "scheduled":
            gpu_hours = gpus * hours_active
        else:
            floor_gpus = option.min_replicas * option.gpus_per_replica
            in_use = np.maximum(floor_gpus, busy / option.max_utilization)
            gpu_hours = hours_active * in_use + (HOURS_PER_MONTH - hours_active) * floor_gpus
        gpu_hours = gpu_hours * (option.hourly_rate_per_gpu * months.drift(option.rent_change_per_year))
        total.add(gpu_hours if always_live else np.where(live, gpu_hours, 0.0))
    else:
        gpus = np.maximum.accumulate(needed if always_live else np.where(live, needed, 0.0), axis=1)
        previous = np.concatenate([np.zeros((shape[0], 1)), gpus[:, :-1]], axis=1)
        bought = gpus - previous
        c = option.capital_cost_per_gpu
        if scenario.basis == "cash":
            replaced = _replacements(bought, option.lifetime_months)
            capex = bought * c + replaced * c + replaced * (-option.residual_value * c)
            total.add(capex)
            one_time.add(capex)
        else:
            total.add(gpus * (c * (1 - option.residual_value) / option.lifetime_months))
        kwh = power_kwh_per_gpu_month(option.watts_per_gpu, option.load_factor, option.pue,
                                      option.power_hours_per_month)
        total.add(gpus * kwh * option.price_per_kwh)
        total.add(gpus * option.hosting_per_gpu_month)
        total.add(gpus * (c * option.maintenance_per_year / 12))
        if scenario.basis == "cash" and scenario.terminal_value == "book":
            at_end = _terminal_value(option, bought + replaced, months)
            total.add(at_end)
    _shared(option.shared, months, total, one_time)
    return np.broadcast_to(total.result(), shape), one_time.result(), at_end


def _terminal_value(option: SelfHostedInputs, purchases: Array, months: _Months) -> Array:
    """The credit of `tco.engine.projection.terminal_value_items` in the last month: every purchase (first or
    again) within `lifetime_months` of the end, at `c − months_used · c·(1 − residual)/lifetime`."""
    horizon = months.horizon
    used = horizon - months.number + 1  # months of use to the end, the purchase month counted
    c = option.capital_cost_per_gpu
    per_month = c * (1 - option.residual_value) / option.lifetime_months
    book = np.where(used <= option.lifetime_months, c - used * per_month, 0.0)
    credit = np.zeros(purchases.shape)
    credit[:, -1] = -np.sum(purchases * book, axis=1)
    return credit


def _api(option: ApiInputs, scenario: ScenarioInputs, months: _Months,
         shape: tuple[int, int]) -> tuple[Array, Any, Any]:
    """Monthly cost, its one-time part and its end-of-month part (none) of an API option (README: How the
    numbers are computed)."""
    total = _Sum(shape)
    one_time = _Sum(shape)
    _api_tokens(option, scenario.workload, months, total)
    total.add(1 * option.fixed_monthly)
    _shared(option.shared, months, total, one_time)
    return np.broadcast_to(total.result(), shape), one_time.result(), 0.0


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
    tokens = _TokensTotal(months, shape)
    discount = _power(1 + scenario.discount_rate, horizon, True)
    results: list[BatchOption] = []
    for index, option in enumerate(scenario.options):
        fallback = False
        if scalar_only:
            monthly, one_time, at_end = _scalar_rows(index, runs, horizon, scalar_scenario)
            fallback = True
        elif isinstance(option, ApiInputs) and vectorised_kind(option):
            monthly, one_time, at_end = _api(option, scenario, months, shape)
        elif isinstance(option, SelfHostedInputs) and vectorised_kind(option):
            monthly, one_time, at_end = _self_hosted(option, scenario, months, shape)
        else:
            monthly, one_time, at_end = _scalar_rows(index, runs, horizon, scalar_scenario)
            fallback = True
        results.append(BatchOption(option.name, option.kind, monthly, np.cumsum(monthly, axis=1),
                                   np.broadcast_to(np.asarray(one_time, dtype=np.float64), shape),
                                   discount, tokens, fallback,
                                   np.broadcast_to(np.asarray(at_end, dtype=np.float64), shape)))
    return results


def _scalar_rows(index: int, runs: int, horizon: int,
                 scalar_scenario: Callable[[int], ScenarioInputs]) -> tuple[Array, Array, Array]:
    """Monthly cost, one-time and end-of-month parts of option `index`, run by run with the scalar engine."""
    monthly = np.empty((runs, horizon))
    one_time = np.empty((runs, horizon))
    at_end = np.empty((runs, horizon))
    for run in range(runs):
        scenario = scalar_scenario(run)
        result = project_option(scenario.options[index], scenario)
        monthly[run] = [m.total for m in result.months]
        one_time[run] = [m.one_time for m in result.months]
        at_end[run] = [m.at_end for m in result.months]
    return monthly, one_time, at_end


def within_reference(versus: BatchOption) -> Array:
    """The most a cumulative cost may be and still count as at or below `versus`'s: C_A + 1e-9·max(1, |C_A|)."""
    limit = np.abs(versus.cumulative)
    np.maximum(limit, 1.0, out=limit)
    limit *= MONEY_TOLERANCE
    limit += versus.cumulative
    return limit


def break_even_batch(option: BatchOption, versus: BatchOption,
                     limit: Array | None = None) -> tuple[NDArray[np.int64], Array]:
    """Break-even month (0: never) and fractional months (NaN: never) of every run
    (README: How the numbers are computed).

    As `tco.engine.breakeven.break_even_month` / `break_even_months`: the first month from which the
    option's cumulative cost stays within 1e-9·max(1, |C_A|) of the reference's or below it.
    `limit` is `within_reference(versus)`, when several options are measured against it.
    """
    s, a = option.cumulative, versus.cumulative
    within = s <= (within_reference(versus) if limit is None else limit)
    horizon = s.shape[1]
    rows = np.arange(s.shape[0])
    backwards = within[:, ::-1]
    first_bad_back = np.argmin(backwards, axis=1)  # the last month that is not within, counted from the end
    all_within = backwards[rows, first_bad_back]
    month = np.where(all_within, 1, np.where(within[:, -1], horizon - first_bad_back + 1, 0)).astype(np.int64)
    at = np.clip(month - 1, 0, horizon - 1)
    s_cum, a_cum = s[rows, at], a[rows, at]
    s_tot, a_tot = option.monthly[rows, at], versus.monthly[rows, at]
    before = (s_cum - s_tot) - (a_cum - a_tot)
    at_start = before + option.one_time[rows, at] - versus.one_time[rows, at]
    before_end = s_cum - a_cum - (option.at_end[rows, at] - versus.at_end[rows, at])
    tolerance = MONEY_TOLERANCE * np.maximum(1.0, np.abs(a_cum))
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = month - 1 + np.minimum(1.0, at_start / (at_start - before_end))
    months = np.where(at_start <= tolerance, month - 1.0, np.where(before_end >= at_start, month * 1.0, inside))
    return month, np.where(month == 0, np.nan, months)

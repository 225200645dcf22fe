"""The cost engine over many scenarios at once: `tco.engine.projection`'s months, on numpy arrays.

Input is a `ScenarioInputs` whose numeric fields may be arrays of shape (runs, 1) instead of
numbers (one value per run); months run along the second axis, so every cost is a (runs, months)
array. Every cost comes from the functions the scalar engine calls (`tco.engine.formulas`, and the
hybrid's in `tco.engine.mixed`), and each option's lines are added in the scalar engine's order,
category by category, so a run gives what the scalar engine gives for the same inputs, up to the
last bit of `x ** y` (numpy's pow may differ from the C library's by one ulp), of a hybrid's exact
sums over the day's hours (compensated summation on arrays, `math.fsum` on numbers), and of the
order in which a routed option's categories add up when its routes share some.

Every option kind is projected on arrays: api, self-hosted, hybrid and routed (with any of these as
routes). A class this module does not know (a subclass, say) is projected with the scalar engine
run by run: correct, slower.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from tco.engine import formulas
from tco.engine.formulas import TOKENS_PER_PRICE_UNIT, Priced
from tco.engine.formulas import tolerant_ceil as tolerant_ceil  # the array form, for callers of this module
from tco.engine.inputs import (
    ApiInputs,
    HybridInputs,
    OptionInputs,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.mixed import (
    hourly_shape,
    hybrid_fleet,
    hybrid_go_live,
    overflow_share,
    scaled_workload,
    served_busy,
    sizing_ratio,
)
from tco.engine.projection import project_option
from tco.engine.results import END_OF_MONTH_CATEGORIES, ONE_TIME_CATEGORIES
from tco.frozen import replace

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


def _power(rate: Any, horizon: int, per_year: bool) -> Any:
    """`formulas.monthly_compound` (or `formulas.yearly_compound` when `per_year`) of `rate` for each
    month; a plain-number rate is raised with Python's pow, month by month, as the scalar engine does."""
    compound = formulas.yearly_compound if per_year else formulas.monthly_compound
    if isinstance(rate, np.ndarray):
        return compound(rate, np.arange(1, horizon + 1, dtype=np.float64))
    return _scalar_powers(float(rate), horizon, per_year)


@functools.lru_cache(maxsize=256)
def _scalar_powers(rate: float, horizon: int, per_year: bool) -> Array:
    compound = formulas.yearly_compound if per_year else formulas.monthly_compound
    powers = np.array([compound(rate, m) for m in range(1, horizon + 1)], dtype=np.float64)
    powers.flags.writeable = False
    return powers


def _is_zero(value: Any) -> bool:
    return not isinstance(value, np.ndarray) and value == 0


class _Months:
    """Per-month quantities of one workload: month numbers, token volumes, drifts."""

    def __init__(self, workload: WorkloadInputs, horizon: int, growth: Any = None,
                 drifts: dict[int, tuple[Any, Any]] | None = None) -> None:
        self.workload = workload
        self.number = np.arange(1, horizon + 1, dtype=np.float64)
        self.first = self.number == 1
        self.horizon = horizon
        self.growth = _power(workload.monthly_growth, horizon, False) if growth is None else growth
        self.tokens_in = workload.input_tokens_month1 * self.growth
        self.tokens_out = workload.output_tokens_month1 * self.growth
        self._quantities: tuple[Any, Any, Any] | None = None
        self._drifts: dict[int, tuple[Any, Any]] = {} if drifts is None else drifts

    def scaled(self, workload: WorkloadInputs) -> _Months:
        """The months of `workload`, a routed share of this one (same growth, the drifts shared)."""
        return _Months(workload, self.horizon, self.growth, self._drifts)

    def quantities(self) -> tuple[Any, Any, Any]:
        """`formulas.api_token_quantities` of the whole workload, computed once and shared by every
        API and fallback."""
        if self._quantities is None:
            self._quantities = formulas.api_token_quantities(self.tokens_in, self.tokens_out,
                                                             self.workload.cached_input_share)
        return self._quantities

    def drift(self, change_per_year: Any) -> Any:
        """`formulas.yearly_compound(k, m)` per month; an array's is computed once for every option
        that shares it (an API and its fallback copies)."""
        if not isinstance(change_per_year, np.ndarray):
            return _power(change_per_year, self.horizon, True)
        known = self._drifts.get(id(change_per_year))
        if known is None or known[0] is not change_per_year:
            known = (change_per_year, _power(change_per_year, self.horizon, True))
            self._drifts[id(change_per_year)] = known
        return known[1]


class _Sum:
    """A running sum of amounts, added in the order they come (x + 0 is x, so zeros are skipped)."""

    __slots__ = ("owned", "value")

    def __init__(self) -> None:
        self.value: Any = None
        self.owned = False  # whether `value` is an array made here, so it may be added into in place

    def add(self, amount: Any) -> None:
        if self.value is None:
            self.value = amount
        elif self.owned and self.value.shape == np.broadcast_shapes(self.value.shape, np.shape(amount)):
            self.value += amount
        else:
            self.value = self.value + amount
            self.owned = isinstance(self.value, np.ndarray)

    def result(self) -> Any:
        return 0.0 if self.value is None else self.value


class _Ledger:
    """One option's costs for every run and month, line by line in the scalar engine's order: each
    category's running sum (in the order categories first come), and the one-time and
    end-of-month parts."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self.categories: dict[str, _Sum] = {}
        self.one_time = _Sum()
        self.at_end = _Sum()

    def add(self, category: str, line: Priced, months: Any = True) -> None:
        """Add `line`'s amount in every month, or only where the boolean array `months` holds."""
        amount = line.amount
        if _is_zero(amount):
            return
        if months is not True:
            amount = np.where(months, amount, 0.0)
        self.categories.setdefault(category, _Sum()).add(amount)
        if category in ONE_TIME_CATEGORIES:
            self.one_time.add(amount)
        elif category in END_OF_MONTH_CATEGORIES:
            self.at_end.add(amount)

    def monthly(self) -> Array:
        """Each month's cost: the categories' sums, added in order."""
        total = _Sum()
        for category in self.categories.values():
            total.add(category.result())
        return np.broadcast_to(total.result(), self.shape)


def _api_tokens(option: ApiInputs, months: _Months, ledger: _Ledger, category: str,
                quantities: tuple[Any, Any, Any] | None = None, when: Any = True) -> None:
    """Add `option`'s token lines (uncached input, cached input, output) for `quantities` (default:
    the whole workload's), in the months `when` holds; no cached line when no share is cached."""
    factor = formulas.price_factor(option.batch_share, option.batch_discount, option.discount,
                                   months.drift(option.price_change_per_year))
    uncached, cached, output = months.quantities() if quantities is None else quantities
    # `formulas.api_token_lines`, a line at a time so that each temporary array is freed at once
    ledger.add(category, formulas.api_token_line(uncached, option.price_per_million_input_tokens, factor), when)
    if not _is_zero(months.workload.cached_input_share):
        ledger.add(category, formulas.api_token_line(cached, option.price_per_million_cached_input_tokens, factor),
                   when)
    ledger.add(category, formulas.api_token_line(output, option.price_per_million_output_tokens, factor), when)


def _shared(shared: SharedCosts, months: _Months, ledger: _Ledger, rows: Any = True) -> None:
    """Add the shared categories (staff, setup, other, fine-tuning), in the runs `rows` holds."""
    ledger.add("staff", formulas.staff(shared.staff_fte, shared.cost_per_fte_year), rows)
    ledger.add("setup", formulas.once(shared.setup_cost), months.first & rows)
    ledger.add("other", formulas.once(shared.other_monthly), rows)
    tuning = shared.fine_tuning
    if tuning is not None:
        due = formulas.fine_tuning_due(months.number, tuning.every_months) & rows
        for line in formulas.fine_tuning_lines(tuning.gpu_hours, tuning.hourly_rate_per_gpu, tuning.training_tokens,
                                               tuning.price_per_million_training_tokens, tuning.data_cost):
            ledger.add("fine_tuning", line, due)


def _gpus_busy(option: SelfHostedInputs, months: _Months) -> Any:
    return formulas.gpus_busy(months.tokens_in, months.tokens_out, option.input_tokens_per_second,
                              option.output_tokens_per_second, months.workload.active_hours_per_month)


def _live(go_live: Any, months: _Months) -> Any:
    """Whether each month is at or after `go_live` (True when every month is)."""
    if formulas.is_plain(go_live) and go_live <= 1:
        return True
    return months.number >= go_live


def _stack(columns: Sequence[Any], shape: tuple[int, int]) -> Array:
    """Per-month values (numbers or per-run arrays) as a (runs, months) array."""
    result = np.empty(shape)
    for month, column in enumerate(columns):
        result[:, month] = column
    return result


def _rows(value: Any, rows: Any) -> Any:
    """`value` for the runs `rows` selects, when it has one value per run."""
    if rows is None or not isinstance(value, np.ndarray) or value.ndim != 2:
        return value
    return value[rows]


def _lifetimes(lifetime: Any, runs: int) -> list[tuple[int, Any]]:
    """Each distinct lifetime (months) and the runs that have it (None: every run)."""
    if not isinstance(lifetime, np.ndarray):
        return [(int(lifetime), None)]
    values = np.broadcast_to(lifetime, (runs, 1))[:, 0]
    return [(int(value), values == value) for value in np.unique(values)]


@dataclass
class _Fleet:
    """A self-hosted fleet over the horizon: GPUs each month, and (owned) bought and bought again."""

    gpus: Array
    bought: Any = 0.0
    again: Any = 0.0


def _fleet(option: SelfHostedInputs, needed: Any, live: Any, shape: tuple[int, int]) -> _Fleet:
    """The fleet each month for the GPUs `needed` (`formulas.live_fleet`, `formulas.owned_fleet`), with
    (owned) its purchases and replacements."""
    gpus = np.broadcast_to(formulas.live_fleet(needed, live), shape)
    if option.acquisition != "buy":
        return _Fleet(gpus)
    gpus = _stack(formulas.owned_fleet(gpus.T), shape)
    bought = _stack(formulas.purchases(gpus.T), shape)
    again = np.zeros(shape)
    for lifetime, rows in _lifetimes(option.lifetime_months, shape[0]):
        part = gpus if rows is None else gpus[rows]
        replaced = _stack(formulas.replacements(part.T, lifetime), part.shape)
        if rows is None:
            again = replaced
        else:
            again[rows] = replaced
    return _Fleet(gpus, bought, again)


def _fleet_costs(option: SelfHostedInputs, scenario: ScenarioInputs, months: _Months, ledger: _Ledger,
                 fleet: _Fleet, busy: Any, live: Any) -> None:
    """Add the fleet's lines (docs/formulas.md): rent for the GPU-hours billed
    (autoscale following `busy`, in the months `live` holds), or the owned GPUs' capital, power,
    hosting and maintenance."""
    gpus = fleet.gpus
    if option.acquisition == "rent":
        hours = formulas.rent_gpu_hours(option.scaling, gpus, months.workload.active_hours_per_month, busy,
                                        option.max_utilization, option.min_replicas, option.gpus_per_replica)
        ledger.add("gpu_rent", formulas.rent(hours, option.hourly_rate_per_gpu,
                                             months.drift(option.rent_change_per_year)), live)
        return
    c = option.capital_cost_per_gpu
    if scenario.basis == "cash":
        ledger.add("capex", formulas.purchase(fleet.bought, c))
        ledger.add("capex", formulas.purchase(fleet.again, c))
        ledger.add("capex", formulas.resale(fleet.again, c, option.residual_value))
    else:
        ledger.add("depreciation", formulas.depreciation(gpus, c, option.residual_value, option.lifetime_months))
    ledger.add("power", formulas.power(gpus, option.watts_per_gpu, option.load_factor, option.pue,
                                       option.power_hours_per_month, option.price_per_kwh))
    ledger.add("hosting", formulas.hosting(gpus, option.hosting_per_gpu_month))
    ledger.add("maintenance", formulas.maintenance(gpus, c, option.maintenance_per_year))


def _terminal_value(option: SelfHostedInputs, scenario: ScenarioInputs, ledger: _Ledger, fleet: _Fleet) -> None:
    """Add the last month's credit for the owned GPUs held at the end (`terminal_value: book`, cash
    basis): each purchase, first or again, within `lifetime_months` of the end at its book value."""
    if option.acquisition != "buy" or scenario.basis != "cash" or scenario.terminal_value != "book":
        return
    shape = fleet.gpus.shape
    horizon = shape[1]
    credit = np.zeros(shape)
    for lifetime, rows in _lifetimes(option.lifetime_months, shape[0]):
        bought, again = _rows(fleet.bought, rows), _rows(fleet.again, rows)
        c, residual = _rows(option.capital_cost_per_gpu, rows), _rows(option.residual_value, rows)
        held = _Sum()
        for index in formulas.held_at_end(horizon, lifetime):
            count = bought[:, index:index + 1] + again[:, index:index + 1]
            per_gpu = formulas.book_value(c, residual, lifetime, horizon - index)
            held.add(formulas.terminal_credit(count, per_gpu).amount)
        part = np.broadcast_to(held.result(), (len(bought), 1))[:, 0]
        if rows is None:
            credit[:, -1] = part
        else:
            credit[rows, -1] = part
    ledger.add("terminal_value", Priced(credit, 1))


def _self_hosted(option: SelfHostedInputs, scenario: ScenarioInputs, months: _Months, ledger: _Ledger) -> None:
    """A self-hosted option: its fallback before go-live, then its fleet sized for the busiest hour."""
    live = _live(option.go_live_month, months)
    if option.fallback is not None and live is not True:
        _api_tokens(option.fallback, months, ledger, "fallback_api", when=~live)
    busy = _gpus_busy(option, months)
    needed = formulas.fleet_size(busy * months.workload.peak_to_average, option.max_utilization,
                                 option.gpus_per_replica, option.min_replicas)
    fleet = _fleet(option, needed, live, ledger.shape)
    _fleet_costs(option, scenario, months, ledger, fleet, busy, live)
    _terminal_value(option, scenario, ledger, fleet)


def _hybrid(option: HybridInputs, scenario: ScenarioInputs, months: _Months, ledger: _Ledger) -> None:
    """A hybrid (`tco.engine.mixed`): the fleet sized by `size_for`, the overflow's token lines on
    its API, and the self-hosted option's shared costs in the runs where it runs a fleet at all."""
    hosted, workload = option.self_hosted, months.workload
    live = _live(hybrid_go_live(option), months)
    if hosted.fallback is not None and live is not True:
        _api_tokens(hosted.fallback, months, ledger, "fallback_api", when=~live)
    busy = _gpus_busy(hosted, months)
    shape = hourly_shape(workload)
    needed = hybrid_fleet(option, busy, sizing_ratio(option, workload.peak_to_average, shape))
    fleet = _fleet(hosted, needed, _live(hosted.go_live_month, months), ledger.shape)
    share = overflow_share(tuple(busy * r for r in shape), fleet.gpus * hosted.max_utilization)
    _fleet_costs(hosted, scenario, months, ledger, fleet, served_busy(busy, share), live)
    overflow = formulas.api_token_quantities(months.tokens_in * share, months.tokens_out * share,
                                             workload.cached_input_share)
    _api_tokens(option.overflow, months, ledger, "api", overflow, live)
    _terminal_value(hosted, scenario, ledger, fleet)
    _shared(hosted.shared, months, ledger, (fleet.gpus > 0).any(axis=1, keepdims=True))


def _routed(option: RoutedInputs, scenario: ScenarioInputs, months: _Months, ledger: _Ledger) -> None:
    """A routed option: each route's option on its share of the tokens, line by line in route order."""
    for route in option.routes:
        workload = scaled_workload(scenario.workload, route.share)
        _option(route.option, replace(scenario, workload=workload), months.scaled(workload), ledger)


def _option(option: OptionInputs, scenario: ScenarioInputs, months: _Months, ledger: _Ledger) -> None:
    """Add every line of any option, with its own staff, setup, other and fine-tuning costs."""
    if isinstance(option, ApiInputs):
        _api_tokens(option, months, ledger, "api")
        ledger.add("api", formulas.once(option.fixed_monthly))
    elif isinstance(option, SelfHostedInputs):
        _self_hosted(option, scenario, months, ledger)
    elif isinstance(option, HybridInputs):
        _hybrid(option, scenario, months, ledger)
    else:
        _routed(option, scenario, months, ledger)
    _shared(option.shared, months, ledger)


def vectorised_kind(option: OptionInputs) -> bool:
    """Whether this module projects the option on arrays (others go run by run through the scalar engine)."""
    if type(option) is HybridInputs:
        return vectorised_kind(option.self_hosted) and vectorised_kind(option.overflow)
    if type(option) is RoutedInputs:
        return all(vectorised_kind(route.option) for route in option.routes)
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
    tokens: Any = _TokensTotal(months, shape)
    discount = _power(scenario.discount_rate, horizon, True)
    rows: list[tuple[OptionInputs, bool, Array, Any, Any]] = []
    for index, option in enumerate(scenario.options):
        fallback = scalar_only or not vectorised_kind(option)
        if fallback:
            monthly, one_time, at_end, run_tokens = _scalar_rows(index, runs, horizon, scalar_scenario)
            if scalar_only:  # `scenario` is only the central one: each run's own volumes
                tokens = run_tokens
        else:
            ledger = _Ledger(shape)
            _option(option, scenario, months, ledger)
            monthly, one_time, at_end = ledger.monthly(), ledger.one_time.result(), ledger.at_end.result()
        rows.append((option, fallback, monthly, one_time, at_end))
    return [BatchOption(option.name, option.kind, monthly, np.cumsum(monthly, axis=1),
                        np.broadcast_to(np.asarray(one_time, dtype=np.float64), shape), discount, tokens, fallback,
                        np.broadcast_to(np.asarray(at_end, dtype=np.float64), shape))
            for option, fallback, monthly, one_time, at_end in rows]


def _scalar_rows(index: int, runs: int, horizon: int,
                 scalar_scenario: Callable[[int], ScenarioInputs]) -> tuple[Array, Array, Array, Array]:
    """Monthly cost, one-time and end-of-month parts of option `index`, run by run with the scalar engine,
    and each run's tokens over the horizon."""
    monthly = np.empty((runs, horizon))
    one_time = np.empty((runs, horizon))
    at_end = np.empty((runs, horizon))
    tokens = np.empty(runs)
    for run in range(runs):
        scenario = scalar_scenario(run)
        result = project_option(scenario.options[index], scenario)
        monthly[run] = [m.total for m in result.months]
        one_time[run] = [m.one_time for m in result.months]
        at_end[run] = [m.at_end for m in result.months]
        tokens[run] = np.cumsum([m.input_tokens + m.output_tokens for m in result.months])[-1]
    return monthly, one_time, at_end, tokens


def within_reference(versus: BatchOption) -> Array:
    """The most a cumulative cost may be and still count as at or below `versus`'s (`formulas.at_most`):
    C_A + 1e-9·max(1, |C_A|)."""
    limit: Array = versus.cumulative + formulas.money_tolerance(versus.cumulative)
    return limit


class _AtMonth(NamedTuple):
    """Each run's figures in its own month of an option (`formulas.MonthFigures`)."""

    cumulative: Array
    total: Array
    one_time: Array
    at_end: Array


def _at(option: BatchOption, rows: NDArray[np.int64], at: NDArray[np.int64]) -> _AtMonth:
    return _AtMonth(option.cumulative[rows, at], option.monthly[rows, at], option.one_time[rows, at],
                    option.at_end[rows, at])


def break_even_batch(option: BatchOption, versus: BatchOption,
                     limit: Array | None = None) -> tuple[NDArray[np.int64], Array]:
    """Break-even month (0: never) and fractional months (NaN: never) of every run
    (docs/formulas.md).

    As `tco.engine.breakeven.break_even_month` / `break_even_months`: the first month from which the
    option's cumulative cost stays within 1e-9·max(1, |C_A|) of the reference's or below it.
    `limit` is `within_reference(versus)`, when several options are measured against it.
    """
    s = option.cumulative
    within = s <= (within_reference(versus) if limit is None else limit)
    horizon = s.shape[1]
    rows = np.arange(s.shape[0])
    backwards = within[:, ::-1]
    first_bad_back = np.argmin(backwards, axis=1)  # the last month that is not within, counted from the end
    all_within = backwards[rows, first_bad_back]
    month = np.where(all_within, 1, np.where(within[:, -1], horizon - first_bad_back + 1, 0)).astype(np.int64)
    at = np.clip(month - 1, 0, horizon - 1)
    months = formulas.crossing_months(month, _at(option, rows, at), _at(versus, rows, at))
    return month, np.where(month == 0, np.nan, months)

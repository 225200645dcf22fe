"""Every cost formula of the engine, once (docs/formulas.md).

The scalar engine (`tco.engine.line_items`, `tco.engine.mixed`), the vectorised engine
(`tco.engine.vectorised`, the same month for thousands of runs at once) and the break-even steady
state (`tco.engine.breakeven`) all call these functions, so the three cannot drift apart.

Each function takes plain numbers or numpy arrays alike (a row per run, the months along the last
axis): the arithmetic is written with Python's operators, and the few operations that are not
operators (ceil, max, min, a choice, an exact sum, a sort) come from `operations(...)`, Python's own
for plain numbers and numpy's for arrays. numpy is imported only when an array is passed, so
`tco compare` never loads it. The few formulas that go month by month (an owned fleet, its
purchases and replacements) take a list of months, or an array with the months along its first axis.

A cost line is a `Priced(quantity, unit_price)`, its amount `quantity × unit_price`: the scalar
engine turns it into a line item, the vectorised engine multiplies it out, the break-even model
prices one GPU with it. Every caller evaluates the same expression in the same order, so they agree
to the last bit (but for `exact_sum`, which is `math.fsum` only on plain numbers).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from tco.defaults import HOURS_IN_A_MONTH

HOURS_PER_MONTH = HOURS_IN_A_MONTH  # 730.0: 365 days × 24 hours / 12, the default active hours too
DAYS_PER_MONTH = 365 / 12
TOKENS_PER_PRICE_UNIT = 1e6  # API prices are per 1M tokens (docs/scenario.md)
SECONDS_PER_HOUR = 3600
CEIL_TOLERANCE = 1e-9  # an excess over a whole number the ceiling ignores, relative to max(1, |x|)
MONEY_TOLERANCE = 1e-9  # a difference of money that counts as none, relative to max(1, |amount|)

# A plain number (int or float) or a numpy array of them: every argument and result below.
Value = Any
_PLAIN = (int, float)
# Values month by month: a list, or an array with the months along its first axis.
ByMonth = Any


# --- operations that are not operators: Python's on numbers, numpy's on arrays -------------------


def is_plain(value: Value) -> bool:
    """Whether `value` is a plain Python number rather than an array."""
    return isinstance(value, _PLAIN)


def _plain_ceil(x: float) -> int:
    below = math.floor(x)
    if x - below <= CEIL_TOLERANCE * max(1.0, abs(x)):
        return below
    return math.ceil(x)


def _plain_where(condition: Value, if_true: Value, if_false: Value) -> Value:
    return if_true if condition else if_false


class Operations(NamedTuple):
    """The operations the formulas need that are not operators, for one kind of value."""

    tolerant_ceil: Callable[[Value], Value]
    maximum: Callable[[Value, Value], Value]  # the larger; the first when they are equal, as `max` gives
    minimum: Callable[[Value, Value], Value]  # the smaller; the first when they are equal, as `min` gives
    where: Callable[[Value, Value, Value], Value]  # the second where the first holds, else the third
    exact_sum: Callable[[Sequence[Value]], Value]
    sorted_values: Callable[[Sequence[Value]], list[Value]]


PLAIN = Operations(_plain_ceil, max, min, _plain_where, math.fsum, sorted)


@functools.cache
def _array_operations() -> Operations:
    """numpy's operations, made once an array is in hand (so numpy is already loaded)."""
    import numpy as np

    def ceil(x: Any) -> Any:
        below = np.floor(x)
        if not isinstance(below, np.ndarray):  # a 0-d array
            return _plain_ceil(float(x))
        limit = np.abs(x)
        np.maximum(limit, 1.0, out=limit)
        limit *= CEIL_TOLERANCE
        excess = x - below
        # ceil(x) is below + 1 wherever the excess beats the tolerance
        return np.add(below, np.greater(excess, limit, out=excess), out=below)

    def compensated_sum(values: Sequence[Any]) -> Any:
        # Neumaier's summation, element-wise: exact but for the last bit at most
        total: Any = 0.0
        error: Any = 0.0
        for value in values:
            step = total + value
            error = error + np.where(np.abs(total) >= np.abs(value), (total - step) + value, (value - step) + total)
            total = step
        return total + error

    def sort(values: Sequence[Any]) -> list[Any]:
        return list(np.sort(np.stack(np.broadcast_arrays(*values)), axis=0))

    return Operations(ceil, np.maximum, np.minimum, np.where, compensated_sum, sort)


def operations(*values: Value) -> Operations:
    """Python's operations when every one of `values` is a plain number, else numpy's."""
    for value in values:
        if not isinstance(value, _PLAIN):
            return _array_operations()
    return PLAIN


def tolerant_ceil(x: Value) -> Value:
    """`ceil(x)`, ignoring an excess of at most 1e-9·max(1, |x|) over a whole number, so that
    floating-point noise never buys a GPU. An int for a plain number, floats for an array."""
    return operations(x).tolerant_ceil(x)


def maximum(a: Value, b: Value) -> Value:
    """The larger of `a` and `b` (element-wise); `a` when they are equal, as `max` gives."""
    return operations(a, b).maximum(a, b)


def minimum(a: Value, b: Value) -> Value:
    """The smaller of `a` and `b` (element-wise); `a` when they are equal, as `min` gives."""
    return operations(a, b).minimum(a, b)


def where(condition: Value, if_true: Value, if_false: Value) -> Value:
    """`if_true` where `condition` holds, else `if_false` (element-wise for an array condition)."""
    return operations(condition).where(condition, if_true, if_false)


def exact_sum(values: Sequence[Value]) -> Value:
    """The sum of `values`: exactly rounded (`math.fsum`) for plain numbers; for arrays,
    element-wise compensated (Neumaier) summation, exact but for the last bit at most."""
    return operations(*values).exact_sum(values)


def sorted_values(values: Sequence[Value]) -> list[Value]:
    """`values` in ascending order (per run, for arrays: the k-th is every run's k-th smallest)."""
    return operations(*values).sorted_values(values)


# --- cost lines --------------------------------------------------------------------------------


class Priced(NamedTuple):
    """A quantity at a unit price: one line of a month's cost."""

    quantity: Value
    unit_price: Value

    @property
    def amount(self) -> Value:
        """`quantity × unit_price`."""
        return self.quantity * self.unit_price


def once(cost: Value) -> Priced:
    """A cost paid as it is (a fee, setup, other monthly costs, a data run): `1 × cost`."""
    return Priced(1, cost)


# --- volume, prices and drift ----------------------------------------------------------------


def compound(rate: Value, periods: Value) -> Value:
    """`(1 + rate)^periods`: `rate` compounded over `periods` periods."""
    return (1 + rate) ** periods


def monthly_compound(rate_per_month: Value, month: Value) -> Value:
    """`(1 + g)^(m − 1)`: the volume's growth by month m (1-based) at `g` a month."""
    return compound(rate_per_month, month - 1)


def yearly_compound(rate_per_year: Value, month: Value) -> Value:
    """`(1 + k)^((m − 1)/12)`: a yearly rate compounded by month m (1-based): the drift of API prices
    (`price_change_per_year`) and of rent (`rent_change_per_year`), and the NPV's discount factor."""
    return compound(rate_per_year, (month - 1) / 12)


def price_factor(batch_share: Value, batch_discount: Value, discount: Value, drift: Value) -> Value:
    """`(1 − s_b·d_b)·(1 − d)·f(m)`: the share of an API's list price paid, with its batch share at
    the batch discount, the negotiated discount and the price drift `f(m)`."""
    return (1 - batch_share * batch_discount) * (1 - discount) * drift


def api_token_quantities(tokens_in: Value, tokens_out: Value, cached_share: Value) -> tuple[Value, Value, Value]:
    """Millions of uncached input, cached input and output tokens: `in·(1 − c)/1e6`, `in·c/1e6`, `out/1e6`."""
    per = TOKENS_PER_PRICE_UNIT
    return tokens_in * (1 - cached_share) / per, tokens_in * cached_share / per, tokens_out / per


def api_token_line(quantity: Value, price_per_million: Value, factor: Value) -> Priced:
    """Millions of tokens at an API's list price per 1M times its `price_factor`."""
    return Priced(quantity, price_per_million * factor)


def api_token_lines(quantities: tuple[Value, Value, Value], price_in: Value, price_cached: Value,
                    price_out: Value, factor: Value) -> tuple[Priced, Priced, Priced]:
    """An API's token cost `[in·((1−c)·p_in + c·p_cached) + out·p_out]/1e6 · factor` as three lines
    (uncached input, cached input, output), from `api_token_quantities`; `factor` is `price_factor`."""
    uncached, cached, output = quantities
    return (api_token_line(uncached, price_in, factor), api_token_line(cached, price_cached, factor),
            api_token_line(output, price_out, factor))


# --- the fleet -------------------------------------------------------------------------------


def gpus_busy(tokens_in: Value, tokens_out: Value, input_tokens_per_second: Value,
              output_tokens_per_second: Value, active_hours: Value) -> Value:
    """`busy = (in/X + out/Y) / (h·3600)`: GPUs busy on average in the active hours `h` to process
    `in` input and `out` output tokens at X and Y tokens per second per GPU."""
    gpu_seconds = tokens_in / input_tokens_per_second + tokens_out / output_tokens_per_second
    return gpu_seconds / (active_hours * SECONDS_PER_HOUR)


def replicas_needed(load: Value, per_replica: Value, min_replicas: Value) -> Value:
    """`max(min_replicas, ceil(load / per_replica))`: replicas for `load`, each carrying `per_replica`
    of it (busy GPUs at max_utilization, or the break-even model's tokens a month)."""
    return maximum(min_replicas, tolerant_ceil(load / per_replica))


def fleet_size(load: Value, max_utilization: Value, gpus_per_replica: Value, min_replicas: Value) -> Value:
    """`gpus = max(min_replicas, ceil(load / (u·k)))·k`: the GPUs to carry `load` busy GPUs (e.g.
    `busy·peak_to_average`, the busiest hour) at max_utilization `u`, in replicas of `k` GPUs."""
    return replicas_needed(load, max_utilization * gpus_per_replica, min_replicas) * gpus_per_replica


def live_fleet(needed: Value, live: Value) -> Value:
    """The GPUs a fleet needs once live (`live`: the month is at or after go-live), none before."""
    return where(live, needed, 0)


def owned_fleet(fleet_needed: ByMonth) -> list[Value]:
    """An owned fleet month by month: the running maximum of the fleet needed (it never shrinks)."""
    fleet: list[Value] = []
    held: Value = 0
    for gpus in fleet_needed:
        held = maximum(held, gpus)
        fleet.append(held)
    return fleet


def fleet_floor(gpus: Value, min_replicas: Value, gpus_per_replica: Value) -> Value:
    """`floor = min(gpus, min_replicas·k)`: the GPUs an autoscaled fleet keeps up when idle."""
    return minimum(gpus, min_replicas * gpus_per_replica)


def billed_hours_per_gpu(scaling: str, active_hours: Value) -> Value:
    """Hours a month a rented GPU is billed when always up (`fixed`: 730) or up in the active hours
    only (`scheduled`: h)."""
    return HOURS_PER_MONTH if scaling == "fixed" else active_hours


def rent_gpu_hours(scaling: str, gpus: Value, active_hours: Value, busy: Value, max_utilization: Value,
                   min_replicas: Value, gpus_per_replica: Value) -> Value:
    """GPU-hours billed in a month for a rented fleet of `gpus`: `gpus · 730` (fixed), `gpus · h`
    (scheduled); autoscale follows the load, `h · max(floor, busy / u) + (730 − h) · floor` with
    `floor = fleet_floor(gpus, min_replicas, k)`."""
    if scaling != "autoscale":
        return gpus * billed_hours_per_gpu(scaling, active_hours)
    floor_gpus = fleet_floor(gpus, min_replicas, gpus_per_replica)
    in_use = maximum(floor_gpus, busy / max_utilization)
    return active_hours * in_use + (HOURS_PER_MONTH - active_hours) * floor_gpus


def hourly_rate(hourly_rate_per_gpu: Value, drift: Value) -> Value:
    """Rent per GPU-hour in month m: the rate with its drift, `rate · (1 + k)^((m−1)/12)`."""
    return hourly_rate_per_gpu * drift


def rent(gpu_hours: Value, hourly_rate_per_gpu: Value, drift: Value) -> Priced:
    """Rent: the GPU-hours billed at the month's `hourly_rate`."""
    return Priced(gpu_hours, hourly_rate(hourly_rate_per_gpu, drift))


# --- owned GPUs --------------------------------------------------------------------------------


def capital_cost_per_gpu(purchase_price_per_gpu: Value, server_cost_share: Value) -> Value:
    """`c = purchase_price · (1 + server_cost_share)`: a GPU and its share of servers, network and storage."""
    return purchase_price_per_gpu * (1 + server_cost_share)


def depreciation_per_gpu_month(c: Value, residual_value: Value, lifetime_months: Value) -> Value:
    """`c·(1 − residual_value)/lifetime_months`: straight-line depreciation of one GPU for a month."""
    return c * (1 - residual_value) / lifetime_months


def purchase(gpus: Value, c: Value) -> Priced:
    """GPUs bought (or bought again at the end of their life) at `c` each."""
    return Priced(gpus, c)


def resale(gpus: Value, c: Value, residual_value: Value) -> Priced:
    """GPUs replaced at the end of their life, sold at `residual_value · c` each (a negative cost)."""
    return Priced(gpus, -residual_value * c)


def depreciation(gpus: Value, c: Value, residual_value: Value, lifetime_months: Value) -> Priced:
    """The amortized basis' capital cost: `gpus` GPU-months of straight-line depreciation."""
    return Priced(gpus, depreciation_per_gpu_month(c, residual_value, lifetime_months))


def power_kwh_per_gpu_month(watts_per_gpu: Value, load_factor: Value, pue: Value, hours: Value) -> Value:
    """`watts · load_factor · pue · hours_per_month / 1000`: kWh one GPU draws in a month."""
    return watts_per_gpu * load_factor * pue * hours / 1000


def power(gpus: Value, watts_per_gpu: Value, load_factor: Value, pue: Value, hours: Value,
          price_per_kwh: Value) -> Priced:
    """Electricity: `gpus · watts · load_factor · pue · hours_per_month / 1000` kWh at `price_per_kwh`."""
    return Priced(gpus * power_kwh_per_gpu_month(watts_per_gpu, load_factor, pue, hours), price_per_kwh)


def hosting(gpus: Value, hosting_per_gpu_month: Value) -> Priced:
    """Hosting and rack space: `gpus` GPU-months at `hosting_per_gpu_month`."""
    return Priced(gpus, hosting_per_gpu_month)


def maintenance(gpus: Value, c: Value, maintenance_per_year: Value) -> Priced:
    """Maintenance: `gpus` GPU-months at `c · maintenance_per_year / 12`."""
    return Priced(gpus, c * maintenance_per_year / 12)


def purchases(fleet: ByMonth) -> list[Value]:
    """GPUs bought each month: the first month's fleet, then its growth `fleet(m) − fleet(m − 1)`
    (an owned fleet never shrinks)."""
    return [fleet[0], *(fleet[i] - fleet[i - 1] for i in range(1, len(fleet)))]


def replacements(fleet: ByMonth, lifetime_months: int) -> list[Value]:
    """GPUs bought again each month: each month's purchases (a cohort) again every
    `lifetime_months` after it."""
    again: list[Value] = [0] * len(fleet)
    for month, count in enumerate(purchases(fleet)):
        for later in range(month + lifetime_months, len(fleet), lifetime_months):
            again[later] = again[later] + count
    return again


def held_at_end(horizon: int, lifetime_months: int) -> range:
    """The months (0-based) whose purchases, first or again, are still owned after the last month
    of `horizon`: those within `lifetime_months` of its end."""
    return range(max(0, horizon - lifetime_months), horizon)


def book_value(c: Value, residual_value: Value, lifetime_months: Value, months_used: Value) -> Value:
    """`c − months_used · c·(1 − residual_value)/lifetime_months`: a GPU's straight-line book value
    after `months_used` months (the purchase month counted), the depreciation of the amortized
    basis. A GPU whose life ends in the last month is worth its residual value `residual_value · c`."""
    return c - months_used * depreciation_per_gpu_month(c, residual_value, lifetime_months)


def terminal_credit(gpus: Value, book_value_per_gpu: Value) -> Priced:
    """Owned GPUs still held after the last month, credited at their book value (a negative cost)."""
    return Priced(gpus, -book_value_per_gpu)


# --- costs every option carries ----------------------------------------------------------------


def staff(staff_fte: Value, cost_per_fte_year: Value) -> Priced:
    """Staff: `fte` FTE-months at `cost_per_fte_year / 12`."""
    return Priced(staff_fte, cost_per_fte_year / 12)


def fine_tuning_due(month: Value, every_months: Value | None) -> Value:
    """Whether a fine-tuning run falls in `month` (1-based): month 1, then every `every_months`
    (None: month 1 only)."""
    if every_months is None:
        return month == 1
    return (month == 1) | ((month - 1) % every_months == 0)


def fine_tuning_lines(gpu_hours: Value, hourly_rate_per_gpu: Value, training_tokens: Value,
                      price_per_million_training_tokens: Value, data_cost: Value) -> tuple[Priced, Priced, Priced]:
    """One fine-tuning run, `gpu_hours · rate + training_tokens/1e6 · price + data_cost`, as three
    lines: GPU time, training tokens, data work."""
    return (Priced(gpu_hours, hourly_rate_per_gpu),
            Priced(training_tokens / TOKENS_PER_PRICE_UNIT, price_per_million_training_tokens),
            once(data_cost))


# --- comparing costs -------------------------------------------------------------------------


def money_tolerance(reference: Value) -> Value:
    """`1e-9·max(1, |reference|)`: a difference from `reference` that rounding alone can make."""
    return MONEY_TOLERANCE * maximum(1.0, abs(reference))


def at_most(cost: Value, reference: Value) -> Value:
    """`cost ≤ reference`, allowing `money_tolerance(reference)` so that rounding never decides."""
    return cost <= reference + money_tolerance(reference)


class MonthFigures(Protocol):
    """One option's figures in one month: what a break-even crossing is placed with."""

    @property
    def cumulative(self) -> Value: ...
    @property
    def total(self) -> Value: ...
    @property
    def one_time(self) -> Value: ...
    @property
    def at_end(self) -> Value: ...


def crossing_months(month: Value, option: MonthFigures, versus: MonthFigures) -> Value:
    """Where inside the break-even month `month` the cumulative curves of `option` and `versus` cross,
    in months (e.g. 17.8).

    One-time costs land at the month's start, the end-of-month ones (the terminal value's credit) at
    its very end, every other cost accrues evenly. With the gap `before = (S − s) − (A − a)` before
    the month (S, A cumulative, s, a the month's costs), `at_start = before + (s₁ − a₁)` after the
    one-time costs (s₁, a₁), `before_end = S − A − (s_e − a_e)` before the end-of-month ones (s_e, a_e):
    `month − 1` when the gap at the start is within the money tolerance, `month` when it does not
    close during the month (the end-of-month credit alone closes it), else
    `month − 1 + min(1, at_start / (at_start − before_end))`.
    """
    before = (option.cumulative - option.total) - (versus.cumulative - versus.total)
    at_start = before + option.one_time - versus.one_time
    before_end = option.cumulative - versus.cumulative - (option.at_end - versus.at_end)
    closes_later = before_end >= at_start
    inside = month - 1 + minimum(1.0, at_start / where(closes_later, 1.0, at_start - before_end))
    return where(at_start <= money_tolerance(versus.cumulative), month - 1.0,
                 where(closes_later, month * 1.0, inside))

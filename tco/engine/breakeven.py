"""Break-even of a self-hosted option against an API option (docs/formulas.md, break-even).

Three answers: the month from which self-hosting stays cheaper (and where inside that month
the cumulative curves cross), and the monthly volume from which it stays cheaper (and the
first volume at which it is cheaper at all). Volumes are exact for the step function of
replicas: each step is solved in closed form, nothing is sampled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from tco.engine import formulas
from tco.engine.inputs import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    ApiInputs,
    HybridInputs,
    OptionInputs,
    Route,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.line_items import MonthPlan, shared_month_items
from tco.engine.mixed import hourly_shape, overflow_share, sizing_ratio
from tco.engine.projection import month_plans
from tco.engine.results import ONE_TIME_CATEGORIES, BreakEven, LineItem, OptionResult, computable
from tco.frozen import frozen, replace


def _within(cost: float, reference: float) -> bool:
    """`cost ≤ reference`, allowing 1e-9·max(1, |reference|) so rounding never decides (`formulas.at_most`)."""
    within: bool = formulas.at_most(cost, reference)
    return within


def break_even_month(option: OptionResult, versus: OptionResult) -> int | None:
    """The first month from which `option`'s cumulative cost stays at or below `versus`'s; None if never."""
    pairs = list(zip(option.months, versus.months, strict=True))
    month: int | None = None
    for cost, reference in reversed(pairs):
        if not _within(cost.cumulative, reference.cumulative):
            break
        month = cost.month
    return month


def break_even_months(option: OptionResult, versus: OptionResult, month: int | None) -> float | None:
    """Where inside the break-even month the cumulative curves cross, in months (e.g. 17.8).

    One-time costs land at the start of their month, the terminal value's credit at its very end (so a
    crossing it alone brings about is at the end of the month); every other cost accrues evenly.
    """
    if month is None:
        return None
    months: float = formulas.crossing_months(month, option.months[month - 1], versus.months[month - 1])
    return months


# --- volume -----------------------------------------------------------------------------------


@frozen
class _ApiLine:
    """An API option's steady monthly cost: `per_token · V + fixed`."""

    per_token: float
    fixed: float


@frozen
class _Fleet:
    """A self-hosted option's steady monthly cost as a function of monthly volume V.

    Stepped fleets cost `fixed + gpu_month · k · max(n0, ceil(V / per_replica))`; autoscale
    costs `fixed + floor_cost + max(0, slope · (V − V_floor))`.
    """

    fixed: float
    gpu_month: float  # cost of one GPU for a month (stepped)
    k: int
    n0: int
    per_replica: float  # tokens per month one replica serves at peak
    autoscale: bool
    floor_cost: float = 0.0
    slope: float = 0.0
    floor_volume: float = 0.0


def _mix(workload: WorkloadInputs) -> float:
    """Input share of month-1 tokens; with none, of a request's tokens (zero traffic keeps its request
    shape, so its break-even volume is that of any other traffic); 0.5 when neither is known."""
    total = workload.input_tokens_month1 + workload.output_tokens_month1
    if total:
        return workload.input_tokens_month1 / total
    per_request = workload.tokens_per_request
    if per_request and workload.input_tokens_per_request is not None:
        return workload.input_tokens_per_request / per_request
    return 0.5


def _api_line(api: ApiInputs, workload: WorkloadInputs) -> _ApiLine:
    """The API's month-1 token lines for one token at the month-1 mix, and its fee, staff and other costs."""
    alpha = _mix(workload)
    uncached, cached, output = formulas.api_token_lines(
        formulas.api_token_quantities(alpha, 1 - alpha, workload.cached_input_share),
        api.price_per_million_input_tokens, api.price_per_million_cached_input_tokens,
        api.price_per_million_output_tokens, api.price_factor(1))
    per_token: float = uncached.amount + cached.amount + output.amount
    return _ApiLine(per_token, api.fixed_monthly + api.shared.staff_monthly + api.shared.other_monthly)


def steady_gpu_month_cost(option: SelfHostedInputs, hours: float) -> float:
    """Month-1 cost of one GPU kept for a month, the engine's lines for one GPU: rent for the hours a
    fixed or scheduled fleet is billed, or amortized capital plus power, hosting and maintenance."""
    cost: float = sum(line.amount for line in _gpu_month_lines(option, hours))
    return cost


def _gpu_month_lines(option: SelfHostedInputs, hours: float) -> tuple[formulas.Priced, ...]:
    """The engine's month-1 lines for one GPU kept for a month: its rent, or its depreciation, power,
    hosting and maintenance."""
    if option.acquisition == "rent":
        month1 = formulas.yearly_compound(option.rent_change_per_year, 1)
        return (formulas.rent(formulas.billed_hours_per_gpu(option.scaling, hours), option.hourly_rate_per_gpu,
                              month1),)
    c = option.capital_cost_per_gpu
    return (formulas.depreciation(1, c, option.residual_value, option.lifetime_months),
            formulas.power(1, option.watts_per_gpu, option.load_factor, option.pue, option.power_hours_per_month,
                           option.price_per_kwh),
            formulas.hosting(1, option.hosting_per_gpu_month),
            formulas.maintenance(1, c, option.maintenance_per_year))


def _busy_per_token(option: SelfHostedInputs, workload: WorkloadInputs) -> float:
    """GPUs busy on average per token a month at the month-1 mix: `busy` (`tco.engine.formulas.gpus_busy`)
    of α input and 1 − α output tokens."""
    alpha = _mix(workload)
    busy: float = formulas.gpus_busy(alpha, 1 - alpha, option.input_tokens_per_second,
                                     option.output_tokens_per_second, workload.active_hours_per_month)
    return busy


def _replica_volume(option: SelfHostedInputs, busy_per_token: float, relative: float) -> float:
    """Tokens a month one replica carries, with the fleet sized for `relative` times the average
    load: a token keeps `relative · busy_per_token` GPUs busy in the sizing hour, and a replica
    carries `u·k` of that load (`tco.engine.formulas.fleet_size`)."""
    return option.max_utilization * option.gpus_per_replica / (busy_per_token * relative)


def _fleet(option: SelfHostedInputs, workload: WorkloadInputs) -> _Fleet:
    hours = workload.active_hours_per_month
    busy_per_token = _busy_per_token(option, workload)
    k = option.gpus_per_replica
    fixed = option.shared.staff_monthly + option.shared.other_monthly
    per_replica = _replica_volume(option, busy_per_token, workload.peak_to_average)
    if option.acquisition == "rent" and option.scaling == "autoscale":
        # `tco.engine.formulas.rent_gpu_hours` for autoscale, `h·max(floor, busy/u) + (730 − h)·floor`
        # GPU-hours at the month-1 rate, as a floor cost plus a slope above the volume the floor carries.
        month1 = formulas.yearly_compound(option.rent_change_per_year, 1)
        rate: float = formulas.hourly_rate(option.hourly_rate_per_gpu, month1)
        floor_gpus = option.min_replicas * k
        return _Fleet(fixed, 0.0, k, option.min_replicas, per_replica, True,
                      floor_cost=HOURS_PER_MONTH * floor_gpus * rate,
                      slope=hours * rate * busy_per_token / option.max_utilization,
                      floor_volume=floor_gpus * option.max_utilization / busy_per_token)
    return _Fleet(fixed, steady_gpu_month_cost(option, hours), k, option.min_replicas, per_replica, False)


def fleet_cost_at(fleet: _Fleet, volume: float) -> float:
    """Steady monthly cost of the fleet at monthly volume `volume` (tokens)."""
    if fleet.autoscale:
        return fleet.fixed + fleet.floor_cost + max(0.0, fleet.slope * (volume - fleet.floor_volume))
    replicas = formulas.replicas_needed(volume, fleet.per_replica, fleet.n0)
    cost: float = fleet.fixed + fleet.gpu_month * fleet.k * replicas
    return cost


def _stepped_volumes(fleet: _Fleet, api: _ApiLine) -> tuple[float | None, float | None]:
    """(break-even volume, first break-even volume) for a stepped fleet, in closed form.

    Step n ≥ n0 holds the volumes served by n replicas: [0, n0·Q] for n0, ((n−1)·Q, n·Q] above.
    On it the fleet costs C_n = F_S + n·u (u: one replica's month), the API `a·V + F_A`, so the
    fleet is at or below the API from v*_n = (C_n − F_A)/a on. With `margin = a·Q − u` (how much
    faster the API's cost rises than the fleet's, per replica of volume):
    - step n has a cheaper part iff v*_n ≤ n·Q, i.e. n·margin ≥ F_S − F_A;
    - step n > n0 has a dearer part iff v*_n > (n−1)·Q, i.e. n < (a·Q + F_S − F_A)/margin.
    With the money tolerance both tests stay monotone in n (the gap moves by `margin` a step, the
    tolerance only grows), so the boundaries are found by search around the closed-form estimates.
    """
    a, q, n0 = api.per_token, fleet.per_replica, fleet.n0
    unit = fleet.k * fleet.gpu_month

    def cost(n: int) -> float:
        return fleet.fixed + unit * n

    if a <= 0:  # the API costs nothing per token: only its fixed costs can be beaten
        return None, (0.0 if _within(cost(n0), api.fixed) else None)

    def crossing(n: int) -> float:
        return (cost(n) - api.fixed) / a

    def lower(n: int) -> float:
        return 0.0 if n == n0 else (n - 1) * q

    def cheaper_part(n: int) -> bool:
        return _within(cost(n), a * n * q + api.fixed)

    def dearer_part(n: int) -> bool:
        return not _within(cost(n), a * lower(n) + api.fixed)

    margin = a * q - unit
    n_first: int | None = None
    if cheaper_part(n0):
        n_first = n0
    elif margin > 0 and (guess := _replicas((fleet.fixed - api.fixed) / margin)) is not None:
        n_first = first_true(cheaper_part, n0, guess)
    first = None if n_first is None else max(0.0, lower(n_first), crossing(n_first))

    if margin <= 0:  # the fleet's marginal cost per token is not below the API's
        return None, first
    estimate = _replicas((a * q + fleet.fixed - api.fixed) / margin)
    # the first step above n0 with no dearer part
    n_clear = None if estimate is None else first_true(lambda n: not dearer_part(n), n0 + 1, estimate)
    if n_clear is None:  # beyond any fleet that could exist
        return None, first
    if n_clear > n0 + 1:
        return max(0.0, crossing(n_clear - 1)), first
    if not dearer_part(n0):
        return 0.0, first
    return max(0.0, crossing(n0)), first


MAX_REPLICAS = 2**200  # no fleet is larger; a break-even beyond it is none


def _replicas(estimate: float) -> int | None:
    """`ceil(estimate)` as a replica count to search from; None beyond any fleet (or a float)."""
    return math.ceil(estimate) if math.isfinite(estimate) and estimate <= MAX_REPLICAS else None


def first_true(predicate: Callable[[int], bool], low: int, guess: int) -> int | None:
    """The smallest n ≥ `low` with `predicate(n)`, for a predicate false then true as n grows.

    Searched around `guess` by doubling then bisection, so a boundary far from the closed-form
    guess (the money tolerance can move it by many steps near a price tie) costs ~100 calls, not
    one per step. None if it is still false beyond 2^200 steps.
    """
    if predicate(low):
        return low
    known_false, high = low, max(low + 1, guess)
    while not predicate(high):
        known_false, high = high, high * 2
        if high > MAX_REPLICAS:
            return None
    while high - known_false > 1:
        middle = (known_false + high) // 2
        if predicate(middle):
            high = middle
        else:
            known_false = middle
    return high


def _autoscale_volumes(fleet: _Fleet, api: _ApiLine) -> tuple[float | None, float | None]:
    """Autoscale is convex and piecewise linear, so where it is cheaper is one interval."""
    a = api.per_token
    base = fleet.fixed + fleet.floor_cost - api.fixed  # S − A at V = 0 (fleet at its floor)
    # Left end of the interval where S − A ≤ 0.
    if base <= formulas.money_tolerance(api.fixed):
        start: float | None = 0.0
    elif a > 0 and base - a * fleet.floor_volume <= 0:
        start = base / a  # crosses while the fleet is still at its floor
    elif a > fleet.slope:
        diff_at_floor = base - a * fleet.floor_volume
        start = fleet.floor_volume + diff_at_floor / (a - fleet.slope)
    else:
        start = None
    if a > fleet.slope:
        return start, start
    return None, start


def break_even_volumes(
    option: SelfHostedInputs, api: ApiInputs, workload: WorkloadInputs
) -> tuple[float | None, float | None]:
    """(break-even volume, first break-even volume) in tokens per month, month-1 prices and mix."""
    fleet = _fleet(option, workload)
    line = _api_line(api, workload)
    volume, first = _autoscale_volumes(fleet, line) if fleet.autoscale else _stepped_volumes(fleet, line)
    return _finite(volume), _finite(first)


def _finite(volume: float | None) -> float | None:
    """A volume beyond what tco computes (MAX_FIGURE, near a float's limit) is none: as far as
    figures go, it never breaks even."""
    return volume if computable(volume) else None


# --- volume, by search: hybrid and routed options ------------------------------------

# The search scans volumes V1·2^(i/4) for |i| ≤ 4·SEARCH_DOUBLINGS (V1: the month-1 volume), then
# bisects the bracket it finds; a replica step narrower than one grid step can hide between points.
SEARCH_STEPS_PER_DOUBLING = 4
SEARCH_DOUBLINGS = 24  # 2^-24..2^24 times month-1 volume: 6e-8x to 1.7e7x
BISECTIONS = 60
REPLICA_BOUNDARIES = 64


def steady_cost(option: OptionInputs, scenario: ScenarioInputs, volume: float) -> float:
    """The steady monthly cost of any option at monthly volume `volume` (tokens) (docs/formulas.md):
    month-1 prices and mix, amortized capital, one-time costs left out. Pass the option through
    `live_from_month_one` first for its state after go-live."""
    return _recurring(_steady_plan(option, scenario, volume).items)


def _steady_plan(option: OptionInputs, scenario: ScenarioInputs, volume: float) -> MonthPlan:
    """The month that `steady_cost` sums: month 1 of `option` at monthly volume `volume`."""
    workload = scenario.workload
    month1 = workload.input_tokens_month1 + workload.output_tokens_month1
    alpha = _mix(workload)
    steady = replace(
        scenario,
        workload=replace(workload, input_tokens_month1=volume * alpha, output_tokens_month1=volume * (1 - alpha),
                         monthly_growth=0.0,
                         requests_per_day=(None if workload.requests_per_day is None or not month1 else
                                           workload.requests_per_day * volume / month1)),
        options=(), horizon_months=1, basis="amortized",
    )
    return month_plans(option, steady)[0]


def _recurring(items: list[LineItem]) -> float:
    """The sum of `items` without the one-time costs."""
    return sum(i.amount for i in items if i.category not in ONE_TIME_CATEGORIES)


def live_from_month_one(option: OptionInputs) -> OptionInputs:
    """The option with every self-hosted part live from month 1 (its steady state)."""
    if isinstance(option, SelfHostedInputs):
        return replace(option, go_live_month=1, fallback=None)
    if isinstance(option, HybridInputs):
        return replace(option, self_hosted=replace(option.self_hosted, go_live_month=1, fallback=None))
    if isinstance(option, RoutedInputs):
        return replace(option, routes=tuple(Route(live_from_month_one(r.option), r.share) for r in option.routes))
    return option


def replica_boundaries(option: OptionInputs, workload: WorkloadInputs, share: float = 1.0) -> list[float]:
    """Monthly volumes (month-1 mix) at which a self-hosted part of `option` adds a replica, for the
    first REPLICA_BOUNDARIES replicas: step n of a fleet ends at `V_n = n·u·k / (r·b)` (b: busy GPUs
    per token per month, r: the size rule's load over the average), divided by the route's share."""
    if isinstance(option, RoutedInputs):
        return [v for route in option.routes if route.share > 0
                for v in replica_boundaries(route.option, workload, share * route.share)]
    if isinstance(option, HybridInputs):
        if option.size_for == "gpus":
            return []
        hosted = option.self_hosted
        relative: float = sizing_ratio(option, workload.peak_to_average, hourly_shape(workload))
    elif isinstance(option, SelfHostedInputs):
        hosted, relative = option, workload.peak_to_average
    else:
        return []
    busy_per_token = _busy_per_token(hosted, workload)
    if relative <= 0 or busy_per_token <= 0:
        return []
    unit = _replica_volume(hosted, busy_per_token, relative)
    return [n * unit / share for n in range(max(1, hosted.min_replicas), REPLICA_BOUNDARIES + 1)]


def searched_volumes(option: OptionInputs, api: ApiInputs, scenario: ScenarioInputs) -> tuple[float | None,
                                                                                                 float | None]:
    """(break-even volume, first break-even volume) of any option against an API, by search.

    Whether `S(V) ≤ A(V)` (the option's steady cost against the API's, `_within`) is known at 0, on a
    geometric grid from 2^-24 to 2^24 times the month-1 volume, and at both sides of every replica step
    of the option's fleets (the first REPLICA_BOUNDARIES replicas). "Stays cheaper from" is the last
    change to cheaper (None if dearer at the top of the grid), "first cheaper at" the first; each is
    refined by bisection. `_Search` gives each answer, computing few of them.
    """
    search = _Search(live_from_month_one(option), _api_line(api, scenario.workload), scenario)
    grid = search_grid(option, scenario.workload)
    flags = search.grid_answers(grid)

    def boundary(dearer: float, cheap: float) -> float:
        """The volume between a dearer and a cheaper grid point where the answer changes."""
        known = (dearer, cheap)  # the nearest volumes either side whose months are computed
        for _ in range(BISECTIONS):
            middle = (dearer + cheap) / 2
            if middle in (dearer, cheap) or abs(dearer - cheap) <= 1e-12 * abs(cheap):
                break
            answer = search.settled(middle, *known)
            if answer is None:
                answer = search.cheaper(middle)
                known = (known[0], middle) if answer else (middle, known[1])
            if answer:
                cheap = middle
            else:
                dearer = middle
        return cheap

    first: float | None = None
    first_bracket = None
    if flags[0]:
        first = 0.0
    else:
        index = next((i for i, flag in enumerate(flags) if flag), None)
        if index is not None:
            first_bracket = index - 1
            first = boundary(grid[index - 1], grid[index])
    if not flags[-1]:
        return None, first
    last_dearer = max((i for i, flag in enumerate(flags) if not flag), default=None)
    if last_dearer is None:
        return 0.0, first
    if last_dearer == first_bracket:  # one change of answer: the same bisection
        return first, first
    return boundary(grid[last_dearer], grid[last_dearer + 1]), first


def search_grid(option: OptionInputs, workload: WorkloadInputs) -> list[float]:
    """The volumes `searched_volumes` starts from, in order: 0, the geometric grid, and both sides of
    the replica steps below its top."""
    reference = workload.input_tokens_month1 + workload.output_tokens_month1 or 1e9
    count = SEARCH_STEPS_PER_DOUBLING * SEARCH_DOUBLINGS
    candidates = {0.0, *(reference * 2 ** (i / SEARCH_STEPS_PER_DOUBLING) for i in range(-count, count + 1))}
    top = max(candidates)
    for boundary_volume in replica_boundaries(option, workload):
        if boundary_volume < top:
            # Just past the engine's ceil tolerance (1e-9), the next replica is bought.
            candidates.update((boundary_volume, boundary_volume * (1 + 1e-8)))
    return sorted(candidates)


# Bounds settle an answer only when they clear the API's cost by this much, relative: far more than
# rounding moves a cost (1e-15) or the tolerances inside the engine let it dip (1e-9).
SETTLED_BY = 1e-6


class _Search:
    """Whether an option (live from month 1) costs no more than an API (`_within`) at a volume: exactly
    the answer of computing its month there, which it computes only when bounds cannot settle it.

    For volumes from `low` to `high`, `cost_bounds` gives `lo ≤ S(V) ≤ hi` from the months at the ends.
    When `lo` exceeds the API's cost at V (with its tolerance), V is dearer; when `hi` is below it, V is
    cheaper; either way by SETTLED_BY at least. The bounds need every cost to grow with the tokens and
    the GPUs it is for (`_bounded`); where one may not, every answer is computed."""

    def __init__(self, live: OptionInputs, line: _ApiLine, scenario: ScenarioInputs) -> None:
        self.live, self.line, self.scenario = live, line, scenario
        workload = scenario.workload
        self.bounded = (line.per_token >= 0 and line.fixed >= 0 and 0 <= _mix(workload) <= 1
                        and min(workload.input_tokens_month1, workload.output_tokens_month1) >= 0
                        and _bounded(live, workload))
        self.points: dict[float, _Point] = {}
        self.ceilings: dict[int, float] = {}  # a sized hybrid's most overflow share, by id

    def api_cost(self, volume: float) -> float:
        return self.line.per_token * volume + self.line.fixed

    def point(self, volume: float) -> _Point:
        if volume not in self.points:
            self.points[volume] = _point(self.live, self.scenario, volume)
        return self.points[volume]

    def cheaper(self, volume: float) -> bool:
        """The answer at `volume`, computed."""
        return _within(self.point(volume).cost, self.api_cost(volume))

    def settled(self, volume: float, low: float, high: float) -> bool | None:
        """The answer at `volume` (between `low` and `high`, whose months are computed), when bounds
        settle it; else None."""
        return self._settled(low, high, volume, volume)

    def _settled(self, low: float, high: float, first: float, last: float) -> bool | None:
        """The answer at every volume from `first` to `last` (between `low` and `high`, whose months are
        computed) when bounds settle them all alike; else None."""
        if not self.bounded:
            return None
        lo, hi = self.cost_bounds(self.live, low, high, self.point(low), self.point(high))
        below = self.api_cost(first) + formulas.money_tolerance(self.api_cost(first))
        above = self.api_cost(last) + formulas.money_tolerance(self.api_cost(last))
        slack = SETTLED_BY * max(1.0, abs(lo), abs(hi), abs(below), abs(above))
        if hi + slack < below:
            return True
        if lo - slack > above:
            return False
        return None

    def grid_answers(self, grid: list[float]) -> list[bool]:
        """The answer at each volume of the sorted `grid`. Its ends are computed; an interval whose
        bounds do not settle all the volumes inside it has its middle computed, and each half is
        settled in turn, down to neighbouring volumes."""
        answers: list[bool | None] = [None] * len(grid)
        pending = [(0, len(grid) - 1)]
        while pending:
            low, high = pending.pop()
            for end in (low, high):
                if answers[end] is None:
                    answers[end] = self.cheaper(grid[end])
            if high - low < 2:
                continue
            answer = self._settled(grid[low], grid[high], grid[low + 1], grid[high - 1])
            if answer is not None:
                answers[low + 1:high] = [answer] * (high - low - 1)
                continue
            middle = (low + high) // 2
            pending += [(middle, high), (low, middle)]
        return [bool(answer) for answer in answers]

    def cost_bounds(self, option: OptionInputs, low: float, high: float, at_low: _Point | None = None,
                    at_high: _Point | None = None) -> tuple[float, float]:
        """`(lo, hi)` with `lo ≤ S(V) ≤ hi` for every volume V from `low` to `high` (`at_low` and
        `at_high`: the option's months at the ends, when computed).

        - An option whose cost only grows with the volume (`_monotone`): its costs at the ends.
        - A hybrid sized by its load, with as many GPUs at both ends: the same, as its fleet is fixed.
        - A hybrid sized by its load, with more GPUs at `high`: its fleet's costs grow with the GPUs and
          with the tokens they serve, so they lie between the fleet's costs at the ends. Its overflow
          costs at least nothing and at most the API's price for the share of the tokens beyond a fleet
          sized exactly for them (`overflow_share` at the sizing ratio, plus 1e-7 for the ceiling's
          tolerance): a fleet of any GPUs is never smaller than that. With none at `low` (min_replicas 0,
          and a load of at most a billionth of a replica, which the tolerant ceiling rounds to none), at
          most the API's price for every token.
        - A routed option: the sum of its routes' bounds (each on its share of the volumes, widened by
          1e-12 for the rounding of that share) and its own costs.

        Each bound is widened by `_dip`, by which a cost may fall as the volume grows.
        """
        if isinstance(option, RoutedInputs) and not _monotone(option):
            lo = hi = _recurring(shared_month_items(option.shared, 1))
            for route in option.routes:
                route_lo, route_hi = self.cost_bounds(route.option, low * route.share * (1 - 1e-12),
                                                      high * route.share * (1 + 1e-12))
                lo, hi = lo + route_lo, hi + route_hi
            return lo, hi
        at_low = at_low or _point(option, self.scenario, low)
        at_high = at_high or _point(option, self.scenario, high)
        lo, hi = at_low.cost, at_high.cost
        if isinstance(option, HybridInputs) and not _monotone(option) and at_low.gpus != at_high.gpus:
            lo -= at_low.overflow
            hi += self.overflow_ceiling(option, bool(at_low.gpus)) * high - at_high.overflow
        dip = _dip(option, self.scenario.workload, high)
        return lo - dip, hi + dip

    def overflow_ceiling(self, option: HybridInputs, fleet: bool) -> float:
        """The most a sized hybrid's overflow costs per token of its volume: the API's price for the
        share beyond a fleet sized exactly for the load (plus 1e-7), or for every token without a `fleet`."""
        if id(option) not in self.ceilings:
            workload = self.scenario.workload
            shape = hourly_shape(workload)
            most = overflow_share(shape, sizing_ratio(option, workload.peak_to_average, shape)) + 1e-7
            self.ceilings[id(option)] = min(1.0, most)
        share = self.ceilings[id(option)] if fleet else 1.0
        return share * _api_line(option.overflow, self.scenario.workload).per_token


class _Point(NamedTuple):
    """An option's steady month at one volume: its cost (`steady_cost`), what a hybrid pays the API for
    its overflow in it, and its GPUs."""

    cost: float
    overflow: float
    gpus: int | None


def _point(option: OptionInputs, scenario: ScenarioInputs, volume: float) -> _Point:
    month = _steady_plan(option, scenario, volume)
    overflow = sum(i.amount for i in month.items if i.category == "api") if isinstance(option, HybridInputs) else 0.0
    return _Point(_recurring(month.items), overflow, month.gpus)


def _monotone(option: OptionInputs) -> bool:
    """Whether the option's steady cost only grows with the volume: every option but a hybrid sized by
    its load, whose fleet's next replica takes tokens off the API (and so may cost less in all)."""
    if isinstance(option, HybridInputs):
        return option.size_for == "gpus"
    if isinstance(option, RoutedInputs):
        return all(_monotone(route.option) for route in option.routes)
    return True


def _dip(option: OptionInputs, workload: WorkloadInputs, high: float) -> float:
    """How far the steady cost may fall as the volume grows up to `high`: only an autoscaled rented
    hybrid's may, when an hour's load passes its fleet by more than the tolerance that
    `overflow_share` ignores (1e-9·max(1, L_h)). Then the fleet serves up to that much less in that
    hour and its GPU-hours follow. This allows for it in every hour at its peak, 24 times what the
    fleet's served average can fall by in all: generous, and still a billionth-scale amount."""
    if isinstance(option, RoutedInputs):
        return sum(_dip(route.option, workload, high * route.share * (1 + 1e-12)) for route in option.routes)
    if not isinstance(option, HybridInputs):
        return 0.0
    hosted = option.self_hosted
    if hosted.acquisition != "rent" or hosted.scaling != "autoscale":
        return 0.0
    peak = _busy_per_token(hosted, workload) * high * max(hourly_shape(workload))
    served = 24 * formulas.CEIL_TOLERANCE * max(1.0, peak)
    dip: float = hosted.hourly_rate_per_gpu * workload.active_hours_per_month * served / hosted.max_utilization
    return dip


def _bounded(option: OptionInputs, workload: WorkloadInputs) -> bool:
    """Whether `_Search.cost_bounds` holds for the option: no price, rate, share or cost of it that
    would make a cost fall as the tokens or the GPUs grow, and no cost below zero, so that rounding
    moves a month's cost by a share of that cost (validated scenarios have none; the Python API may)."""
    if not _nothing_negative(option.shared):
        return False
    if isinstance(option, ApiInputs):
        factor = option.price_factor(1)
        return (factor >= 0 and 0 <= workload.cached_input_share <= 1 and option.fixed_monthly >= 0
                and min(option.price_per_million_input_tokens, option.price_per_million_cached_input_tokens,
                        option.price_per_million_output_tokens) >= 0)
    if isinstance(option, SelfHostedInputs):
        return (option.hourly_rate_per_gpu >= 0
                and all(line.amount >= 0 for line in _gpu_month_lines(option, workload.active_hours_per_month))
                and min(option.input_tokens_per_second, option.output_tokens_per_second, option.max_utilization) > 0
                and option.gpus_per_replica >= 1 and option.min_replicas >= 0
                and 0 < workload.active_hours_per_month <= HOURS_PER_MONTH)
    if isinstance(option, HybridInputs):
        return (option.fleet_gpus >= 0 and _bounded(option.self_hosted, workload)
                and _bounded(option.overflow, workload)
                and min(hourly_shape(workload)) >= 0)
    return all(route.share >= 0 and _bounded(route.option, workload) for route in option.routes)


def _nothing_negative(shared: SharedCosts) -> bool:
    """Whether every monthly cost an option carries whatever it serves (staff, other) is at least 0."""
    return all(i.amount >= 0 for i in shared_month_items(shared, 1) if i.category not in ONE_TIME_CATEGORIES)


def compare_pair(
    option: OptionResult,
    versus: OptionResult,
    option_inputs: OptionInputs,
    versus_inputs: ApiInputs,
    workload: WorkloadInputs,
    scenario: ScenarioInputs | None = None,
) -> BreakEven:
    """The full break-even record of one self-hosted option (or hybrid, or routed option that
    self-hosts) against one API option. Hybrid and routed volumes are searched (`searched_volumes`),
    which needs the `scenario`."""
    month = break_even_month(option, versus)
    if isinstance(option_inputs, SelfHostedInputs):
        volume, first = break_even_volumes(option_inputs, versus_inputs, workload)
    elif scenario is not None:
        volume, first = searched_volumes(option_inputs, versus_inputs, replace(scenario, workload=workload))
    else:
        raise ValueError(f"the break-even volume of a {option_inputs.kind} option needs the scenario")
    volume, first = _finite(volume), _finite(first)
    per_request = workload.tokens_per_request
    def per_day(tokens: float | None) -> float | None:
        if tokens is None or workload.requests_per_day is None or not per_request:
            return None
        return _finite(tokens / (per_request * DAYS_PER_MONTH))
    return BreakEven(
        option=option.name,
        versus=versus.name,
        month=month,
        months=break_even_months(option, versus, month),
        volume_tokens_per_month=volume,
        first_volume_tokens_per_month=first,
        savings_at_horizon=versus.total - option.total,
        volume_requests_per_day=per_day(volume),
        first_volume_requests_per_day=per_day(first),
    )


def steady_monthly_cost(option: ApiInputs | SelfHostedInputs, workload: WorkloadInputs, volume: float) -> float:
    """Monthly cost of `option` at `volume` tokens a month, on the basis of the break-even volume
    (docs/formulas.md): month-1 input/output mix, cached share and prices, amortized capex,
    one-time costs (setup, capex, fine-tuning) excluded. In the scenario's currency."""
    if isinstance(option, ApiInputs):
        line = _api_line(option, workload)
        return line.per_token * volume + line.fixed
    return fleet_cost_at(_fleet(option, workload), volume)


def replica_step_volumes(option: SelfHostedInputs, workload: WorkloadInputs, up_to: float, most: int) -> list[float]:
    """The monthly volumes (tokens) at or below `up_to` where a stepped fleet adds a replica, so a
    chart can draw each step exactly; empty for autoscale, whose cost is piecewise linear, and when
    more than `most` steps are in view (then they are narrower than a chart can show, and it samples
    the curve instead). The steps are counted before any is listed, so the memory used never grows
    with the volume."""
    fleet = _fleet(option, workload)
    if fleet.autoscale or not fleet.per_replica > 0:
        return []
    last = up_to / fleet.per_replica
    if not math.isfinite(last) or last - fleet.n0 + 1 > most:
        return []
    return [n * fleet.per_replica for n in range(fleet.n0, int(last) + 1)]

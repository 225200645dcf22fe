"""Mixed strategies: a hybrid self-hosts the base load and overflows the rest to an API;
a routed option splits the traffic across other options by share.

Both are built from the pure options' own formulas (docs/formulas.md), so their line items read like
theirs: a hybrid's fleet costs what its self-hosted option's fleet of that size costs, and its
overflow tokens cost what its API option bills for them.

Hybrid, in month m, with the day's 24 relative hourly loads `r_h = w_h / mean(w)` (Σ r_h = 24):

    busy(m)       average GPUs busy (docs/formulas.md), from the self-hosted option's throughput
    L_h(m)        = busy(m) · r_h                         GPUs busy in hour h for the whole load
    size          p-th percentile of the L_h (linear interpolation, `tco.engine.profiles.percentile`),
                  `average` = busy(m), or a fixed {gpus: N}
    gpus(m)       = max(min_replicas, ceil(size / (u·k))) · k   (N for {gpus: N}); owned fleets
                  never shrink, as docs/mixed.md says
    C(m)          = gpus(m) · u                           load the fleet carries at max_utilization
    overflow(m)   = Σ_h max(0, L_h − C) / Σ_h L_h         share of the tokens sent to the API

The formulas below take plain numbers or numpy arrays alike (`tco.engine.formulas`), so the
vectorised engine projects hybrids with them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tco.engine import formulas
from tco.engine.formulas import CEIL_TOLERANCE
from tco.engine.inputs import HybridInputs, OptionInputs, RoutedInputs, ScenarioInputs, WorkloadInputs
from tco.engine.line_items import (
    MonthPlan,
    api_items_for_tokens,
    api_token_items,
    fleet_by_month,
    gpus_busy,
    paid_gpu_hours,
    rent_gpu_hours,
    self_hosted_month_items,
    shared_month_items,
    terminal_value_items,
)
from tco.engine.profiles import percentile, relative_loads, single_peak
from tco.engine.results import LineItem
from tco.frozen import replace


def relabel(item: LineItem, owner: str) -> LineItem:
    """The line item with whose cost it is in front of its description ("GPU: staff")."""
    return LineItem(item.category, f"{owner}: {item.description}", item.quantity, item.unit, item.unit_price)


def hourly_shape(workload: WorkloadInputs) -> tuple[Any, ...]:
    """The relative hourly loads `r_h`; a single peak hour when the workload gives no profile."""
    weights = workload.hourly_weights or single_peak(workload.peak_to_average)
    return relative_loads(weights)


def overflow_share(loads: tuple[Any, ...], capacity: Any) -> Any:
    """`Σ_h max(0, L_h − C) / Σ_h L_h`: the share of the day's tokens beyond the fleet's capacity
    (0 when there is no load, 1 when there is no fleet).

    An hour's excess of at most 1e-9·max(1, L_h) is floating-point noise, ignored as the fleet's
    tolerant ceiling ignores it (docs/formulas.md): a fleet sized exactly for an hour's load
    carries it."""
    op = formulas.operations(capacity, *loads)
    total = op.exact_sum(loads)
    excess = op.exact_sum([op.where(load - capacity > CEIL_TOLERANCE * op.maximum(1.0, load), load - capacity, 0.0)
                           for load in loads])
    nothing = total <= 0
    return op.where(nothing, 0.0, op.where(capacity <= 0, 1.0, excess / op.where(nothing, 1.0, total)))


def served_busy(busy: Any, overflow: Any) -> Any:
    """`busy·(1 − overflow)`: average GPUs busy on the fleet in the active hours, the rest overflowing."""
    return busy * (1 - overflow)


def sizing_ratio(option: HybridInputs, peak_to_average: Any, shape: tuple[Any, ...]) -> Any:
    """The load a hybrid's fleet is sized for, over the average load: `peak_to_average` for p100 (the
    self-hosted option's own sizing, exactly), the P-th percentile of the `r_h` for pP, 1 for average.
    (1 for {gpus: N}, which is not sized.)"""
    if option.size_for == "percentile" and option.percentile == 100:
        return peak_to_average
    return percentile(shape, option.percentile) if option.size_for == "percentile" else 1.0


def hybrid_fleet(option: HybridInputs, busy: Any, ratio: Any) -> Any:
    """GPUs the hybrid's fleet needs for `busy` average busy GPUs (before owned fleets' running max):
    `max(min_replicas, ceil(busy·ratio / (u·k)))·k` with `ratio = sizing_ratio(...)`, or N for {gpus: N}."""
    if option.size_for == "gpus":
        return option.fleet_gpus
    hosted = option.self_hosted
    return formulas.fleet_size(busy * ratio, hosted.max_utilization, hosted.gpus_per_replica, hosted.min_replicas)


def hybrid_go_live(option: HybridInputs) -> Any:
    """The month the hybrid's fleet goes live: its self-hosted option's, or 1 for {gpus: 0}, which
    never runs a fleet and so has nothing to wait for."""
    go_live = option.self_hosted.go_live_month
    return go_live if option.size_for != "gpus" else formulas.where(option.fleet_gpus == 0, 1, go_live)


def hybrid_plans(option: HybridInputs, scenario: ScenarioInputs) -> list[MonthPlan]:
    """Every month of a hybrid: the fleet's costs, the overflow's API token costs, and (when it
    runs a fleet at all) the self-hosted option's staff, setup, other and fine-tuning costs."""
    hosted, api, workload = option.self_hosted, option.overflow, scenario.workload
    shape = hourly_shape(workload)
    ratio = sizing_ratio(option, workload.peak_to_average, shape)
    fleet, again = fleet_by_month(hosted, scenario, lambda m: hybrid_fleet(option, gpus_busy(hosted, workload, m),
                                                                          ratio))
    hours = workload.active_hours_per_month
    go_live = hybrid_go_live(option)
    plans: list[MonthPlan] = []
    for month in range(1, scenario.horizon_months + 1):
        tokens_in, tokens_out = workload.tokens(month)
        if month < go_live:  # as the self-hosted option does: its fallback serves all
            items = [] if hosted.fallback is None else api_token_items(hosted.fallback, workload, month,
                                                                      "fallback_api")
            plans.append(MonthPlan(items, 0))
            continue
        gpus = fleet[month - 1]
        busy = gpus_busy(hosted, workload, month)
        share = overflow_share(tuple(busy * r for r in shape), gpus * hosted.max_utilization)
        served = served_busy(busy, share)
        rent_hours: float | None = None
        if hosted.acquisition == "rent":
            rent_hours = rent_gpu_hours(hosted, workload, month, gpus, served)
        previous = fleet[month - 2] if month > 1 else 0
        items = self_hosted_month_items(hosted, workload, month, gpus, gpus - previous,
                                        again[month - 1] if again else 0, scenario.basis, rent_hours)
        if not gpus and hosted.acquisition == "rent":
            items = []  # no fleet this month: no zero-hour rent line
        items = [relabel(i, hosted.name) for i in items]
        if share:
            items += api_items_for_tokens(api, tokens_in * share, tokens_out * share,
                                          workload.cached_input_share, month, "api", "overflow ")
        plans.append(MonthPlan(items, gpus, (tokens_in + tokens_out) * (1 - share), served * hours,
                               paid_gpu_hours(hosted, items, gpus)))
    credit, plans[-1].book_value_at_end = terminal_value_items(hosted, scenario, fleet, again)
    plans[-1].items.extend(relabel(i, hosted.name) for i in credit)
    if any(fleet):
        for month, plan in enumerate(plans, start=1):
            plan.items.extend(relabel(i, hosted.name) for i in shared_month_items(hosted.shared, month))
    return plans


def scaled_workload(workload: WorkloadInputs, share: Any) -> WorkloadInputs:
    """The workload with `share` of its tokens (and requests), the same shape and growth."""
    return replace(
        workload,
        input_tokens_month1=workload.input_tokens_month1 * share,
        output_tokens_month1=workload.output_tokens_month1 * share,
        requests_per_day=None if workload.requests_per_day is None else workload.requests_per_day * share,
    )


def routed_plans(option: RoutedInputs, scenario: ScenarioInputs,
                 plans_of: Callable[[OptionInputs, ScenarioInputs], list[MonthPlan]]) -> list[MonthPlan]:
    """Every month of a routed option: each route's option projected on its share of the tokens
    (fleets sized for that share only), with that option's own fixed, staff, setup and other costs
    counted once. `plans_of` projects each route's option: the engine's own `month_plans`, passed in so
    that a route can be a mixed option without this module importing the projection."""
    plans = [MonthPlan([]) for _ in range(scenario.horizon_months)]
    for route in option.routes:
        part = replace(scenario, workload=scaled_workload(scenario.workload, route.share))
        label = f"{route.option.name} ({route.share:.4g} of tokens)"
        for plan, routed in zip(plans, plans_of(route.option, part), strict=True):
            plan.items.extend(relabel(i, label) for i in routed.items)
            if routed.gpus is not None:
                plan.gpus = (plan.gpus or 0) + routed.gpus
            plan.self_hosted_tokens += routed.self_hosted_tokens
            plan.served_gpu_hours += routed.served_gpu_hours
            plan.fleet_gpu_hours += routed.fleet_gpu_hours
            plan.book_value_at_end += routed.book_value_at_end
    return plans

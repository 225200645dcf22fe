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
                  never shrink, as docs/formulas.md says
    C(m)          = gpus(m) · u                           load the fleet carries at max_utilization
    overflow(m)   = Σ_h max(0, L_h − C) / Σ_h L_h         share of the tokens sent to the API
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from tco.engine.inputs import HOURS_PER_MONTH, HybridInputs, OptionInputs, RoutedInputs, ScenarioInputs, WorkloadInputs
from tco.engine.line_items import (
    CEIL_TOLERANCE,
    MonthPlan,
    api_items_for_tokens,
    api_token_items,
    fleet_by_month,
    gpus_busy,
    gpus_needed,
    paid_gpu_hours,
    self_hosted_month_items,
    shared_month_items,
    terminal_value_items,
    tolerant_ceil,
)
from tco.engine.profiles import percentile, relative_loads, single_peak
from tco.engine.results import LineItem


def relabel(item: LineItem, owner: str) -> LineItem:
    """The line item with whose cost it is in front of its description ("GPU: staff")."""
    return LineItem(item.category, f"{owner}: {item.description}", item.quantity, item.unit, item.unit_price)


def hourly_shape(workload: WorkloadInputs) -> tuple[float, ...]:
    """The relative hourly loads `r_h`; a single peak hour when the workload gives no profile."""
    weights = workload.hourly_weights or single_peak(workload.peak_to_average)
    return relative_loads(weights)


def overflow_share(loads: tuple[float, ...], capacity: float) -> float:
    """`Σ_h max(0, L_h − C) / Σ_h L_h`: the share of the day's tokens beyond the fleet's capacity.

    An hour's excess of at most 1e-9·max(1, L_h) is floating-point noise, ignored as the fleet's
    tolerant ceiling ignores it (docs/formulas.md): a fleet sized exactly for an hour's load
    carries it."""
    total = math.fsum(loads)
    if total <= 0:
        return 0.0
    if capacity <= 0:
        return 1.0
    return math.fsum(load - capacity for load in loads
                     if load - capacity > CEIL_TOLERANCE * max(1.0, load)) / total


def hybrid_gpus(option: HybridInputs, workload: WorkloadInputs, month: int) -> int:
    """GPUs the hybrid's fleet needs in `month` for its `size_for` (before owned fleets' running max)."""
    hosted = option.self_hosted
    if option.size_for == "gpus":
        return option.fleet_gpus
    if option.size_for == "percentile" and option.percentile == 100:
        return gpus_needed(hosted, workload, month)  # the self-hosted option's own fleet, exactly
    busy = gpus_busy(hosted, workload, month)
    relative = 1.0 if option.size_for == "average" else percentile(hourly_shape(workload), option.percentile)
    k = hosted.gpus_per_replica
    replicas = max(hosted.min_replicas, tolerant_ceil(busy * relative / (hosted.max_utilization * k)))
    return replicas * k


def hybrid_plans(option: HybridInputs, scenario: ScenarioInputs) -> list[MonthPlan]:
    """Every month of a hybrid: the fleet's costs, the overflow's API token costs, and (when it
    runs a fleet at all) the self-hosted option's staff, setup, other and fine-tuning costs."""
    hosted, api, workload = option.self_hosted, option.overflow, scenario.workload
    fleet, again = fleet_by_month(hosted, scenario, lambda m: hybrid_gpus(option, workload, m))
    shape = hourly_shape(workload)
    hours = workload.active_hours_per_month
    # {gpus: 0} never runs a fleet, so there is nothing to wait for: the API serves every month.
    go_live = 1 if option.size_for == "gpus" and not option.fleet_gpus else hosted.go_live_month
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
        served_busy = busy * (1 - share)  # average GPUs busy on the fleet in the active hours
        rent_hours: float | None = None
        if hosted.acquisition == "rent":
            rent_hours = _rent_hours(option, gpus, served_busy, hours)
        previous = fleet[month - 2] if month > 1 else 0
        items = self_hosted_month_items(hosted, workload, month, gpus, gpus - previous,
                                        again[month - 1] if again else 0, scenario.basis, rent_hours)
        if not gpus and hosted.acquisition == "rent":
            items = []  # no fleet this month: no zero-hour rent line
        items = [relabel(i, hosted.name) for i in items]
        if share:
            items += api_items_for_tokens(api, tokens_in * share, tokens_out * share,
                                          workload.cached_input_share, month, "api", "overflow ")
        plans.append(MonthPlan(items, gpus, (tokens_in + tokens_out) * (1 - share), served_busy * hours,
                               paid_gpu_hours(hosted, items, gpus)))
    credit, plans[-1].book_value_at_end = terminal_value_items(hosted, scenario, fleet, again)
    plans[-1].items.extend(relabel(i, hosted.name) for i in credit)
    if any(fleet):
        for month, plan in enumerate(plans, start=1):
            plan.items.extend(relabel(i, hosted.name) for i in shared_month_items(hosted.shared, month))
    return plans


def _rent_hours(option: HybridInputs, gpus: int, served_busy: float, hours: float) -> float:
    """GPU-hours billed for a rented hybrid fleet of `gpus` (the scaling modes of
    docs/formulas.md): fixed bills 730 h, scheduled the active hours; autoscale
    follows the served load, at least the floor."""
    hosted = option.self_hosted
    if hosted.scaling == "fixed":
        return gpus * HOURS_PER_MONTH
    if hosted.scaling == "scheduled":
        return gpus * hours
    floor_gpus = min(gpus, hosted.min_replicas * hosted.gpus_per_replica)
    in_use = max(floor_gpus, served_busy / hosted.max_utilization)
    return hours * in_use + (HOURS_PER_MONTH - hours) * floor_gpus


def scaled_workload(workload: WorkloadInputs, share: float) -> WorkloadInputs:
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

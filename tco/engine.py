"""The cost engine (README: How the numbers are computed): pure functions from resolved inputs to monthly line items.

Nothing here reads files, prints, or knows about the CLI. Each month's cost is a list of
`LineItem`s (quantity × unit price), so every figure in an output can be explained.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from tco.inputs import (
    HOURS_PER_MONTH,
    TOKENS_PER_PRICE_UNIT,
    ApiInputs,
    HybridInputs,
    OptionInputs,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.results import END_OF_MONTH_CATEGORIES, ONE_TIME_CATEGORIES, LineItem, MonthCost, OptionResult

CEIL_TOLERANCE = 1e-9


def tolerant_ceil(x: float) -> int:
    """`ceil(x)`, ignoring an excess of at most 1e-9·max(1, x) over a whole number
    (README: How the numbers are computed)."""
    below = math.floor(x)
    if x - below <= CEIL_TOLERANCE * max(1.0, abs(x)):
        return below
    return math.ceil(x)


def month_label(start: str | None, month: int) -> str | None:
    """`YYYY-MM` of month `month` (1-based) when the scenario has a start, else None."""
    if start is None:
        return None
    year, first = (int(part) for part in start.split("-"))
    index = first - 1 + month - 1
    return f"{year + index // 12:04d}-{index % 12 + 1:02d}"


# --- API options -------------------------------------------------------------------------------


def api_token_items(
    option: ApiInputs, workload: WorkloadInputs, month: int, category: str
) -> list[LineItem]:
    """`token_cost(m)·(1 − s_b·d_b)·(1 − d)·f(m)` as three line items (uncached, cached, output)."""
    tokens_in, tokens_out = workload.tokens(month)
    return api_items_for_tokens(option, tokens_in, tokens_out, workload.cached_input_share, month, category)


def api_items_for_tokens(
    option: ApiInputs, tokens_in: float, tokens_out: float, cached: float, month: int, category: str,
    what: str = "",
) -> list[LineItem]:
    """What `option` bills for these tokens in `month`: the token cost (README: How the numbers are computed)
    with caching, batch, discount and drift, as line items (uncached input, cached input, output). `what` qualifies the
    description ("overflow ")."""
    factor = option.price_factor(month)
    per = TOKENS_PER_PRICE_UNIT
    items = [
        LineItem(category, f"{option.name}: {what}input tokens", tokens_in * (1 - cached) / per, "1M tokens",
                 option.price_per_million_input_tokens * factor),
        LineItem(category, f"{option.name}: {what}output tokens", tokens_out / per, "1M tokens",
                 option.price_per_million_output_tokens * factor),
    ]
    if cached:
        items.insert(1, LineItem(category, f"{option.name}: {what}cached input tokens", tokens_in * cached / per,
                                 "1M tokens", option.price_per_million_cached_input_tokens * factor))
    return items


def api_month_items(option: ApiInputs, workload: WorkloadInputs, month: int) -> list[LineItem]:
    """`api(m)` (README: How the numbers are computed): token cost with caching, batch, discount and drift, plus
    the fixed fee."""
    items = api_token_items(option, workload, month, "api")
    if option.fixed_monthly:
        items.append(LineItem("api", "platform fee", 1, "month", option.fixed_monthly))
    return items


# --- self-hosted options -----------------------------------------------------------------------


def gpus_busy(option: SelfHostedInputs, workload: WorkloadInputs, month: int) -> float:
    """`busy(m)`: GPUs busy on average during the active hours."""
    tokens_in, tokens_out = workload.tokens(month)
    gpu_seconds = tokens_in / option.input_tokens_per_second + tokens_out / option.output_tokens_per_second
    return gpu_seconds / (workload.active_hours_per_month * 3600)


def gpus_needed(option: SelfHostedInputs, workload: WorkloadInputs, month: int) -> int:
    """`gpus(m) = replicas(m)·k`, the fleet sized for the busiest hour."""
    k = option.gpus_per_replica
    peak_load = gpus_busy(option, workload, month) * workload.peak_to_average
    replicas = max(option.min_replicas, tolerant_ceil(peak_load / (option.max_utilization * k)))
    return replicas * k


def rent_gpu_hours(option: SelfHostedInputs, workload: WorkloadInputs, month: int, gpus: int) -> float:
    """GPU-hours billed in `month` for the rent scaling modes (README: How the numbers are computed)."""
    hours = workload.active_hours_per_month
    if option.scaling == "fixed":
        return gpus * HOURS_PER_MONTH
    if option.scaling == "scheduled":
        return gpus * hours
    floor_gpus = option.min_replicas * option.gpus_per_replica
    in_use = max(floor_gpus, gpus_busy(option, workload, month) / option.max_utilization)
    return hours * in_use + (HOURS_PER_MONTH - hours) * floor_gpus


def replacements(fleet: list[int], lifetime: int) -> list[int]:
    """GPUs bought again each month: each cohort every `lifetime` months after its purchase."""
    bought = [fleet[0]] + [fleet[i] - fleet[i - 1] for i in range(1, len(fleet))]
    again = [0] * len(fleet)
    for month_index, count in enumerate(bought):
        if not count:
            continue
        for later in range(month_index + lifetime, len(fleet), lifetime):
            again[later] += count
    return again


def self_hosted_month_items(
    option: SelfHostedInputs,
    workload: WorkloadInputs,
    month: int,
    gpus: int,
    bought: int,
    replaced: int,
    basis: str,
    rent_hours: float | None = None,
) -> list[LineItem]:
    """The GPU costs for one month (README: How the numbers are computed), once the option is live.

    `rent_hours` replaces the GPU-hours billed that the formulas give for the full load (a hybrid's
    fleet serves only part of it)."""
    items: list[LineItem] = []
    if option.acquisition == "rent":
        hours = rent_gpu_hours(option, workload, month, gpus) if rent_hours is None else rent_hours
        items.append(LineItem("gpu_rent", f"GPU rent ({option.scaling})", hours, "GPU-hours",
                              option.hourly_rate(month)))
        return items
    c = option.capital_cost_per_gpu
    if basis == "cash":
        if bought:
            items.append(LineItem("capex", "GPUs bought (with servers)", bought, "GPUs", c))
        if replaced:
            items.append(LineItem("capex", "GPUs replaced at end of life", replaced, "GPUs", c))
            if option.residual_value:
                items.append(LineItem("capex", "resale of replaced GPUs", replaced, "GPUs",
                                      -option.residual_value * c))
    elif gpus:
        items.append(LineItem("depreciation", "straight-line depreciation", gpus, "GPU-months",
                              c * (1 - option.residual_value) / option.lifetime_months))
    if gpus and option.watts_per_gpu:
        items.append(LineItem("power", "electricity", gpus * option.power_kwh_per_gpu_month, "kWh",
                              option.price_per_kwh))
    if gpus and option.hosting_per_gpu_month:
        items.append(LineItem("hosting", "hosting and rack space", gpus, "GPU-months",
                              option.hosting_per_gpu_month))
    if gpus and option.maintenance_per_year:
        items.append(LineItem("maintenance", "maintenance", gpus, "GPU-months",
                              c * option.maintenance_per_year / 12))
    return items


def book_values_at_end(fleet: list[int], again: list[int], option: SelfHostedInputs) -> list[tuple[int, int, float]]:
    """(month bought, GPUs, book value per GPU) of each owned cohort still held after the last month of
    `fleet` (GPUs owned each month; `again`: GPUs bought again each month, [] for none).

    A purchase (first or again) is held at the end when it falls within `lifetime_months` of it. Its
    straight-line book value is `c − months_used · c·(1 − residual_value)/lifetime_months`, the
    depreciation of the amortized basis, with the purchase month counted as used: a cohort whose life
    ends in the last month is worth its residual value `residual_value · c`. E.g. c = 25,000, 10%
    residual, lifetime 36, bought in month 30 of 36: used 7 months, worth 25,000 − 7 · 625 = 20,625.
    """
    horizon = len(fleet)
    c = option.capital_cost_per_gpu
    per_month = c * (1 - option.residual_value) / option.lifetime_months
    held: list[tuple[int, int, float]] = []
    for index in range(max(0, horizon - option.lifetime_months), horizon):
        bought = fleet[index] - (fleet[index - 1] if index else 0) + (again[index] if again else 0)
        if bought:
            held.append((index + 1, bought, c - (horizon - index) * per_month))
    return held


def terminal_value_items(option: SelfHostedInputs, scenario: ScenarioInputs, fleet: list[int],
                         again: list[int]) -> tuple[list[LineItem], float]:
    """The last month's credit for the owned GPUs held at the end (category `terminal_value`, negative;
    only on the cash basis with `terminal_value: book`), and their book value (cash basis, either way;
    0 otherwise), in the scenario's currency."""
    if option.acquisition != "buy" or scenario.basis != "cash":
        return [], 0.0
    held = book_values_at_end(fleet, again, option)
    value = sum(count * per_gpu for _, count, per_gpu in held)
    if scenario.terminal_value != "book":
        return [], value
    last = len(fleet)
    return [LineItem("terminal_value", f"book value of the GPUs bought in month {month}, kept after month {last}",
                     count, "GPUs", -per_gpu) for month, count, per_gpu in held], value


# --- costs every option carries ----------------------------------------------------------------


def shared_month_items(shared: SharedCosts, month: int) -> list[LineItem]:
    """Staff every month, setup in month 1, other costs every month, fine-tuning runs when due."""
    items: list[LineItem] = []
    if shared.staff_fte and shared.cost_per_fte_year:
        items.append(LineItem("staff", "staff", shared.staff_fte, "FTE-months", shared.cost_per_fte_year / 12))
    if month == 1 and shared.setup_cost:
        items.append(LineItem("setup", "one-time setup", 1, "once", shared.setup_cost))
    if shared.other_monthly:
        items.append(LineItem("other", "other monthly costs", 1, "month", shared.other_monthly))
    tuning = shared.fine_tuning
    if tuning is not None and tuning.runs_in(month):
        if tuning.gpu_hours:
            items.append(LineItem("fine_tuning", "fine-tuning GPU time", tuning.gpu_hours, "GPU-hours",
                                  tuning.hourly_rate_per_gpu))
        if tuning.training_tokens:
            items.append(LineItem("fine_tuning", "fine-tuning training tokens",
                                  tuning.training_tokens / TOKENS_PER_PRICE_UNIT, "1M tokens",
                                  tuning.price_per_million_training_tokens))
        if tuning.data_cost:
            items.append(LineItem("fine_tuning", "fine-tuning data work", 1, "run", tuning.data_cost))
    return items


# --- projection --------------------------------------------------------------------------------


@dataclass
class MonthPlan:
    """One month of one option before totals: its line items, fleet, and what its GPUs served."""

    items: list[LineItem]
    gpus: int | None = None
    self_hosted_tokens: float = 0.0
    served_gpu_hours: float = 0.0
    fleet_gpu_hours: float = 0.0
    book_value_at_end: float = 0.0  # the last month's: see `terminal_value_items`


def fleet_by_month(option: SelfHostedInputs, scenario: ScenarioInputs,
                   needed: Callable[[int], int]) -> tuple[list[int], list[int]]:
    """GPUs each month (0 before go-live) and GPUs bought again each month, from the GPUs `needed`
    in a month: rented fleets follow it, owned fleets keep their running maximum
    (README: How the numbers are computed)."""
    horizon = scenario.horizon_months
    if option.acquisition == "buy":
        fleet: list[int] = []
        owned = 0
        for month in range(1, horizon + 1):
            if month >= option.go_live_month:
                owned = max(owned, needed(month))
            fleet.append(owned)
        return fleet, replacements(fleet, option.lifetime_months)
    return [needed(m) if m >= option.go_live_month else 0 for m in range(1, horizon + 1)], []


def paid_gpu_hours(option: SelfHostedInputs, items: list[LineItem], gpus: int) -> float:
    """GPU-hours paid for in a month: the rented hours billed, or every hour of the GPUs owned."""
    if option.acquisition == "rent":
        return sum(i.quantity for i in items if i.category == "gpu_rent")
    return gpus * HOURS_PER_MONTH


def self_hosted_plans(option: SelfHostedInputs, scenario: ScenarioInputs) -> list[MonthPlan]:
    """Every month of a self-hosted option (README: How the numbers are computed), its fallback before go-live."""
    workload = scenario.workload
    fleet, again = fleet_by_month(option, scenario, lambda m: gpus_needed(option, workload, m))
    plans: list[MonthPlan] = []
    for month in range(1, scenario.horizon_months + 1):
        if month < option.go_live_month:
            items = []
            if option.fallback is not None:
                items = api_token_items(option.fallback, workload, month, "fallback_api")
            plans.append(MonthPlan(items, 0))
            continue
        gpus = fleet[month - 1]
        previous = fleet[month - 2] if month > 1 else 0
        items = self_hosted_month_items(option, workload, month, gpus, gpus - previous,
                                        again[month - 1] if again else 0, scenario.basis)
        tokens_in, tokens_out = workload.tokens(month)
        plans.append(MonthPlan(items, gpus, tokens_in + tokens_out,
                               gpus_busy(option, workload, month) * workload.active_hours_per_month,
                               paid_gpu_hours(option, items, gpus)))
    credit, plans[-1].book_value_at_end = terminal_value_items(option, scenario, fleet, again)
    plans[-1].items.extend(credit)
    return plans


def month_plans(option: OptionInputs, scenario: ScenarioInputs) -> list[MonthPlan]:
    """Every month of any option, with its own staff, setup, other and fine-tuning costs."""
    if isinstance(option, HybridInputs | RoutedInputs):
        from tco.mixed import hybrid_plans, routed_plans

        plans = (hybrid_plans(option, scenario) if isinstance(option, HybridInputs)
                 else routed_plans(option, scenario))
    elif isinstance(option, ApiInputs):
        plans = [MonthPlan(api_month_items(option, scenario.workload, m))
                 for m in range(1, scenario.horizon_months + 1)]
    else:
        plans = self_hosted_plans(option, scenario)
    for month, plan in enumerate(plans, start=1):
        plan.items.extend(shared_month_items(option.shared, month))
    return plans


def project_option(option: OptionInputs, scenario: ScenarioInputs) -> OptionResult:
    """Every month of one option over the horizon, with totals, NPV and cost per 1M tokens."""
    workload = scenario.workload
    cumulative = 0.0
    npv = 0.0
    tokens_total = 0.0
    months: list[MonthCost] = []
    plans = month_plans(option, scenario)
    for month, plan in enumerate(plans, start=1):
        tokens_in, tokens_out = workload.tokens(month)
        tokens_total += tokens_in + tokens_out
        items = plan.items
        cost = MonthCost(month, month_label(scenario.start, month), tokens_in, tokens_out, plan.gpus, items,
                         self_hosted_tokens=plan.self_hosted_tokens, served_gpu_hours=plan.served_gpu_hours,
                         fleet_gpu_hours=plan.fleet_gpu_hours)
        for item in items:
            cost.costs[item.category] = cost.costs.get(item.category, 0.0) + item.amount
            if item.category in ONE_TIME_CATEGORIES:
                cost.one_time += item.amount
            elif item.category in END_OF_MONTH_CATEGORIES:
                cost.at_end += item.amount
        cost.total = sum(cost.costs.values())
        cumulative += cost.total
        cost.cumulative = cumulative
        npv += cost.total / (1 + scenario.discount_rate) ** ((month - 1) / 12)
        months.append(cost)
    per_million = cumulative / (tokens_total / TOKENS_PER_PRICE_UNIT) if tokens_total else None
    go_live, fallback = months_on_fallback(option)
    first_fleet = next((m.gpus for m in months if m.gpus), None)
    purchase_month, purchase_cash = first_purchase(option, scenario, months)
    return OptionResult(
        option.name, option.kind, months, cumulative, npv, per_million,
        option_label(option, first_fleet, months[-1].gpus if months else None),
        go_live_month=go_live,
        fallback=fallback.name if fallback is not None else None,
        fine_tuning_months=tuple(m.month for m in months if m.costs.get("fine_tuning")),
        book_value_at_end=plans[-1].book_value_at_end if plans else 0.0,
        first_purchase_month=purchase_month,
        first_purchase_cash=purchase_cash,
    )


def owns_gpus(option: OptionInputs) -> bool:
    """Whether the option buys GPUs: an owned self-hosted option, a hybrid of one that runs a fleet, or
    a routed option with such a route."""
    if isinstance(option, SelfHostedInputs):
        return option.acquisition == "buy"
    if isinstance(option, HybridInputs):
        return option.self_hosted.acquisition == "buy" and not (option.size_for == "gpus" and not option.fleet_gpus)
    if isinstance(option, RoutedInputs):
        return any(owns_gpus(route.option) for route in option.routes if route.share > 0)
    return False


def first_purchase(option: OptionInputs, scenario: ScenarioInputs,
                   months: list[MonthCost]) -> tuple[int | None, float | None]:
    """The first month an option that owns GPUs has a fleet (when it buys them), and that month's cost
    on the cash basis: the cash it needs then, whatever basis the scenario reports. (None, None) for an
    option that owns none."""
    if not owns_gpus(option):
        return None, None
    month = next((m.month for m in months if m.gpus), None)
    if month is None:
        return None, None
    cash = replace(scenario, horizon_months=month, basis="cash", terminal_value="none")
    return month, sum(i.amount for i in month_plans(option, cash)[month - 1].items)


def months_on_fallback(option: OptionInputs) -> tuple[int, ApiInputs | None]:
    """The go-live month before which a fallback API serves the option's traffic, and that API:
    a self-hosted option's own; a hybrid's, its self-hosted option's (none for
    {gpus: 0}, which never runs a fleet); a routed option's, the one its self-hosting routes share
    (month 1 when they differ, as no single go-live describes them)."""
    if isinstance(option, SelfHostedInputs):
        return option.go_live_month, option.fallback
    if isinstance(option, HybridInputs):
        if option.size_for == "gpus" and not option.fleet_gpus:
            return 1, None
        return option.self_hosted.go_live_month, option.self_hosted.fallback
    if isinstance(option, RoutedInputs):
        waits = {months_on_fallback(r.option) for r in option.routes if not isinstance(r.option, ApiInputs)}
        waits.discard((1, None))
        if len(waits) == 1:
            return waits.pop()
    return 1, None


def option_label(option: OptionInputs, gpus_first: int | None, gpus_at_end: int | None) -> str:
    """How a sentence names the option: "Llama 3.1 70B on 4 → 10 rented H100 SXMs" (its fleet in the first
    month it has one, then at the end; one number when they are equal), or its name."""
    if isinstance(option, SelfHostedInputs) and option.model_name and option.gpu_name and gpus_at_end:
        how = "rented" if option.acquisition == "rent" else "owned"
        plural = "s" if gpus_at_end != 1 else ""
        fleet = f"{gpus_first} → {gpus_at_end}" if gpus_first and gpus_first != gpus_at_end else f"{gpus_at_end}"
        return f"{option.model_name} on {fleet} {how} {option.gpu_name}{plural}"
    return option.name


def project(scenario: ScenarioInputs) -> list[OptionResult]:
    """Every option of `scenario`, in the order given."""
    return [project_option(option, scenario) for option in scenario.options]

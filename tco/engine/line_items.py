"""The line items of one month of an api or self-hosted option: pure functions from resolved inputs.

Nothing here reads files, prints, or knows about the CLI. Each month's cost is a list of
`LineItem`s (quantity × unit price), so every figure in an output can be explained.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from tco.engine.inputs import (
    HOURS_PER_MONTH,
    TOKENS_PER_PRICE_UNIT,
    ApiInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.results import LineItem

CEIL_TOLERANCE = 1e-9


def tolerant_ceil(x: float) -> int:
    """`ceil(x)`, ignoring an excess of at most 1e-9·max(1, x) over a whole number
    (docs/formulas.md)."""
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
    """What `option` bills for these tokens in `month`: the token cost (docs/formulas.md)
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
    """`api(m)` (docs/formulas.md): token cost with caching, batch, discount and drift, plus
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
    """GPU-hours billed in `month` for the rent scaling modes (docs/formulas.md)."""
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
    """The GPU costs for one month (docs/formulas.md), once the option is live.

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
    (docs/formulas.md)."""
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
    """Every month of a self-hosted option (docs/formulas.md), its fallback before go-live."""
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

"""The line items of one month of an api or self-hosted option: pure functions from resolved inputs.

Nothing here reads files, prints, or knows about the CLI. Each month's cost is a list of
`LineItem`s (quantity × unit price), so every figure in an output can be explained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tco.engine import formulas
from tco.engine.formulas import HOURS_PER_MONTH, Priced
from tco.engine.formulas import replacements as replacements  # the cohorts, for callers of this module
from tco.engine.formulas import tolerant_ceil as tolerant_ceil
from tco.engine.inputs import ApiInputs, ScenarioInputs, SelfHostedInputs, SharedCosts, WorkloadInputs
from tco.engine.results import LineItem


def item(category: str, description: str, line: Priced, unit: str) -> LineItem:
    """The line item of a cost line of `tco.engine.formulas`."""
    return LineItem(category, description, line.quantity, unit, line.unit_price)


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
    uncached, cached_line, output = formulas.api_token_lines(
        formulas.api_token_quantities(tokens_in, tokens_out, cached), option.price_per_million_input_tokens,
        option.price_per_million_cached_input_tokens, option.price_per_million_output_tokens,
        option.price_factor(month))
    items = [item(category, f"{option.name}: {what}input tokens", uncached, "1M tokens")]
    if cached:
        items.append(item(category, f"{option.name}: {what}cached input tokens", cached_line, "1M tokens"))
    items.append(item(category, f"{option.name}: {what}output tokens", output, "1M tokens"))
    return items


def api_month_items(option: ApiInputs, workload: WorkloadInputs, month: int) -> list[LineItem]:
    """`api(m)` (docs/formulas.md): token cost with caching, batch, discount and drift, plus
    the fixed fee."""
    items = api_token_items(option, workload, month, "api")
    if option.fixed_monthly:
        items.append(item("api", "platform fee", formulas.once(option.fixed_monthly), "month"))
    return items


# --- self-hosted options -----------------------------------------------------------------------


def gpus_busy(option: SelfHostedInputs, workload: WorkloadInputs, month: int) -> float:
    """`busy(m)`: GPUs busy on average during the active hours (`tco.engine.formulas.gpus_busy`)."""
    tokens_in, tokens_out = workload.tokens(month)
    busy: float = formulas.gpus_busy(tokens_in, tokens_out, option.input_tokens_per_second,
                                     option.output_tokens_per_second, workload.active_hours_per_month)
    return busy


def gpus_needed(option: SelfHostedInputs, workload: WorkloadInputs, month: int) -> int:
    """`gpus(m) = replicas(m)·k`, the fleet sized for the busiest hour, `busy(m)·peak_to_average`."""
    gpus: int = formulas.fleet_size(gpus_busy(option, workload, month) * workload.peak_to_average,
                                    option.max_utilization, option.gpus_per_replica, option.min_replicas)
    return gpus


def rent_gpu_hours(option: SelfHostedInputs, workload: WorkloadInputs, month: int, gpus: int,
                   busy: float | None = None) -> float:
    """GPU-hours billed in `month` for a rented fleet of `gpus` (`tco.engine.formulas.rent_gpu_hours`), an
    autoscaled one following `busy` GPUs (the whole load's when None)."""
    if busy is None:
        busy = gpus_busy(option, workload, month)
    hours: float = formulas.rent_gpu_hours(option.scaling, gpus, workload.active_hours_per_month, busy,
                                           option.max_utilization, option.min_replicas, option.gpus_per_replica)
    return hours


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
        drift = formulas.yearly_compound(option.rent_change_per_year, month)
        items.append(item("gpu_rent", f"GPU rent ({option.scaling})",
                          formulas.rent(hours, option.hourly_rate_per_gpu, drift), "GPU-hours"))
        return items
    c = option.capital_cost_per_gpu
    if basis == "cash":
        if bought:
            items.append(item("capex", "GPUs bought (with servers)", formulas.purchase(bought, c), "GPUs"))
        if replaced:
            items.append(item("capex", "GPUs replaced at end of life", formulas.purchase(replaced, c), "GPUs"))
            if option.residual_value:
                items.append(item("capex", "resale of replaced GPUs",
                                  formulas.resale(replaced, c, option.residual_value), "GPUs"))
    elif gpus:
        items.append(item("depreciation", "straight-line depreciation",
                          formulas.depreciation(gpus, c, option.residual_value, option.lifetime_months), "GPU-months"))
    if gpus and option.watts_per_gpu:
        items.append(item("power", "electricity", formulas.power(
            gpus, option.watts_per_gpu, option.load_factor, option.pue, option.power_hours_per_month,
            option.price_per_kwh), "kWh"))
    if gpus and option.hosting_per_gpu_month:
        items.append(item("hosting", "hosting and rack space", formulas.hosting(gpus, option.hosting_per_gpu_month),
                          "GPU-months"))
    if gpus and option.maintenance_per_year:
        items.append(item("maintenance", "maintenance", formulas.maintenance(gpus, c, option.maintenance_per_year),
                          "GPU-months"))
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
    bought = formulas.purchases(fleet)
    held: list[tuple[int, int, float]] = []
    for index in formulas.held_at_end(horizon, option.lifetime_months):
        count = bought[index] + (again[index] if again else 0)
        if count:
            held.append((index + 1, count, formulas.book_value(c, option.residual_value, option.lifetime_months,
                                                               horizon - index)))
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
    return [item("terminal_value", f"book value of the GPUs bought in month {month}, kept after month {last}",
                 formulas.terminal_credit(count, per_gpu), "GPUs") for month, count, per_gpu in held], value


# --- costs every option carries ----------------------------------------------------------------


def shared_month_items(shared: SharedCosts, month: int) -> list[LineItem]:
    """Staff every month, setup in month 1, other costs every month, fine-tuning runs when due."""
    items: list[LineItem] = []
    if shared.staff_fte and shared.cost_per_fte_year:
        items.append(item("staff", "staff", formulas.staff(shared.staff_fte, shared.cost_per_fte_year), "FTE-months"))
    if month == 1 and shared.setup_cost:
        items.append(item("setup", "one-time setup", formulas.once(shared.setup_cost), "once"))
    if shared.other_monthly:
        items.append(item("other", "other monthly costs", formulas.once(shared.other_monthly), "month"))
    tuning = shared.fine_tuning
    if tuning is not None and tuning.runs_in(month):
        gpu, tokens, data = formulas.fine_tuning_lines(
            tuning.gpu_hours, tuning.hourly_rate_per_gpu, tuning.training_tokens,
            tuning.price_per_million_training_tokens, tuning.data_cost)
        if tuning.gpu_hours:
            items.append(item("fine_tuning", "fine-tuning GPU time", gpu, "GPU-hours"))
        if tuning.training_tokens:
            items.append(item("fine_tuning", "fine-tuning training tokens", tokens, "1M tokens"))
        if tuning.data_cost:
            items.append(item("fine_tuning", "fine-tuning data work", data, "run"))
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
    fleet: list[int] = [formulas.live_fleet(needed(m), m >= option.go_live_month)
                        for m in range(1, scenario.horizon_months + 1)]
    if option.acquisition != "buy":
        return fleet, []
    fleet = formulas.owned_fleet(fleet)
    return fleet, replacements(fleet, option.lifetime_months)


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

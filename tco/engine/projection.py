"""The cost engine: every month of every option over the horizon, with totals, NPV and cost per 1M tokens.

Nothing here reads files, prints, or knows about the CLI. Each month's cost is a list of
`LineItem`s (quantity × unit price) from `tco.engine.line_items` and `tco.engine.mixed`, so every
figure in an output can be explained.
"""

from __future__ import annotations

from tco.engine import formulas
from tco.engine.inputs import (
    TOKENS_PER_PRICE_UNIT,
    ApiInputs,
    HybridInputs,
    OptionInputs,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
)
from tco.engine.line_items import MonthPlan, api_month_items, month_label, self_hosted_plans, shared_month_items
from tco.engine.mixed import hybrid_plans, routed_plans
from tco.engine.results import END_OF_MONTH_CATEGORIES, ONE_TIME_CATEGORIES, Fleet, MonthCost, OptionResult
from tco.frozen import replace


def month_plans(option: OptionInputs, scenario: ScenarioInputs) -> list[MonthPlan]:
    """Every month of any option, with its own staff, setup, other and fine-tuning costs."""
    if isinstance(option, HybridInputs | RoutedInputs):
        plans = (hybrid_plans(option, scenario) if isinstance(option, HybridInputs)
                 else routed_plans(option, scenario, month_plans))
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
        npv += cost.total / formulas.yearly_compound(scenario.discount_rate, month)
        months.append(cost)
    per_million = cumulative / (tokens_total / TOKENS_PER_PRICE_UNIT) if tokens_total else None
    go_live, fallback = months_on_fallback(option)
    first_fleet = next((m.gpus for m in months if m.gpus), None)
    purchase_month, purchase_cash = first_purchase(option, scenario, months)
    return OptionResult(
        option.name, option.kind, months, cumulative, npv, per_million,
        option_fleet(option, first_fleet, months[-1].gpus if months else None),
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


def option_fleet(option: OptionInputs, gpus_first: int | None, gpus_at_end: int | None) -> Fleet | None:
    """What a sentence names the option by: a self-hosted option's model and GPUs, with its fleet in the
    first month it has one and at the end; None (named by its name) for any other option."""
    if isinstance(option, SelfHostedInputs) and option.model_name and option.gpu_name and gpus_at_end:
        return Fleet(option.model_name, option.gpu_name, option.acquisition, gpus_first, gpus_at_end)
    return None


def project(scenario: ScenarioInputs) -> list[OptionResult]:
    """Every option of `scenario`, in the order given."""
    return [project_option(option, scenario) for option in scenario.options]

"""Run a scenario end to end: `compare_file("scenario.yaml")` returns a `Comparison`.

This is the library's front door; the CLI is a thin layer over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tco.amounts import money_short
from tco.engine.breakeven import compare_pair
from tco.engine.inputs import ApiInputs, HybridInputs, OptionInputs, RoutedInputs, ScenarioInputs, SelfHostedInputs
from tco.engine.projection import project, project_option
from tco.engine.results import Assumption, BreakEven, Comparison, OptionResult, ScenarioWarning, computable, too_large
from tco.errors import TcoError
from tco.load.yamlsource import format_path
from tco.pricing.catalog import Catalog, user_pricing_dir
from tco.scenario.loader import LoadedScenario, load_scenario


def compare_inputs(
    inputs: ScenarioInputs,
    *,
    source: str = "",
    warnings: Sequence[ScenarioWarning] = (),
    assumptions: Sequence[Assumption] = (),
) -> Comparison:
    """Project every option of `inputs` and measure every self-hosted option against every API option.

    Valid but extreme inputs (1e300 requests a day, 1000% monthly growth over 20 years) can give
    figures beyond MAX_FIGURE (1e300) or what a float holds; that raises TcoError naming `source` and
    the option or workload at fault (`options[1]`), never returns `inf` or `nan`.
    """
    label = source or inputs.name
    try:
        results = project(inputs)
    except OverflowError:
        raise _too_large(label, _overflowing(inputs)) from None
    by_name = {r.name: r for r in results}
    apis = [o for o in inputs.options if isinstance(o, ApiInputs)]
    apis.sort(key=lambda o: o.name != inputs.baseline)  # the baseline's pairs first
    pairs: list[BreakEven] = []
    for api in apis:
        for index, option in enumerate(inputs.options):
            if self_hosts(option):
                try:
                    pairs.append(compare_pair(by_name[option.name], by_name[api.name], option, api,
                                              inputs.workload, inputs))
                except OverflowError:
                    raise _too_large(label, ("options", index)) from None
    comparison = Comparison(
        scenario=inputs.name,
        source=source,
        currency=inputs.currency,
        horizon_months=inputs.horizon_months,
        basis=inputs.basis,
        baseline=inputs.baseline,
        start=inputs.start,
        options=results,
        break_even=pairs,
        warnings=list(warnings),
        assumptions=list(assumptions),
        month1_input_tokens=inputs.workload.input_tokens_month1,
        month1_output_tokens=inputs.workload.output_tokens_month1,
        month1_requests_per_day=inputs.workload.requests_per_day,
    )
    at_fault = uncomputable_figure(comparison)
    if at_fault is not None:
        raise _too_large(label, at_fault)
    # Worded from figures the guard has passed, so a warning never says inf or nan either.
    comparison.warnings.extend(book_value_warnings(inputs, results))
    return comparison


def _too_large(source: str, path: tuple[str | int, ...]) -> TcoError:
    return too_large(source, format_path(path), volumes=path == ("workload",))


def _overflowing(inputs: ScenarioInputs) -> tuple[str | int, ...]:
    """Where a projection that overflowed went beyond a float: the workload's volumes, else the first
    option whose own projection overflows."""
    try:
        volumes = [tokens for month in (1, inputs.horizon_months) for tokens in inputs.workload.tokens(month)]
    except OverflowError:  # the growth factor itself
        return ("workload",)
    if not all(computable(tokens) for tokens in volumes):
        return ("workload",)
    for index, option in enumerate(inputs.options):
        try:
            project_option(option, inputs)
        except OverflowError:
            return ("options", index)
    return ()


def uncomputable_figure(comparison: Comparison) -> tuple[str | int, ...] | None:
    """Where the first figure that is not finite, or is beyond MAX_FIGURE, is: `("workload",)` for a
    volume, `("options", i)` for option i's costs, counts or break-even figures; None when every figure
    is computable.

    This is the one guard on the figures every output shows, so no output says inf or nan."""
    def fine(*values: float | None) -> bool:
        return all(computable(value) for value in values)

    # The month-1 volume, however the workload gave it (a monthly_spend derives it from the baseline's prices).
    if not fine(comparison.month1_input_tokens, comparison.month1_output_tokens,
                comparison.month1_input_tokens + comparison.month1_output_tokens, comparison.month1_requests_per_day):
        return ("workload",)
    for option in comparison.options:
        if not (all(fine(m.input_tokens, m.output_tokens, m.input_tokens + m.output_tokens) for m in option.months)
                and fine(sum(m.input_tokens + m.output_tokens for m in option.months))):
            return ("workload",)
    for index, option in enumerate(comparison.options):
        pairs = [p for p in comparison.break_even if p.option == option.name]
        if not (fine(option.total, option.npv, option.cost_per_million_tokens, option.self_hosted_share,
                     option.fleet_utilization, option.book_value_at_end, option.first_purchase_cash)
                # The terminal value is a line item (category `terminal_value`) of the last month, in `costs`.
                # A line item that is not finite makes its month's total inf or nan, so totals stand for them.
                and all(fine(m.gpus, m.total, m.cumulative, m.one_time, m.self_hosted_tokens, m.served_gpu_hours,
                             m.fleet_gpu_hours, m.self_hosted_share, m.fleet_utilization, m.at_end, *m.costs.values())
                        for m in option.months)
                and all(fine(p.months, p.volume_tokens_per_month, p.first_volume_tokens_per_month,
                             p.volume_requests_per_day, p.first_volume_requests_per_day, p.savings_at_horizon)
                        for p in pairs)):
            return ("options", index)
    return None


# On the cash basis without a terminal value, book value left at the end above this share of an
# option's total is warned about: enough to change which option looks cheaper.
BOOK_VALUE_WARNING_SHARE = 0.05


def book_value_warnings(inputs: ScenarioInputs, results: Sequence[OptionResult]) -> list[str]:
    """One warning per option whose owned GPUs are still worth more than 5% of its total at book value
    after the last month, when the cash basis does not credit it (`finance.terminal_value: none`)."""
    if inputs.basis != "cash" or inputs.terminal_value == "book":
        return []
    found = []
    horizon = inputs.horizon_months
    for result in results:
        book = result.book_value_at_end
        if book <= 0 or book <= BOOK_VALUE_WARNING_SHARE * abs(result.total):
            continue
        c = inputs.currency
        found.append(f"{result.name}: the GPUs it owns at the end of the {horizon} months are still worth "
                     f"{money_short(book, c)} at book value ({book / result.total:.0%} of its "
                     f"{money_short(result.total, c)} total), which the cash basis does not credit; "
                     f"finance.terminal_value: book would credit it in month {horizon}, bringing the total to "
                     f"{money_short(result.total - book, c)}")
    return found


def self_hosts(option: OptionInputs) -> bool:
    """Whether the option is a self-hosting strategy that break-even measures against the APIs:
    a self-hosted option, a hybrid, or a routed option with a self-hosting route."""
    if isinstance(option, SelfHostedInputs | HybridInputs):
        return True
    if isinstance(option, RoutedInputs):
        return any(self_hosts(route.option) for route in option.routes)
    return False


def compare_loaded(loaded: LoadedScenario) -> Comparison:
    """A `Comparison` of a scenario already read by `tco.scenario.loader.load_scenario`; figures too large
    to compute are an error at the line of the option (or the workload) they come from."""
    try:
        return compare_inputs(loaded.inputs, source=loaded.source, warnings=loaded.warnings,
                              assumptions=loaded.assumptions)
    except TcoError as error:
        raise loaded.locate(error) from None


def compare_file(
    path: str,
    *,
    overrides: Sequence[str] = (),
    pricing_dir: str | None = None,
    basis: str | None = None,
    today: dt.date | None = None,
) -> Comparison:
    """Read the scenario at `path`, apply `--set`-style overrides, and compare its options."""
    catalog = Catalog(user_pricing_dir(pricing_dir))
    loaded = load_scenario(path, overrides=list(overrides), catalog=catalog, basis=basis, today=today)
    return compare_loaded(loaded)

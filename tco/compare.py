"""Run a scenario end to end: `compare_file("scenario.yaml")` returns a `Comparison`.

This is the library's front door; the CLI is a thin layer over it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from tco.breakeven import compare_pair
from tco.catalog import Catalog
from tco.engine import project
from tco.errors import TcoError
from tco.inputs import ApiInputs, HybridInputs, OptionInputs, RoutedInputs, ScenarioInputs, SelfHostedInputs
from tco.results import Assumption, BreakEven, Comparison, OptionResult
from tco.scenario import LoadedScenario, load_scenario


def compare_inputs(
    inputs: ScenarioInputs,
    *,
    source: str = "",
    warnings: Sequence[str] = (),
    assumptions: Sequence[Assumption] = (),
) -> Comparison:
    """Project every option of `inputs` and measure every self-hosted option against every API option.

    Valid but extreme inputs (1e300 requests a day, 1000% monthly growth over 20 years) can
    exceed what a float holds; that raises TcoError naming `source`, never returns `inf`.
    """
    too_large = TcoError.single(source or inputs.name, "the costs are too large to compute (beyond 1e308): "
                                "check the workload's volumes and growth, and the throughputs")
    try:
        results = project(inputs)
    except OverflowError:
        raise too_large from None
    if not all(math.isfinite(m.cumulative) for r in results for m in r.months):
        raise too_large
    by_name = {r.name: r for r in results}
    apis = [o for o in inputs.options if isinstance(o, ApiInputs)]
    apis.sort(key=lambda o: o.name != inputs.baseline)  # the baseline's pairs first
    pairs: list[BreakEven] = []
    for api in apis:
        for option in inputs.options:
            if self_hosts(option):
                pairs.append(compare_pair(by_name[option.name], by_name[api.name], option, api, inputs.workload,
                                          inputs))
    return Comparison(
        scenario=inputs.name,
        source=source,
        currency=inputs.currency,
        horizon_months=inputs.horizon_months,
        basis=inputs.basis,
        baseline=inputs.baseline,
        start=inputs.start,
        options=results,
        break_even=pairs,
        warnings=[*warnings, *book_value_warnings(inputs, results)],
        assumptions=list(assumptions),
        month1_input_tokens=inputs.workload.input_tokens_month1,
        month1_output_tokens=inputs.workload.output_tokens_month1,
        month1_requests_per_day=inputs.workload.requests_per_day,
    )


# On the cash basis without a terminal value, book value left at the end above this share of an
# option's total is warned about: enough to change which option looks cheaper.
BOOK_VALUE_WARNING_SHARE = 0.05


def book_value_warnings(inputs: ScenarioInputs, results: Sequence[OptionResult]) -> list[str]:
    """One warning per option whose owned GPUs are still worth more than 5% of its total at book value
    after the last month, when the cash basis does not credit it (`finance.terminal_value: none`)."""
    from tco.render.text import money_short

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
    """A `Comparison` of a scenario already read by `tco.scenario.load_scenario`."""
    return compare_inputs(loaded.inputs, source=loaded.source, warnings=loaded.warnings,
                          assumptions=loaded.assumptions)


def compare_file(
    path: str,
    *,
    overrides: Sequence[str] = (),
    pricing_dir: str | None = None,
    basis: str | None = None,
    today: dt.date | None = None,
) -> Comparison:
    """Read the scenario at `path`, apply `--set`-style overrides, and compare its options."""
    from tco.catalog import user_pricing_dir

    catalog = Catalog(user_pricing_dir(pricing_dir))
    loaded = load_scenario(path, overrides=list(overrides), catalog=catalog, basis=basis, today=today)
    return compare_loaded(loaded)

"""Resolving a validated scenario: defaults and pricing-table values applied, each one recorded.

Every value that did not come from the file becomes an `Assumption` naming its source and date
(docs/scenario.md, docs/pricing.md); table lookups that fail become problems naming the table and
the key. The steps, in order, each a function returning its result and what it assumed:
the workload (`tco.scenario.workload`), the api options (`tco.scenario.api`), form C's volume from
the baseline's prices, the self-hosted options (`tco.scenario.self_hosted`, with their throughput from
`tco.scenario.throughput`), the hybrid and routed ones (`tco.scenario.mixed`), and the finance settings.
"""

from __future__ import annotations

from typing import cast

from tco.defaults import DEFAULTS, Basis, TerminalValue
from tco.engine.inputs import ApiInputs, OptionInputs, ScenarioInputs, SelfHostedInputs
from tco.engine.results import Assumption, ScenarioWarning
from tco.frozen import frozen
from tco.load import schema
from tco.scenario.api import resolve_api
from tco.scenario.costs import TuningRate
from tco.scenario.mixed import resolve_mixed
from tco.scenario.record import Context, Record, Recorded, warnings_of
from tco.scenario.self_hosted import resolve_self_hosted
from tco.scenario.workload import month1_tokens, monthly_from_annual, resolve_bill_volume, resolve_workload

__all__ = ["Context", "Resolution", "month1_tokens", "monthly_from_annual", "resolve_scenario"]


@frozen
class Resolution:
    """A scenario's engine inputs, every value assumed to make them (in the order found), and the warnings."""

    inputs: ScenarioInputs
    assumptions: tuple[Assumption, ...]
    warnings: tuple[ScenarioWarning, ...]


def resolve_scenario(scenario: schema.Scenario, context: Context, basis: str | None = None) -> Resolution:
    """The engine inputs of a validated scenario (`basis` overrides the file's finance.basis).

    Problems go to `context.problems`; the inputs are sound only when it holds none.
    """
    s = scenario
    record = Record(context)
    horizon = record.default("horizon_months", s.horizon_months, DEFAULTS.horizon_months)
    resolved_workload = resolve_workload(s.workload, context)
    record.take(resolved_workload.recorded)
    workload = resolved_workload.inputs
    api_names = [o.name for o in s.options if isinstance(o, schema.ApiOption)]
    baseline = s.baseline
    if baseline is None and api_names:
        baseline = record.assume("baseline", api_names[0], "tco default: the first api option")
    apis: dict[str, ApiInputs] = {}
    options: list[OptionInputs] = []
    for index, option in enumerate(s.options):
        if isinstance(option, schema.ApiOption):
            api = resolve_api(option, index, workload, context)
            record.take(api.recorded)
            if api.inputs is not None:
                apis[option.name] = api.inputs
                options.append(api.inputs)
    if s.workload.monthly_spend is not None:  # form C: the volume follows from the baseline's prices
        billed = resolve_bill_volume(s.workload.monthly_spend, workload, baseline, apis,
                                     s.currency or DEFAULTS.currency.value, context)
        record.take(billed.recorded)
        workload = billed.inputs
    hosted: dict[str, SelfHostedInputs] = {}
    tuning: dict[str, TuningRate] = {}
    for index, option in enumerate(s.options):
        if isinstance(option, schema.SelfHostedOption):
            self_hosted = resolve_self_hosted(option, index, apis, baseline, workload, context)
            record.take(self_hosted.recorded)
            tuning[option.name] = self_hosted.tuning
            if self_hosted.inputs is not None:
                options.append(self_hosted.inputs)
                hosted[option.name] = self_hosted.inputs
    mixed = resolve_mixed(s, workload, {**apis, **hosted}, tuning, context)
    record.take(mixed.recorded)
    workload = mixed.workload
    options.extend(mixed.options)
    order = {o.name: i for i, o in enumerate(s.options)}
    options.sort(key=lambda o: order[o.name])
    finance = _finance(s, options, basis, context)
    record.take(finance.recorded)
    inputs = ScenarioInputs(
        name=s.name,
        workload=workload,
        options=tuple(options),
        horizon_months=horizon,
        basis=finance.basis,
        discount_rate=finance.discount_rate,
        terminal_value=finance.terminal_value,
        baseline=baseline,
        start=s.start,
        currency=record.default("currency", s.currency, DEFAULTS.currency),
    )
    done = record.done()
    return Resolution(inputs, done.assumptions, tuple(warnings_of(done.notices)))


@frozen
class _Finance:
    """The finance step's result: basis, discount rate and terminal value, with what it assumed."""

    basis: Basis
    discount_rate: float
    terminal_value: TerminalValue
    recorded: Recorded


def _finance(s: schema.Scenario, options: list[OptionInputs], basis: str | None, context: Context) -> _Finance:
    """The basis (`basis` from the command line, else the file's), the discount rate and the terminal value."""
    record = Record(context)
    finance = s.finance or schema.Finance()
    chosen = cast(Basis, basis) if basis else record.default("finance.basis", finance.basis, DEFAULTS.basis)
    terminal_value = finance.terminal_value or DEFAULTS.terminal_value.value
    if chosen == "cash" and any(isinstance(o, SelfHostedInputs) and o.acquisition == "buy" for o in options):
        terminal_value = record.default("finance.terminal_value", finance.terminal_value, DEFAULTS.terminal_value)
    elif chosen == "amortized" and finance.terminal_value == "book":
        record.warn("finance.terminal_value: book has no effect on the amortized basis, which already "
                    "leaves out the value the GPUs keep after the last month")
    discount_rate = record.default("finance.discount_rate", finance.discount_rate, DEFAULTS.discount_rate)
    return _Finance(chosen, discount_rate, terminal_value, record.done())

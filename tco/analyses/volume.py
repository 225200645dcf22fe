"""Steady monthly cost against monthly volume: what the volume chart (`tco chart --kind volume`) and the
report draw, computed here so that no renderer prices a volume itself.

A cost at a volume no month had needs the scenario's inputs, through `tco.engine.breakeven.steady_monthly_cost`,
on the same basis as the break-even volume (README: How the numbers are computed): month-1 mix and
prices, amortized capex, no one-time costs.
"""

from __future__ import annotations

import math

from tco.engine.breakeven import (
    live_from_month_one,
    replica_boundaries,
    replica_step_volumes,
    steady_cost,
    steady_monthly_cost,
)
from tco.engine.inputs import ApiInputs, OptionInputs, ScenarioInputs, SelfHostedInputs
from tco.engine.results import Comparison, computable, too_large
from tco.frozen import frozen

POINTS_ALONG_VOLUME = 240  # samples of a cost-against-volume curve, besides the exact replica steps
MAX_EXACT_STEPS = 400  # more replica steps than this in view are drawn from the samples alone


@frozen
class VolumeCurve:
    """One option's steady monthly cost (y, in the scenario's currency) at monthly volumes (x, tokens)."""

    option: str
    kind: str
    points: list[tuple[float, float]]


@frozen
class CostByVolume:
    """Every option's curve, in the comparison's order, the month-1 volume, and each self-hosted option's
    steady monthly cost at its lasting break-even volume against the baseline (where the chart marks it)."""

    month1: float
    curves: list[VolumeCurve]
    at_break_even: dict[str, float]


def cost_by_volume(c: Comparison, inputs: ScenarioInputs) -> CostByVolume:
    """Steady monthly cost of every option of `c` against monthly volume (tokens).

    The volumes run from 0 to the larger of twice the month-1 volume, the last month's volume, and 1.5
    times the largest break-even volume against the baseline, so the crossovers and today's volume are
    in view; a stepped fleet's steps are drawn exactly (as a vertical rise) when few enough are in view.
    A cost beyond what tco computes (a fleet priced near 1e300 at a volume far past any month's) is the
    error `compare` gives for such figures, at that option.
    """
    workload = inputs.workload
    month1 = workload.input_tokens_month1 + workload.output_tokens_month1
    last = sum(workload.tokens(inputs.horizon_months))
    pairs = [p for p in c.break_even if p.versus == c.baseline]
    crossings = [v for p in pairs for v in (p.volume_tokens_per_month, p.first_volume_tokens_per_month)
                 if v is not None]
    up_to = max(2 * month1, 1.05 * last, 1.5 * max(crossings, default=0.0))
    if up_to <= 0:
        up_to = 1e6
    samples = [up_to * i / POINTS_ALONG_VOLUME for i in range(POINTS_ALONG_VOLUME + 1)]
    by_name = {o.name: o for o in inputs.options}

    def cost_at(option: OptionInputs, volume: float) -> float:
        if isinstance(option, ApiInputs | SelfHostedInputs):
            return steady_monthly_cost(option, workload, volume)
        return steady_cost(live_from_month_one(option), inputs, volume)  # hybrid, routed

    def costs_at(index: int, option: OptionInputs, xs: list[float]) -> list[tuple[float, float]]:
        try:
            points = [(x, cost_at(option, x)) for x in xs]
        except OverflowError:
            points = [(0.0, math.inf)]
        if not all(computable(y) for _, y in points):
            raise too_large(c.source or c.scenario, f"options[{index}]")
        return points

    curves = []
    for index, result in enumerate(c.options):
        option = by_name[result.name]
        xs = set(samples) | {v for v in crossings if v <= up_to}
        steps: list[float] = []
        if isinstance(option, SelfHostedInputs):
            steps = replica_step_volumes(option, workload, up_to, MAX_EXACT_STEPS)
        elif not isinstance(option, ApiInputs):
            steps = [v for v in replica_boundaries(option, workload) if v <= up_to]
        if len(steps) <= MAX_EXACT_STEPS:  # draw each step as a vertical rise, not a slope
            xs |= {v for v in steps} | {v * (1 + 1e-9) for v in steps if v * (1 + 1e-9) <= up_to}
        curves.append(VolumeCurve(result.name, result.kind, costs_at(index, option, sorted(xs))))
    at_break_even: dict[str, float] = {}
    for p in pairs:
        if p.volume_tokens_per_month is not None:
            [(_, y)] = costs_at(c.options.index(c.option(p.option)), by_name[p.option], [p.volume_tokens_per_month])
            at_break_even[p.option] = y
    return CostByVolume(month1, curves, at_break_even)

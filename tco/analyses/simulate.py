"""`tco simulate`: Monte Carlo over the ranges in a scenario.

Every ranged field is sampled independently, `runs` times, from numpy's PCG64 generator seeded
with `seed`; each run is one scenario, projected on the vectorised engine. Per self-hosted (any
non-API) option against the baseline it reports the probability of being cheaper over the
horizon and the P10/P50/P90 of total cost, savings and break-even month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tco.analyses.batch import OpenedScenario
from tco.docs import RANGES
from tco.engine import formulas
from tco.engine.results import Assumption, ScenarioWarning
from tco.engine.vectorised import BatchOption, break_even_batch, within_reference
from tco.errors import TcoError
from tco.frozen import frozen
from tco.load.ranges import Distribution, ranged_fields
from tco.load.yamlsource import Path
from tco.scenario.loader import field_label

DEFAULT_RUNS = 10_000
DEFAULT_SEED = 0
MAX_RUNS = 1_000_000  # every sampled value is kept for --samples: ~8 MB per ranged field per million runs
PERCENTILES = (10, 50, 90)


@frozen
class Percentiles:
    """P10, P50 and P90 of one quantity over the runs (None: the run never breaks even)."""

    p10: float | None
    p50: float | None
    p90: float | None


@dataclass
class PairOutcome:
    """One option against the baseline, over every run."""

    option: str
    versus: str
    probability_cheaper: float
    total: Percentiles
    savings: Percentiles
    break_even_month: Percentiles
    never_share: float
    months: NDArray[np.int64]  # break-even month of each run; 0: never
    savings_by_run: NDArray[np.float64]


@dataclass
class OptionTotals:
    """One option's total cost in every run."""

    name: str
    kind: str
    total: NDArray[np.float64]
    spread: Percentiles  # P10/P50/P90 of `total`


@dataclass
class RangedInput:
    """A field sampled in the simulation."""

    label: str
    distribution: Distribution
    values: NDArray[np.float64]  # one per run


@dataclass
class Simulation:
    """What `tco simulate` reports."""

    scenario: str
    source: str
    currency: str
    horizon_months: int
    runs: int
    seed: int
    baseline: str
    inputs: list[RangedInput]
    results: list[PairOutcome]
    options: list[OptionTotals]
    scalar_fallback: list[str] = field(default_factory=list)  # options projected run by run
    warnings: list[ScenarioWarning] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)


def percentiles(values: NDArray[np.float64]) -> Percentiles:
    """P10/P50/P90 by linear interpolation between runs (numpy's default)."""
    p10, p50, p90 = (float(v) for v in np.percentile(values, PERCENTILES))
    return Percentiles(p10, p50, p90)


def month_percentiles(months: NDArray[np.int64]) -> Percentiles:
    """P10/P50/P90 of break-even months, never counted as later than any month.

    A percentile is the smallest month by which that share of runs has broken even
    ("inverted CDF", so it is always a month that occurred); None when more runs than that
    never break even.
    """
    later = np.where(months == 0, np.inf, months.astype(np.float64))
    found = np.percentile(later, PERCENTILES, method="inverted_cdf")
    p10, p50, p90 = (None if np.isinf(v) else int(v) for v in found)
    return Percentiles(p10, p50, p90)


def sample_ranges(fields: list[tuple[Path, Distribution]], runs: int, seed: int) -> dict[Path, NDArray[np.float64]]:
    """`runs` draws of each field, in order, from one PCG64 generator seeded with `seed`."""
    rng = np.random.Generator(np.random.PCG64(seed))
    return {path: distribution.sample(rng, runs) for path, distribution in fields}


def simulate(opened: OpenedScenario, *, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
             progress: Callable[[int], None] | None = None) -> Simulation:
    """Sample every range `runs` times and measure every non-API option against the baseline."""
    if not 1 <= runs <= MAX_RUNS:
        raise TcoError.single("--runs", f"must be from 1 to {MAX_RUNS:,} (got {runs})")
    inputs = opened.loaded.inputs
    baseline = inputs.baseline
    if baseline is None:
        raise TcoError.single(opened.loaded.source, "simulate measures options against an api baseline, and "
                              "the scenario has no api option")
    ranged = [(path, value.distribution) for path, value in ranged_fields(opened.model)]
    # A range of zero width is its central value in every run: left as a plain number, the runs are
    # computed exactly as `compare` computes the scenario.
    varied = [(path, d) for path, d in ranged if not d.zero_width]
    plan = opened.plan([(path, list(d.ends)) for path, d in varied])
    values = sample_ranges(varied, runs, seed)
    names = [o.name for o in inputs.options]
    kinds = [o.kind for o in inputs.options]
    totals = np.empty((len(names), runs))
    compared = [i for i, kind in enumerate(kinds) if kind != "api"]
    months = np.empty((len(names), runs), dtype=np.int64)
    fallback: set[str] = set()
    def reduce(options: list[BatchOption]) -> tuple[list[NDArray[np.float64]], dict[int, NDArray[np.int64]]]:
        """Per chunk, only what the report needs: totals and break-even months (the months are dropped)."""
        versus = options[names.index(baseline)]
        for option in options:
            if option.scalar_fallback:
                fallback.add(option.name)
        limit = within_reference(versus)
        return [o.total for o in options], {i: break_even_batch(options[i], versus, limit)[0] for i in compared}

    for where, (chunk_totals, chunk_months) in plan.chunks(values, reduce, progress, runs):
        for i, total in enumerate(chunk_totals):
            totals[i, where] = total
        for i, month in chunk_months.items():
            months[i, where] = month
    base_total = totals[names.index(baseline)]
    results = []
    for i in compared:
        savings = base_total - totals[i]
        cheaper = savings > formulas.money_tolerance(base_total)
        results.append(PairOutcome(names[i], baseline, float(cheaper.mean()), percentiles(totals[i]),
                                   percentiles(savings), month_percentiles(months[i]), float((months[i] == 0).mean()),
                                   months[i], savings))
    warnings = list(opened.loaded.warnings)
    if not ranged:
        warnings.append("no field is a range, so every run is the same; give a field a range such as "
                        f"{{low: 2, high: 3}} (see {RANGES})")
    if plan.generic:
        warnings.append("some ranged field changes which defaults apply, or feeds the volumes through a rule "
                        "the fast path does not repeat (monthly_spend, the baseline's prices with it), so every "
                        "run was resolved in full (slower, same results)")
    labels = {path: field_label(opened.model, path) for path, _ in ranged}
    return Simulation(
        scenario=inputs.name, source=opened.loaded.source, currency=inputs.currency,
        horizon_months=inputs.horizon_months, runs=runs, seed=seed, baseline=baseline,
        inputs=[RangedInput(labels[path], d, values[path] if path in values else np.full(runs, d.central))
                for path, d in ranged],
        results=results, options=[OptionTotals(name, kind, totals[i], percentiles(totals[i]))
                                  for i, (name, kind) in enumerate(zip(names, kinds, strict=True))],
        scalar_fallback=[] if plan.generic else [name for name in names if name in fallback],
        warnings=warnings, assumptions=opened.loaded.assumptions,
    )

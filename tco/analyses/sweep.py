"""`tco sweep`: the scenario across a grid of one or two fields.

Each point is the scenario with `--set PATH=value` for the point's values; all points are
projected at once on the vectorised engine, and agree with `tco compare --set` point for point.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tco.analyses.batch import OpenedScenario, _whole_field
from tco.engine.breakeven import break_even_volumes, searched_volumes
from tco.engine.inputs import DAYS_PER_MONTH, ApiInputs, SelfHostedInputs, WorkloadInputs
from tco.engine.results import Assumption, BreakEven, ScenarioWarning, computable, too_large
from tco.engine.vectorised import break_even_batch
from tco.errors import TcoError
from tco.frozen import frozen
from tco.load.overrides import checked_override_path, setting_text
from tco.load.quantities import parse_number
from tco.load.yamlsource import Path
from tco.scenario.compare import self_hosts

DEFAULT_STEPS = 11
MAX_POINTS = 100_000


@frozen
class SweepAxis:
    """One `--vary PATH=FROM..TO`: the path as given, where it points, and the values it takes."""

    name: str
    path: Path
    values: tuple[float, ...]


@frozen
class OptionAtPoint:
    """One option at one point of the grid: its total and its cost per 1M tokens (None without tokens)."""

    name: str
    total: float
    cost_per_million_tokens: float | None


@frozen
class SweepPoint:
    """The scenario at one point of the grid."""

    values: dict[str, float]
    options: list[OptionAtPoint]
    cheapest: str
    break_even: list[BreakEven]


@dataclass
class Sweep:
    """What `tco sweep` reports."""

    scenario: str
    source: str
    currency: str
    horizon_months: int
    baseline: str | None
    axes: list[SweepAxis]
    points: list[SweepPoint]
    warnings: list[ScenarioWarning] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)


def parse_vary(argument: str, data: dict[str, Any], steps: int,
               log: bool) -> tuple[str, Path, str, str, list[float]]:
    """(path text, path, FROM text, TO text, values) of one `--vary PATH=FROM..TO`."""
    label = f"--vary {setting_text(argument)}"
    text, equals, span = argument.partition("=")
    low_text, dots, high_text = span.partition("..")
    if not equals or not dots or not text.strip() or not low_text.strip() or not high_text.strip():
        raise TcoError.single(label, "expected PATH=FROM..TO, e.g. workload.requests_per_day=100K..10M")
    path = checked_override_path(data, text.strip(), label)
    if path == ("horizon_months",):  # every point is projected on one month axis
        raise TcoError.single(label, "the horizon cannot be swept (every point shares one month axis); the "
                              "cumulative cost month by month (tco compare --monthly) gives each shorter horizon")
    try:
        low, high = parse_number(low_text, percent=True), parse_number(high_text, percent=True)
    except ValueError as error:
        raise TcoError.single(label, str(error)) from None
    if log:
        if low <= 0 or high <= 0:
            raise TcoError.single(label, "--log needs FROM and TO above 0")
        values = [float(v) for v in np.geomspace(low, high, steps)]
    else:
        values = [float(v) for v in np.linspace(low, high, steps)]
    values[0], values[-1] = low, high  # the ends exactly as given
    return text.strip(), path, low_text.strip(), high_text.strip(), values


def sweep(opened: OpenedScenario, vary: list[str], *, steps: int = DEFAULT_STEPS, log: bool = False) -> Sweep:
    """Evaluate the scenario at every point of the grid that `vary` (one or two PATH=FROM..TO) spans."""
    if not 1 <= len(vary) <= 2:
        raise TcoError.single("--vary", "give one or two --vary PATH=FROM..TO")
    if steps < 2:
        raise TcoError.single("--steps", f"must be at least 2 (got {steps})")
    parsed = [parse_vary(v, opened.doc.data, steps, log) for v in vary]
    if len(parsed) == 2 and parsed[0][1] == parsed[1][1]:
        raise TcoError.single(f"--vary {setting_text(vary[1])}", "varies the same field as the first --vary")
    labels = {path: f"--vary {setting_text(argument)}" for (_, path, *_), argument in zip(parsed, vary, strict=True)}
    plan = opened.plan([], labels=labels)
    # The ends as written go through the field's own rule, so "15%" on a price is refused as --set would.
    for _, path, low_text, high_text, _ in parsed:
        plan.resolve({path: low_text})
        plan.resolve({path: high_text})
    axes: list[SweepAxis] = []
    for name, path, _, _, spread in parsed:
        probe = plan.resolve({path: spread[0]})
        if _is_whole(probe, path):
            spread = list(dict.fromkeys(float(round(v)) for v in spread))
        axes.append(SweepAxis(name, path, tuple(spread)))
    grid = list(itertools.product(*(axis.values for axis in axes)))
    if len(grid) > MAX_POINTS:
        raise TcoError.single("--steps", f"{len(grid):,} points is too many (at most {MAX_POINTS:,})")
    plan = opened.plan([(axis.path, [axis.values[0], axis.values[-1], *axis.values[1:2]]) for axis in axes],
                       labels=labels)
    wholes = {f.path: f.whole for f in plan.fields}
    values = {axis.path: np.array([point[i] for point in grid], dtype=np.float64) for i, axis in enumerate(axes)}
    options = plan.evaluate(values)
    central = plan.central.inputs
    apis = [o for o in central.options if isinstance(o, ApiInputs)]
    apis.sort(key=lambda o: o.name != central.baseline)
    hosted = [i for i, o in enumerate(central.options) if self_hosts(o)]  # as compare pairs them
    index = {o.name: i for i, o in enumerate(central.options)}
    months = {(i, api.name): break_even_batch(options[i], options[index[api.name]]) for api in apis for i in hosted}
    points = []
    for row, point in enumerate(grid):
        run = plan.run_inputs(values, row)
        at = [OptionAtPoint(o.name, float(o.total[row]), _finite(o.cost_per_million_tokens[row])) for o in options]
        if not all(computable(o.cost_per_million_tokens) for o in at):  # a huge total over a few tokens
            raise too_large(opened.loaded.source, runs=True)
        cheapest = min(at, key=lambda o: o.total).name
        pairs = []
        for api in apis:
            for i in hosted:
                month, fraction = months[(i, api.name)]
                option_inputs, api_inputs = run.options[i], run.options[index[api.name]]
                assert isinstance(api_inputs, ApiInputs)
                if isinstance(option_inputs, SelfHostedInputs):
                    volume, first = break_even_volumes(option_inputs, api_inputs, run.workload)
                else:  # hybrid and routed options: searched, as compare does
                    volume, first = searched_volumes(option_inputs, api_inputs, run)
                pairs.append(BreakEven(
                    option=options[i].name, versus=api.name,
                    month=int(month[row]) or None, months=_finite(fraction[row]),
                    volume_tokens_per_month=volume, first_volume_tokens_per_month=first,
                    savings_at_horizon=float(options[index[api.name]].total[row] - options[i].total[row]),
                    volume_requests_per_day=_per_day(volume, run.workload),
                    first_volume_requests_per_day=_per_day(first, run.workload)))
        shown = {axis.name: (int(point[k]) if wholes.get(axis.path) else point[k]) for k, axis in enumerate(axes)}
        points.append(SweepPoint(shown, at, cheapest, pairs))
    return Sweep(central.name, opened.loaded.source, central.currency, central.horizon_months, central.baseline,
                 axes, points, list(opened.loaded.warnings), opened.loaded.assumptions)


def _per_day(tokens: float | None, workload: WorkloadInputs) -> float | None:
    """A monthly token volume in requests per day, as `tco.engine.breakeven.compare_pair` gives it."""
    per_request = workload.tokens_per_request
    if tokens is None or workload.requests_per_day is None or not per_request:
        return None
    per_day = tokens / (per_request * DAYS_PER_MONTH)
    return per_day if computable(per_day) else None


def _finite(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _is_whole(loaded: object, path: Path) -> bool:

    scenario = getattr(loaded, "scenario", None)
    return scenario is not None and _whole_field(scenario, path)

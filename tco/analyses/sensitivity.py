"""`tco sensitivity`: a tornado of which input moves the answer most.

Each input with a range moves alone from its low end to its high end (uniform and triangular:
low and high; lognormal: its P10 and P90; choices: the smallest and the largest choice), every
other input at its central value. With `--all`, every other numeric input (given in the file or
taken from a default or a pricing table; whole numbers such as months and counts excepted, and
inputs that are 0) moves from 80% to 120% of its value, kept inside what the field allows; an input
whose move breaks a rule of the scenario (route shares must add up to 1, a peak_to_average taken from
the load profile must match it) is left out. All the
variants are projected at once on the vectorised engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
from pydantic import BaseModel

from tco.analyses.batch import OpenedScenario
from tco.engine.results import Assumption, ScenarioWarning
from tco.engine.vectorised import break_even_batch
from tco.errors import TcoError
from tco.frozen import frozen
from tco.load import schema
from tco.load.overrides import override_path
from tco.load.ranges import RangedFloat, RangedInt, ranged_fields
from tco.load.validation import model_in
from tco.load.yamlsource import Path

ALL_SHARE = 0.2  # --all moves each input by ±20%


@frozen
class TornadoRow:
    """One input moved from low to high, the rest at their central values."""

    input: str
    rule: str  # "range" or "±20%"
    low: float
    high: float
    savings_at_low: float
    savings_at_high: float
    break_even_at_low: int | None
    break_even_at_high: int | None

    @property
    def savings_swing(self) -> float:
        return abs(self.savings_at_high - self.savings_at_low)

    def month_swing(self, horizon: int) -> int:
        """Months between the two break-even months, a run that never breaks even counting as horizon + 1."""
        low = self.break_even_at_low or horizon + 1
        high = self.break_even_at_high or horizon + 1
        return abs(high - low)


@dataclass
class Tornado:
    """The inputs of one option against the baseline, largest swing first."""

    option: str
    versus: str
    savings: float  # at the central values
    break_even_month: int | None
    rows: list[TornadoRow]


@dataclass
class Sensitivity:
    """What `tco sensitivity` reports."""

    scenario: str
    source: str
    currency: str
    horizon_months: int
    baseline: str
    every_input: bool
    tornados: list[Tornado]
    warnings: list[ScenarioWarning] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)


def number_rule(model: schema.Scenario, path: Path) -> schema.Number | None:
    """The `Number` rule of the field at `path` (None if it is not a numeric field)."""
    current: Any = type(model)
    node: Any = model
    rule: schema.Number | None = None
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            current = type(node) if isinstance(node, BaseModel) else None
            continue
        if current is None or not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        rule = next((m for m in info.metadata if isinstance(m, schema.Number)), None)
        if rule is None:
            rule = _rule_in(info.annotation)
        node = getattr(node, str(part), None) if node is not None else None
        current = model_in(info.annotation)
    return rule


def _rule_in(annotation: Any) -> schema.Number | None:
    for arg in get_args(annotation):
        if isinstance(arg, schema.Number):
            return arg
        found = _rule_in(arg)
        if found is not None:
            return found
    return None




def _moved(value: float, rule: schema.Number) -> tuple[float, float] | None:
    """value ×(1 ∓ 20%), kept inside the field's bounds; None when nothing moves."""
    low, high = sorted((value * (1 - ALL_SHARE), value * (1 + ALL_SHARE)))
    if rule.minimum is not None:
        low, high = max(low, rule.minimum), max(high, rule.minimum)
    if rule.maximum is not None:
        low, high = min(low, rule.maximum), min(high, rule.maximum)
    if rule.exclusive_minimum is not None and low <= rule.exclusive_minimum:
        low = value
    return None if low == high else (low, high)


def _every_input(opened: OpenedScenario, skip: set[Path]) -> list[tuple[Path, float, float, float]]:
    """(path, central, low, high) of every other numeric input, from the file and from the assumptions."""
    model = opened.model
    found: dict[Path, float] = {}

    def walk(node: Any, path: Path) -> None:
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), (*path, name))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))
        elif isinstance(node, float | int) and not isinstance(node, bool | RangedFloat | RangedInt):
            found[path] = float(node)

    walk(model, ())
    for assumption in opened.loaded.assumptions:
        value = assumption.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        try:
            path = override_path(opened.doc.data, assumption.field, assumption.field)
        except TcoError:
            continue
        found.setdefault(path, float(value))
    moves = []
    for path, value in found.items():
        rule = number_rule(model, path)
        if path in skip or rule is None or rule.whole or not rule.ranged or value == 0:
            continue
        ends = _moved(value, rule)
        if ends is not None:
            moves.append((path, value, *ends))
    return moves


def _movable(opened: OpenedScenario,
             moves: list[tuple[Path, float, float, float]]) -> list[tuple[Path, float, float, float]]:
    """The moves whose two ends each validate with every other input at its central value.

    Some inputs cannot move alone: a routed option's route shares must add up to 1, and a
    peak_to_average that the load profile gives must match it.
    """
    probe = opened.plan([])
    kept = []
    for move in moves:
        path, _, low, high = move
        try:
            probe.resolve({path: low})
            probe.resolve({path: high})
        except TcoError:
            continue
        kept.append(move)
    return kept


def sensitivity(opened: OpenedScenario, *, every_input: bool = False) -> Sensitivity:
    """Each input alone from low to high: the savings and break-even month of every non-API option."""
    inputs = opened.loaded.inputs
    baseline = inputs.baseline
    if baseline is None:
        raise TcoError.single(opened.loaded.source, "sensitivity measures options against an api baseline, and "
                              "the scenario has no api option")
    moves: list[tuple[Path, float, float, float, str]] = [
        (path, value.distribution.central, *value.distribution.ends, "range")
        for path, value in ranged_fields(opened.model)]
    if every_input:
        others = _movable(opened, _every_input(opened, {m[0] for m in moves}))
        moves += [(*move, f"±{ALL_SHARE:.0%}") for move in others]
    warnings = list(opened.loaded.warnings)
    if not moves:  # empty tables would answer nothing: say why, and what to do instead
        raise TcoError.single(opened.loaded.source, "no numeric input can move ±20% (every one is 0 or a whole "
                              "number)" if every_input else "no field is a range, so nothing moves: give a field "
                              "a range such as {low: 2, high: 3}, or run with --all to move every numeric input "
                              f"±{ALL_SHARE:.0%}")
    plan = opened.plan([(path, [low, high]) for path, _, low, high, _ in moves], unset_at_central=True)
    runs = 1 + 2 * len(moves)
    values = {}
    for j, (path, central, low, high, _) in enumerate(moves):
        column = np.full(runs, central, dtype=np.float64)
        column[1 + 2 * j], column[2 + 2 * j] = low, high
        values[path] = column
    options = plan.evaluate(values) if values else plan.evaluate({})
    names = [o.name for o in options]
    versus = options[names.index(baseline)]
    labels = {f.path: f.label for f in plan.fields}
    tornados = []
    for option in options:
        if option.kind == "api":
            continue
        savings = versus.total - option.total
        month = break_even_batch(option, versus)[0]
        rows = [TornadoRow(labels[path], rule, low, high, float(savings[1 + 2 * j]), float(savings[2 + 2 * j]),
                           int(month[1 + 2 * j]) or None, int(month[2 + 2 * j]) or None)
                for j, (path, _, low, high, rule) in enumerate(moves)]
        horizon = inputs.horizon_months
        rows.sort(key=lambda r: (-r.savings_swing, -r.month_swing(horizon)))
        tornados.append(Tornado(option.name, baseline, float(savings[0]), int(month[0]) or None, rows))
    return Sensitivity(inputs.name, opened.loaded.source, inputs.currency, inputs.horizon_months, baseline,
                       every_input, tornados, warnings, opened.loaded.assumptions)

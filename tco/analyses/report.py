"""Everything `tco report` shows, computed from one opened scenario: the comparison, cost against volume,
the capacity sizing, and, when the scenario has ranges, the simulation and the tornado."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tco.analyses.batch import OpenedScenario
from tco.analyses.sensitivity import Sensitivity, sensitivity
from tco.analyses.simulate import Simulation, simulate
from tco.analyses.size import size_scenario
from tco.analyses.volume import CostByVolume, cost_by_volume
from tco.capacity.sizing import SizeReport
from tco.engine.inputs import SelfHostedInputs
from tco.engine.results import Comparison
from tco.errors import TcoError
from tco.frozen import frozen
from tco.load.ranges import ranged_fields


@frozen
class Report:
    """The report's figures and what it quotes: the scenario file's text and the `--set` overrides."""

    comparison: Comparison
    scenario_text: str
    volume: CostByVolume
    made_on: dt.date
    overrides: Sequence[str] = ()
    sizing: Sequence[SizeReport] = ()  # empty: the scenario has no self-hosted option to size
    simulation: Simulation | None = None
    sensitivity: Sensitivity | None = None


def report(opened: OpenedScenario, comparison: Comparison, *, runs: int, seed: int, made_on: dt.date) -> Report:
    """The report of `opened` (compared as `comparison`): the simulation (`runs`, `seed`) and the tornado
    when the scenario has ranges and a baseline to measure against; the sizing when it has self-hosted
    options. Figures too large to draw are the error `compare` gives, located in the file."""
    loaded = opened.loaded
    simulation: Simulation | None = None
    tornado: Sensitivity | None = None
    if loaded.scenario is not None and loaded.inputs.baseline is not None and any(ranged_fields(loaded.scenario)):
        simulation, tornado = simulate(opened, runs=runs, seed=seed), sensitivity(opened)
    sizing = (size_scenario(loaded, opened.catalog)
              if any(isinstance(o, SelfHostedInputs) for o in loaded.inputs.options) else [])
    try:
        volume = cost_by_volume(comparison, loaded.inputs)
    except TcoError as error:  # costs at volumes no month had, too large to draw: say at which option
        raise loaded.locate(error) from None
    # The file as a text editor shows it: universal newlines, as Python reads text.
    text = opened.doc.text.replace("\r\n", "\n").replace("\r", "\n")
    return Report(comparison, text, volume, made_on, opened.overrides, sizing, simulation, tornado)

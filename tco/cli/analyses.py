"""The analyses over many variants of a scenario: simulate, sensitivity, sweep (they need numpy, which
only these commands load)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from tco.analyses.batch import OpenedScenario, open_scenario
from tco.analyses.sensitivity import sensitivity as run_sensitivity
from tco.analyses.simulate import simulate as run_simulation
from tco.analyses.sweep import sweep as run_sweep
from tco.cli.options import DEFAULT_OPTIONS, ScenarioOptions, scenario_options
from tco.cli.shared import (
    OutputOpt,
    RunsOpt,
    SamplesOpt,
    ScenarioArg,
    command_app,
    format_option,
    print_warnings,
    reports_errors,
    target,
    whole_number,
    write_output,
)
from tco.render.sensitivity import SENSITIVITY_FORMATS
from tco.render.simulation import SIMULATION_FORMATS, render_samples_csv
from tco.render.sweep import SWEEP_FORMATS

commands = command_app()
# The bar is transient, so on a fast vectorised run it only flickers; runs resolved in full (a ranged
# field that switches a default on or off) take milliseconds each, and 1,000 of them deserve one.
PROGRESS_AFTER_RUNS = 1_000


def _open(scenario: Path, options: ScenarioOptions) -> OpenedScenario:
    return open_scenario(scenario, **options.resolving())


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not show or not sys.stderr.isatty():
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda done: bar.advance(task, done)


@commands.command()
@reports_errors
@scenario_options
def simulate(
    scenario: ScenarioArg,
    runs: RunsOpt = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same numbers.",
                                      **whole_number(0))] = 0,
    samples: SamplesOpt = None,
    format: Annotated[str, format_option(SIMULATION_FORMATS)] = "table",
    output: OutputOpt = None,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Monte Carlo over the ranges in a scenario: how likely each self-hosted option is to be cheaper."""
    if samples is not None and output is not None and samples.resolve() == output.resolve():
        raise typer.BadParameter("--samples and -o name the same file: one would overwrite the other.",
                                 param_hint="'--samples'")
    opened = _open(scenario, options)
    with _progress(runs, runs >= PROGRESS_AFTER_RUNS) as advance:
        result = run_simulation(opened, runs=runs, seed=seed, progress=advance)
    print_warnings(result.source, result.warnings)
    text = SIMULATION_FORMATS.render(format, result, target(output))
    if samples is not None:
        write_output(render_samples_csv(result), samples)
    write_output(text, output)


@commands.command()
@reports_errors
@scenario_options
def sensitivity(
    scenario: ScenarioArg,
    every_input: Annotated[bool, typer.Option("--all", help="Also move every other numeric input by ±20% "
                                              "(whole numbers and zeros excepted).")] = False,
    format: Annotated[str, format_option(SENSITIVITY_FORMATS)] = "table",
    output: OutputOpt = None,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Tornado table: which input moves the savings and the break-even month most, each alone."""
    result = run_sensitivity(_open(scenario, options), every_input=every_input)
    print_warnings(result.source, result.warnings)
    write_output(SENSITIVITY_FORMATS.render(format, result, target(output)), output)


@commands.command()
@reports_errors
@scenario_options
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[list[str], typer.Option("--vary", help="A field and the span to sweep it over, with the "
                                            "dotted path of --set, e.g. workload.requests_per_day=100K..10M. "
                                            "Once or twice (a grid).", metavar="PATH=FROM..TO",
                                            show_default=False)],
    steps: Annotated[int, typer.Option("--steps", help="Values per --vary, ends included (2 to 1,000).",
                                       **whole_number(2, 1000))] = 11,
    log: Annotated[bool, typer.Option("--log", help="Space the values evenly on a log scale (FROM and TO above "
                                      "0).")] = False,
    format: Annotated[str, format_option(SWEEP_FORMATS)] = "table",
    output: OutputOpt = None,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Each option's total, the cheapest option and the break-even month across one or two fields."""
    if len(vary) > 2:
        raise typer.BadParameter("give --vary once or twice", param_hint="--vary")
    result = run_sweep(_open(scenario, options), vary, steps=steps, log=log)
    print_warnings(result.source, result.warnings)
    write_output(SWEEP_FORMATS.render(format, result, target(output)), output)

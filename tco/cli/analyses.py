"""The analyses over many variants of a scenario: simulate, sensitivity, sweep.

numpy and the analyses are imported inside the commands, so `tco compare` never loads them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tco.cli.shared import (
    BasisOpt,
    DataFormat,
    DebugOpt,
    MaxPriceAgeOpt,
    OutputOpt,
    PricingOpt,
    RunsOpt,
    ScenarioArg,
    SetOpt,
    app,
    choice,
    print_warnings,
    reports_errors,
    terminal_screen,
    whole_number,
    write_output,
)

if TYPE_CHECKING:
    from tco.analyses.batch import OpenedScenario


FormatOpt = Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.", **choice(DataFormat))]
# The bar is transient, so on a fast vectorised run it only flickers; runs that fall back to the scalar
# engine (hybrid or routed options) take ~5 ms each, and 1,000 of them already deserve one.
PROGRESS_AFTER_RUNS = 1_000


def _open(scenario: Path, set_: list[str] | None, pricing: Path | None, basis: Any,
          max_price_age: int) -> OpenedScenario:
    from tco.analyses.batch import open_scenario
    from tco.pricing.catalog import Catalog, user_pricing_dir

    return open_scenario(str(scenario), overrides=set_ or [], catalog=Catalog(user_pricing_dir(pricing)),
                         basis=basis.value if basis else None, max_price_age_days=max_price_age)


def _rendered(format: DataFormat, as_json: Callable[[], str], as_csv: Callable[[], str],
              as_table: Callable[[], str]) -> str:
    """The result in the chosen format (one renderer per format, as for compare)."""
    return {DataFormat.json: as_json, DataFormat.csv: as_csv, DataFormat.table: as_table}[format]()


def _warn(source: str, warnings: list[Any]) -> None:
    print_warnings(source, warnings)


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not show or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda done: bar.advance(task, done)


@app.command()
@reports_errors
def simulate(
    scenario: ScenarioArg,
    runs: RunsOpt = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same numbers.",
                                      **whole_number(0))] = 0,
    samples: Annotated[Path | None, typer.Option("--samples", help="Also write every run's sampled inputs and "
                                                 "results to FILE (CSV).", metavar="FILE", dir_okay=False)] = None,
    format: FormatOpt = DataFormat.table,
    output: OutputOpt = None,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Monte Carlo over the ranges in a scenario: how likely each self-hosted option is to be cheaper."""
    from tco.analyses.simulate import simulate as run_simulation
    from tco.render.simulation import (
        render_samples_csv,
        render_simulation_csv,
        render_simulation_json,
        render_simulation_table,
    )

    opened = _open(scenario, set_, pricing, basis, max_price_age)
    with _progress(runs, runs >= PROGRESS_AFTER_RUNS) as advance:
        result = run_simulation(opened, runs=runs, seed=seed, progress=advance)
    _warn(result.source, result.warnings)
    text = _rendered(format, lambda: render_simulation_json(result), lambda: render_simulation_csv(result),
                     lambda: render_simulation_table(result, terminal_screen(output)))
    if samples is not None:
        write_output(render_samples_csv(result), samples)
    write_output(text, output)


@app.command()
@reports_errors
def sensitivity(
    scenario: ScenarioArg,
    every_input: Annotated[bool, typer.Option("--all", help="Also move every other numeric input by ±20% "
                                              "(whole numbers and zeros excepted).")] = False,
    format: FormatOpt = DataFormat.table,
    output: OutputOpt = None,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Tornado table: which input moves the savings and the break-even month most, each alone."""
    from tco.analyses.sensitivity import sensitivity as run_sensitivity
    from tco.render.sensitivity import render_sensitivity_csv, render_sensitivity_json, render_sensitivity_table

    result = run_sensitivity(_open(scenario, set_, pricing, basis, max_price_age), every_input=every_input)
    _warn(result.source, result.warnings)
    text = _rendered(format, lambda: render_sensitivity_json(result), lambda: render_sensitivity_csv(result),
                     lambda: render_sensitivity_table(result, terminal_screen(output)))
    write_output(text, output)


@app.command()
@reports_errors
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
    format: FormatOpt = DataFormat.table,
    output: OutputOpt = None,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Each option's total, the cheapest option and the break-even month across one or two fields."""
    from tco.analyses.sweep import sweep as run_sweep
    from tco.render.sweep import render_sweep_csv, render_sweep_json, render_sweep_table

    if len(vary) > 2:
        raise typer.BadParameter("give --vary once or twice", param_hint="--vary")
    result = run_sweep(_open(scenario, set_, pricing, basis, max_price_age), vary, steps=steps, log=log)
    _warn(result.source, result.warnings)
    text = _rendered(format, lambda: render_sweep_json(result), lambda: render_sweep_csv(result),
                     lambda: render_sweep_table(result, terminal_screen(output)))
    write_output(text, output)

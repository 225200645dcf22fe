"""`tco report`: one self-contained HTML page to share."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tco.analyses.batch import open_scenario
from tco.analyses.report import report as gather_report
from tco.cli.options import DEFAULT_OPTIONS, ScenarioOptions, scenario_options
from tco.cli.shared import (
    OutputOpt,
    ScenarioArg,
    command_app,
    format_option,
    print_warnings,
    reports_errors,
    target,
    whole_number,
    write_output,
)
from tco.pricing.catalog import today
from tco.render.html import REPORT_FORMATS
from tco.render.images import require_matplotlib
from tco.scenario.compare import compare_loaded

commands = command_app()


@commands.command()
@reports_errors
@scenario_options
def report(
    scenario: ScenarioArg,
    output: OutputOpt = None,
    format: Annotated[str, format_option(REPORT_FORMATS, help="Output format (html: one self-contained page).")]
    = "html",
    options: ScenarioOptions = DEFAULT_OPTIONS,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Monte Carlo runs for the simulation section, made "
                                      "only when the scenario has ranges (1 to 1,000,000).",
                                      **whole_number(1, 1_000_000))] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the simulation section.",
                                      **whole_number(0))] = 0,
) -> None:
    """Write one self-contained HTML page to share: answer, tables, charts, assumptions, scenario file."""
    require_matplotlib()
    if output is None and sys.stdout.isatty():
        raise typer.BadParameter("give -o FILE.html (or redirect stdout): the report is a file to open in a "
                                 "browser", param_hint="'--output'")
    opened = open_scenario(scenario, **options.resolving())  # read and resolved once, for every section
    comparison = compare_loaded(opened.loaded)
    print_warnings(comparison.source, comparison.warnings)
    made = gather_report(opened, comparison, runs=runs, seed=seed, made_on=today())
    write_output(REPORT_FORMATS.render(format, made, target(output)), output)

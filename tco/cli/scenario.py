"""The scenario commands: compare, export, validate, init, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tco.cli.options import DEFAULT_OPTIONS, ScenarioOptions, scenario_options
from tco.cli.shared import (
    DebugOpt,
    OutputOpt,
    ScenarioArg,
    ScenarioArgs,
    command_app,
    format_option,
    output_file,
    print_warnings,
    reports_errors,
    target,
    write_output,
)
from tco.engine.results import Comparison
from tco.errors import TcoError
from tco.load.jsonschema import scenario_json_schema
from tco.render.comparison import CHART_GOES_WITH, COMPARISON_FORMATS, EXPORT_FORMATS, Compared
from tco.scenario.compare import compare_loaded
from tco.scenario.starter import starter_scenario

commands = command_app()


def _compare_all(paths: list[Path], options: ScenarioOptions) -> list[Comparison]:
    """Compare every scenario; report the problems of all files before failing."""
    options.read_pricing()
    comparisons = []
    problems = []
    for path in paths:
        try:
            comparisons.append(compare_loaded(options.load(path)))
        except TcoError as error:
            problems.extend(error.problems)
    if problems:
        raise TcoError(problems)
    return comparisons


@commands.command()
@reports_errors
@scenario_options
def compare(
    scenarios: ScenarioArgs,
    format: Annotated[str, format_option(COMPARISON_FORMATS)] = "table",
    output: OutputOpt = None,
    monthly: Annotated[bool, typer.Option("--monthly", help="Show every month of every option (CSV: one "
                                          "row per option and month instead of one per option).")] = False,
    options: ScenarioOptions = DEFAULT_OPTIONS,
    chart: Annotated[bool, typer.Option("--chart", help="Append the cumulative cost chart of each scenario "
                                        "(table and markdown formats; drawn in plain characters when piped).")]
    = False,
) -> None:
    """Compare every option of one or more scenarios: totals, break-even month and volume."""
    if chart and format not in CHART_GOES_WITH:
        raise typer.BadParameter("--chart goes with --format table or markdown; json and csv stay pure data",
                                 param_hint="'--chart'")
    comparisons = _compare_all(scenarios, options)
    where = target(output)
    text = COMPARISON_FORMATS.render(format, Compared(comparisons, monthly, chart), where)
    # Warnings go to stderr (docs/commands.md), except when the table that lists them is on this terminal:
    # saying them twice there helps nobody, while JSON or a file would otherwise hide them.
    if format != "table" or where.screen is None:
        for c in comparisons:
            print_warnings(c.source, c.warnings)
    write_output(text, output)


@commands.command()
@reports_errors
@scenario_options
def export(
    scenario: ScenarioArg,
    output: OutputOpt = None,
    format: Annotated[str, format_option(EXPORT_FORMATS)] = "csv",
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Export one row per option and month (CSV for spreadsheets, or JSON rows)."""
    comparisons = _compare_all([scenario], options)
    text = EXPORT_FORMATS.render(format, comparisons, target(output))
    for c in comparisons:
        print_warnings(c.source, c.warnings)
    write_output(text, output)


@commands.command()
@reports_errors
@scenario_options
def validate(
    scenarios: ScenarioArgs,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Check scenarios: exit 0 when every one would compare cleanly, 1 otherwise (prints no figures)."""
    options.read_pricing()
    problems = []
    for path in scenarios:
        try:
            loaded = options.load(path)
            comparison = compare_loaded(loaded)  # valid means `compare` works: the numbers must be computable
        except TcoError as error:
            problems.extend(error.problems)
            continue
        count = len(loaded.inputs.options)
        typer.echo(f"{path}: valid ({count} option{'s' if count != 1 else ''}, "
                   f"{loaded.inputs.horizon_months} months)")
        print_warnings(str(path), comparison.warnings)
    if problems:
        raise TcoError(problems)


@commands.command()
@reports_errors
def init(
    file: Annotated[Path | None, typer.Argument(help="Where to write the starter scenario ('-' for stdout).",
                                                metavar="FILE", parser=output_file)] = Path("scenario.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write a commented starter scenario that validates as it is."""
    text = starter_scenario()
    if file is None:  # `-`
        write_output(text, None)
        return
    if file.exists() and not force:
        raise TcoError.single(str(file), "already exists; use --force to overwrite it")
    write_output(text, file)
    typer.echo(f"next: tco compare {'./' if file.name.startswith('-') and file.parent == Path() else ''}{file}",
               err=True)


@commands.command()
@reports_errors
def schema(output: OutputOpt = None, debug: DebugOpt = False) -> None:
    """Print the scenario file's JSON Schema, for editors with a YAML language server."""
    write_output(scenario_json_schema(), output)

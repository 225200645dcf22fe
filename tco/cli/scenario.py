"""The scenario commands: compare, export, validate, init, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tco.cli.shared import (
    Basis,
    BasisOpt,
    DebugOpt,
    ExportFormat,
    MaxPriceAgeOpt,
    OutputOpt,
    PricingOpt,
    ScenarioArg,
    ScenarioArgs,
    SetOpt,
    app,
    choice,
    print_warnings,
    reports_errors,
    terminal_screen,
    use_colour,
    write_output,
)
from tco.errors import TcoError
from tco.render import OutputFormat


def _compare_all(paths: list[Path], overrides: list[str] | None, pricing: Path | None,
                 basis: Basis | None, max_price_age: int) -> list[Any]:
    """Compare every scenario; report the problems of all files before failing."""
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.scenario.compare import compare_loaded
    from tco.scenario.loader import load_scenario

    catalog = Catalog(user_pricing_dir(pricing))
    comparisons = []
    problems = []
    for path in paths:
        try:
            loaded = load_scenario(str(path), overrides=overrides or [], catalog=catalog,
                                   basis=basis.value if basis else None, max_price_age_days=max_price_age)
            comparisons.append(compare_loaded(loaded))
        except TcoError as error:
            problems.extend(error.problems)
    if problems:
        raise TcoError(problems)
    return comparisons


def _print_warnings(comparisons: list[Any]) -> None:
    for c in comparisons:
        print_warnings(c.source, c.warnings)


@app.command()
@reports_errors
def compare(
    scenarios: ScenarioArgs,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.", **choice(OutputFormat))]
    = OutputFormat.table,
    output: OutputOpt = None,
    monthly: Annotated[bool, typer.Option("--monthly", help="Show every month of every option (CSV: one "
                                          "row per option and month instead of one per option).")] = False,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    chart: Annotated[bool, typer.Option("--chart", help="Append the cumulative cost chart of each scenario "
                                        "(table and markdown formats; drawn in plain characters when piped).")]
    = False,
    debug: DebugOpt = False,
) -> None:
    """Compare every option of one or more scenarios: totals, break-even month and volume."""
    from tco.render import renderer

    if chart and format in (OutputFormat.json, OutputFormat.csv):
        raise typer.BadParameter("--chart goes with --format table or markdown; json and csv stay pure data",
                                 param_hint="'--chart'")
    comparisons = _compare_all(scenarios, set_, pricing, basis, max_price_age)
    colour = use_colour(output)
    screen = terminal_screen(output)
    text = renderer(format)(comparisons, monthly, screen.width if screen else None, colour)
    if chart:
        from tco.cli.charts import cumulative_text

        text += cumulative_text(comparisons, fenced=format is OutputFormat.markdown, colour=colour)
    # Warnings go to stderr (README: Commands), except when the table that lists them is on this terminal:
    # saying them twice there helps nobody, while JSON or a file would otherwise hide them.
    if format is not OutputFormat.table or screen is None:
        _print_warnings(comparisons)
    write_output(text, output)


@app.command()
@reports_errors
def export(
    scenario: ScenarioArg,
    output: OutputOpt = None,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.", **choice(ExportFormat))]
    = ExportFormat.csv,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Export one row per option and month (CSV for spreadsheets, or JSON rows)."""
    from tco.render.csv import render_csv, render_rows_json

    comparisons = _compare_all([scenario], set_, pricing, basis, max_price_age)
    text = render_csv(comparisons, monthly=True) if format is ExportFormat.csv else render_rows_json(comparisons)
    _print_warnings(comparisons)
    write_output(text, output)


@app.command()
@reports_errors
def validate(
    scenarios: ScenarioArgs,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Check scenarios: exit 0 when every one would compare cleanly, 1 otherwise (prints no figures)."""
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.scenario.compare import compare_loaded
    from tco.scenario.loader import load_scenario

    catalog = Catalog(user_pricing_dir(pricing))
    problems = []
    for path in scenarios:
        try:
            loaded = load_scenario(str(path), overrides=set_ or [], catalog=catalog,
                                   max_price_age_days=max_price_age)
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


@app.command()
@reports_errors
def init(
    file: Annotated[Path, typer.Argument(help="Where to write the starter scenario ('-' for stdout).",
                                         dir_okay=False, metavar="FILE")] = Path("scenario.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write a commented starter scenario that validates as it is."""
    from tco.scenario.starter import starter_scenario

    text = starter_scenario()
    if str(file) == "-":
        write_output(text, None)
        return
    if file.exists() and not force:
        raise TcoError.single(str(file), "already exists; use --force to overwrite it")
    write_output(text, file)
    typer.echo(f"next: tco compare {file}", err=True)


@app.command()
@reports_errors
def schema(output: OutputOpt = None, debug: DebugOpt = False) -> None:
    """Print the scenario file's JSON Schema, for editors with a YAML language server."""
    from tco.load.jsonschema import scenario_json_schema

    write_output(scenario_json_schema(), output)

"""The picture commands: `tco chart` (terminal chart, or SVG/PNG image) and `tco report` (HTML page)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tco.cli.shared import (
    Basis,
    BasisOpt,
    DebugOpt,
    MaxPriceAgeOpt,
    OutputOpt,
    PricingOpt,
    ScenarioArg,
    SetOpt,
    app,
    choice,
    print_warnings,
    reports_errors,
    terminal_width,
    use_colour,
    whole_number,
    write_output,
)
from tco.errors import TcoError

if TYPE_CHECKING:
    from tco.engine.results import Comparison
    from tco.render.html import SensitivitySection, SimulationSection, SizingSection
    from tco.scenario.loader import LoadedScenario

DEFAULT_CHART_WIDTH = 80  # columns, when stdout is not a terminal and COLUMNS is not set
# Image (and page) formats a user may reach for that `tco chart` does not write: refused by suffix.
OTHER_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".eps", ".ps",
                                  ".emf", ".wmf", ".pgf", ".raw", ".rgba", ".avif", ".heic"})


class ChartKind(StrEnum):
    cumulative = "cumulative"
    monthly = "monthly"
    volume = "volume"
    latency = "latency"


class ChartFormat(StrEnum):
    text = "text"
    svg = "svg"
    png = "png"


class ReportFormat(StrEnum):
    html = "html"


def _load(scenario: Path, overrides: list[str] | None, pricing: Path | None,
          basis: Basis | None, max_price_age: int) -> tuple[LoadedScenario, Comparison]:
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.scenario.compare import compare_loaded
    from tco.scenario.loader import load_scenario

    loaded = load_scenario(str(scenario), overrides=overrides or [], catalog=Catalog(user_pricing_dir(pricing)),
                           basis=basis.value if basis else None, max_price_age_days=max_price_age)
    return loaded, compare_loaded(loaded)


def _print_warnings(comparison: Comparison) -> None:
    print_warnings(comparison.source, comparison.warnings)


def chart_width() -> int:
    """Columns for a terminal chart: the terminal's (or $COLUMNS), else 80."""
    return terminal_width() or DEFAULT_CHART_WIDTH


def cumulative_text(comparisons: list[Comparison], *, fenced: bool, colour: bool) -> str:
    """The cumulative chart of each scenario, to append to `tco compare --chart` (in a Markdown code
    block when `fenced`)."""
    from tco.render.chart import render_line_chart
    from tco.render.series import cumulative_chart

    text = ""
    for comparison in comparisons:
        drawn = render_line_chart(cumulative_chart(comparison), chart_width(), colour and not fenced)
        text += f"\n```text\n{drawn}```\n" if fenced else f"\n{drawn}"
    return text


def _image_format(output: Path | None, fmt: ChartFormat | None) -> ChartFormat:
    """`--format` when given, else from the file's suffix (.svg, .png), else text."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower() if output else ""
    if suffix == ".pdf":
        raise typer.BadParameter("PDF is not supported; use FILE.svg or FILE.png", param_hint="'--output'")
    if suffix in OTHER_IMAGE_SUFFIXES:  # else a text chart would land in slide.jpg, unopenable as an image
        raise typer.BadParameter(f"{suffix} images are not supported; use FILE.svg or FILE.png",
                                 param_hint="'--output'")
    return {".svg": ChartFormat.svg, ".png": ChartFormat.png}.get(suffix, ChartFormat.text)


@app.command()
@reports_errors
def chart(
    scenario: ScenarioArg,
    kind: Annotated[ChartKind, typer.Option("--kind", "-k", help="cumulative: cost to date per option, "
                                            "break-even marked; monthly: one option's monthly cost by "
                                            "category; volume: monthly cost against monthly volume, break-even "
                                            "volume marked; latency: each self-hosted option's output tokens/s "
                                            "per GPU against tokens/s per user, its target and operating point "
                                            "marked.", **choice(ChartKind))] = ChartKind.cumulative,
    option: Annotated[str | None, typer.Option("--option", help="The option --kind monthly shows (default: the "
                                               "first self-hosted one), or the only one --kind latency shows "
                                               "(default: every self-hosted one).", metavar="NAME")] = None,
    format: Annotated[ChartFormat | None, typer.Option("--format", "-f", help="text (terminal characters), svg "
                                                       "or png (need matplotlib, the report extra). Default: from the "
                                                       "suffix of -o, else text.", **choice(ChartFormat))] = None,
    output: OutputOpt = None,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Draw a chart in the terminal (plain characters), or an SVG/PNG image with -o FILE.svg|FILE.png."""
    fmt = _image_format(output, format)
    if fmt is not ChartFormat.text:
        from tco.render.images import require_matplotlib

        require_matplotlib()  # before any work, so a missing extra is the only message
        if fmt is ChartFormat.png and output is None and sys.stdout.isatty():
            raise typer.BadParameter("a PNG is not for the terminal: give -o FILE.png or redirect stdout",
                                     param_hint="'--format'")
    from tco.analyses.volume import cost_by_volume
    from tco.render import series

    loaded, comparison = _load(scenario, set_, pricing, basis, max_price_age)
    _print_warnings(comparison)
    if kind is ChartKind.latency:
        _latency(loaded, pricing, option, fmt, output)
        return
    if kind is ChartKind.monthly:
        names = [o.name for o in comparison.options]
        if option is not None and option not in names:
            from tco.errors import did_you_mean

            raise TcoError.single(str(scenario), f"no option named {option!r}{did_you_mean(option, names)}",
                                  field="--option")
        chosen = comparison.option(option) if option is not None else series.first_self_hosted(comparison)
        stacked = series.monthly_chart(comparison, chosen)
    elif option is not None:
        raise typer.BadParameter("--option goes with --kind monthly or latency", param_hint="'--option'")
    try:
        line = (series.cumulative_chart(comparison) if kind is ChartKind.cumulative
                else series.volume_chart(comparison, cost_by_volume(comparison, loaded.inputs))
                if kind is ChartKind.volume else None)
    except TcoError as error:  # costs at volumes no month had, too large to draw: say at which option
        raise loaded.locate(error) from None

    if fmt is ChartFormat.text:
        from tco.render.chart import render_line_chart, render_stacked_chart

        colour = use_colour(output)
        text = (render_line_chart(line, chart_width(), colour) if line is not None
                else render_stacked_chart(stacked, chart_width(), colour))
        write_output(text, output)
        return
    from tco.render.images import image_bytes, line_figure, stacked_figure

    figure = line_figure(line) if line is not None else stacked_figure(stacked)
    write_output(image_bytes(figure, fmt.value), output)


def _latency(loaded: LoadedScenario, pricing: Path | None, option: str | None, fmt: ChartFormat,
             output: Path | None) -> None:
    """`tco chart --kind latency`: the latency curves of the self-hosted options (or of `option`)."""
    from tco.analyses.size import size_scenario
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.render.series import latency_chart

    reports = size_scenario(loaded, Catalog(user_pricing_dir(pricing)))
    if option is not None:
        names = [r.option or "" for r in reports]
        if option not in names:
            from tco.errors import did_you_mean

            raise TcoError.single(loaded.source, f"no self-hosted option named {option!r}"
                                  f"{did_you_mean(option, names)}", field="--option")
        reports = [r for r in reports if r.option == option]
    chart = latency_chart(loaded.inputs.name, reports)
    if not chart.curves:
        raise TcoError.single(loaded.source, "no self-hosted option has a latency curve to draw: "
                              + " ".join(chart.notes[:-1]), field="--kind")
    if fmt is ChartFormat.text:
        from tco.render.chart import render_latency_chart

        write_output(render_latency_chart(chart, chart_width(), use_colour(output)), output)
        return
    from tco.render.images import image_bytes, latency_figure

    write_output(image_bytes(latency_figure(chart), fmt.value), output)


@app.command()
@reports_errors
def report(
    scenario: ScenarioArg,
    output: OutputOpt = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format (html: one "
                                                 "self-contained page).", **choice(ReportFormat))]
    = ReportFormat.html,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Monte Carlo runs for the simulation section, made "
                                      "only when the scenario has ranges (1 to 1,000,000).",
                                      **whole_number(1, 1_000_000))] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the simulation section.",
                                      **whole_number(0))] = 0,
    debug: DebugOpt = False,
) -> None:
    """Write one self-contained HTML page to share: answer, tables, charts, assumptions, scenario file."""
    from tco.render.images import require_matplotlib

    require_matplotlib()
    if output is None and sys.stdout.isatty():
        raise typer.BadParameter("give -o FILE.html (or redirect stdout): the report is a file to open in a "
                                 "browser", param_hint="'--output'")
    from tco.analyses.volume import cost_by_volume
    from tco.render.html import build_report

    loaded, comparison = _load(scenario, set_, pricing, basis, max_price_age)
    _print_warnings(comparison)
    try:
        scenario_text = scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:  # it was readable a moment ago; say so plainly
        raise TcoError.single(str(scenario), f"cannot read the file again: {error}") from None
    simulation, sensitivity = _uncertainty(scenario, set_, pricing, basis, loaded, runs, seed)
    from tco.pricing.catalog import today

    try:
        page = build_report(comparison, scenario_text, cost_by_volume(comparison, loaded.inputs), overrides=set_ or [],
                            sizing=_sizing(loaded, pricing, comparison.currency), simulation=simulation,
                            sensitivity=sensitivity, made_on=today())
    except TcoError as error:  # as for `tco chart --kind volume`
        raise loaded.locate(error) from None
    write_output(page, output)


def _uncertainty(scenario: Path, set_: list[str] | None, pricing: Path | None, basis: Basis | None,
                 loaded: LoadedScenario, runs: int, seed: int) -> tuple[SimulationSection | None,
                                                                          SensitivitySection | None]:
    """The simulation percentiles and the tornado (`tco simulate`, `tco sensitivity`), when the scenario
    has ranges and a baseline to measure against; (None, None) otherwise."""
    from tco.load.ranges import ranged_fields

    if loaded.scenario is None or loaded.inputs.baseline is None or not any(ranged_fields(loaded.scenario)):
        return None, None
    from tco.analyses.batch import open_scenario
    from tco.analyses.sensitivity import sensitivity as run_sensitivity
    from tco.analyses.simulate import simulate as run_simulation
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.render.html import sensitivity_section, simulation_section

    opened = open_scenario(str(scenario), overrides=set_ or [], catalog=Catalog(user_pricing_dir(pricing)),
                           basis=basis.value if basis else None)
    return (simulation_section(run_simulation(opened, runs=runs, seed=seed)),
            sensitivity_section(run_sensitivity(opened)))


def _sizing(loaded: LoadedScenario, pricing: Path | None, currency: str) -> SizingSection | None:
    """The capacity sizing section, when the scenario has self-hosted options."""
    from tco.analyses.size import size_scenario
    from tco.engine.inputs import SelfHostedInputs
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.render.html import sizing_section

    if not any(isinstance(o, SelfHostedInputs) for o in loaded.inputs.options):
        return None
    return sizing_section(size_scenario(loaded, Catalog(user_pricing_dir(pricing))), currency, loaded.inputs.name)

"""`tco chart`: a chart in the terminal, or an SVG/PNG image."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tco.analyses.size import size_scenario
from tco.analyses.volume import cost_by_volume
from tco.cli.options import DEFAULT_OPTIONS, ScenarioOptions, scenario_options
from tco.cli.shared import (
    OutputOpt,
    ScenarioArg,
    choice,
    command_app,
    format_option,
    print_warnings,
    reports_errors,
    target,
    write_output,
)
from tco.errors import TcoError, did_you_mean
from tco.render import series
from tco.render.figures import CHART_FORMATS, IMAGE_FORMATS, Chart
from tco.render.images import require_matplotlib
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import LoadedScenario

commands = command_app()
# Image (and page) formats a user may reach for that `tco chart` does not write: refused by suffix.
OTHER_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".eps", ".ps",
                                  ".emf", ".wmf", ".pgf", ".raw", ".rgba", ".avif", ".heic"})


class ChartKind(StrEnum):
    cumulative = "cumulative"
    monthly = "monthly"
    volume = "volume"
    latency = "latency"


def _image_format(output: Path | None, fmt: str | None) -> str:
    """`--format` when given, else from the file's suffix (.svg, .png), else text; a usage error when the
    suffix names an image format other than `--format`'s."""
    suffix = output.suffix.lower() if output else ""
    if fmt is not None:
        if output is not None and suffix != f".{fmt}" and suffix in {".svg", ".png", ".pdf"} | OTHER_IMAGE_SUFFIXES:
            raise typer.BadParameter(f"{output.name}: --format {fmt} does not write {suffix} files",
                                     param_hint="'--output'")
        return fmt
    if suffix == ".pdf":
        raise typer.BadParameter("PDF is not supported; use FILE.svg or FILE.png", param_hint="'--output'")
    if suffix in OTHER_IMAGE_SUFFIXES:  # else a text chart would land in slide.jpg, unopenable as an image
        raise typer.BadParameter(f"{suffix} images are not supported; use FILE.svg or FILE.png",
                                 param_hint="'--output'")
    return {".svg": "svg", ".png": "png"}.get(suffix, "text")


@commands.command()
@reports_errors
@scenario_options
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
    format: Annotated[str | None, format_option(CHART_FORMATS, help="text (terminal characters), svg or png "
                                                "(need matplotlib, the report extra). Default: from the suffix "
                                                "of -o, else text.")] = None,
    output: OutputOpt = None,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Draw a chart in the terminal (plain characters), or an SVG/PNG image with -o FILE.svg|FILE.png."""
    fmt = _image_format(output, format)
    if fmt in IMAGE_FORMATS:
        require_matplotlib()  # before any work, so a missing extra is the only message
        if fmt == "png" and output is None and sys.stdout.isatty():
            raise typer.BadParameter("a PNG is not for the terminal: give -o FILE.png or redirect stdout",
                                     param_hint="'--format'")
    loaded = options.load(scenario)
    comparison = compare_loaded(loaded)
    print_warnings(comparison.source, comparison.warnings)
    drawn: Chart
    if kind is ChartKind.latency:
        drawn = _latency(loaded, options, option)
    elif kind is ChartKind.monthly:
        names = [o.name for o in comparison.options]
        if option is not None and option not in names:
            raise TcoError.single(str(scenario), f"no option named {option!r}{did_you_mean(option, names)}",
                                  field="--option")
        chosen = comparison.option(option) if option is not None else series.first_self_hosted(comparison)
        drawn = series.monthly_chart(comparison, chosen)
    elif option is not None:
        raise typer.BadParameter("--option goes with --kind monthly or latency", param_hint="'--option'")
    elif kind is ChartKind.cumulative:
        drawn = series.cumulative_chart(comparison)
    else:
        try:
            drawn = series.volume_chart(comparison, cost_by_volume(comparison, loaded.inputs))
        except TcoError as error:  # costs at volumes no month had, too large to draw: say at which option
            raise loaded.locate(error) from None
    write_output(CHART_FORMATS.render(fmt, drawn, target(output)), output)


def _latency(loaded: LoadedScenario, options: ScenarioOptions, option: str | None) -> series.LatencyChart:
    """`tco chart --kind latency`: the latency curves of the self-hosted options (or of `option`)."""
    reports = size_scenario(loaded, options.catalog)
    if option is not None:
        names = [r.option or "" for r in reports]
        if option not in names:
            raise TcoError.single(loaded.source, f"no self-hosted option named {option!r}"
                                  f"{did_you_mean(option, names)}", field="--option")
        reports = [r for r in reports if r.option == option]
    drawn = series.latency_chart(loaded.inputs.name, reports)
    if not drawn.curves:
        raise TcoError.single(loaded.source, "no self-hosted option has a latency curve to draw: "
                              + " ".join(drawn.notes[:-1]), field="--kind")
    return drawn

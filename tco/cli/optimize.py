"""`tco optimize`: the cost curve of a hybrid against its fleet size, and the cheapest size."""

from __future__ import annotations

from typing import Annotated

import typer

from tco.cli.options import DEFAULT_OPTIONS, ScenarioOptions, scenario_options
from tco.cli.shared import (
    MissingOption,
    OutputOpt,
    ScenarioArg,
    command_app,
    format_option,
    print_warnings,
    reports_errors,
    target,
    write_output,
)
from tco.engine.inputs import SelfHostedInputs
from tco.engine.optimize import optimize_hybrid
from tco.errors import TcoError
from tco.render.optimize import OPTIMIZATION_FORMATS

commands = command_app()


@commands.command()
@reports_errors
@scenario_options
def optimize(
    scenario: ScenarioArg,
    hybrid: Annotated[str, typer.Option("--hybrid", help="The hybrid option to size, or the self_hosted option "
                                        "whose fleet serves the base load.", metavar="NAME", show_default=False)],
    overflow_to: Annotated[str | None, typer.Option("--overflow-to", help="The api option that takes the load "
                                                    "above the fleet's capacity (default: the hybrid's own "
                                                    "overflow_to).", metavar="NAME", show_default=False)] = None,
    overflow: Annotated[str | None, typer.Option("--overflow", hidden=True, metavar="NAME", show_default=False,
                                                 help="The old spelling of --overflow-to.")] = None,
    format: Annotated[str, format_option(OPTIMIZATION_FORMATS)] = "table",
    output: OutputOpt = None,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Find the cheapest fleet for a hybrid: its total at every fleet size and size_for rule.

    Every fleet size from 0 to the peak-sized fleet (in whole replicas), and size_for p50..p100 and
    average; prints the cost curve and the cheapest."""
    if overflow is not None and overflow_to is not None and overflow != overflow_to:
        raise typer.BadParameter("--overflow is the old spelling of --overflow-to; give one of them",
                                 param_hint="'--overflow-to'")
    api = overflow_to if overflow_to is not None else overflow
    loaded = options.load(scenario)
    named = next((o for o in loaded.inputs.options if o.name == hybrid), None)
    if api is None and isinstance(named, SelfHostedInputs):
        raise MissingOption("--overflow-to", f"{hybrid!r} is a self_hosted option; name the api option that takes "
                            "the load above its fleet")
    try:
        result = optimize_hybrid(loaded.inputs, hybrid, api, source=loaded.source)
    except TcoError as error:
        raise loaded.locate(error) from None
    print_warnings(loaded.source, loaded.warnings)
    write_output(OPTIMIZATION_FORMATS.render(format, result, target(output)), output)

"""`tco size`: memory fit and throughput of a model on a GPU."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tco.cli.shared import (
    DebugOpt,
    OutputOpt,
    PricingOpt,
    SetOpt,
    app,
    choice,
    reports_errors,
    terminal_screen,
    whole_number,
    write_output,
)


class SizeFormat(StrEnum):
    table = "table"
    json = "json"


class PrecisionChoice(StrEnum):
    bf16 = "bf16"
    fp8 = "fp8"
    fp4 = "fp4"
    int4 = "int4"


class ParallelismChoice(StrEnum):
    tp = "tp"
    dep = "dep"


@app.command()
@reports_errors
def size(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario YAML file: size every self_hosted option "
                                                    "(instead of --model and --gpu).", show_default=False,
                                                    metavar="SCENARIO")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model key in pricing/models.yaml.",
                                              metavar="KEY")] = None,
    gpu: Annotated[str | None, typer.Option("--gpu", help="GPU key in pricing/gpus.yaml.", metavar="KEY")] = None,
    precision: Annotated[PrecisionChoice, typer.Option("--precision", help="Weight precision.",
                                                       **choice(PrecisionChoice))]
    = PrecisionChoice.bf16,
    input_tokens: Annotated[int, typer.Option("--input-tokens", help="Input tokens per request.",
                                              **whole_number(0))] = 1000,
    output_tokens: Annotated[int, typer.Option("--output-tokens", help="Output tokens per request (at least 1).",
                                               **whole_number(1))] = 1000,
    gpus_per_replica: Annotated[int | None, typer.Option(
        "--gpus-per-replica", help="GPUs per model copy: 1, 2, 4 or 8 (default: the smallest that holds the "
        "weights and a useful KV cache).", show_default=False, **whole_number(1, 64))] = None,
    parallelism: Annotated[ParallelismChoice | None, typer.Option(
        "--parallelism", help="Replica layout: tp (tensor parallel) or dep (attention data parallel + expert "
        "parallel, mixture-of-experts models). Default: the measured entry's layout, else tp.",
        show_default=False, **choice(ParallelismChoice))] = None,
    cloud: Annotated[str | None, typer.Option("--cloud", help="Which rent_per_hour entry of the GPU prices the "
                                              "cost (default: the lowest listed).", metavar="NAME")] = None,
    format: Annotated[SizeFormat, typer.Option("--format", "-f", help="Output format.", **choice(SizeFormat))]
    = SizeFormat.table,
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Memory fit, concurrency and per-GPU throughput of a model on a GPU, and its cost per 1M tokens."""
    from tco.catalog import Catalog, user_pricing_dir
    from tco.render.size import render_size_json, render_size_table
    from tco.sizing import size_from_tables, size_scenario

    def usage(message: str) -> None:
        typer.echo(f"Usage: tco size [SCENARIO] [--model KEY --gpu KEY] [OPTIONS]\nError: {message}", err=True)
        raise typer.Exit(2)

    catalog = Catalog(user_pricing_dir(pricing))
    if scenario is not None:
        if model is not None or gpu is not None:
            usage("give either SCENARIO or --model and --gpu, not both")
        from tco.scenario import load_scenario

        loaded = load_scenario(str(scenario), overrides=set_ or [], catalog=catalog)
        reports = size_scenario(loaded, catalog)
        for warning in loaded.warnings:
            typer.echo(f"warning: {loaded.source}: {warning}", err=True)
    else:
        if model is None or gpu is None:
            usage("give --model and --gpu (or a SCENARIO)")
        if set_:
            usage("--set applies to a SCENARIO")
        if gpus_per_replica is not None and gpus_per_replica not in (1, 2, 4, 8):
            usage(f"--gpus-per-replica {gpus_per_replica}: the capacity model sizes replicas of 1, 2, 4 or 8 GPUs")
        assert model is not None and gpu is not None
        reports = [size_from_tables(catalog, model, gpu, precision.value, input_tokens, output_tokens,
                                    gpus_per_replica, parallelism.value if parallelism else None, cloud)]
    single = scenario is None
    text = render_size_json(reports, single) if format is SizeFormat.json \
        else render_size_table(reports, terminal_screen(output))
    write_output(text, output)

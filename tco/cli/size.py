"""`tco size`: memory fit, throughput and latency curve of a model on a GPU."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from tco.analyses.size import size_scenario
from tco.capacity.latency import DEFAULT_ENGINE, DEFAULT_SLO, SLO_PRESETS, Slo
from tco.capacity.sizing import size_from_tables, stale_rent
from tco.cli.options import DEFAULT_OPTIONS, ScenarioOptions, scenario_options
from tco.cli.shared import (
    OutputOpt,
    choice,
    command_app,
    format_option,
    print_warnings,
    reports_errors,
    target,
    whole_number,
    write_output,
)
from tco.defaults import DEFAULTS
from tco.pricing.catalog import today
from tco.render.size import SIZE_FORMATS, Sized

commands = command_app()


class PrecisionChoice(StrEnum):
    bf16 = "bf16"
    fp8 = "fp8"
    fp4 = "fp4"
    int4 = "int4"


class ParallelismChoice(StrEnum):
    tp = "tp"
    tep = "tep"
    dep = "dep"


class EngineChoice(StrEnum):
    vllm = "vllm"
    sglang = "sglang"
    trtllm = "trtllm"


class SloChoice(StrEnum):
    chat = "chat"
    rag = "rag"
    agentic = "agentic"
    batch = "batch"
    voice = "voice"
    none = "none"


MAX_CONCURRENCY = 1_000_000  # far past any replica's KV cache and scheduler; beyond it the figures overflow


def parse_concurrencies(text: str) -> list[int]:
    """`64,1,8,8` -> [1, 8, 64]: each concurrency once, fewest first; raises ValueError naming the bad item."""
    values = set()
    for item in text.split(","):
        item = item.strip()
        if not (item.isascii() and item.isdigit()) or int(item) < 1:
            raise ValueError(f"{item!r} is not a whole number of requests above 0")
        if int(item) > MAX_CONCURRENCY:
            raise ValueError(f"{item[:12]}{'...' if len(item) > 12 else ''} requests in flight: at most "
                             f"{MAX_CONCURRENCY:,} a replica")
        values.add(int(item))
    return sorted(values)


@commands.command()
@reports_errors
@scenario_options
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
        "--gpus-per-replica", help="GPUs per model copy: 1, 2, 4 or 8 (default: at a latency target, the size "
        "cheapest per token that meets it; at --slo none, the measured entry's, else the smallest that holds the "
        "weights and a useful KV cache).", show_default=False, **whole_number(1, 64))] = None,
    parallelism: Annotated[ParallelismChoice | None, typer.Option(
        "--parallelism", help="Replica layout: tp (tensor parallel), tep (tensor-parallel attention + expert "
        "parallel) or dep (attention data parallel + expert parallel); tep and dep for mixture-of-experts "
        "models. Default: at --slo none the measured entry's layout, else tp.", show_default=False,
        **choice(ParallelismChoice))] = None,
    engine: Annotated[EngineChoice | None, typer.Option(
        "--engine", help=f"Serving engine whose latency and offline maximum to use. Default: {DEFAULTS.engine.value}.",
        show_default=False, **choice(EngineChoice))] = None,
    slo: Annotated[SloChoice | None, typer.Option(
        "--slo", help="Latency target: a preset (mean TTFT/TPOT ms: chat 800/30, rag 1500/40, agentic 3000/50, "
        f"batch 10000/100, voice 200/15) or none (the offline maximum). Default: {DEFAULTS.slo.value}.",
        show_default=False, **choice(SloChoice))] = None,
    ttft_ms: Annotated[float | None, typer.Option(
        "--ttft-ms", help="A custom target's mean time to first token, ms (instead of "
        "--slo; alone or with --tpot-ms).", metavar="MS", show_default=False)] = None,
    tpot_ms: Annotated[float | None, typer.Option(
        "--tpot-ms", help="A custom target's mean time per output token, ms (instead of "
        "--slo; alone or with --ttft-ms).", metavar="MS", show_default=False)] = None,
    concurrency: Annotated[str | None, typer.Option(
        "--concurrency", help="Requests in flight a replica to show the latency at, comma-separated (e.g. "
        "1,8,32,64). Default: 1, 2, 4, ... to just past what the KV cache holds, and the target's point.",
        metavar="LIST", show_default=False)] = None,
    cloud: Annotated[str | None, typer.Option("--cloud", help="Which rent_per_hour entry of the GPU prices the "
                                              "cost (default: the lowest listed).", metavar="NAME")] = None,
    format: Annotated[str, format_option(SIZE_FORMATS)] = "table",
    output: OutputOpt = None,
    options: ScenarioOptions = DEFAULT_OPTIONS,
) -> None:
    """Memory fit, per-GPU throughput and latency curve of a model on a GPU, and its cost per 1M tokens."""
    def usage(message: str) -> NoReturn:
        typer.echo(f"Usage: tco size [SCENARIO] [--model KEY --gpu KEY] [OPTIONS]\nError: {message}", err=True)
        raise typer.Exit(2)

    concurrencies: list[int] | None = None
    if concurrency is not None:
        try:
            concurrencies = parse_concurrencies(concurrency)
        except ValueError as error:
            usage(f"--concurrency {concurrency}: {error}")
    for flag, value in (("--ttft-ms", ttft_ms), ("--tpot-ms", tpot_ms)):
        if value is not None and not 0 < value < math.inf:  # NaN and infinity too, as a scenario's slo
            usage(f"{flag} {value:g}: a time in ms above 0")
    if slo is not None and (ttft_ms is not None or tpot_ms is not None):
        usage("give --slo or --ttft-ms/--tpot-ms (a custom target), not both")
    catalog = options.read_pricing()
    if scenario is not None:
        if model is not None or gpu is not None:
            usage("give either SCENARIO or --model and --gpu, not both")
        given = [flag for flag, value in (("--engine", engine), ("--slo", slo), ("--ttft-ms", ttft_ms),
                                          ("--tpot-ms", tpot_ms)) if value is not None]
        if given:
            usage(f"{', '.join(given)}: a scenario's options state their own engine and slo (change them with "
                  "--set options.NAME.engine=... or options.NAME.slo=...)")
        loaded = options.load(scenario)
        reports = size_scenario(loaded, catalog, concurrencies)
        print_warnings(loaded.source, loaded.warnings)
    else:
        if model is None or gpu is None:
            usage("give --model and --gpu (or a SCENARIO)")
        if options.overrides:
            usage("--set applies to a SCENARIO")
        if options.basis is not None:
            usage("--basis applies to a SCENARIO")
        if gpus_per_replica is not None and gpus_per_replica not in (1, 2, 4, 8):
            usage(f"--gpus-per-replica {gpus_per_replica}: the capacity model sizes replicas of 1, 2, 4 or 8 GPUs")
        assert model is not None and gpu is not None
        slo_target: Slo | None
        if ttft_ms is not None or tpot_ms is not None:
            slo_target = Slo("custom", ttft_ms, tpot_ms)
        else:
            chosen = (slo or SloChoice(DEFAULT_SLO)).value
            slo_target = None if chosen == "none" else SLO_PRESETS[chosen]
        reports = [size_from_tables(catalog, model, gpu, precision.value, input_tokens, output_tokens,
                                    gpus_per_replica, parallelism.value if parallelism else None, cloud,
                                    engine.value if engine else DEFAULT_ENGINE, slo_target, concurrencies)]
        print_warnings("tco size", stale_rent(catalog, reports[0], today(), options.max_price_age))
    write_output(SIZE_FORMATS.render(format, Sized(reports, single=scenario is None), target(output)), output)

"""`tco optimize`: the cost curve of a hybrid against its fleet size, and the cheapest size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tco.cli.shared import (
    BasisOpt,
    DataFormat,
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
    terminal_screen,
    write_output,
)

if TYPE_CHECKING:
    from tco.engine.optimize import FleetCost, Optimization
    from tco.render.layout import Screen


COLUMNS = ["size_for", "gpus", "replicas", "total", "npv", "self_hosted_share", "fleet_utilization",
           "gpus_at_end", "cheapest"]


@app.command()
@reports_errors
def optimize(
    scenario: ScenarioArg,
    hybrid: Annotated[str, typer.Option("--hybrid", help="The hybrid option to size, or the self_hosted option "
                                        "whose fleet serves the base load.", metavar="NAME", show_default=False)],
    overflow_to: Annotated[str | None, typer.Option("--overflow-to", help="The api option that takes the load "
                                                    "above the fleet's capacity (default: the hybrid's own "
                                                    "overflow_to).", metavar="NAME", show_default=False)] = None,
    overflow: Annotated[str | None, typer.Option("--overflow", hidden=True, metavar="NAME", show_default=False,
                                                 help="The old spelling of --overflow-to.")] = None,
    format: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.", **choice(DataFormat))]
    = DataFormat.table,
    output: OutputOpt = None,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    max_price_age: MaxPriceAgeOpt = 180,
    debug: DebugOpt = False,
) -> None:
    """Find the cheapest fleet for a hybrid: its total at every fleet size and size_for rule.

    Every fleet size from 0 to the peak-sized fleet (in whole replicas), and size_for p50..p100 and
    average; prints the cost curve and the cheapest."""
    from tco.engine.inputs import SelfHostedInputs
    from tco.engine.optimize import optimize_hybrid
    from tco.errors import TcoError
    from tco.pricing.catalog import Catalog, user_pricing_dir
    from tco.scenario.loader import load_scenario

    if overflow is not None and overflow_to is not None and overflow != overflow_to:
        raise typer.BadParameter("--overflow is the old spelling of --overflow-to; give one of them",
                                 param_hint="'--overflow-to'")
    api = overflow_to if overflow_to is not None else overflow
    loaded = load_scenario(str(scenario), overrides=set_ or [], catalog=Catalog(user_pricing_dir(pricing)),
                           basis=basis.value if basis else None, max_price_age_days=max_price_age)
    named = next((o for o in loaded.inputs.options if o.name == hybrid), None)
    if api is None and isinstance(named, SelfHostedInputs):
        raise typer.BadParameter(f"{hybrid!r} is a self_hosted option: name the api option that takes the load "
                                 "above its fleet", param_hint="'--overflow-to'")
    try:
        result = optimize_hybrid(loaded.inputs, hybrid, api, source=loaded.source)
    except TcoError as error:
        raise loaded.locate(error) from None
    print_warnings(loaded.source, loaded.warnings)
    if format is DataFormat.json:
        text = _json(result)
    elif format is DataFormat.csv:
        text = _csv(result)
    else:
        text = _table(result, terminal_screen(output))
    write_output(text, output)


def _row(point: FleetCost, cheapest: FleetCost) -> list[Any]:
    return [point.size_for, point.gpus, point.replicas, point.total, point.npv, point.self_hosted_share,
            point.fleet_utilization, point.gpus_at_end, point is cheapest]


def _json(result: Optimization) -> str:
    import json

    from tco.render.numbers import tidy

    def points(items: list[FleetCost]) -> list[dict[str, Any]]:
        return [dict(zip(COLUMNS, _row(p, result.cheapest), strict=True)) for p in items]

    data = {"schema_version": 1, "scenario": result.scenario, "currency": result.currency,
            "horizon_months": result.horizon_months, "hybrid": result.hybrid, "self_hosted": result.self_hosted,
            "overflow": result.overflow, "gpus_per_replica": result.gpus_per_replica,
            "p100_gpus": result.p100_gpus, "exhaustive": result.exhaustive,
            "cheapest": dict(zip(COLUMNS, _row(result.cheapest, result.cheapest), strict=True)),
            "fixed_fleets": points(result.fixed), "size_rules": points(result.rules)}
    return json.dumps(tidy(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _csv(result: Optimization) -> str:
    from tco.render.csv import write_csv

    return write_csv(COLUMNS, (_row(point, result.cheapest) for point in [*result.fixed, *result.rules]))


def _table(result: Optimization, screen: Screen | None) -> str:
    from tco.amounts import money
    from tco.render.layout import BOLD, paragraph, table_text
    from tco.render.text import share_text

    cur = result.currency

    def rows(items: list[FleetCost]) -> list[list[str]]:
        return [[p.size_for, money(p.total, cur), money(p.npv, cur), share_text(p.self_hosted_share),
                 share_text(p.fleet_utilization), "-" if p.gpus_at_end is None else str(p.gpus_at_end),
                 "yes" if p is result.cheapest else ""] for p in items]

    header = ["Fleet", "Total", "NPV", "Self-hosted tokens", "Fleet utilisation", "GPUs at end", "Cheapest"]
    best = result.cheapest
    parts = f"{result.self_hosted} with overflow to {result.overflow}"
    text = paragraph(f"{result.scenario}: {parts if result.hybrid is None else f'{result.hybrid} ({parts})'}, "
                     f"{result.horizon_months} months, {cur}", screen, style=BOLD) + "\n"
    text += paragraph(f"Cheapest: {best.size_for} at {money(best.total, cur)} over {result.horizon_months} months "
                      f"({share_text(best.self_hosted_share)} of tokens self-hosted).", screen) + "\n"
    scan = ("every replica" if result.exhaustive else
            f"{len(result.fixed)} sizes, every replica near the cheapest")
    keep, drop = ("Fleet", "Total", "Cheapest"), ("NPV", "GPUs at end")
    text += table_text(header, rows(result.fixed), screen, title_text=f"Fixed fleet ({{gpus: N}}), 0 to "
                       f"{result.p100_gpus} GPUs in steps of {result.gpus_per_replica} ({scan})", keep=keep,
                       drop=drop, more="--format csv") + "\n"
    text += table_text(header, rows(result.rules), screen, title_text="size_for rules (the fleet re-sized each month)",
                       keep=keep, drop=drop, more="--format csv")
    return text

"""`tco optimize` output: a hybrid's total at every fleet size and size_for rule, and the cheapest."""

from __future__ import annotations

from typing import Any

from tco.amounts import money
from tco.engine.optimize import FleetCost, Optimization
from tco.render.csv import write_csv
from tco.render.formats import Formats, Target
from tco.render.layout import BOLD, Screen, paragraph, table_text
from tco.render.numbers import json_text
from tco.render.text import share_text

COLUMNS = ["size_for", "gpus", "replicas", "total", "npv", "self_hosted_share", "fleet_utilization",
           "gpus_at_end", "cheapest"]


def _row(point: FleetCost, cheapest: FleetCost) -> list[Any]:
    return [point.size_for, point.gpus, point.replicas, point.total, point.npv, point.self_hosted_share,
            point.fleet_utilization, point.gpus_at_end, point is cheapest]


def render_optimization_json(result: Optimization) -> str:
    """The cheapest fleet, and every fixed fleet and size rule priced, keyed by COLUMNS."""
    def points(items: list[FleetCost]) -> list[dict[str, Any]]:
        return [dict(zip(COLUMNS, _row(p, result.cheapest), strict=True)) for p in items]

    data = {"schema_version": 1, "scenario": result.scenario, "currency": result.currency,
            "horizon_months": result.horizon_months, "hybrid": result.hybrid, "self_hosted": result.self_hosted,
            # `overflow_to` as the flag and the scenario key name it; `overflow` kept for what reads it
            "overflow": result.overflow, "overflow_to": result.overflow, "gpus_per_replica": result.gpus_per_replica,
            "p100_gpus": result.p100_gpus, "exhaustive": result.exhaustive,
            "cheapest": dict(zip(COLUMNS, _row(result.cheapest, result.cheapest), strict=True)),
            "fixed_fleets": points(result.fixed), "size_rules": points(result.rules)}
    return json_text(data) + "\n"


def render_optimization_csv(result: Optimization) -> str:
    """One row per fixed fleet, then one per size rule."""
    return write_csv(COLUMNS, (_row(point, result.cheapest) for point in [*result.fixed, *result.rules]))


def render_optimization_table(result: Optimization, screen: Screen | None = None) -> str:
    """The cheapest in a sentence, then the fixed fleets and the size rules, one table each. Plain ASCII
    when `screen` is None (piped), else fitted to the terminal."""
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


def _table(result: Optimization, target: Target) -> str:
    return render_optimization_table(result, target.screen)


OPTIMIZATION_FORMATS: Formats[Optimization, str] = Formats("an optimization", {
    "table": _table,
    "json": lambda result, target: render_optimization_json(result),
    "csv": lambda result, target: render_optimization_csv(result),
})

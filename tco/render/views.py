"""The rows every human-readable view shows, computed once: the table and Markdown renderers
lay these out, so the two never disagree on what a cell says."""

from __future__ import annotations

from collections import OrderedDict

from tco.amounts import money, money_precise, quantity_short
from tco.engine.results import CATEGORIES, DEFAULT_SOURCE, Assumption, Comparison, OptionResult
from tco.render.text import break_even_cell, gpus_at_end, share_text, volume_text

SUMMARY_HEADER = ["Option", "Kind", "Total", "NPV", "Per 1M tokens", "Month 1", "Last month", "GPUs at end"]


def month1_volume(c: Comparison) -> str:
    """The month-1 volume every figure assumes: `9.8B tokens/month (150K requests/day)`."""
    return volume_text(c.month1_input_tokens + c.month1_output_tokens, c.month1_requests_per_day)


def summary_title(c: Comparison) -> str:
    return f"Summary, at a month-1 volume of {month1_volume(c)}"


def summary_rows(c: Comparison) -> list[list[str]]:
    cur = c.currency
    rows = []
    for o in c.options:
        per_million = "-" if o.cost_per_million_tokens is None else money_precise(o.cost_per_million_tokens, cur)
        rows.append([o.name, o.kind.replace("_", "-"), money(o.total, cur), money(o.npv, cur), per_million,
                     money(o.months[0].total, cur), money(o.months[-1].total, cur), gpus_at_end(o)])
    return rows


MIXED_HEADER = ["Option", "Kind", "Self-hosted tokens", "Fleet utilisation", "Month 1 self-hosted",
                "Last month self-hosted"]


def mixed_rows(c: Comparison) -> list[list[str]]:
    """Share of tokens served on own GPUs and the fleet's utilisation, for the self-hosting options;
    empty unless the scenario has a hybrid or routed option, so other outputs stay as they were."""
    if not any(o.kind in ("hybrid", "routed") for o in c.options):
        return []
    return [[o.name, o.kind.replace("_", "-"), share_text(o.self_hosted_share), share_text(o.fleet_utilization),
             share_text(o.months[0].self_hosted_share), share_text(o.months[-1].self_hosted_share)]
            for o in c.options if o.kind != "api"]


def matrix(c: Comparison) -> tuple[list[str], list[list[str]]]:
    """Break-even month (and fractional months) of each self-hosted option against each API."""
    versus = list(OrderedDict.fromkeys(p.versus for p in c.break_even))
    options = list(OrderedDict.fromkeys(p.option for p in c.break_even))
    cells = {(p.option, p.versus): break_even_cell(p) for p in c.break_even}
    header = ["Self-hosted", *[f"vs {v}" + (" (baseline)" if v == c.baseline else "") for v in versus]]
    return header, [[o, *[cells[(o, v)] for v in versus]] for o in options]


VOLUME_HEADER = ["Self-hosted", "Stays cheaper from", "First cheaper at", "Saves over horizon"]


def volume_rows(c: Comparison) -> list[list[str]]:
    rows = []
    for p in c.break_even:
        if p.versus != c.baseline:
            continue
        rows.append([p.option, volume_text(p.volume_tokens_per_month, p.volume_requests_per_day),
                     volume_text(p.first_volume_tokens_per_month, p.first_volume_requests_per_day),
                     money(p.savings_at_horizon, c.currency)])
    return rows


def monthly_header(o: OptionResult) -> list[str]:
    return ["Month", "Date", "Tokens", "GPUs", *o.categories, "Total", "Cumulative"]


def monthly_rows(o: OptionResult, currency: str) -> list[list[str]]:
    rows = []
    for m in o.months:
        rows.append([str(m.month), m.date or "-", quantity_short(m.input_tokens + m.output_tokens),
                     "-" if m.gpus is None else str(m.gpus),
                     *(money(m.costs.get(cat, 0.0), currency) for cat in CATEGORIES if cat in o.categories),
                     money(m.total, currency), money(m.cumulative, currency)])
    return rows


def value_text(value: object) -> str:
    """An assumption's value for a table: `0.7`, `2.99`, `343,607` (thousands separated, as money and
    counts are), `1.2M` for large floats."""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else quantity_short(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def assumption_rows(assumptions: list[Assumption]) -> list[list[str]]:
    """Field, value and source of every assumption that is not a plain tco default."""
    return [[a.field, value_text(a.value), a.short_source] for a in assumptions if a.source != DEFAULT_SOURCE]


def default_lines(assumptions: list[Assumption]) -> list[str]:
    """Plain defaults, one line per scenario part: `options.GPT-4.1: discount 0, batch_share 0`."""
    folded: OrderedDict[str, list[str]] = OrderedDict()
    for a in assumptions:
        if a.source == DEFAULT_SOURCE:
            prefix, _, name = a.field.rpartition(".") if a.field.startswith("options.") else ("", "", a.field)
            folded.setdefault(prefix or "scenario", []).append(f"{name} {value_text(a.value)}")
    return [f"{prefix}: {', '.join(values)}" for prefix, values in folded.items()]

"""The numbers every chart draws, computed once: the terminal charts, the images and the HTML
report all plot these series, so they never disagree on where a line or a mark is.

The cumulative and monthly series come from the `Comparison` alone, cost against volume from
`tco.analyses.volume` (a cost at a volume no month had needs the scenario's inputs). The latency
curves come from the sizing of each self-hosted option (`tco.analyses.size`, what `tco size SCENARIO`
prints).

A user's names reach these as written; every renderer of a chart (the terminal's, the images') takes
the chart it is given through `inert_texts` first, so control characters and bidi overrides are shown
as escapes (`tco.errors.inert`) wherever a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from tco.amounts import money_short, month_count, months_text
from tco.engine.results import BreakEven, Comparison, OptionResult
from tco.errors import inert
from tco.frozen import frozen
from tco.render.text import volume_text

if TYPE_CHECKING:  # types only: `tco compare --chart` draws neither, and loads neither
    from tco.analyses.volume import CostByVolume
    from tco.capacity.sizing import SizeReport

C = TypeVar("C")


def inert_texts(value: C) -> C:
    """A copy of a chart with every text in it made inert (`tco.errors.inert`), numbers untouched: what
    each renderer of a chart does first. Printable text comes back unchanged."""
    found: Any = value
    if isinstance(value, str):
        found = inert(value)
    elif is_dataclass(value) and not isinstance(value, type):
        found = replace(value, **{f.name: inert_texts(getattr(value, f.name)) for f in fields(value) if f.init})
    elif isinstance(value, list | tuple):
        found = type(value)(inert_texts(item) for item in value)
    elif isinstance(value, dict):
        found = {inert_texts(key): inert_texts(item) for key, item in value.items()}
    return found  # type: ignore[no-any-return]


@frozen
class Series:
    """One option's line: (x, y) points, y in the scenario's currency."""

    name: str
    kind: str
    points: list[tuple[float, float]]


@frozen
class Mark:
    """A marked break-even point on a chart, and the words that explain it."""

    option: str
    versus: str
    x: float
    y: float
    label: str


@frozen
class LineChart:
    """Lines per option, the break-even marks, and sentences for the pairs with no mark."""

    title: str
    x_label: str
    y_label: str
    currency: str
    series: list[Series]
    marks: list[Mark]
    notes: list[str]  # e.g. "X never breaks even with Y within 36 months": said, not only left unmarked
    x_is_volume: bool = False
    reference_x: float | None = None  # month-1 volume on the volume chart
    reference_label: str = ""


@frozen
class StackedChart:
    """One option's monthly cost, split by category, month by month."""

    title: str
    option: str
    currency: str
    months: list[int]
    categories: list[str]
    amounts: dict[str, list[float]]  # category -> amount in each month of `months`
    totals: list[float]


def baseline_pairs(c: Comparison) -> list[BreakEven]:
    """The break-even pairs against the baseline: the ones every chart marks."""
    return [p for p in c.break_even if p.versus == c.baseline]


def cumulative_chart(c: Comparison) -> LineChart:
    """Cumulative cost of every option at the end of each month (month 0 is 0), the break-even month
    of each self-hosted option against the baseline marked on the self-hosted line."""
    series = [Series(o.name, o.kind, [(0.0, 0.0), *((float(m.month), m.cumulative) for m in o.months)])
              for o in c.options]
    marks: list[Mark] = []
    notes: list[str] = []
    for p in baseline_pairs(c):
        option = c.option(p.option)
        if p.month is None or p.months is None:
            notes.append(f"{p.option} never breaks even with {p.versus} within {month_count(c.horizon_months)}: "
                         f"it costs {money_short(-p.savings_at_horizon, c.currency)} more.")
            continue
        y = option.months[p.month - 1].cumulative
        marks.append(Mark(p.option, p.versus, float(p.month), y,
                          f"{p.option} breaks even with {p.versus} in month {p.month} "
                          f"(after {months_text(p.months)})"))
    return LineChart(f"{c.scenario}: cumulative cost", "Month", f"Cumulative cost ({c.currency})", c.currency,
                     series, marks, notes)


def first_self_hosted(c: Comparison) -> OptionResult:
    """The option `--kind monthly` shows by default: the first self-hosted one, else the first."""
    return next((o for o in c.options if o.kind == "self_hosted"), c.options[0])


def monthly_chart(c: Comparison, option: OptionResult) -> StackedChart:
    """`option`'s cost in each month, by category (in CATEGORIES order)."""
    categories = option.categories
    amounts = {cat: [m.costs.get(cat, 0.0) for m in option.months] for cat in categories}
    return StackedChart(f"{c.scenario}: {option.name}, monthly cost by category", option.name, c.currency,
                        [m.month for m in option.months], categories, amounts, [m.total for m in option.months])


def volume_chart(c: Comparison, volume: CostByVolume) -> LineChart:
    """Steady monthly cost of every option against monthly volume (tokens, month-1 mix and prices,
    amortized capex, no one-time costs; `tco.analyses.volume.cost_by_volume`), the break-even volume
    against the baseline marked."""
    series = [Series(curve.option, curve.kind, curve.points) for curve in volume.curves]
    marks: list[Mark] = []
    notes: list[str] = []
    for p in baseline_pairs(c):
        requests = p.volume_requests_per_day
        if p.volume_tokens_per_month is None:
            window = ("" if p.first_volume_tokens_per_month is None else
                      f" (it is cheaper from {volume_text(p.first_volume_tokens_per_month, None)}, "
                      "until its cost rises above the API's again)")
            notes.append(f"{p.option} is at no volume lastingly cheaper than {p.versus}{window}: its cost per "
                         "token is not below the API's.")
            continue
        marks.append(Mark(p.option, p.versus, p.volume_tokens_per_month, volume.at_break_even[p.option],
                          f"{p.option} stays cheaper than {p.versus} from "
                          f"{volume_text(p.volume_tokens_per_month, requests)}"))
    month1 = volume.month1
    return LineChart(f"{c.scenario}: monthly cost against monthly volume", "Monthly volume (tokens)",
                     f"Monthly cost ({c.currency})", c.currency, series, marks, notes, x_is_volume=True,
                     reference_x=month1, reference_label=f"month-1 volume {volume_text(month1, None)}")


@frozen
class LatencyCurve:
    """One self-hosted option's replica: output tokens/s per GPU (y) against tokens/s one user sees
    (x, 1000 / TPOT), from one request in flight to all the KV cache holds; its target and operating point."""

    option: str
    replica: str  # "vllm, 4 x h100-sxm (tp), fp8"
    points: list[tuple[float, float]]  # by x ascending: the most requests in flight first
    target: str | None  # "chat (TTFT <= 800 ms, TPOT <= 30 ms)"; None at slo none
    target_x: float | None  # 1000 / the target's TPOT; None when the target leaves TPOT free
    point: tuple[float, float] | None  # where it serves: the target's point, or the KV limit at slo none
    point_label: str  # the sentence: who meets what, where
    point_brief: str = ""  # beside the mark in an image: "19 in flight: TTFT 581 ms, TPOT 39.0 ms"


@frozen
class LatencyChart:
    """The latency curves of a scenario's self-hosted options, and sentences for the ones left out."""

    title: str
    x_label: str
    y_label: str
    curves: list[LatencyCurve]
    notes: list[str]


def latency_chart(title: str, reports: Sequence[SizeReport]) -> LatencyChart:
    """Per-GPU output throughput against tokens/s per user for each sized option with a latency model
    (an option with its own throughput has none, and is named in a note); the target drawn as the
    speed per user its TPOT allows, the operating point marked."""
    curves: list[LatencyCurve] = []
    notes: list[str] = []
    for r in reports:
        name = r.option or f"{r.model} on {r.gpu}"
        if r.replica is None:
            why = ("it gives its own throughput, which is what it serves at" if r.source == "given" else
                   "the latency model needs the model's and the GPU's table entries")
            notes.append(f"{name} is not drawn: {why}.")
            continue
        point = r.operating_point
        xy = sorted((p.tokens_per_second_per_user, p.output_tokens_per_second_per_gpu) for p in r.chart_curve)
        target = r.target
        target_x = 1000.0 / target.tpot_ms if target is not None and target.tpot_ms else None
        marked: tuple[float, float] | None = None
        label = brief = ""
        if point is not None:
            brief = f"{point.concurrency:,} in flight: TTFT {point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms"
            marked = (point.tokens_per_second_per_user, point.output_tokens_per_second_per_gpu)
            where = (f"{point.concurrency:,} requests in flight a replica: {point.tokens_per_second_per_user:,.1f} "
                     f"tokens/s per user (TTFT {point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms), "
                     f"{point.output_tokens_per_second_per_gpu:,.0f} output tokens/s per GPU")
            label = (f"{name} meets {target.describe()} up to {where}" if target is not None
                     else f"{name} serves at the most requests the KV cache holds, {where}")
        elif target is not None:
            notes.append(f"{name} meets {target.describe()} at no concurrency: even one request in flight is "
                         "slower (tco size says by how much).")
        if target is not None and target_x is None:
            notes.append(f"{name}'s target {target.describe()} leaves TPOT free: no line for it on this axis.")
        curves.append(LatencyCurve(name, f"{r.engine}, {r.gpus_per_replica} x {r.gpu} ({r.parallelism}), "
                                         f"{r.precision}", xy, target.describe() if target is not None else None,
                                   target_x, marked, label, brief))
    if reports:
        r = reports[0]
        notes.append(f"Requests of {r.input_tokens_per_request:,.0f} input + {r.output_tokens_per_request:,.0f} "
                     "output tokens; each curve runs from all the KV cache holds (left) to one request in flight "
                     "(right); predicted means of the latency model.")
    return LatencyChart(f"{title}: throughput against speed per user", "Tokens/s per user (1000 / TPOT)",
                        "Output tokens/s per GPU", curves, notes)

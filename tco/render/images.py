"""Static chart images (SVG, PNG) with matplotlib, the optional `[report]` extra.

matplotlib is imported inside the functions, never at module level, so nothing that merely
imports tco pays for it; without it, `require_matplotlib` raises the one error that says how to
install it. Charts follow the usual advice for charts people decide from: axes labelled with
units and currency, each line named at its end instead of in a legend, the Okabe–Ito palette
(readable with the common colour-vision deficiencies) plus a distinct line style per option, and
each break-even point marked and annotated. SVG text is drawn as paths (`svg.fonttype = path`),
so an SVG needs no fonts, and the output is deterministic (fixed hash salt, no date).

Every text a figure shows goes through `tco.errors.inert` as the figure is made (the chart's through
`tco.render.series.inert_texts`, as the terminal charts do): a name's control characters would make
an SVG unparseable as XML and reach a page's markup raw, so they are drawn as their escapes (`\\x1b`).
"""

from __future__ import annotations

import io
import re
import textwrap
import warnings
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from tco.amounts import money_short, quantity_short
from tco.errors import TcoError, inert
from tco.render.series import LatencyChart, LineChart, StackedChart, inert_texts
from tco.version import DISTRIBUTION

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INSTALL_HINT = ("images and the HTML report need matplotlib, which is not installed: "
                f"pip install '{DISTRIBUTION}[report]'")
# Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green, orange, reddish purple,
# sky blue, black, yellow (last: weakest against white).
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
MARK_COLOUR = "#000000"
# One look per cost category, the same in every stacked chart, so a reader comparing two options'
# monthly charts (the report shows one per option) sees gpu_rent in the same colour in both. Eight
# Okabe-Ito colours plus their grey do not cover the eleven categories that can meet in one chart
# (capex and depreciation never do: one per basis), so three related ones reuse a colour, hatched
# white: fallback_api with api, maintenance with capital, fine_tuning with setup.
CATEGORY_LOOKS: dict[str, tuple[str, str | None]] = {
    "api": ("#0072B2", None),
    "gpu_rent": ("#D55E00", None),
    "capex": ("#CC79A7", None),
    "depreciation": ("#CC79A7", None),
    "power": ("#F0E442", None),
    "hosting": ("#56B4E9", None),
    "maintenance": ("#CC79A7", "//"),
    "staff": ("#009E73", None),
    "setup": ("#E69F00", None),
    "other": ("#999999", None),
    "fallback_api": ("#0072B2", "//"),
    "fine_tuning": ("#E69F00", "//"),
    "terminal_value": ("#CC79A7", "\\\\"),  # the capital's colour, hatched the other way: capital coming back
}
FIGURE_SIZE_INCHES = (8.0, 4.5)
# Break-even notes in the axes' upper left: at 8 pt about 70 characters fit between the axes' left edge
# and the names at the lines' ends (66% of 8 in); a line is ~4% of the axes' height, notes 5% apart.
NOTE_WIDTH_CHARS = 64
NOTE_LINE_AXES = 0.04
NOTE_GAP_AXES = 0.05
PNG_DPI = 150


def require_matplotlib() -> None:
    """Raise TcoError with the install command when matplotlib cannot be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise TcoError.single("tco", INSTALL_HINT) from None


def _pyplot() -> Any:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit
    matplotlib.rcParams.update({
        "svg.fonttype": "path",
        "svg.hashsalt": "tco",
        # Names and currencies are plain text: "$5K to $10K" is not math to typeset ("Plan $_$" raised).
        "text.parse_math": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
    })
    import matplotlib.pyplot as plt

    return plt


def _money_axis(ax: Axes, currency: str) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: money_short(v, currency) if v else
                                               money_short(0, currency)))


def _spread(positions: list[float], heights: list[float], ceiling: float) -> list[float]:
    """Centres for labels of the given heights that do not overlap, each as near its line's end as
    that allows: placed from the bottom up, then pushed back down below `ceiling` (the top of the
    axes) so none is cut off at the top of the image."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [0.0] * len(positions)
    top = -float("inf")
    for i in order:
        placed[i] = max(positions[i], top + heights[i] / 2)
        top = placed[i] + heights[i] / 2
    bottom = ceiling
    for i in reversed(order):
        placed[i] = min(placed[i], bottom - heights[i] / 2)
        bottom = placed[i] - heights[i] / 2
    return placed


def line_figure(chart: LineChart) -> Figure:
    """Lines per option, each named at its right end, break-even points marked and annotated."""
    chart = inert_texts(chart)
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig, ax = plt.subplots(figsize=FIGURE_SIZE_INCHES)
    # Fixed margins rather than a layout engine (which draws the figure twice): room on the right
    # for the names at the ends of the lines.
    fig.subplots_adjust(left=0.11, right=0.77, top=0.92, bottom=0.12)
    ends = []
    for index, series in enumerate(chart.series):
        xs = [p[0] for p in series.points]
        ys = [p[1] for p in series.points]
        ax.plot(xs, ys, color=OKABE_ITO[index % len(OKABE_ITO)], linestyle=LINE_STYLES[index % len(LINE_STYLES)],
                linewidth=2, gid=f"series-{index + 1}")
        ends.append(ys[-1])
    ax.set_xlim(min(p[0] for s in chart.series for p in s.points), max(p[0] for s in chart.series for p in s.points))
    low, high = ax.get_ylim()
    ax.set_ylim(min(0.0, low), high)
    low, high = ax.get_ylim()
    names = ["\n".join(textwrap.wrap(series.name, 24)) for series in chart.series]
    heights = [(name.count("\n") + 1) * (high - low) * 0.045 for name in names]
    for index, (name, y) in enumerate(zip(names, _spread(ends, heights, high), strict=True)):
        ax.annotate(name, xy=(1, y), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8,
                    color=OKABE_ITO[index % len(OKABE_ITO)], gid=f"label-{index + 1}")
    top = 0.96
    for index, mark in enumerate(chart.marks):
        ax.plot([mark.x], [mark.y], marker="o", markersize=8, markerfacecolor="white", markeredgewidth=2,
                color=MARK_COLOUR, linestyle="none", zorder=5, gid=f"break-even-{index + 1}")
        where = f"month {mark.x:.0f}" if not chart.x_is_volume else quantity_short(mark.x) + " tokens/month"
        # Wrapped to stay inside the axes: past their right edge a note would cover the names there.
        note = "\n".join(textwrap.wrap(f"{mark.option}: break-even vs {mark.versus}, {where}", NOTE_WIDTH_CHARS))
        # Stacked in the upper left, where cost curves that grow to the right leave room, with a leader line.
        ax.annotate(note, xy=(mark.x, mark.y),
                    xytext=(0.02, top), textcoords="axes fraction", ha="left", va="top",
                    fontsize=8, bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                                      "alpha": 0.9},
                    arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.7},
                    gid=f"break-even-label-{index + 1}")
        top -= NOTE_LINE_AXES * (note.count("\n") + 1) + NOTE_GAP_AXES
    if chart.x_is_volume:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: quantity_short(v)))
        if chart.reference_x is not None:
            ax.axvline(chart.reference_x, color="#777777", linewidth=0.8, linestyle=":", gid="reference")
            ax.annotate("month-1 volume", xy=(chart.reference_x, 0), xycoords=("data", "axes fraction"),
                        xytext=(3, 3), textcoords="offset points", va="bottom", fontsize=7, color="#555555")
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 3, 6, 10]))
    _money_axis(ax, chart.currency)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    ax.set_title(chart.title, loc="left", fontsize=10)
    figure: Figure = fig
    return figure


def stacked_figure(chart: StackedChart) -> Figure:
    """One option's monthly cost as stacked bars by category (a legend: the bars are too thin to name)."""
    chart = inert_texts(chart)
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=FIGURE_SIZE_INCHES)
    fig.subplots_adjust(left=0.11, right=0.8, top=0.92, bottom=0.12)
    # One filled step area per category (month m spans m-0.5..m+0.5): the look of stacked bars at a
    # fraction of the cost of one rectangle per month and category.
    edges = [m - 0.5 for m in chart.months] + [chart.months[-1] + 0.5]
    positive = [0.0] * len(chart.months)
    negative = [0.0] * len(chart.months)
    for index, cat in enumerate(chart.categories):
        values = chart.amounts[cat]
        bottoms = [negative[i] if v < 0 else positive[i] for i, v in enumerate(values)]
        tops = [b + v for b, v in zip(bottoms, values, strict=True)]
        colour, hatch = CATEGORY_LOOKS.get(cat, (OKABE_ITO[index % len(OKABE_ITO)], None))
        ax.stairs(tops, edges, baseline=bottoms, fill=True, facecolor=colour, edgecolor="white", hatch=hatch,
                  label=cat, gid=f"category-{cat}", linewidth=0)
        for i, v in enumerate(values):
            if v < 0:
                negative[i] += v
            else:
                positive[i] += v
    ax.set_xlim(edges[0], edges[-1])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 3, 6, 10]))
    _money_axis(ax, chart.currency)
    ax.set_xlabel("Month")
    ax.set_ylabel(f"Monthly cost ({chart.currency})")
    ax.set_title(chart.title, loc="left", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8, reverse=True)
    figure: Figure = fig
    return figure


def latency_figure(chart: LatencyChart) -> Figure:
    """Output tokens/s per GPU against tokens/s per user, one line per option named at its end (one request
    in flight), its target's speed per user a dotted vertical line, its operating point ringed and labelled."""
    chart = inert_texts(chart)
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=FIGURE_SIZE_INCHES)
    fig.subplots_adjust(left=0.11, right=0.77, top=0.92, bottom=0.12)
    for index, curve in enumerate(chart.curves):
        ax.plot([x for x, _ in curve.points], [y for _, y in curve.points], color=OKABE_ITO[index % len(OKABE_ITO)],
                linestyle=LINE_STYLES[index % len(LINE_STYLES)], linewidth=2, gid=f"series-{index + 1}")
    xs = [x for curve in chart.curves for x, _ in curve.points]
    guides = [curve.target_x for curve in chart.curves if curve.target_x is not None]
    ax.set_xlim(0, max(xs + guides) * 1.05)
    ax.set_ylim(0, ax.get_ylim()[1])
    low, high = ax.get_ylim()
    names = ["\n".join(textwrap.wrap(curve.option, 24)) for curve in chart.curves]
    heights = [(name.count("\n") + 1) * (high - low) * 0.045 for name in names]
    ends = [curve.points[-1][1] for curve in chart.curves]
    for index, (name, y) in enumerate(zip(names, _spread(ends, heights, high), strict=True)):
        ax.annotate(name, xy=(1, y), xycoords=("axes fraction", "data"), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8, color=OKABE_ITO[index % len(OKABE_ITO)], gid=f"label-{index + 1}")
    labelled: set[tuple[float, str]] = set()
    for index, curve in enumerate(chart.curves):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        if curve.target_x is not None:
            ax.axvline(curve.target_x, color=colour, linewidth=1, linestyle=":", gid=f"target-{index + 1}")
            name = (curve.target or "target").split(" (")[0]
            if (round(curve.target_x, 6), name) not in labelled:  # several options often share one target
                labelled.add((round(curve.target_x, 6), name))
                ax.annotate(f"{name}: TPOT target", xy=(curve.target_x, 1), xycoords=("data", "axes fraction"),
                            xytext=(3, -3), textcoords="offset points", va="top", fontsize=7, color=colour,
                            gid=f"target-label-{index + 1}")
        if curve.point is None:
            continue
        ax.plot([curve.point[0]], [curve.point[1]], marker="o", markersize=8, markerfacecolor="white",
                markeredgewidth=2, color=MARK_COLOUR, linestyle="none", zorder=5, gid=f"operating-point-{index + 1}")
        ax.annotate(curve.point_brief, xy=curve.point, xytext=(8, 4), textcoords="offset points", ha="left",
                    va="bottom", fontsize=7, bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                                   "edgecolor": "none", "alpha": 0.9},
                    gid=f"operating-point-label-{index + 1}")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    ax.set_title(chart.title, loc="left", fontsize=10)
    figure: Figure = fig
    return figure


def tornado_figure(title: str, metric: str, base: float, bars: Sequence[tuple[str, float, float]],
                   currency: str) -> Figure:
    """Horizontal bars from `base` to the low and high outcome of each input, largest swing on top."""
    title, metric, bars, currency = inert_texts((title, metric, list(bars), currency))
    plt = _pyplot()
    ordered = sorted(bars, key=lambda b: abs(b[2] - b[1]))
    fig, ax = plt.subplots(figsize=(FIGURE_SIZE_INCHES[0], 0.45 * len(ordered) + 1.4), layout="constrained")
    # (a layout engine here: the input names on the left vary in length)
    names = [b[0] for b in ordered]
    ax.barh(names, [b[1] - base for b in ordered], left=base, color=OKABE_ITO[0], label="low input", gid="low")
    ax.barh(names, [b[2] - base for b in ordered], left=base, color=OKABE_ITO[1], label="high input", gid="high")
    ax.axvline(base, color=MARK_COLOUR, linewidth=0.8)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money_short(v, currency)))
    ax.set_xlabel(f"{metric} ({currency})")
    ax.set_title(title, loc="left", fontsize=10)
    # Beside the axes, not in them: with one input the bars fill the axes and a key inside covers one.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    figure: Figure = fig
    return figure


def image_bytes(figure: Figure, fmt: str) -> bytes:
    """The figure as `svg` or `png` bytes; the figure is closed afterwards."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    with warnings.catch_warnings():
        # A printable name in a script the font lacks (CJK in DejaVu Sans) is drawn as boxes; matplotlib's
        # warning for each glyph, pointing into this file, is nothing a user can act on.
        warnings.filterwarnings("ignore", r"(?s)Glyph \d+ .*missing from", UserWarning)
        figure.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def inline_svg(figure: Figure, prefix: str, label: str) -> str:
    """The figure as an `<svg>` element to place inside HTML: no XML prolog, every id prefixed with
    `prefix` (several charts share one page), scaled to its container, with an accessible name."""
    svg = image_bytes(figure, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]
    # Inside HTML the parser gives <svg> its namespace: the xmlns declarations and the metadata
    # (which names matplotlib's web site) are dropped so the page holds no URL at all.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = re.sub(r'\bid="', f'id="{prefix}-', svg)
    svg = re.sub(r'href="#', f'href="#{prefix}-', svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}-", svg)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                 lambda m: f'<svg{m.group(1)} role="img" aria-label="{escape(inert(label))}"', svg, count=1)
    return svg.strip()

"""The shareable report: one self-contained HTML page.

Self-contained by construction: inline CSS, charts as inline SVG with their text drawn as paths,
no JavaScript, no fonts, no images by URL, and a Content-Security-Policy that forbids the browser
any fetch at all (`default-src 'none'`), so opening the file makes no network request even if a
scenario name smuggled markup in (every text is escaped anyway). Every text is made inert first
(`tco.errors.inert`), as tables and terminal charts make it: a name's control characters reach the
page, its charts and their accessible names as escapes (`\\x1b`), never raw.

Tables give full amounts (`$1,234,567`, from `tco.render.views`, the same cells `tco compare`
prints); abbreviations (`$1.2M`) appear only in the charts and the headline. The capacity sizing,
simulation and sensitivity analyses are optional sections given as plain data, shown only when
given.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import field

from tco.amounts import money, money_precise, month_count
from tco.analyses.report import Report
from tco.analyses.sensitivity import Sensitivity
from tco.analyses.simulate import PERCENTILES, Simulation
from tco.analyses.volume import CostByVolume
from tco.capacity.sizing import SizeReport
from tco.engine.results import Comparison
from tco.errors import inert
from tco.frozen import frozen
from tco.pricing.catalog import today
from tco.render import views
from tco.render.formats import Formats, Target
from tco.render.images import inline_svg, latency_figure, line_figure, stacked_figure, tornado_figure
from tco.render.series import LatencyChart, cumulative_chart, latency_chart, monthly_chart, volume_chart
from tco.render.size import note_text
from tco.render.text import headlines, title, warning_text
from tco.version import __version__


def escape(text: str) -> str:
    """`text` made inert (`tco.errors.inert`) and escaped for HTML, with the `:` of `scheme://` written
    `&#58;`: citations show their URLs as plain text (never links), and the file holds no literal URL
    for a scanner to flag."""
    return html.escape(inert(text)).replace("://", "&#58;//")


_WHITESPACE = re.compile(r"(\r\n|\n|\t)")


def verbatim(text: str) -> str:
    """A file as written, for `<pre>`: its line ends (`\\n`, `\\r\\n`) and tabs kept, the text between
    them through `escape`."""
    return "".join(part if index % 2 else escape(part) for index, part in enumerate(_WHITESPACE.split(text)))


CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@frozen
class SizingSection:
    """Capacity sizing of the self-hosted options, as a table of ready-made cells, and the latency
    curve of each option that has one."""

    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    latency: list[LatencyChart] = field(default_factory=list)


@frozen
class SimulationSection:
    """Monte Carlo percentiles: for each option, its total cost at each percentile."""

    runs: int
    percentiles: list[str]  # column names, e.g. ["P5", "P50", "P95"]
    totals: dict[str, list[float]]  # option -> total cost over the horizon at each percentile
    break_even_months: dict[str, list[float | None]] = field(default_factory=dict)  # option -> month at each
    seed: int | None = None
    notes: list[str] = field(default_factory=list)


@frozen
class TornadoBar:
    """One input of the tornado: its low and high value (as text) and the outcome at each."""

    input: str
    low_value: str
    high_value: str
    low: float
    high: float


@frozen
class SensitivitySection:
    """Which input moves the answer most: the outcome at the base case and per input."""

    metric: str  # e.g. "Savings of Llama on H100 vs GPT-4.1 over 36 months"
    base: float
    bars: list[TornadoBar]


def sizing_section(reports: Sequence[SizeReport], currency: str, title: str = "") -> SizingSection:
    """The capacity sizing of each self-hosted option (`tco size SCENARIO`) as report cells: memory,
    throughput, and where it serves (engine, target, requests in flight, predicted TTFT and TPOT), with
    the latency chart of each option that has a latency model."""
    header = ["Option", "Model on GPU", "Replica", "Weights", "KV cache", "Max concurrency",
              "Input tok/s per GPU", "Output tok/s per GPU", "Effective output tok/s per GPU", "Throughput",
              "Rent per 1M tokens, fully busy", "Engine", "Latency target", "Requests in flight a replica",
              "TTFT, predicted mean", "TPOT, predicted mean"]
    rows = []
    notes: list[str] = []
    charts: list[LatencyChart] = []
    for r in reports:
        sized = r.memory.total_available_gb > 0
        cost = r.cost_per_million_tokens
        point = r.operating_point
        target = "-" if r.replica is None else r.target.describe() if r.target is not None else "none (offline maximum)"
        rows.append([
            r.option or "", f"{r.model or '-'} on {r.gpu or '-'}, {r.precision}",
            f"{r.gpus_per_replica} GPU{'s' if r.gpus_per_replica != 1 else ''}, {r.parallelism}",
            f"{r.memory.weights_gb:,.1f} GB" if sized else "-",
            f"{r.memory.kv_cache_gb:,.1f} GB" if sized else "-",
            f"{r.max_concurrency:,}" if sized else "-",
            f"{r.input_tokens_per_second_per_gpu:,.0f}", f"{r.output_tokens_per_second_per_gpu:,.0f}",
            f"{r.effective_output_tokens_per_second_per_gpu:,.0f}", r.source,
            money_precise(cost, currency) if cost is not None else "-",
            r.engine or "-", target, f"{point.concurrency:,}" if point is not None else "-",
            f"{point.ttft_ms:,.0f} ms" if point is not None else "-",
            f"{point.tpot_ms:,.1f} ms" if point is not None else "-",
        ])
        notes.extend(f"{r.option}: {note_text(note)}" for note in r.notes)
        if r.replica is not None:
            charts.append(latency_chart(f"{title}: {r.option}" if title else r.option or r.model, [r]))
    if reports:
        r = reports[0]
        notes.insert(0, f"Per request: {r.input_tokens_per_request:,.0f} input + {r.output_tokens_per_request:,.0f} "
                        "output tokens. Memory is for the whole replica; effective output tok/s = "
                        "output / (input/X + output/Y) per request. Same figures as `tco size SCENARIO`.")
    return SizingSection(header, rows, notes, charts)


def simulation_section(result: Simulation) -> SimulationSection:
    """`tco simulate`'s percentiles as report cells: each option's total, each pair's break-even month."""
    totals = {o.name: [v for v in (o.spread.p10, o.spread.p50, o.spread.p90) if v is not None]
              for o in result.options}
    months = {r.option: [r.break_even_month.p10, r.break_even_month.p50, r.break_even_month.p90]
              for r in result.results if r.versus == result.baseline}
    notes = [f"{r.option} is cheaper than {r.versus} over {month_count(result.horizon_months)} in "
             f"{r.probability_cheaper:.1%} of runs; it never breaks even in {r.never_share:.1%}."
             for r in result.results if r.versus == result.baseline]
    notes.append("Inputs sampled: " + "; ".join(f"{i.label} {i.distribution.describe()}" for i in result.inputs)
                 + ". The same figures as `tco simulate` with the same runs and seed.")
    return SimulationSection(result.runs, [f"P{q}" for q in PERCENTILES], totals, months, result.seed, notes)


def sensitivity_section(result: Sensitivity) -> SensitivitySection | None:
    """The tornado of the self-hosted option that saves most against the baseline (`tco sensitivity`)."""
    tornados = [t for t in result.tornados if t.rows]
    if not tornados:
        return None
    best = max(tornados, key=lambda t: t.savings)
    bars = [TornadoBar(r.input, f"{r.low:,.6g}", f"{r.high:,.6g}", r.savings_at_low, r.savings_at_high)
            for r in best.rows]
    return SensitivitySection(f"Savings of {best.option} against {best.versus} over "
                              f"{month_count(result.horizon_months)}", best.savings, bars)


_STYLE = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --band: #f4f4f4; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; padding: 1rem; max-width: 62rem; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 0.4rem; }
p, li { overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0; }
.headline { font-size: 1.1rem; margin: 0.4rem 0; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: 0.4rem 0 1rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9rem; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); }  /* headers wrap on words, so a wide table (sizing) fits a desktop */
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }  /* a figure never breaks; its header may */
td.wrap { overflow-wrap: anywhere; min-width: 12rem; }  /* citations with long URLs wrap, not widen */
td:first-child { min-width: 8rem; }  /* option names: scroll sideways rather than one word a line */
/* A sheet: one block per row, its name first, then "Column: value" cells in as many columns as fit. */
table.sheet, table.sheet tbody { display: block; }
table.sheet thead { display: none; }
table.sheet tr { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); column-gap: 1rem;
                 border-bottom: 1px solid var(--rule); padding: 0.4rem 0; }
table.sheet td { border: 0; padding: 0.1rem 0.6rem; min-width: 0; text-align: left; white-space: normal;
                 overflow-wrap: anywhere; }
table.sheet td::before { content: attr(data-label) ": "; font-weight: 600; }
table.sheet td:first-child { grid-column: 1 / -1; font-weight: 600; }
table.sheet td:first-child::before { content: none; }
table.dense { font-size: 0.8rem; }
table.dense th, table.dense td { padding: 0.25rem 0.35rem; }
table.dense td:first-child { min-width: 0; }
figure { margin: 0.5rem 0 1.25rem; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
.chart-wrap { max-width: 100%; }
figcaption { color: var(--muted); font-size: 0.9rem; }
figcaption ul { margin: 0.3rem 0; padding-left: 1.2rem; }
pre { background: var(--band); padding: 0.75rem; overflow-x: auto; max-width: 100%; font-size: 0.8rem;
      white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin: 0.3rem 0; }
summary { cursor: pointer; }
footer { margin-top: 2rem; color: var(--muted); font-size: 0.8rem; }
/* A phone: scaled to 360 px a chart's labels shrink to 5 px, so a chart keeps a legible width and
   scrolls sideways in its own box (its caption stays put); a table of long texts (the assumptions)
   becomes one block per row, each cell named, instead of a scroller that hides all but one column. */
@media screen and (max-width: 40rem) {
  .chart-wrap { overflow-x: auto; }
  .chart-wrap svg { width: 36rem; max-width: none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; }
  table.stack thead { display: none; }
  table.stack tr { border-bottom: 1px solid var(--rule); padding: 0.3rem 0; }
  table.stack td { border: 0; padding: 0.1rem 0.6rem; min-width: 0; overflow-wrap: anywhere; }
  table.stack td::before { content: attr(data-label) ": "; font-weight: 600; }
}
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2, h3, h2 + .meta { break-after: avoid; }
  /* the scenario file may run over pages: kept whole, it would leave its heading alone at a page's foot */
  figure, .table-wrap, table { break-inside: avoid; }
  /* Paper cannot scroll: tables take the page's width, headers wrap, figures stay on one line. */
  .table-wrap { overflow: visible; }
  table { width: 100%; font-size: 7.5pt; }
  th { white-space: normal; }
  th, td { padding: 0.15rem 0.3rem; }
  td:first-child { min-width: 0; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  details > summary { list-style: none; }
}
"""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric_from: int = 1,
           caption: str | None = None, section: str = "", wrap: tuple[int, ...] = (), stack: bool = False,
           sheet: bool = False, dense: bool = False) -> str:
    """A table in a horizontal scroller; columns from `numeric_from` right-aligned, the columns in
    `wrap` allowed to break anywhere (long citations). A `stack` table turns into one block per row
    on a narrow screen, each cell labelled with its column's name; a `sheet` is such blocks on
    every screen, its labelled cells flowing in as many columns as fit (for a table with more
    columns than a page is wide). A `dense` table has a smaller font and tighter cells (a month by
    month table of a dozen columns)."""
    def cls(i: int) -> str:
        return ' class="num"' if i >= numeric_from else ' class="wrap"' if i in wrap else ""

    def label(i: int) -> str:
        return f' data-label="{escape(header[i])}"' if (stack or sheet) and i < len(header) else ""

    head = "".join(f"<th{cls(i)} scope=\"col\">{escape(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{label(i)}{cls(i)}>{escape(cell)}</td>" for i, cell in enumerate(row))
                   + "</tr>\n" for row in rows)
    cap = f"<caption class=\"meta\">{escape(caption)}</caption>" if caption else ""
    data = f' data-table="{escape(section)}"' if section else ""
    classes = [name for name, on in (("sheet", sheet), ("stack", stack and not sheet), ("dense", dense)) if on]
    data += f' class="{" ".join(classes)}"' if classes else ""
    return (f'<div class="table-wrap"><table{data}>{cap}<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}</tbody></table></div>\n")


def _figure(svg: str, caption_lines: Sequence[str], name: str) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in caption_lines)
    caption = f"<figcaption><ul>{items}</ul></figcaption>" if items else ""
    return f'<figure data-chart="{escape(name)}"><div class="chart-wrap">{svg}</div>{caption}</figure>\n'


def _section(section_id: str, heading: str, body: str) -> str:
    return f'<section id="{section_id}">\n<h2>{escape(heading)}</h2>\n{body}</section>\n'


def build_report(
    comparison: Comparison,
    scenario_text: str,
    volume: CostByVolume,
    *,
    overrides: Sequence[str] = (),
    sizing: SizingSection | None = None,
    simulation: SimulationSection | None = None,
    sensitivity: SensitivitySection | None = None,
    made_on: dt.date | None = None,
) -> str:
    """The report as one HTML document (str). `volume` is the cost-against-volume chart's data;
    `scenario_text` is shown verbatim (escaped), with the `--set` `overrides` applied to it listed.
    The page says it was made on `made_on` (default: today, or $TCO_TODAY) with this tco version.
    Needs matplotlib (the `[report]` extra)."""
    made_on = made_on or today()
    c = comparison
    cur = c.currency
    made_with = f"Made with tco {escape(__version__)} on {made_on.isoformat()}."
    parts: list[str] = []
    parts.append("<header>\n"
                 f"<h1>{escape(c.scenario)}</h1>\n"
                 f"<p class=\"meta\">{escape(title(c))}. Scenario file: {escape(c.source or '-')}. "
                 f"{made_with}</p>\n"
                 + "".join(f"<p class=\"meta\">Override: --set {escape(o)}</p>\n" for o in overrides)
                 + "</header>\n")

    sentences = "".join(f'<p class="headline">{escape(s)}</p>\n' for s in headlines(c))
    parts.append(_section("headline", "Answer", sentences or "<p>No options to compare.</p>\n"))

    summary = _table(views.SUMMARY_HEADER, views.summary_rows(c), numeric_from=2, section="summary")
    parts.append(_section("summary", "Summary", summary +
                          f'<p class="meta">Totals over {c.horizon_months} months in {escape(cur)}, '
                          f"{escape(c.basis)} basis; NPV at the scenario's discount rate.</p>\n"))

    if c.break_even:
        header, rows = views.matrix(c)
        body = ("<h3>Break-even month (fractional months)</h3>\n"
                + _table(header, rows, section="break-even-month")
                + f"<h3>Break-even volume against {escape(c.baseline or '')}</h3>\n"
                + _table(views.VOLUME_HEADER, views.volume_rows(c), section="break-even-volume"))
    else:
        body = "<p>No break-even to measure: the scenario needs a self-hosted option and an API option.</p>\n"
    parts.append(_section("break-even", "Break-even", body))

    cumulative = cumulative_chart(c)
    svg = inline_svg(line_figure(cumulative), "cumulative", cumulative.title)
    parts.append(_section("cumulative", "Cumulative cost",
                          _figure(svg, [m.label + "." for m in cumulative.marks] + cumulative.notes, "cumulative")))

    monthly = ""
    for index, option in enumerate(c.options):
        chart = monthly_chart(c, option)
        svg = inline_svg(stacked_figure(chart), f"monthly-{index + 1}", chart.title)
        totals = [f"{cat}: {money(sum(chart.amounts[cat]), cur)} over {month_count(c.horizon_months)}"
                  for cat in chart.categories]
        monthly += f"<h3>{escape(option.name)}</h3>\n" + _figure(svg, totals, f"monthly-{index + 1}")
        monthly += (f"<details><summary>{escape(option.name)}, month by month</summary>\n"
                    + _table(views.monthly_header(option), views.monthly_rows(option, cur), numeric_from=2,
                             dense=True)
                    + "</details>\n")
    parts.append(_section("monthly", "Monthly cost by category", monthly))

    by_volume = volume_chart(c, volume)
    svg = inline_svg(line_figure(by_volume), "volume", by_volume.title)
    parts.append(_section("volume", "Cost against monthly volume",
                          _figure(svg, [m.label + "." for m in by_volume.marks] + by_volume.notes
                                  + ["Steady monthly cost at month-1 prices and input/output mix, capital "
                                     "amortized, one-time costs left out (the basis of the break-even volume)."],
                                  "volume")))

    if sizing is not None:
        body = _table(sizing.header, sizing.rows, section="sizing", sheet=True)
        body += "".join(f"<p class=\"meta\">{escape(n)}</p>\n" for n in sizing.notes)
        for index, curves in enumerate(sizing.latency):
            svg = inline_svg(latency_figure(curves), f"latency-{index + 1}", curves.title)
            names = " and ".join(curve.option for curve in curves.curves)
            caption = [c.point_label + "." for c in curves.curves if c.point is not None]
            caption += [f"Dotted line: {c.target}, the TPOT of which allows {c.target_x:,.1f} tokens/s per user."
                        for c in curves.curves if c.target_x is not None]
            body += f"<h3>Latency: {escape(names)}</h3>\n" + _figure(svg, caption + curves.notes,
                                                                      f"latency-{index + 1}")
        parts.append(_section("sizing", "Capacity sizing", body))
    if simulation is not None:
        parts.append(_section("simulation", "Simulation", _simulation(simulation, cur)))
    if sensitivity is not None:
        bars = [(b.input, b.low, b.high) for b in sensitivity.bars]
        svg = inline_svg(tornado_figure(sensitivity.metric, sensitivity.metric, sensitivity.base, bars, cur),
                         "tornado", sensitivity.metric)
        rows = [[b.input, b.low_value, b.high_value, money(b.low, cur), money(b.high, cur),
                 money(abs(b.high - b.low), cur)]
                for b in sorted(sensitivity.bars, key=lambda b: -abs(b.high - b.low))]
        body = (_figure(svg, [f"Base case: {money(sensitivity.base, cur)}."], "tornado")
                + _table(["Input", "Low", "High", "Outcome at low", "Outcome at high", "Swing"], rows,
                         numeric_from=3, section="sensitivity"))
        parts.append(_section("sensitivity", "Sensitivity", body))

    warnings = ("<ul>\n" + "".join(f"<li>{escape(warning_text(w))}</li>\n" for w in c.warnings) + "</ul>\n"
                if c.warnings else "<p>None.</p>\n")
    parts.append(_section("warnings", "Warnings", warnings))

    assumptions = [[a.field, views.value_text(a.value), a.source] for a in c.assumptions]
    parts.append(_section("assumptions", "Assumptions",
                          "<p class=\"meta\">Every value that did not come from the scenario file, with its "
                          "source and date.</p>\n"
                          + (_table(["Field", "Value", "Source"], assumptions, numeric_from=3, section="assumptions",
                                    wrap=(2,), stack=True) if assumptions else "<p>None.</p>\n")))

    parts.append(_section("scenario", "Scenario file",
                          f"<p class=\"meta\">{escape(c.source or '-')}</p>\n<pre>{verbatim(scenario_text)}</pre>\n"))

    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"tco {escape(__version__)}\">\n"
            f"<meta name=\"date\" content=\"{made_on.isoformat()}\">\n"
            f"<title>{escape(c.scenario)}: tco report</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
            + "".join(parts)
            + f"</main>\n<footer>{made_with} Self-contained: this page loads nothing "
              "from the network.</footer>\n</body>\n</html>\n")


def _simulation(simulation: SimulationSection, currency: str) -> str:
    header = ["Option", *(f"Total {p}" for p in simulation.percentiles)]
    rows = [[name, *(money(v, currency) for v in values)] for name, values in simulation.totals.items()]
    seed = f", seed {simulation.seed}" if simulation.seed is not None else ""
    body = (f"<p class=\"meta\">{simulation.runs:,} runs{seed}.</p>\n"
            + _table(header, rows, section="simulation-totals"))
    if simulation.break_even_months:
        header = ["Self-hosted", *(f"Break-even {p}" for p in simulation.percentiles)]
        rows = [[name, *("never" if v is None else f"{v:g}" for v in values)]
                for name, values in simulation.break_even_months.items()]
        body += _table(header, rows, section="simulation-break-even")
    body += "".join(f"<p class=\"meta\">{escape(n)}</p>\n" for n in simulation.notes)
    return body


def render_report(report: Report, target: Target) -> str:
    """The report's page: its figures laid out in the sections `build_report` writes."""
    c = report.comparison
    sizing = sizing_section(report.sizing, c.currency, c.scenario) if report.sizing else None
    return build_report(c, report.scenario_text, report.volume, overrides=report.overrides, sizing=sizing,
                        simulation=simulation_section(report.simulation) if report.simulation else None,
                        sensitivity=sensitivity_section(report.sensitivity) if report.sensitivity else None,
                        made_on=report.made_on)


REPORT_FORMATS: Formats[Report, str] = Formats("a report", {"html": render_report})

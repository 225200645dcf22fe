"""Rendering `tco size` reports: an aligned plain-text sheet per option with its latency curve, or JSON."""

from __future__ import annotations

import json
from typing import Any

from tco.capacity.latency import LatencyPoint, Slo
from tco.capacity.sizing import (
    CarriedFrom,
    GivenThroughput,
    LatencyModelMaximum,
    MeasuredBy,
    NoKvRoom,
    NoTableEntries,
    OutOfReach,
    Queued,
    SizeNote,
    SizeReport,
)
from tco.errors import inert
from tco.frozen import frozen
from tco.render.formats import Formats
from tco.render.layout import Screen, paragraph, stacked, table_text
from tco.render.numbers import figure_number, money_number, tidy

LATENCY_KEYS = ("concurrency", "ttft_ms", "tpot_ms", "output_tokens_per_second_per_gpu",
                "tokens_per_second_per_user", "cost_per_million_tokens")


def note_text(note: SizeNote) -> str:
    """A size report's note as it is printed: a sentence as given, a fact worded."""
    match note:
        case str():
            return note
        case MeasuredBy(benchmark):
            return f"measured: {benchmark}"
        case CarriedFrom(measured_in, measured_out, input_tokens, output_tokens):
            return (f"measured at {measured_in:,.0f} in / {measured_out:,.0f} out tokens per request; carried to "
                    f"{input_tokens:,.0f} in / {output_tokens:,.0f} out by the capacity model")
        case LatencyModelMaximum(engine, kv_limit):
            return (f"input and output tokens/s per GPU: {engine}'s offline maximum, by the latency model at the "
                    f"most requests the KV cache holds ({kv_limit:,} a replica)")
        case OutOfReach(target, best_ttft_ms, best_tpot_ms, n, asked):
            best = (f"TTFT {best_ttft_ms:,.0f} ms and TPOT {best_tpot_ms:,.1f} ms (one request in flight); loosen the "
                    "target, or choose a faster GPU or a lower precision")
            if asked:
                return f"a replica of {n} GPU(s) does not meet {target.describe()}: the best it reaches is {best}"
            return (f"no replica of 1, 2, 4 or 8 GPUs meets {target.describe()}: the best reached is {best}; shown: "
                    f"{n} GPU(s), the smallest that holds a request")
        case Queued(concurrencies, kv_limit, by_kv_cache):
            held = "the KV cache holds" if by_kv_cache else "the scheduler runs"
            shown = ", ".join(f"{c:,}" for c in concurrencies)
            return (f"at {shown} requests in flight a replica, more than the {kv_limit:,} {held} at once, "
                    "the others queue for a place: their wait adds to TTFT, not to throughput")
        case NoKvRoom(gpus_per_replica):
            return (f"the weights do not leave room for one request's KV cache on {gpus_per_replica} GPU(s): the "
                    "throughput given cannot be reached")
        case GivenThroughput():
            return "no latency curve: the option gives its own throughput, which is what it serves at"
        case NoTableEntries():
            return "no model and gpu table entries: memory not sized"


def notes_of(report: SizeReport) -> list[str]:
    """Every note of `report` as printed: its own, then its latency rows'."""
    return [note_text(note) for note in (*report.notes, *report.latency_notes)]


def _target_ms(value: float | None) -> float | int | None:
    """A target as written: 800, not 800.0; 12.5 stays 12.5."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else figure_number(float(value))


def latency_row(report: SizeReport, point: LatencyPoint) -> dict[str, Any]:
    """One point of the latency curve: exactly LATENCY_KEYS. Money to 1e-6, other figures to 12 digits
    (`tco.render.numbers`, as every JSON and CSV number)."""
    cost = report.cost_per_million_tokens_at(point)
    return {
        "concurrency": point.concurrency,
        "ttft_ms": figure_number(float(point.ttft_ms)),
        "tpot_ms": figure_number(float(point.tpot_ms)),
        "output_tokens_per_second_per_gpu": figure_number(float(point.output_tokens_per_second_per_gpu)),
        "tokens_per_second_per_user": figure_number(float(point.tokens_per_second_per_user)),
        "cost_per_million_tokens": None if cost is None else money_number(cost),
    }


def target_object(target: Slo) -> dict[str, Any]:
    return {"name": target.name, "ttft_ms": _target_ms(target.ttft_ms), "tpot_ms": _target_ms(target.tpot_ms)}


def size_json_object(report: SizeReport) -> dict[str, Any]:
    """The sizing keys, the engine, the request shape, the rent and the cost they imply, then the
    latency curve and the target's point (null at `slo: none` and when no replica meets the target)."""
    data: dict[str, Any] = {}
    if report.option is not None:
        data["option"] = report.option
    data.update({
        "model": report.model,
        "gpu": report.gpu,
        "precision": report.precision,
        "parallelism": report.parallelism,
        "engine": report.engine,
        "gpus_per_replica": report.gpus_per_replica,
        "memory_gb": {
            "weights": round(report.memory.weights_gb, 2),
            "kv_cache": round(report.memory.kv_cache_gb, 2),
            "reserve": round(report.memory.reserve_gb, 2),
            "total_available": round(report.memory.total_available_gb, 2),
        },
        "max_concurrency": report.max_concurrency,
        "input_tokens_per_second_per_gpu": round(report.input_tokens_per_second_per_gpu, 1),
        "output_tokens_per_second_per_gpu": round(report.output_tokens_per_second_per_gpu, 1),
        "effective_output_tokens_per_second_per_gpu": round(report.effective_output_tokens_per_second_per_gpu, 1),
        "source": report.source,
        "input_tokens_per_request": report.input_tokens_per_request,
        "output_tokens_per_request": report.output_tokens_per_request,
        "hourly_rate_per_gpu": report.hourly_rate_per_gpu,
        "cloud": report.cloud,
        "cost_per_million_tokens": None if report.cost_per_million_tokens is None
        else round(report.cost_per_million_tokens, 4),
        "latency": [latency_row(report, point) for point in report.latency],
        "slo": None if report.slo_point is None or report.target is None
        else {"target": target_object(report.target), **latency_row(report, report.slo_point)},
        "notes": notes_of(report),
    })
    return data


def render_size_json(reports: list[SizeReport], single: bool) -> str:
    """One object for `--model/--gpu`, a list for a scenario's options."""
    data: Any = size_json_object(reports[0]) if single else [size_json_object(r) for r in reports]
    return json.dumps(tidy(data), indent=2) + "\n"


def _tokens(value: float) -> str:
    return f"{value:,.0f}"


def _dollars(cost: float | None) -> str:
    return "-" if cost is None else f"${cost:,.4f}"


def _target_rows(r: SizeReport) -> list[tuple[str, str]]:
    """The sheet's lines about serving: engine, target and where the replica runs."""
    if r.replica is None:
        return []
    rows = [("Engine", r.engine or "-")]
    if r.target is None:
        rows.append(("Latency target", "none: the offline maximum, at the most requests the KV cache holds"))
    else:
        rows.append(("Latency target", r.target.describe()))
    point = r.slo_point
    if point is not None:
        rows.append(("Operating point", f"{point.concurrency:,} requests in flight a replica: TTFT "
                                        f"{point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms"))
    elif r.target is not None:
        rows.append(("Operating point", "none: the target is out of reach (see the note)"))
    return rows


def _mark(r: SizeReport) -> str:
    target = r.target
    return f"<- {target.name if target is not None and target.name != 'custom' else 'target'}"


def render_latency_table(r: SizeReport, indent: str = "  ", screen: Screen | None = None) -> list[str]:
    """The latency curve, one row per concurrency (the target's point marked, inserted when not asked for):
    TTFT, TPOT, tokens/s one user sees, output tokens/s per GPU and rent per 1M tokens at that point."""
    if r.replica is None or not r.latency:
        return []
    points = list(r.latency)
    slo = r.slo_point
    if slo is not None and all(p.concurrency != slo.concurrency for p in points):
        points = sorted([*points, slo], key=lambda p: p.concurrency)
    header = ["In flight", "TTFT ms", "TPOT ms", "Tokens/s per user", "Output tokens/s per GPU",
              "Cost per 1M tokens", ""]
    rows = []
    marked = False
    for p in points:
        mark = ""
        if slo is not None and p.concurrency == slo.concurrency and not marked:
            mark, marked = _mark(r), True
        elif p.queued:
            mark = "queued"
        rows.append([f"{p.concurrency:,}", f"{p.ttft_ms:,.0f}", f"{p.tpot_ms:,.1f}",
                     f"{p.tokens_per_second_per_user:,.1f}", _tokens(p.output_tokens_per_second_per_gpu),
                     _dollars(r.cost_per_million_tokens_at(p)), mark])
    title = (f"Latency of one replica ({r.gpus_per_replica} GPU(s), {r.parallelism}, {r.engine}), mean per request, "
             "by requests in flight")
    if screen is not None:  # on a terminal: the shared layout fits the columns to its width
        text = table_text([*header[:-1], "Point"], rows, screen, title_text=title, keep=(0,), drop=("Point",))
        lines = text.rstrip("\n").splitlines()
        if slo is not None and r.target is not None:
            lines.append(f"{_mark(r)}: the most requests in flight that meet the target")
        return ["", *lines]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [f"{indent}Latency of one replica ({r.gpus_per_replica} GPU(s), {r.parallelism}, {r.engine}), "
             "mean per request, by requests in flight"]
    for row in [header, *rows]:
        cells = [row[0].rjust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:-1], widths[1:-1], strict=True))]
        lines.append(f"{indent}  {'  '.join(cells)}  {row[-1]}".rstrip())
    if slo is not None and r.target is not None:
        lines.append(f"{indent}  {_mark(r)}: the most requests in flight that meet the target")
    return lines


def render_size_table(reports: list[SizeReport], screen: Screen | None = None) -> str:
    """One block per report: plain aligned text when `screen` is None (pastes cleanly anywhere),
    else the same labels and values wrapped to the terminal's width."""
    blocks = []
    for r in reports:
        title = f"{r.option}: " if r.option else ""
        cost = r.cost_per_million_tokens
        rent = (f"${cost:,.4f} per 1M tokens (input + output) at ${r.hourly_rate_per_gpu:,.2f}/GPU-hour"
                + (f" ({r.cloud})" if r.cloud else "") + ", every GPU fully busy") if cost is not None \
            else "no rent price for this GPU"
        rows = [
            ("Request", f"{_tokens(r.input_tokens_per_request)} input + {_tokens(r.output_tokens_per_request)} "
                        "output tokens"),
            *_target_rows(r),
            ("Replica", f"{r.gpus_per_replica} GPU(s), {r.parallelism}"),
            ("Memory, whole replica", ""),
            ("  weights", f"{r.memory.weights_gb:,.1f} GB"),
            ("  KV cache", f"{r.memory.kv_cache_gb:,.1f} GB"),
            ("  runtime reserve", f"{r.memory.reserve_gb:,.1f} GB"),
            ("  usable in total", f"{r.memory.total_available_gb:,.1f} GB"),
            ("Max concurrency", f"{r.max_concurrency:,} requests"),
            ("Input tokens/s per GPU", _tokens(r.input_tokens_per_second_per_gpu)),
            ("Output tokens/s per GPU", _tokens(r.output_tokens_per_second_per_gpu)),
            ("Effective output tokens/s per GPU", f"{_tokens(r.effective_output_tokens_per_second_per_gpu)} "
                                                  "(output / (input/X + output/Y) per request)"),
            ("Throughput source", r.source),
            ("Cost", rent),
        ]
        heading = f"{title}{r.model} on {r.gpu}, {r.precision}"
        if screen is not None:
            lines = stacked(["", *(label for label, _ in rows)], [[heading, *(value for _, value in rows)]], screen,
                            wrap=range(1, len(rows) + 1))
            latency = render_latency_table(r, screen=screen)
            notes = "".join(paragraph(f"note: {note}", screen, indent="  ", hang="        ")
                            for note in notes_of(r))
            blocks.append("\n".join([*lines, *latency]) + ("\n" + notes.rstrip("\n") if notes else ""))
            continue
        width = max(len(label) for label, _ in rows)
        lines = [heading]
        lines += [f"  {label.ljust(width)}  {value}".rstrip() for label, value in rows]
        lines += render_latency_table(r)
        lines += [f"  note: {note}" for note in notes_of(r)]
        blocks.append("\n".join(inert(line) for line in lines))
    return "\n\n".join(blocks) + "\n"


@frozen
class Sized:
    """What `tco size` prints: one report per option of a scenario, or the one report of `--model/--gpu`
    (`single`: its JSON is that report's object rather than a list)."""

    reports: list[SizeReport]
    single: bool = False


SIZE_FORMATS: Formats[Sized, str] = Formats("a sizing", {
    "table": lambda sized, target: render_size_table(sized.reports, target.screen),
    "json": lambda sized, target: render_size_json(sized.reports, sized.single),
})

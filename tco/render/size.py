"""Rendering `tco size` reports: an aligned plain-text sheet per option, or JSON (issue 4 keys)."""

from __future__ import annotations

import json
from typing import Any

from tco.render.numbers import tidy
from tco.sizing import SizeReport


def size_json_object(report: SizeReport) -> dict[str, Any]:
    """The issue-4 keys, then the request shape, the rent and the cost they imply."""
    data: dict[str, Any] = {}
    if report.option is not None:
        data["option"] = report.option
    data.update({
        "model": report.model,
        "gpu": report.gpu,
        "precision": report.precision,
        "parallelism": report.parallelism,
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
        "notes": list(report.notes),
    })
    return data


def render_size_json(reports: list[SizeReport], single: bool) -> str:
    """One object for `--model/--gpu`, a list for a scenario's options."""
    data: Any = size_json_object(reports[0]) if single else [size_json_object(r) for r in reports]
    return json.dumps(tidy(data), indent=2) + "\n"


def _tokens(value: float) -> str:
    return f"{value:,.0f}"


def render_size_table(reports: list[SizeReport]) -> str:
    """Plain aligned text, one block per report; pastes cleanly anywhere."""
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
        width = max(len(label) for label, _ in rows)
        lines = [f"{title}{r.model} on {r.gpu}, {r.precision}"]
        lines += [f"  {label.ljust(width)}  {value}".rstrip() for label, value in rows]
        lines += [f"  note: {note}" for note in r.notes]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"

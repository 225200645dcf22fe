#!/usr/bin/env python3
"""Regenerate the bundled pricing tables from the sourced data files.

Run by hand (never by the tests), from the repository root, e.g.:

    python tools/build_tables.py \
        --litellm    ../shared/data/litellm_model_prices_2026-11-20.json \
        --rent       ../shared/data/gpu_rent_prices_skypilot_2026-11.csv \
        --specs      ../shared/data/gpu_specs.csv \
        --throughput ../shared/data/throughput_refs_trtllm_v0.17.csv \
        --throughput ../shared/data/throughput_refs_trtllm_extra.csv

It writes pricing/api.yaml, pricing/gpus.yaml and pricing/throughput.yaml (use --out DIR to
write elsewhere, --dry-run to only print the throughput fits). pricing/models.yaml is
maintained by hand (architecture facts, one citation per row) and is not touched here;
tools/model_params.py derives its parameter counts and KV bytes from config.json copies.

It runs in the project's virtualenv as is (the standard library and tco itself: the throughput
entries use the capacity model, tco.capacity.model, with the repository's pricing/models.yaml and gpus.yaml).

What is curated here rather than read from the data files, and why:
- API_MODELS: which LiteLLM keys become table entries (current models of the main providers
  and of hosts of open-weights models), under which table key, and the provider's pricing page.
- GPU_STATIC: GPU display names, dense TFLOPs, whole-server power per GPU and their citations
  (vendor datasheets and secondary sources; the data folder's gpu_specs.csv supplies memory,
  bandwidth, TDP and the purchase price range whose midpoint we use). MI300X is not in the
  data folder at all: its figures and citations are given here.
- Throughput: the model and GPU name mappings and the choice of tensor-parallel size
  (see choose_tp below).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, tco not installed
from tco.pricing.importers.litellm import API_MODELS, api_fields, provider_page  # one mapping, shared

LITELLM_VERSION = "1.110.2"
LITELLM_AS_OF = "2026-11-20"
RENT_AS_OF = "2026-11-20"

# --------------------------------------------------------------------------------------------
# API models
# --------------------------------------------------------------------------------------------

# Supervised fine-tuning prices per 1M training tokens (tokens in the training file x epochs).
# LiteLLM has the fine-tuned models' inference prices but not their training prices; these
# are OpenAI's published list prices (fine-tuning section of the pricing page).
TRAINING_PRICES: dict[str, float] = {
    "openai/ft:gpt-4.1": 25.0,
    "openai/ft:gpt-4.1-mini": 5.0,
    "openai/ft:gpt-4o": 25.0,
    "openai/ft:gpt-4o-mini": 3.0,
}
TRAINING_SOURCE = "training price: OpenAI pricing page, fine-tuning section"


def with_training(row: dict[str, Any], price: float) -> dict[str, Any]:
    """`row` with `training` right after the token prices."""
    fields = list(row.items())
    at = next((i + 1 for i, (k, _) in enumerate(fields) if k == "cached_input"), 2)
    fields.insert(at, ("training", price))
    return dict(fields)


def build_api(litellm: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    table: dict[str, dict[str, Any]] = {}
    log: list[str] = []
    for key, lkey, extra in API_MODELS:
        if lkey not in litellm:
            raise SystemExit(f"LiteLLM key {lkey!r} (for {key}) not in the price file")
        e = litellm[lkey]
        provider = key.split("/", 1)[0]
        row, notes_log = api_fields(e, extra)
        if key in TRAINING_PRICES:
            row = with_training(row, TRAINING_PRICES[key])
        log.extend(f"{key}: {line}" for line in notes_log)
        page = provider_page(e, provider)
        row["source"] = (
            f"LiteLLM model_prices_and_context_window.json (litellm {LITELLM_VERSION}, MIT), "
            f"key {lkey}; provider page {page}"
        )
        if key in TRAINING_PRICES:
            row["source"] += f"; {TRAINING_SOURCE}"
        row["as_of"] = LITELLM_AS_OF
        table[key] = row
    return table, log


# --------------------------------------------------------------------------------------------
# GPUs
# --------------------------------------------------------------------------------------------

SKYPILOT = "SkyPilot catalog v8 (skypilot-org/skypilot-catalog)"

# Static GPU facts. `specs_row` names the gpu_specs.csv row giving memory, bandwidth, TDP,
# BF16/FP8 TFLOPs and the purchase price range (midpoint used). `rent_gpu` names the CSV
# GPU type in the SkyPilot extract; `rent_filter` keeps the right variant.
GPU_STATIC: dict[str, dict[str, Any]] = {
    "h100-sxm": {
        "name": "NVIDIA H100 SXM",
        "specs_row": "H100 SXM",
        "interconnect_gb_s": 450,
        "interconnect_src": "NVIDIA H100 datasheet: NVLink 900 GB/s per GPU (both directions) -> 450 GB/s "
        "each way (https://www.nvidia.com/en-us/data-center/h100/)",
        "watts": 1275,
        "watts_src": "NVIDIA DGX H100 datasheet / user guide: 8x H100 SXM system, 10.2 kW max "
        "-> 10200/8 = 1275 W per GPU",
        "rent_gpu": "H100",
        "rent_filter": lambda inst: "pcie" not in inst.lower(),
    },
    "h200": {
        "name": "NVIDIA H200 SXM",
        "specs_row": "H200 SXM",
        "interconnect_gb_s": 450,
        "interconnect_src": "NVIDIA H200 datasheet: NVLink 900 GB/s per GPU (both directions) -> 450 GB/s "
        "each way (https://www.nvidia.com/en-us/data-center/h200/)",
        "watts": 1275,
        "watts_src": "NVIDIA DGX H200 datasheet / DGX H100/H200 user guide: 8x H200, "
        "10.2 kW max (six 3.3 kW PSUs, 4+2 redundant) -> 1275 W per GPU",
        "rent_gpu": "H200",
    },
    "b200": {
        "name": "NVIDIA B200 (HGX)",
        "specs_row": "B200 (HGX)",
        "fp4_tflops": 9000,
        "fp4_src": "https://glennklockwood.com/garden/processors/B200 (HGX B200 @1000 W: "
        "dense FP4 = 2x dense FP8 4500; NVIDIA's 18 PFLOPS FP4 is with sparsity)",
        "interconnect_gb_s": 900,
        "interconnect_src": "NVIDIA HGX B200: fifth-generation NVLink 1.8 TB/s per GPU (both directions) -> "
        "900 GB/s each way (https://www.nvidia.com/en-us/data-center/hgx/)",
        "watts": 1787.5,
        "watts_src": "NVIDIA DGX B200 user guide, power specifications: 14.3 kW max for 8x "
        "B200 -> 14300/8 = 1787.5 W per GPU "
        "(https://docs.nvidia.com/dgx/dgxb200-user-guide/introduction-to-dgxb200.html)",
        "rent_gpu": "B200",
    },
    "a100-80gb": {
        "name": "NVIDIA A100 80GB SXM",
        "specs_row": "A100 80GB SXM",
        "interconnect_gb_s": 300,
        "interconnect_src": "NVIDIA A100 datasheet: NVLink 600 GB/s per GPU (both directions) -> 300 GB/s "
        "each way (https://www.nvidia.com/en-us/data-center/a100/)",
        "watts": 812.5,
        "watts_src": "NVIDIA DGX A100 datasheet: system power 6.5 kW max for 8x A100 -> "
        "812.5 W per GPU",
        "rent_gpu": "A100-80GB",
    },
    "l40s": {
        "name": "NVIDIA L40S",
        "specs_row": "L40S",
        "memory_unit": "GB",
        "memory_unit_src": "nvidia-smi on an L40S reports 46,068 MiB total (= 48.3e9 bytes, 45.0 GiB): the 48 GB are "
        "decimal (GDDR6) (NVIDIA L40S datasheet 48 GB GDDR6 with ECC, https://www.nvidia.com/en-us/data-center/l40s/)",
        "interconnect_gb_s": 32,
        "interconnect_src": "NVIDIA L40S datasheet: PCIe Gen4 x16, 64 GB/s both directions, no NVLink -> 32 "
        "GB/s each way (https://www.nvidia.com/en-us/data-center/l40s/)",
        "watts": 625,
        "watts_src": "ServeTheHome, Supermicro SYS-521GE-TNRT with 8x L40S: systems typically "
        "draw 4.3-5 kW -> 5000/8 = 625 W per GPU "
        "(https://servethehome.com/nvidia-l40s-is-the-nvidia-h100-ai-alternative-with-a-big-"
        "benefit-supermicro/2)",
        "rent_gpu": "L40S",
    },
    "l4": {
        "name": "NVIDIA L4",
        "specs_row": "L4",
        "memory_unit": "GB",
        "memory_unit_src": "nvidia-smi on an L4 reports 23,034 MiB total (= 24.2e9 bytes, 22.5 GiB): the 24 GB are "
        "decimal (GDDR6) (NVIDIA L4 datasheet 24 GB GDDR6, https://www.nvidia.com/en-us/data-center/l4/)",
        "interconnect_gb_s": 32,
        "interconnect_src": "NVIDIA L4 datasheet: PCIe Gen4 x16, 64 GB/s both directions, no NVLink -> 32 "
        "GB/s each way (https://www.nvidia.com/en-us/data-center/l4/)",
        "watts": 350,
        "watts_src": "ESTIMATE, no server datasheet found: 72 W TDP + host share of an 8-GPU "
        "PCIe server taken from the L40S server above ((5000 - 8x350)/8 = 275 W) -> ~350 W",
        "purchase_price": 2500,
        "purchase_src": "not in gpu_specs.csv (NOT FOUND there); ~$2,500 retail per "
        "https://www.runlocalai.co/hardware/nvidia-l4 (secondary source)",
        "rent_gpu": "L4",
    },
    "mi300x": {
        "name": "AMD Instinct MI300X",
        "achieved_compute_share": 0.48,
        "achieved_compute_src": "capacity-model adjustment: MI300X sustains ~45% of peak FLOPs on real AI "
        "workloads vs up to 93% on H100/B200 (AI Weekly summary of a Yahoo Finance analysis of "
        "peer-reviewed data, https://aiweekly.co/alerts/amd-mi300x-hits-only-45-of-peak-flops-in-practice) "
        "-> 45/93 = 0.48 of the NVIDIA-calibrated efficiency",
        "achieved_bandwidth_share": 0.9,
        "achieved_bandwidth_src": "capacity-model adjustment, ESTIMATE: ~81% of the 5.3 TB/s peak sustained "
        "(same source) vs roughly 90% on NVIDIA HBM parts (assumed, not sourced) -> 0.9",
        "specs_row": None,  # the gpu_specs.csv row is rounded; AMD's datasheet figures below
        "memory_gb": 192,
        "bandwidth_tb_s": 5.3,
        "bf16_tflops": 1307.4,
        "fp8_tflops": 2614.9,
        "tdp_watts": 750,
        "spec_src": "AMD Instinct MI300X data sheet figures (192 GB HBM3, 5.3 TB/s, dense "
        "FP16/BF16 1307.4 TFLOPs, dense FP8 2614.9 TFLOPs, 750 W) as reproduced at "
        "https://cloudflare-workers-autoconfig-2-gpumarketsdev.jjventures2000.workers.dev/"
        "series/mi300x-spot and https://awesomeagents.ai/hardware/amd-mi300x; 750 W OAM also "
        "in MLCommons inference v4.1 system description AMD/systems/8xMI300X_2xEPYC-9374F.json",
        "interconnect_gb_s": 448,
        "interconnect_src": "AMD Instinct MI300X data sheet: 896 GB/s peak aggregate Infinity Fabric "
        "bandwidth per GPU (7 links, both directions) -> 448 GB/s each way "
        "(https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html)",
        "watts": 950,
        "watts_src": "Metrum AI, 'The TCO Titan: MI355X vs. MI300X on Dell PowerEdge XE9785' "
        "(March 2026): 8x MI300X node measured at 6,500-7,600 W system power under LLM "
        "serving -> 7600/8 = 950 W per GPU (measured peak, not a rated maximum) "
        "(https://www.metrum.ai/blog/tco-titan-mi355x-vs-mi300x)",
        "purchase_price": 12500,
        "purchase_src": "midpoint of $10,000-15,000 street price "
        "(https://awesomeagents.ai/hardware/amd-mi300x); Hugging Face lists MSRP $15k for "
        "'MI300' (https://huggingface.co/hardware/mi300)",
        "rent": {"tensorwave": 1.50, "vultr": 1.85},
        "rent_src": "SECONDARY SOURCE (not in the SkyPilot catalog): Cliff Center research "
        "note 2026-05-18 'AMD inference economics' - TensorWave $1.50, Vultr $1.85 per "
        "GPU-hour on demand; Azure and Oracle list MI300X near $6/GPU-hour "
        "(https://www.cliffcenter.com/research/amd-inference-economics)",
        "as_of": "2026-05-18",
    },
}


def midpoint(price_range: str) -> float | None:
    price_range = price_range.strip()
    if not price_range:
        return None
    parts = [float(p) for p in price_range.split("-")]
    return sum(parts) / len(parts)


def build_gpus(specs_csv: Path, rent_csv: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    specs = {r["gpu"]: r for r in csv.DictReader(specs_csv.open())}
    rent_rows = list(csv.DictReader(rent_csv.open()))
    log: list[str] = []
    table: dict[str, dict[str, Any]] = {}
    for key, g in GPU_STATIC.items():
        row: dict[str, Any] = {"name": g["name"]}
        sources: dict[str, str] = {}
        if g["specs_row"]:
            s = specs[g["specs_row"]]
            row["memory_gb"] = (
                float(s["memory_gb"]) if "." in s["memory_gb"] else int(s["memory_gb"])
            )
            row["bandwidth_tb_s"] = float(s["mem_bandwidth_tbs"])
            row["bf16_tflops"] = float(s["bf16_dense_tflops"])
            row["fp8_tflops"] = float(s["fp8_dense_tflops"]) if s["fp8_dense_tflops"] else None
            spec_src = s["spec_source"]
            tdp = int(s["tdp_w"]) if s["tdp_w"] else None
        else:
            row["memory_gb"] = g["memory_gb"]
            row["bandwidth_tb_s"] = g["bandwidth_tb_s"]
            row["bf16_tflops"] = g["bf16_tflops"]
            row["fp8_tflops"] = g["fp8_tflops"]
            spec_src = g["spec_src"]
            tdp = g["tdp_watts"]
        if "fp4_tflops" in g:
            row["fp4_tflops"] = g["fp4_tflops"]
            sources["fp4_tflops"] = g["fp4_src"]
        # What the capacity model needs beyond the datasheet, where a GPU's software stack
        # sustains less of its peak than the NVIDIA GPUs it is calibrated on.
        for share in ("achieved_compute_share", "achieved_bandwidth_share"):
            if share in g:
                row[share] = g[share]
                sources[share] = g[share.replace("_share", "_src")]
        # GDDR cards quote decimal GB (HBM parts binary): the capacity model's usable memory.
        if "memory_unit" in g:
            row["memory_unit"] = g["memory_unit"]
            sources["memory_unit"] = g["memory_unit_src"]
        # GPU-to-GPU bandwidth, one direction: the capacity model's tensor-parallel exchange.
        row["interconnect_gb_s"] = g["interconnect_gb_s"]
        sources["interconnect_gb_s"] = g["interconnect_src"]
        row["watts"] = g["watts"]
        sources["watts"] = g["watts_src"]
        row["tdp_watts"] = tdp
        if "purchase_price" in g:
            row["purchase_price"] = g["purchase_price"]
            sources["purchase_price"] = g["purchase_src"]
        else:
            s = specs[g["specs_row"]]
            mid = midpoint(s["purchase_price_usd"])
            if mid is None:
                raise SystemExit(f"{key}: no purchase price in gpu_specs.csv and none curated")
            row["purchase_price"] = int(mid) if mid.is_integer() else mid
            sources["purchase_price"] = (
                f"midpoint of ${s['purchase_price_usd']} ({s['price_basis']}): {s['price_source']}"
            )
        # Rent: cheapest on-demand per-GPU price of this GPU type for each cloud.
        if "rent" in g:
            rent = dict(g["rent"])
            sources["rent_per_hour"] = g["rent_src"]
        else:
            best: dict[str, tuple[float, str, str]] = {}
            commits: set[str] = set()
            flt = g.get("rent_filter", lambda inst: True)
            for r in rent_rows:
                if r["gpu"] != g["rent_gpu"] or not flt(r["instance_type"]):
                    continue
                if r["cloud"] == "gcp":
                    log.append(f"{key}: skipped GCP row {r['instance_type']} ({r['price_hour']})")
                    continue
                if not r["price_hour"].strip():
                    log.append(f"{key}: no on-demand price for {r['cloud']} {r['instance_type']}")
                    continue
                price = float(r["price_hour"])
                if r["cloud"] not in best or price < best[r["cloud"]][0]:
                    best[r["cloud"]] = (price, r["instance_type"], r["region"].split(" ")[0])
                commits.add(r["source_file"].split(" ")[0].split(":", 1)[1])
            rent = {c: round(v[0], 4) for c, v in sorted(best.items(), key=lambda kv: kv[1][0])}
            picked = ", ".join(f"{c} {v[1]} ({v[2]})" for c, v in sorted(best.items()))
            sources["rent_per_hour"] = (
                f"{SKYPILOT}: cheapest on-demand instance price / GPU count per cloud, from "
                f"{picked}; files {'; '.join(sorted(commits))}; GCP omitted (VM + accelerator "
                "rows look inconsistent across regions)"
            )
        row["rent_per_hour"] = rent
        row["source"] = spec_src
        row["sources"] = sources
        row["as_of"] = g.get("as_of", RENT_AS_OF)
        table[key] = row
    return table, log


# --------------------------------------------------------------------------------------------
# Throughput
# --------------------------------------------------------------------------------------------

MODEL_MAP = {
    "Llama-3.1 8B": "llama-3.1-8b",
    "Llama-3.1 70B": "llama-3.1-70b",
    "Llama-3.1 405B": "llama-3.1-405b",
    "Llama 3.1 405B": "llama-3.1-405b",
    "Mixtral 8x7B": "mixtral-8x7b",
    "Qwen3-235B-A22B": "qwen3-235b-a22b",
    "DeepSeek-R1-0528": "deepseek-r1",
}
# Same architecture, so the same measured throughput applies (stated in each entry).
MODEL_ALIASES = {
    "llama-3.1-70b": [("llama-3.3-70b", "Llama 3.3 70B has the Llama 3.1 70B architecture")],
    "deepseek-r1": [("deepseek-v3", "DeepSeek-V3 has the DeepSeek-R1 architecture")],
}
GPU_MAP = {
    "H100-SXM-80GB": "h100-sxm",
    "H200-SXM-141GB": "h200",
    "B200-SXM-180GB": "b200",
    "A100-SXM4-80GB": "a100-80gb",
    "A100-SXM-80GB": "a100-80gb",
    "L40S-48GB": "l40s",
}
PRECISION_MAP = {
    "FP8 (weights+KV FP8)": "fp8",
    "FP8": "fp8",
    "FP16": "bf16",
    "BF16": "bf16",
    "FP4": "fp4",
}
# Release dates of the TensorRT-LLM versions whose performance overview the rows copy.
RELEASE_DATES = {
    "trtllm-perf-v0.17": (
        "2025-01-30",
        "TensorRT-LLM 0.17.0 release, "
        "https://github.com/NVIDIA/TensorRT-LLM/pull/2725 (2025-01-30)",
    ),
}
DATA_DATE = "2026-11-20"


REFERENCE_SHAPE = (1000, 1000)  # the request shape (input, output tokens) the entries' X and Y hold for


def fit_to_capacity_model(model: str, gpu: str, precision: str, n: int, layout: str,
                          rows: list[tuple[int, int, float]]) -> tuple[float, float, float, float]:
    """X and Y at REFERENCE_SHAPE for one measured configuration, from the capacity model scaled to
    its measurements.

    An X, Y pair fitted straight to I/X + O/Y misses the measurements by up to 5x at the extremes
    (a 20,000-token prompt costs more attention per token; long contexts shrink the batch), so the
    capacity model carries the shape and the measurements set the level: the factor is the geometric
    mean of measured / estimated effective output tokens/s over the rows (the least-squares fit in
    log space). Returns (X, Y, factor, worst factor between the scaled model and a measurement).
    """
    from tco.capacity.model import gpu_spec, model_spec, size_replica
    from tco.pricing.catalog import Catalog

    catalog = Catalog()
    model_entry, gpu_entry = catalog.get("models", model), catalog.get("gpus", gpu)
    assert model_entry is not None and gpu_entry is not None, (model, gpu)
    spec, card = model_spec(model_entry), gpu_spec(gpu_entry)
    logs = [math.log(t / size_replica(spec, card, precision, i, o, n, layout)
                     .effective_output_tokens_per_second_per_gpu) for i, o, t in rows]
    shift = sum(logs) / len(logs)
    worst = math.exp(max(abs(v - shift) for v in logs))
    at = size_replica(spec, card, precision, *REFERENCE_SHAPE, n, layout)
    factor = math.exp(shift)
    return (at.input_tokens_per_second_per_gpu * factor, at.output_tokens_per_second_per_gpu * factor,
            factor, worst)


def choose_tp(by_tp: dict[int, list[tuple[int, int, float]]], rule: str) -> int:
    """Pick the tensor-parallel size whose measurements the table uses.

    'smallest': the smallest TP with measurements.
    'efficient' (default): the smallest TP whose measured per-GPU throughput is within 10 % of
    the best TP's, comparing the geometric mean of per-GPU output tokens/s over the
    input/output lengths measured at every TP. This skips configurations that hold the weights
    but leave almost no memory for the KV cache (Llama 3.1 70B FP8 on one 80 GB H100 measures
    0.45x the per-GPU throughput of TP2; 70B FP16 on two A100s, 0.55x of TP4), which no team
    would deploy, and otherwise keeps the smallest size, the one a team would deploy.
    """
    tps = sorted(by_tp)
    if rule == "smallest" or len(tps) == 1:
        return tps[0]
    common = set.intersection(*({(i, o) for i, o, _ in by_tp[tp]} for tp in tps))
    score = {}
    for tp in tps:
        vals = [t for i, o, t in by_tp[tp] if (i, o) in common]
        score[tp] = math.exp(sum(math.log(v) for v in vals) / len(vals))
    best = max(score.values())
    return next(tp for tp in tps if score[tp] >= 0.9 * best)


def tp_scores(by_tp: dict[int, list[tuple[int, int, float]]]) -> str:
    tps = sorted(by_tp)
    common = set.intersection(*({(i, o) for i, o, _ in by_tp[tp]} for tp in tps))
    out = []
    for tp in tps:
        vals = [t for i, o, t in by_tp[tp] if (i, o) in common]
        out.append(f"TP{tp} {math.exp(sum(math.log(v) for v in vals) / len(vals)):,.0f}")
    return "geomean per-GPU tok/s over common lengths: " + ", ".join(out)


def fmt_tok(x: float) -> float | int:
    """A throughput to 3 significant figures (the fit is not more precise than that), as tco rounds
    the figures it carries; a whole number is written without a decimal point."""
    from tco.capacity.model import significant

    r = significant(x)
    return int(r) if float(r).is_integer() else float(r)


def build_throughput(
    files: list[Path], tp_rule: str
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    groups: dict[tuple[str, str, str], dict[int, list[tuple[int, int, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    meta: dict[tuple[str, str, str, int], dict[str, str]] = {}
    log: list[str] = []
    skipped: set[str] = set()
    for f in files:
        for r in csv.DictReader(f.open()):
            model, gpu = MODEL_MAP.get(r["model"]), GPU_MAP.get(r["gpu"])
            prec = PRECISION_MAP.get(r["precision"])
            if not (model and gpu and prec):
                skipped.add(f"{r['model']} / {r['gpu']} / {r['precision']}")
                continue
            if r["token_type"] != "output tokens":
                raise SystemExit(f"unexpected token_type {r['token_type']!r}")
            tp = int(r["n_gpus"])
            per_gpu = float(r["tokens_per_s_per_gpu"] or float(r["tokens_per_s_total"]) / tp)
            groups[(model, gpu, prec)][tp].append(
                (int(r["input_len"]), int(r["output_len"]), per_gpu)
            )
            meta[(model, gpu, prec, tp)] = {
                "source": r["source"],
                "source_id": r["source_id"],
                "framework": r["framework"],
                "parallelism": r["parallelism"],
                "precision_raw": r["precision"],
                "scenario": r["scenario"],
            }
    for s in sorted(skipped):
        log.append(f"skipped (model or GPU not in the tables): {s}")

    table: dict[str, dict[str, Any]] = {}
    for (model, gpu, prec), by_tp in sorted(groups.items()):
        tp = choose_tp(by_tp, tp_rule)
        rows = by_tp[tp]
        m = meta[(model, gpu, prec, tp)]
        layout = "dep" if m["parallelism"].upper().startswith("DEP") else "tp"
        x, y, factor, worst = fit_to_capacity_model(model, gpu, prec, tp, layout, rows)
        others = ", ".join(f"TP{t}" for t in sorted(by_tp) if t != tp)
        log.append(
            f"{model}/{gpu}/{prec}: {m['parallelism']} n={len(rows)} "
            f"X={x:,.0f} Y={y:,.0f} at {REFERENCE_SHAPE[0]}/{REFERENCE_SHAPE[1]}: capacity model x {factor:.3f}, "
            f"worst factor {worst:.2f}"
            + (f" (also measured: {others}; {tp_scores(by_tp)})" if others else "")
        )
        date, date_note = RELEASE_DATES.get(m["source_id"], (DATA_DATE, None))
        prec_note = (
            " (measured in FP16; BF16 has the same tensor throughput)"
            if m["precision_raw"] == "FP16"
            else ""
        )
        bench = (
            f"{m['framework']} trtllm-bench offline max throughput, {m['parallelism']} on "
            f"{tp} GPU(s), {m['precision_raw']}{prec_note}: {len(rows)} fixed input/output "
            f"lengths ({min(r[0] for r in rows)}-{max(r[0] for r in rows)} in, "
            f"{min(r[1] for r in rows)}-{max(r[1] for r in rows)} out); X, Y at "
            f"{REFERENCE_SHAPE[0]:,} in / {REFERENCE_SHAPE[1]:,} out: the capacity model's figures for this "
            f"replica x {factor:.3f}, the geometric mean of measured / estimated over the {len(rows)} "
            f"measurements, which the scaled model meets within a factor of {worst:.2f}; other request "
            f"shapes are carried from there by the capacity model"
        )
        if others:
            bench += f"; other sizes measured: {others}"
        if date_note is None:
            bench += f"; as_of is the data file date (release date of {m['framework']} not found)"
        entry = {
            "model": model,
            "gpu": gpu,
            "precision": prec,
            "gpus_per_replica": tp,
            "parallelism": layout,
            "engine": "trtllm",
            "input_tokens": REFERENCE_SHAPE[0],
            "output_tokens": REFERENCE_SHAPE[1],
            "input_tokens_per_second": fmt_tok(x),
            "output_tokens_per_second": fmt_tok(y),
            "benchmark": bench,
            "source": f"NVIDIA TensorRT-LLM performance overview, {m['source']}",
            "as_of": date,
        }
        table[f"{model}/{gpu}/{prec}"] = entry
        for alias, why in MODEL_ALIASES.get(model, []):
            e2 = dict(entry)
            e2["model"] = alias
            e2["benchmark"] = f"{why}; figures measured on {model}: " + bench
            table[f"{alias}/{gpu}/{prec}"] = e2
    return dict(sorted(table.items())), log


# --------------------------------------------------------------------------------------------
# YAML writing (by hand, to keep comments, key order and plain numbers)
# --------------------------------------------------------------------------------------------


def scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return f"{v:.1f}"
        s = repr(v)
        if "e" in s or "E" in s:  # YAML 1.1 (PyYAML) reads 1e-05 as text: write it out
            s = f"{v:.12f}".rstrip("0")
        return s
    if isinstance(v, str):
        if len(v) == 10 and v[4] == "-" and v[7] == "-" and v.replace("-", "").isdigit():
            return v  # a YAML date
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(type(v))


def flow_mapping(d: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in d.items()) + "}"


def emit(path: Path, header: str, table: dict[str, dict[str, Any]]) -> None:
    lines = [line.rstrip() for line in header.strip("\n").splitlines()]
    lines.append("")
    for key, row in table.items():
        lines.append(f'"{key}":' if ":" in key else f"{key}:")  # `openai/ft:gpt-4.1` needs quotes
        for k, v in row.items():
            if isinstance(v, dict):
                if k == "sources":
                    lines.append(f"  {k}:")
                    for sk, sv in v.items():
                        lines.append(f"    {sk}: {scalar(sv)}")
                else:
                    lines.append(f"  {k}: {flow_mapping(v)}")
            else:
                lines.append(f"  {k}: {scalar(v)}")
        lines.append("")
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


USER_FOLDER = (
    "# Overrides: do not edit this bundled file. Put your own entries or fields in the user\n"
    "# pricing folder (--pricing DIR, else $TCO_PRICING, else ~/.config/tco/pricing), e.g. with\n"
    "# `tco pricing set`; they win over this file field by field, and a scenario's inline\n"
    "# values win over both.\n"
)
GENERATED = (
    "# Generated by tools/build_tables.py from the sourced data files; regenerate rather than\n"
    "# edit by hand. Attribution and licences: pricing/SOURCES.md.\n"
)

API_HEADER = f"""
# api.yaml - token prices of proprietary and hosted LLM APIs.
#
# Key: provider/model (lower case, LiteLLM-style). Units: USD per 1 million tokens.
#   input, output     list price per 1M input / output tokens
#   cached_input      per 1M input tokens read from the provider's prompt cache (omitted when
#                     the provider publishes none; the engine then bills cached tokens at input)
#   batch_discount    share taken off token prices through the provider's batch API
#                     (1 - batch price / normal price; omitted when there is none)
#   training          fine-tuned models only (keys provider/ft:base-model): price per 1M
#                     training tokens, the default of fine_tuning.price_per_million_training_tokens
#   notes             what the engine does not model: context-tier prices, cache writes,
#                     deprecation dates
#   source, as_of     where the row comes from and the date of that data
# Source: LiteLLM's model price map (model_prices_and_context_window.json shipped in the
# litellm {LITELLM_VERSION} wheel, uploaded {LITELLM_AS_OF}; MIT licence, Copyright (c) 2023
# Berri AI), per-token prices x 1e6. Check the provider page before relying on a price.
#
{USER_FOLDER}{GENERATED}"""

GPUS_HEADER = f"""
# gpus.yaml - GPUs for self-hosting: specs, power, purchase and rental prices.
#
# Key: GPU name used by scenarios (gpu: h100-sxm). Units:
#   memory_gb         GPU memory, GB
#   bandwidth_tb_s    memory bandwidth, TB/s
#   bf16_tflops, fp8_tflops, fp4_tflops   dense (no sparsity) tensor TFLOPs; fp8 null where the
#                     GPU has no FP8 (A100); fp4 only on Blackwell
#   interconnect_gb_s GPU-to-GPU bandwidth per GPU, one direction, GB/s (NVLink / Infinity
#                     Fabric; PCIe where the GPU has neither): the capacity model's TP exchange
#   achieved_compute_share, achieved_bandwidth_share   optional: share of the capacity model's
#                     NVIDIA-calibrated efficiency this GPU sustains (default 1; MI300X below 1)
#   watts             WHOLE-SERVER power per GPU, W (server maximum / GPUs per server): what
#                     the power cost uses, well above the GPU's own TDP
#   tdp_watts         the GPU's own TDP, W
#   purchase_price    USD per GPU (the GPU alone; servers, network and storage come on top via
#                     a scenario's server_cost_share)
#   rent_per_hour     cloud -> on-demand USD per GPU-hour
#   source            main citation (specs); sources: citation per field where it differs
# Rent prices: SkyPilot catalog v8 (skypilot-org/skypilot-catalog, commit per cloud in each
# entry), on-demand, cheapest instance of that GPU type per cloud, {RENT_AS_OF}; MI300X from a
# secondary source (see its entry). Purchase prices are rough street estimates: NVIDIA
# publishes no list prices.
#
{USER_FOLDER}{GENERATED}"""

THROUGHPUT_HEADER = f"""
# throughput.yaml - measured serving throughput per GPU, by model, GPU and precision.
#
# Key: model/gpu/precision (model from models.yaml, gpu from gpus.yaml, precision one of
# bf16 | fp8 | fp4 | int4). Units: tokens per second PER GPU.
#   gpus_per_replica          GPUs one model copy used in the measurement (TP size; DEP for
#                             DeepSeek = attention data parallel + expert parallel)
#   parallelism               tp | tep | dep: the measured replica's layout
#   engine                    vllm | sglang | trtllm: the serving engine measured (an entry
#                             without one holds for any engine)
#   input_tokens_per_second   X: prefill rate, input tokens/s per GPU
#   output_tokens_per_second  Y: decode rate, output tokens/s per GPU
#   input_tokens, output_tokens   the request shape X and Y hold for (tokens per request)
# A request of I input and O output tokens costs I/X + O/Y GPU-seconds. The published
# measurements are NVIDIA's TensorRT-LLM offline max-throughput runs at several fixed
# input/output lengths per configuration; no single X, Y pair fits them all (a long prompt or
# a long context costs more per token), so each entry gives X and Y at one request shape: the
# capacity model's figures for that replica, scaled to the measurements (the benchmark line
# gives the factor and the worst miss). For another request shape, tco carries X and Y from
# the stated shape with the capacity model, on the same replica; an entry without
# input_tokens/output_tokens is used as is for every shape. They are best-case batch
# throughput on NVIDIA's stack, an offline maximum: tco uses an entry only for its engine at
# `slo: none`; serving at a latency target is the latency model's (tco/capacity/latency.py), which
# keeps fewer requests in flight. Where several TP sizes were measured, the
# table uses the smallest unless a larger one serves clearly more tokens per GPU (see
# tools/build_tables.py).
#
{USER_FOLDER}{GENERATED}"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--litellm", type=Path, required=True)
    p.add_argument("--rent", type=Path, required=True)
    p.add_argument("--specs", type=Path, required=True)
    p.add_argument("--throughput", type=Path, action="append", required=True)
    p.add_argument("--tp-rule", choices=["efficient", "smallest"], default="efficient")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "pricing")
    p.add_argument("--dry-run", action="store_true", help="print the fits, write nothing")
    args = p.parse_args(argv)

    litellm = json.loads(args.litellm.read_text())
    api, api_log = build_api(litellm)
    gpus, gpu_log = build_gpus(args.specs, args.rent)
    thr, thr_log = build_throughput(args.throughput, args.tp_rule)

    for line in api_log + gpu_log:
        print(line, file=sys.stderr)
    print("throughput fits (per GPU; max / RMS relative error over the rows):", file=sys.stderr)
    for line in thr_log:
        print("  " + line, file=sys.stderr)
    print(f"{len(api)} api, {len(gpus)} gpus, {len(thr)} throughput entries", file=sys.stderr)
    if args.dry_run:
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    emit(args.out / "api.yaml", API_HEADER, api)
    emit(args.out / "gpus.yaml", GPUS_HEADER, gpus)
    emit(args.out / "throughput.yaml", THROUGHPUT_HEADER, thr)
    print(f"wrote api.yaml, gpus.yaml, throughput.yaml in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Calibrate the capacity model (tco/capacity/model.py) and print its residuals.

    python benchmarks/calibrate_capacity.py           # residuals of the factors in tco.capacity.model.CALIBRATION
    python benchmarks/calibrate_capacity.py --fit     # re-fit the factors, then print the residuals
    python benchmarks/calibrate_capacity.py --latency # TTFT, TPOT, tokens/s residuals of the latency model
    python benchmarks/calibrate_capacity.py --latency --fit   # re-fit each engine's efficiencies first

Data (benchmarks/data/, each file with its attribution):
- throughput_refs_trtllm.csv: the tco data set's NVIDIA TensorRT-LLM offline max-throughput tables
  (v0.17, v1.0 and current: dense Llama, Mixtral, Qwen3 TP8 FP4, DeepSeek-R1 DEP4 FP4);
- throughput_refs_trtllm_current.csv: the other rows of the current TensorRT-LLM table (gpt-oss,
  Llama 3.3 70B, Qwen3 and DeepSeek-R1 in DEP on Hopper and Blackwell);
- throughput_refs_trtllm_versions.csv: the same performance overview in 15 other versions
  (v0.6.1 to 1.2: Llama 8B/70B/405B, Mixtral on H100, H200, B200, A100, L40S, FP16/FP8/FP4);
- throughput_holdout.csv and throughput_holdout_more.csv: other software (vLLM, SGLang, AMD's
  MI300X results, dstack's DeepSeek runs, gpustack's bursts of requests), never fitted.
Each measurement is output tokens per second per GPU for fixed input/output lengths on a stated
replica (TP N or DEP N); the model predicts O / (I/X + O/Y) for the same replica.

Method: the factors (prefill and decode compute efficiency, bandwidth efficiency, interconnect
efficiency, the small-expert penalty, the attention-DP share, the per-token passes over the hidden
state) minimise the mean squared log ratio predicted/measured over the calibration rows, every
measured configuration (model, GPU, precision, layout) weighing the same however many lengths and
versions measured it (Nelder-Mead, restarted, from the current factors, each factor kept in a
plausible range), so over- and under-estimates weigh alike. The scheduler's batch cap and the
tensor-parallel falloff are set, not fitted: the fit is flat in them. Rows on GPUs not in
pricing/gpus.yaml (GH200, GB200, RTX 6000) are not in the files.

Latency (`--latency`; tco/capacity/latency.py): serving_latency_aiconfigurator.csv holds 2,131 measured
serving runs (mean TTFT and TPOT at a fixed number of requests in flight, closed loop) of vLLM,
SGLang and TensorRT-LLM. Rows of models and GPUs the tables do not carry (GLM-5, Qwen3.5, B300,
GB200) are left out. One configuration in five (engine x model x GPU x precision x layout, chosen
by a hash of its name) is held out of the fit and reported apart, as a check on configurations the
fit never saw. Each engine's seven efficiencies (bandwidth, prefill and decode compute shares,
fixed step time, collective latency, fixed TTFT, the share of other prompts a request waits behind)
minimise the mean absolute log error of TTFT (half weight), TPOT and tokens/s per GPU over its
fitted rows, every configuration weighing the same (Nelder-Mead, restarted). The absolute error
keeps a few runs that queued for seconds from bending the fit.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import math
import statistics
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tco.capacity.latency import ENGINE_EFFICIENCY, ENGINES, EngineEfficiency, Replica, latency_point  # noqa: E402
from tco.capacity.model import CALIBRATION, Calibration, gpu_spec, model_spec, size_replica  # noqa: E402
from tco.errors import TcoError  # noqa: E402
from tco.pricing.catalog import Catalog  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
MODELS = {
    "llama-3.1 8b": "llama-3.1-8b", "llama 3.1 8b": "llama-3.1-8b",
    "llama-3.1 70b": "llama-3.1-70b", "llama 3.1 70b": "llama-3.1-70b", "llama 3.3 70b": "llama-3.3-70b",
    "llama-3.1 405b": "llama-3.1-405b", "llama 3.1 405b": "llama-3.1-405b",
    "mixtral 8x7b": "mixtral-8x7b", "qwen3-235b-a22b": "qwen3-235b-a22b", "deepseek-r1-0528": "deepseek-r1",
    "deepseek-r1": "deepseek-r1", "deepseek-v3": "deepseek-v3", "qwen2.5-72b": "qwen2.5-72b",
    "gpt-oss-120b": "gpt-oss-120b", "gpt-oss-20b": "gpt-oss-20b", "llama-2 70b": "llama-3.1-70b",
}
GPUS = {"h100-sxm-80gb": "h100-sxm", "h200-sxm-141gb": "h200", "b200-sxm-180gb": "b200", "a100-sxm4-80gb": "a100-80gb",
        "l40s-48gb": "l40s", "l4-24gb": "l4", "mi300x-192gb": "mi300x", "h100-sxm": "h100-sxm", "h200": "h200",
        "b200": "b200", "a100-80gb": "a100-80gb", "l40s": "l40s", "l4": "l4", "mi300x": "mi300x"}


def precision_of(text: str) -> str:
    t = text.lower()
    for p in ("fp4", "int4", "fp8"):
        if p in t:
            return p
    return "bf16"


@dataclasses.dataclass(frozen=True)
class Measurement:
    model: str
    gpu: str
    precision: str
    gpus: int
    parallelism: str
    input_tokens: int
    output_tokens: int
    measured: float
    label: str


def read(path: Path) -> Iterator[Measurement]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    for row in csv.DictReader(lines):
        model = MODELS.get(row["model"].lower())
        gpu = GPUS.get(row["gpu"].lower())
        if model is None or gpu is None:
            continue
        par = "dep" if row["parallelism"].upper().startswith("DEP") else "tp"
        yield Measurement(model, gpu, precision_of(row["precision"]), int(row["n_gpus"]), par,
                          int(row["input_len"]), int(row["output_len"]), float(row["output_tokens_per_s_per_gpu"]),
                          f"{row['model']} {row['gpu']} {row['precision'].split(' ')[0]} {row['parallelism']} "
                          f"{row['input_len']}/{row['output_len']} ({row.get('framework', '')})")


def predictor(catalog: Catalog) -> Callable[[Measurement, Calibration], float]:
    models: dict[str, object] = {}
    gpus: dict[str, object] = {}

    def predict(m: Measurement, calibration: Calibration) -> float:
        if m.model not in models:
            entry = catalog.get("models", m.model)
            assert entry is not None, m.model
            models[m.model] = model_spec(entry)
        if m.gpu not in gpus:
            entry = catalog.get("gpus", m.gpu)
            assert entry is not None, m.gpu
            gpus[m.gpu] = gpu_spec(entry)
        size = size_replica(models[m.model], gpus[m.gpu], m.precision, m.input_tokens,  # type: ignore[arg-type]
                            m.output_tokens, m.gpus, m.parallelism, calibration)
        return size.effective_output_tokens_per_second_per_gpu

    return predict


FACTORS = ("prefill_compute_efficiency", "decode_compute_efficiency", "bandwidth_efficiency",
           "interconnect_efficiency", "moe_half_efficiency_expert_params_m", "dep_efficiency",
           "decode_activation_passes")
BOUNDS = {"prefill_compute_efficiency": (0.2, 1.0), "decode_compute_efficiency": (0.1, 0.85),
          "bandwidth_efficiency": (0.3, 0.95), "interconnect_efficiency": (0.1, 0.95),
          "moe_half_efficiency_expert_params_m": (0.0, 200.0), "dep_efficiency": (0.2, 1.0),
          "decode_activation_passes": (0.0, 500.0)}
STEPS = {"prefill_compute_efficiency": 0.05, "decode_compute_efficiency": 0.05, "bandwidth_efficiency": 0.05,
         "interconnect_efficiency": 0.05, "moe_half_efficiency_expert_params_m": 10.0, "dep_efficiency": 0.05,
         "decode_activation_passes": 20.0}


def with_factors(vector: list[float]) -> Calibration:
    values = {}
    for name, v in zip(FACTORS, vector, strict=True):
        lo, hi = BOUNDS[name]
        v = min(hi, max(lo, v))
        values[name] = v
    return dataclasses.replace(CALIBRATION, **values)


def log_errors(rows: list[Measurement], calibration: Calibration,
               predict: Callable[[Measurement, Calibration], float]) -> list[float]:
    out = []
    for m in rows:
        try:
            out.append(math.log(predict(m, calibration) / m.measured))
        except TcoError:
            out.append(math.log(20))  # a measured setup the model calls impossible is a big miss
    return out


def nelder_mead(f: Callable[[list[float]], float], start: list[float], steps: list[float],
                iterations: int = 400) -> list[float]:
    simplex = [start] + [[s + (steps[i] if j == i else 0) for j, s in enumerate(start)] for i in range(len(start))]
    scores = [f(p) for p in simplex]
    for _ in range(iterations):
        order = sorted(range(len(simplex)), key=lambda i: scores[i])
        simplex = [simplex[i] for i in order]
        scores = [scores[i] for i in order]
        centroid = [sum(p[j] for p in simplex[:-1]) / (len(simplex) - 1) for j in range(len(start))]
        worst = simplex[-1]
        reflected = [c + (c - w) for c, w in zip(centroid, worst, strict=True)]
        r = f(reflected)
        if r < scores[0]:
            expanded = [c + 2 * (c - w) for c, w in zip(centroid, worst, strict=True)]
            e = f(expanded)
            simplex[-1], scores[-1] = (expanded, e) if e < r else (reflected, r)
        elif r < scores[-2]:
            simplex[-1], scores[-1] = reflected, r
        else:
            contracted = [c + 0.5 * (w - c) for c, w in zip(centroid, worst, strict=True)]
            c_score = f(contracted)
            if c_score < scores[-1]:
                simplex[-1], scores[-1] = contracted, c_score
            else:
                best = simplex[0]
                simplex = [best] + [[b + 0.5 * (p - b) for b, p in zip(best, q, strict=True)] for q in simplex[1:]]
                scores = [scores[0]] + [f(p) for p in simplex[1:]]
    return simplex[min(range(len(simplex)), key=lambda i: scores[i])]


def summary(name: str, rows: list[Measurement], errors: list[float]) -> str:
    ratios = [math.exp(e) for e in errors]
    within_15 = sum(1 for r in ratios if 1 / 1.5 <= r <= 1.5) / len(ratios)
    within_25 = sum(1 for r in ratios if 1 / 2.5 <= r <= 2.5) / len(ratios)
    worst = max(ratios, key=lambda r: max(r, 1 / r))
    return (f"{name}: {len(rows)} rows; geometric mean predicted/measured {math.exp(statistics.fmean(errors)):.2f}; "
            f"RMS log error {math.sqrt(statistics.fmean([e * e for e in errors])):.3f}; within 1.5x: "
            f"{within_15:.1%}; within 2.5x: {within_25:.1%}; worst ratio {worst:.2f}")


CALIBRATION_FILES = ("throughput_refs_trtllm.csv", "throughput_refs_trtllm_current.csv",
                     "throughput_refs_trtllm_versions.csv")
HELD_OUT_FILES = ("throughput_holdout.csv", "throughput_holdout_more.csv")
SET_NAMES = {"throughput_refs_trtllm.csv": "TensorRT-LLM v0.17 + v1.x tables (tco data set)",
             "throughput_refs_trtllm_current.csv": "TensorRT-LLM current table, other rows",
             "throughput_refs_trtllm_versions.csv": "TensorRT-LLM tables of 15 other versions",
             "throughput_holdout.csv": "held out: vLLM, SGLang, MI300X, old TensorRT-LLM, bursts",
             "throughput_holdout_more.csv": "held out: more vLLM/SGLang/MI300X/A100 runs and bursts"}


def calibration_rows() -> list[Measurement]:
    """Every measurement the factors are fitted to (tests/capacity/test_capacity.py checks their residuals)."""
    return [m for name in CALIBRATION_FILES for m in read(DATA / name)]


def config_weights(rows: list[Measurement]) -> list[float]:
    """Every measured configuration (model, GPU, precision, layout) weighs the same, however many
    input/output lengths and versions measured it: 300 Llama 70B rows must not drown 5 DeepSeek ones."""
    configs: dict[tuple[str, str, str, str, int], int] = {}
    for m in rows:
        key = (m.model, m.gpu, m.precision, m.parallelism, m.gpus)
        configs[key] = configs.get(key, 0) + 1
    return [1 / configs[(m.model, m.gpu, m.precision, m.parallelism, m.gpus)] for m in rows]


@dataclasses.dataclass(frozen=True)
class ServingRun:
    engine: str
    model: str
    gpu: str
    precision: str
    gpus: int
    layout: str
    input_tokens: int
    output_tokens: int
    concurrency: int
    ttft_ms: float
    tpot_ms: float
    tokens_per_second_per_gpu: float

    @property
    def config(self) -> tuple[str, str, str, str, str, int]:
        return (self.engine, self.model, self.gpu, self.precision, self.layout, self.gpus)


SERVING_MODELS = {"DeepSeek-R1": "deepseek-r1", "DeepSeek-R1-NVFP4": "deepseek-r1", "DeepSeek-V3": "deepseek-v3",
                  "DeepSeek-V3.1-NVFP4": "deepseek-v3", "Llama-3.1-70B": "llama-3.1-70b",
                  "Llama-3.1-8B-Instruct": "llama-3.1-8b", "Qwen3-32B": "qwen3-32b", "Qwen3-32B-NVFP4": "qwen3-32b",
                  "gpt-oss-120b": "gpt-oss-120b", "MiniMax-M2.5": "minimax-m2.5", "Kimi-K2.5": "kimi-k2.5"}
SERVING_GPUS = {"h100_sxm": "h100-sxm", "h200_sxm": "h200", "b200_sxm": "b200"}
SERVING_PRECISION = {"nvfp4": "fp4", "fp8": "fp8", "": "bf16", "int4_wo": "int4"}


def read_serving(catalog: Catalog) -> list[ServingRun]:
    """The serving runs of models and GPUs the tables carry; precision from the GEMM quantisation."""
    path = DATA / "serving_latency_aiconfigurator.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    runs = []
    for row in csv.DictReader(lines):
        model, gpu = SERVING_MODELS.get(row["model"]), SERVING_GPUS.get(row["system"])
        if model is None or gpu is None or catalog.get("models", model) is None:
            continue
        precision = SERVING_PRECISION[row["gemm_quant"]]
        if precision == "int4" and (catalog.get("models", model) or {}).get("expert_precision") == "int4":  # type: ignore
            precision = "bf16"  # Kimi K2's weight-only INT4 is its experts' own format; the rest is bf16
        runs.append(ServingRun(row["engine"], model, gpu, precision, int(row["gpus"]),
                               row["layout"], int(row["input_tokens"]), int(row["output_tokens"]),
                               int(row["concurrency"]), float(row["ttft_ms"]), float(row["tpot_ms"]),
                               float(row["output_tokens_per_second_per_gpu"])))
    return runs


def held_out(run: ServingRun) -> bool:
    """One configuration in five, by a hash of its name, never fitted."""
    import zlib

    return zlib.crc32(repr(run.config).encode()) % 5 == 0


def latency_ratios(runs: list[ServingRun], catalog: Catalog, efficiencies: dict[str, EngineEfficiency] | None = None
                   ) -> list[tuple[float, float, float] | None]:
    """Predicted / measured TTFT, TPOT and tokens/s per GPU of each run (None: the model cannot size it)."""
    specs: dict[tuple[str, str], tuple[Any, Any]] = {}
    out: list[tuple[float, float, float] | None] = []
    for run in runs:
        if (run.model, run.gpu) not in specs:
            m, g = catalog.get("models", run.model), catalog.get("gpus", run.gpu)
            assert m is not None and g is not None
            specs[(run.model, run.gpu)] = (model_spec(m), gpu_spec(g))
        model, gpu = specs[(run.model, run.gpu)]
        try:
            point = latency_point(Replica(model, gpu, run.precision, run.gpus, run.layout, run.engine),
                                  run.input_tokens, run.output_tokens, run.concurrency, efficiencies=efficiencies)
        except TcoError:
            out.append(None)
            continue
        out.append((point.ttft_ms / run.ttft_ms, point.tpot_ms / run.tpot_ms,
                    point.output_tokens_per_second_per_gpu / run.tokens_per_second_per_gpu))
    return out


LATENCY_FACTORS = ("bandwidth_share", "prefill_share", "compute_share", "step_overhead_ms", "collective_latency_us",
                   "ttft_overhead_ms", "wait_share")
# Physical limits: a prefill or decode never computes above ~80% of the tensor peak (the shares scale the
# offline calibration's 0.87 and 0.42), nor reads above ~80% of the bandwidth (0.50 x 1.6); a server's fixed
# time before a prompt starts is well under 150 ms; a new request waits behind at most a few of the others.
LATENCY_BOUNDS = {"bandwidth_share": (0.3, 1.6), "prefill_share": (0.1, 0.92), "compute_share": (0.2, 1.9),
                  "step_overhead_ms": (0.0, 30.0), "collective_latency_us": (0.0, 100.0),
                  "ttft_overhead_ms": (0.0, 150.0), "wait_share": (0.0, 0.3)}
LATENCY_STEPS = [0.1, 0.1, 0.1, 2.0, 10.0, 20.0, 0.1]


def fit_latency(runs: list[ServingRun], catalog: Catalog, engines: tuple[str, ...] = ENGINES
                ) -> dict[str, EngineEfficiency]:
    """Each engine's efficiencies, fitted to its runs within LATENCY_BOUNDS (module docstring)."""
    fitted = dict(ENGINE_EFFICIENCY)
    for engine in engines:
        rows = [r for r in runs if r.engine == engine]
        counts: dict[tuple[str, str, str, str, str, int], int] = {}
        for r in rows:
            counts[r.config] = counts.get(r.config, 0) + 1
        weights = [1 / counts[r.config] for r in rows]

        def efficiency(vector: list[float]) -> EngineEfficiency:
            return EngineEfficiency(**{name: min(LATENCY_BOUNDS[name][1], max(LATENCY_BOUNDS[name][0], v))
                                       for name, v in zip(LATENCY_FACTORS, vector, strict=True)})

        def objective(vector: list[float], engine: str = engine, rows: list[ServingRun] = rows,
                      weights: list[float] = weights) -> float:
            table = {**fitted, engine: efficiency(vector)}
            total = 0.0
            for w, ratio in zip(weights, latency_ratios(rows, catalog, table), strict=True):
                if ratio is None:
                    total += w * 3 * math.log(20)
                    continue
                total += w * (0.5 * abs(math.log(ratio[0])) + abs(math.log(ratio[1])) + abs(math.log(ratio[2])))
            return total / sum(weights)

        best = [float(getattr(fitted[engine], name)) for name in LATENCY_FACTORS]
        for _ in range(3):
            best = nelder_mead(objective, best, LATENCY_STEPS, iterations=300)
        fitted[engine] = efficiency(best)
        print(f"  {engine}: {fitted[engine]} (objective {objective(best):.4f})", flush=True)
    return fitted


def latency_summary(name: str, runs: list[ServingRun], ratios: list[tuple[float, float, float] | None]) -> str:
    """Per engine and metric: the share within the acceptance bands (TTFT 2x, TPOT and tokens/s 1.5x)."""
    lines = [f"{name}:"]
    for engine in ENGINES:
        mine = [r for run, r in zip(runs, ratios, strict=True) if run.engine == engine]
        sized = [r for r in mine if r is not None]
        if not mine:
            continue
        parts = []
        for index, metric, band in ((0, "TTFT", 2.0), (1, "TPOT", 1.5), (2, "tokens/s per GPU", 1.5)):
            values = [r[index] for r in sized]
            within = sum(1 for v in values if 1 / band <= v <= band) / len(mine)
            median = statistics.median(values) if values else math.nan
            parts.append(f"{metric} within {band:g}x {within:.0%} (median ratio {median:.2f})")
        lines.append(f"  {engine:7s} {len(mine):5,} runs ({len(mine) - len(sized)} not sized): " + "; ".join(parts))
    return "\n".join(lines)


def main_latency(fit: bool, engines: tuple[str, ...] = ENGINES) -> int:
    catalog = Catalog()
    runs = read_serving(catalog)
    fitted_runs = [r for r in runs if not held_out(r)]
    kept_out = [r for r in runs if held_out(r)]
    efficiencies = ENGINE_EFFICIENCY
    if fit:
        print("fitting each engine's efficiencies:")
        efficiencies = fit_latency(fitted_runs, catalog, engines)
    else:
        print("efficiencies (tco.capacity.latency.ENGINE_EFFICIENCY):")
        for engine, e in efficiencies.items():
            print(f"  {engine}: {e}")
    print(latency_summary(f"fitted configurations ({len(fitted_runs):,} runs)", fitted_runs,
                          latency_ratios(fitted_runs, catalog, efficiencies)))
    print(latency_summary(f"held-out configurations, never fitted ({len(kept_out):,} runs)", kept_out,
                          latency_ratios(kept_out, catalog, efficiencies)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="re-fit the factors before printing the residuals")
    parser.add_argument("--rows", action="store_true", help="print every row's ratio, not only the held-out ones")
    parser.add_argument("--latency", action="store_true", help="the latency model's residuals per engine and "
                        "metric (TTFT, TPOT, tokens/s per GPU) on measured serving runs, held-out ones apart")
    parser.add_argument("--engine", action="append", choices=list(ENGINES),
                        help="with --latency --fit: re-fit only this engine (repeatable)")
    parser.add_argument("--fit-on", choices=["all", "shared"], default="all",
                        help="fit on the three TensorRT-LLM files (default), or only on the tco data set's file, "
                        "to see how the method does on versions and models it did not see")
    args = parser.parse_args(argv)
    if args.latency:
        return main_latency(args.fit, tuple(args.engine) if args.engine else ENGINES)
    catalog = Catalog()
    predict = predictor(catalog)
    sets = {name: list(read(DATA / name)) for name in CALIBRATION_FILES + HELD_OUT_FILES}
    fitted = calibration_rows() if args.fit_on == "all" else sets[CALIBRATION_FILES[0]]
    calibration = CALIBRATION
    if args.fit:
        weights = config_weights(fitted)

        def objective(vector: list[float]) -> float:
            errors = log_errors(fitted, with_factors(vector), predict)
            return sum(w * e * e for w, e in zip(weights, errors, strict=True)) / sum(weights)

        best = [float(getattr(CALIBRATION, name)) for name in FACTORS]
        for _ in range(3):  # restarts: a fresh simplex around the best point escapes a collapsed one
            best = nelder_mead(objective, best, [STEPS[name] for name in FACTORS])
        calibration = with_factors(best)
        print(f"fitted factors (weighted mean squared log error {objective(best):.4f}):")
    else:
        print("factors (tco.capacity.model.CALIBRATION):")
    for name in FACTORS:
        print(f"  {name} = {getattr(calibration, name)!r}")
    print(f"  max_batch = {calibration.max_batch} (set), tp_falloff = {calibration.tp_falloff} (set)")
    errors_by_set = {name: log_errors(rows, calibration, predict) for name, rows in sets.items()}
    all_rows = [m for name in CALIBRATION_FILES for m in sets[name]]
    all_errors = [e for name in CALIBRATION_FILES for e in errors_by_set[name]]
    print(summary("all TensorRT-LLM tables" + (" (fitted)" if args.fit_on == "all" else ""), all_rows, all_errors))
    for name, rows in sets.items():
        not_fitted = name in HELD_OUT_FILES or (args.fit_on == "shared" and name != CALIBRATION_FILES[0])
        print(summary(f"{SET_NAMES[name]}{' (not fitted)' if not_fitted else ''}", rows, errors_by_set[name]))
        if args.rows or name in HELD_OUT_FILES:
            for m, e in zip(rows, errors_by_set[name], strict=True):
                print(f"    {math.exp(e):5.2f}  measured {m.measured:9.1f}  {m.label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

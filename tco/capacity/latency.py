"""Serving at a latency target: TTFT, TPOT and throughput of one replica at c requests in flight.

Pure functions over the capacity model's specs (`tco.capacity.model`). A replica serves a closed loop of
c requests (a finished request is replaced at once) of I input and O output tokens, with chunked
prefill: arriving prompts are computed inside the decode steps. Over one request's life (its cycle)
the replica computes its own prompt and, once each, the prompts of the c - 1 others, and runs the
O - 1 + k decode steps that produce its tokens (k = the steps its prompt's chunks ride on):

    cycle  = overhead + own + (c - 1) x prefill + (O - 1 + k) x step(c)
    TTFT   = overhead + own + k x step(c) + wait x (c - 1) x prefill
    TPOT   = step(c) + (1 - wait) x (c - 1) x prefill / (O - 1)

`prefill` is one prompt's compute time on the replica (I / (N x X), X the per-GPU prefill rate), and
`own` the request's own prompt: the same in `tp` and `tep`, I / X in `dep`, where one GPU computes it;
`step(c)` a decode step of c requests: the weights and the c requests' KV cache read at the memory
bandwidth or the batch computed at the tensor FLOPs, whichever is slower, the activation exchange
between the GPUs, plus a fixed time per step (scheduler, sampling, kernel launches) and a latency
per collective of a multi-GPU replica. `wait` is the share of the other prompts a new request waits
behind before its first token (the rest interleave with its decode steps), so TTFT + (O - 1) x TPOT
is the cycle. Output tokens per second per GPU: c x O / (TTFT + (O - 1) x TPOT) / N.

Above what the KV cache holds, requests queue: the replica runs the most it holds and the others
wait for a place, which adds to TTFT and not to throughput.

Each serving engine (vLLM, SGLang, TensorRT-LLM) has its own efficiencies, fitted to measured serving
runs (benchmarks/calibrate_capacity.py). An engine's offline maximum is the limit of large c: its
point at the most requests the KV cache holds. TensorRT-LLM's is its published offline tables instead
(throughput.yaml, or the capacity model fitted to them, `tco.capacity.model.size_replica`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from tco.capacity.model import (
    CALIBRATION,
    TP_SIZES,
    Calibration,
    GpuSpec,
    ModelSpec,
    _prefill_rate,
    check_interconnect,
    check_replica,
    concurrency,
    decode_step_seconds,
    kv_precision,
    memory_fit,
)
from tco.defaults import DEFAULTS
from tco.engine.results import computable
from tco.errors import TcoError
from tco.frozen import frozen

Engine = Literal["vllm", "sglang", "trtllm"]
ENGINES: tuple[Engine, ...] = ("vllm", "sglang", "trtllm")
DEFAULT_ENGINE: Engine = DEFAULTS.engine.value  # the most used open serving engine
# The engine the published offline tables were measured on: the capacity model's offline maximum is its figure.
TABLES_ENGINE: Engine = "trtllm"
CHUNK_TOKENS = 8192  # prompt tokens one step takes (vLLM max_num_batched_tokens, SGLang chunked_prefill_size)


@frozen
class EngineEfficiency:
    """How one serving engine serves, next to the offline calibration (`tco.capacity.model.CALIBRATION`)."""

    bandwidth_share: float  # of the calibrated memory-bandwidth efficiency its decode steps reach
    prefill_share: float  # of the calibrated prefill compute efficiency its prompts reach
    compute_share: float  # of the calibrated decode compute efficiency its decode steps reach
    step_overhead_ms: float  # fixed time of every decode step: scheduling, sampling, launches
    collective_latency_us: float  # per collective (two per layer) of a replica of more than one GPU
    ttft_overhead_ms: float  # fixed time before a request's prefill starts: queueing, tokenising, routing
    wait_share: float  # share of the other requests' prompts a new request waits behind (0..1)


# Fitted by `python benchmarks/calibrate_capacity.py --latency --fit` to measured serving runs of each
# engine (aiconfigurator's silicon sample: NVIDIA's benchmark database and SemiAnalysis InferenceX),
# within physical limits (no compute above ~80% of peak, no fixed TTFT above 150 ms: SGLang's few runs,
# mostly DeepSeek on B200, pull its unbounded fit past them); residuals: docs/capacity.md.
ENGINE_EFFICIENCY: dict[str, EngineEfficiency] = {
    "vllm": EngineEfficiency(bandwidth_share=1.51, prefill_share=0.85, compute_share=0.45, step_overhead_ms=3.2,
                             collective_latency_us=16.0, ttft_overhead_ms=59.0, wait_share=0.079),
    "sglang": EngineEfficiency(bandwidth_share=1.54, prefill_share=0.92, compute_share=1.9, step_overhead_ms=7.1,
                               collective_latency_us=0.0, ttft_overhead_ms=150.0, wait_share=0.3),
    "trtllm": EngineEfficiency(bandwidth_share=1.4, prefill_share=0.61, compute_share=0.75, step_overhead_ms=0.57,
                               collective_latency_us=26.0, ttft_overhead_ms=148.0, wait_share=0.088),
}


def _scaled(calibration: Calibration, bandwidth: float, prefill: float, compute: float) -> Calibration:
    """`calibration` with its bandwidth efficiency and its compute efficiencies multiplied."""
    return replace(calibration, bandwidth_efficiency=calibration.bandwidth_efficiency * bandwidth,
                   prefill_compute_efficiency=calibration.prefill_compute_efficiency * prefill,
                   decode_compute_efficiency=calibration.decode_compute_efficiency * compute)


@frozen
class LatencyPoint:
    """One replica at `concurrency` requests in flight: mean TTFT and TPOT, and what it serves per GPU."""

    concurrency: int
    ttft_ms: float
    tpot_ms: float
    output_tokens_per_second_per_gpu: float  # c x O / (TTFT + (O - 1) x TPOT) / N
    input_tokens_per_second_per_gpu: float  # X at this point: the prefill rate
    decode_tokens_per_second_per_gpu: float  # Y at this point: I/X + O/Y = N x cycle / c GPU-seconds a request
    queued: bool  # more requests than the KV cache holds: the others wait for a place

    @property
    def tokens_per_second_per_user(self) -> float:
        """Output tokens per second one request sees while it decodes: 1000 / TPOT."""
        return 1000.0 / self.tpot_ms

    def meets(self, ttft_ms: float | None, tpot_ms: float | None) -> bool:
        """Whether this point's mean TTFT and TPOT are within the targets (None: no target)."""
        return (ttft_ms is None or self.ttft_ms <= ttft_ms) and (tpot_ms is None or self.tpot_ms <= tpot_ms)


@frozen
class Replica:
    """What the latency model needs of a replica: specs, precision, size, layout and engine."""

    model: ModelSpec
    gpu: GpuSpec
    precision: str
    gpus: int
    parallelism: str
    engine: str


def kv_limit(replica: Replica, input_tokens: float, output_tokens: float,
             calibration: Calibration = CALIBRATION) -> int:
    """Requests of I + O tokens the replica's KV cache holds at once (whole requests), at most the
    scheduler's batch limit. Raises TcoError for a replica the capacity model cannot size."""
    check_replica(replica.model, replica.precision, replica.gpus, replica.parallelism)
    check_interconnect(replica.gpu, replica.gpus)
    if input_tokens < 0 or output_tokens < 1:
        raise TcoError.single("capacity", "a request needs at least one output token and no negative input",
                              field="output_tokens")
    _, kv_tokens = memory_fit(replica.model, replica.gpu, replica.precision, replica.gpus, replica.parallelism,
                              calibration)
    kv_dtype = kv_precision(replica.model, replica.gpu, replica.precision)
    fits = concurrency(replica.model, kv_dtype, kv_tokens, input_tokens, output_tokens)
    return min(fits, calibration.max_batch * (replica.gpus if replica.parallelism == "dep" else 1))


def latency_point(replica: Replica, input_tokens: float, output_tokens: float, requests: int,
                  calibration: Calibration = CALIBRATION,
                  efficiencies: dict[str, EngineEfficiency] | None = None) -> LatencyPoint:
    """Mean TTFT, TPOT and per-GPU throughput of `replica` at `requests` in flight (module docstring).

    Raises TcoError when the replica cannot hold one request.
    """
    limit = kv_limit(replica, input_tokens, output_tokens, calibration)
    if limit < 1:
        raise TcoError.single("capacity", f"{replica.model.key} in {replica.precision} on {replica.gpus} "
                              f"{replica.gpu.key} GPU(s) leaves no room for one request's KV cache",
                              field="gpus_per_replica")
    running = min(requests, limit)
    try:
        cycle, ttft, tpot, x = _cycle(replica, input_tokens, output_tokens, running, calibration, efficiencies)
        if requests > running:  # the others wait for a place: the replica finishes running/cycle requests a second
            ttft += cycle * requests / running - cycle
            cycle = cycle * requests / running
        n = replica.gpus
        prefill_gpu_seconds = input_tokens / x if x else 0.0
        decode_gpu_seconds = n * cycle / requests - prefill_gpu_seconds
        point = LatencyPoint(
            concurrency=requests, ttft_ms=ttft * 1e3, tpot_ms=tpot * 1e3,
            output_tokens_per_second_per_gpu=requests * output_tokens / cycle / n,
            input_tokens_per_second_per_gpu=x, decode_tokens_per_second_per_gpu=output_tokens / decode_gpu_seconds,
            queued=requests > running)
    except (ZeroDivisionError, OverflowError):  # a rate that underflowed to 0, or a time beyond a float
        raise _too_large(replica) from None
    rates = (point.output_tokens_per_second_per_gpu, point.input_tokens_per_second_per_gpu,
             point.decode_tokens_per_second_per_gpu)
    if not (all(computable(v) for v in (point.ttft_ms, point.tpot_ms, *rates))
            and point.tpot_ms > 0 and all(v > 0 for v in rates)):
        raise _too_large(replica)
    return point


def _too_large(replica: Replica) -> TcoError:
    """The guard every figure of tco passes (`tco.engine.results.MAX_FIGURE`), on the latency model's: GPU or
    model specs so far out (1e-300 TFLOPS, 1e305 TB/s) that a throughput or a latency is beyond 1e300,
    or a rate is 0."""
    return TcoError.single("capacity", f"the latency model's throughput and latency for {replica.model.key} on "
                           f"{replica.gpu.key} are too large to compute (beyond 1e300): check the GPU's and the "
                           "model's table entries (bandwidth, TFLOPS, sizes)", field="gpu")


def _cycle(replica: Replica, input_tokens: float, output_tokens: float, c: int, calibration: Calibration,
           efficiencies: dict[str, EngineEfficiency] | None) -> tuple[float, float, float, float]:
    """Seconds of one request's cycle, its TTFT and TPOT, and the per-GPU prefill rate, at c running."""
    own = (efficiencies or ENGINE_EFFICIENCY)[replica.engine]
    tuned = _scaled(calibration, own.bandwidth_share, own.prefill_share, own.compute_share)
    model, gpu, n, layout = replica.model, replica.gpu, replica.gpus, replica.parallelism
    x = _prefill_rate(model, gpu, replica.precision, n, layout, input_tokens, tuned)
    # tp, tep: the N GPUs compute each prompt together; dep: a prompt runs on the one GPU that holds its
    # request (attention data parallel), and the N GPUs share the others' prompts.
    prefill = input_tokens / (n * x)
    own_prefill = input_tokens / x if layout == "dep" else prefill
    batch = c / n if layout == "dep" else float(c)
    context = input_tokens + output_tokens / 2
    step = decode_step_seconds(model, gpu, replica.precision, n, layout, context, batch, tuned)
    if layout == "dep":
        step /= tuned.dep_efficiency  # every step waits for the busiest GPU
    collectives = 2 * model.layers if n > 1 else 0
    step += own.step_overhead_ms / 1e3 + collectives * own.collective_latency_us / 1e6
    k = max(1, math.ceil(input_tokens / CHUNK_TOKENS))
    others = (c - 1) * prefill
    overhead = own.ttft_overhead_ms / 1e3
    # The others' prompts a request does not wait behind interleave with its O - 1 decode steps; a
    # request of one output token has none, and waits behind them all.
    waited = own.wait_share if output_tokens > 1 else 1.0
    ttft = overhead + own_prefill + k * step + waited * others
    tpot = step + ((1 - waited) * others / (output_tokens - 1) if output_tokens > 1 else 0.0)
    cycle = ttft + (output_tokens - 1) * tpot  # = overhead + own + (c - 1) x prefill + (O - 1 + k) x step
    return cycle, ttft, tpot, x


def latency_curve(replica: Replica, input_tokens: float, output_tokens: float, requests: Sequence[int],
                  calibration: Calibration = CALIBRATION) -> list[LatencyPoint]:
    """`latency_point` at each concurrency of `requests`."""
    return [latency_point(replica, input_tokens, output_tokens, c, calibration) for c in requests]


@frozen
class Slo:
    """Mean latency targets in ms; None where the target leaves that one free."""

    name: str  # a preset's name, or "custom"
    ttft_ms: float | None
    tpot_ms: float | None

    def describe(self) -> str:
        parts = [f"TTFT <= {self.ttft_ms:,.0f} ms" if self.ttft_ms is not None else None,
                 f"TPOT <= {self.tpot_ms:,.0f} ms" if self.tpot_ms is not None else None]
        targets = ", ".join(p for p in parts if p) or "no target"
        return targets if self.name == "custom" else f"{self.name} ({targets})"


# ConfigIQ's published presets (redhat-performance/configiq, public/config.json): mean TTFT / TPOT, ms.
SLO_PRESETS: dict[str, Slo] = {
    "chat": Slo("chat", 800, 30),
    "rag": Slo("rag", 1500, 40),
    "agentic": Slo("agentic", 3000, 50),
    "batch": Slo("batch", 10000, 100),
    "voice": Slo("voice", 200, 15),
}
SLO_SOURCE = "ConfigIQ's latency presets (redhat-performance/configiq, public/config.json), mean TTFT/TPOT in ms"
DEFAULT_SLO = DEFAULTS.slo.value


def operating_point(replica: Replica, input_tokens: float, output_tokens: float, slo: Slo,
                    calibration: Calibration = CALIBRATION) -> tuple[LatencyPoint | None, LatencyPoint]:
    """The largest concurrency whose TTFT and TPOT meet `slo` (None when even one request misses it), and
    the best point the replica reaches (one request: the lowest TTFT and TPOT), to say how far off it is.

    TTFT and TPOT never fall as requests are added, so the search bisects 1 .. the KV cache's limit.
    """
    limit = kv_limit(replica, input_tokens, output_tokens, calibration)
    best = latency_point(replica, input_tokens, output_tokens, 1, calibration)
    if not best.meets(slo.ttft_ms, slo.tpot_ms):
        return None, best
    low, high = 1, max(1, limit)
    top = latency_point(replica, input_tokens, output_tokens, high, calibration)
    if top.meets(slo.ttft_ms, slo.tpot_ms):
        return top, best
    while high - low > 1:  # low meets, high does not
        middle = (low + high) // 2
        if latency_point(replica, input_tokens, output_tokens, middle, calibration).meets(slo.ttft_ms, slo.tpot_ms):
            low = middle
        else:
            high = middle
    return latency_point(replica, input_tokens, output_tokens, low, calibration), best


@frozen
class ServingPlan:
    """How a replica serves a workload: its size, the point it runs at, and the best it could do."""

    gpus_per_replica: int
    point: LatencyPoint | None  # the operating point at the target; None when no size reaches it
    best_ttft_ms: float  # the lowest mean TTFT and TPOT any size considered reaches (one request)
    best_tpot_ms: float
    kv_limit: int  # requests the chosen replica's KV cache holds at once
    # Every size that meets the target, smallest first: (GPUs per replica, its operating point, its KV limit)
    candidates: tuple[tuple[int, LatencyPoint, int], ...] = ()


def plan_serving(model: ModelSpec, gpu: GpuSpec, precision: str, parallelism: str, engine: str,
                 input_tokens: float, output_tokens: float, slo: Slo, gpus_per_replica: int | None = None,
                 calibration: Calibration = CALIBRATION) -> ServingPlan:
    """The replica size and operating point that serve requests of I in / O out tokens at `slo`.

    With `gpus_per_replica` None, every size of 1, 2, 4 and 8 GPUs that holds a request is tried and the one
    with the lowest cost per token at its operating point wins: the fewest GPU-seconds a request,
    N x cycle / c = I/X + O/Y (ties: the smaller). Sizes the interconnect cannot join are skipped.
    Raises TcoError when no size holds one request.
    """
    sizes = (gpus_per_replica,) if gpus_per_replica is not None else TP_SIZES
    chosen: tuple[float, int, LatencyPoint, int] | None = None
    candidates: list[tuple[int, LatencyPoint, int]] = []
    best_ttft = best_tpot = math.inf
    fitting: int | None = None
    last_error: TcoError | None = None
    for n in sizes:
        replica = Replica(model, gpu, precision, n, parallelism, engine)
        try:
            point, best = operating_point(replica, input_tokens, output_tokens, slo, calibration)
            limit = kv_limit(replica, input_tokens, output_tokens, calibration)
        except TcoError as error:
            last_error = error
            continue
        fitting = n if fitting is None else fitting
        best_ttft, best_tpot = min(best_ttft, best.ttft_ms), min(best_tpot, best.tpot_ms)
        if point is None:
            continue
        candidates.append((n, point, limit))
        cost = 1.0 / point.output_tokens_per_second_per_gpu  # GPU-seconds an output token, its prompt included
        if chosen is None or cost < chosen[0] * (1 - 1e-9):
            chosen = (cost, n, point, limit)
    if fitting is None:
        assert last_error is not None
        raise last_error
    if chosen is None:
        replica = Replica(model, gpu, precision, fitting, parallelism, engine)
        return ServingPlan(fitting, None, best_ttft, best_tpot, kv_limit(replica, input_tokens, output_tokens,
                                                                          calibration))
    _, n, point, limit = chosen
    return ServingPlan(n, point, best_ttft, best_tpot, limit, tuple(candidates))

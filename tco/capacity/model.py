"""The capacity model: how many GPUs a model needs and how fast they serve it.

Pure functions over plain dataclasses, no files. `model_spec` and `gpu_spec` make a `ModelSpec` and a
`GpuSpec` of a pricing-table entry's validated fields (`tco.pricing.schema`); `tco.scenario.resolve` and
`tco size` call them, then `size_replica`.

Memory (per replica of N GPUs): weights (parameters x bytes per weight of the precision, fp4 and
int4 with their scale overhead; routed experts a checkpoint ships in MXFP4, as gpt-oss does, stay
MXFP4) + a runtime reserve per GPU must fit in the usable share of the GPUs' memory; what is left
holds the KV cache. The KV cache per token follows the model's own attention layout: GQA
(2 x layers x kv_heads x head_dim x bytes, split across min(N, kv_heads) GPUs), MLA (DeepSeek: one
compressed latent per layer, replicated on every tensor-parallel GPU) and sliding-window layers
(gpt-oss: a fixed window per sequence, whatever its length). fp8 and fp4 keep an fp8 KV cache,
bf16 and int4 a bf16 one; attention with sinks (gpt-oss) keeps bf16 on GPUs without fp4 units.

Throughput (per GPU, tokens/s), for a request of I input and O output tokens:
- prefill X: compute bound, 2 x active parameters + attention over half the prompt on average,
  at the precision's dense tensor FLOPs times an efficiency, plus the activations every layer
  exchanges between the GPUs of a replica over their interconnect;
- decode Y: one step serves the batch B the KV cache allows (capped by the scheduler's batch
  limit); the step takes max(weight + KV reads / memory bandwidth, compute), plus the exchange,
  plus the per-token work outside the matrix products (norms, rotary, routing, sampling: a
  calibrated number of passes over the hidden state per layer, at the memory bandwidth).
  A mixture-of-experts model reads only the experts the batch touches (E x (1 - (1 - k/E)^tokens))
  but holds them all in memory, and computes with its active parameters; small experts compute at
  a share of a dense product's efficiency; MXFP4 experts compute on fp4 units where the GPU has
  them and the precision is fp4, else dequantised to bf16;
- tensor parallelism costs efficiency: every efficiency is divided by (1 + tp_falloff x log2 N).
Layouts: `tp` splits every layer across the N GPUs; `tep` (tensor-parallel attention, expert-parallel
experts: vLLM's --enable-expert-parallel, SGLang's --ep-size) holds the same bytes per GPU and makes
the same two exchanges per layer as `tp`, so it is sized as `tp`; `dep` (mixture-of-experts only) replicates
attention and dense layers on every GPU (attention data parallel: each GPU runs its own batch
and KV cache) and spreads the experts across the N GPUs (expert parallel); a token travels once
to each other GPU that holds one of its experts.

Effective output tokens per second per GPU for the mix: O / (I/X + O/Y), the busy formula of
docs/formulas.md.
The efficiency factors live in `CALIBRATION`; benchmarks/calibrate_capacity.py fits and prints them.
"""

from __future__ import annotations

import math
from dataclasses import field
from typing import Literal, TypeVar

from tco.engine.results import computable
from tco.errors import Problem, TcoError
from tco.frozen import frozen
from tco.pricing.catalog import Entry
from tco.pricing.schema import GpuFields, ModelFields, TableFields

Precision = Literal["bf16", "fp8", "fp4", "int4"]
Parallelism = Literal["tp", "tep", "dep"]
TP_SIZES = (1, 2, 4, 8)
PRECISIONS: tuple[Precision, ...] = ("bf16", "fp8", "fp4", "int4")

GIB = 2**30
GB = 1e9

# Bytes per weight. fp4 is NVFP4 (one fp8 scale per 16 weights: 0.5 + 1/16); int4 is the usual
# AWQ/GPTQ layout (one 16-bit scale per group of 128: 0.5 + 2/128).
BYTES_PER_WEIGHT: dict[str, float] = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5 + 1 / 16, "int4": 0.5 + 2 / 128}
# A checkpoint's own expert format (models.yaml `expert_precision`): gpt-oss ships its experts in
# MXFP4 (one 8-bit scale per 32 weights), and servers keep them so at any precision.
# Kimi K2 ships its experts in INT4 with a bf16 scale per group of 32 weights (quantisation-aware training).
EXPERT_BYTES_PER_WEIGHT: dict[str, float] = {"mxfp4": 0.5 + 1 / 32, "int4": 0.5 + 2 / 32}
# KV cache element size: the fp8 and fp4 recipes keep an fp8 KV cache (as TensorRT-LLM's
# published runs do); bf16 and int4 (weight-only) keep it in bf16.
KV_BYTES_PER_ELEMENT: dict[str, float] = {"bf16": 2.0, "fp8": 1.0, "fp4": 1.0, "int4": 2.0}
ACTIVATION_BYTES = 2.0  # activations exchanged between GPUs travel in bf16


@frozen
class Calibration:
    """The few efficiency factors of the model, fitted to published measurements.

    See benchmarks/calibrate_capacity.py for the method and the residuals; docs/capacity.md.
    """

    prefill_compute_efficiency: float
    decode_compute_efficiency: float
    bandwidth_efficiency: float
    interconnect_efficiency: float
    tp_falloff: float
    max_batch: int
    moe_half_efficiency_expert_params_m: float = 0.0
    dep_efficiency: float = 1.0
    decode_activation_passes: float = 0.0
    usable_memory_share: float = 0.95
    reserve_gib_per_gpu: float = 2.0
    min_useful_concurrency: int = 64

    def moe_efficiency(self, model: ModelSpec) -> float:
        """Share of dense-kernel efficiency a model's routed experts reach: 1 / (1 + P0 / P), P the
        parameters of one expert in one layer (millions); small experts mean small, inefficient
        grouped matrix products (gpt-oss's and Qwen3's experts are 20-25M, Mixtral's 176M)."""
        if not model.is_moe:
            return 1.0
        per_expert_m = model.expert_params_b * 1e3 / model.experts / model.layers
        return 1.0 / (1.0 + self.moe_half_efficiency_expert_params_m / per_expert_m)


# Fitted by `python benchmarks/calibrate_capacity.py --fit` to 2,700 published TensorRT-LLM offline
# max-throughput measurements (18 revisions of NVIDIA's performance overview, v0.6.1 to 1.2: H100,
# H200, B200, A100, L40S; dense Llama, Mixtral, Qwen3, DeepSeek-R1, gpt-oss; every measured
# configuration weighs the same), minimising the squared log error, then rounded. Residuals and
# the held-out checks: docs/capacity.md. The prefill efficiency is an effective figure above
# what a compute-bound prefill reaches alone, because I/X + O/Y bills prefill separately though
# servers overlap it with memory-bound decode steps.
CALIBRATION = Calibration(
    prefill_compute_efficiency=0.87,
    decode_compute_efficiency=0.42,
    bandwidth_efficiency=0.50,
    interconnect_efficiency=0.41,
    tp_falloff=0.0,  # the fit finds no loss with N beyond the modelled exchange between GPUs
    max_batch=1024,  # the fit is flat from 768 to 2048
    moe_half_efficiency_expert_params_m=58.0,
    dep_efficiency=0.71,
    decode_activation_passes=125.0,
)
# What the fit achieves on its measurements (tests/test_capacity.py checks it still holds).
CALIBRATION_ROWS = 2700
CALIBRATION_WITHIN_1_5X_SHARE = 0.95
CALIBRATION_WORST_FACTOR = 2.7
CALIBRATION_TYPICAL_ERROR = (f"a factor of 1.5 for {CALIBRATION_WITHIN_1_5X_SHARE:.0%} of {CALIBRATION_ROWS:,} "
                             f"published TensorRT-LLM measurements (worst {CALIBRATION_WORST_FACTOR}x)")


@frozen
class ModelSpec:
    """A model's architecture, as models.yaml gives it."""

    key: str
    params_b: float
    active_params_b: float
    layers: int
    hidden: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    kv_bytes_per_token_bf16: float
    attention: str = "gqa"  # gqa | mla | gqa+sliding_window, "+sinks" for attention sinks (gpt-oss)
    experts: int = 0
    experts_per_token: int = 0
    sliding_window: int = 0
    sliding_window_layers: int = 0
    expert_precision: str | None = None
    context: int = 0  # tokens one request may hold (models.yaml `context`); 0: not stated

    def expert_bytes_per_weight(self, precision: str) -> float:
        """Bytes per routed-expert weight: the precision's, or the checkpoint's own expert format if smaller."""
        own = EXPERT_BYTES_PER_WEIGHT.get(self.expert_precision or "", math.inf)
        return min(BYTES_PER_WEIGHT[precision], own)

    def weight_bytes(self, precision: str) -> float:
        """Bytes of all the weights: dense ones at the precision, routed experts at `expert_bytes_per_weight`."""
        return (self.dense_params_b * BYTES_PER_WEIGHT[precision]
                + self.expert_params_b * self.expert_bytes_per_weight(precision)) * 1e9

    @property
    def attention_sinks(self) -> bool:
        return "sinks" in self.attention.split("+")

    @property
    def is_moe(self) -> bool:
        return self.experts > 1 and self.experts_per_token > 0

    @property
    def expert_params_b(self) -> float:
        """Parameters in all routed experts together, billions: total minus active is (E - k) experts."""
        if not self.is_moe:
            return 0.0
        return (self.params_b - self.active_params_b) * self.experts / (self.experts - self.experts_per_token)

    @property
    def dense_params_b(self) -> float:
        """Parameters every token uses (attention, shared experts, embeddings), billions."""
        return self.params_b - self.expert_params_b

    @property
    def active_expert_params_b(self) -> float:
        """Routed-expert parameters one token uses (k of the E experts), billions."""
        return self.expert_params_b * self.experts_per_token / self.experts if self.is_moe else 0.0

    @property
    def full_attention_layers(self) -> int:
        return self.layers - self.sliding_window_layers

    def kv_bytes_per_layer_token(self, precision: str) -> float:
        """KV bytes one token holds in one full-attention layer."""
        return self.kv_bytes_per_token(precision) / max(1, self.full_attention_layers)

    def kv_bytes_per_token(self, precision: str) -> float:
        """KV bytes per token of context over all the layers whose cache grows with context."""
        return self.kv_bytes_per_token_bf16 * KV_BYTES_PER_ELEMENT[precision] / 2.0

    def kv_bytes_per_sequence(self, precision: str) -> float:
        """Fixed KV bytes each sequence holds regardless of its length (sliding-window layers)."""
        return self.sliding_window * self.sliding_window_layers * self.kv_bytes_per_layer_token(precision)

    def attention_flops_per_token(self, context: float, decode: bool = False) -> float:
        """Attention FLOPs of one token attending to `context` earlier tokens: QK and AV, 2 x 2 x heads x dim.

        MLA decodes against its compressed latent (kv_lora_rank + rope elements per layer, read from
        the KV size), so a decode step's attention works on that width, not on head_dim.
        """
        width = float(self.head_dim)
        if decode and self.attention == "mla":
            width = self.kv_bytes_per_token_bf16 / 2.0 / self.layers
        per_position = 4.0 * self.attention_heads * width
        sliding = min(context, float(self.sliding_window)) * self.sliding_window_layers
        return per_position * (context * self.full_attention_layers + sliding)


@frozen
class GpuSpec:
    """A GPU's specs, as gpus.yaml gives them."""

    key: str
    memory_gb: float
    bandwidth_tb_s: float
    bf16_tflops: float
    fp8_tflops: float | None = None
    fp4_tflops: float | None = None
    interconnect_gb_s: float = 0.0
    # How the vendor's "GB" counts: HBM parts are binary (an 80 GB H100 shows 81,559 MiB), GDDR cards
    # decimal (a 48 GB L40S shows 46,068 MiB = 48.3e9 bytes); gpus.yaml `memory_unit`.
    memory_unit: Literal["GiB", "GB"] = "GiB"
    # Shares of the (NVIDIA-calibrated) efficiencies this GPU's software stack sustains; 1 for the
    # GPUs the calibration data was measured on.
    achieved_compute_share: float = 1.0
    achieved_bandwidth_share: float = 1.0

    def tflops(self, precision: str) -> float:
        """Dense tensor TFLOPs the precision computes at: fp4 on fp4 units where the GPU has them,
        else fp8, else bf16; int4 is weight-only (bf16 compute)."""
        if precision == "fp4":
            peak = self.fp4_tflops or self.fp8_tflops or self.bf16_tflops
        elif precision == "fp8":
            peak = self.fp8_tflops or self.bf16_tflops
        else:
            peak = self.bf16_tflops
        return peak * self.achieved_compute_share

    @property
    def attention_tflops(self) -> float:
        """Dense bf16 TFLOPs sustained-share adjusted: attention runs in bf16 whatever the weights."""
        return self.bf16_tflops * self.achieved_compute_share

    @property
    def memory_bytes(self) -> float:
        """Bytes of memory one GPU has: memory_gb in the unit its vendor's GB means."""
        return self.memory_gb * (GIB if self.memory_unit == "GiB" else GB)

    @property
    def bandwidth_bytes_per_second(self) -> float:
        return self.bandwidth_tb_s * 1e12 * self.achieved_bandwidth_share


@frozen
class MemoryBreakdown:
    """Memory of one replica, decimal GB (1e9 bytes), summed over its GPUs."""

    weights_gb: float
    kv_cache_gb: float
    reserve_gb: float
    total_available_gb: float


@frozen
class ReplicaSize:
    """Everything `tco size` prints and the engine uses, for one model on one GPU type."""

    model: str
    gpu: str
    precision: str
    parallelism: str
    gpus_per_replica: int
    memory: MemoryBreakdown
    kv_cache_tokens: float
    max_concurrency: int
    input_tokens_per_request: float
    output_tokens_per_request: float
    input_tokens_per_second_per_gpu: float
    output_tokens_per_second_per_gpu: float
    notes: tuple[str, ...] = field(default=())

    @property
    def effective_output_tokens_per_second_per_gpu(self) -> float:
        """O / (I/X + O/Y): output tokens per GPU-second for this request mix."""
        return effective_output_rate(self.input_tokens_per_request, self.output_tokens_per_request,
                                     self.input_tokens_per_second_per_gpu, self.output_tokens_per_second_per_gpu)


def effective_output_rate(input_tokens: float, output_tokens: float, x: float, y: float) -> float:
    """Output tokens per GPU-second when each request costs I/X + O/Y GPU-seconds."""
    return output_tokens / (input_tokens / x + output_tokens / y)


def kv_precision(model: ModelSpec, gpu: GpuSpec, precision: str) -> str:
    """The precision the KV cache is kept in: the precision's (fp8 for fp8 and fp4), except that attention
    with sinks (gpt-oss) keeps a bf16 cache on GPUs without fp4 units: the Hopper attention kernels that
    handle sinks read bf16 KV (TensorRT-LLM's gpt-oss recipe: "kv_cache dtype fp8 # Hopper: use auto")."""
    if model.attention_sinks and not gpu.fp4_tflops:
        return "bf16"
    return precision


def weight_bytes(model: ModelSpec, precision: str) -> float:
    """Bytes of all the model's weights at `precision`."""
    return model.weight_bytes(precision)


def _tp_factor(n: int, calibration: Calibration) -> float:
    return 1.0 + calibration.tp_falloff * math.log2(n)


def _experts_touched(experts: float, per_token: int, total_experts: int, tokens: float) -> float:
    """Expected number of `experts` (of `total_experts`) that `tokens` routed tokens touch, k each."""
    if tokens <= 0:
        return 0.0
    miss: float = (1.0 - per_token / total_experts) ** tokens
    return experts * (1.0 - miss)


@frozen
class _Layout:
    """Per-GPU view of a replica layout."""

    weights_per_gpu: float  # bytes held by each GPU
    kv_replication: float  # how many GPUs hold a copy of each token's KV
    batch_gpus: int  # GPUs that share one batch (tp: N; dep: 1, each GPU runs its own batch)


def _layout(model: ModelSpec, precision: str, n: int, parallelism: str) -> _Layout:
    total = weight_bytes(model, precision)
    if parallelism == "dep":
        dense = model.dense_params_b * 1e9 * BYTES_PER_WEIGHT[precision]
        experts = model.expert_params_b * 1e9 * model.expert_bytes_per_weight(precision)
        return _Layout(weights_per_gpu=dense + experts / n, kv_replication=1.0, batch_gpus=1)
    shards = 1 if model.attention == "mla" else min(n, max(1, model.kv_heads))
    return _Layout(weights_per_gpu=total / n, kv_replication=n / shards, batch_gpus=n)


def memory_fit(model: ModelSpec, gpu: GpuSpec, precision: str, n: int, parallelism: str,
               calibration: Calibration = CALIBRATION) -> tuple[MemoryBreakdown, float]:
    """The replica's memory breakdown and how many tokens of context its KV cache holds (may be < 0).

    GPU memory as vendors quote HBM parts is binary (an 80 GB H100 has 80 GiB; nvidia-smi shows
    81,559 MiB), so their memory_gb counts 2^30 bytes; GDDR cards' GB are decimal (a 48 GB L40S shows
    46,068 MiB), so theirs count 1e9 (`GpuSpec.memory_unit`). The usable share covers the CUDA context
    and fragmentation.
    """
    lay = _layout(model, precision, n, parallelism)
    available = n * gpu.memory_bytes * calibration.usable_memory_share
    reserve = n * calibration.reserve_gib_per_gpu * GIB
    weights = lay.weights_per_gpu * n
    kv = available - weights - reserve
    kv_tokens = kv / (model.kv_bytes_per_token(kv_precision(model, gpu, precision)) * lay.kv_replication)
    breakdown = MemoryBreakdown(weights_gb=weights / GB, kv_cache_gb=max(0.0, kv) / GB, reserve_gb=reserve / GB,
                                total_available_gb=available / GB)
    return breakdown, kv_tokens


def concurrency(model: ModelSpec, precision: str, kv_tokens: float, input_tokens: float,
                output_tokens: float) -> int:
    """How many requests of I + O tokens the KV cache holds at once (whole requests, worst case)."""
    per_sequence_tokens = input_tokens + output_tokens
    fixed = model.kv_bytes_per_sequence(precision) / model.kv_bytes_per_token(precision)
    if kv_tokens <= 0:
        return 0
    return max(0, math.floor(kv_tokens / (per_sequence_tokens + fixed)))


def smallest_replica(model: ModelSpec, gpu: GpuSpec, precision: str, input_tokens: float, output_tokens: float,
                     parallelism: str = "tp", calibration: Calibration = CALIBRATION) -> int:
    """The smallest GPU count in {1, 2, 4, 8} that holds the weights plus a useful KV cache.

    Useful: room for `min_useful_concurrency` requests of the workload's length at once; when no size
    has that room but one holds a request, 8 (the most KV cache per GPU). Raises TcoError when even 8
    GPUs cannot hold the weights and one request.
    """
    fallback: int | None = None
    for n in TP_SIZES:
        _, kv_tokens = memory_fit(model, gpu, precision, n, parallelism, calibration)
        fits = concurrency(model, kv_precision(model, gpu, precision), kv_tokens, input_tokens, output_tokens)
        if fits >= calibration.min_useful_concurrency:
            return n
        if fits >= 1 and fallback is None:
            fallback = n
    if fallback is not None:
        return 8
    breakdown, _ = memory_fit(model, gpu, precision, 8, parallelism, calibration)
    raise TcoError.single(
        "capacity", f"{model.key} in {precision} does not fit on 8 {gpu.key} GPUs: weights need "
        f"{breakdown.weights_gb:,.0f} GB and {breakdown.reserve_gb:,.0f} GB runtime reserve, 8 GPUs offer "
        f"{breakdown.total_available_gb:,.0f} GB usable, and a request of "
        f"{input_tokens + output_tokens:,.0f} tokens needs room in the KV cache too; use a smaller precision, "
        "a GPU with more memory, or give gpus_per_replica and throughput yourself",
        field="gpus_per_replica")


def size_replica(model: ModelSpec, gpu: GpuSpec, precision: str, input_tokens: float, output_tokens: float,
                 gpus_per_replica: int | None = None, parallelism: str = "tp",
                 calibration: Calibration = CALIBRATION) -> ReplicaSize:
    """Memory fit, concurrency and per-GPU throughput of `model` on `gpu` for requests of I in / O out tokens.

    Raises TcoError when the model does not fit, or `dep` is asked of a dense model.
    """
    check_replica(model, precision, gpus_per_replica, parallelism)
    if input_tokens < 0 or output_tokens <= 0:
        raise TcoError.single("capacity", "a request needs at least one output token and no negative input",
                              field="output_tokens")
    n = gpus_per_replica or smallest_replica(model, gpu, precision, input_tokens, output_tokens, parallelism,
                                             calibration)
    check_interconnect(gpu, n)
    breakdown, kv_tokens = memory_fit(model, gpu, precision, n, parallelism, calibration)
    kv_dtype = kv_precision(model, gpu, precision)
    fits = concurrency(model, kv_dtype, kv_tokens, input_tokens, output_tokens)
    if fits < 1:
        raise TcoError.single(
            "capacity", f"{model.key} in {precision} does not fit on {n} {gpu.key} GPU(s) with {parallelism}: "
            f"weights {breakdown.weights_gb:,.1f} GB + reserve {breakdown.reserve_gb:,.1f} GB leave no room for "
            f"the KV cache of one {input_tokens + output_tokens:,.0f}-token request in "
            f"{breakdown.total_available_gb:,.1f} GB usable", field="gpus_per_replica")
    notes: list[str] = [note] if (note := context_note(model, input_tokens, output_tokens)) else []
    if fits < calibration.min_useful_concurrency:
        notes.append(f"the KV cache holds only {fits} request(s) at once on {n} GPU(s): throughput is poor; "
                     "more GPUs per replica would serve more per GPU")
    try:
        x = _prefill_rate(model, gpu, precision, n, parallelism, input_tokens, calibration)
        # A paged KV cache holds each request's tokens as they come: over its life a request holds
        # I + O/2 on average, so the running batch is larger than the worst-case concurrency.
        running = max(fits, concurrency(model, kv_dtype, kv_tokens, input_tokens, output_tokens / 2))
        y = _decode_rate(model, gpu, precision, n, parallelism, input_tokens, output_tokens, running, calibration)
    except (ZeroDivisionError, OverflowError):  # a rate that underflowed to 0, or beyond a float
        x = y = math.inf
    if not all(computable(rate) and rate > 0 for rate in (x, y)):  # the guard every figure of tco passes
        raise TcoError.single("capacity", f"the capacity model's throughput for {model.key} on {gpu.key} is too "
                              "large to compute (beyond 1e300): check the GPU's and the model's table entries "
                              "(bandwidth, TFLOPS, sizes)", field="gpu")
    return ReplicaSize(model=model.key, gpu=gpu.key, precision=precision, parallelism=parallelism,
                       gpus_per_replica=n, memory=breakdown, kv_cache_tokens=max(0.0, kv_tokens),
                       max_concurrency=fits, input_tokens_per_request=input_tokens,
                       output_tokens_per_request=output_tokens, input_tokens_per_second_per_gpu=x,
                       output_tokens_per_second_per_gpu=y, notes=tuple(notes))


def check_replica(model: ModelSpec, precision: str, gpus_per_replica: int | None, parallelism: str) -> None:
    """Raises TcoError when the capacity model cannot size this replica: an unknown precision, an expert
    layout of a dense model, or a size other than 1, 2, 4 or 8 GPUs."""
    if precision not in BYTES_PER_WEIGHT:
        raise TcoError.single("capacity", f"unknown precision {precision!r}; one of {', '.join(PRECISIONS)}",
                              field="precision")
    if parallelism in ("dep", "tep") and not model.is_moe:
        what = ("attention data parallel" if parallelism == "dep" else "tensor-parallel attention") + \
            " + expert parallel"
        raise TcoError.single("capacity", f"parallelism {parallelism} ({what}) needs a mixture-of-experts model; "
                              f"{model.key} is dense: use tp", field="parallelism")
    if gpus_per_replica is not None and gpus_per_replica not in TP_SIZES:
        raise TcoError.single("capacity", f"gpus_per_replica {gpus_per_replica} cannot be sized: the capacity model "
                              "sizes replicas of 1, 2, 4 or 8 GPUs (one NVLink server; tensor parallelism splits "
                              "8 KV heads evenly); give throughput yourself for other layouts",
                              field="gpus_per_replica")


def check_interconnect(gpu: GpuSpec, n: int) -> None:
    """Raises TcoError when a replica of several GPUs has no interconnect to exchange activations over."""
    if gpu.interconnect_gb_s <= 0 and n > 1:
        raise TcoError.single("capacity", f"{gpu.key} has no interconnect_gb_s in gpus.yaml, and a replica of {n} "
                              "GPUs exchanges activations over it: add it (tco pricing set gpus), or use 1 GPU",
                              field="gpus_per_replica")


def context_note(model: ModelSpec, input_tokens: float, output_tokens: float) -> str | None:
    """A note when a request is longer than the model's context (fitting in memory is not fitting the model)."""
    if model.context and input_tokens + output_tokens > model.context:
        return (f"a request of {input_tokens + output_tokens:,.0f} tokens is longer than {model.key}'s context "
                f"of {model.context:,} tokens (models.yaml): the model cannot serve it as one request")
    return None


def _exchange_seconds_per_token(model: ModelSpec, gpu: GpuSpec, n: int, parallelism: str,
                                calibration: Calibration) -> float:
    """Interconnect time one token's activations cost each GPU of the replica, seconds.

    tp: two all-reduces of the hidden state per layer, each moving 2 (N-1)/N of it per GPU;
    dep: dispatch and combine of the token to the other GPUs holding any of its k experts, once per GPU
    (a token whose experts share a GPU is sent there once): (N-1) (1 - (1 - 1/N)^k) GPUs on average.
    """
    if n == 1:
        return 0.0
    if gpu.interconnect_gb_s <= 0:
        return math.inf
    link = gpu.interconnect_gb_s * 1e9 * calibration.interconnect_efficiency
    if parallelism == "dep":
        remote_gpus = (n - 1) * (1 - (1 - 1 / n) ** model.experts_per_token)
        moved = 2 * model.layers * model.hidden * ACTIVATION_BYTES * remote_gpus
        return moved / link
    moved = 2 * model.layers * model.hidden * ACTIVATION_BYTES * 2 * (n - 1) / n
    return moved / link


def _prefill_rate(model: ModelSpec, gpu: GpuSpec, precision: str, n: int, parallelism: str, input_tokens: float,
                  calibration: Calibration) -> float:
    """Input tokens per second per GPU: compute at the precision's TFLOPs, plus the activation exchange."""
    # The weights' matrix products run at the precision's rate; attention runs in bf16 whatever the
    # weights' precision (fp8/fp4 kernels quantise the weights, not the attention scores).
    efficiency = calibration.prefill_compute_efficiency / _tp_factor(n, calibration)
    # Routed experts run as many small grouped matrix products: `moe_efficiency` of a dense one.
    linear_seconds = _linear_seconds_per_token(model, gpu, precision, calibration) / efficiency
    attention_seconds = model.attention_flops_per_token(input_tokens / 2) / (gpu.attention_tflops * 1e12 * efficiency)
    # tp: the N GPUs share each token's FLOPs but all wait for its exchange, so per GPU the exchange
    # counts N times; dep: each GPU prefills its own tokens and exchanges only for them.
    exchange = _exchange_seconds_per_token(model, gpu, n, parallelism, calibration)
    seconds = linear_seconds + attention_seconds + (exchange if parallelism == "dep" else n * exchange)
    return _dep_share(parallelism, calibration) / seconds


def _decode_rate(model: ModelSpec, gpu: GpuSpec, precision: str, n: int, parallelism: str, input_tokens: float,
                 output_tokens: float, fits: int, calibration: Calibration) -> float:
    """Output tokens per second per GPU at the batch the KV cache (and the scheduler) allows."""
    context = input_tokens + output_tokens / 2  # average context a decode step attends to
    if parallelism == "dep":
        # Each GPU decodes its own batch, of the requests whose KV cache it holds (`fits` counts the
        # whole replica's); all GPUs' tokens reach the experts it holds.
        batch = min(fits / n, calibration.max_batch)
        gpus_sharing = 1
    else:
        batch = min(fits, calibration.max_batch)
        gpus_sharing = n
    step = decode_step_seconds(model, gpu, precision, n, parallelism, context, batch, calibration)
    return _dep_share(parallelism, calibration) * batch / step / gpus_sharing


def decode_step_seconds(model: ModelSpec, gpu: GpuSpec, precision: str, n: int, parallelism: str, context: float,
                        batch: float, calibration: Calibration) -> float:
    """Seconds of one decode step of `batch` requests attending to `context` tokens each.

    `batch` is what one batch holds: the replica's requests in `tp` and `tep` (the N GPUs share it),
    one GPU's in `dep` (each GPU runs its own). The step reads the dense weights once and the routed
    experts the step's tokens touch, plus every request's KV cache, at the memory bandwidth; or
    computes the batch at the tensor FLOPs, whichever takes longer; plus the activation exchange and
    the per-token passes over the hidden state.
    """
    falloff = _tp_factor(n, calibration)
    bandwidth = gpu.bandwidth_bytes_per_second * calibration.bandwidth_efficiency / falloff
    compute_efficiency = calibration.decode_compute_efficiency / falloff
    per_weight = BYTES_PER_WEIGHT[precision]
    lay = _layout(model, precision, n, parallelism)
    if parallelism == "dep":
        tokens_in_step = batch * n
        touched = _experts_touched(model.experts / n, model.experts_per_token, model.experts, tokens_in_step)
        gpus_sharing = 1
    else:
        touched = _experts_touched(model.experts, model.experts_per_token, model.experts, batch) if model.is_moe else 0
        gpus_sharing = n
    # Dense weights are read once per step; of the routed experts only those the step's tokens touch.
    expert_bytes = (model.expert_params_b * 1e9 * model.expert_bytes_per_weight(precision) / model.experts
                    if model.is_moe else 0.0)
    weights_read = model.dense_params_b * 1e9 * per_weight + touched * expert_bytes
    kv_dtype = kv_precision(model, gpu, precision)
    kv_read = batch * (context * model.kv_bytes_per_token(kv_dtype) + model.kv_bytes_per_sequence(kv_dtype))
    kv_read *= lay.kv_replication
    memory_seconds = (weights_read + kv_read) / (gpus_sharing * bandwidth)
    linear = batch * _linear_seconds_per_token(model, gpu, precision, calibration)
    attention = batch * model.attention_flops_per_token(context, decode=True) / (gpu.attention_tflops * 1e12)
    compute_seconds = (linear + attention) / (gpus_sharing * compute_efficiency)
    exchange = batch * _exchange_seconds_per_token(model, gpu, n, parallelism, calibration)
    overhead = batch * model.layers * calibration.decode_activation_passes * model.hidden * ACTIVATION_BYTES / (
        bandwidth * gpus_sharing)
    return max(memory_seconds, compute_seconds) + exchange + overhead


def _linear_seconds_per_token(model: ModelSpec, gpu: GpuSpec, precision: str, calibration: Calibration) -> float:
    """Seconds of one GPU's peak tensor FLOPs the weights' matrix products of one token take.

    Dense (attention, shared) weights run at the precision's rate. Routed experts run as many small
    grouped products, at `moe_efficiency` of a dense one; experts the checkpoint stores in MXFP4 run
    on fp4 units where the GPU has them and the precision is fp4, else dequantised to bf16 (W4A16).
    """
    dense = model.active_params_b - model.active_expert_params_b
    expert_tflops = gpu.tflops(precision)
    if model.expert_precision and not (precision == "fp4" and gpu.fp4_tflops):
        expert_tflops = gpu.tflops("bf16")
    experts = model.active_expert_params_b / calibration.moe_efficiency(model) if model.is_moe else 0.0
    return 2e9 * (dense / gpu.tflops(precision) + experts / expert_tflops) / 1e12


def _dep_share(parallelism: str, calibration: Calibration) -> float:
    """What attention data parallel + expert parallel loses to load imbalance between the GPUs (each
    step waits for the busiest one) and to synchronising every MoE layer: a calibrated share."""
    return calibration.dep_efficiency if parallelism == "dep" else 1.0


# Fields a table entry needs for the capacity model.
MODEL_FIELDS = ("params_b", "active_params_b", "layers", "hidden", "attention_heads", "kv_heads", "head_dim",
                 "kv_bytes_per_token_bf16")
GPU_FIELDS = ("memory_gb", "bandwidth_tb_s", "bf16_tflops")

F = TypeVar("F", bound=TableFields)
T = TypeVar("T")


def _fields(entry: Entry, table: str, model: type[F], names: tuple[str, ...]) -> F:
    """The entry's validated fields, with every one the capacity model needs; TcoError naming those missing."""
    fields = entry.fields
    if not isinstance(fields, model):
        raise TypeError(f"{entry.key} is an entry of {entry.table}.yaml, not of {table}.yaml")
    missing = [name for name in names if getattr(fields, name) is None]
    if missing:
        raise TcoError.single(f"pricing/{table}.yaml", f"{entry.key} lacks {', '.join(missing)}, which the capacity "
                              "model needs; add them (tco pricing set) or give throughput and gpus_per_replica",
                              field=entry.key)
    return fields


def _given(value: T | None) -> T:
    """A field `_fields` has found given."""
    assert value is not None
    return value


def model_spec(entry: Entry) -> ModelSpec:
    """A `ModelSpec` from a models.yaml entry's validated fields; TcoError naming what is missing or
    contradictory."""
    fields = _fields(entry, "models", ModelFields, MODEL_FIELDS)
    _consistent(entry.key, fields)
    return ModelSpec(
        key=entry.key, params_b=_given(fields.params_b), active_params_b=_given(fields.active_params_b),
        layers=_given(fields.layers), hidden=_given(fields.hidden), attention_heads=_given(fields.attention_heads),
        kv_heads=_given(fields.kv_heads), head_dim=_given(fields.head_dim),
        kv_bytes_per_token_bf16=_given(fields.kv_bytes_per_token_bf16),
        attention=fields.attention or "gqa", experts=fields.experts or 0,
        experts_per_token=fields.experts_per_token or 0,
        sliding_window=fields.sliding_window or 0,
        sliding_window_layers=fields.sliding_window_layers or 0,
        expert_precision=fields.expert_precision or None,
        context=fields.context or 0,
    )


def _consistent(key: str, fields: ModelFields) -> None:
    """Fields of one models.yaml entry that contradict each other (each may be valid alone, and an
    overlay may take them from two files): the capacity model would divide by zero or size nonsense."""
    def number(name: str) -> float:
        return float(getattr(fields, name) or 0)

    problems: list[tuple[str, str]] = []
    experts, per_token = number("experts"), number("experts_per_token")
    if experts > 1 and per_token > 0:
        if per_token >= experts:
            problems.append(("experts_per_token", f"{per_token:g} must be fewer than the {experts:g} experts"))
        elif number("active_params_b") >= number("params_b"):
            problems.append(("active_params_b", f"{number('active_params_b'):g} must be below params_b "
                             f"{number('params_b'):g} for a mixture-of-experts model ({per_token:g} of {experts:g} "
                             "experts active)"))
    elif number("active_params_b") > number("params_b"):
        problems.append(("active_params_b", f"{number('active_params_b'):g} must not exceed params_b "
                         f"{number('params_b'):g}"))
    if number("sliding_window_layers") >= number("layers"):
        problems.append(("sliding_window_layers", f"{number('sliding_window_layers'):g} must be fewer than the "
                         f"{number('layers'):g} layers (the others hold the cache that grows with context)"))
    if problems:
        raise TcoError([Problem("pricing/models.yaml", message, f"{key}.{name}")
                        for name, message in problems])


def gpu_spec(entry: Entry) -> GpuSpec:
    """A `GpuSpec` from a gpus.yaml entry's validated fields; TcoError naming what is missing.

    A GPU's FP8 or FP4 TFLOPs of 0 mean it has no such units, as null does; shares of 0 mean the default, 1.
    """
    fields = _fields(entry, "gpus", GpuFields, GPU_FIELDS)
    return GpuSpec(key=entry.key, memory_gb=_given(fields.memory_gb), bandwidth_tb_s=_given(fields.bandwidth_tb_s),
                   bf16_tflops=_given(fields.bf16_tflops), fp8_tflops=fields.fp8_tflops or None,
                   fp4_tflops=fields.fp4_tflops or None, interconnect_gb_s=fields.interconnect_gb_s or 0.0,
                   memory_unit=fields.memory_unit or "GiB",
                   achieved_compute_share=fields.achieved_compute_share or 1.0,
                   achieved_bandwidth_share=fields.achieved_bandwidth_share or 1.0)


def carry_measured(model: ModelSpec, gpu: GpuSpec, precision: str, gpus_per_replica: int, parallelism: str,
                   measured: tuple[float, float], measured_at: tuple[float, float], request: tuple[float, float],
                   calibration: Calibration = CALIBRATION) -> tuple[float, float]:
    """Measured per-GPU X and Y at one request shape, carried to another by the capacity model.

    A throughput.yaml entry states X and Y at the request shape they hold for (`measured_at`, input and
    output tokens). Another shape changes both (longer prompts cost more attention, longer contexts
    shrink the batch and lengthen the KV reads), by the ratio the model gives for the same replica:
    X' = X x X_model(request) / X_model(measured_at), and Y' likewise, rounded to 3 significant figures
    as the table's own figures are (so the figures an assumptions list shows are the ones used).
    Raises TcoError when the request does not fit the replica's memory.
    """
    if tuple(request) == tuple(measured_at):
        return measured
    at = size_replica(model, gpu, precision, *measured_at, gpus_per_replica, parallelism, calibration)
    now = size_replica(model, gpu, precision, *request, gpus_per_replica, parallelism, calibration)
    x, y = measured
    return (significant(x * now.input_tokens_per_second_per_gpu / at.input_tokens_per_second_per_gpu),
            significant(y * now.output_tokens_per_second_per_gpu / at.output_tokens_per_second_per_gpu))


def significant(value: float, digits: int = 3) -> float:
    """`value` rounded to `digits` significant figures (12,345 -> 12,300; 0.012345 -> 0.0123)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))

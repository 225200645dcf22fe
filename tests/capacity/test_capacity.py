"""The capacity model: memory fit, throughput, calibration, and its properties.

Hand-computed cases spell out the arithmetic in their docstrings; properties run over every model
and GPU of the bundled tables with hypothesis; the calibration test re-runs the fit's residuals
over the copies of the published measurements kept in benchmarks/data.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tco.capacity.model import (
    CALIBRATION,
    CALIBRATION_ROWS,
    CALIBRATION_WITHIN_1_5X_SHARE,
    CALIBRATION_WORST_FACTOR,
    GpuSpec,
    ModelSpec,
    _exchange_seconds_per_token,
    _linear_seconds_per_token,
    carry_measured,
    concurrency,
    gpu_spec,
    kv_precision,
    memory_fit,
    model_spec,
    size_replica,
    smallest_replica,
)
from tco.errors import TcoError
from tco.pricing.catalog import Catalog
from tests.conftest import examples

REPO = Path(__file__).resolve().parents[2]
CATALOG = Catalog()
MODEL_KEYS = ["llama-3.1-8b", "llama-3.1-70b", "llama-3.3-70b", "llama-3.1-405b", "mixtral-8x7b", "qwen2.5-72b",
              "qwen3-235b-a22b", "deepseek-v3", "deepseek-r1", "gpt-oss-20b", "gpt-oss-120b",
              "qwen3-32b", "qwen3-30b-a3b", "qwen3-8b", "minimax-m2.5", "kimi-k2.5"]
GPU_KEYS = ["h100-sxm", "h200", "b200", "a100-80gb", "l40s", "l4", "mi300x"]
PROPERTY_SETTINGS = examples(0.6, deadline=None, derandomize=True, database=None)


def model(key: str) -> ModelSpec:
    entry = CATALOG.get("models", key)
    assert entry is not None
    return model_spec(entry)


def gpu(key: str) -> GpuSpec:
    entry = CATALOG.get("gpus", key)
    assert entry is not None
    return gpu_spec(entry)


# --- tables -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", MODEL_KEYS)
def test_every_issue_model_has_what_the_capacity_model_needs(key: str) -> None:
    spec = model(key)
    assert spec.params_b >= spec.active_params_b > 0
    assert spec.kv_bytes_per_token_bf16 > 0
    entry = CATALOG.get("models", key)
    assert entry is not None and entry.get("source") and entry.get("as_of")


@pytest.mark.parametrize("key", GPU_KEYS)
def test_every_issue_gpu_has_what_the_capacity_model_needs(key: str) -> None:
    spec = gpu(key)
    assert spec.memory_gb > 0 and spec.bandwidth_tb_s > 0 and spec.bf16_tflops > 0 and spec.interconnect_gb_s > 0
    entry = CATALOG.get("gpus", key)
    assert entry is not None and entry.origin("interconnect_gb_s").citation


def test_architecture_layouts_are_the_models_own() -> None:
    """DeepSeek MLA: 576 latent elements x 61 layers x 2 bytes = 70,272 B/token; gpt-oss: 18 of 36 layers
    slide over 128 tokens; MoE expert split: DeepSeek (671.03 - 37.55) x 256/248 = 653.9B in experts."""
    assert model("deepseek-r1").attention == "mla"
    assert model("deepseek-r1").kv_bytes_per_token_bf16 == 70272
    oss = model("gpt-oss-120b")
    assert (oss.sliding_window, oss.sliding_window_layers, oss.full_attention_layers) == (128, 18, 18)
    assert model("deepseek-v3").expert_params_b == pytest.approx((671.03 - 37.55) * 256 / 248)


# --- memory -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["llama-3.1-70b", "llama-3.3-70b", "qwen2.5-72b"])
@pytest.mark.parametrize("gpu_key", ["h100-sxm", "a100-80gb"])
def test_a_bf16_70b_model_never_fits_one_80gb_gpu(key: str, gpu_key: str) -> None:
    with pytest.raises(TcoError, match="does not fit on 1"):
        size_replica(model(key), gpu(gpu_key), "bf16", 1000, 1000, gpus_per_replica=1)
    assert smallest_replica(model(key), gpu(gpu_key), "bf16", 1000, 1000) > 1


def test_llama_405b_in_fp8_needs_8_h100s() -> None:
    """405.85 GB of fp8 weights; 4 H100s offer 4 x 80 GiB x 0.95 = 326 GB usable, 8 offer 653 GB."""
    assert smallest_replica(model("llama-3.1-405b"), gpu("h100-sxm"), "fp8", 1000, 1000) == 8
    with pytest.raises(TcoError, match="does not fit on 4"):
        size_replica(model("llama-3.1-405b"), gpu("h100-sxm"), "fp8", 1000, 1000, gpus_per_replica=4)


def test_a_model_too_big_for_8_gpus_is_an_error_not_a_number() -> None:
    with pytest.raises(TcoError) as caught:
        size_replica(model("llama-3.1-405b"), gpu("l4"), "bf16", 1000, 1000)
    message = str(caught.value)
    assert "does not fit on 8 l4 GPUs" in message and "812 GB" in message


def test_memory_breakdown_by_hand() -> None:
    """Llama 3.1 70B, fp8, 2 x H100 (tp):
    usable   2 x 80 GiB x 0.95          = 2 x 85.89934592 GB x 0.95 = 163.2087572 GB
    reserve  2 x 2 GiB                  = 4.294967296 GB
    weights  70.55e9 params x 1 byte    = 70.55 GB
    KV       163.2087572 - 70.55 - 4.294967296 = 88.3637899 GB
    per token 327,680 B (bf16) / 2 = 163,840 B (fp8 KV), 8 KV heads split over 2 GPUs: no copies
    tokens   88.3637899e9 / 163,840 = 539,330.7; requests of 1,000 + 1,000 tokens: 269.
    """
    breakdown, kv_tokens = memory_fit(model("llama-3.1-70b"), gpu("h100-sxm"), "fp8", 2, "tp")
    assert breakdown.total_available_gb == pytest.approx(163.2087572, rel=1e-9)
    assert breakdown.reserve_gb == pytest.approx(4.294967296, rel=1e-9)
    assert breakdown.weights_gb == pytest.approx(70.55, rel=1e-9)
    assert breakdown.kv_cache_gb == pytest.approx(88.3637899, rel=1e-8)
    assert kv_tokens == pytest.approx(88.3637899e9 / 163840, rel=1e-8)
    assert concurrency(model("llama-3.1-70b"), "fp8", kv_tokens, 1000, 1000) == 269


def test_mla_cache_is_replicated_across_tensor_parallel_gpus_but_not_in_dep() -> None:
    """MLA's latent has no heads to split: with tp each GPU holds every token's latent, with dep
    (attention data parallel) each GPU holds only its own requests'."""
    ds, h200 = model("deepseek-r1"), gpu("h200")
    _, tp_tokens = memory_fit(ds, h200, "fp8", 8, "tp")
    breakdown, _ = memory_fit(ds, h200, "fp8", 8, "tp")
    assert tp_tokens == pytest.approx(breakdown.kv_cache_gb * 1e9 / (35136 * 8), rel=1e-9)
    dep, dep_tokens = memory_fit(ds, h200, "fp8", 8, "dep")
    assert dep_tokens > 5 * tp_tokens  # less room, but no copies
    assert dep.weights_gb > breakdown.weights_gb  # attention and dense layers on every GPU


def test_fp4_and_int4_weights_carry_their_scales() -> None:
    """NVFP4: 0.5 byte + one fp8 scale per 16 weights = 0.5625 B; int4 groups of 128 with a 16-bit
    scale: 0.515625 B."""
    spec = model("llama-3.1-405b")
    fp4, _ = memory_fit(spec, gpu("b200"), "fp4", 4, "tp")
    int4, _ = memory_fit(spec, gpu("b200"), "int4", 4, "tp")
    assert fp4.weights_gb == pytest.approx(405.85 * 0.5625)
    assert int4.weights_gb == pytest.approx(405.85 * 0.515625)


# --- throughput -----------------------------------------------------------------------------------

SIMPLE = dataclasses.replace(CALIBRATION, prefill_compute_efficiency=0.5, decode_compute_efficiency=0.5,
                             bandwidth_efficiency=0.5, tp_falloff=0.0, max_batch=10, decode_activation_passes=0.0)


def test_prefill_and_decode_by_hand() -> None:
    """Llama 3.1 8B, bf16, 1 x H100 (989.4 TFLOPs, 3.35 TB/s), all efficiencies 0.5, batch cap 10,
    1,000 in / 1,000 out.
    prefill: 2 x 8.03e9 = 16.06e9 FLOPs + attention 4 x 32 heads x 128 x 32 layers x 500 (half the
      prompt) = 262,144,000 FLOPs; at 494.7e12 FLOP/s: X = 494.7e12 / 16.322144e9 = 30,308.4 tok/s.
    decode: batch 10 (the KV cache holds far more); context 1,000 + 500; reads 16.06e9 B of weights +
      10 x 1,500 x 131,072 B = 1.96608e9 B of KV at 1.675e12 B/s = 10.7618 ms; compute 10 x (16.06e9
      + 4 x 32 x 128 x 32 x 1,500) / 494.7e12 = 0.34 ms, so memory bound: Y = 10 / 10.7618 ms = 929.2.
    """
    size = size_replica(model("llama-3.1-8b"), gpu("h100-sxm"), "bf16", 1000, 1000, 1, "tp", SIMPLE)
    assert size.input_tokens_per_second_per_gpu == pytest.approx(494.7e12 / 16.322144e9, rel=1e-9)
    assert size.output_tokens_per_second_per_gpu == pytest.approx(10 / ((16.06e9 + 1.96608e9) / 1.675e12),
                                                                  rel=1e-9)
    x, y = size.input_tokens_per_second_per_gpu, size.output_tokens_per_second_per_gpu
    assert size.effective_output_tokens_per_second_per_gpu == pytest.approx(1000 / (1000 / x + 1000 / y))


def test_moe_reads_only_the_experts_a_small_batch_touches() -> None:
    """Mixtral, bf16, 1 x H200, batch 1, 100 in / 100 out, no small-expert penalty: a token touches
    8 x (1 - (1 - 2/8)^1) = 2 experts per layer, so a step reads dense + 2 experts = the 12.88B active
    parameters (25.76e9 B), not all 46.7B, plus 150 x 131,072 B of KV, at 4.8e12 x 0.5 B/s."""
    one = dataclasses.replace(SIMPLE, max_batch=1, moe_half_efficiency_expert_params_m=0.0)
    size = size_replica(model("mixtral-8x7b"), gpu("h200"), "bf16", 100, 100, 1, "tp", one)
    assert size.output_tokens_per_second_per_gpu == pytest.approx(1 / ((25.76e9 + 150 * 131072) / 2.4e12),
                                                                  rel=1e-6)


def test_the_step_pays_its_passes_over_the_hidden_state() -> None:
    """The hand case above with 10 passes per layer: each token of the batch of 10 adds 32 layers x 10 x
    4,096 x 2 B = 2,621,440 B of activation traffic at 1.675e12 B/s to the step."""
    passes = dataclasses.replace(SIMPLE, decode_activation_passes=10.0)
    size = size_replica(model("llama-3.1-8b"), gpu("h100-sxm"), "bf16", 1000, 1000, 1, "tp", passes)
    step = (16.06e9 + 1.96608e9) / 1.675e12 + 10 * 32 * 10 * 4096 * 2 / 1.675e12
    assert size.output_tokens_per_second_per_gpu == pytest.approx(10 / step, rel=1e-9)


def test_gpt_oss_keeps_its_experts_in_mxfp4() -> None:
    """gpt-oss-120b: 116.83B parameters, 5.71B active, 4 of 128 experts, so the routed experts hold
    (116.83 - 5.71) x 128 / 124 = 114.70B and the rest is 2.13B. The experts stay MXFP4 (0.5 + 1/32 B) at
    every precision that is not smaller; the rest takes the precision's bytes."""
    spec = model("gpt-oss-120b")
    experts = (116.83 - 5.71) * 128 / 124
    dense = 116.83 - experts
    for precision, per_weight in (("bf16", 2.0), ("fp8", 1.0), ("fp4", 0.5625)):
        weights, _ = memory_fit(spec, gpu("h200"), precision, 1, "tp")
        assert weights.weights_gb == pytest.approx(dense * per_weight + experts * 0.53125)
    llama, _ = memory_fit(model("llama-3.1-70b"), gpu("h200"), "fp8", 1, "tp")
    assert llama.weights_gb == pytest.approx(70.55)  # no expert_precision: every weight at the precision


def test_attention_sinks_keep_a_bf16_kv_cache_on_gpus_without_fp4_units() -> None:
    """gpt-oss's attention sinks: the Hopper kernels read a bf16 KV cache, Blackwell's an fp8 one. The
    cache per token of gpt-oss-120b's 18 full-attention layers: 2 x 8 heads x 64 x 18 = 18,432 elements."""
    oss = model("gpt-oss-120b")
    assert (kv_precision(oss, gpu("h100-sxm"), "fp8"), kv_precision(oss, gpu("b200"), "fp4")) == ("bf16", "fp4")
    assert oss.kv_bytes_per_token(kv_precision(oss, gpu("h200"), "fp8")) == 18432 * 2
    assert oss.kv_bytes_per_token(kv_precision(oss, gpu("b200"), "fp8")) == 18432
    assert kv_precision(model("llama-3.1-70b"), gpu("h100-sxm"), "fp8") == "fp8"


def test_mxfp4_experts_compute_in_bf16_without_fp4_units() -> None:
    """gpt-oss-20b: routed experts (20.91 - 4.19) x 32 / 28 = 19.109B, 2.389B of them active per token,
    1.801B other active parameters; one expert in one layer is 19.109e3 / 32 / 24 = 24.88M parameters,
    so small experts reach 1 / (1 + 54 / 24.88) of a dense product's efficiency. On an H100 in fp8 the
    MXFP4 experts run dequantised at the bf16 rate (989.4 TFLOPs), the rest at fp8 (1,978.9)."""
    spec = model("gpt-oss-20b")
    experts = (20.91 - 4.19) * 32 / 28
    active_experts = experts * 4 / 32
    share = 1 / (1 + CALIBRATION.moe_half_efficiency_expert_params_m / (experts * 1e3 / 32 / 24))
    expected = 2e9 * ((4.19 - active_experts) / 1978.9 + active_experts / share / 989.4) / 1e12
    assert _linear_seconds_per_token(spec, gpu("h100-sxm"), "fp8", CALIBRATION) == pytest.approx(expected)
    on_b200 = 2e9 * ((4.19 - active_experts) / 9000 + active_experts / share / 9000) / 1e12
    assert _linear_seconds_per_token(spec, gpu("b200"), "fp4", CALIBRATION) == pytest.approx(on_b200)


def test_dep_sends_a_token_once_to_each_gpu_holding_its_experts() -> None:
    """Qwen3-235B-A22B, 8 of 128 experts, DEP4 on H200: each of the 3 other GPUs holds one of a token's
    experts with probability 1 - (3/4)^8, so a token goes to 3 x 0.89989 = 2.6997 GPUs, there and back,
    in all 94 layers: 2 x 94 x 4,096 x 2 B x 2.6997 at 450 GB/s x the interconnect efficiency."""
    link = 450e9 * CALIBRATION.interconnect_efficiency
    expected = 2 * 94 * 4096 * 2 * 3 * (1 - 0.75 ** 8) / link
    seconds = _exchange_seconds_per_token(model("qwen3-235b-a22b"), gpu("h200"), 4, "dep", CALIBRATION)
    assert seconds == pytest.approx(expected)


def test_dep_needs_a_mixture_of_experts_model() -> None:
    with pytest.raises(TcoError, match="needs a mixture-of-experts model"):
        size_replica(model("llama-3.1-70b"), gpu("h100-sxm"), "fp8", 1000, 1000, 2, "dep")


# --- calibration ----------------------------------------------------------------------------------

def _calibration_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibrate_capacity", REPO / "benchmarks" / "calibrate_capacity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibrate_capacity"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_calibration_residuals_stay_within_what_the_code_claims() -> None:
    """The factors in CALIBRATION against the 2,700 TensorRT-LLM measurements they were fitted to: the
    share within 1.5x and the worst factor that the assumptions list quotes."""
    script = _calibration_script()
    rows = script.calibration_rows()
    assert len(rows) == CALIBRATION_ROWS == 2700
    ratios = [math.exp(e) for e in script.log_errors(rows, CALIBRATION, script.predictor(CATALOG))]
    within = sum(1 for r in ratios if 1 / 1.5 <= r <= 1.5) / len(ratios)
    assert within >= CALIBRATION_WITHIN_1_5X_SHARE
    assert max(max(r, 1 / r) for r in ratios) <= CALIBRATION_WORST_FACTOR
    assert 0.9 < math.exp(sum(math.log(r) for r in ratios) / len(ratios)) < 1.1  # no overall bias


def test_every_bundled_measured_entry_meets_its_own_measurements() -> None:
    """throughput.yaml entries are the capacity model scaled to a configuration's published rows, then
    carried to each row's request shape: every row of the tco data set's file that an entry describes
    (same model, GPU, precision, replica) is met within the 1.46x the build reports."""
    script = _calibration_script()
    checked = 0
    for m in script.read(script.DATA / "throughput_refs_trtllm.csv"):
        entry = CATALOG.get("throughput", f"{m.model}/{m.gpu}/{m.precision}")
        if entry is None or (entry.get("gpus_per_replica"), entry.get("parallelism")) != (m.gpus, m.parallelism):
            continue
        x, y = carry_measured(model(m.model), gpu(m.gpu), m.precision, m.gpus, m.parallelism,
                              (entry.get("input_tokens_per_second"), entry.get("output_tokens_per_second")),
                              (entry.get("input_tokens"), entry.get("output_tokens")),
                              (m.input_tokens, m.output_tokens))
        ratio = m.output_tokens / (m.input_tokens / x + m.output_tokens / y) / m.measured
        assert 1 / 1.47 < ratio < 1.47, m.label
        checked += 1
    assert checked == 136


# --- properties ---------------------------------------------------------------------------------

lengths = st.integers(min_value=1, max_value=32768)


@PROPERTY_SETTINGS
@given(st.sampled_from(MODEL_KEYS), st.sampled_from(GPU_KEYS), st.sampled_from(["bf16", "fp8", "fp4"]),
       lengths, lengths, st.floats(min_value=1.0, max_value=4.0), st.sampled_from(["bandwidth", "tflops"]))
def test_more_bandwidth_or_flops_never_lowers_throughput(model_key: str, gpu_key: str, precision: str,
                                                         input_tokens: int, output_tokens: int, factor: float,
                                                         which: str) -> None:
    base = gpu(gpu_key)
    if which == "bandwidth":
        faster = dataclasses.replace(base, bandwidth_tb_s=base.bandwidth_tb_s * factor)
    else:
        faster = dataclasses.replace(base, bf16_tflops=base.bf16_tflops * factor,
                                     fp8_tflops=base.fp8_tflops and base.fp8_tflops * factor,
                                     fp4_tflops=base.fp4_tflops and base.fp4_tflops * factor)
    spec = model(model_key)
    try:
        slow = size_replica(spec, base, precision, input_tokens, output_tokens, 8)
    except TcoError:
        return
    fast = size_replica(spec, faster, precision, input_tokens, output_tokens, 8)
    tolerance = 1 - 1e-12
    assert fast.input_tokens_per_second_per_gpu >= slow.input_tokens_per_second_per_gpu * tolerance
    assert fast.output_tokens_per_second_per_gpu >= slow.output_tokens_per_second_per_gpu * tolerance
    assert fast.effective_output_tokens_per_second_per_gpu >= \
        slow.effective_output_tokens_per_second_per_gpu * tolerance


@PROPERTY_SETTINGS
@given(st.sampled_from(MODEL_KEYS), st.sampled_from(GPU_KEYS), st.sampled_from([1, 2, 4, 8]), lengths, lengths,
       lengths, lengths)
def test_longer_contexts_never_raise_concurrency(model_key: str, gpu_key: str, n: int, input_a: int,
                                                 output_a: int, more_in: int, more_out: int) -> None:
    spec = model(model_key)
    _, kv_tokens = memory_fit(spec, gpu(gpu_key), "fp8", n, "tp")
    short = concurrency(spec, "fp8", kv_tokens, input_a, output_a)
    long = concurrency(spec, "fp8", kv_tokens, input_a + more_in, output_a + more_out)
    assert long <= short


@PROPERTY_SETTINGS
@given(st.sampled_from(MODEL_KEYS), st.sampled_from(GPU_KEYS), lengths, lengths)
def test_fp8_never_needs_more_gpus_than_bf16(model_key: str, gpu_key: str, input_tokens: int,
                                             output_tokens: int) -> None:
    spec, card = model(model_key), gpu(gpu_key)
    try:
        bf16 = smallest_replica(spec, card, "bf16", input_tokens, output_tokens)
    except TcoError:
        bf16 = 16  # does not fit at all: fp8 may or may not
    try:
        fp8 = smallest_replica(spec, card, "fp8", input_tokens, output_tokens)
    except TcoError:
        assert bf16 == 16  # fp8 fails only where bf16 fails too
        return
    assert fp8 <= bf16


def test_dep_decodes_on_each_gpu_only_the_requests_whose_cache_it_holds() -> None:
    """Mixtral 8x7B, bf16, DEP2 on two 60 GiB H200s (all efficiencies 0.5, no batch cap, no exchange, no
    passes, dep share 1), 1,000 in / 1,000 out. Usable 2 x 60 GiB x 0.95 = 122.406e9 B, minus weights
    (dense 1.6067B on both GPUs, experts 45.093B once, 2 B each: 96.613e9 B) and 2 x 2 GiB reserve, leaves
    21.50e9 B = 164,000 tokens of KV (131,072 B each): 109 requests of I + O/2 = 1,500 tokens at once in the
    replica, each GPU holding its own, so a GPU's step runs 109 / 2 = 54.5 of them, not 109: it reads the
    dense weights (3.213e9 B), the 4 local experts the step's 109 tokens touch (4 x (1 - (1 - 2/8)^109) of
    45.093B / 8 parameters: 45.09e9 B) and 54.5 x 1,500 x 131,072 B = 10.72e9 B of KV at 2.4e12 B/s (memory
    bound): Y = 54.5 / 24.59 ms = 2,216 (with 109 per GPU it would be 3,751)."""
    calibration = dataclasses.replace(SIMPLE, max_batch=10**6, dep_efficiency=1.0, interconnect_efficiency=1e9,
                                      moe_half_efficiency_expert_params_m=0.0)
    small = dataclasses.replace(gpu("h200"), memory_gb=60.0)
    spec = model("mixtral-8x7b")
    size = size_replica(spec, small, "bf16", 1000, 1000, 2, "dep", calibration)
    _, kv_tokens = memory_fit(spec, small, "bf16", 2, "dep", calibration)
    running = math.floor(kv_tokens / 1500)
    assert running == 109
    batch = running / 2
    touched = 4 * (1 - (1 - 2 / 8) ** running)
    weights = spec.dense_params_b * 1e9 * 2 + touched * spec.expert_params_b * 1e9 * 2 / 8
    step = (weights + batch * 1500 * 131072) / 2.4e12
    assert size.output_tokens_per_second_per_gpu == pytest.approx(batch / step, rel=1e-6)

"""The latency model (tco/capacity/latency.py): its arithmetic, its monotonicity, and sizing at a target."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from textwrap import dedent

import pytest
from clirun import run
from hypothesis import given, settings
from hypothesis import strategies as st

from tco.capacity.latency import (
    CHUNK_TOKENS,
    ENGINE_EFFICIENCY,
    SLO_PRESETS,
    Replica,
    Slo,
    _scaled,
    kv_limit,
    latency_point,
    operating_point,
    plan_serving,
)
from tco.capacity.model import CALIBRATION, _prefill_rate, decode_step_seconds, gpu_spec, model_spec, size_replica
from tco.pricing.catalog import Catalog
from tco.scenario.loader import load_scenario

CATALOG = Catalog()


def spec(model: str, gpu: str) -> tuple[object, object]:
    m, g = CATALOG.get("models", model), CATALOG.get("gpus", gpu)
    assert m is not None and g is not None
    return model_spec(m), gpu_spec(g)


LLAMA_70B, H100 = spec("llama-3.1-70b", "h100-sxm")
LLAMA_8B, _ = spec("llama-3.1-8b", "h100-sxm")
DEEPSEEK, H200 = spec("deepseek-r1", "h200")
_, B200 = spec("llama-3.1-8b", "b200")


def replica(n: int = 2, engine: str = "vllm", model: object = LLAMA_70B, gpu: object = H100,
            precision: str = "fp8", layout: str = "tp") -> Replica:
    return Replica(model, gpu, precision, n, layout, engine)  # type: ignore[arg-type]


def test_cycle_is_the_prompts_of_all_requests_and_the_decode_steps() -> None:
    """By hand, from the two physical pieces the capacity model gives for a TP2 replica of 70B fp8 on
    H100s, serving 1,800 in / 350 out at c = 16 with vLLM's efficiencies:

    prefill = I / (N x X) seconds of the replica for one prompt; step = decode step of 16 requests
    attending to I + O/2 tokens, plus the fixed step time and two collectives per layer;
    cycle = overhead + c x prefill + (O - 1 + k) x step with k = ceil(1,800 / 8,192) = 1;
    TTFT = overhead + prefill + k x step + wait x (c - 1) x prefill;
    TPOT = step + (1 - wait) x (c - 1) x prefill / (O - 1); so TTFT + (O - 1) TPOT = cycle.
    """
    eff = ENGINE_EFFICIENCY["vllm"]
    tuned = _scaled(CALIBRATION, eff.bandwidth_share, eff.prefill_share, eff.compute_share)
    r = replica()
    x = _prefill_rate(LLAMA_70B, H100, "fp8", 2, "tp", 1800, tuned)  # type: ignore[arg-type]
    prefill = 1800 / (2 * x)
    step = decode_step_seconds(LLAMA_70B, H100, "fp8", 2, "tp", 1800 + 175, 16, tuned)  # type: ignore[arg-type]
    step += eff.step_overhead_ms / 1e3 + 2 * 80 * eff.collective_latency_us / 1e6
    k = math.ceil(1800 / CHUNK_TOKENS)
    assert k == 1
    ttft = eff.ttft_overhead_ms / 1e3 + prefill + step + eff.wait_share * 15 * prefill
    tpot = step + (1 - eff.wait_share) * 15 * prefill / 349
    cycle = eff.ttft_overhead_ms / 1e3 + 16 * prefill + 350 * step
    point = latency_point(r, 1800, 350, 16)
    assert point.ttft_ms == pytest.approx(ttft * 1e3, rel=1e-12)
    assert point.tpot_ms == pytest.approx(tpot * 1e3, rel=1e-12)
    assert (point.ttft_ms + 349 * point.tpot_ms) / 1e3 == pytest.approx(cycle, rel=1e-12)
    assert point.output_tokens_per_second_per_gpu == pytest.approx(16 * 350 / cycle / 2, rel=1e-12)
    assert point.tokens_per_second_per_user == pytest.approx(1000 / point.tpot_ms)
    # X and Y at the point bill exactly the cycle: I/X + O/Y = N x cycle / c GPU-seconds a request.
    gpu_seconds = 1800 / point.input_tokens_per_second_per_gpu + 350 / point.decode_tokens_per_second_per_gpu
    assert gpu_seconds == pytest.approx(2 * cycle / 16, rel=1e-12)
    assert point.input_tokens_per_second_per_gpu == pytest.approx(x, rel=1e-12)


def test_requests_beyond_the_kv_cache_queue_for_a_place() -> None:
    """Above the KV limit L the replica runs L and the others wait: throughput stays that of L, TPOT too,
    and TTFT grows by the wait, cycle x (c / L - 1)."""
    r = replica(n=1, gpu=H200)
    limit = kv_limit(r, 8000, 1000)
    at, over = latency_point(r, 8000, 1000, limit), latency_point(r, 8000, 1000, 2 * limit)
    assert over.queued and not at.queued
    assert over.tpot_ms == pytest.approx(at.tpot_ms)
    assert over.output_tokens_per_second_per_gpu == pytest.approx(at.output_tokens_per_second_per_gpu)
    cycle = (at.ttft_ms + 999 * at.tpot_ms)
    assert over.ttft_ms == pytest.approx(at.ttft_ms + cycle, rel=1e-9)


def test_a_dense_model_has_no_expert_layouts_and_replicas_are_1_2_4_or_8() -> None:
    from tco.errors import TcoError

    with pytest.raises(TcoError, match="mixture-of-experts"):
        latency_point(replica(layout="tep"), 1000, 100, 4)
    with pytest.raises(TcoError, match="1, 2, 4 or 8"):
        latency_point(replica(n=3), 1000, 100, 4)
    assert latency_point(replica(n=8, model=DEEPSEEK, gpu=H200, layout="tep"), 1000, 100, 4).tpot_ms > 0


CONFIGS = [(LLAMA_70B, H100, "fp8", 2, "tp"), (LLAMA_8B, H100, "bf16", 1, "tp"), (DEEPSEEK, H200, "fp8", 8, "dep"),
           (DEEPSEEK, H200, "fp8", 8, "tep"), (LLAMA_70B, B200, "fp4", 4, "tp")]
shapes = st.tuples(st.integers(0, 16000), st.integers(1, 4000))


@settings(deadline=None)
@given(config=st.sampled_from(CONFIGS), engine=st.sampled_from(["vllm", "sglang", "trtllm"]), shape=shapes,
       c=st.integers(1, 600))
def test_latency_never_falls_and_throughput_never_falls_as_requests_are_added(
        config: tuple, engine: str, shape: tuple[int, int], c: int) -> None:
    model, gpu, precision, n, layout = config
    r = Replica(model, gpu, precision, n, layout, engine)
    if kv_limit(r, *shape) < 1:
        return
    one, more = latency_point(r, *shape, c), latency_point(r, *shape, c + 1)
    assert more.ttft_ms >= one.ttft_ms * (1 - 1e-12)
    assert more.tpot_ms >= one.tpot_ms * (1 - 1e-12)
    assert more.output_tokens_per_second_per_gpu >= one.output_tokens_per_second_per_gpu * (1 - 1e-12)


@settings(deadline=None)
@given(config=st.sampled_from(CONFIGS), engine=st.sampled_from(["vllm", "sglang", "trtllm"]), shape=shapes,
       c=st.integers(1, 300), bandwidth=st.floats(1.0, 4.0), flops=st.floats(1.0, 4.0))
def test_more_bandwidth_or_flops_never_slows_anything(config: tuple, engine: str, shape: tuple[int, int], c: int,
                                                      bandwidth: float, flops: float) -> None:
    model, gpu, precision, n, layout = config
    faster_gpu = dataclasses.replace(gpu, bandwidth_tb_s=gpu.bandwidth_tb_s * bandwidth,
                                     bf16_tflops=gpu.bf16_tflops * flops,
                                     fp8_tflops=gpu.fp8_tflops and gpu.fp8_tflops * flops,
                                     fp4_tflops=gpu.fp4_tflops and gpu.fp4_tflops * flops)
    slow, fast = Replica(model, gpu, precision, n, layout, engine), Replica(model, faster_gpu, precision, n, layout,
                                                                            engine)
    if kv_limit(slow, *shape) < 1:
        return
    a, b = latency_point(slow, *shape, c), latency_point(fast, *shape, c)
    assert b.ttft_ms <= a.ttft_ms * (1 + 1e-12)
    assert b.tpot_ms <= a.tpot_ms * (1 + 1e-12)
    assert b.output_tokens_per_second_per_gpu >= a.output_tokens_per_second_per_gpu * (1 - 1e-12)


PRESETS_TIGHT_TO_LOOSE = ["voice", "chat", "rag", "agentic", "batch"]


@pytest.mark.parametrize("config", CONFIGS[:3], ids=["70b-h100", "8b-h100", "r1-h200-dep"])
@pytest.mark.parametrize("shape", [(1000, 200), (4000, 500), (500, 2000)])
def test_the_operating_point_is_the_largest_concurrency_meeting_the_target(config: tuple,
                                                                           shape: tuple[int, int]) -> None:
    model, gpu, precision, n, layout = config
    r = Replica(model, gpu, precision, n, layout, "vllm")
    for name in PRESETS_TIGHT_TO_LOOSE:
        slo = SLO_PRESETS[name]
        point, best = operating_point(r, *shape, slo)
        if point is None:
            assert not best.meets(slo.ttft_ms, slo.tpot_ms)
            continue
        assert point.ttft_ms <= slo.ttft_ms and point.tpot_ms <= slo.tpot_ms  # type: ignore[operator]
        if point.concurrency < kv_limit(r, *shape):
            assert not latency_point(r, *shape, point.concurrency + 1).meets(slo.ttft_ms, slo.tpot_ms)


@pytest.mark.parametrize("config", CONFIGS[:3], ids=["70b-h100", "8b-h100", "r1-h200-dep"])
def test_a_tighter_target_never_costs_less_per_token(config: tuple) -> None:
    """Plan_serving picks the cheapest size per token among those meeting the target: a tighter target
    leaves fewer (size, concurrency) choices, so the GPU-seconds per output token never fall."""
    model, gpu, precision, _, layout = config
    costs = []
    for name in PRESETS_TIGHT_TO_LOOSE:
        plan = plan_serving(model, gpu, precision, layout, "vllm", 2000, 400, SLO_PRESETS[name])  # type: ignore
        costs.append(math.inf if plan.point is None else 1 / plan.point.output_tokens_per_second_per_gpu)
    assert costs == sorted(costs, reverse=True)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(dedent(text))
    return path


SCENARIO = """\
    name: t
    workload: {{requests_per_day: 200K, input_tokens_per_request: 2000, output_tokens_per_request: 400}}
    options:
      - {{name: G, kind: api, model: openai/gpt-4.1}}
      - {{name: L, kind: self_hosted, model: llama-3.1-70b, gpu: h100-sxm, precision: fp8, cloud: lambda{extra}}}
"""


def gpus_at_end(tmp_path: Path, extra: str) -> int:
    loaded = load_scenario(write(tmp_path, SCENARIO.format(extra=extra)))
    from tco.scenario.compare import compare_inputs

    return compare_inputs(loaded.inputs).option("L").months[-1].gpus


def test_a_tighter_target_never_needs_fewer_gpus(tmp_path: Path) -> None:
    fleets = [gpus_at_end(tmp_path, f", slo: {name}") for name in ["chat", "rag", "agentic", "batch", "none"]]
    assert fleets == sorted(fleets, reverse=True)
    assert fleets[0] > fleets[-1]


def test_trtllm_at_no_target_keeps_the_measured_offline_figures(tmp_path: Path) -> None:
    """engine trtllm, slo none: the measured llama-3.1-70b/h100-sxm/fp8 entry, carried to 2,000/400 as before."""
    loaded = load_scenario(write(tmp_path, SCENARIO.format(extra=", engine: trtllm, slo: none")))
    option = loaded.inputs.options[1]
    entry = CATALOG.get("throughput", "llama-3.1-70b/h100-sxm/fp8")
    assert entry is not None and option.throughput_source == "measured"  # type: ignore[union-attr]
    from tco.capacity.tables import carried_figures

    model, gpu = CATALOG.get("models", "llama-3.1-70b"), CATALOG.get("gpus", "h100-sxm")
    assert model is not None and gpu is not None
    expected = carried_figures(CATALOG, entry, model, gpu, "fp8", (1000.0, 1000.0), (2000.0, 400.0))
    assert (option.input_tokens_per_second, option.output_tokens_per_second) == expected  # type: ignore[union-attr]
    assert option.gpus_per_replica == entry.get("gpus_per_replica")  # type: ignore[union-attr]


def test_trtllm_estimates_at_no_target_are_the_capacity_models(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, SCENARIO.format(extra=", engine: trtllm, slo: none")
                                 .replace("llama-3.1-70b", "qwen2.5-72b")))
    option = loaded.inputs.options[1]
    size = size_replica(*spec("qwen2.5-72b", "h100-sxm"), "fp8", 2000, 400)  # type: ignore[arg-type]
    from tco.capacity.model import significant

    assert option.throughput_source == "estimated"  # type: ignore[union-attr]
    assert option.input_tokens_per_second == significant(size.input_tokens_per_second_per_gpu)  # type: ignore
    assert option.output_tokens_per_second == significant(size.output_tokens_per_second_per_gpu)  # type: ignore


def test_the_assumptions_name_engine_target_point_and_rates(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, SCENARIO.format(extra="")))
    found = {a.field: a for a in loaded.assumptions}
    assert found["options.L.engine"].value == "vllm"
    assert found["options.L.slo"].value == "chat (TTFT <= 800 ms, TPOT <= 30 ms)"
    assert "ConfigIQ" in found["options.L.slo"].source
    serving = loaded.inputs.options[1].serving  # type: ignore[union-attr]
    assert serving is not None and found["options.L.concurrency"].value == serving.concurrency
    assert serving.ttft_ms <= 800 and serving.tpot_ms <= 30
    assert "latency model" in found["options.L.throughput.output_tokens_per_second"].source
    n = loaded.inputs.options[1].gpus_per_replica  # type: ignore[union-attr]
    plan = plan_serving(LLAMA_70B, H100, "fp8", "tp", "vllm", 2000, 400, SLO_PRESETS["chat"])  # type: ignore
    assert n == plan.gpus_per_replica and plan.point is not None
    assert serving.concurrency == plan.point.concurrency



def test_an_unreachable_target_is_one_line_with_the_best_the_hardware_reaches(tmp_path: Path) -> None:
    path = write(tmp_path, SCENARIO.format(extra=", slo: {ttft_ms: 20, tpot_ms: 2}"))
    code, out, err = run("compare", str(path))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:5:") and "options[1].slo" in lines[0]
    assert "the best it reaches is TTFT" in lines[0] and "TTFT <= 20 ms, TPOT <= 2 ms" in lines[0]


def test_a_misspelt_preset_gets_a_suggestion(tmp_path: Path) -> None:
    code, out, err = run("compare", str(write(tmp_path, SCENARIO.format(extra=", slo: chta"))))
    assert code == 1 and out == ""
    assert "unknown latency target 'chta'; did you mean 'chat'?" in err


def test_a_custom_target_may_leave_one_out(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, SCENARIO.format(extra=", slo: {tpot_ms: 50}")))
    serving = loaded.inputs.options[1].serving  # type: ignore[union-attr]
    assert serving is not None and serving.tpot_ms <= 50 and serving.ttft_target_ms is None
    assert serving.slo == "TPOT <= 50 ms"


def test_a_custom_target_states_at_least_one_time_and_no_preset(tmp_path: Path) -> None:
    """`slo: {}` would size at no target without saying so, and `{preset: chat, ttft_ms: 100}` would drop the
    100 ms: both are errors that name the field, as any other bad target is."""
    for extra, expected in ((", slo: {}", "options[1].slo: give ttft_ms, tpot_ms or both"),
                            (", slo: {preset: chat, ttft_ms: 100}",
                             "options[1].slo: a custom target is {ttft_ms, tpot_ms}")):
        code, out, err = run("compare", str(write(tmp_path, SCENARIO.format(extra=extra))))
        assert code == 1 and out == "", extra
        assert expected in err, err


def test_inline_throughput_keeps_its_figures_and_says_engine_and_slo_are_ignored(tmp_path: Path) -> None:
    text = SCENARIO.format(extra=", slo: chat, throughput: {input_tokens_per_second: 5000, "
                                 "output_tokens_per_second: 900}")
    loaded = load_scenario(write(tmp_path, text))
    option = loaded.inputs.options[1]
    assert (option.input_tokens_per_second, option.output_tokens_per_second) == (5000, 900)  # type: ignore
    assert option.serving is None  # type: ignore[union-attr]
    assert any("engine and slo are ignored" in w for w in loaded.warnings)


def test_presets_are_configiqs() -> None:
    assert {k: (v.ttft_ms, v.tpot_ms) for k, v in SLO_PRESETS.items()} == {
        "chat": (800, 30), "rag": (1500, 40), "agentic": (3000, 50), "batch": (10000, 100), "voice": (200, 15)}
    assert Slo("custom", None, 40).describe() == "TPOT <= 40 ms"


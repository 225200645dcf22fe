"""The capacity model's memory units (GDDR cards in GB and GiB) and the replica sizes `tco size` accepts."""

from __future__ import annotations

import pytest
from clirun import invoke

from tco.capacity.model import GB, GIB, gpu_spec, memory_fit, model_spec
from tco.pricing.catalog import Catalog

CATALOG = Catalog()


def spec(table: str, key: str):  # type: ignore[no-untyped-def]
    entry = CATALOG.get(table, key)
    assert entry is not None
    return (model_spec if table == "models" else gpu_spec)(entry)


@pytest.mark.parametrize(("key", "total_bytes"), [("l40s", 46068 * 2**20), ("l4", 23034 * 2**20)])
def test_gddr_cards_are_quoted_in_decimal_gb_so_usable_memory_stays_below_what_the_card_has(
        key: str, total_bytes: int) -> None:
    """The L40S is sold as 48 GB and nvidia-smi shows 46,068 MiB (48.3e9 bytes); the L4 as 24 GB, 23,034 MiB
    (24.2e9 bytes). Read as GiB they would offer 48 x 2^30 x 0.95 = 49.0e9 bytes, more than the card holds.
    Read as GB: 48e9 x 0.95 = 45.6e9 (L40S), 24e9 x 0.95 = 22.8e9 (L4)."""
    breakdown, _ = memory_fit(spec("models", "llama-3.1-8b"), spec("gpus", key), "fp8", 1, "tp")
    assert breakdown.total_available_gb * GB < total_bytes
    assert breakdown.total_available_gb == pytest.approx(spec("gpus", key).memory_gb * 0.95)


@pytest.mark.parametrize("key", ["h100-sxm", "h200", "b200", "a100-80gb", "mi300x"])
def test_hbm_cards_keep_binary_gb(key: str) -> None:
    """An 80 GB H100 shows 81,559 MiB: HBM parts' GB are GiB (docs/capacity.md)."""
    breakdown, _ = memory_fit(spec("models", "llama-3.1-8b"), spec("gpus", key), "fp8", 1, "tp")
    assert breakdown.total_available_gb == pytest.approx(spec("gpus", key).memory_gb * GIB * 0.95 / GB)


@pytest.mark.parametrize("n", [3, 5, 6, 7, 16, 64])
def test_size_rejects_a_replica_that_is_not_1_2_4_or_8_gpus(n: int) -> None:
    """The capacity model sizes tensor/expert-parallel replicas of 1, 2, 4 or 8 GPUs in one NVLink domain
   ; 3 does not divide 8 KV heads and 16 spans two servers. A usage error, one line, no traceback."""
    result = invoke(["size", "--model", "llama-3.1-70b", "--gpu", "h100-sxm",
                                      "--gpus-per-replica", str(n)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "1, 2, 4 or 8" in result.stderr and "Traceback" not in result.stderr


# --- the capacity model's properties over EVERY bundled model x GPU (the hypothesis tests in test_capacity.py sample
# 60 of the 77 pairs, at 8 GPUs and tp only; this grid leaves none out) ----------------------------------

MODEL_KEYS = sorted(CATALOG.keys("models"))
GPU_KEYS = sorted(CATALOG.keys("gpus"))
SHAPES = [(128, 128), (1000, 1000), (8192, 1024), (1024, 8192)]


def _layouts(model_key: str) -> list[tuple[int, str]]:
    dep = [(n, "dep") for n in (2, 4, 8)] if spec("models", model_key).is_moe else []
    return [(n, "tp") for n in (1, 2, 4, 8)] + dep


@pytest.mark.parametrize("model_key", MODEL_KEYS)
def test_more_bandwidth_or_flops_never_lowers_throughput_on_any_gpu(model_key: str) -> None:
    import dataclasses

    from tco.capacity.model import size_replica
    from tco.errors import TcoError

    model = spec("models", model_key)
    for gpu_key in GPU_KEYS:
        base = spec("gpus", gpu_key)
        faster = [dataclasses.replace(base, bandwidth_tb_s=base.bandwidth_tb_s * 1.7),
                  dataclasses.replace(base, bf16_tflops=base.bf16_tflops * 1.7,
                                      fp8_tflops=base.fp8_tflops and base.fp8_tflops * 1.7,
                                      fp4_tflops=base.fp4_tflops and base.fp4_tflops * 1.7)]
        for precision in ("bf16", "fp8", "fp4", "int4"):
            for n, layout in _layouts(model_key):
                for i, o in SHAPES:
                    try:
                        slow = size_replica(model, base, precision, i, o, n, layout)
                    except TcoError:
                        continue
                    for card in faster:
                        fast = size_replica(model, card, precision, i, o, n, layout)
                        case = (gpu_key, precision, n, layout, i, o)
                        tolerance = 1 - 1e-12
                        x_slow, y_slow = slow.input_tokens_per_second_per_gpu, slow.output_tokens_per_second_per_gpu
                        assert fast.input_tokens_per_second_per_gpu >= x_slow * tolerance, case
                        assert fast.output_tokens_per_second_per_gpu >= y_slow * tolerance, case


@pytest.mark.parametrize("model_key", MODEL_KEYS)
def test_longer_contexts_never_raise_concurrency_on_any_gpu(model_key: str) -> None:
    from tco.capacity.model import concurrency

    model = spec("models", model_key)
    for gpu_key in GPU_KEYS:
        for precision in ("bf16", "fp8", "fp4", "int4"):
            for n, layout in _layouts(model_key):
                _, kv_tokens = memory_fit(model, spec("gpus", gpu_key), precision, n, layout)
                last = None
                for context in (1, 128, 1000, 4096, 32768, 131072):
                    fits = concurrency(model, precision, kv_tokens, context, 1)
                    assert last is None or fits <= last, (gpu_key, precision, n, layout, context)
                    last = fits


@pytest.mark.parametrize("model_key", MODEL_KEYS)
def test_fp8_never_needs_more_gpus_than_bf16_on_any_gpu(model_key: str) -> None:
    from tco.capacity.model import smallest_replica
    from tco.errors import TcoError

    model = spec("models", model_key)
    for gpu_key in GPU_KEYS:
        for i, o in SHAPES:
            try:
                bf16 = smallest_replica(model, spec("gpus", gpu_key), "bf16", i, o)
            except TcoError:
                bf16 = 16
            try:
                fp8 = smallest_replica(model, spec("gpus", gpu_key), "fp8", i, o)
            except TcoError:
                assert bf16 == 16, (gpu_key, i, o)
                continue
            assert fp8 <= bf16, (gpu_key, i, o)


def test_a_scenario_replica_of_3_gpus_without_throughput_is_an_error_at_its_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without measured or given figures the capacity model must size the replica (TensorRT-LLM at slo none: its
    offline estimate); 3 GPUs is none it sizes."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nworkload:\n  requests_per_day: 30K\n  input_tokens_per_request: 1500\n"
                        "  output_tokens_per_request: 300\noptions:\n  - name: API\n    kind: api\n"
                        "    model: openai/gpt-4.1\n  - name: Qwen\n    kind: self_hosted\n"
                        "    model: qwen3-235b-a22b\n    gpu: h200\n    precision: fp8\n    engine: trtllm\n"
                        "    slo: none\n    gpus_per_replica: 3\n")
    result = invoke(["compare", str(scenario)])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{scenario}:17:23: options[1].gpus_per_replica: gpus_per_replica 3 cannot be sized" in result.stderr

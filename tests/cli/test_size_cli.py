"""`tco size` through typer's CliRunner: stdout, stderr and exit code apart.

Measured throughput.yaml entries are TensorRT-LLM's offline maximum, so the tests of how they are
carried use `--engine trtllm --slo none` (a scenario: `engine: trtllm`, `slo: none`); the latency
curve, targets and the other engines are in the second half."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from clirun import run
from hypothesis import given
from hypothesis import strategies as st

from tco.capacity.model import GpuSpec, ModelSpec, gpu_spec, model_spec, size_replica
from tco.defaults import DEFAULTS
from tco.pricing.catalog import Catalog
from tco.scenario.compare import compare_file
from tests.conftest import examples

REQUIRED_KEYS = {"model", "gpu", "precision", "gpus_per_replica", "memory_gb", "max_concurrency",
                 "input_tokens_per_second_per_gpu", "output_tokens_per_second_per_gpu",
                 "effective_output_tokens_per_second_per_gpu", "source"}


def specs(model_key: str, gpu_key: str) -> tuple[ModelSpec, GpuSpec]:
    """The capacity model's view of two bundled table entries."""
    catalog = Catalog()
    model_entry, gpu_entry = catalog.get("models", model_key), catalog.get("gpus", gpu_key)
    assert model_entry is not None and gpu_entry is not None
    return model_spec(model_entry), gpu_spec(gpu_entry)




OFFLINE_TRTLLM = ("--engine", "trtllm", "--slo", "none")  # where the measured entries apply


MEASURED_TABLE = """\
llama-3.1-8b on l40s, fp8
  Request                            1,800 input + 350 output tokens
  Engine                             trtllm
  Latency target                     none: the offline maximum, at the most requests the KV cache holds
  Replica                            1 GPU(s), tp
  Memory, whole replica
    weights                          8.0 GB
    KV cache                         35.4 GB
    runtime reserve                  2.1 GB
    usable in total                  45.6 GB
  Max concurrency                    251 requests
  Input tokens/s per GPU             52,600
  Output tokens/s per GPU            3,160
  Effective output tokens/s per GPU  2,414 (output / (input/X + output/Y) per request)
  Throughput source                  measured
  Cost                               $0.0290 per 1M tokens (input + output) at $1.55/GPU-hour (nebius), every GPU fully busy
  Latency of one replica (1 GPU(s), tp, trtllm), mean per request, by requests in flight
    In flight  TTFT ms  TPOT ms  Tokens/s per user  Output tokens/s per GPU  Cost per 1M tokens
            1      241     14.1               70.8                       68             $1.0337
            2      248     14.6               68.5                      131             $0.5341
            4      262     15.5               64.4                      246             $0.2843
            8      291     17.4               57.4                      439             $0.1594
           16      349     21.2               47.1                      722             $0.0970
           32      464     28.8               34.7                    1,065             $0.0658
           64      694     44.0               22.7                    1,396             $0.0501
          128    1,155     74.3               13.5                    1,654             $0.0423
          251    2,040    132.6                7.5                    1,818             $0.0385
          256    3,003    132.6                7.5                    1,818             $0.0385  queued
  note: measured: TensorRT-LLM 0.17 trtllm-bench offline max throughput, TP1 on 1 GPU(s), FP8 (weights+KV FP8): 9 fixed input/output lengths (128-20000 in, 128-4096 out); X, Y at 1,000 in / 1,000 out: the capacity model's figures for this replica x 1.403, the geometric mean of measured / estimated over the 9 measurements, which the scaled model meets within a factor of 1.46; other request shapes are carried from there by the capacity model
  note: measured at 1,000 in / 1,000 out tokens per request; carried to 1,800 in / 350 out by the capacity model
  note: at 256 requests in flight a replica, more than the 251 the KV cache holds at once, the others queue for a place: their wait adds to TTFT, not to throughput
"""  # noqa: E501


def test_size_table_for_a_measured_case() -> None:
    """pricing/throughput.yaml llama-3.1-8b/l40s/fp8 gives X 53,900 and Y 3,950 at 1,000 in / 1,000 out;
    the capacity model carries them to 1,800 / 350 on the same TP1 replica (X x X_model(1800, 350) /
    X_model(1000, 1000), Y likewise). Effective: 350 / (1800/X + 350/Y); cost: (1800/X + 350/Y) s x
    $1.5484/h / 3600 / 2150 tokens x 1e6. Memory: the L40S's 48 GB are decimal (GDDR6), 48e9 x 0.95 =
    45.6 GB usable, 8.03 GB weights, 2 GiB reserve, 35.4 GB KV cache at 65,536 bytes per fp8 token ->
    540,500 tokens / 2,150 = 251 requests."""
    result = run("size", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8", "--input-tokens", 1800,
                 "--output-tokens", 350, *OFFLINE_TRTLLM)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == MEASURED_TABLE
    spec, card = specs("llama-3.1-8b", "l40s")
    at = size_replica(spec, card, "fp8", 1000, 1000, 1, "tp")
    now = size_replica(spec, card, "fp8", 1800, 350, 1, "tp")
    x = float(f"{53900 * now.input_tokens_per_second_per_gpu / at.input_tokens_per_second_per_gpu:.3g}")
    y = float(f"{3950 * now.output_tokens_per_second_per_gpu / at.output_tokens_per_second_per_gpu:.3g}")
    data = json.loads(run("size", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8",
                          "--input-tokens", 1800, "--output-tokens", 350, *OFFLINE_TRTLLM, "-f", "json").stdout)
    assert data["input_tokens_per_second_per_gpu"] == round(x, 1)
    assert data["output_tokens_per_second_per_gpu"] == round(y, 1)
    assert data["effective_output_tokens_per_second_per_gpu"] == round(350 / (1800 / x + 350 / y), 1)
    assert data["cost_per_million_tokens"] == round((1800 / x + 350 / y) * 1.5484 / 3600 / 2150 * 1e6, 4)


def test_a_measured_case_at_its_own_shape_is_the_table_as_written() -> None:
    """At the request shape the entry states (1,000 / 1,000), X and Y are throughput.yaml's, unscaled."""
    result = run("size", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8", *OFFLINE_TRTLLM,
                 "-f", "json")
    data = json.loads(result.stdout)
    assert (data["input_tokens_per_second_per_gpu"], data["output_tokens_per_second_per_gpu"]) == (53900, 3950)
    assert data["source"] == "measured"


def test_size_json_has_the_issue_keys_and_an_estimate_where_nothing_was_measured() -> None:
    result = run("size", "--model", "qwen3-235b-a22b", "--gpu", "h200", "--precision", "fp8",
                 "--gpus-per-replica", 4, "--parallelism", "dep", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= REQUIRED_KEYS
    assert set(data["memory_gb"]) == {"weights", "kv_cache", "reserve", "total_available"}
    assert (data["source"], data["gpus_per_replica"], data["parallelism"]) == ("estimated", 4, "dep")
    x, y = data["input_tokens_per_second_per_gpu"], data["output_tokens_per_second_per_gpu"]
    assert data["effective_output_tokens_per_second_per_gpu"] == round(1000 / (1000 / x + 1000 / y), 1) or \
        abs(data["effective_output_tokens_per_second_per_gpu"] - 1000 / (1000 / x + 1000 / y)) < 0.2


def test_size_picks_the_smallest_replica_that_fits() -> None:
    """At --slo none, without a measured entry for the engine: the smallest replica holding a useful cache."""
    result = run("size", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--precision", "fp8", "--slo", "none",
                 "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["gpus_per_replica"] == 8


def test_size_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "size.json"
    result = run("size", "--model", "gpt-oss-20b", "--gpu", "h100-sxm", "--precision", "fp4", "-f", "json", "-o", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text())["model"] == "gpt-oss-20b"


def test_unknown_keys_are_named_with_suggestions() -> None:
    result = run("size", "--model", "llama-3.1-7b", "--gpu", "h100")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "pricing/models.yaml: --model: 'llama-3.1-7b' is not in pricing/models.yaml; did you mean "
        "'llama-3.1-70b' or 'llama-3.1-8b' or 'llama-3.3-70b'?\n"
        "pricing/gpus.yaml: --gpu: 'h100' is not in pricing/gpus.yaml; did you mean 'h100-sxm' or 'h200' or "
        "'b200'?\n")


def test_a_model_that_does_not_fit_is_an_error() -> None:
    result = run("size", "--model", "llama-3.1-405b", "--gpu", "l4")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "does not fit on 8 l4 GPUs" in result.stderr


def test_dep_on_a_dense_model_is_an_error() -> None:
    result = run("size", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--parallelism", "dep")
    assert result.exit_code == 1
    assert "tco size: --parallelism: parallelism dep" in result.stderr


def test_size_needs_a_model_and_gpu_or_a_scenario(tmp_path: Path) -> None:
    assert run("size").exit_code == 2
    assert run("size", "--model", "llama-3.1-8b").exit_code == 2
    path = tmp_path / "s.yaml"
    path.write_text(ONLY_MODEL_GPU)
    both = run("size", path, "--model", "llama-3.1-8b", "--gpu", "h100-sxm")
    assert both.exit_code == 2
    assert "not both" in both.stderr
    assert run("size", "--precision", "fp3", "--model", "x", "--gpu", "y").exit_code == 2


ONLY_MODEL_GPU = """\
name: Only model, gpu and precision
workload: {requests_per_day: 250K, input_tokens_per_request: 1800, output_tokens_per_request: 350}
options:
  - {name: API, kind: api, price: {input: 2, output: 8}}
  - name: Qwen on H100
    kind: self_hosted
    model: qwen2.5-72b
    gpu: h100-sxm
    precision: fp8
    staff: {fte: 0.5, cost_per_fte_year: 200K}
  - name: Llama measured
    kind: self_hosted
    model: llama-3.1-70b
    gpu: h100-sxm
    precision: fp8
    engine: trtllm
    slo: none
    staff: {fte: 0.5, cost_per_fte_year: 200K}
"""


def test_size_a_scenario_reports_what_the_engine_uses(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(ONLY_MODEL_GPU)
    result = run("size", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["option"] for d in data] == ["Qwen on H100", "Llama measured"]
    assert [d["source"] for d in data] == ["estimated", "measured"]
    assert all(set(d) >= REQUIRED_KEYS for d in data)
    assert data[0]["input_tokens_per_request"] == 1800
    table = run("size", path)
    assert table.exit_code == 0
    assert table.stdout.startswith("Qwen on H100: qwen2.5-72b on h100-sxm, fp8\n")


def test_compare_runs_with_only_model_gpu_and_precision(tmp_path: Path) -> None:
    """Throughput and gpus_per_replica come from the models, and the assumptions say which: by default
    the latency model (vLLM at the chat target); with TensorRT-LLM at slo none the capacity model's
    offline estimate; the measured option cites throughput.yaml."""
    path = tmp_path / "s.yaml"
    path.write_text(ONLY_MODEL_GPU)
    comparison = compare_file(str(path))
    sources = {a.field: a.source for a in comparison.assumptions}
    served = sources["options.Qwen on H100.throughput.output_tokens_per_second"]
    assert served.startswith("latency model (tco/capacity/latency.py) for vllm, tp="), served
    assert "at the operating point of chat (TTFT <= 800 ms, TPOT <= 30 ms)" in served
    assert sources["options.Qwen on H100.gpus_per_replica"].startswith(
        "cheapest per token of 1, 2, 4 and 8 h100-sxm GPUs that meet chat")
    assert sources["options.Llama measured.throughput.output_tokens_per_second"].startswith(
        "pricing/throughput.yaml llama-3.1-70b/h100-sxm/fp8")
    qwen = next(o for o in comparison.options if o.name == "Qwen on H100")
    assert qwen.total > 0
    offline = compare_file(str(path), overrides=["options.Qwen on H100.engine=trtllm", "options.Qwen on H100.slo=none"])
    sources = {a.field: a.source for a in offline.assumptions}
    estimated = sources["options.Qwen on H100.throughput.output_tokens_per_second"]
    assert estimated.startswith("estimated by the capacity model (tco/capacity/model.py) for 1,800 in / 350 out tokens "
                                "per request, tp=2, fp8: no measured entry qwen2.5-72b/h100-sxm/fp8")
    assert "within a factor of 1.5 for" in estimated
    assert sources["options.Qwen on H100.gpus_per_replica"].startswith("capacity model memory fit")


def test_a_model_without_architecture_keeps_the_old_default_or_says_what_is_missing(tmp_path: Path) -> None:
    """A user's own model entry without the capacity fields: with throughput given, gpus_per_replica
    falls back to 1 with a warning (as before review); without throughput, the error names the fields."""
    pricing = tmp_path / "pricing"
    pricing.mkdir()
    (pricing / "models.yaml").write_text("my-model: {params_b: 30, license: x}\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("""\
name: custom
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - {name: API, kind: api, price: {input: 2, output: 8}}
  - name: Mine
    kind: self_hosted
    model: my-model
    gpu: h100-sxm
    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 300}
""")
    result = run("compare", scenario, "--pricing", pricing, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert any("gpus_per_replica defaults to 1" in w for w in data["warnings"])
    scenario.write_text(scenario.read_text().replace(
        "    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 300}\n", ""))
    failed = run("validate", scenario, "--pricing", pricing)
    assert failed.exit_code == 1
    assert f"options[1].model: {pricing / 'models.yaml'}:1 my-model lacks active_params_b, layers" in failed.stderr


def test_a_measurement_applies_only_to_its_own_layout(tmp_path: Path) -> None:
    """throughput.yaml deepseek-r1/b200/fp4 was measured on DEP4: it is used (with its layout) when
    no layout is asked for, and the capacity model estimates tp instead of borrowing it."""
    measured = json.loads(run("size", "--model", "deepseek-r1", "--gpu", "b200", "--precision", "fp4",
                              *OFFLINE_TRTLLM, "-f", "json").stdout)
    assert (measured["source"], measured["parallelism"], measured["gpus_per_replica"]) == ("measured", "dep", 4)
    tp = json.loads(run("size", "--model", "deepseek-r1", "--gpu", "b200", "--precision", "fp4",
                        "--parallelism", "tp", *OFFLINE_TRTLLM, "-f", "json").stdout)
    assert (tp["source"], tp["parallelism"]) == ("estimated", "tp")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("""\
name: layouts
workload: {requests_per_day: 10K, input_tokens_per_request: 1000, output_tokens_per_request: 1000}
options:
  - {name: API, kind: api, price: {input: 2, output: 8}}
  - {name: Default, kind: self_hosted, model: deepseek-r1, gpu: b200, precision: fp4, engine: trtllm, slo: none}
  - {name: TP, kind: self_hosted, model: deepseek-r1, gpu: b200, precision: fp4, parallelism: tp, engine: trtllm,
     slo: none}
""")
    data = json.loads(run("size", scenario, "-f", "json").stdout)
    assert [(d["source"], d["parallelism"]) for d in data] == [("measured", "dep"), ("estimated", "tp")]
    compared = json.loads(run("compare", scenario, "-f", "json").stdout)
    assert any("is for parallelism dep, not tp" in w for w in compared["warnings"])
    layout = next(a for a in compared["assumptions"] if a["field"] == "options.Default.parallelism")
    assert layout["value"] == "dep" and layout["source"].startswith("pricing/throughput.yaml deepseek-r1/b200/fp4")


def test_the_engine_carries_a_measured_entry_to_the_workloads_request_shape(tmp_path: Path) -> None:
    """llama-3.1-70b/h100-sxm/fp8 states X, Y at 1,000 / 1,000; the scenario's requests are 1,800 / 350,
    so the engine uses them carried by the capacity model (what `tco size` says for that shape), and the
    assumptions say so in both forms."""
    path = tmp_path / "s.yaml"
    path.write_text(ONLY_MODEL_GPU)
    comparison = compare_file(str(path))
    assumptions = {a.field: a for a in comparison.assumptions}
    size = json.loads(run("size", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--precision", "fp8",
                          "--input-tokens", 1800, "--output-tokens", 350, *OFFLINE_TRTLLM, "-f", "json").stdout)
    for name in ("input_tokens_per_second", "output_tokens_per_second"):
        assumption = assumptions[f"options.Llama measured.throughput.{name}"]
        assert assumption.value == size[f"{name}_per_gpu"]
        assert assumption.source.endswith("; measured at 1,000 in / 1,000 out tokens per request, carried to "
                                          "1,800 in / 350 out by the capacity model (tco/capacity/model.py, same tp=2 "
                                          "replica)")
        assert assumption.short_source.endswith(", carried from 1,000/1,000 to 1,800/350 tokens")


USER_THROUGHPUT = """\
llama-3.1-70b/h100-sxm/fp8:
  model: llama-3.1-70b
  gpu: h100-sxm
  precision: fp8
  gpus_per_replica: 2
  input_tokens_per_second: 5000
  output_tokens_per_second: 2000
"""


def test_an_entry_without_a_request_shape_is_used_as_it_is(tmp_path: Path) -> None:
    """A user's own measured entry that states no shape: its X and Y hold for every request."""
    pricing = tmp_path / "pricing"
    pricing.mkdir()
    # Field by field over the bundled entry, so drop its shape explicitly by giving a whole new key.
    (pricing / "throughput.yaml").write_text(USER_THROUGHPUT.replace("llama-3.1-70b/h100-sxm/fp8:",
                                                                     "llama-3.1-8b/h100-sxm/bf16:")
                                             .replace("model: llama-3.1-70b", "model: llama-3.1-8b")
                                             .replace("precision: fp8", "precision: bf16"))
    result = run("size", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--precision", "bf16", "--input-tokens",
                 1800, "--output-tokens", 350, "--gpus-per-replica", 2, "--pricing", pricing, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["source"], data["input_tokens_per_second_per_gpu"], data["output_tokens_per_second_per_gpu"]) == \
        ("measured", 5000, 2000)


def test_a_shape_without_output_tokens_is_refused(tmp_path: Path) -> None:
    pricing = tmp_path / "pricing"
    pricing.mkdir()
    (pricing / "throughput.yaml").write_text(USER_THROUGHPUT + "  input_tokens: 500\n  output_tokens: 0\n")
    result = run("size", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--precision", "fp8", "--pricing",
                 pricing)
    assert result.exit_code == 1
    assert "output_tokens" in result.stderr and "must be above 0 (got 0)" in result.stderr
    refused = run("pricing", "set", "throughput", "llama-3.1-70b/h100-sxm/fp8", "output_tokens=0", "--pricing",
                  pricing)
    assert refused.exit_code != 0 and "must be above 0" in refused.stderr


def test_a_request_the_measured_replica_cannot_hold_is_an_error_for_size() -> None:
    """Llama 3.1 70B fp8 on the measured TP2 H100 replica: a 2,000,000-token request does not fit its KV
    cache, so the measured figures cannot be carried to it: an error naming the memory, not a number."""
    result = run("size", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--precision", "fp8", "--input-tokens",
                 2000000, "--output-tokens", 1000, *OFFLINE_TRTLLM)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("tco size: --input-tokens: llama-3.1-70b in fp8 does not fit on 2 h100-sxm GPU(s)")


def test_a_request_longer_than_the_models_context_is_noted() -> None:
    """Llama 3.1's context is 131,072 tokens (models.yaml): a 200,000 + 1,000-token request fits the
    memory of 8 H200s but not the model; the estimate says so."""
    result = run("size", "--model", "llama-3.1-70b", "--gpu", "h200", "--precision", "bf16", "--input-tokens",
                 200000, "--output-tokens", 1000, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "a request of 201,000 tokens is longer than llama-3.1-70b's context of 131,072 tokens (models.yaml): " \
        "the model cannot serve it as one request" in json.loads(result.stdout)["notes"]


# --- a user's table entries the capacity model cannot use: a clear error, never a crash or a silent number ---

BAD_TABLE_ENTRIES = [
    # (table, entry text, model, gpu, precision, what the message names)
    ("models", "gpt-oss-120b:\n  expert_precision: foo\n", "gpt-oss-120b", "h100-sxm", "bf16", "expert_precision"),
    ("models", "gpt-oss-120b:\n  attention: foo+sinks\n", "gpt-oss-120b", "h100-sxm", "bf16", "attention"),
    ("models", "mixtral-8x7b:\n  experts_per_token: 8\n", "mixtral-8x7b", "h100-sxm", "bf16", "experts_per_token"),
    ("models", "mixtral-8x7b:\n  experts_per_token: 9\n", "mixtral-8x7b", "h100-sxm", "bf16", "experts_per_token"),
    ("models", "mixtral-8x7b:\n  active_params_b: 46.7\n", "mixtral-8x7b", "h100-sxm", "bf16", "active_params_b"),
    ("models", "llama-3.1-8b:\n  active_params_b: 20\n", "llama-3.1-8b", "h100-sxm", "bf16", "active_params_b"),
    ("models", "llama-3.1-8b:\n  kv_bytes_per_token_bf16: 0\n", "llama-3.1-8b", "h100-sxm", "bf16",
     "kv_bytes_per_token_bf16"),
    ("models", "llama-3.1-8b:\n  layers: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "layers"),
    ("models", "llama-3.1-8b:\n  layers: 2.5\n", "llama-3.1-8b", "h100-sxm", "bf16", "layers"),
    ("models", "llama-3.1-8b:\n  hidden: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "hidden"),
    ("models", "llama-3.1-8b:\n  params_b: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "params_b"),
    ("models", "llama-3.1-8b:\n  kv_heads: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "kv_heads"),
    ("models", "gpt-oss-20b:\n  sliding_window_layers: 30\n", "gpt-oss-20b", "h100-sxm", "bf16",
     "sliding_window_layers"),
    ("gpus", "h100-sxm:\n  bandwidth_tb_s: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "bandwidth_tb_s"),
    ("gpus", "h100-sxm:\n  bf16_tflops: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "bf16_tflops"),
    ("gpus", "h100-sxm:\n  memory_gb: 0\n", "llama-3.1-8b", "h100-sxm", "bf16", "memory_gb"),
    ("gpus", "h100-sxm:\n  interconnect_gb_s: 0\n", "llama-3.1-405b", "h100-sxm", "fp8", "interconnect_gb_s"),
    ("throughput", "llama-3.1-8b/h100-sxm/fp8:\n  parallelism: foo\n", "llama-3.1-8b", "h100-sxm", "fp8",
     "parallelism"),
    ("throughput", "llama-3.1-8b/h100-sxm/fp8:\n  gpus_per_replica: 0\n", "llama-3.1-8b", "h100-sxm", "fp8",
     "gpus_per_replica"),
    ("throughput", "llama-3.1-8b/h100-sxm/fp8:\n  input_tokens_per_second: 0\n", "llama-3.1-8b", "h100-sxm", "fp8",
     "input_tokens_per_second"),
    ("throughput", "llama-3.1-8b/b200/fp8:\n  input_tokens_per_second: 9000\n  output_tokens_per_second: 900\n"
     "  input_tokens: 1000\n", "llama-3.1-8b", "b200", "fp8", "output_tokens"),
]


def test_a_user_table_entry_the_capacity_model_cannot_use_is_a_clear_error(tmp_path: Path) -> None:
    """Each of these once crashed (ZeroDivisionError), or sized a model from nonsense without a word
    (an unknown expert format or attention part, more experts per token than experts, an entry stating
    X and Y for half a request shape). Each must be exit 1, one line naming the field, nothing on stdout."""
    for table, text, model_key, gpu_key, precision, field in BAD_TABLE_ENTRIES:
        folder = tmp_path / f"{table}-{field}-{abs(hash(text))}"
        folder.mkdir()
        (folder / f"{table}.yaml").write_text(text)
        result = run("size", "--pricing", folder, "--model", model_key, "--gpu", gpu_key, "--precision", precision,
                     "--input-tokens", 500, "--output-tokens", 300)
        assert result.exit_code == 1, (text, result.stdout, result.stderr)
        assert result.stdout == "", text
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (text, result.stderr)
        assert field in result.stderr, (text, result.stderr)


def test_compare_names_a_measured_entry_with_half_a_request_shape(tmp_path: Path) -> None:
    """The engine reads the same entry: the error names the user's throughput.yaml, the entry and the
    missing field. Overlaying only input_tokens on a bundled entry that states both is fine."""
    folder = tmp_path / "pricing"
    folder.mkdir()
    scenario = tmp_path / "s.yaml"
    scenario.write_text(ONLY_MODEL_GPU)
    (folder / "throughput.yaml").write_text("llama-3.1-70b/h100-sxm/fp8:\n  input_tokens: 500\n")
    assert run("compare", scenario, "--pricing", folder).exit_code == 0
    (folder / "throughput.yaml").write_text("llama-3.1-70b/l4/fp8:\n  input_tokens_per_second: 900\n"
                                            "  output_tokens_per_second: 90\n  gpus_per_replica: 8\n"
                                            "  input_tokens: 500\n")
    scenario.write_text(ONLY_MODEL_GPU.replace("model: llama-3.1-70b\n    gpu: h100-sxm",
                                               "model: llama-3.1-70b\n    gpu: l4"))
    result = run("compare", scenario, "--pricing", folder)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert f"{folder / 'throughput.yaml'}:1: llama-3.1-70b/l4/fp8.output_tokens: states input_tokens but not " \
        "output_tokens" in result.stderr, result.stderr


def test_the_replica_size_assumption_says_when_no_size_holds_a_useful_cache(tmp_path: Path) -> None:
    """Llama 3.1 8B in bf16 on L4s, 100,000 in / 1,000 out: 4 GPUs hold 5 such requests, 8 hold 11, none
    the 64 the default asks for, so the replica is 8 GPUs (the most KV cache one server offers); the
    assumption must not claim a cache for at least 64 requests."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: long prompts\nworkload: {requests_per_day: 1000, input_tokens_per_request: 100000, "
                        "output_tokens_per_request: 1000}\noptions:\n  - {name: API, kind: api, price: {input: 2, "
                        "output: 8}}\n  - {name: L4, kind: self_hosted, model: llama-3.1-8b, gpu: l4, precision: "
                        "bf16, engine: trtllm, slo: none, staff: {fte: 0.1, cost_per_fte_year: 100K}}\n")
    result = run("compare", scenario, "-f", "json")
    assert result.exit_code == 0, result.stderr
    [size] = [a for a in json.loads(result.stdout)["assumptions"] if a["field"] == "options.L4.gpus_per_replica"]
    assert size["value"] == 8
    assert "at least 64 requests" not in size["source"], size["source"]
    assert "11" in size["source"], size["source"]


def test_a_request_longer_than_the_context_is_noted_for_measured_figures_too(tmp_path: Path) -> None:
    """llama-3.1-8b/h100-sxm/fp8 is measured; 200,000 + 1,000 tokens exceed its 131,072-token context. The
    estimate says so; carrying the measured figures to that shape must say so as well (tco size, compare)."""
    result = run("size", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--precision", "fp8", "--input-tokens",
                 200000, *OFFLINE_TRTLLM, "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"] == "measured"
    assert any("longer than llama-3.1-8b's context" in note for note in report["notes"]), report["notes"]
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: long\nworkload: {requests_per_day: 100, input_tokens_per_request: 200000, "
                        "output_tokens_per_request: 1000}\noptions:\n  - {name: API, kind: api, price: {input: 2, "
                        "output: 8}}\n  - {name: H100, kind: self_hosted, model: llama-3.1-8b, gpu: h100-sxm, "
                        "precision: fp8, engine: trtllm, slo: none, staff: {fte: 0.1, cost_per_fte_year: 100K}}\n")
    result = run("compare", scenario, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "longer than llama-3.1-8b's context" in result.stderr, result.stderr


def test_a_model_that_fits_no_replica_names_the_model_not_a_flag_the_user_did_not_give() -> None:
    result = run("size", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--precision", "bf16")
    assert result.exit_code == 1
    assert result.stderr.startswith("tco size: --model: llama-3.1-405b in bf16 does not fit on 8 h100-sxm GPUs"), \
        result.stderr
    result = run("size", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--precision", "fp8", "--gpus-per-replica",
                 4)
    assert result.exit_code == 1
    assert result.stderr.startswith("tco size: --gpus-per-replica: llama-3.1-405b in fp8 does not fit on 4"), \
        result.stderr


def test_a_bundled_measurement_keeps_the_hardware_it_was_measured_on(tmp_path: Path) -> None:
    """Doubling h100-sxm's bandwidth in the user's gpus.yaml speeds the estimate up, but leaves the
    bundled llama-3.1-8b/h100-sxm/fp8 measurement (taken on a real H100) as it was, at every request
    shape: the carry uses the specs it was measured on, so more bandwidth never lowers a measured figure."""
    pricing = tmp_path / "pricing"
    pricing.mkdir()
    (pricing / "gpus.yaml").write_text("h100-sxm:\n  bandwidth_tb_s: 6.7\n")

    def figures(*args: object) -> tuple[float, float]:
        result = run("size", *args, "--input-tokens", 128, "--output-tokens", 128, *OFFLINE_TRTLLM, "-f", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        return data["input_tokens_per_second_per_gpu"], data["output_tokens_per_second_per_gpu"]

    measured = ("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--precision", "fp8")
    assert figures(*measured, "--pricing", pricing) == figures(*measured)
    estimated = ("--model", "qwen2.5-72b", "--gpu", "h100-sxm", "--precision", "fp8", "--gpus-per-replica", 2)
    assert figures(*estimated, "--pricing", pricing)[1] > figures(*estimated)[1]


# The models added for the latency data (Qwen3 8B/32B/30B-A3B, MiniMax-M2.5, Kimi K2.5): estimated by the
# capacity model on the GPUs they are served on, with figures of the right size.
NEW_MODEL_CASES = [
    ("qwen3-32b", "h100-sxm", "fp8"), ("qwen3-30b-a3b", "h100-sxm", "bf16"), ("qwen3-8b", "h100-sxm", "bf16"),
    ("qwen3-32b", "h200", "bf16"), ("qwen3-30b-a3b", "b200", "fp8"), ("qwen3-8b", "b200", "fp4"),
    ("minimax-m2.5", "h200", "fp8"), ("minimax-m2.5", "b200", "fp8"), ("minimax-m2.5", "b200", "fp4"),
    ("kimi-k2.5", "h200", "int4"), ("kimi-k2.5", "b200", "int4"), ("kimi-k2.5", "b200", "fp4"),
    ("kimi-k2.5", "h200", "fp8"),
]
BYTES = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5625, "int4": 0.515625}


@pytest.mark.parametrize(("model_key", "gpu_key", "precision"), NEW_MODEL_CASES)
def test_size_estimates_the_added_models(model_key: str, gpu_key: str, precision: str) -> None:
    """Weights = params x bytes per weight (none of these ships experts in MXFP4); the replica is the
    smallest that holds them and 64 requests of 2,000 tokens (else 8 GPUs); an estimate per GPU between
    a trickle and more than any measured 1,000/1,000 figure of the tables (Llama 3.1 8B fp8 on H100:
    16,400 output tokens/s)."""
    result = run("size", "--model", model_key, "--gpu", gpu_key, "--precision", precision, "-f", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert (data["model"], data["source"]) == (model_key, "estimated")
    spec, _ = specs(model_key, gpu_key)
    # Kimi K2.5 ships its experts in INT4 (expert_precision int4), which stay so at any precision.
    assert data["memory_gb"]["weights"] == pytest.approx(spec.weight_bytes(precision) / 1e9, abs=0.01)
    if spec.expert_precision is None:
        assert data["memory_gb"]["weights"] == pytest.approx(spec.params_b * BYTES[precision], abs=0.01)
    assert data["gpus_per_replica"] in (1, 2, 4, 8)
    assert data["max_concurrency"] >= 64 or data["gpus_per_replica"] == 8
    x, y = data["input_tokens_per_second_per_gpu"], data["output_tokens_per_second_per_gpu"]
    assert 100 < y < x < 1_000_000  # prefill of an 8B model in fp4 on a B200: 446,000
    assert 100 < data["effective_output_tokens_per_second_per_gpu"] < 40_000


# --- the latency curve: engines, targets, concurrency -------------------------------------------------------

LATENCY_KEYS = {"concurrency", "ttft_ms", "tpot_ms", "output_tokens_per_second_per_gpu", "tokens_per_second_per_user",
                "cost_per_million_tokens"}
LLAMA_70B = ("--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--precision", "fp8")


def size_json(*args: object) -> dict[str, Any]:
    result = run("size", *args, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_each_latency_row_has_exactly_its_six_keys_and_the_slo_point_its_target() -> None:
    """Rows are the concurrencies asked for, in order; tokens/s per user is 1000 / TPOT; the cost is the rent
    for the GPU-seconds a request takes there, over its tokens; `slo` is the target's point, with the target."""
    data = size_json(*LLAMA_70B, "--concurrency", "1,8,32,64")
    assert set(data) >= REQUIRED_KEYS | {"engine", "latency", "slo"}
    assert data["engine"] == "vllm"
    assert [row["concurrency"] for row in data["latency"]] == [1, 8, 32, 64]
    for row in data["latency"]:
        assert set(row) == LATENCY_KEYS
        assert row["tokens_per_second_per_user"] == pytest.approx(1000 / row["tpot_ms"], rel=1e-9)
    slo = data["slo"]
    assert set(slo) == LATENCY_KEYS | {"target"}
    assert slo["target"] == {"name": "chat", "ttft_ms": 800, "tpot_ms": 30}
    assert slo["ttft_ms"] <= 800 and slo["tpot_ms"] <= 30


def test_the_cost_of_a_point_is_the_rent_for_the_gpu_seconds_a_request_takes_there() -> None:
    """At c requests in flight a replica of N GPUs finishes c requests per cycle: N x cycle / c GPU-seconds a
    request, = O / (output tokens/s per GPU at the point), since each request brings O output tokens. At
    $2.69/GPU-hour (runpod) over the request's 2,000 tokens."""
    data = size_json(*LLAMA_70B, "--concurrency", "1,64,512")
    for row in data["latency"]:
        gpu_seconds = 1000 / row["output_tokens_per_second_per_gpu"]
        assert row["cost_per_million_tokens"] == pytest.approx(gpu_seconds * 2.69 / 3600 / 2000 * 1e6, abs=2e-6)
    assert data["hourly_rate_per_gpu"] == 2.69


def test_without_a_rent_the_costs_are_null(tmp_path: Path) -> None:
    pricing = tmp_path / "pricing"
    pricing.mkdir()
    (pricing / "gpus.yaml").write_text("mine:\n  name: My GPU\n  memory_gb: 80\n  bandwidth_tb_s: 3.35\n"
                                       "  bf16_tflops: 989\n  fp8_tflops: 1979\n  interconnect_gb_s: 450\n")
    data = size_json("--model", "llama-3.1-8b", "--gpu", "mine", "--precision", "fp8", "--pricing", pricing,
                     "--concurrency", "1,16")
    assert [row["cost_per_million_tokens"] for row in data["latency"]] == [None, None]
    assert data["slo"]["cost_per_million_tokens"] is None


def meets(row: dict[str, Any], target: dict[str, Any]) -> bool:
    """Whether a latency row's mean TTFT and TPOT are within a JSON target (null: no target)."""
    return (target["ttft_ms"] is None or row["ttft_ms"] <= target["ttft_ms"]) and \
        (target["tpot_ms"] is None or row["tpot_ms"] <= target["tpot_ms"])


def test_the_slo_point_meets_the_target_and_one_more_request_does_not() -> None:
    """The operating point is the most requests in flight that meet the target: one more misses it, unless
    the point is already all the KV cache holds (then more requests only queue)."""
    from tco.capacity.latency import Replica, kv_limit

    cases = [(*LLAMA_70B, "--engine", "vllm"), (*LLAMA_70B, "--engine", "sglang", "--slo", "rag"),
             (*LLAMA_70B, "--engine", "trtllm", "--slo", "agentic"),
             ("--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8", "--slo", "batch"),
             ("--model", "gpt-oss-120b", "--gpu", "h100-sxm", "--precision", "fp4", "--tpot-ms", 20),
             ("--model", "qwen3-235b-a22b", "--gpu", "h200", "--precision", "fp8", "--parallelism", "tep",
              "--ttft-ms", 2000),
             ("--model", "deepseek-r1", "--gpu", "b200", "--precision", "fp4", "--parallelism", "dep",
              "--gpus-per-replica", 8, "--engine", "sglang")]
    for case in cases:
        data = size_json(*case)
        point, target = data["slo"], data["slo"]["target"]
        c = point["concurrency"]
        rows = size_json(*case, "--concurrency", f"{c},{c + 1}")["latency"]
        assert rows[0] == {k: point[k] for k in LATENCY_KEYS}, case
        assert meets(rows[0], target), case
        spec, card = specs(data["model"], data["gpu"])
        limit = kv_limit(Replica(spec, card, data["precision"], data["gpus_per_replica"], data["parallelism"],
                                 data["engine"]), 1000, 1000)
        assert not meets(rows[1], target) or c == limit, case


def test_slo_none_and_an_unreachable_target_still_print_the_rows() -> None:
    """Always an answer: at --slo none `slo` is null; a target no replica meets (a 50 ms TTFT for a 70B
    model) gives null with a note saying the best TTFT and TPOT reached, and the rows as asked, exit 0."""
    none = size_json(*LLAMA_70B, "--slo", "none", "--concurrency", "1,64")
    assert none["slo"] is None and len(none["latency"]) == 2
    table = run("size", *LLAMA_70B, "--slo", "none")
    assert table.exit_code == 0 and "<-" not in table.stdout
    assert "  Latency target                     none: the offline maximum" in table.stdout
    for unreachable in (("--ttft-ms", 50), ("--slo", "voice", "--gpus-per-replica", 2)):
        data = size_json(*LLAMA_70B, *unreachable, "--concurrency", "1,8,32")
        assert data["slo"] is None
        assert [row["concurrency"] for row in data["latency"]] == [1, 8, 32]
        best = data["latency"][0]  # one request in flight: the lowest TTFT and TPOT
        note = next(n for n in data["notes"] if "the best" in n)
        assert "loosen the target" in note
        if "--gpus-per-replica" in unreachable:
            assert note.startswith("a replica of 2 GPU(s) does not meet voice (TTFT <= 200 ms, TPOT <= 15 ms)")
            assert f"TTFT {best['ttft_ms']:,.0f} ms and TPOT {best['tpot_ms']:,.1f} ms" in note
        else:
            assert note.startswith("no replica of 1, 2, 4 or 8 GPUs meets TTFT <= 50 ms")
        table = run("size", *LLAMA_70B, *unreachable)
        assert table.exit_code == 0 and "Operating point                    none: the target is out of reach" \
            in table.stdout


def test_a_custom_target_may_give_either_time_alone() -> None:
    ttft = size_json(*LLAMA_70B, "--ttft-ms", 1500)
    assert ttft["slo"]["target"] == {"name": "custom", "ttft_ms": 1500, "tpot_ms": None}
    tpot = size_json(*LLAMA_70B, "--tpot-ms", 12.5)
    assert tpot["slo"]["target"] == {"name": "custom", "ttft_ms": None, "tpot_ms": 12.5}
    assert tpot["slo"]["tpot_ms"] <= 12.5
    assert "<- target" in run("size", *LLAMA_70B, "--tpot-ms", 12.5).stdout


def test_trtllm_at_slo_none_reproduces_the_offline_figures_of_a_measured_entry() -> None:
    """Before the latency model, `tco size --model llama-3.1-70b --gpu h100-sxm --precision fp8` printed the
    throughput.yaml entry as it is (TP2, X 9,630, Y 2,760 at 1,000 / 1,000) and these figures; TensorRT-LLM
    at slo none, where that measurement applies, prints them still."""
    data = size_json(*LLAMA_70B, *OFFLINE_TRTLLM)
    assert {k: data[k] for k in ("parallelism", "gpus_per_replica", "memory_gb", "max_concurrency",
                                 "input_tokens_per_second_per_gpu", "output_tokens_per_second_per_gpu",
                                 "effective_output_tokens_per_second_per_gpu", "source", "input_tokens_per_request",
                                 "output_tokens_per_request", "hourly_rate_per_gpu", "cloud",
                                 "cost_per_million_tokens")} == {
        "parallelism": "tp", "gpus_per_replica": 2,
        "memory_gb": {"weights": 70.55, "kv_cache": 88.36, "reserve": 4.29, "total_available": 163.21},
        "max_concurrency": 269, "input_tokens_per_second_per_gpu": 9630.0, "output_tokens_per_second_per_gpu": 2760.0,
        "effective_output_tokens_per_second_per_gpu": 2145.2, "source": "measured", "input_tokens_per_request": 1000,
        "output_tokens_per_request": 1000, "hourly_rate_per_gpu": 2.69, "cloud": "runpod",
        "cost_per_million_tokens": 0.1742}
    assert data["notes"][0].startswith("measured: TensorRT-LLM 0.17 trtllm-bench offline max throughput, TP2")
    assert (data["engine"], data["slo"]) == ("trtllm", None)


def test_vllm_and_sglang_offline_figures_are_the_latency_model_at_the_kv_limit() -> None:
    """X and Y of vLLM and SGLang at slo none: the latency point at the most requests the KV cache holds,
    to 3 significant figures, on the smallest replica holding a useful cache, as the resolver takes them."""
    from tco.capacity.latency import Replica, kv_limit, latency_point
    from tco.capacity.model import significant

    spec, card = specs("llama-3.1-70b", "h100-sxm")
    for engine in ("vllm", "sglang"):
        data = size_json(*LLAMA_70B, "--engine", engine, "--slo", "none")
        replica = Replica(spec, card, "fp8", data["gpus_per_replica"], "tp", engine)
        point = latency_point(replica, 1000, 1000, kv_limit(replica, 1000, 1000))
        assert data["input_tokens_per_second_per_gpu"] == significant(point.input_tokens_per_second_per_gpu)
        assert data["output_tokens_per_second_per_gpu"] == significant(point.decode_tokens_per_second_per_gpu)
        assert data["source"] == "estimated" and data["gpus_per_replica"] == 2
        assert any(f"{engine}'s offline maximum" in note for note in data["notes"])


def test_the_default_replica_under_a_target_is_the_one_the_engine_chooses(tmp_path: Path) -> None:
    """No --gpus-per-replica at a target: plan_serving's size, the one `compare` sizes the fleet with."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nworkload: {requests_per_day: 100K, input_tokens_per_request: 1000, "
                        "output_tokens_per_request: 1000}\noptions:\n  - {name: API, kind: api, price: {input: 2, "
                        "output: 8}}\n  - {name: L, kind: self_hosted, model: llama-3.1-70b, gpu: h100-sxm, "
                        "precision: fp8, engine: sglang, slo: rag, staff: {fte: 0.5, cost_per_fte_year: 200K}}\n")
    compared = json.loads(run("compare", scenario, "-f", "json").stdout)
    assumed = {a["field"]: a["value"] for a in compared["assumptions"]}
    data = size_json(*LLAMA_70B, "--engine", "sglang", "--slo", "rag")
    assert data["gpus_per_replica"] == assumed["options.L.gpus_per_replica"]
    assert data["slo"]["concurrency"] == assumed["options.L.concurrency"]
    option = size_json(scenario)[0]
    assert option["slo"] == data["slo"] and option["engine"] == "sglang"


def test_a_concurrency_past_the_kv_cache_is_printed_with_a_queue_note() -> None:
    """Llama 3.1 70B fp8 on the measured TP2 H100 replica holds 269 requests of 2,000 tokens: at 512 the
    others wait for a place, which adds to TTFT and not to throughput. The row keeps its six keys."""
    data = size_json(*LLAMA_70B, *OFFLINE_TRTLLM, "--concurrency", "64,269,512")
    limit, past = data["latency"][1], data["latency"][2]
    assert all(set(row) == LATENCY_KEYS for row in data["latency"])
    assert past["ttft_ms"] > limit["ttft_ms"]
    assert past["output_tokens_per_second_per_gpu"] == pytest.approx(limit["output_tokens_per_second_per_gpu"])
    assert past["tpot_ms"] == pytest.approx(limit["tpot_ms"])
    assert "at 512 requests in flight a replica, more than the 269 the KV cache holds at once, the others queue " \
        "for a place: their wait adds to TTFT, not to throughput" in data["notes"]
    assert not any("queue" in note for note in size_json(*LLAMA_70B, *OFFLINE_TRTLLM, "--concurrency",
                                                          "64,269")["notes"])
    table = run("size", *LLAMA_70B, *OFFLINE_TRTLLM, "--concurrency", "64,269,512").stdout
    assert re.search(r"\n +512 .* queued\n", table), table


def test_the_default_ladder_doubles_to_just_past_the_kv_limit_and_holds_the_slo_point() -> None:
    data = size_json(*LLAMA_70B, *OFFLINE_TRTLLM)
    assert [row["concurrency"] for row in data["latency"]] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 269, 512]
    chat = size_json(*LLAMA_70B)
    shown = [row["concurrency"] for row in chat["latency"]]
    assert chat["slo"]["concurrency"] in shown and shown == sorted(shown)
    assert shown[-1] >= chat["max_concurrency"]


def test_the_latency_table_is_a_view_of_the_json() -> None:
    """One row per concurrency, the target's point marked `<- chat`, and inserted where it was not asked for;
    the figures are the JSON's, rounded for reading."""
    args = (*LLAMA_70B, "--concurrency", "1,8,32,64,128,512")
    data = size_json(*args)
    text = run("size", *args).stdout
    lines = text.splitlines()
    start = lines.index("  Latency of one replica (4 GPU(s), tp, vllm), mean per request, by requests in flight")
    assert lines[start + 1].split() == ["In", "flight", "TTFT", "ms", "TPOT", "ms", "Tokens/s", "per", "user",
                                        "Output", "tokens/s", "per", "GPU", "Cost", "per", "1M", "tokens"]
    point = data["slo"]
    rows = sorted([*data["latency"], point], key=lambda r: r["concurrency"])
    for line, row in zip(lines[start + 2:start + 2 + len(rows)], rows, strict=True):
        expected = [f"{row['concurrency']:,}", f"{row['ttft_ms']:,.0f}", f"{row['tpot_ms']:,.1f}",
                    f"{row['tokens_per_second_per_user']:,.1f}", f"{row['output_tokens_per_second_per_gpu']:,.0f}",
                    f"${row['cost_per_million_tokens']:,.4f}"]
        assert line.split()[:6] == expected
        assert line.endswith("<- chat") == (row is point)
    assert lines[start + 2 + len(rows)] == "    <- chat: the most requests in flight that meet the target"
    assert f"  Operating point                    {point['concurrency']:,} requests in flight a replica: TTFT " \
        f"{point['ttft_ms']:,.0f} ms, TPOT {point['tpot_ms']:,.1f} ms" in lines
    assert "  Engine                             vllm" in lines
    assert "  Latency target                     chat (TTFT <= 800 ms, TPOT <= 30 ms)" in lines


def test_tep_and_dep_need_a_mixture_of_experts_model() -> None:
    for layout in ("tep", "dep"):
        result = run("size", *LLAMA_70B, "--parallelism", layout, "--concurrency", "1,8")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.startswith(f"tco size: --parallelism: parallelism {layout} (")
        assert "needs a mixture-of-experts model; llama-3.1-70b is dense: use tp" in result.stderr
    data = size_json("--model", "qwen3-235b-a22b", "--gpu", "h200", "--precision", "fp8", "--parallelism", "tep",
                     "--gpus-per-replica", 4, "--concurrency", "1,8")
    assert (data["parallelism"], data["gpus_per_replica"], len(data["latency"])) == ("tep", 4, 2)


def test_every_configuration_that_fits_answers() -> None:
    """What the acceptance check asks of every bundled model x GPU x precision x engine x replica x layout: a
    curve at the concurrencies given when the replica holds a request, else a clear error (the model does not
    fit, or tep/dep of a dense model), never a crash; finite, positive figures."""
    from tco.capacity.sizing import size_from_tables
    from tco.errors import TcoError

    catalog = Catalog()
    answered = 0
    for model_key in catalog.keys("models"):
        for gpu_key in catalog.keys("gpus"):
            for precision in ("bf16", "fp8", "fp4", "int4"):
                for engine in ("vllm", "sglang", "trtllm"):
                    for n in (1, 2, 4, 8):
                        for layout in ("tp", "tep", "dep"):
                            case = (model_key, gpu_key, precision, engine, n, layout)
                            try:
                                report = size_from_tables(catalog, model_key, gpu_key, precision, 1000, 1000, n,
                                                          layout, engine=engine, concurrencies=[1, 8, 64, 512])
                            except TcoError as error:
                                message = error.problems[0].message
                                assert "does not fit" in message or "needs a mixture-of-experts" in message, case
                                continue
                            answered += 1
                            assert report.gpus_per_replica == n and report.parallelism == layout, case
                            assert [p.concurrency for p in report.latency] == [1, 8, 64, 512], case
                            for p in report.latency:
                                figures = (p.ttft_ms, p.tpot_ms, p.output_tokens_per_second_per_gpu)
                                assert all(math.isfinite(v) and v > 0 for v in figures), (case, p)
    assert answered > 4000


@examples(0.4, deadline=None)
@given(st.sampled_from([("llama-3.1-70b", "h100-sxm", "fp8", "tp"), ("llama-3.1-8b", "l40s", "fp8", "tp"),
                        ("gpt-oss-120b", "h100-sxm", "fp4", "tp"), ("qwen3-235b-a22b", "h200", "fp8", "tep"),
                        ("deepseek-r1", "b200", "fp4", "dep")]),
       st.sampled_from(["vllm", "sglang", "trtllm"]),
       st.floats(100, 20_000), st.floats(5, 200), st.floats(0.2, 1.0), st.floats(0.2, 1.0))
def test_a_tighter_target_never_serves_more_per_gpu(case: tuple[str, str, str, str], engine: str, ttft: float,
                                                   tpot: float, ttft_share: float, tpot_share: float) -> None:
    """Tightening the target (both times no larger) shrinks the set of (replica, concurrency) that meet it, so
    the cheapest one serves no more output tokens per GPU; on a given replica, the point never moves to more
    requests in flight. (The replica size itself may shrink: a smaller replica can be the cheaper one that
    meets the tighter target.)"""
    from tco.capacity.latency import Slo
    from tco.capacity.sizing import size_from_tables

    catalog = Catalog()
    model_key, gpu_key, precision, layout = case
    loose, tight = Slo("custom", ttft, tpot), Slo("custom", ttft * ttft_share, tpot * tpot_share)

    def point(target: Slo, n: int | None = None) -> float:
        report = size_from_tables(catalog, model_key, gpu_key, precision, 1000, 1000, n, layout, engine=engine,
                                  target=target, concurrencies=[1])
        found = report.slo_point
        return 0.0 if found is None else found.output_tokens_per_second_per_gpu

    assert point(tight) <= point(loose) * (1 + 1e-9)
    for n in (4, 8):
        assert point(tight, n) <= point(loose, n) * (1 + 1e-9)


def test_size_options_that_need_no_scenario_or_only_one(tmp_path: Path) -> None:
    """Usage errors (exit 2): a bad --concurrency, --slo with a custom target, a non-positive time, and the
    engine or target flags with a scenario (its options state their own)."""
    for bad in ("1,x", "0,8", "", "8,-1"):
        result = run("size", *LLAMA_70B, "--concurrency", bad)
        assert result.exit_code == 2 and result.stdout == "", bad
        assert "--concurrency" in result.stderr
    both = run("size", *LLAMA_70B, "--slo", "chat", "--tpot-ms", 20)
    assert both.exit_code == 2 and "not both" in both.stderr
    assert run("size", *LLAMA_70B, "--ttft-ms", 0).exit_code == 2
    for flag, value in (("--tpot-ms", "inf"), ("--ttft-ms", "nan")):  # a scenario's slo refuses them too
        endless = run("size", *LLAMA_70B, flag, value)
        assert endless.exit_code == 2 and f"{flag} {value}: a time in ms above 0" in endless.stderr
    assert run("size", *LLAMA_70B, "--slo", "fast").exit_code == 2
    path = tmp_path / "s.yaml"
    path.write_text(ONLY_MODEL_GPU)
    flagged = run("size", path, "--engine", "sglang")
    assert flagged.exit_code == 2 and "--set options.NAME.engine=" in flagged.stderr


def test_size_concurrency_too_large_to_mean_anything_is_a_usage_error() -> None:
    """A concurrency past any replica's scheduler (and past what a float holds) is refused with the flag named,
    never an internal error; a digit Python's int() does not read is refused the same way."""
    for bad in ("9" * 400, "2000000", "1,\u00b2"):
        result = run("size", *LLAMA_70B, "--concurrency", bad)
        assert result.exit_code == 2 and result.stdout == "", bad
        assert "--concurrency" in result.stderr and "internal error" not in result.stderr, bad
    assert size_json(*LLAMA_70B, "--concurrency", "1000000")["latency"][0]["concurrency"] == 1_000_000


def test_size_concurrency_rows_come_once_each_in_order() -> None:
    """A repeated or unsorted --concurrency list draws each point once, from the fewest requests up, in the
    table and the JSON alike."""
    args = (*LLAMA_70B, "--slo", "none", "--concurrency", "64,1,8,8")
    assert [row["concurrency"] for row in size_json(*args)["latency"]] == [1, 8, 64]
    table = run("size", *args).stdout
    shown = [int(line.split()[0].replace(",", "")) for line in table.splitlines()
             if re.match(r"^\s+[\d,]+\s+[\d,]+\s+[\d.]+\s", line)]
    assert shown == [1, 8, 64]


def test_size_a_scenario_shows_each_options_curve_at_its_engine_and_target(tmp_path: Path) -> None:
    """Each option's point is where the engine serves it (its concurrency and predicted TTFT/TPOT in the
    assumptions); a measured TensorRT-LLM option at slo none gets its curve with no target; an option with
    inline throughput gets none, and says why. --concurrency applies to every option."""
    path = tmp_path / "s.yaml"
    path.write_text(ONLY_MODEL_GPU + """\
  - name: Inline
    kind: self_hosted
    model: llama-3.1-8b
    gpu: l40s
    throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
    staff: {fte: 0.5, cost_per_fte_year: 200K}
""")
    compared = json.loads(run("compare", path, "-f", "json").stdout)
    assumed = {a["field"]: a["value"] for a in compared["assumptions"]}
    qwen, llama, inline = size_json(path)
    assert (qwen["engine"], qwen["slo"]["target"]["name"]) == ("vllm", "chat")
    assert qwen["slo"]["concurrency"] == assumed["options.Qwen on H100.concurrency"]
    assert assumed["options.Qwen on H100.latency"] == \
        f"TTFT {qwen['slo']['ttft_ms']:,.0f} ms, TPOT {qwen['slo']['tpot_ms']:,.1f} ms"
    assert qwen["slo"]["concurrency"] in [row["concurrency"] for row in qwen["latency"]]
    assert (llama["engine"], llama["slo"], llama["source"]) == ("trtllm", None, "measured")
    assert llama["latency"]
    assert (inline["engine"], inline["latency"], inline["slo"]) == (None, [], None)
    assert "no latency curve: the option gives its own throughput, which is what it serves at" in inline["notes"]
    rows = size_json(path, "--concurrency", "1,16")
    assert [[row["concurrency"] for row in option["latency"]] for option in rows] == [[1, 16], [1, 16], []]
    table = run("size", path).stdout
    assert "Qwen on H100: qwen2.5-72b on h100-sxm, fp8\n  Request" in table and "<- chat" in table


def test_size_help_states_the_default_engine_and_target_from_the_defaults_table() -> None:
    code, out, _ = run("size", "--help", env={"COLUMNS": "400"})
    assert code == 0
    flat = " ".join(out.split())
    assert f"Default: {DEFAULTS.engine.value}." in flat and f"Default: {DEFAULTS.slo.value}." in flat
    source = (Path(__file__).resolve().parents[2] / "tco" / "cli" / "size.py").read_text(encoding="utf-8")
    assert "Default: vllm" not in source and "Default: chat" not in source


def test_no_engine_name_is_hard_coded_as_a_fallback_outside_the_capacity_model() -> None:
    """The engine whose offline maximum the published tables measure is one named constant."""
    root = Path(__file__).resolve().parents[2] / "tco"
    for module in ("analyses/size.py", "capacity/sizing.py", "scenario/throughput.py"):
        assert '"trtllm"' not in (root / module).read_text(encoding="utf-8"), module


def test_size_without_a_scenario_warns_about_a_stale_rent_as_compare_does() -> None:
    args = ("size", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--cloud", "aws")
    code, out, err = run(*args, "--max-price-age", "1", env={"TCO_TODAY": "2030-01-01"})
    assert code == 0
    assert re.match(r"warning: tco size: the gpus price of h100-sxm in pricing/gpus\.yaml is \d+ days old "
                    r"\(as of \d{4}-\d\d-\d\d, over 1\); refresh it with `tco pricing import skypilot", err), err
    assert err.count("warning:") == 1
    fresh = run(*args, "--max-price-age", "100000", env={"TCO_TODAY": "2030-01-01"})
    assert fresh.exit_code == 0 and fresh.stderr == "" and fresh.stdout == out


def test_a_scenarios_rented_option_carries_the_cloud_its_rate_is_from(tmp_path: Path) -> None:
    """support-assistant rents on `cloud: lambda` at lambda's $2.99 (gpus.yaml h100-sxm): the JSON said
    `"cloud": null`. Without `cloud`, the rate is the lowest listed, runpod's $2.69, and it says runpod;
    with an inline rate and no cloud, no cloud."""
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml"
    [report] = json.loads(run("size", scenario, "--format", "json").stdout)
    assert (report["hourly_rate_per_gpu"], report["cloud"]) == (2.99, "lambda")
    text = scenario.read_text(encoding="utf-8")
    lowest = tmp_path / "lowest.yaml"
    lowest.write_text(text.replace("    cloud: lambda", "    # no cloud"), encoding="utf-8")
    [report] = json.loads(run("size", lowest, "--format", "json").stdout)
    assert (report["hourly_rate_per_gpu"], report["cloud"]) == (2.69, "runpod")
    inline = tmp_path / "inline.yaml"
    inline.write_text(text.replace("    cloud: lambda", "    hourly_rate_per_gpu: 2.5"), encoding="utf-8")
    [report] = json.loads(run("size", inline, "--format", "json").stdout)
    assert (report["hourly_rate_per_gpu"], report["cloud"]) == (2.5, None)

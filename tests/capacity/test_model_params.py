"""pricing/models.yaml against the config.json copies in tools/data/model_configs/.

models.yaml is written by hand; for the entries whose config is kept in the repository, every
architecture field must be the config's and every computed figure (parameters, KV bytes per token)
what tools/model_params.py derives from it. Published totals are checked loosely: they are rounded
and count embeddings in their own ways.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / "tools" / "data" / "model_configs"
MODELS = yaml.safe_load((REPO / "pricing" / "models.yaml").read_text(encoding="utf-8"))

# models.yaml key -> the config copy it was read from
ENTRIES = {
    "qwen3-8b": "Qwen--Qwen3-8B_config.json",
    "qwen3-32b": "Qwen--Qwen3-32B_config.json",
    "qwen3-30b-a3b": "Qwen--Qwen3-30B-A3B_config.json",
    "qwen3-235b-a22b": "Qwen--Qwen3-235B-A22B-FP8_config.json",  # the FP8 checkpoint: same architecture
    "minimax-m2.5": "MiniMaxAI--MiniMax-M2.5_config.json",
    "kimi-k2.5": "moonshotai--Kimi-K2.5_config.json",
}
# Published totals / active parameters, billions (model cards), and how far ours may be from them.
PUBLISHED = {
    "qwen3-8b": (8.2, 8.2),
    "qwen3-32b": (32.8, 32.8),
    "qwen3-30b-a3b": (30.5, 3.3),
    "qwen3-235b-a22b": (235.0, 22.0),
    "minimax-m2.5": (229.0, 10.0),
    "kimi-k2.5": (1000.0, 32.0),
}


@pytest.fixture(scope="module")
def model_params() -> ModuleType:
    spec = importlib.util.spec_from_file_location("model_params", REPO / "tools" / "model_params.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["model_params"] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def config(key: str) -> dict[str, Any]:
    data = json.loads((CONFIGS / ENTRIES[key]).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_architecture_fields_are_the_configs(key: str, model_params: ModuleType) -> None:
    entry, c = MODELS[key], model_params.text_config(config(key))
    assert entry["layers"] == c["num_hidden_layers"]
    assert entry["hidden"] == c["hidden_size"]
    assert entry["attention_heads"] == c["num_attention_heads"]
    assert entry["kv_heads"] == c["num_key_value_heads"]
    assert entry["vocab_size"] == c["vocab_size"]
    assert entry["context"] == c["max_position_embeddings"]
    assert entry["intermediate_size"] == c["intermediate_size"]
    head_dim = c.get("head_dim") or c["qk_nope_head_dim"] + c["qk_rope_head_dim"]
    assert entry["head_dim"] == head_dim
    experts = c.get("num_experts") or c.get("num_local_experts") or c.get("n_routed_experts") or 0
    assert entry.get("experts", 0) == experts
    assert entry.get("experts_per_token", 0) == (c["num_experts_per_tok"] if experts else 0)
    assert entry.get("shared_experts", 0) == (c.get("n_shared_experts") or 0)


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_computed_figures_are_the_scripts(key: str, model_params: ModuleType) -> None:
    figures = model_params.compute(config(key))
    entry = MODELS[key]
    assert (entry["params_b"], entry["active_params_b"]) == (figures.params_b, figures.active_params_b)
    assert entry["kv_bytes_per_token_bf16"] == figures.kv_bytes_per_token_bf16
    assert entry["attention"] == figures.attention  # none of these has sliding windows or sinks


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_computed_figures_are_near_the_published_ones(key: str) -> None:
    """Within 3% of the published total; the active figure counts both embeddings (MiniMax quotes 10B
    for our 11.03B, 9.80B without them), so within 12%."""
    total, active = PUBLISHED[key]
    assert MODELS[key]["params_b"] == pytest.approx(total, rel=0.03)
    assert MODELS[key]["active_params_b"] == pytest.approx(active, rel=0.12)


def test_the_script_reproduces_the_hand_computed_mla_and_moe_entries(model_params: ModuleType) -> None:
    """DeepSeek-V3's and Mixtral's config values (their config.json, as models.yaml's sources give them)
    yield the figures those entries carry: the script and the older entries count alike."""
    deepseek = {"hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128,
                "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64,
                "v_head_dim": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048, "n_routed_experts": 256,
                "num_experts_per_tok": 8, "n_shared_experts": 1, "first_k_dense_replace": 3, "vocab_size": 129280,
                "tie_word_embeddings": False, "topk_method": "noaux_tc", "moe_layer_freq": 1}
    figures = model_params.compute(deepseek)
    entry = MODELS["deepseek-v3"]
    assert (figures.params_b, figures.active_params_b) == (entry["params_b"], entry["active_params_b"])
    assert figures.kv_bytes_per_token_bf16 == entry["kv_bytes_per_token_bf16"]
    mixtral = {"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
               "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2, "vocab_size": 32000,
               "tie_word_embeddings": False, "model_type": "mixtral"}
    figures = model_params.compute(mixtral)
    entry = MODELS["mixtral-8x7b"]
    assert (figures.params_b, figures.active_params_b) == (entry["params_b"], entry["active_params_b"])
    assert figures.kv_bytes_per_token_bf16 == entry["kv_bytes_per_token_bf16"]


def test_kimi_k25_is_read_from_its_text_config_and_mla_caches_the_latent(model_params: ModuleType) -> None:
    """61 layers x (kv_lora_rank 512 + qk_rope_head_dim 64) x 2 bytes = 70,272 bytes per token, as
    DeepSeek-V3; the wrapper's vision tower (about 0.4B) is not in the count."""
    raw = config("kimi-k2.5")
    assert "text_config" in raw and "num_hidden_layers" not in raw
    assert model_params.compute(raw).kv_bytes_per_token_bf16 == 61 * (512 + 64) * 2 == 70272
    assert 0.3e9 < model_params.vision_params(raw) < 0.5e9


def test_minimax_m25_attends_in_full_in_every_layer() -> None:
    """No lightning/linear-attention layer list (MiniMax-Text-01's attn_type_list), no sliding window:
    plain GQA, which the capacity model sizes as it is."""
    c = config("minimax-m2.5")
    assert not {"attn_type_list", "layer_types", "sliding_window", "linear_attention"} & set(c)
    assert MODELS["minimax-m2.5"]["kv_bytes_per_token_bf16"] == 2 * 62 * 8 * 128 * 2

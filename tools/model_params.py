#!/usr/bin/env python3
"""Parameter counts and KV-cache bytes per token of a model, from its Hugging Face config.json.

Run by hand, from the repository root, to derive the computed figures of a pricing/models.yaml entry
(`params_b`, `active_params_b`, `kv_bytes_per_token_bf16`), e.g.:

    python tools/model_params.py tools/data/model_configs/*.json

pricing/models.yaml is maintained by hand; this script only does its arithmetic, so a reader can
check it. tests/capacity/test_model_params.py runs it over the trimmed config copies in
tools/data/model_configs/ (their origin and licence: the README there) and checks the table's
figures against it. Standard library only.

What is counted, per layer type the configs describe:
- embeddings: vocab_size x hidden_size, twice when tie_word_embeddings is false (input embedding and
  output head). Both count in the total and in the active figure, as in the table's other entries
  (the output head is a matrix product every token runs).
- GQA attention (Qwen3, MiniMax-M2): q, k, v and o projections (+ biases when attention_bias), the
  per-head q/k RMSNorm of Qwen3 (head_dim each) or MiniMax's per-layer q/k norm (over all heads).
- MLA (DeepSeek-V3, Kimi K2): q_a (hidden x q_lora_rank) + its norm + q_b (q_lora_rank x heads x
  (qk_nope + qk_rope)); kv_a (hidden x (kv_lora_rank + qk_rope)) + its norm + kv_b (kv_lora_rank x heads x
  (qk_nope + v_head)); o (heads x v_head x hidden).
- SwiGLU MLPs: 3 x hidden x width. A mixture-of-experts layer: every routed expert, the shared
  experts, the router (hidden x experts) and the routing bias where the config has one (MiniMax
  use_routing_bias, DeepSeek/Kimi noaux_tc); a token uses experts_per_token routed experts plus the
  shared ones.
- RMSNorms: two per layer and a final one (negligible, counted for completeness).
Not counted: multi-token-prediction modules (DeepSeek's num_nextn_predict_layers, MiniMax's
num_mtp_modules: draft heads for speculative decoding, not in the published totals) and a
multimodal wrapper's vision tower (`vision_config`; Kimi K2.5's is printed separately).

KV bytes per token in bf16, over all layers: GQA 2 (K and V) x layers x kv_heads x head_dim x 2 bytes;
MLA layers x (kv_lora_rank + qk_rope_head_dim) x 2 bytes (the compressed latent and the shared rope key).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figures:
    """Computed parameter counts (units, not billions) and KV bytes per token in bf16."""

    params: int
    active_params: int
    kv_bytes_per_token_bf16: int
    attention: str  # gqa | mla

    @property
    def params_b(self) -> float:
        return round(self.params / 1e9, 2)

    @property
    def active_params_b(self) -> float:
        return round(self.active_params / 1e9, 2)


def text_config(config: dict[str, Any]) -> dict[str, Any]:
    """The language model's config: a multimodal wrapper (Kimi K2.5) keeps it under `text_config`."""
    inner = config.get("text_config")
    return inner if isinstance(inner, dict) else config


def _experts(c: dict[str, Any]) -> tuple[int, int, int, int]:
    """(routed experts, experts per token, routed expert width, shared expert width) of a MoE config."""
    routed = int(c.get("num_experts") or c.get("num_local_experts") or c.get("n_routed_experts") or 0)
    per_token = int(c.get("num_experts_per_tok") or 0)
    if not routed:
        return 0, 0, 0, 0
    # Qwen3-MoE and DeepSeek/Kimi name the expert width moe_intermediate_size; MiniMax-M2 and Mixtral
    # use intermediate_size for it.
    width = int(c.get("moe_intermediate_size") or c["intermediate_size"])
    shared = int(c.get("n_shared_experts") or 0) * width + int(c.get("shared_intermediate_size") or 0)
    return routed, per_token, width, shared


def compute(config: dict[str, Any]) -> Figures:
    c = text_config(config)
    hidden, layers, vocab = int(c["hidden_size"]), int(c["num_hidden_layers"]), int(c["vocab_size"])
    heads = int(c["num_attention_heads"])
    tied = bool(config.get("tie_word_embeddings", c.get("tie_word_embeddings", False)))
    embeddings = vocab * hidden * (1 if tied else 2)

    if c.get("kv_lora_rank"):  # MLA
        q_lora, kv_lora = int(c.get("q_lora_rank") or 0), int(c["kv_lora_rank"])
        nope, rope, v_dim = int(c["qk_nope_head_dim"]), int(c["qk_rope_head_dim"]), int(c["v_head_dim"])
        q = (hidden * q_lora + q_lora + q_lora * heads * (nope + rope)) if q_lora else hidden * heads * (nope + rope)
        kv = hidden * (kv_lora + rope) + kv_lora + kv_lora * heads * (nope + v_dim)
        attention = q + kv + heads * v_dim * hidden
        kv_bytes = layers * (kv_lora + rope) * 2
        kind = "mla"
    else:  # GQA (MHA when kv_heads == heads)
        kv_heads = int(c["num_key_value_heads"])
        head_dim = int(c.get("head_dim") or hidden // heads)
        q_dim, kv_dim = heads * head_dim, kv_heads * head_dim
        attention = hidden * q_dim + 2 * hidden * kv_dim + q_dim * hidden
        if c.get("attention_bias"):
            attention += q_dim + 2 * kv_dim
        if c.get("model_type", "").startswith("qwen3"):
            attention += 2 * head_dim  # q_norm, k_norm per head (shared across heads)
        elif c.get("use_qk_norm"):
            attention += q_dim + kv_dim if c.get("qk_norm_type") == "per_layer" else 2 * head_dim
        kv_bytes = 2 * layers * kv_heads * head_dim * 2
        kind = "gqa"

    routed, per_token, width, shared = _experts(c)
    dense_layers = layers
    moe_total = moe_active = 0
    if routed:
        expert = 3 * hidden * width
        router = hidden * routed + (routed if c.get("use_routing_bias") or c.get("topk_method") == "noaux_tc" else 0)
        first_dense = int(c.get("first_k_dense_replace") or 0)
        sparse_layers = [i for i in range(layers)
                         if i >= first_dense and i not in set(c.get("mlp_only_layers") or [])
                         and (i + 1) % int(c.get("decoder_sparse_step") or 1) == 0
                         and i % int(c.get("moe_layer_freq") or 1) == 0]
        dense_layers = layers - len(sparse_layers)
        moe_total = len(sparse_layers) * (routed * expert + 3 * hidden * shared + router)
        moe_active = len(sparse_layers) * (per_token * expert + 3 * hidden * shared + router)
    dense_mlp = dense_layers * 3 * hidden * int(c["intermediate_size"])
    norms = 2 * hidden * layers + hidden
    common = layers * attention + dense_mlp + norms + embeddings
    return Figures(params=common + moe_total, active_params=common + moe_active,
                   kv_bytes_per_token_bf16=kv_bytes, attention=kind)


def vision_params(config: dict[str, Any]) -> int:
    """Rough size of a vision tower (Kimi K2.5's MoonViT): per layer 4 x d^2 attention + 2 x d x ffn;
    the patch embedding and projector are left out. For the notes only: the table counts the text model."""
    v = config.get("vision_config") or {}
    d, ffn, n = int(v.get("vt_hidden_size") or 0), int(v.get("vt_intermediate_size") or 0), \
        int(v.get("vt_num_hidden_layers") or 0)
    return n * (4 * d * d + 2 * d * ffn)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv:
        config = json.loads(Path(name).read_text(encoding="utf-8"))
        f = compute(config)
        line = (f"{Path(name).name}: {f.attention}, params {f.params:,} ({f.params_b} B), active "
                f"{f.active_params:,} ({f.active_params_b} B), kv_bytes_per_token_bf16 {f.kv_bytes_per_token_bf16:,}")
        if (vision := vision_params(config)) > 0:
            line += f"; vision tower about {vision / 1e9:.2f} B more (not counted)"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

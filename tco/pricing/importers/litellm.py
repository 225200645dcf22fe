"""Import LiteLLM's model price map (`model_prices_and_context_window.json`) into api.yaml.

The mapping from a LiteLLM record to our fields lives here once: `tools/build_tables.py`
builds the bundled api.yaml with it, and `tco pricing import litellm` refreshes a user's
table with it, so both agree on every figure.

- per-token prices x 1e6 = USD per 1M tokens, rounded to 10 significant digits, which removes
  binary noise (3e-06 * 1e6 = 2.9999999999999996 -> 3.0) and nothing else;
- `cache_read_input_token_cost` -> `cached_input`;
- `input_cost_per_token_batches` -> `batch_discount` = 1 - batch price / price (a share);
- context-tier prices (`*_above_200k_tokens`), cache writes and deprecation dates -> `notes`
  (the engine does not model them);
- table key: the curated name for the models the bundled table carries (API_MODELS), else
  `provider/model`, lower case: the key's own prefix (`gemini/...`) or LiteLLM's
  `litellm_provider` when the key has none (`gpt-4.1` -> `openai/gpt-4.1`);
- skipped, with the reason: `sample_spec`, modes other than chat/responses, records without
  per-token input and output prices.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

from tco.errors import TcoError
from tco.pricing.catalog import Catalog
from tco.pricing.importers import ImportPlan, PlannedEntry, Selection, plan_entry

PROVIDER_PAGES = {
    "openai": "https://openai.com/api/pricing/",
    "anthropic": "https://platform.claude.com/docs/en/about-claude/pricing",
    "gemini": "https://ai.google.dev/gemini-api/docs/pricing",
    "mistral": "https://mistral.ai/pricing",
    "deepseek": "https://api-docs.deepseek.com/quick_start/pricing",
    "together_ai": "https://www.together.ai/pricing",
    "fireworks_ai": "https://fireworks.ai/pricing",
    "deepinfra": "https://deepinfra.com/pricing",
    "groq": "https://groq.com/pricing",
}

# (table key, LiteLLM key, extra note or None). Order here is the order in the file:
# by provider, then model.
API_MODELS: list[tuple[str, str, str | None]] = [
    # OpenAI
    ("openai/gpt-4.1", "gpt-4.1", None),
    ("openai/gpt-4.1-mini", "gpt-4.1-mini", None),
    ("openai/gpt-4o", "gpt-4o", None),
    ("openai/gpt-4o-mini", "gpt-4o-mini", None),
    ("openai/gpt-5.1", "gpt-5.1", None),
    ("openai/gpt-5.2", "gpt-5.2", None),
    ("openai/gpt-5.4", "gpt-5.4", None),
    ("openai/gpt-5.4-mini", "gpt-5.4-mini", None),
    ("openai/gpt-5.4-nano", "gpt-5.4-nano", None),
    ("openai/gpt-5.5", "gpt-5.5", None),
    # OpenAI fine-tuned models: inference prices of a model fine-tuned from this base (their
    # training prices are not in LiteLLM: tools/build_tables.py adds them)
    ("openai/ft:gpt-4.1", "ft:gpt-4.1-2025-04-14", None),
    ("openai/ft:gpt-4.1-mini", "ft:gpt-4.1-mini-2025-04-14", None),
    ("openai/ft:gpt-4o", "ft:gpt-4o-2024-08-06", None),
    ("openai/ft:gpt-4o-mini", "ft:gpt-4o-mini-2024-07-18", None),
    # Anthropic
    ("anthropic/claude-haiku-4-5", "claude-haiku-4-5", None),
    ("anthropic/claude-opus-4-7", "claude-opus-4-7", None),
    ("anthropic/claude-opus-5-5", "claude-opus-5-5", None),
    ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", None),
    ("anthropic/claude-sonnet-4-6", "claude-sonnet-4-6", None),
    ("anthropic/claude-sonnet-5-5", "claude-sonnet-5-5", None),
    # Google Gemini API
    ("gemini/gemini-2.5-flash", "gemini/gemini-2.5-flash", None),
    ("gemini/gemini-2.5-flash-lite", "gemini/gemini-2.5-flash-lite", None),
    ("gemini/gemini-2.5-pro", "gemini/gemini-2.5-pro", None),
    ("gemini/gemini-3-flash-preview", "gemini/gemini-3-flash-preview", None),
    ("gemini/gemini-3.1-flash-lite", "gemini/gemini-3.1-flash-lite", None),
    ("gemini/gemini-3.1-pro-preview", "gemini/gemini-3.1-pro-preview", None),
    # Mistral
    (
        "mistral/mistral-large-latest",
        "mistral/mistral-large-latest",
        "alias of Mistral Large 3 (25.12)",
    ),
    (
        "mistral/mistral-medium-latest",
        "mistral/mistral-medium-latest",
        "alias of Mistral Medium 3.5 (26.04)",
    ),
    (
        "mistral/mistral-small-latest",
        "mistral/mistral-small-latest",
        "alias of Mistral Small 4.0 (26.03)",
    ),
    # DeepSeek (first party)
    ("deepseek/deepseek-v3.2", "deepseek/deepseek-v3.2", None),
    ("deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-flash", None),
    ("deepseek/deepseek-v4-pro", "deepseek/deepseek-v4-pro", None),
    # Hosts of open-weights models
    ("deepinfra/deepseek-r1-0528", "deepinfra/deepseek-ai/DeepSeek-R1-0528", None),
    ("deepinfra/deepseek-v3-0324", "deepinfra/deepseek-ai/DeepSeek-V3-0324", None),
    ("deepinfra/gpt-oss-120b", "deepinfra/openai/gpt-oss-120b", None),
    ("deepinfra/gpt-oss-20b", "deepinfra/openai/gpt-oss-20b", None),
    (
        "deepinfra/llama-3.1-70b-instruct-turbo",
        "deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo",
        None,
    ),
    (
        "deepinfra/llama-3.1-8b-instruct-turbo",
        "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
        None,
    ),
    (
        "deepinfra/llama-3.3-70b-instruct-turbo",
        "deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        None,
    ),
    (
        "deepinfra/mixtral-8x7b-instruct-v0.1",
        "deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1",
        None,
    ),
    ("deepinfra/qwen2.5-72b-instruct", "deepinfra/Qwen/Qwen2.5-72B-Instruct", None),
    (
        "deepinfra/qwen3-235b-a22b-instruct-2507",
        "deepinfra/Qwen/Qwen3-235B-A22B-Instruct-2507",
        None,
    ),
    (
        "fireworks_ai/deepseek-r1-0528",
        "fireworks_ai/accounts/fireworks/models/deepseek-r1-0528",
        None,
    ),
    ("fireworks_ai/deepseek-v3", "fireworks_ai/accounts/fireworks/models/deepseek-v3", None),
    ("fireworks_ai/gpt-oss-20b", "fireworks_ai/accounts/fireworks/models/gpt-oss-20b", None),
    (
        "fireworks_ai/llama-v3p1-405b-instruct",
        "fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct",
        None,
    ),
    (
        "fireworks_ai/llama-v3p1-70b-instruct",
        "fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct",
        None,
    ),
    (
        "fireworks_ai/llama-v3p1-8b-instruct",
        "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
        None,
    ),
    (
        "fireworks_ai/llama-v3p3-70b-instruct",
        "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct",
        None,
    ),
    (
        "fireworks_ai/mixtral-8x7b-instruct",
        "fireworks_ai/accounts/fireworks/models/mixtral-8x7b-instruct",
        None,
    ),
    (
        "fireworks_ai/qwen2p5-72b-instruct",
        "fireworks_ai/accounts/fireworks/models/qwen2p5-72b-instruct",
        None,
    ),
    (
        "fireworks_ai/qwen3-235b-a22b-instruct-2507",
        "fireworks_ai/accounts/fireworks/models/qwen3-235b-a22b-instruct-2507",
        None,
    ),
    ("groq/gpt-oss-120b", "groq/openai/gpt-oss-120b", None),
    ("groq/gpt-oss-20b", "groq/openai/gpt-oss-20b", None),
    ("together_ai/deepseek-r1-0528", "together_ai/deepseek-ai/DeepSeek-R1-0528", None),
    ("together_ai/deepseek-v3", "together_ai/deepseek-ai/DeepSeek-V3", None),
    ("together_ai/gpt-oss-120b", "together_ai/openai/gpt-oss-120b", None),
    ("together_ai/llama-3.1-405b-instruct", "together_ai/meta-llama/Llama-3.1-405B-Instruct", None),
    ("together_ai/qwen2.5-72b-instruct", "together_ai/Qwen/Qwen2.5-72B-Instruct", None),
]


def per_million(x: float) -> float:
    """USD per token -> USD per 1M tokens: the source's decimal shifted six places, so 4e-07 gives 0.4
    (not the float product 0.39999999999999997) and every digit the source gives is kept:
    the imported prices match the source x 1e6 exactly; rounding to ten digits did not."""
    return float(Decimal(repr(x)).scaleb(6))


def share(x: float) -> float:
    return float(f"{x:.6g}")


def tier_notes(entry: dict[str, Any]) -> list[str]:
    """Context-tier prices (input/output above N tokens), which the engine does not model."""
    notes = []
    for k, v in sorted(entry.items()):
        if not k.startswith("input_cost_per_token_above_") or not k.endswith("_tokens"):
            continue
        tier = k[len("input_cost_per_token_above_") : -len("_tokens")]
        out = entry.get(f"output_cost_per_token_above_{tier}_tokens")
        text = f"above {tier.upper()} tokens of context: input {per_million(v)}"
        if out is not None:
            text += f" / output {per_million(out)}"
        notes.append(text + " per 1M (not modelled)")
    return notes



CHAT_MODES = frozenset({"chat", "responses"})
TABLE_KEY_BY_LITELLM_KEY = {lkey: key for key, lkey, _ in API_MODELS}
_EXTRA_NOTE = {lkey: extra for _, lkey, extra in API_MODELS if extra}
_FIREWORKS_PREFIX = "accounts/fireworks/models/"


def api_fields(record: dict[str, Any], extra_note: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Our api.yaml fields (USD per 1M tokens, shares, notes) for one LiteLLM record, and log lines.

    The record must carry `input_cost_per_token` and `output_cost_per_token`. `source` and
    `as_of` are the caller's.
    """
    log: list[str] = []
    row: dict[str, Any] = {
        "input": per_million(record["input_cost_per_token"]),
        "output": per_million(record["output_cost_per_token"]),
    }
    cached = record.get("cache_read_input_token_cost")
    if _is_price(cached) and cached >= 0 and math.isfinite(cached * 1e6):
        row["cached_input"] = per_million(cached)
    notes: list[str] = []
    if extra_note:
        notes.append(extra_note)
    bin_, bout = record.get("input_cost_per_token_batches"), record.get("output_cost_per_token_batches")
    if _is_price(bin_) and math.isfinite(bin_) and record["input_cost_per_token"] > 0:
        d_in = share(1 - bin_ / record["input_cost_per_token"])
        if 0 <= d_in <= 1:
            row["batch_discount"] = d_in
            if _is_price(bout) and math.isfinite(bout) and record["output_cost_per_token"] > 0:
                d_out = share(1 - bout / record["output_cost_per_token"])
                if abs(d_out - d_in) > 1e-9:
                    notes.append(f"batch discount on output is {d_out}, on input {d_in}")
                    log.append(f"batch discount differs in/out ({d_in} vs {d_out})")
        else:
            notes.append(f"batch price {per_million(bin_)} per 1M input is above the list price (ignored)")
    notes.extend(tier_notes(record))
    if record.get("cache_creation_input_token_cost"):
        notes.append(f"cache writes {per_million(record['cache_creation_input_token_cost'])} per 1M (not modelled)")
    if record.get("deprecation_date"):
        notes.append(f"provider deprecation date {record['deprecation_date']} (per LiteLLM)")
    if notes:
        row["notes"] = "; ".join(notes)
    return row, log


def _is_price(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def provider_page(record: dict[str, Any], provider: str) -> str | None:
    """The provider's pricing page: the record's own `source` when it is one, else ours."""
    page = record.get("source") if "pricing" in str(record.get("source", "")) else None
    return page or PROVIDER_PAGES.get(provider)


def table_key(litellm_key: str, record: dict[str, Any]) -> tuple[str, str]:
    """Our api.yaml key for a LiteLLM key, and its provider (see the module docstring)."""
    curated = TABLE_KEY_BY_LITELLM_KEY.get(litellm_key)
    if curated:
        return curated, curated.split("/", 1)[0]
    if "/" in litellm_key:
        provider, model = litellm_key.split("/", 1)
    else:
        provider, model = str(record.get("litellm_provider") or "unknown"), litellm_key
    model = model.removeprefix(_FIREWORKS_PREFIX)
    return f"{provider.lower()}/{model.lower()}", provider.lower()


def skip_reason(litellm_key: str, record: Any) -> str | None:
    """Why a LiteLLM record cannot become an api.yaml entry, or None when it can."""
    if litellm_key == "sample_spec":
        return "LiteLLM's documentation of the fields, not a model"
    if not isinstance(record, dict):
        return "not a price record"
    mode = record.get("mode")
    if mode is None and isinstance(record.get("alias_of"), str):
        return f"an alias of {record['alias_of']!r} (that record is imported under its own name)"
    if mode not in CHAT_MODES:
        return f"mode {mode!r} is not a chat model" if mode else "no mode given (not a chat model)"
    prices: list[float] = [p for p in (record.get("input_cost_per_token"), record.get("output_cost_per_token"))
                           if _is_price(p)]
    if len(prices) < 2:
        return "no per-token input and output price"
    if any(p < 0 for p in prices):
        return "negative price"
    if any(not math.isfinite(p * 1e6) for p in prices):
        return "price is not a finite number"
    return None


def read_litellm(path: Path) -> dict[str, Any]:
    """The price map at `path` as a dict; TcoError when it is not LiteLLM's JSON object."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise TcoError.single(str(path), f"cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TcoError.single(str(path), f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TcoError.single(str(path), "expected LiteLLM's JSON object of model name to prices")
    return data


def plan_litellm(data: dict[str, Any], catalog: Catalog, selection: Selection, *, label: str,
                 as_of: dt.date) -> ImportPlan:
    """What importing the LiteLLM map `data` into api.yaml would do, record by record.

    `label` names the file in each entry's `source`; `as_of` dates the imported prices.
    When two LiteLLM keys map to one table key, the curated key (or else the first) wins and
    the other is skipped.
    """
    plan = ImportPlan("api", label)
    claimed: dict[str, str] = {}
    # Curated keys first, so they win a shared table key whatever the file order.
    ordered = sorted(data, key=lambda k: k not in TABLE_KEY_BY_LITELLM_KEY)
    existing = set(catalog.keys("api")) if selection.only_existing else set()
    for lkey in ordered:
        record = data[lkey]
        reason = skip_reason(lkey, record)
        if reason is not None:
            if selection.provider is None and selection.model is None and not selection.only_existing:
                plan.entries.append(PlannedEntry(lkey, "skipped", lkey, reason=reason))
            continue
        key, provider = table_key(lkey, record)
        if not selection.wants(key, provider, (lkey,)):
            continue
        if selection.only_existing and key not in existing:
            continue
        if key in claimed:
            plan.entries.append(PlannedEntry(key, "skipped", lkey,
                                             reason=f"LiteLLM key {claimed[key]!r} maps to the same entry"))
            continue
        claimed[key] = lkey
        fields, _ = api_fields(record, _EXTRA_NOTE.get(lkey))
        page = provider_page(record, provider)
        fields["source"] = f"LiteLLM {label}, key {lkey}" + (f"; provider page {page}" if page else "")
        fields["as_of"] = as_of
        plan.entries.append(plan_entry(catalog, "api", key, lkey, fields, selection.only_existing))
    return plan

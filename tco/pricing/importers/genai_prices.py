"""Import API prices from the installed `genai-prices` package's snapshot into api.yaml.

genai-prices (pydantic/genai-prices, MIT) ships its price data inside the package; we read
that snapshot (`genai_prices.data.providers`) and never fetch anything. Per model: the price
in force today (the last conditional price whose start date has passed), `input_mtok`,
`output_mtok`, `cache_read_mtok` (already USD per 1M tokens); a tiered price keeps its base
tier and notes the others. Keys are `provider/model` with genai-prices' provider ids mapped to
the LiteLLM-style names our tables use (`google` -> `gemini`, `together` -> `together_ai`, ...).

The package is an optional extra (`pip install 'tco-llm[genai-prices]'`) imported only here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tco.errors import TcoError
from tco.pricing.catalog import Catalog
from tco.pricing.importers import ImportPlan, PlannedEntry, Selection, plan_entry
from tco.version import DISTRIBUTION

EXTRA = "genai-prices"
PROVIDER_NAMES = {"google": "gemini", "together": "together_ai", "fireworks": "fireworks_ai", "x-ai": "xai",
                  "mistral": "mistral", "openai": "openai", "anthropic": "anthropic", "deepseek": "deepseek",
                  "groq": "groq", "deepinfra": "deepinfra"}


def load_providers() -> tuple[list[Any], str]:
    """genai-prices' provider list and version; TcoError naming the extra when it is not installed."""
    try:
        import genai_prices
        from genai_prices.data import providers
    except ImportError:
        raise TcoError.single("tco pricing sync genai-prices",
                              f"the genai-prices package is not installed; install it with "
                              f"pip install '{DISTRIBUTION}[{EXTRA}]' (or pip install genai-prices)") from None
    return list(providers), str(genai_prices.__version__)


def _number(value: Any) -> tuple[float | None, str]:
    """A price as a float, and a note when it is tiered (the base tier is kept)."""
    if value is None:
        return None, ""
    if isinstance(value, Decimal | int | float):
        return float(f"{float(value):.10g}"), ""
    base = getattr(value, "base", None)
    tiers = getattr(value, "tiers", None) or []
    if base is None:
        return None, ""
    note = ", ".join(f"above {t.start:,} tokens {float(t.price):g}" for t in tiers)
    return float(f"{float(base):.10g}"), note


def current_price(model: Any, today: dt.date) -> Any:
    """The model's price in force on `today` (the last conditional price that has started)."""
    prices = model.prices
    if not isinstance(prices, list):
        return prices
    chosen = None
    for conditional in prices:
        constraint = conditional.constraint
        start = getattr(constraint, "start_date", None)
        if constraint is None or (start is not None and _as_date(start) <= today):
            chosen = conditional.prices
    return chosen


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def plan_genai_prices(providers: list[Any], version: str, catalog: Catalog, selection: Selection, *,
                      today: dt.date) -> ImportPlan:
    """What importing the genai-prices snapshot into api.yaml would do, model by model."""
    plan = ImportPlan("api", f"genai-prices {version}")
    existing = set(catalog.keys("api")) if selection.only_existing else set()
    for provider in providers:
        name = PROVIDER_NAMES.get(provider.id, provider.id)
        for model in provider.models:
            key = f"{name}/{model.id}".lower()
            record = f"{provider.id}/{model.id}"
            if not selection.wants(key, name, (record,)):
                continue
            if selection.only_existing and key not in existing:
                continue
            price = current_price(model, today)
            if price is None:
                plan.entries.append(PlannedEntry(key, "skipped", record, reason="no price in force today"))
                continue
            fields_in = getattr(price, "__dict__", {})
            p_in, n_in = _number(fields_in.get("input_mtok"))
            p_out, n_out = _number(fields_in.get("output_mtok"))
            if p_in is None or p_out is None:
                plan.entries.append(PlannedEntry(key, "skipped", record,
                                                 reason="no per-token input and output price"))
                continue
            fields: dict[str, Any] = {"input": p_in, "output": p_out}
            cached, _ = _number(fields_in.get("cache_read_mtok"))
            if cached is not None:
                fields["cached_input"] = cached
            notes = [f"{what} {note} per 1M (not modelled)" for what, note in (("input", n_in), ("output", n_out))
                     if note]
            if getattr(model, "deprecated", False):
                notes.append("deprecated (per genai-prices)")
            if notes:
                fields["notes"] = "; ".join(notes)
            page = (provider.pricing_urls or [None])[0]
            fields["source"] = f"genai-prices {version} snapshot, {record}" + (
                f"; provider page {page}" if page else "")
            fields["as_of"] = today
            plan.entries.append(plan_entry(catalog, "api", key, record, fields, selection.only_existing))
    return plan

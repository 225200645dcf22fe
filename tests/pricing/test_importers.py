"""Imports (review item 4): LiteLLM, SkyPilot and genai-prices records mapped onto our fields,
checked against trimmed real fixtures (tests/fixtures/*/README.md gives their sources)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tco.errors import TcoError
from tco.pricing.catalog import Catalog
from tco.pricing.importers import ImportPlan, PlannedEntry, Selection, apply_plan
from tco.pricing.importers.genai_prices import plan_genai_prices
from tco.pricing.importers.litellm import per_million, plan_litellm, read_litellm, table_key
from tco.pricing.importers.skypilot import plan_skypilot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LITELLM = FIXTURES / "litellm" / "model_prices_and_context_window.json"
SKYPILOT = FIXTURES / "skypilot"
AS_OF = dt.date(2026, 11, 27)


def litellm_plan(selection: Selection | None = None, user_dir: Path | None = None) -> ImportPlan:
    return plan_litellm(read_litellm(LITELLM), Catalog(user_dir), selection or Selection(),
                        label=LITELLM.name, as_of=AS_OF)


def by_key(plan: ImportPlan) -> dict[str, PlannedEntry]:
    return {e.key: e for e in plan.entries if e.status != "skipped"}


def exact_per_million(per_token: float) -> float:
    """The decimal value of the source's per-token price x 1e6, done in decimal (no float noise)."""
    return float(Decimal(repr(per_token)) * 1_000_000)


def test_per_million_is_exact_where_float_is_not() -> None:
    assert 4e-07 * 1e6 == 0.39999999999999997  # the trap
    assert per_million(4e-07) == 0.4
    assert per_million(2.15e-06) == 2.15
    assert per_million(5e-08) == 0.05
    assert per_million(1.25e-06) == 1.25
    assert per_million(7.5e-08) == 0.075


@pytest.mark.parametrize("per_token", [8.900000000000001e-07, 1.1428571428571428e-06, 2.9999900000000002e-06,
                                       3.2857142857142855e-08, 9.499999999999999e-07])
def test_per_million_keeps_every_digit_the_source_gives(per_token: float) -> None:
    """Real records of the LiteLLM map (novita, bigmodel, databricks) whose prices carry more than
    ten significant digits: the import is the decimal shift of the source, not a rounding of it."""
    assert per_million(per_token) == exact_per_million(per_token)


def test_chat_prices_match_the_source_times_a_million_exactly(tmp_path: Path) -> None:
    """Every chat record of the fixture, imported into an empty folder that shadows nothing:
    what lands in the user's table equals the source's decimal price x 1e6."""
    source = json.loads(LITELLM.read_text())
    no_bundled = tmp_path / "no-bundled-tables"
    plan = plan_litellm(source, Catalog(tmp_path, bundled_dir=no_bundled), Selection(), label="x", as_of=AS_OF)
    apply_plan(plan, tmp_path / "api.yaml")
    written = Catalog(tmp_path, bundled_dir=no_bundled)
    checked = 0
    for entry in plan.entries:
        if entry.status == "skipped":
            continue
        record, imported = source[entry.record], written.get("api", entry.key)
        assert imported is not None
        assert imported.get("input") == exact_per_million(record["input_cost_per_token"])
        assert imported.get("output") == exact_per_million(record["output_cost_per_token"])
        if "cache_read_input_token_cost" in record:
            assert imported.get("cached_input") == exact_per_million(record["cache_read_input_token_cost"])
        checked += 1
    assert checked >= 20


def test_bundled_entries_come_back_unchanged() -> None:
    """The bundled api.yaml was built from this LiteLLM version with the same mapping."""
    entries = by_key(litellm_plan())
    for key in ("openai/gpt-4.1", "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-pro",
                "deepinfra/llama-3.1-70b-instruct-turbo", "fireworks_ai/deepseek-v3", "groq/gpt-oss-20b"):
        assert entries[key].status == "unchanged", key


def test_keys_with_and_without_a_provider_prefix() -> None:
    assert table_key("gpt-4.1", {"litellm_provider": "openai"}) == ("openai/gpt-4.1", "openai")
    assert table_key("azure/gpt-4.1", {"litellm_provider": "azure"}) == ("azure/gpt-4.1", "azure")
    assert table_key("fireworks_ai/accounts/fireworks/models/qwen3-8b", {}) == ("fireworks_ai/qwen3-8b",
                                                                                "fireworks_ai")
    assert table_key("deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", {})[0] == \
        "deepinfra/llama-3.1-70b-instruct-turbo"  # the bundled table's curated name
    assert table_key("anthropic.claude-sonnet-4-20250514-v1:0", {"litellm_provider": "bedrock_converse"})[0] == \
        "bedrock_converse/anthropic.claude-sonnet-4-20250514-v1:0"


def test_skips_say_why() -> None:
    reasons = {e.record: e.reason for e in litellm_plan().entries if e.status == "skipped"}
    assert reasons["sample_spec"] == "LiteLLM's documentation of the fields, not a model"
    assert reasons["text-embedding-3-small"] == "mode 'embedding' is not a chat model"
    assert reasons["whisper-1"] == "mode 'audio_transcription' is not a chat model"
    # 98 of the map's 109 records without a mode are aliases: say so, not "not a chat model"
    assert reasons["bedrock/claude-fable-latest"] == ("an alias of 'global.anthropic.claude-fable-5-1' "
                                                      "(that record is imported under its own name)")
    assert reasons["twelvelabs.pegasus-1-2-v1:0"] == "no per-token input and output price"


def test_batch_tier_and_cache_write_quirks() -> None:
    entries = by_key(litellm_plan())
    source = json.loads(LITELLM.read_text())
    nova = entries["bedrock_converse/amazon.nova-lite-v1:0"]
    record = source["amazon.nova-lite-v1:0"]
    assert nova.fields["batch_discount"] == pytest.approx(1 - record["input_cost_per_token_batches"]
                                                          / record["input_cost_per_token"])
    claude = by_key(litellm_plan(Selection(model="anthropic.claude-sonnet-4-2025*")))
    notes = next(iter(claude.values())).fields["notes"]
    assert "above 200K tokens of context: input 6.0 / output 22.5 per 1M (not modelled)" in notes
    assert "cache writes 3.75 per 1M (not modelled)" in notes


def test_selection_by_provider_model_and_existing() -> None:
    only_azure = litellm_plan(Selection(provider="azure"))
    assert {e.key for e in only_azure.entries} == {"azure/gpt-4.1", "azure/codex-mini"}
    assert all(e.status != "skipped" for e in only_azure.entries)  # skipped records of other providers: not listed
    gpt = litellm_plan(Selection(model="gpt-4.1*"))
    assert {e.key for e in gpt.entries} == {"openai/gpt-4.1", "openai/gpt-4.1-mini", "azure/gpt-4.1"}
    existing = litellm_plan(Selection(only_existing=True))
    assert {e.status for e in existing.entries} == {"unchanged"}
    assert "azure/gpt-4.1" not in {e.key for e in existing.entries}


def test_a_user_override_shows_as_changed_and_the_write_restores_the_source(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("# mine\nopenai/gpt-4.1:\n  input: 1.5  # negotiated\n  as_of: 2026-01-01\n")
    plan = litellm_plan(Selection(model="openai/gpt-4.1"), user_dir=tmp_path)
    (entry,) = plan.entries
    assert entry.status == "changed"
    assert entry.before == {"input": 1.5} and entry.fields["input"] == 2.0
    apply_plan(plan, tmp_path / "api.yaml")
    text = (tmp_path / "api.yaml").read_text()
    assert text.startswith("# mine\nopenai/gpt-4.1:\n  input: 2.0  # negotiated\n  as_of: 2026-11-27\n")
    assert "source: LiteLLM model_prices_and_context_window.json, key gpt-4.1" in text
    assert Catalog(tmp_path).get("api", "openai/gpt-4.1").get("input") == 2.0  # type: ignore[union-attr]


def test_import_keeps_the_rest_of_the_file_byte_for_byte(tmp_path: Path) -> None:
    original = "# header\n\n# keep me\nacme/x:\n    input: 9   # odd indent\n    output: 9\n"
    (tmp_path / "api.yaml").write_text(original)
    plan = litellm_plan(Selection(provider="azure"), user_dir=tmp_path)
    apply_plan(plan, tmp_path / "api.yaml")
    text = (tmp_path / "api.yaml").read_text()
    assert text.startswith(original + "\nazure/gpt-4.1:\n  input: 2.0\n")


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    write = apply_plan(litellm_plan(), tmp_path / "api.yaml", dry_run=True)
    assert write.changed and not (tmp_path / "api.yaml").exists()


def test_odd_litellm_records_are_skipped_not_fatal(tmp_path: Path) -> None:
    data = {
        "acme/nan": {"mode": "chat", "input_cost_per_token": float("nan"), "output_cost_per_token": 1e-6},
        "acme/huge": {"mode": "chat", "input_cost_per_token": 1e305, "output_cost_per_token": 1e-6},
        "acme/text": {"mode": "chat", "input_cost_per_token": "3e-06", "output_cost_per_token": 1e-6},
        "acme/neg": {"mode": "chat", "input_cost_per_token": -1e-6, "output_cost_per_token": 1e-6},
        "acme/list": [1, 2],
        "acme/ok": {"mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6,
                    "cache_read_input_token_cost": "cheap", "input_cost_per_token_batches": float("inf")},
    }
    plan = plan_litellm(data, Catalog(), Selection(), label="odd.json", as_of=AS_OF)
    reasons = {e.record: e.reason for e in plan.entries if e.status == "skipped"}
    assert reasons == {"acme/nan": "price is not a finite number", "acme/huge": "price is not a finite number",
                       "acme/text": "no per-token input and output price", "acme/neg": "negative price",
                       "acme/list": "not a price record"}
    apply_plan(plan, tmp_path / "api.yaml")
    assert Catalog(tmp_path).get("api", "acme/ok").values == {  # type: ignore[union-attr]
        "input": 1.0, "output": 2.0, "source": "LiteLLM odd.json, key acme/ok", "as_of": AS_OF}


def test_not_a_litellm_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    with pytest.raises(TcoError, match="JSON object"):
        read_litellm(bad)
    bad.write_text("{nope")
    with pytest.raises(TcoError, match="not JSON"):
        read_litellm(bad)


# --- SkyPilot -----------------------------------------------------------------------------------


def rents(cloud: str, region: str | None = None) -> dict[str, Any]:
    plan = plan_skypilot(SKYPILOT / cloud / "vms.csv", Catalog(), cloud=cloud, region=region, as_of=AS_OF)
    return {e.key: e.fields.get("rent_per_hour", {}).get(cloud) if e.status != "unchanged" else "unchanged"
            for e in plan.entries if e.status != "skipped"}


def skipped(cloud: str) -> dict[str, str]:
    plan = plan_skypilot(SKYPILOT / cloud / "vms.csv", Catalog(), cloud=cloud, region=None, as_of=AS_OF)
    return {e.key: e.reason for e in plan.entries if e.status == "skipped"}


def test_lambda_cheapest_per_gpu_hour_matches_the_bundled_table() -> None:
    """gpu_8x_h100_sxm5 $23.92 / 8 = $2.99 beats gpu_1x_h100_sxm5 $3.29; the PCIe $2.49 is another GPU."""
    assert rents("lambda") == {"h100-sxm": "unchanged", "a100-80gb": "unchanged", "b200": "unchanged"}
    assert skipped("lambda") == {"A10": "no gpus.yaml entry for this accelerator",
                                 "GH200": "no gpus.yaml entry for this accelerator",
                                 "H100 (gpu_1x_h100_pcie)": "H100 PCIe is not the h100-sxm entry"}


def test_aws_layout_and_a_missing_on_demand_price() -> None:
    assert set(rents("aws").values()) == {"unchanged"}
    assert set(rents("aws")) == {"l4", "l40s", "a100-80gb", "h100-sxm", "h200", "b200"}
    assert skipped("aws")["H200 (p5e.48xlarge)"] == "no on-demand price in the catalog"


def test_gcp_adds_the_host_vm_to_the_accelerator() -> None:
    """a3-highgpu-1g VM $1.18251 + one H100 $4.20076 = $5.38327 per GPU-hour."""
    found = rents("gcp")
    assert found == {"h100-sxm": pytest.approx(5.38327), "a100-80gb": pytest.approx(1.09962 + 1.8462)}
    assert skipped("gcp")["H200 x8 (us-central1)"] == "no host VM price to add to the accelerator"


def test_runpod_layout_prices_by_header_not_position() -> None:
    """RunPod puts Price after SpotPrice: 4x_H100-SXM_SECURE $10.76 / 4 = $2.69, not the spot $7.0 / 4."""
    assert rents("runpod") == {"a100-80gb": "unchanged", "h100-sxm": "unchanged", "h200": "unchanged"}
    assert rents("runpod", region="EU") == {}


def test_new_cloud_price_is_written_as_an_overlay(tmp_path: Path) -> None:
    plan = plan_skypilot(SKYPILOT / "lambda" / "vms.csv", Catalog(), cloud="lambda-eu", region=None, as_of=AS_OF)
    apply_plan(plan, tmp_path / "gpus.yaml")
    entry = Catalog(tmp_path).get("gpus", "h100-sxm")
    assert entry is not None
    assert entry.get("rent_per_hour")["lambda-eu"] == 2.99
    assert entry.get("rent_per_hour")["lambda"] == 2.99  # bundled clouds still there, merged cloud by cloud


def test_not_a_skypilot_file(tmp_path: Path) -> None:
    bad = tmp_path / "vms.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(TcoError, match="no column InstanceType"):
        plan_skypilot(bad, Catalog(), cloud="aws", region=None, as_of=AS_OF)


# --- genai-prices -------------------------------------------------------------------------------


def fake_provider(**prices: Any) -> Any:
    price = SimpleNamespace(**prices)
    model = SimpleNamespace(id="gpt-4.1", prices=price, deprecated=False)
    return SimpleNamespace(id="openai", models=[model], pricing_urls=["https://openai.com/api/pricing/"])


def test_genai_prices_maps_mtok_prices() -> None:
    provider = fake_provider(input_mtok=Decimal("1.8"), output_mtok=Decimal("8"), cache_read_mtok=Decimal("0.45"))
    plan = plan_genai_prices([provider], "0.0.0", Catalog(), Selection(), today=AS_OF)
    (entry,) = plan.entries
    assert entry.status == "changed"
    assert entry.fields["input"] == 1.8 and entry.fields["cached_input"] == 0.45
    assert entry.before == {"input": 2.0, "cached_input": 0.5}


def test_genai_prices_tiers_and_start_dates() -> None:
    tiered = SimpleNamespace(base=Decimal("2"), tiers=[SimpleNamespace(start=200_000, price=Decimal("4"))])
    old = SimpleNamespace(constraint=None, prices=SimpleNamespace(input_mtok=Decimal("9"), output_mtok=Decimal("9")))
    new = SimpleNamespace(constraint=SimpleNamespace(start_date=dt.date(2026, 1, 1)),
                          prices=SimpleNamespace(input_mtok=tiered, output_mtok=Decimal("8")))
    future = SimpleNamespace(constraint=SimpleNamespace(start_date=dt.date(2027, 1, 1)),
                             prices=SimpleNamespace(input_mtok=Decimal("1"), output_mtok=Decimal("1")))
    model = SimpleNamespace(id="new-model", prices=[old, new, future], deprecated=False)
    provider = SimpleNamespace(id="acme", models=[model], pricing_urls=None)
    (entry,) = plan_genai_prices([provider], "0.0.0", Catalog(), Selection(), today=AS_OF).entries
    assert entry.status == "added"
    assert (entry.fields["input"], entry.fields["output"]) == (2.0, 8.0)
    assert "above 200,000 tokens 4" in entry.fields["notes"]


def test_genai_prices_real_snapshot_if_installed() -> None:
    pytest.importorskip("genai_prices")
    from tco.pricing.importers.genai_prices import load_providers

    providers, version = load_providers()
    plan = plan_genai_prices(providers, version, Catalog(), Selection(provider="openai"), today=AS_OF)
    assert any(e.key == "openai/gpt-4.1" for e in plan.entries)
    assert all(e.key.startswith("openai/") for e in plan.entries)

"""The bundled pricing tables in pricing/.

The loader trusts the bundled tables and parses an entry only when a scenario asks for it, so
these tests are where the tables get the checks a user's table gets: known fields, types,
sources and dates, references between the tables, and the line-based index the lazy loader uses.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from clirun import run

from tco.load.yamlsource import read_yaml
from tco.pricing.catalog import (
    TABLE_KINDS,
    Catalog,
    _checked_user_table,
    bundled_pricing_dir,
    index_table,
)
from tco.pricing.schema import TABLE_MODELS

REPO = Path(__file__).resolve().parents[2]
PRICING = REPO / "pricing"
KINDS = ("api", "gpus", "models", "throughput")
PRECISIONS = {"bf16", "fp8", "fp4", "int4"}
BYTES_PER_PARAM = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5, "int4": 0.5}

REQUIRED_GPUS = {"h100-sxm", "h200", "b200", "a100-80gb", "l40s", "l4", "mi300x"}
REQUIRED_MODELS = {"llama-3.1-8b", "llama-3.1-70b", "llama-3.3-70b", "llama-3.1-405b", "mixtral-8x7b", "qwen2.5-72b",
                   "qwen3-235b-a22b", "deepseek-v3", "deepseek-r1", "gpt-oss-20b", "gpt-oss-120b",
                   "qwen3-32b", "qwen3-30b-a3b", "qwen3-8b", "minimax-m2.5", "kimi-k2.5"}
# The fields the formulas lists for each table (fp8_tflops may be null: the A100 has no FP8).
DOCUMENTED_FIELDS = {
    "api": {"input", "output"},
    "gpus": {"memory_gb", "bandwidth_tb_s", "bf16_tflops", "fp8_tflops", "watts", "purchase_price", "rent_per_hour"},
    "models": {"params_b", "active_params_b", "layers", "hidden", "kv_heads", "head_dim", "context", "license"},
    "throughput": {"model", "gpu", "precision", "input_tokens_per_second", "output_tokens_per_second", "benchmark"},
}
OPEN_MODEL_HOSTS = {"deepinfra", "fireworks_ai", "together_ai", "groq", "openrouter", "cerebras", "replicate",
                    "hyperbolic", "novita", "nebius", "sambanova", "lambda_ai", "baseten"}


def load(kind: str) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((PRICING / f"{kind}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def tables() -> dict[str, dict[str, dict[str, Any]]]:
    return {kind: load(kind) for kind in KINDS}


def test_table_kinds_match_the_files() -> None:
    assert set(TABLE_KINDS) == set(KINDS) == set(TABLE_MODELS)
    for kind in KINDS:
        assert (PRICING / f"{kind}.yaml").is_file()


@pytest.mark.parametrize("kind", KINDS)
def test_every_entry_has_source_and_date(tables: dict[str, Any], kind: str) -> None:
    table = tables[kind]
    assert table
    for key, entry in table.items():
        assert isinstance(entry, dict), key
        assert isinstance(entry.get("source"), str) and entry["source"].strip(), f"{kind} {key}: no source"
        as_of = entry.get("as_of")
        assert isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime), f"{kind} {key}: as_of {as_of!r}"
        assert dt.date(2020, 1, 1) <= as_of <= dt.date.today(), f"{kind} {key}: as_of {as_of}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_known_and_valid(tables: dict[str, Any], kind: str) -> None:
    """The same checks a user's table gets (tco.pricing.catalog._checked_user_table), plus the documented fields."""
    path = PRICING / f"{kind}.yaml"
    checked = _checked_user_table(kind, read_yaml(path.read_bytes(), str(path)))
    assert list(checked) == list(tables[kind])
    for key, entry in tables[kind].items():
        unknown = set(entry) - set(TABLE_MODELS[kind].model_fields)
        assert not unknown, f"{kind} {key}: unknown fields {unknown}"
        missing = DOCUMENTED_FIELDS[kind] - set(entry)
        assert not missing, f"{kind} {key}: missing {missing}"
        for field, citation in (entry.get("sources") or {}).items():
            assert field in TABLE_MODELS[kind].model_fields, f"{kind} {key}: sources names unknown field {field}"
            assert str(citation).strip()


def test_required_gpus_and_models(tables: dict[str, Any]) -> None:
    assert set(tables["gpus"]) >= REQUIRED_GPUS
    assert set(tables["models"]) >= REQUIRED_MODELS


def test_design_examples_are_in_the_tables(tables: dict[str, Any]) -> None:
    """the scenario reference' example: openai/gpt-4.1, llama-3.1-70b on h100-sxm in fp8, rented from lambda."""
    assert "openai/gpt-4.1" in tables["api"]
    assert "lambda" in tables["gpus"]["h100-sxm"]["rent_per_hour"]
    assert "llama-3.1-70b/h100-sxm/fp8" in tables["throughput"]


def test_api_table_coverage(tables: dict[str, Any]) -> None:
    api = tables["api"]
    assert len(api) >= 20
    providers = {key.split("/", 1)[0] for key in api}
    assert all("/" in key for key in api)
    assert {"openai", "anthropic", "mistral", "deepseek"} <= providers
    assert providers & {"gemini", "google", "vertex_ai", "vertex"}
    assert len(providers & OPEN_MODEL_HOSTS) >= 2, providers


def test_api_prices(tables: dict[str, Any]) -> None:
    for key, entry in tables["api"].items():
        assert entry["input"] > 0 and entry["output"] > 0, key
        if entry.get("cached_input") is not None:
            assert 0 <= entry["cached_input"] <= entry["input"], key
        if entry.get("batch_discount") is not None:
            assert 0 <= entry["batch_discount"] < 1, key
    gpt = tables["api"]["openai/gpt-4.1"]
    assert (gpt["input"], gpt["output"]) == (2.0, 8.0)


def test_gpu_specs(tables: dict[str, Any]) -> None:
    for key, entry in tables["gpus"].items():
        assert entry["memory_gb"] > 0 and entry["bandwidth_tb_s"] > 0 and entry["bf16_tflops"] > 0, key
        assert entry["purchase_price"] > 0, key
        assert entry["rent_per_hour"] and all(price > 0 for price in entry["rent_per_hour"].values()), key
        if entry.get("tdp_watts") is not None:
            # `watts` is whole-server power per GPU: above the GPU's own TDP
            assert entry["watts"] >= entry["tdp_watts"], key
    assert tables["gpus"]["a100-80gb"]["fp8_tflops"] is None
    assert tables["gpus"]["h100-sxm"]["memory_gb"] == 80


def test_model_specs(tables: dict[str, Any]) -> None:
    for key, entry in tables["models"].items():
        assert 0 < entry["active_params_b"] <= entry["params_b"], key
        for name in ("layers", "hidden", "kv_heads", "head_dim", "context"):
            assert isinstance(entry[name], int) and entry[name] > 0, f"{key} {name}"
    assert tables["models"]["mixtral-8x7b"]["active_params_b"] < tables["models"]["mixtral-8x7b"]["params_b"]


def test_throughput_references(tables: dict[str, Any]) -> None:
    for key, entry in tables["throughput"].items():
        assert key == f"{entry['model']}/{entry['gpu']}/{entry['precision']}"
        assert entry["model"] in tables["models"], key
        assert entry["gpu"] in tables["gpus"], key
        assert entry["precision"] in PRECISIONS, key
        assert entry["input_tokens_per_second"] > 0 and entry["output_tokens_per_second"] > 0, key
        replicas = entry.get("gpus_per_replica", 1)
        assert isinstance(replicas, int) and replicas >= 1, key


def test_throughput_weights_fit_the_replica(tables: dict[str, Any]) -> None:
    """A measured configuration holds the weights: params x bytes per parameter <= memory of its GPUs."""
    for key, entry in tables["throughput"].items():
        params_b = tables["models"][entry["model"]]["params_b"]
        memory = tables["gpus"][entry["gpu"]]["memory_gb"] * entry.get("gpus_per_replica", 1)
        assert params_b * BYTES_PER_PARAM[entry["precision"]] <= memory, key


@pytest.mark.parametrize("kind", KINDS)
def test_index_matches_a_full_parse(tables: dict[str, Any], kind: str) -> None:
    """The lazy loader's line-based index gives exactly the entries of a full parse."""
    blocks = index_table((PRICING / f"{kind}.yaml").read_text(encoding="utf-8"))
    full = tables[kind]
    assert list(blocks) == list(full)
    for key, block in blocks.items():
        assert yaml.safe_load(block) == {key: full[key]}, key


@pytest.mark.parametrize("kind", KINDS)
def test_catalog_reads_every_entry(tables: dict[str, Any], kind: str) -> None:
    catalog = Catalog(bundled_dir=PRICING)
    entries = catalog.table(kind)
    assert list(entries) == list(tables[kind])
    for key, entry in entries.items():
        assert entry.values == tables[kind][key]
        assert entry.origin("source").file == f"pricing/{kind}.yaml"


def test_index_table_rejects_flow_style_top_level() -> None:
    with pytest.raises(ValueError):
        index_table("a: {input: 1}\n")
    assert index_table("# comment\na:\n  input: 1\n\nb:\n  input: 2\n") == {"a": "a:\n  input: 1\n\n",
                                                                           "b": "b:\n  input: 2\n"}


def test_bundled_pricing_dir_in_a_checkout() -> None:
    folder = bundled_pricing_dir()
    assert folder.is_dir()
    for kind in KINDS:
        assert (folder / f"{kind}.yaml").is_file()


@pytest.mark.slow
def test_wheel_ships_the_tables(tmp_path: Path) -> None:
    """Build the wheel from a copy of the sources; the tables land in tco/_bundled_pricing and are used,
    and the package is marked typed."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).is_file():
            shutil.copy(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "tco", source / "tco", ignore=ignore)
    shutil.copytree(PRICING, source / "pricing", ignore=ignore)
    out = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(out), str(source)], capture_output=True, text=True, timeout=60)
    assert build.returncode == 0, build.stderr
    (wheel,) = out.glob("tco_llm-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "tco/py.typed" in names  # a user's type checker reads the library's annotations
        for kind in KINDS:
            member = f"tco/_bundled_pricing/{kind}.yaml"
            assert member in names
            assert archive.read(member) == (PRICING / f"{kind}.yaml").read_bytes()
        archive.extractall(tmp_path / "installed")
    probe = subprocess.run([sys.executable, "-c", "from tco.pricing.catalog import bundled_pricing_dir; "
                            "print(bundled_pricing_dir())"], capture_output=True, text=True, timeout=60,
                           cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "installed"), "PATH": "/usr/bin:/bin"})
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()) == tmp_path / "installed" / "tco" / "_bundled_pricing"


@pytest.mark.parametrize(("value", "said"), [
    ("!!bool true", "true"), ("true", "true"), ("!!null", "nothing"), ("~", "nothing"),
    ("!!timestamp 2027-01-01", "date"), ("[a]", "a list"),
])
@pytest.mark.parametrize(("table", "entry", "field"), [
    ("models.yaml", "llama-3.1-70b", "name"), ("api.yaml", "openai/gpt-4.1", "notes"),
])
def test_a_text_field_of_a_pricing_table_takes_text_as_a_scenario_does(
        tmp_path: Path, value: str, said: str, table: str, entry: str, field: str) -> None:
    """`name: !!bool true` is an error at its line, as in a scenario, not the text `True` in `pricing show`."""
    (tmp_path / table).write_text(f"{entry}:\n  {field}: {value}\n", encoding="utf-8")
    result = run("pricing", "show", table.removesuffix(".yaml"), entry, "--pricing", tmp_path)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"{tmp_path / table}:2:{len(field) + 5}: {entry}.{field}: expected text, got {said}\n"


def test_a_number_where_text_belongs_is_read_as_its_text(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("openai/gpt-4.1:\n  notes: 3.5\n", encoding="utf-8")
    result = run("pricing", "show", "api", "openai/gpt-4.1", "--pricing", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"value": "3.5"' in result.stdout

"""The pricing tables' pydantic models (tco.pricing.schema): the one set of field rules that a user's table,
`tco pricing set`, the imports and the capacity model all go through, with the scenario's number rules."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
import yaml

from tco.capacity.model import GPU_FIELDS, MODEL_FIELDS, gpu_spec, model_spec
from tco.errors import TcoError
from tco.load.numbers import Number
from tco.pricing.browse import SUMMARY_FIELDS
from tco.pricing.catalog import PRICE_FIELDS, TABLE_KINDS, Catalog, check_user_table
from tco.pricing.files import DESCRIPTIVE_FIELDS, apply_assignments, edit_table, parse_assignments
from tco.pricing.importers import Selection
from tco.pricing.importers.genai_prices import plan_genai_prices
from tco.pricing.schema import TABLE_MODELS, GpuFields, InvalidEntry, ModelFields, validate_entry

PRICING = Path(__file__).resolve().parents[2] / "pricing"
TODAY = dt.date(2026, 11, 27)


def test_there_is_a_model_per_table() -> None:
    assert tuple(TABLE_MODELS) == TABLE_KINDS


def test_every_list_of_field_names_names_fields_of_the_models() -> None:
    """Prices that go stale, listing columns, the capacity model's needs, fields that do not restamp as_of."""
    named = [(kind, name) for kind, names in PRICE_FIELDS.items() for name in names]
    named += [(kind, name) for kind, names in SUMMARY_FIELDS.items() for name in names]
    named += [("models", name) for name in MODEL_FIELDS] + [("gpus", name) for name in GPU_FIELDS]
    named += [(kind, name) for name in DESCRIPTIVE_FIELDS for kind in TABLE_KINDS
              if name not in ("name", "license", "benchmark")]
    assert [(kind, name) for kind, name in named if name not in TABLE_MODELS[kind].model_fields] == []
    assert all(any(name in model.model_fields for model in TABLE_MODELS.values()) for name in DESCRIPTIVE_FIELDS)


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_the_bundled_tables_fit_the_models_json_schema(kind: str) -> None:
    """The models' JSON Schema (numbers from the scenario's `Number`) accepts every bundled entry as written."""
    schema = TABLE_MODELS[kind].model_json_schema()
    assert schema["additionalProperties"] is False
    table = json.loads(json.dumps(yaml.safe_load((PRICING / f"{kind}.yaml").read_text(encoding="utf-8")),
                                  default=str))
    validator = jsonschema.Draft202012Validator(schema)
    assert {key: [e.message for e in validator.iter_errors(entry)] for key, entry in table.items()
            if not validator.is_valid(entry)} == {}


@pytest.mark.parametrize(("kind", "field", "value", "message"), [
    ("api", "input", -2, "must not be negative (got -2)"),
    ("api", "input", "cheap", "'cheap' is not a number such as 2.5M or 750K"),
    ("api", "input", "5%", "'5%': a percentage is only allowed for shares and rates"),
    ("api", "batch_discount", "150%", "must be a share from 0 to 1 (got 150%)"),
    ("api", "input", {"low": 1, "high": 2}, "must be a single number, not a range"),
    ("api", "as_of", "yesterday", "'yesterday' is not a date; write YYYY-MM-DD"),
    ("gpus", "memory_gb", 0, "must be above 0 (got 0)"),
    ("gpus", "memory_unit", "gb", "'gb' is not one of GB, GiB; did you mean 'GB'?"),
    ("gpus", "rent_per_hour", {"lambda": 0}, "lambda: must be above 0 (got 0)"),
    ("gpus", "watts", None, "expected a number, got nothing"),
    ("models", "layers", 0, "must be at least 1 (got 0)"),
    ("models", "hidden", 1.5, "must be a whole number (got 1.5)"),
    ("models", "context", -1, "must not be negative (got -1)"),
    ("models", "attention", "gqa+foo", "'gqa+foo' is not an attention layout the capacity model knows"),
    ("throughput", "parallelism", "TP", "'TP' is not one of tp, tep, dep; did you mean 'tp'?"),
])
def test_a_bad_value_says_what_is_wrong_in_the_scenarios_words(kind: str, field: str, value: Any,
                                                                 message: str) -> None:
    with pytest.raises(InvalidEntry) as caught:
        validate_entry(kind, {field: value})
    ((found, said, unknown),) = caught.value.problems
    assert (found, unknown) == (field, False) and said.startswith(message), said


def test_spellings_are_the_scenarios() -> None:
    fields = validate_entry("models", {"params_b": "1e3", "context": "128K", "layers": "1_0", "hidden": 4096.0})
    assert isinstance(fields, ModelFields)
    assert (fields.params_b, fields.context, fields.layers, fields.hidden) == (1000.0, 128_000, 10, 4096)
    assert type(fields.context) is int and type(fields.hidden) is int
    gpu = validate_entry("gpus", {"achieved_compute_share": "85%", "fp8_tflops": None,
                                "as_of": dt.datetime(2026, 1, 5, 9)})
    assert isinstance(gpu, GpuFields)
    assert (gpu.achieved_compute_share, gpu.fp8_tflops, gpu.as_of) == (0.85, None, dt.date(2026, 1, 5))


def test_number_says_its_bound_alone_or_its_bounds_in_words() -> None:
    """The two options the tables use; a scenario's numbers keep their longer messages."""
    with pytest.raises(ValueError, match=r"^must not be negative \(got -1\)$"):
        Number("x", minimum=0, what=None).check(-1)
    with pytest.raises(ValueError, match=r"^must not be negative \(got -1\): a price cannot be below 0$"):
        Number("x", minimum=0, what="price").check(-1)
    share = Number("x", percent=True, minimum=0, maximum=1, bounds="a share from 0 to 1")
    for bad in ("-5%", "101%"):
        with pytest.raises(ValueError, match=rf"^must be a share from 0 to 1 \(got {bad}\)$"):
            share.check(bad)
    assert share.check("100%") == 1.0


def test_a_users_table_reports_every_problem_located_in_the_entrys_order(tmp_path: Path) -> None:
    text = b"my-gpu:\n  watts: -1\n  memroy_gb: 80\n  memory_unit: gib\nother: 5\n"
    with pytest.raises(TcoError) as caught:
        check_user_table("gpus", text, "gpus.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "gpus.yaml:2:10: my-gpu.watts: must not be negative (got -1)",
        "gpus.yaml:3:3: my-gpu.memroy_gb: unknown field in gpus.yaml; did you mean 'memory_gb'?",
        "gpus.yaml:4:16: my-gpu.memory_unit: 'gib' is not one of GB, GiB; did you mean 'GiB'?",
        "gpus.yaml:5:8: other: an entry must be a mapping of fields",
    ]


def test_entry_fields_overlay_the_users_validated_fields_on_the_bundled_ones(tmp_path: Path) -> None:
    (tmp_path / "gpus.yaml").write_text("h100-sxm:\n  memory_gb: 94\n  rent_per_hour: {lambda: 2.49, mine: 1.5}\n"
                                        "  fp8_tflops: null\n  source: my quote\n", encoding="utf-8")
    (tmp_path / "models.yaml").write_text("llama-3.1-8b:\n  context: 32K\n", encoding="utf-8")
    catalog = Catalog(tmp_path)
    gpu = catalog.get("gpus", "h100-sxm")
    bundled = Catalog().get("gpus", "h100-sxm")
    assert gpu is not None and bundled is not None
    fields = gpu.fields
    assert isinstance(fields, GpuFields) and isinstance(bundled.fields, GpuFields)
    assert fields.memory_gb == 94.0 and fields.fp8_tflops is None
    assert fields.rent_per_hour == {**(bundled.fields.rent_per_hour or {}), "lambda": 2.49, "mine": 1.5}
    assert fields.bandwidth_tb_s == bundled.fields.bandwidth_tb_s and fields.source == bundled.fields.source
    spec = gpu_spec(gpu)
    assert (spec.memory_gb, spec.fp8_tflops) == (94.0, None)
    model = catalog.get("models", "llama-3.1-8b")
    assert model is not None and model_spec(model).context == 32_000
    with pytest.raises(TypeError, match=r"not of models\.yaml"):
        model_spec(gpu)


def test_a_bundled_entry_is_validated_when_its_fields_are_first_used(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "gpus.yaml").write_text("broken:\n  memory_gb: -80\n  bandwidth_tb_s: 3\n", encoding="utf-8")
    entry = Catalog(bundled_dir=bundled).get("gpus", "broken")
    assert entry is not None and entry.values["memory_gb"] == -80  # listing and citing need no validation
    with pytest.raises(TcoError) as caught:
        gpu_spec(entry)
    assert str(caught.value) == "pricing/gpus.yaml: broken.memory_gb: must be above 0 (got -80)"


def test_set_writes_whole_numbers_as_numbers_and_checks_each_argument_by_its_rule(tmp_path: Path) -> None:
    """Whole-number fields (layers, context) are numbers in the file, not quoted text, and a word the field
    does not take is the argument's error, before anything is written."""
    path = tmp_path / "models.yaml"
    parsed = parse_assignments("models", "my-model", ["layers=32", "context=128K", "attention=gqa", "params_b=8"])
    edit_table(path, "models", lambda table: apply_assignments(table, "my-model", parsed, TODAY))
    text = path.read_text(encoding="utf-8")
    assert "  layers: 32\n  context: 128000\n  attention: \"gqa\"\n  params_b: 8\n" in text
    assert check_user_table("models", text.encode(), "models.yaml")["my-model"]["context"] == 128_000
    with pytest.raises(TcoError) as caught:
        parse_assignments("gpus", "my-gpu", ["memory_unit=gb", "fp8_tflops=null", "layers=1"])
    assert [str(p) for p in caught.value.problems] == [
        "memory_unit=gb: my-gpu.memory_unit: 'gb' is not one of GB, GiB; did you mean 'GB'?",
        "layers=1: my-gpu.layers: unknown field in gpus.yaml",
    ]
    (null,) = parse_assignments("gpus", "my-gpu", ["fp8_tflops=null"])
    assert null.value is None


def test_an_imported_record_the_table_would_refuse_is_skipped_with_why() -> None:
    model = SimpleNamespace(id="odd", deprecated=False,
                            prices=SimpleNamespace(input_mtok=Decimal("-1"), output_mtok=Decimal("2")))
    provider = SimpleNamespace(id="acme", models=[model], pricing_urls=None)
    (entry,) = plan_genai_prices([provider], "0.0.0", Catalog(), Selection(), today=TODAY).entries
    assert (entry.status, entry.reason) == ("skipped", "input: must not be negative (got -1)")

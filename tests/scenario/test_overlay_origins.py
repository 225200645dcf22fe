"""Messages about a table value name the file it came from: the bundled table (`pricing/gpus.yaml`) when
bundled, the user's file (its path and the entry's line) when from the `--pricing` / $TCO_PRICING overlay."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from clirun import run

from tco.errors import TcoError
from tco.pricing.catalog import Catalog
from tco.scenario.loader import LoadedScenario, load_scenario

WORKLOAD = """\
name: Overlay
workload: {requests_per_day: 10K, input_tokens_per_request: 1000, output_tokens_per_request: 200}
options:
"""


def scenario(tmp_path: Path, options: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(WORKLOAD + textwrap.indent(textwrap.dedent(options), "  "), encoding="utf-8")
    return path


def pricing(tmp_path: Path, **tables: str) -> Path:
    """A user pricing folder with the given tables (`gpus="..."`), each entry's text dedented."""
    folder = tmp_path / "prices"
    folder.mkdir()
    for kind, text in tables.items():
        (folder / f"{kind}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems(path: Path, folder: Path | None) -> list[str]:
    with pytest.raises(TcoError) as caught:
        load_scenario(path, catalog=Catalog(folder))
    return [problem.message for problem in caught.value.problems]


def loaded(path: Path, folder: Path | None) -> LoadedScenario:
    return load_scenario(path, catalog=Catalog(folder))


RENTED = """\
- {name: API, kind: api, price: {input: 2, output: 8}}
- name: Own
  kind: self_hosted
  gpu: GPU
  throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
  gpus_per_replica: 1
  EXTRA
"""


def rented(gpu: str, extra: str = "") -> str:
    return RENTED.replace("GPU", gpu).replace("EXTRA", extra)


def test_a_cloud_missing_from_the_users_gpu_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        # my cards
        acme-x1:
          rent_per_hour: {mycloud: 1.5}
        """)
    found = problems(scenario(tmp_path, rented("acme-x1", "cloud: aws")), folder)
    assert found == [f"{folder / 'gpus.yaml'}:2 acme-x1 has no rent price for 'aws' (listed: mycloud)"]


def test_a_bundled_gpu_still_names_the_bundled_table(tmp_path: Path) -> None:
    found = problems(scenario(tmp_path, rented("h100-sxm", "cloud: azure")), None)
    assert found == ["pricing/gpus.yaml h100-sxm has no rent price for 'azure' (listed: aws, lambda, nebius, "
                     "runpod)"]


def test_rents_merged_from_both_files_name_both(tmp_path: Path) -> None:
    """The user's gcp rent is merged into the bundled h100-sxm rents: the listed clouds come from two files."""
    folder = pricing(tmp_path, gpus="""\
        h100-sxm:
          rent_per_hour: {gcp: 5.38}
        """)
    found = problems(scenario(tmp_path, rented("h100-sxm", "cloud: azure")), folder)
    assert found == [f"pricing/gpus.yaml and {folder / 'gpus.yaml'}:1 h100-sxm has no rent price for 'azure' "
                     "(listed: aws, gcp, lambda, nebius, runpod)"]


def test_the_lowest_rent_cites_the_files_it_was_chosen_from(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        acme-x1:
          rent_per_hour: {mycloud: 1.5, othercloud: 1.25}
        """)
    result = loaded(scenario(tmp_path, rented("acme-x1")), folder)
    sources = {a.field: a.source for a in result.assumptions}
    assert sources["options.Own.cloud"] == f"tco default: the lowest rent listed in {folder / 'gpus.yaml'}:1"
    assert sources["options.Own.hourly_rate_per_gpu"].startswith(
        f"{folder / 'gpus.yaml'}:1 acme-x1 rent_per_hour.othercloud")
    bundled = loaded(scenario(tmp_path, rented("h100-sxm")), None)
    assert {a.field: a.source for a in bundled.assumptions}["options.Own.cloud"] == \
        "tco default: the lowest rent listed in pricing/gpus.yaml"


def test_a_users_gpu_without_rent_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        acme-x1:
          purchase_price: 20K
        """)
    found = problems(scenario(tmp_path, rented("acme-x1")), folder)
    assert found == [f"{folder / 'gpus.yaml'}:1 acme-x1 lists no rent_per_hour; give hourly_rate_per_gpu"]


def test_a_users_gpu_without_a_purchase_price_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        acme-x1:
          watts: 900
        """)
    extra = "acquisition: buy\n  hosting_per_gpu_month: 100\n  maintenance_per_year: 5%"
    found = problems(scenario(tmp_path, rented("acme-x1", extra)), folder)
    assert found == [f"no purchase price: give purchase_price_per_gpu ({folder / 'gpus.yaml'}:1 acme-x1 has none)"]


def test_a_users_api_model_without_a_price_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, api="""\
        acme/chat:
          input: 1.0
        """)
    found = problems(scenario(tmp_path, "- {name: API, kind: api, model: acme/chat}\n"), folder)
    assert found == [f"no output price: give price.output ({folder / 'api.yaml'}:1 acme/chat has none)"]


def test_a_users_api_model_without_a_training_price_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, api="""\
        acme/chat:
          input: 1.0
          output: 4.0
        """)
    options = "- {name: API, kind: api, model: acme/chat, fine_tuning: {training_tokens: 1M}}\n"
    found = problems(scenario(tmp_path, options), folder)
    assert found == [f"required with training_tokens: acme/chat in {folder / 'api.yaml'}:1 lists no training price"]
    bundled = problems(scenario(tmp_path, options.replace("acme/chat", "openai/gpt-4.1")), None)
    assert bundled == ["required with training_tokens: openai/gpt-4.1 in pricing/api.yaml lists no training price"]


def test_a_price_overlaid_on_a_bundled_entry_cites_the_users_file_and_the_rest_the_bundled(tmp_path: Path) -> None:
    folder = pricing(tmp_path, api="""\
        openai/gpt-4.1:
          input: 1.5
          as_of: 2026-11-01
        """)
    result = loaded(scenario(tmp_path, "- {name: API, kind: api, model: openai/gpt-4.1}\n"), folder)
    sources = {a.field: a.source for a in result.assumptions}
    assert sources["options.API.price.input"].startswith(f"{folder / 'api.yaml'}:1 openai/gpt-4.1 input")
    assert sources["options.API.price.output"].startswith("pricing/api.yaml openai/gpt-4.1 output")


def test_size_names_the_users_file_for_a_missing_cloud(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        h100-sxm:
          rent_per_hour: {gcp: 5.38}
        """)
    code, _, stderr = run("size", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--cloud", "azure",
                          "--pricing", folder)
    assert code == 1
    assert stderr.startswith(f"pricing/gpus.yaml and {folder / 'gpus.yaml'}:1: --cloud: h100-sxm has no rent price "
                             "for 'azure'"), stderr


def test_size_names_the_users_file_for_a_model_the_capacity_model_cannot_size(tmp_path: Path) -> None:
    folder = pricing(tmp_path, models="""\
        acme-7b:
          params_b: 7
        """)
    code, _, stderr = run("size", "--model", "acme-7b", "--gpu", "h100-sxm", "--pricing", folder)
    assert code == 1
    assert stderr.startswith(f"{folder / 'models.yaml'}:1: acme-7b: acme-7b lacks active_params_b"), stderr


def test_size_names_the_users_file_for_contradicting_fields(tmp_path: Path) -> None:
    """active_params_b from the user's file, params_b from the bundled one: the problem is at the user's field."""
    folder = pricing(tmp_path, models="""\
        llama-3.1-8b:
          active_params_b: 9
        """)
    code, _, stderr = run("size", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--pricing", folder)
    assert code == 1
    assert stderr.startswith(f"{folder / 'models.yaml'}:1: llama-3.1-8b.active_params_b: 9 must not exceed "
                             "params_b"), stderr


def test_compare_json_cites_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        acme-x1:
          rent_per_hour: {mycloud: 1.5}
        """)
    code, stdout, stderr = run("compare", scenario(tmp_path, rented("acme-x1")), "--format", "json",
                               "--pricing", folder)
    assert code == 0, stderr
    sources = {a["field"]: a["source"] for a in json.loads(stdout)["assumptions"]}
    assert sources["options.Own.cloud"] == f"tco default: the lowest rent listed in {folder / 'gpus.yaml'}:1"


def located(path: Path, folder: Path | None) -> list[tuple[str, str]]:
    """(field, message) of each problem loading `path`."""
    with pytest.raises(TcoError) as caught:
        load_scenario(path, catalog=Catalog(folder))
    return [(problem.field, problem.message) for problem in caught.value.problems]


SIZED = """\
- {name: API, kind: api, price: {input: 2, output: 8}}
- {name: Own, kind: self_hosted, model: MODEL, gpu: GPU, precision: fp8, hourly_rate_per_gpu: 2}
"""


def test_a_users_gpu_the_capacity_model_cannot_size_is_at_the_gpu_and_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        half-gpu: {name: "Half GPU", memory_gb: 80, source: me, as_of: 2027-01-01}
        """)
    options = SIZED.replace("MODEL", "llama-3.1-70b").replace("GPU", "half-gpu")
    found = located(scenario(tmp_path, options), folder)
    assert found == [("options[1].gpu", f"{folder / 'gpus.yaml'}:1 half-gpu lacks bandwidth_tb_s, bf16_tflops, "
                      "which the capacity model needs; add them (tco pricing set) or give throughput and "
                      "gpus_per_replica")]


def test_a_users_model_the_capacity_model_cannot_size_is_at_the_model_and_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, models="""\
        acme-7b:
          params_b: 7
        """)
    options = SIZED.replace("MODEL", "acme-7b").replace("GPU", "h100-sxm")
    [(field, message)] = located(scenario(tmp_path, options), folder)
    assert field == "options[1].model"
    assert message.startswith(f"{folder / 'models.yaml'}:1 acme-7b lacks active_params_b"), message


def test_a_users_gpu_without_a_power_draw_names_the_users_file(tmp_path: Path) -> None:
    folder = pricing(tmp_path, gpus="""\
        acme-x1:
          purchase_price: 20K
        """)
    extra = "acquisition: buy\n  hosting_per_gpu_month: 100\n  maintenance_per_year: 5%"
    found = problems(scenario(tmp_path, rented("acme-x1", extra)), folder)
    assert found == [f"no power draw: give power.watts_per_gpu (whole-server watts per GPU; {folder / 'gpus.yaml'}:1 "
                     "acme-x1 has none)"]

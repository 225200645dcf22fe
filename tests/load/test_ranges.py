"""Ranges in scenario fields: parsing, errors at the key at fault, central values, --set, schema."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from clirun import invoke

from tco.errors import TcoError
from tco.load.ranges import Z90, Choices, LogNormal, Triangular, Uniform
from tco.scenario.compare import compare_file
from tco.scenario.loader import load_scenario

BASE = """\
name: Ranged
horizon_months: 12
workload:
  input_tokens_per_month: {tokens}
  output_tokens_per_month: 100M
  cached_input_share: {cached}
options:
  - name: API
    kind: api
    price: {{input: {price}, output: 8}}
  - name: GPU
    kind: self_hosted
    throughput: {{input_tokens_per_second: 5000, output_tokens_per_second: 500}}
    hourly_rate_per_gpu: 2
    gpus_per_replica: {gpus}
    staff: {{fte: 0.5, cost_per_fte_year: 200K}}
"""


def scenario(tmp_path: Path, *, tokens: str = "1B", cached: str = "0.2", price: str = "2",
             gpus: str = "1") -> Path:
    path = tmp_path / "ranged.yaml"
    path.write_text(BASE.format(tokens=tokens, cached=cached, price=price, gpus=gpus))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(TcoError) as caught:
        load_scenario(str(path))
    return [str(p) for p in caught.value.problems]


def test_each_form_uses_its_central_value_and_says_so(tmp_path: Path) -> None:
    """Uniform → midpoint, triangular → mode, lognormal → median, choices → the most likely choice;
    each is an assumption naming the range."""
    path = scenario(tmp_path, tokens="{median: 1B, p90: 4B}", cached="{low: 0.1, high: 0.5}",
                    price="{low: 1, mode: 1.5, high: 4}", gpus="{choices: [1, 2, 4], weights: [0.2, 0.5, 0.3]}")
    loaded = load_scenario(str(path))
    inputs = loaded.inputs
    assert inputs.workload.input_tokens_month1 == 1e9
    assert inputs.workload.cached_input_share == pytest.approx(0.3)
    assert inputs.options[0].price_per_million_input_tokens == 1.5  # type: ignore[union-attr]
    assert inputs.options[1].gpus_per_replica == 2  # type: ignore[union-attr]
    sources = {a.field: a.source for a in loaded.assumptions}
    assert sources["workload.input_tokens_per_month"] == "the median of the range {median: 1B, p90: 4B}"
    assert sources["workload.cached_input_share"] == "the midpoint of the range {low: 0.1, high: 0.5}"
    assert sources["options.API.price.input"] == "the mode of the range {low: 1, mode: 1.5, high: 4}"
    assert sources["options.GPU.gpus_per_replica"] == ("the most likely choice of the range "
                                                       "{choices: [1, 2, 4], weights: [0.2, 0.5, 0.3]}")


def test_compare_with_ranges_equals_compare_at_the_central_values(tmp_path: Path) -> None:
    ranged = compare_file(str(scenario(tmp_path, price="{low: 1, high: 3}")))
    plain = compare_file(str(scenario(tmp_path, price="2")))
    assert [o.total for o in ranged.options] == [o.total for o in plain.options]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"price": "{low: 3, high: 2}"}, "10:26: options[0].price.input.low: low (3) is above high (2)"),
    ({"price": "{low: -1, high: 2}"}, "10:26: options[0].price.input.low: must not be negative (got -1): "
                                      "a price cannot be below 0"),
    ({"tokens": "{median: 4B, p90: 1B}"}, "4:45: workload.input_tokens_per_month.p90: p90 (1B) is below the "
                                          "median (4B)"),
    ({"cached": "{low: 0.1, high: 1.5}"}, "6:40: workload.cached_input_share.high: must be at most 100% (got 1.5)"),
    ({"cached": "{median: 0.1, p90: 0.2}"}, "6:23: workload.cached_input_share: a lognormal range can take any "
                                            "value above 0, which this field does not allow; give {low, high} "
                                            "or {low, mode, high}"),
    ({"price": "{low: 1, mode: 5, high: 3}"}, "10:35: options[0].price.input.mode: mode (5) must lie from low (1) "
                                              "to high (3)"),
    ({"gpus": "{choices: [1, 2], weights: [1]}"}, "15:50: options[1].gpus_per_replica.weights: weights must be a "
                                                  "list with one weight per choice (2 choices, 1 weights)"),
    ({"gpus": "{choices: [1, 2], weights: [0.5, 0.6]}"}, "15:50: options[1].gpus_per_replica.weights: weights "
                                                         "must add up to 1 (they add up to 1.1)"),
    ({"gpus": "{choices: [1, 2.5]}"}, "15:37: options[1].gpus_per_replica.choices[1]: must be a whole number "
                                      "(got 2.5)"),
    ({"gpus": "{low: 1, mode: 2, high: 3}"}, "15:23: options[1].gpus_per_replica: a whole-number field takes a "
                                             "range only as {low, high} (every whole number between equally "
                                             "likely) or {choices: [...]}, not a triangular range"),
    ({"price": "{low: 1, top: 3}"}, "10:34: options[0].price.input.top: unknown key in a range; a range is "
                                    "{low, high}, {low, mode, high}, {median, p90} or {choices, weights}"),
])
def test_range_errors_point_at_the_key(tmp_path: Path, fields: dict[str, str], expected: str) -> None:
    path = scenario(tmp_path, **fields)
    assert problems(path) == [f"{path}:{expected}"]


def test_the_horizon_cannot_be_a_range(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    path.write_text(path.read_text().replace("horizon_months: 12", "horizon_months: {low: 12, high: 24}"))
    assert problems(path) == [f"{path}:2:17: horizon_months: must be a single number, not a range"]


def test_a_range_through_set(tmp_path: Path) -> None:
    """`--set PATH={low: .., high: ..}` gives a field a range; a bad one is blamed on the --set."""
    path = scenario(tmp_path)
    loaded = load_scenario(str(path), overrides=["options.API.price.input={low: 1, high: 3}"])
    assert loaded.inputs.options[0].price_per_million_input_tokens == 2  # type: ignore[union-attr]
    with pytest.raises(TcoError) as caught:
        load_scenario(str(path), overrides=["options.API.price.input={low: 3, high: 1}"])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: --set options.API.price.input={{low: 3, high: 1}}: options[0].price.input.low: "
        "low (3) is above high (1)"]


def test_min_replicas_zero_among_choices_needs_autoscale(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    path.write_text(path.read_text().replace("    gpus_per_replica: 1\n",
                                             "    gpus_per_replica: 1\n    min_replicas: {choices: [0, 1]}\n"))
    assert problems(path) == [f"{path}:16:19: options[1].min_replicas: 0 replicas is only possible with "
                              "scaling: autoscale (scale to zero)"]


def test_ranges_validate_against_the_json_schema(tmp_path: Path) -> None:
    import yaml

    schema = json.loads(invoke(["schema"]).stdout)
    path = scenario(tmp_path, tokens="{median: 1e9, p90: 4e9}", cached="{low: 0.1, high: 0.5}",
                    price="{low: 1, mode: 1.5, high: 4}", gpus="{choices: [1, 2]}")
    jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    bad = yaml.safe_load(scenario(tmp_path, price="{low: 1, upper: 4}").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_distributions_sample_what_they_say() -> None:
    """Lognormal: σ = ln(p90/median)/z₀.₉₀, so 90% of draws are below p90; P10 = median²/p90.
    Whole uniform draws every whole number from low to high; choices follow their weights."""
    rng = np.random.Generator(np.random.PCG64(1))
    lognormal = LogNormal(False, 5e9, 2e10)
    assert lognormal.sigma == pytest.approx(math.log(4) / Z90)
    draws = lognormal.sample(rng, 200_000)
    assert np.mean(draws < 2e10) == pytest.approx(0.9, abs=0.005)
    assert np.median(draws) == pytest.approx(5e9, rel=0.01)
    assert lognormal.ends == pytest.approx((1.25e9, 2e10))
    whole = Uniform(True, 2, 5).sample(rng, 40_000)
    assert set(whole) == {2.0, 3.0, 4.0, 5.0}
    assert Uniform(True, 2, 5).central == 3
    choices = Choices(False, (1.0, 2.0), (0.25, 0.75))
    assert np.mean(choices.sample(rng, 40_000) == 2.0) == pytest.approx(0.75, abs=0.01)
    assert Choices(False, (1.0, 2.0, 3.0), (0.4, 0.2, 0.4)).central == 1.0  # ties: the first listed
    assert Triangular(False, 1, 1, 1).sample(rng, 3).tolist() == [1.0, 1.0, 1.0]

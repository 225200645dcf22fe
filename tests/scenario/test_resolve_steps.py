"""The resolver's steps are functions: each returns a typed result with what it assumed, and none keeps
state for another to read."""

from __future__ import annotations

import datetime as dt
import textwrap

from tco.defaults import DEFAULTS
from tco.load import schema
from tco.load.validation import Problems, validate
from tco.load.yamlsource import read_yaml
from tco.pricing.catalog import Catalog
from tco.render.text import warning_text
from tco.scenario.api import resolve_api
from tco.scenario.record import Context
from tco.scenario.resolve import resolve_scenario
from tco.scenario.throughput import Capacity, resolve_capacity
from tco.scenario.workload import resolve_workload

TODAY = dt.date(2026, 11, 27)

SCENARIO = """\
name: Steps
workload: {requests_per_day: 10K, input_tokens_per_request: 1000, output_tokens_per_request: 200,
           cached_input_share: 0.5}
options:
  - {name: A, kind: api, model: openai/gpt-4.1}
  - {name: B, kind: api, model: openai/gpt-4.1, discount: 10%}
  - name: Own
    kind: self_hosted
    model: llama-3.1-8b
    gpu: h100-sxm
    throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
    staff: {fte: 0.5, cost_per_fte_year: 200K}
"""


def validated(text: str, today: dt.date = TODAY) -> tuple[schema.Scenario, Context]:
    doc = read_yaml(textwrap.dedent(text), "steps.yaml")
    problems = Problems(doc, {})
    scenario = validate(doc.data, problems)
    problems.raise_if_any()
    assert scenario is not None
    return scenario, Context(Catalog(), problems, today)


def test_the_workload_step_returns_its_inputs_and_its_defaults() -> None:
    scenario, context = validated(SCENARIO)
    resolved = resolve_workload(scenario.workload, context)
    assert resolved.inputs.input_tokens_month1 == 10_000 * 365 / 12 * 1000
    assert resolved.inputs.peak_to_average == DEFAULTS.peak_to_average.value
    assert [a.field for a in resolved.recorded.assumptions] == [
        "workload.monthly_growth", "workload.peak_to_average", "workload.active_hours_per_month"]


def test_the_api_step_reads_the_workload_it_is_given() -> None:
    """The cached price is looked up only when the workload has a cached share: the step is told, not kept."""
    scenario, context = validated(SCENARIO)
    workload = resolve_workload(scenario.workload, context).inputs
    option = scenario.options[0]
    assert isinstance(option, schema.ApiOption)
    cached = resolve_api(option, 0, workload, context)
    uncached = resolve_api(option, 0, workload.__class__(1.0, 1.0), context)
    assert cached.inputs is not None and cached.inputs.price_per_million_cached_input_tokens == 0.5
    assert "options.A.price.cached_input" in [a.field for a in cached.recorded.assumptions]
    assert "options.A.price.cached_input" not in [a.field for a in uncached.recorded.assumptions]


def test_the_capacity_step_returns_a_named_result() -> None:
    scenario, context = validated(SCENARIO)
    workload = resolve_workload(scenario.workload, context).inputs
    option = scenario.options[2]
    assert isinstance(option, schema.SelfHostedOption)
    model, gpu = Catalog().get("models", "llama-3.1-8b"), Catalog().get("gpus", "h100-sxm")
    resolved = resolve_capacity(option, 2, model, gpu, workload, context)
    assert resolved.capacity == Capacity(9000, 1100, 1, "tp", "given")
    assert "options.Own.gpus_per_replica" in [a.field for a in resolved.recorded.assumptions]


def test_a_stale_price_used_by_two_steps_is_warned_once() -> None:
    scenario, context = validated(SCENARIO, today=dt.date(2027, 12, 1))
    resolution = resolve_scenario(scenario, context)
    stale = [w for w in map(warning_text, resolution.warnings) if "openai/gpt-4.1" in w and "days old" in w]
    assert len(stale) == 1


def test_resolving_twice_gives_the_same_result() -> None:
    """Nothing is carried from one run to the next: the same context resolves the same scenario alike."""
    scenario, context = validated(SCENARIO, today=dt.date(2027, 12, 1))
    assert resolve_scenario(scenario, context) == resolve_scenario(scenario, context)
    assert context.problems.items == []

"""The workload step of resolving a scenario: month-1 volumes, growth and the traffic's shape.

Form C (`monthly_spend`) needs the baseline api option's prices, so its volume is a second step,
`resolve_bill_volume`, once the api options are resolved.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tco.amounts import money, money_small
from tco.defaults import DEFAULTS
from tco.docs import LOAD_PROFILE
from tco.engine.inputs import DAYS_PER_MONTH, ApiInputs, WorkloadInputs
from tco.engine.line_items import api_items_for_tokens
from tco.engine.profiles import NAMED_PROFILES, peak_to_average
from tco.engine.results import Assumption
from tco.frozen import frozen
from tco.load import schema
from tco.load.yamlsource import Path
from tco.scenario.record import Context, Record, Recorded


@frozen
class ResolvedWorkload:
    """The workload's engine inputs, and what was assumed to make them."""

    inputs: WorkloadInputs
    recorded: Recorded


def month1_tokens(requests_per_day: Any, tokens_per_request: Any) -> Any:
    """Month-1 tokens of form A (docs/formulas.md): requests/day × 365/12 × tokens/request
    (numbers or arrays)."""
    return requests_per_day * DAYS_PER_MONTH * tokens_per_request


def monthly_from_annual(annual_growth: Any) -> Any:
    """Monthly growth g of an annual growth G (docs/formulas.md): (1 + G)^(1/12) − 1 (numbers
    or arrays)."""
    return (1 + annual_growth) ** (1 / 12) - 1


def resolve_workload(w: schema.Workload, context: Context) -> ResolvedWorkload:
    """Volumes (form A or B; form C's are 0 until `resolve_bill_volume`), growth, caching and shape."""
    record = Record(context)
    if w.requests_per_day is not None:
        assert w.input_tokens_per_request is not None and w.output_tokens_per_request is not None
        tokens_in = month1_tokens(w.requests_per_day, w.input_tokens_per_request)
        tokens_out = month1_tokens(w.requests_per_day, w.output_tokens_per_request)
    elif w.monthly_spend is not None:
        tokens_in = tokens_out = 0.0  # form C: set by `resolve_bill_volume` once the baseline's prices are known
    else:
        assert w.input_tokens_per_month is not None and w.output_tokens_per_month is not None
        tokens_in, tokens_out = w.input_tokens_per_month, w.output_tokens_per_month
    if w.annual_growth is not None:
        growth = monthly_from_annual(w.annual_growth)
    else:
        growth = record.default("workload.monthly_growth", w.monthly_growth, DEFAULTS.monthly_growth)
    cached = record.default("workload.cached_input_share", w.cached_input_share, DEFAULTS.cached_input_share)
    weights, peak = _load_profile(w, record)
    inputs = WorkloadInputs(
        input_tokens_month1=tokens_in,
        output_tokens_month1=tokens_out,
        monthly_growth=growth,
        cached_input_share=cached,
        peak_to_average=peak,
        hourly_weights=weights,
        active_hours_per_month=record.default("workload.active_hours_per_month", w.active_hours_per_month,
                                              DEFAULTS.active_hours_per_month),
        requests_per_day=w.requests_per_day,
        input_tokens_per_request=w.input_tokens_per_request,
        output_tokens_per_request=w.output_tokens_per_request,
    )
    return ResolvedWorkload(inputs, record.done())


def _load_profile(w: schema.Workload, record: Record) -> tuple[tuple[float, ...] | None, float]:
    """The 24 hourly weights (None without a profile) and `peak_to_average`.

    A profile's max/mean is the peak ratio; a given `peak_to_average` was checked against it
    in validation, and the profile's exact ratio is used so every option sees one shape.
    """
    if w.load_profile is None:
        return None, record.default("workload.peak_to_average", w.peak_to_average, DEFAULTS.peak_to_average)
    weights = NAMED_PROFILES[w.load_profile] if isinstance(w.load_profile, str) else tuple(w.load_profile)
    if isinstance(w.load_profile, str):
        record.assume("workload.load_profile.weights", list(weights),
                      f"tco named profile {w.load_profile!r} (illustrative, see {LOAD_PROFILE})")
    peak = peak_to_average(weights)
    if w.peak_to_average is None:
        record.assume("workload.peak_to_average", peak, "tco: the load_profile's max weight / mean weight")
    return weights, peak


def resolve_bill_volume(spend: float, workload: WorkloadInputs, baseline: str | None, apis: dict[str, ApiInputs],
                        currency: str, context: Context) -> ResolvedWorkload:
    """Form C: the workload at the month-1 requests per day whose token cost on the baseline api
    option (its prices, cached share, batch share and discount; not its fixed fee) is `spend`.

    With `b` the baseline's month-1 cost of one request (the engine's own line items for one
    request's tokens), requests_per_day = spend / (b · 365/12); the tokens follow as in form A.
    The derived requests and tokens are recorded as assumptions.
    """
    where: Path = ("workload", "monthly_spend")
    api = apis.get(baseline) if baseline is not None else None
    if baseline is None:
        context.problems.add(where, "monthly_spend is the bill of an api option (the baseline), and the scenario "
                             "has none: give requests_per_day or tokens per month instead")
        return ResolvedWorkload(workload, Recorded())
    if api is None:  # the baseline has problems of its own, already reported
        return ResolvedWorkload(workload, Recorded())
    per_in, per_out = workload.input_tokens_per_request, workload.output_tokens_per_request
    assert per_in is not None and per_out is not None  # validation requires them with monthly_spend
    per_request = sum(i.amount for i in api_items_for_tokens(api, per_in, per_out, workload.cached_input_share,
                                                             1, "api"))
    if per_request <= 0:
        context.problems.add(where, f"{api.name} bills nothing for these requests (its month-1 price per request "
                             f"is 0), so no volume makes a bill of {money(spend, currency)}: give "
                             "requests_per_day or tokens per month instead")
        return ResolvedWorkload(workload, Recorded())
    requests_per_day = spend / (per_request * DAYS_PER_MONTH)
    tokens_in = month1_tokens(requests_per_day, per_in)
    tokens_out = month1_tokens(requests_per_day, per_out)
    derived = (f"derived from workload.monthly_spend: the volume at which {api.name}'s month-1 token cost (its "
               "prices, cached share, batch share and discount; no fixed fee) is "
               f"{money(spend, currency)}, at {money_small(per_request, currency)} a request")
    brief = f"derived: {api.name}'s month-1 token cost = monthly_spend"
    assumptions = (
        Assumption("workload.requests_per_day", requests_per_day, derived, brief),
        Assumption("workload.input_tokens_per_month", tokens_in,
                   "derived from workload.monthly_spend: requests_per_day × 365/12 × input_tokens_per_request",
                   brief),
        Assumption("workload.output_tokens_per_month", tokens_out,
                   "derived from workload.monthly_spend: requests_per_day × 365/12 × output_tokens_per_request",
                   brief),
    )
    inputs = replace(workload, input_tokens_month1=tokens_in, output_tokens_month1=tokens_out,
                     requests_per_day=requests_per_day)
    return ResolvedWorkload(inputs, Recorded(assumptions))

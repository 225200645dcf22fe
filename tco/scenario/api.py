"""The api option step of resolving a scenario: prices from the file or api.yaml, and the adjustments."""

from __future__ import annotations

from tco.defaults import DEFAULTS
from tco.engine.inputs import ApiInputs, WorkloadInputs
from tco.frozen import frozen
from tco.load import schema
from tco.load.yamlsource import Path
from tco.pricing.origins import files_of
from tco.scenario.costs import resolve_shared
from tco.scenario.record import Context, Record, Recorded


@frozen
class ResolvedApi:
    """An api option's engine inputs (None when it has problems, already reported), and what was assumed."""

    inputs: ApiInputs | None
    recorded: Recorded


def resolve_api(o: schema.ApiOption, index: int, workload: WorkloadInputs, context: Context) -> ResolvedApi:
    """Prices per 1M tokens (inline, else the model's in api.yaml), discounts, drift, fees and shared costs.

    A cached price or batch discount that cannot change the result (no cached share in `workload`, no
    batch share) is neither looked up nor reported.
    """
    record = Record(context)
    label = f"options.{o.name}"
    where: Path = ("options", index)
    entry = context.lookup("api", o.model, (*where, "model"))
    price = o.price or schema.TokenPrice()
    p_in = record.from_table(f"{label}.price.input", price.input, entry, "input")
    p_out = record.from_table(f"{label}.price.output", price.output, entry, "output")
    for name, value in (("input", p_in), ("output", p_out)):
        if value is None and (entry is not None or o.model is None):
            where_missing = (*where, "price", name) if o.price is not None else (*where, "price")
            context.problems.add(where_missing, f"no {name} price: give price.{name}"
                                 + (f" ({files_of(entry, name)} {o.model} has none)" if entry else ""))
    if p_in is None or p_out is None:
        return ResolvedApi(None, record.done())
    cached = price.cached_input
    if workload.cached_input_share:
        cached = record.from_table(f"{label}.price.cached_input", cached, entry, "cached_input")
        if cached is None:
            cached = record.assume(f"{label}.price.cached_input", p_in,
                                   "tco default: the input price (no cached price listed)")
    batch_share = record.default(f"{label}.batch_share", o.batch_share, DEFAULTS.batch_share)
    batch_discount = price.batch_discount
    if batch_share:
        batch_discount = record.from_table(f"{label}.price.batch_discount", batch_discount, entry, "batch_discount")
        batch_discount = record.default(f"{label}.price.batch_discount", batch_discount, DEFAULTS.batch_discount)
    inputs = ApiInputs(
        name=o.name,
        price_per_million_input_tokens=p_in,
        price_per_million_output_tokens=p_out,
        price_per_million_cached_input_tokens=p_in if cached is None else cached,
        batch_discount=batch_discount or 0.0,
        batch_share=batch_share,
        discount=record.default(f"{label}.discount", o.discount, DEFAULTS.discount),
        price_change_per_year=record.default(f"{label}.price_change_per_year", o.price_change_per_year,
                                             DEFAULTS.price_change_per_year),
        fixed_monthly=record.default(f"{label}.fixed_monthly", o.fixed_monthly, DEFAULTS.fixed_monthly),
        shared=resolve_shared(o, label, index, record, api_entry=entry),
        model=o.model,
    )
    return ResolvedApi(inputs, record.done())

"""The costs any option may carry, resolved inside each option's step: staff, setup, other, fine-tuning."""

from __future__ import annotations

from dataclasses import replace

from tco.defaults import DEFAULTS
from tco.engine.inputs import FineTuningInputs, SharedCosts
from tco.engine.results import Assumption
from tco.frozen import frozen
from tco.load import schema
from tco.pricing.catalog import Entry
from tco.pricing.origins import files_of
from tco.scenario.record import Record


@frozen
class TuningRate:
    """The rent per GPU-hour an option's fine-tuning runs default to, and its citation when a table gave
    it (None: the option's own rate, or no rate at all)."""

    rate: float | None = None
    source: Assumption | None = None


def resolve_shared(option: schema.ApiOption | schema.SelfHostedOption | schema.HybridOption | schema.RoutedOption,
                   label: str, index: int, record: Record, tuning: TuningRate | None = None,
                   api_entry: Entry | None = None) -> SharedCosts:
    """Staff, setup, other and fine-tuning costs. An API option's training price defaults to its
    model's `training` price in api.yaml (the provider's fine-tuning price per 1M tokens); the
    GPU-hours' rate to `tuning.rate`, cited as `tuning.source` when it came from a table."""
    problems = record.context.problems
    tuning = tuning or TuningRate()
    staff = option.staff if option.staff is not None else DEFAULTS.staff.value
    fine_tuning: FineTuningInputs | None = None
    if option.fine_tuning is not None:
        tuning_given = option.fine_tuning
        rate = tuning_given.hourly_rate_per_gpu
        if rate is None and tuning_given.gpu_hours:
            if tuning.rate is None:
                problems.add(("options", index, "fine_tuning", "hourly_rate_per_gpu"),
                             "required: this option has no GPU rent rate to default to")
            elif tuning.source is not None:
                rate = tuning.rate
                record.assumptions.append(replace(tuning.source, field=f"{label}.fine_tuning.hourly_rate_per_gpu"))
            else:
                rate = record.assume(f"{label}.fine_tuning.hourly_rate_per_gpu", tuning.rate,
                                     "tco default: the option's own GPU rent rate")
        training_price = tuning_given.price_per_million_training_tokens
        if training_price is None and tuning_given.training_tokens:
            training_price = record.from_table(f"{label}.fine_tuning.price_per_million_training_tokens",
                                               None, api_entry, "training")
            if training_price is None:
                # Billing training tokens at nothing would flatter the option: ask for the price.
                problems.add(("options", index, "fine_tuning", "price_per_million_training_tokens"),
                             "required with training_tokens"
                             + (f": {api_entry.key} in {files_of(api_entry, 'training')} lists no "
                                "training price" if api_entry is not None else ""))
        fine_tuning = FineTuningInputs(
            gpu_hours=tuning_given.gpu_hours or 0.0,
            hourly_rate_per_gpu=rate or 0.0,
            training_tokens=tuning_given.training_tokens or 0.0,
            price_per_million_training_tokens=training_price or 0.0,
            data_cost=tuning_given.data_cost or 0.0,
            every_months=tuning_given.every_months,
        )
    return SharedCosts(
        staff_fte=staff.fte if staff else 0.0,
        cost_per_fte_year=staff.cost_per_fte_year if staff else 0.0,
        setup_cost=record.default(f"{label}.setup_cost", option.setup_cost, DEFAULTS.setup_cost),
        other_monthly=record.default(f"{label}.other_monthly", option.other_monthly, DEFAULTS.other_monthly),
        fine_tuning=fine_tuning,
    )

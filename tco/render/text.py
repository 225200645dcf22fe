"""Numbers and sentences for people: money with thousands separators, short forms for headlines."""

from __future__ import annotations

import math

from tco.amounts import money_short, month_count, months_text, quantity_short
from tco.engine.results import BreakEven, Comparison, OptionResult, ScenarioWarning, StalePrice

CLOSE_CALL_SHARE = 0.05


def break_even_cell(pair: BreakEven) -> str:
    """`month 7 (6.4)` or `never`."""
    if pair.month is None or pair.months is None:
        return "never"
    return f"month {pair.month} ({pair.months:.1f})"


def volume_text(tokens: float | None, requests: float | None) -> str:
    if tokens is None:
        return "none"
    text = f"{quantity_short(tokens)} tokens/month"
    if requests is not None:
        text += f" ({quantity_short(requests)} requests/day)"
    return text


def _path_to_it(option: OptionResult, through_month: int) -> str:
    """What the self-hosted figures include beyond the fleet: `3 months on GPT-4.1 before go-live
    and 2 fine-tuning runs`, counted through `through_month`; empty when there is neither."""
    parts = []
    waiting = min(option.go_live_month, through_month + 1) - 1
    if waiting > 0 and option.fallback is not None:
        parts.append(f"{month_count(waiting)} on {option.fallback} before go-live")
    elif waiting > 0:
        parts.append(f"{month_count(waiting)} before go-live")
    runs = option.fine_tuning_runs(through_month)
    if runs:
        parts.append(f"{runs} fine-tuning run{'s' if runs != 1 else ''}")
    return " and ".join(parts)


def option_label(option: OptionResult) -> str:
    """How a sentence names the option: "Llama 3.1 70B on 4 → 10 rented H100 SXMs" (its fleet in the first
    month it has one, then at the end; one number when they are equal), or its name."""
    fleet = option.fleet
    if fleet is None:
        return option.name
    how = "rented" if fleet.acquisition == "rent" else "owned"
    plural = "s" if fleet.gpus_at_end != 1 else ""
    first, last = fleet.gpus_first, fleet.gpus_at_end
    count = f"{first} → {last}" if first and first != last else f"{last}"
    return f"{fleet.model_name} on {count} {how} {fleet.gpu_name}{plural}"


def _fleet_kind(option: OptionResult) -> tuple[str, str, str] | None:
    """What `option_label` says of an option but its GPU counts: model, rented or owned, GPU."""
    fleet = option.fleet
    if fleet is None or option.kind in ("hybrid", "routed"):
        return None
    return fleet.model_name, fleet.acquisition, fleet.gpu_name


def _shares_its_label(comparison: Comparison, option: OptionResult) -> bool:
    """Whether another option's sentence would name the same model on the same GPUs, rented or owned
    alike (vLLM against SGLang, say): the counts alone cannot tell a reader which row is which."""
    kind = _fleet_kind(option)
    return kind is not None and any(_fleet_kind(other) == kind for other in comparison.options
                                    if other.name != option.name)


def refresh_command(table: str, key: str) -> str:
    """The `tco pricing` command that refreshes one stale price (named in the warning)."""
    if table == "api":
        return (f"`tco pricing import litellm model_prices_and_context_window.json --model {key} --only-existing` "
                f"or `tco pricing set api {key} input=... output=...`")
    return (f"`tco pricing import skypilot vms.csv --cloud CLOUD` "
            f"or `tco pricing set gpus {key} rent_per_hour.CLOUD=...`")


def warning_text(warning: ScenarioWarning) -> str:
    """A warning as it is printed: a sentence as given, a stale price with the command that refreshes it."""
    if isinstance(warning, StalePrice):
        return (f"the {warning.table} price of {warning.key} in {warning.file} is {warning.age_days} days old "
                f"(as of {warning.as_of}, over {warning.max_age_days}); refresh it with "
                f"{refresh_command(warning.table, warning.key)}, or set the current one inline")
    return warning


def headline(comparison: Comparison, pair: BreakEven) -> str:
    """One sentence a manager can quote, about one self-hosted option against the baseline.

    The break-even accounts for the months on the fallback API before go-live and the fine-tuning
    runs, so the sentence says so when there are any.
    """
    option = comparison.option(pair.option)
    if option.kind == "hybrid":
        who = f"The hybrid {option.name}"
    elif option.kind == "routed":
        who = f"Routing as {option.name}"
    else:
        label = option_label(option)
        if label == option.name:
            who = f"Self-hosting ({option.name})"
        elif _shares_its_label(comparison, option):
            who = f"Self-hosting {label} ({option.name})"
        else:
            who = f"Self-hosting {label}"
    horizon = comparison.horizon_months
    c = comparison.currency
    versus_total = comparison.option(pair.versus).total
    gap = abs(pair.savings_at_horizon) / versus_total if versus_total > 0 else None
    if gap is not None and gap <= CLOSE_CALL_SHARE:
        # A 2% edge is within the noise of the inputs: say how close it is, not who "wins".
        within = max(1, math.ceil(round(gap * 100, 9)))
        sentence = (f"{who} costs within {within}% of {pair.versus} over {month_count(horizon)} "
                    f"({money_short(abs(pair.savings_at_horizon), c)} "
                    f"{'less' if pair.savings_at_horizon >= 0 else 'more'}): too close to call on these inputs")
    elif pair.month is not None and pair.months is not None:
        including = _path_to_it(option, pair.month)
        sentence = (f"{who} breaks even with {pair.versus} in month {pair.month} "
                    f"(after {months_text(pair.months)}"
                    + (f", including {including}" if including else "")
                    + f") and saves {money_short(pair.savings_at_horizon, c)} over {month_count(horizon)}")
    else:
        including = _path_to_it(option, horizon)
        sentence = (f"{who} does not break even with {pair.versus} within {month_count(horizon)}"
                    + (f" (including {including})" if including else "")
                    + f": it costs {money_short(-pair.savings_at_horizon, c)} more")
    if option.first_purchase_month is not None and option.first_purchase_cash is not None:
        when = option.first_purchase_month
        sentence += (f"; it needs {money_short(option.first_purchase_cash, c)} of cash in month {when}"
                     + (", when it goes live" if when > 1 else ""))
    if pair.volume_tokens_per_month is not None:
        sentence += (f"; it stays cheaper from "
                     f"{volume_text(pair.volume_tokens_per_month, pair.volume_requests_per_day)}")
    else:
        sentence += "; at no volume does it stay cheaper, its cost per token is not below the API's"
    return sentence + "."


def headlines(comparison: Comparison) -> list[str]:
    """A sentence for each self-hosted option against the baseline, biggest saving first."""
    pairs = [p for p in comparison.break_even if p.versus == comparison.baseline]
    pairs.sort(key=lambda p: -p.savings_at_horizon)
    if pairs:
        return [headline(comparison, p) for p in pairs]
    if not comparison.options:
        return []
    cheapest = min(comparison.options, key=lambda o: o.total)
    return [f"{cheapest.name} is the cheapest option over {month_count(comparison.horizon_months)} "
            f"at {money_short(cheapest.total, comparison.currency)}."]


def gpus_at_end(option: OptionResult) -> str:
    gpus = option.months[-1].gpus if option.months else None
    return "-" if gpus is None else str(gpus)


def title(comparison: Comparison) -> str:
    start = f" from {comparison.start}" if comparison.start else ""
    return (f"{comparison.scenario}: {month_count(comparison.horizon_months)}{start}, {comparison.currency}, "
            f"{comparison.basis} basis")


def share_text(share: float | None) -> str:
    """`62.5%`, or `-` when there is nothing to share."""
    return "-" if share is None else f"{share:.1%}"

"""`tco optimize`: the cheapest fleet for a hybrid of a self-hosted and an API option.

A hybrid with a fixed fleet `{gpus: N}` is projected for every N from 0 to the largest fleet the
self-hosted option itself needs over the horizon (the p100 size), in whole replicas; the
`size_for` rules p50, p51 … p100 and `average` (which re-size the fleet each month as the load
grows) are projected too; p50, p55 … p100 are listed, and the cheapest percentile between them when
it beats them all. The cheapest total over the horizon wins.
"""

from __future__ import annotations

from tco.engine.inputs import ApiInputs, HybridInputs, OptionInputs, ScenarioInputs, SelfHostedInputs, SharedCosts
from tco.engine.line_items import gpus_needed
from tco.engine.projection import project_option
from tco.engine.results import OptionResult, computable
from tco.engine.results import too_large as figures_too_large
from tco.errors import TcoError, did_you_mean
from tco.frozen import frozen

# Fleets of more replicas than this are scanned at this many evenly spaced sizes, then every size
# between the two scanned neighbours of the cheapest is projected, so the scan stays quick.
MAX_SCANNED_SIZES = 1000
# Between those neighbours every size is projected when there are at most this many; more (fleets
# of over a million replicas) are scanned again the same way.
MAX_REFINED_SIZES = 2000


@frozen
class FleetCost:
    """One point of the cost curve: a fleet size (or a `size_for` rule) and what the hybrid costs."""

    size_for: str  # "8 GPUs", "p75", "average"
    gpus: int | None  # the fixed fleet; None for a rule (its fleet changes month by month)
    replicas: int | None
    total: float
    npv: float
    self_hosted_share: float | None
    fleet_utilization: float | None
    gpus_at_end: int | None


@frozen
class Optimization:
    """The cost curve of a hybrid against its fleet size, and the cheapest point."""

    scenario: str
    currency: str
    horizon_months: int
    self_hosted: str
    overflow: str
    gpus_per_replica: int
    p100_gpus: int
    fixed: list[FleetCost]  # by fleet size, ascending
    rules: list[FleetCost]  # p50 … p100, average
    cheapest: FleetCost
    exhaustive: bool  # every replica step projected (False: sampled, then refined around the best)
    hybrid: str | None = None  # the scenario's hybrid option, when it was named instead of its two parts


def _pick(inputs: ScenarioInputs, name: str, kind: type | tuple[type, ...], what: str,
          source: str) -> OptionInputs:
    names: dict[str, OptionInputs] = {o.name: o for o in inputs.options}
    option = names.get(name)
    if option is None:
        raise TcoError.single(source, f"no option is named {name!r}{did_you_mean(name, names, most=1)}")
    if not isinstance(option, kind):
        article = "an" if option.kind == "api" else "a"
        raise TcoError.single(source, f"{name!r} is {article} {option.kind} option; {what}")
    return option


def _point(result: OptionResult, size_for: str, gpus: int | None, k: int) -> FleetCost:
    return FleetCost(size_for, gpus, None if gpus is None else gpus // k, result.total, result.npv,
                     result.self_hosted_share, result.fleet_utilization, result.months[-1].gpus)


def _projected(hybrid: HybridInputs, inputs: ScenarioInputs, too_large: TcoError) -> OptionResult:
    """The hybrid projected, its figures within what tco computes (as `compare` checks them)."""
    try:
        result = project_option(hybrid, inputs)
    except OverflowError:
        raise too_large from None
    if not all(computable(x) for x in (result.total, result.npv, result.self_hosted_share, result.fleet_utilization,
                                       *(m.total for m in result.months))):
        raise too_large
    return result


def optimize_hybrid(inputs: ScenarioInputs, self_hosted: str, overflow: str | None = None, *,
                    source: str = "") -> Optimization:
    """Project the hybrid of `self_hosted` and `overflow` at every fleet size and size rule.

    `self_hosted` may instead name a hybrid option of the scenario: its self-hosted option, its
    overflow API (unless `overflow` names another) and its own staff, setup, other and fine-tuning
    costs are used, so the row of its own `size_for` totals what `compare` gives for it.
    Raises TcoError for a name that is not an option of the right kind, or a missing `overflow`, and
    for figures too large to compute (at the option named).
    """
    picked = _pick(inputs, self_hosted, (SelfHostedInputs, HybridInputs),
                   "--hybrid must name a hybrid or self_hosted option", source)
    hybrid = picked if isinstance(picked, HybridInputs) else None
    hosted = picked.self_hosted if isinstance(picked, HybridInputs) else picked
    if overflow is None and hybrid is None:
        raise TcoError.single(source, f"{self_hosted!r} is a self_hosted option: give the api option that takes "
                              "the load above its fleet with --overflow-to")
    api = hybrid.overflow if hybrid is not None and overflow is None else \
        _pick(inputs, str(overflow), ApiInputs, "--overflow-to must name an api option", source)
    assert isinstance(hosted, SelfHostedInputs) and isinstance(api, ApiInputs)
    k = hosted.gpus_per_replica
    name = hybrid.name if hybrid is not None else f"{hosted.name} + {api.name} overflow"
    shared = hybrid.shared if hybrid is not None else SharedCosts()
    too_large = figures_too_large(source or inputs.name, f"options[{inputs.options.index(picked)}]")
    try:
        p100 = max(gpus_needed(hosted, inputs.workload, m) for m in range(1, inputs.horizon_months + 1))
    except OverflowError:
        raise too_large from None
    steps = p100 // k

    def fixed(replicas: int) -> FleetCost:
        sized = HybridInputs(name, hosted, api, "gpus", fleet_gpus=replicas * k, shared=shared)
        return _point(_projected(sized, inputs, too_large), f"{replicas * k} GPUs", replicas * k, k)

    exhaustive = steps + 1 <= MAX_SCANNED_SIZES
    curve: dict[int, FleetCost] = {}
    low, high, every_size_up_to = 0, steps, MAX_SCANNED_SIZES
    # Scan, then zoom in between the neighbours of the cheapest until every size there can be
    # projected: a few thousand projections whatever the fleet, never one per replica of it.
    while high - low + 1 > every_size_up_to:
        span = high - low
        scanned = sorted({low + round(i * span / (MAX_SCANNED_SIZES - 1)) for i in range(MAX_SCANNED_SIZES)})
        curve.update({n: fixed(n) for n in scanned if n not in curve})
        best = min(scanned, key=lambda n: curve[n].total)
        at = scanned.index(best)
        low = scanned[at - 1] if at else best
        high = scanned[at + 1] if at + 1 < len(scanned) else best
        every_size_up_to = MAX_REFINED_SIZES
    curve.update({n: fixed(n) for n in range(low, high + 1) if n not in curve})
    def rule(percent: int) -> FleetCost:
        sized = HybridInputs(name, hosted, api, "percentile", percentile=float(percent), shared=shared)
        return _point(_projected(sized, inputs, too_large), f"p{percent}", None, k)

    # Every whole percentile is projected, so no `size_for: pN` beats the answer; the listed ones
    # are p50, p55 … p100, plus the cheapest in between when it is cheaper than all of those.
    by_percent = {p: rule(p) for p in range(50, 101)}
    listed = {p for p in by_percent if p % 5 == 0}
    best = min(by_percent, key=lambda p: (by_percent[p].total, p not in listed))
    rules = [by_percent[p] for p in sorted(listed | {best})]
    rules.append(_point(_projected(HybridInputs(name, hosted, api, "average", shared=shared), inputs, too_large),
                        "average", None, k))
    points = [curve[n] for n in sorted(curve)]
    cheapest = min([*points, *rules], key=lambda p: p.total)
    return Optimization(inputs.name, inputs.currency, inputs.horizon_months, hosted.name, api.name, k, p100,
                        points, rules, cheapest, exhaustive, hybrid.name if hybrid is not None else None)

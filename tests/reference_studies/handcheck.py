"""Hand check of the reference cases, independent of the `tco` package.

Reads every scenario in this folder and recomputes, month by month, what the formulas says for the
subset of features these cases use (form B volumes without growth, API options with inline
prices, one bought self-hosted option on the cash basis), then the break-even month and the
fractional break-even in months against every API option. Prints it next to the published figure.

    python tests/reference_studies/handcheck.py
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

HERE = Path(__file__).parent
TOLERANCE = 0.06

# arXiv:2509.18101, Table IV (months); the Gemini 2.5 Pro column is left out (see CASES.md).
PUBLISHED: dict[str, dict[str, float]] = {
    "pan2025_kimi_k2": {
        "GPT-5": 69.3,
        "Claude-4 Opus": 8.7,
        "Claude-4 Sonnet": 44.0,
        "Grok-4": 44.0,
    },
    "pan2025_glm_4_5": {
        "GPT-5": 51.5,
        "Claude-4 Opus": 6.5,
        "Claude-4 Sonnet": 32.8,
        "Grok-4": 32.8,
    },
    "pan2025_qwen3_235b": {
        "GPT-5": 34.0,
        "Claude-4 Opus": 4.3,
        "Claude-4 Sonnet": 21.8,
        "Grok-4": 21.8,
    },
    "pan2025_gpt_oss_120b": {
        "GPT-5": 30.9,
        "Claude-4 Opus": 3.9,
        "Claude-4 Sonnet": 19.8,
        "Grok-4": 19.8,
    },
    "pan2025_glm_4_5_air": {
        "GPT-5": 34.0,
        "Claude-4 Opus": 4.3,
        "Claude-4 Sonnet": 21.8,
        "Grok-4": 21.8,
    },
    "pan2025_llama_3_3_70b": {
        "GPT-5": 17.8,
        "Claude-4 Opus": 2.3,
        "Claude-4 Sonnet": 11.4,
        "Grok-4": 11.4,
    },
    "pan2025_exaone_4_0_32b": {
        "GPT-5": 2.26,
        "Claude-4 Opus": 0.3,
        "Claude-4 Sonnet": 1.4,
        "Grok-4": 1.4,
    },
    "pan2025_qwen3_30b": {
        "GPT-5": 2.5,
        "Claude-4 Opus": 0.3,
        "Claude-4 Sonnet": 1.6,
        "Grok-4": 1.6,
    },
    "pan2025_magistral_small": {
        "GPT-5": 3.0,
        "Claude-4 Opus": 0.4,
        "Claude-4 Sonnet": 1.9,
        "Grok-4": 1.9,
    },
}


def ceil_tol(x: float) -> int:
    """ceil that ignores an excess of at most 1e-9·max(1, x) over a whole number (§4)."""
    down = math.floor(x)
    if x - down <= 1e-9 * max(1.0, x):
        return int(down)
    return math.ceil(x)


def api_months(opt: dict, inp: float, out: float, horizon: int) -> list[tuple[float, float]]:
    """(one-time, recurring) cost of an API option for every month."""
    price = opt["price"]
    token_cost = (inp * price["input"] + out * price["output"]) / 1e6
    return [(0.0, token_cost)] * horizon


def self_hosted_months(
    opt: dict, work: dict, inp: float, out: float, horizon: int
) -> tuple[int, list[tuple[float, float]]]:
    """Fleet size and (one-time, recurring) cost of a bought self-hosted option per month."""
    x = opt["throughput"]["input_tokens_per_second"]
    y = opt["throughput"]["output_tokens_per_second"]
    h = work["active_hours_per_month"]
    k = opt["gpus_per_replica"]
    busy = (inp / x + out / y) / (h * 3600)
    replicas = max(
        opt["min_replicas"], ceil_tol(busy * work["peak_to_average"] / (opt["max_utilization"] * k))
    )
    gpus = replicas * k
    c = opt["purchase_price_per_gpu"] * (1 + opt["server_cost_share"])
    p = opt["power"]
    power = (
        gpus
        * p["watts_per_gpu"]
        * p["load_factor"]
        * p["pue"]
        * p["hours_per_month"]
        / 1000
        * p["price_per_kwh"]
    )
    recurring = (
        power
        + gpus * opt["hosting_per_gpu_month"]
        + gpus * c * opt["maintenance_per_year"] / 12
        + opt["other_monthly"]
    )
    months = [(gpus * c + opt["setup_cost"], recurring)]
    months += [(0.0, recurring)] * (horizon - 1)
    return gpus, months


def break_even(
    s: list[tuple[float, float]], a: list[tuple[float, float]]
) -> tuple[int | None, float | None]:
    """Break-even month and fractional months of S against A, as §4 defines them."""
    horizon = len(s)
    cum_s = cum_a = 0.0
    ends_s, ends_a = [], []
    for (s1, sr), (a1, ar) in zip(s, a, strict=True):
        cum_s += s1 + sr
        cum_a += a1 + ar
        ends_s.append(cum_s)
        ends_a.append(cum_a)

    def le(j: int) -> bool:
        return ends_s[j] <= ends_a[j] + 1e-9 * max(1.0, abs(ends_a[j]))

    if not le(horizon - 1):
        return None, None
    m = horizon
    while m > 1 and le(m - 2):
        m -= 1
    # inside month m: one-time costs at its start, recurring costs accruing evenly
    start_s = (ends_s[m - 2] if m > 1 else 0.0) + s[m - 1][0]
    start_a = (ends_a[m - 2] if m > 1 else 0.0) + a[m - 1][0]
    if start_s <= start_a:
        return m, float(m - 1)
    t = (start_s - start_a) / (a[m - 1][1] - s[m - 1][1])
    return m, m - 1 + min(max(t, 0.0), 1.0)


def check(path: Path) -> list[tuple[str, str, str, int, float, float]]:
    doc = yaml.safe_load(path.read_text())
    work = doc["workload"]
    horizon = doc["horizon_months"]
    inp, out = float(work["input_tokens_per_month"]), float(work["output_tokens_per_month"])
    apis = [o for o in doc["options"] if o["kind"] == "api"]
    (sh,) = [o for o in doc["options"] if o["kind"] == "self_hosted"]
    gpus, s_months = self_hosted_months(sh, work, inp, out, horizon)
    rows = []
    for api in apis:
        a_months = api_months(api, inp, out, horizon)
        month, frac = break_even(s_months, a_months)
        assert month is not None and frac is not None, (path.name, api["name"])
        detail = (
            f"gpus={gpus} capex={s_months[0][0]:.0f} api/mo={a_months[0][1]:.2f} "
            f"power/mo={s_months[0][1]:.2f}"
        )
        rows.append(
            (path.stem, api["name"], detail, month, frac, PUBLISHED[path.stem][api["name"]])
        )
    return rows


def main() -> None:
    worst = 0.0
    for path in sorted(HERE.glob("*.yaml")):
        for stem, api, detail, month, frac, pub in check(path):
            diff = frac - pub
            worst = max(worst, abs(diff))
            flag = "" if abs(diff) <= TOLERANCE else "  <-- OUT OF TOLERANCE"
            print(
                f"{stem:24s} {api:16s} {detail}  month={month:2d} months={frac:8.4f} "
                f"published={pub:5.2f} diff={diff:+.4f}{flag}"
            )
    print(f"worst |diff| = {worst:.4f} (tolerance {TOLERANCE})")


if __name__ == "__main__":
    main()

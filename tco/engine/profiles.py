"""The shape of the load over a day: `workload.load_profile`, 24 hourly weights.

A profile gives the relative load of each hour of the day (hour 0 = 00:00–01:00). Only the
ratios matter: hour h carries the share `w_h / Σw` of the day's tokens, and its load relative to
the day's average is `w_h / mean(w)`. `peak_to_average` follows as `max(w) / mean(w)`.

The named profiles are illustrative shapes, not measurements; give your own 24 weights (from
your request logs, per hour) when you have them.
"""

from __future__ import annotations

import math
from typing import Any

from tco.engine.formulas import exact_sum, sorted_values

HOURS_PER_DAY = 24

# Relative load by hour of the day, 00:00 first. Each is documented in docs/mixed.md (The load profile).
NAMED_PROFILES: dict[str, tuple[float, ...]] = {
    # The same load every hour: nothing ever overflows below the average.
    "flat": (1.0,) * 24,
    # An internal tool used in working hours: a morning and an afternoon hump, quiet nights.
    "office_hours": (0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5,
                     1.0, 1.6, 1.8, 1.8, 1.5, 1.7, 1.8, 1.7,
                     1.4, 0.9, 0.5, 0.3, 0.2, 0.2, 0.1, 0.1),
    # A consumer app: busy all day, peaking in the evening, lowest before dawn.
    "consumer_evening": (0.5, 0.35, 0.25, 0.2, 0.2, 0.25, 0.4, 0.6,
                         0.8, 0.9, 1.0, 1.05, 1.1, 1.05, 1.0, 1.0,
                         1.05, 1.2, 1.45, 1.7, 1.85, 1.8, 1.45, 0.95),
    # Batch jobs run overnight on top of a light daytime load.
    "batch_night": (1.8, 1.9, 1.9, 1.9, 1.8, 1.6, 1.0, 0.6,
                    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
                    0.5, 0.5, 0.6, 0.7, 0.9, 1.2, 1.5, 1.7),
}

# A given peak_to_average must agree with the profile's max/mean to within this share of it.
PEAK_TOLERANCE = 0.01


def mean_weight(weights: tuple[Any, ...]) -> Any:
    """The mean of the 24 weights."""
    return exact_sum(weights) / HOURS_PER_DAY


def peak_to_average(weights: tuple[float, ...]) -> float:
    """`max(w) / mean(w)`: the busiest hour's load over the day's average load."""
    ratio: float = max(weights) / mean_weight(weights)
    return ratio


def relative_loads(weights: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each hour's load over the day's average, `w_h / mean(w)`; they sum to 24."""
    mean = mean_weight(weights)
    return tuple(w / mean for w in weights)


def single_peak(peak: Any) -> tuple[Any, ...]:
    """The shape assumed when a hybrid needs one and the workload gives none: one hour at
    `peak` times the average, the other 23 level (so max/mean is `peak`). Needs peak ≤ 24."""
    rest = (HOURS_PER_DAY - peak) / (HOURS_PER_DAY - 1)
    return (peak, *(rest,) * (HOURS_PER_DAY - 1))


def percentile(values: tuple[Any, ...], percent: float) -> Any:
    """The `percent`-th percentile of `values`, interpolating linearly between order statistics.

    Position `(n − 1)·percent/100` in the sorted values (numpy's default, "linear"): p100 is the
    largest, p50 the median (the mean of the 12th and 13th of 24 values). Values may be arrays
    (one per run): each run's percentile of its own values.
    """
    ordered = sorted_values(values)
    position = (len(ordered) - 1) * percent / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction

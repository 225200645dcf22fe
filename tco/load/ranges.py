"""Ranges in scenarios: any numeric field may be a distribution instead of a number.

    {low: 2.0, high: 3.5}              uniform; central value: the midpoint
    {low: 2.0, mode: 2.5, high: 3.5}   triangular; central value: the mode
    {median: 5e9, p90: 2e10}           lognormal fitted to the median and the 90th percentile
    {choices: [1, 2, 4], weights: [0.5, 0.3, 0.2]}
                                       discrete; central value: the most likely choice (the first
                                       listed among equally likely ones); no weights: equally likely

A validated field holds a `RangedFloat` / `RangedInt`: the central value as a plain number (so
`compare` and the resolver need no change) carrying its `Distribution`. Sampling imports numpy
only when called, so `tco compare` never loads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from tco.frozen import frozen
from tco.load.quantities import parse_number

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from tco.load.yamlsource import Path

# z of the standard normal's 90th percentile: ln(p90) = ln(median) + Z90·σ.
Z90 = 1.2815515655446004
WEIGHT_TOLERANCE = 1e-9


class RangeError(ValueError):
    """A problem inside a range, at `key` below the field (e.g. ("high",) or ("choices", 2))."""

    def __init__(self, key: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.key = key


@frozen
class Distribution:
    """A range's shape. Subclasses give the central value, the tornado's ends and a sampler."""

    whole: bool
    kind: ClassVar[str] = ""

    @property
    def central(self) -> float:
        """The value a plain `compare` uses."""
        raise NotImplementedError

    @property
    def ends(self) -> tuple[float, float]:
        """(low, high) that `tco sensitivity` moves the field between."""
        raise NotImplementedError

    def describe(self) -> str:
        """The range as written in YAML flow style."""
        raise NotImplementedError

    @property
    def zero_width(self) -> bool:
        """Whether every draw is the central value."""
        low, high = self.ends
        return low == high

    def sample(self, rng: np.random.Generator, runs: int) -> NDArray[np.float64]:
        """`runs` independent draws, as float64."""
        raise NotImplementedError


def _g(value: float) -> str:
    """A number as a scenario would write it: `200K`, `1M`, `5B`, `0.15` (read back by parse_number)."""
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            text = f"{value / limit:.6g}"
            if "e" not in text:
                return text + suffix
    return f"{value:.6g}"


@frozen
class Uniform(Distribution):
    """Every value from `low` to `high` equally likely; whole fields: every whole number in between."""

    low: float
    high: float

    kind: ClassVar[str] = "uniform"

    @property
    def central(self) -> float:
        middle = (self.low + self.high) / 2
        return float(math.floor(middle)) if self.whole else middle

    @property
    def ends(self) -> tuple[float, float]:
        return self.low, self.high

    def describe(self) -> str:
        return f"{{low: {_g(self.low)}, high: {_g(self.high)}}}"

    def sample(self, rng: np.random.Generator, runs: int) -> NDArray[np.float64]:
        import numpy as np

        if self.low == self.high:
            return np.full(runs, self.low, dtype=np.float64)
        if self.whole:
            return rng.integers(int(self.low), int(self.high), endpoint=True, size=runs).astype(np.float64)
        return rng.uniform(self.low, self.high, runs)


@frozen
class Triangular(Distribution):
    """Triangular from `low` to `high`, most likely at `mode`."""

    low: float
    mode: float
    high: float

    kind: ClassVar[str] = "triangular"

    @property
    def central(self) -> float:
        return self.mode

    @property
    def ends(self) -> tuple[float, float]:
        return self.low, self.high

    def describe(self) -> str:
        return f"{{low: {_g(self.low)}, mode: {_g(self.mode)}, high: {_g(self.high)}}}"

    def sample(self, rng: np.random.Generator, runs: int) -> NDArray[np.float64]:
        import numpy as np

        if self.low == self.high:
            return np.full(runs, self.mode, dtype=np.float64)
        return rng.triangular(self.low, self.mode, self.high, runs)


@frozen
class LogNormal(Distribution):
    """Lognormal with the given median and 90th percentile: σ = (ln p90 − ln median) / z₀.₉₀."""

    median: float
    p90: float

    kind: ClassVar[str] = "lognormal"

    @property
    def sigma(self) -> float:
        return (math.log(self.p90) - math.log(self.median)) / Z90

    @property
    def central(self) -> float:
        return self.median

    @property
    def ends(self) -> tuple[float, float]:
        """P10 and P90: by symmetry of ln, P10 = median² / p90."""
        return self.median * (self.median / self.p90), self.p90

    def describe(self) -> str:
        return f"{{median: {_g(self.median)}, p90: {_g(self.p90)}}}"

    def sample(self, rng: np.random.Generator, runs: int) -> NDArray[np.float64]:
        import numpy as np

        if self.median == self.p90:  # exp(log(m)) need not be m to the last bit
            return np.full(runs, self.median, dtype=np.float64)
        return rng.lognormal(math.log(self.median), self.sigma, runs)


@frozen
class Choices(Distribution):
    """One of `values`, with probabilities `weights` (equal when none are given)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    kind: ClassVar[str] = "choices"

    @property
    def central(self) -> float:
        best = max(self.weights)
        return self.values[self.weights.index(best)]

    @property
    def ends(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def describe(self) -> str:
        values = ", ".join(_g(v) for v in self.values)
        weights = ", ".join(_g(w) for w in self.weights)
        return f"{{choices: [{values}], weights: [{weights}]}}"

    def sample(self, rng: np.random.Generator, runs: int) -> NDArray[np.float64]:
        import numpy as np

        values = np.asarray(self.values, dtype=np.float64)
        if len(values) == 1:
            return np.full(runs, values[0], dtype=np.float64)
        weights = np.asarray(self.weights, dtype=np.float64)
        return values[rng.choice(len(values), size=runs, p=weights / weights.sum())]


CENTRAL_NAMES = {"uniform": "midpoint", "triangular": "mode", "lognormal": "median", "choices": "most likely choice"}


class RangedFloat(float):
    """A field given as a range: behaves as its central value, carries its distribution."""

    distribution: Distribution

    def __new__(cls, central: float, distribution: Distribution) -> RangedFloat:
        made = super().__new__(cls, central)
        made.distribution = distribution
        return made


class RangedInt(int):
    """A whole-number field given as a range (uniform over whole numbers, or choices)."""

    distribution: Distribution

    def __new__(cls, central: int, distribution: Distribution) -> RangedInt:
        made = super().__new__(cls, central)
        made.distribution = distribution
        return made


Ranged = RangedFloat | RangedInt

_FORMS = {
    frozenset({"low", "high"}): "uniform",
    frozenset({"low", "mode", "high"}): "triangular",
    frozenset({"median", "p90"}): "lognormal",
    frozenset({"choices"}): "choices",
    frozenset({"choices", "weights"}): "choices",
}
_KEYS = ("low", "mode", "high", "median", "p90", "choices", "weights")


def parse_range(
    given: dict[Any, Any],
    check: Callable[[Any], float | int],
    *,
    whole: bool,
    lognormal_allowed: bool,
) -> Ranged:
    """Read a range mapping, checking each value with the field's own rule `check`.

    Returns the central value carrying its distribution; raises RangeError at the key at fault.
    """
    keys = frozenset(str(k) for k in given)
    unknown = [k for k in given if str(k) not in _KEYS]
    if unknown:
        raise RangeError((str(unknown[0]),), "unknown key in a range; a range is {low, high}, "
                         "{low, mode, high}, {median, p90} or {choices, weights}")
    form = _FORMS.get(keys)
    if form is None:
        raise RangeError((), f"a range needs {{low, high}}, {{low, mode, high}}, {{median, p90}} or "
                         f"{{choices: [...], weights: [...]}} (got keys {', '.join(sorted(keys)) or 'none'})")
    if whole and form in ("triangular", "lognormal"):
        raise RangeError((), f"a whole-number field takes a range only as {{low, high}} (every whole number "
                         f"between equally likely) or {{choices: [...]}}, not a {form} range")

    def value(key: str) -> float:
        try:
            return float(check(given[key]))
        except RangeError:
            raise
        except ValueError as error:
            raise RangeError((key,), str(error)) from None

    distribution: Distribution
    if form == "uniform":
        low, high = value("low"), value("high")
        if low > high:
            raise RangeError(("low",), f"low ({_g(low)}) is above high ({_g(high)})")
        distribution = Uniform(whole, low, high)
    elif form == "triangular":
        low, mode, high = value("low"), value("mode"), value("high")
        if low > high:
            raise RangeError(("low",), f"low ({_g(low)}) is above high ({_g(high)})")
        if not low <= mode <= high:
            raise RangeError(("mode",), f"mode ({_g(mode)}) must lie from low ({_g(low)}) to high ({_g(high)})")
        distribution = Triangular(whole, low, mode, high)
    elif form == "lognormal":
        if not lognormal_allowed:
            raise RangeError((), "a lognormal range can take any value above 0, which this field does not "
                             "allow; give {low, high} or {low, mode, high}")
        median, p90 = value("median"), value("p90")
        if median <= 0:
            raise RangeError(("median",), f"a lognormal median must be above 0 (got {_g(median)})")
        if p90 < median:
            raise RangeError(("p90",), f"p90 ({_g(p90)}) is below the median ({_g(median)})")
        distribution = LogNormal(whole, median, p90)
    else:
        distribution = _choices(given, check, whole)
    if whole:
        return RangedInt(int(distribution.central), distribution)
    return RangedFloat(distribution.central, distribution)


def _choices(given: dict[Any, Any], check: Callable[[Any], float | int], whole: bool) -> Choices:

    choices = given["choices"]
    if not isinstance(choices, list) or not choices:
        raise RangeError(("choices",), "choices must be a non-empty list of values")
    values: list[float] = []
    for index, item in enumerate(choices):
        try:
            values.append(float(check(item)))
        except ValueError as error:
            raise RangeError(("choices", index), str(error)) from None
    weights_given = given.get("weights")
    if weights_given is None:
        return Choices(whole, tuple(values), tuple(1 / len(values) for _ in values))
    if not isinstance(weights_given, list) or len(weights_given) != len(values):
        count = len(weights_given) if isinstance(weights_given, list) else "no list of"
        raise RangeError(("weights",), f"weights must be a list with one weight per choice "
                         f"({len(values)} choices, {count} weights)")
    weights: list[float] = []
    for index, item in enumerate(weights_given):
        try:
            weight = parse_number(item, percent=True)
        except ValueError as error:
            raise RangeError(("weights", index), str(error)) from None
        if weight < 0:
            raise RangeError(("weights", index), f"a weight must not be negative (got {_g(weight)})")
        weights.append(weight)
    total = math.fsum(weights)
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise RangeError(("weights",), f"weights must add up to 1 (they add up to {total:.10g})")
    return Choices(whole, tuple(values), tuple(weights))


def describe_central(distribution: Distribution) -> str:
    """An assumption's source for a range: "the median of the range {median: 5B, p90: 20B}"."""
    return f"the {CENTRAL_NAMES[distribution.kind]} of the range {distribution.describe()}"


def ranged_fields(model: Any, path: Path = ()) -> Iterator[tuple[Path, Ranged]]:
    """Every ranged value in a validated scenario model, with its path, in schema field order."""

    if isinstance(model, RangedFloat | RangedInt):
        yield path, model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from ranged_fields(getattr(model, name), (*path, name))
    elif isinstance(model, list):
        for index, item in enumerate(model):
            yield from ranged_fields(item, (*path, index))

"""The options of every command that loads a scenario, declared once.

`@scenario_options` gives a command `--basis`, `--pricing`, `--set` and `--max-price-age` where its
`options: ScenarioOptions` parameter stands, and `--debug` last; the command receives them as one
`ScenarioOptions`, which loads the scenario from them (`load`, or `resolving()` for `open_scenario`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict, TypeVar

from tco.cli.shared import Basis, BasisOpt, DebugOpt, MaxPriceAgeOpt, PricingOpt, SetOpt
from tco.frozen import frozen
from tco.pricing.catalog import DEFAULT_MAX_PRICE_AGE_DAYS, Catalog, user_pricing_dir
from tco.scenario.loader import LoadedScenario, load_scenario

F = TypeVar("F", bound=Callable[..., Any])


class Resolving(TypedDict):
    """How to read and resolve a scenario: the keyword arguments of `load_scenario` and `open_scenario`."""

    overrides: tuple[str, ...]
    catalog: Catalog
    basis: str | None
    max_price_age_days: int


@frozen
class ScenarioOptions:
    """`--basis`, `--pricing`, `--set`, `--max-price-age` and `--debug`, as one command was given them."""

    basis: Basis | None = None
    pricing: Path | None = None
    overrides: tuple[str, ...] = ()
    max_price_age: int = DEFAULT_MAX_PRICE_AGE_DAYS
    debug: bool = False

    @functools.cached_property
    def catalog(self) -> Catalog:
        """The pricing tables with the user's folder (--pricing, else $TCO_PRICING, ...) over them."""
        return Catalog(user_pricing_dir(self.pricing))

    def read_pricing(self) -> Catalog:
        """The pricing tables, read now: a command reading several scenarios says a bad pricing folder
        once, before any of them."""
        return self.catalog

    def resolving(self) -> Resolving:
        """The `--set` overrides, the pricing tables, the basis and the price age to resolve with. The
        date price ages are measured from is today, or $TCO_TODAY (`tco.pricing.catalog.today`)."""
        return Resolving(overrides=self.overrides, catalog=self.catalog,
                         basis=self.basis.value if self.basis else None, max_price_age_days=self.max_price_age)

    def load(self, path: Path) -> LoadedScenario:
        """The scenario at `path`, read, checked and resolved with these options."""
        return load_scenario(path, **self.resolving())


def _parameter(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation, default=default)


# What a command's `options` parameter defaults to in its signature: never used, `@scenario_options` fills it.
DEFAULT_OPTIONS = ScenarioOptions()
# What `@scenario_options` puts where the command's `options` parameter stands, by the names typer passes.
_SHARED = (_parameter("basis", BasisOpt, None), _parameter("pricing", PricingOpt, None),
          _parameter("set_", SetOpt, None), _parameter("max_price_age", MaxPriceAgeOpt, DEFAULT_MAX_PRICE_AGE_DAYS))
_DEBUG = _parameter("debug", DebugOpt, False)


def scenario_options(command: F) -> F:
    """Give `command` the shared options in place of its `options: ScenarioOptions` parameter (and
    `--debug` as its last option), and call it with them gathered in one `ScenarioOptions`."""
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name == "options":
            parameters += _SHARED
        elif parameter.name != "debug":
            parameters.append(parameter)
    parameters.append(_DEBUG)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = ScenarioOptions(kwargs.pop("basis"), kwargs.pop("pricing"), tuple(kwargs.pop("set_") or ()),
                                  kwargs.pop("max_price_age"), kwargs.pop("debug"))
        return command(*args, options=options, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]

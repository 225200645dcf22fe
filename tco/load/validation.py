"""Checking a scenario's data: field rules through the pydantic schema, rules across fields by hand.

Every problem is collected (none stops the search for the next), located by line and column in
the file, or attributed to the `--set` argument that introduced it.
"""

from __future__ import annotations

import re
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from tco.engine.inputs import HOURS_PER_MONTH
from tco.engine.profiles import NAMED_PROFILES, PEAK_TOLERANCE, peak_to_average
from tco.errors import Problem, TcoError, described, did_you_mean, echoed
from tco.load import schema
from tco.load.quantities import parse_number
from tco.load.ranges import RangeError
from tco.load.yamlsource import Path, YamlDocument, format_path

_FORM_A = ("requests_per_day", "input_tokens_per_request", "output_tokens_per_request")
_FORM_B = ("input_tokens_per_month", "output_tokens_per_month")
# Route shares must add up to 1 within this, so 33.3333% three times is not an error but 99% is.
ROUTE_SHARE_TOLERANCE = 1e-6
_KINDS_TEXT = "'api', 'self_hosted', 'hybrid' or 'routed'"
_OPTION_MODELS: dict[str, type[BaseModel]] = {
    "api": schema.ApiOption, "self_hosted": schema.SelfHostedOption, "hybrid": schema.HybridOption,
    "routed": schema.RoutedOption,
}


class Problems:
    """Problems found in one scenario, located in its file or in the `--set` that caused them."""

    def __init__(self, doc: YamlDocument, overridden: dict[Path, str]) -> None:
        self.doc = doc
        self.overridden = overridden
        self.items: list[Problem] = []

    def add(self, path: Path, message: str, *, key: bool = False) -> None:
        for set_path, label in self.overridden.items():
            if path[: len(set_path)] == set_path:
                self.items.append(Problem(label, message, format_path(path)))
                return
        line, column = self.doc.locate(path, key=key)
        self.items.append(Problem(self.doc.source, message, format_path(path), line, column))

    def raise_if_any(self) -> None:
        if self.items:
            unique = list(dict.fromkeys(self.items))
            unique.sort(key=lambda p: (p.source != self.doc.source, p.line, p.column))
            raise TcoError(unique)




def validate(data: dict[str, Any], problems: Problems) -> schema.Scenario | None:
    """Field rules through pydantic, rules across fields by hand; every problem goes to `problems`."""
    _check_relations(data, problems)
    try:
        return schema.Scenario.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            _add_pydantic_error(error, data, problems)
    return None


def _add_pydantic_error(error: Any, data: dict[str, Any], problems: Problems) -> None:
    loc: list[str | int] = list(error["loc"])
    # A discriminated union puts the tag into the path: options.1.api.discount → options[1].discount
    if len(loc) > 2 and loc[0] == "options" and loc[2] in schema.OPTION_KINDS:
        del loc[2]
    path = tuple(loc)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        known = _known_fields(path[:-1], data)
        hint = did_you_mean(str(path[-1]), known, most=1) or f"; known fields: {', '.join(known)}"
        problems.add(path, f"unknown field{hint}", key=True)
        return
    if kind == "missing":
        problems.add(path, "required field is missing")
        return
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        if kind == "union_tag_invalid":
            problems.add((*path, "kind"), f"must be {_KINDS_TEXT} (got {echoed(error['ctx']['tag'])})")
        else:
            problems.add(path, f"missing kind: {_KINDS_TEXT}")
        return
    if kind == "literal_error":
        problems.add(path, f"must be {error['ctx']['expected']} (got {echoed(given)})")
        return
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        problems.add(path, f"expected a mapping of fields, got {described(given)}")
        return
    if kind == "list_type":
        problems.add(path, f"expected a list, got {described(given)}")
        return
    if kind == "too_short":
        problems.add(path, "must not be empty" if path != ("options",) else "at least one option is needed")
        return
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        problems.add(path, f"too long: {len(given):,} characters (at most {limit})" if isinstance(given, str)
                     else f"too long (at most {limit} characters)")
        return
    if kind in ("string_type", "string_too_short"):
        problems.add(path, "must be non-empty text" if kind == "string_too_short" else
                     f"expected text, got {described(given)}")
        return
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, RangeError):  # a problem inside a range: point at its key
        path = (*path, *cause.key)
    message = str(error["msg"]).removeprefix("Value error, ")
    hour = re.match(r"hour (\d+) \(weight", message)
    if path == ("workload", "load_profile") and hour:  # point at the weight itself
        path = (*path, int(hour.group(1)))
    problems.add(path, message[0].lower() + message[1:] if message else "invalid value")


def _known_fields(parent: Path, data: dict[str, Any]) -> list[str]:
    """Field names allowed at `parent`, for "did you mean" hints."""
    model: type[BaseModel] = schema.Scenario
    node: Any = data
    for position, part in enumerate(parent):
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None  # type: ignore[index]
        if isinstance(part, int):
            if position == 1 and parent[0] == "options":  # an option: its fields depend on its kind
                kind = node.get("kind") if isinstance(node, dict) else None
                model = _OPTION_MODELS.get(str(kind), schema.ApiOption)
            continue
        annotation = model.model_fields[str(part)].annotation if str(part) in model.model_fields else None
        found = model_in(annotation)
        if found is None:
            return []
        model = found
    return list(model.model_fields)


def _has(node: dict[str, Any] | list[Any], part: str | int) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field's annotation holds (itself, or inside a union or a list), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def _check_relations(data: dict[str, Any], problems: Problems) -> None:
    """Rules that relate fields to each other, checked on the raw data so they join the field errors."""
    workload = data.get("workload")
    if isinstance(workload, dict):
        given_a = [k for k in _FORM_A if workload.get(k) is not None]
        given_b = [k for k in _FORM_B if workload.get(k) is not None]
        if workload.get("monthly_spend") is not None:
            _check_bill_form(given_a, given_b, problems)
        elif given_a and given_b:
            problems.add(("workload", given_b[0]), "give requests (requests_per_day and tokens per request) "
                         "or monthly tokens (input/output_tokens_per_month), not both", key=True)
        elif given_a:
            for missing in (k for k in _FORM_A if k not in given_a):
                problems.add(("workload",), f"{missing} is required with {given_a[0]}")
        elif given_b:
            for missing in (k for k in _FORM_B if k not in given_b):
                problems.add(("workload",), f"{missing} is required with {given_b[0]}")
        else:
            problems.add(("workload",), "give requests_per_day with input_tokens_per_request and "
                         "output_tokens_per_request, or input_tokens_per_month and output_tokens_per_month, "
                         "or monthly_spend (your bill) with input_tokens_per_request and output_tokens_per_request")
        if workload.get("monthly_growth") is not None and workload.get("annual_growth") is not None:
            problems.add(("workload", "annual_growth"), "give monthly_growth or annual_growth, not both", key=True)
        _check_load_profile(workload, problems)

    options = data.get("options")
    if not isinstance(options, list):
        return
    kinds: dict[str, str] = {}
    first_index: dict[str, int] = {}
    # An option whose name is no name (too long, not text) may be the one a reference means: its own
    # problem is reported, and no second one at each reference (a `--set options.X.name=...` that fails).
    unnamed = any(isinstance(option, dict) and not _usable_name(option.get("name")) for option in options)
    for index, option in enumerate(options):
        name = _as_name(option.get("name")) if isinstance(option, dict) else None
        if name is None:
            continue
        if name in first_index:
            problems.add(("options", index, "name"), f"duplicate option name {echoed(name)} "
                         f"(also options[{first_index[name]}])")
        else:
            first_index[name] = index
            kinds[name] = str(option.get("kind"))
    baseline = _as_name(data.get("baseline"))
    if baseline is not None:
        if _named_nothing(baseline, kinds, unnamed):
            problems.add(("baseline",), f"no option is named {echoed(baseline)}{did_you_mean(baseline, kinds, most=1)}")
        elif baseline in kinds and kinds[baseline] != "api":
            problems.add(("baseline",), f"{echoed(baseline)} is not an api option; break-even is measured "
                         "against an API")
    horizon = _number_or_none(data.get("horizon_months", 36))
    routes = _check_mixed_options(options, kinds, problems, unnamed)
    _check_route_cycles(routes, first_index, problems)
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        where: Path = ("options", index)
        if option.get("kind") == "api" and option.get("model") is None and option.get("price") is None:
            problems.add(where, "an api option needs model (a key in pricing/api.yaml) or "
                         "price: {input, output}")
        if option.get("kind") != "self_hosted":
            continue
        acquisition = option.get("acquisition", "rent")
        scaling = option.get("scaling", "fixed")
        if acquisition == "buy" and scaling == "autoscale":
            problems.add((*where, "scaling"), "autoscale applies to rented GPUs only; owned GPUs are "
                         "paid for whether they run or not")
        if 0 in _possible_values(option.get("min_replicas")) and scaling != "autoscale":
            problems.add((*where, "min_replicas"), "0 replicas is only possible with scaling: autoscale "
                         "(scale to zero)")
        fallback = _as_name(option.get("fallback"))
        if fallback is not None:
            if _named_nothing(fallback, kinds, unnamed):
                problems.add((*where, "fallback"),
                             f"no option is named {echoed(fallback)}{did_you_mean(fallback, kinds, most=1)}")
            elif fallback in kinds and kinds[fallback] != "api":
                problems.add((*where, "fallback"), f"{echoed(fallback)} is not an api option")
        go_live = max(_possible_values(option.get("go_live_month")), default=None)
        if go_live is not None and horizon is not None and go_live > horizon:
            problems.add((*where, "go_live_month"), f"month {go_live:g} is after the horizon "
                         f"({horizon:g} months)")


def _check_bill_form(given_a: list[str], given_b: list[str], problems: Problems) -> None:
    """Form C: `monthly_spend` with the tokens of a request, and neither requests nor monthly tokens."""
    if "requests_per_day" in given_a:
        problems.add(("workload", "requests_per_day"), "give monthly_spend or requests_per_day, not both: the "
                     "requests follow from the bill", key=True)
    if given_b:
        problems.add(("workload", given_b[0]), "give monthly_spend or monthly tokens (input/output_tokens_per_month), "
                     "not both: the tokens follow from the bill", key=True)
    for missing in (k for k in _FORM_A[1:] if k not in given_a):
        problems.add(("workload",), f"{missing} is required with monthly_spend")


def _check_load_profile(workload: dict[str, Any], problems: Problems) -> None:
    """A load profile decides the hours and the peak: `active_hours_per_month` must be the whole
    month, and a given `peak_to_average` must agree with the profile's max/mean."""

    given = workload.get("load_profile")
    if given is None:
        return
    try:
        parsed = schema._load_profile(given)
    except ValueError:
        return  # reported by the field's own rule
    weights = NAMED_PROFILES[parsed] if isinstance(parsed, str) else parsed
    derived = peak_to_average(weights)
    peak = _number_or_none(workload.get("peak_to_average"))
    if peak is not None and abs(peak - derived) > PEAK_TOLERANCE * derived:
        problems.add(("workload", "peak_to_average"), f"{peak:g} does not match the load_profile, whose busiest "
                     f"hour is {derived:.4g} times its average (max weight / mean weight); leave "
                     "peak_to_average out to take it from the profile")
    hours = _number_or_none(workload.get("active_hours_per_month"))
    if hours is not None and hours != HOURS_PER_MONTH:
        problems.add(("workload", "active_hours_per_month"), "with a load_profile the profile says when the "
                     "traffic arrives (give quiet hours a weight of 0); leave active_hours_per_month out or "
                     "set it to 730")


def _check_mixed_options(options: list[Any], kinds: dict[str, str], problems: Problems,
                         unnamed: bool = False) -> dict[str, list[str]]:
    """Hybrid and routed options name options of the right kinds; route shares sum to 1.

    Returns the routes of each routed option (option name → the names it routes to), for the cycle check.
    """
    routes: dict[str, list[str]] = {}

    def refer(path: Path, value: Any, want: str | None) -> str | None:
        name = _as_name(value)
        if name is None:
            return None
        if name not in kinds:
            if _named_nothing(name, kinds, unnamed):
                problems.add(path, f"no option is named {echoed(name)}{did_you_mean(name, kinds, most=1)}")
            return None
        if want is not None and kinds[name] != want:
            if kinds[name] not in schema.OPTION_KINDS:  # that option's own kind is reported as wrong
                return None
            problems.add(path, f"{echoed(name)} is {_article(kinds[name])} {kinds[name]} option; this must name "
                                f"{_article(want)} {want} option")
            return None
        return name

    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        where: Path = ("options", index)
        own = _as_name(option.get("name"))
        if option.get("kind") == "hybrid":
            refer((*where, "self_hosted"), option.get("self_hosted"), "self_hosted")
            refer((*where, "overflow_to"), option.get("overflow_to"), "api")
        if option.get("kind") != "routed" or not isinstance(option.get("routes"), list):
            continue
        targets: list[str] = []
        total = 0.0
        shares_known = True
        for number, route in enumerate(option["routes"]):
            if not isinstance(route, dict):
                shares_known = False
                continue
            path: Path = (*where, "routes", number, "to")
            name = _as_name(route.get("to"))
            if name is not None and name == own:
                problems.add(path, "a routed option cannot route to itself")
            elif name in targets:
                problems.add(path, f"routes to {echoed(name)} twice; give it one route with the shares added")
            else:
                target = refer(path, route.get("to"), None)
                if target is not None:
                    targets.append(target)
            share = _number_or_none(route.get("share"), percent=True)
            if share is None:
                shares_known = False
            else:
                total += share
        if own is not None:
            routes[own] = targets
        if shares_known and option["routes"] and abs(total - 1) > ROUTE_SHARE_TOLERANCE:
            problems.add((*where, "routes"), f"the route shares add up to {total * 100:.6g}%; they must "
                         "add up to 1 (100%)", key=True)
    return routes


def _check_route_cycles(routes: dict[str, list[str]], first_index: dict[str, int], problems: Problems) -> None:
    """A routed option may route to another routed option, but never back to itself through others."""
    reported: set[frozenset[str]] = set()
    for start in routes:
        trail = [start]
        stack = [(start, iter(routes.get(start, [])))]
        while stack:
            _name, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                trail.pop()
                continue
            if following == start:
                cycle = frozenset(trail)
                if cycle not in reported:
                    reported.add(cycle)
                    loop = " -> ".join([*trail, start])
                    problems.add(("options", first_index[start], "routes"), f"the routes form a cycle: {loop}",
                                 key=True)
                continue
            if following in routes and following not in trail:
                trail.append(following)
                stack.append((following, iter(routes[following])))


def _article(word: str) -> str:
    return "an" if word[:1] in tuple("aeiou") else "a"


def _as_name(value: Any) -> str | None:
    """A name as the schema reads it: text, or a number taken as text (`baseline: 2027`)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return str(value)
    except ValueError:  # an integer of more digits than Python turns into text: its own error says so
        return None


def _usable_name(value: Any) -> bool:
    name = _as_name(value)
    return name is not None and 0 < len(name) <= schema.MAX_NAME_CHARACTERS


def _named_nothing(name: str, kinds: dict[str, str], unnamed: bool) -> bool:
    """Whether a reference to `name` is to be reported as naming no option: not when some option's own
    name is no name (it may be the one meant), nor when `name` is too long to be one (its field says so)."""
    return name not in kinds and not unnamed and len(name) <= schema.MAX_NAME_CHARACTERS


def _possible_values(value: Any) -> list[float]:
    """The number, or a range's ends and choices, for rules across fields; [] if unreadable."""
    if isinstance(value, dict):
        given = [value.get(k) for k in ("low", "high", "median", "p90")]
        if isinstance(value.get("choices"), list):
            given.extend(value["choices"])
        found = [_number_or_none(v) for v in given]
        return [v for v in found if v is not None]
    number = _number_or_none(value)
    return [] if number is None else [number]


def _number_or_none(value: Any, *, percent: bool = False) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return parse_number(value, percent=percent)
    except ValueError:
        return None

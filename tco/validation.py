"""Checking a scenario's data: field rules through the pydantic schema, rules across fields by hand.

Every problem is collected (none stops the search for the next), located by line and column in
the file, or attributed to the `--set` argument that introduced it.
"""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from tco import schema
from tco.errors import Problem, TcoError, did_you_mean
from tco.quantities import parse_number
from tco.ranges import RangeError
from tco.yamlsource import Path, YamlDocument, format_path

_FORM_A = ("requests_per_day", "input_tokens_per_request", "output_tokens_per_request")
_FORM_B = ("input_tokens_per_month", "output_tokens_per_month")


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
    if len(loc) > 2 and loc[0] == "options" and loc[2] in ("api", "self_hosted"):
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
            problems.add((*path, "kind"), f"must be 'api' or 'self_hosted' (got {error['ctx']['tag']!r})")
        else:
            problems.add(path, "missing kind: 'api' or 'self_hosted'")
        return
    if kind == "literal_error":
        problems.add(path, f"must be {error['ctx']['expected']} (got {given!r})")
        return
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        problems.add(path, f"expected a mapping of fields, got {_describe(given)}")
        return
    if kind == "list_type":
        problems.add(path, f"expected a list, got {_describe(given)}")
        return
    if kind == "too_short":
        problems.add(path, "must not be empty" if path != ("options",) else "at least one option is needed")
        return
    if kind in ("string_type", "string_too_short"):
        problems.add(path, "must be non-empty text" if kind == "string_too_short" else
                     f"expected text, got {_describe(given)}")
        return
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, RangeError):  # a problem inside a range: point at its key
        path = (*path, *cause.key)
    message = str(error["msg"]).removeprefix("Value error, ")
    problems.add(path, message[0].lower() + message[1:] if message else "invalid value")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value) if isinstance(value, str) else type(value).__name__


def _known_fields(parent: Path, data: dict[str, Any]) -> list[str]:
    """Field names allowed at `parent`, for "did you mean" hints."""
    model: type[BaseModel] = schema.Scenario
    node: Any = data
    for part in parent:
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None  # type: ignore[index]
        if isinstance(part, int):
            kind = node.get("kind") if isinstance(node, dict) else None
            model = schema.SelfHostedOption if kind == "self_hosted" else schema.ApiOption
            continue
        annotation = model.model_fields[str(part)].annotation if str(part) in model.model_fields else None
        found = _model_in(annotation)
        if found is None:
            return []
        model = found
    return list(model.model_fields)


def _has(node: dict[str, Any] | list[Any], part: str | int) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    if get_origin(annotation) is not None:
        return None
    return None


def _check_relations(data: dict[str, Any], problems: Problems) -> None:
    """Rules that relate fields to each other, checked on the raw data so they join the field errors."""
    workload = data.get("workload")
    if isinstance(workload, dict):
        given_a = [k for k in _FORM_A if workload.get(k) is not None]
        given_b = [k for k in _FORM_B if workload.get(k) is not None]
        if given_a and given_b:
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
                         "output_tokens_per_request, or input_tokens_per_month and output_tokens_per_month")
        if workload.get("monthly_growth") is not None and workload.get("annual_growth") is not None:
            problems.add(("workload", "annual_growth"), "give monthly_growth or annual_growth, not both", key=True)

    options = data.get("options")
    if not isinstance(options, list):
        return
    kinds: dict[str, str] = {}
    first_index: dict[str, int] = {}
    for index, option in enumerate(options):
        if not isinstance(option, dict) or not isinstance(option.get("name"), str | int | float):
            continue
        name = str(option["name"])
        if name in first_index:
            problems.add(("options", index, "name"), f"duplicate option name {name!r} "
                         f"(also options[{first_index[name]}])")
        else:
            first_index[name] = index
            kinds[name] = str(option.get("kind"))
    baseline = _as_name(data.get("baseline"))
    if baseline is not None:
        if baseline not in kinds:
            problems.add(("baseline",), f"no option is named {baseline!r}{did_you_mean(baseline, kinds, most=1)}")
        elif kinds[baseline] != "api":
            problems.add(("baseline",), f"{baseline!r} is not an api option; break-even is measured "
                         "against an API")
    horizon = _number_or_none(data.get("horizon_months", 36))
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
            if fallback not in kinds:
                problems.add((*where, "fallback"),
                             f"no option is named {fallback!r}{did_you_mean(fallback, kinds, most=1)}")
            elif kinds[fallback] != "api":
                problems.add((*where, "fallback"), f"{fallback!r} is not an api option")
        go_live = max(_possible_values(option.get("go_live_month")), default=None)
        if go_live is not None and horizon is not None and go_live > horizon:
            problems.add((*where, "go_live_month"), f"month {go_live:g} is after the horizon "
                         f"({horizon:g} months)")


def _as_name(value: Any) -> str | None:
    """A name as the schema reads it: text, or a number taken as text (`baseline: 2027`)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def _possible_values(value: Any) -> list[float]:
    """The number, or a range's ends and choices (issue 5), for rules across fields; [] if unreadable."""
    if isinstance(value, dict):
        given = [value.get(k) for k in ("low", "high", "median", "p90")]
        if isinstance(value.get("choices"), list):
            given.extend(value["choices"])
        found = [_number_or_none(v) for v in given]
        return [v for v in found if v is not None]
    number = _number_or_none(value)
    return [] if number is None else [number]


def _number_or_none(value: Any) -> float | None:
    try:
        return None if value is None else parse_number(value)
    except ValueError:
        return None

"""The pricing tables' schema (docs/pricing.md): one pydantic model per table, each field with its rule.

Numbers follow the scenario file's `Number` rules (`tco.load.schema`): the same spellings (2.5M, 750K,
1e9, 15% for shares) and the same messages. Every field may be left out, since a user's entry overlays
the bundled one field by field: which fields an entry needs is for the code that uses it to say (the
capacity model's, `tco.capacity.model`). A field written as null is an error, except where the table
allows it (a GPU without FP8 or FP4 units).

`validate_entry` validates one entry and, when it is wrong, says what is wrong with each field, so that
`tco.pricing.catalog` can point at the line of each in the file, `tco pricing set` at the argument
that set it, and an import at the record it came from.

Annotations here are evaluated as the classes are made, not postponed: pydantic would otherwise compile
each one from its text, which costs `tco compare` more than the rest of this module.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal, NamedTuple, get_args

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from tco.errors import described, did_you_mean, echoed
from tco.load.numbers import Number


class Rule:
    """A table field's rule other than a number's: `check` converts a value as the tables read it or raises
    ValueError with a message for the person editing the file. (Plain classes, not dataclasses: those
    cost more to make than everything else here.)"""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return self.json_schema(handler)


class Nullable(Rule):
    """A number that may also be written as null (a GPU's fp8_tflops where it has no FP8 units)."""

    def __init__(self, rule: Number) -> None:
        self.rule = rule

    def check(self, value: Any) -> Any:
        return None if value is None else self.rule.check_number(value)

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        number = self.rule.__get_pydantic_json_schema__(core_schema.any_schema(), handler)
        return {"anyOf": [*number["anyOf"], {"type": "null"}], "description": f"{self.rule.description}, or null"}


class Text(Rule):
    """Text; a number written where text belongs is read as its text. As in a scenario, anything else
    (`true`, `null`, a date, a mapping, a list, however tagged) is an error, not the text `True`."""

    def check(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"expected text, got {described(value)}")
        return str(value)

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": ["string", "number"]}


class Day(Rule):
    """A date, YYYY-MM-DD; a timestamp counts by its day (the day is what ages a price)."""

    def check(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{echoed(value)} is not a date; write YYYY-MM-DD") from None

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "description": "YYYY-MM-DD"}


class Choice(Rule):
    """One of a few words."""

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def check(self, value: Any) -> str:
        if str(value) not in self.choices:
            raise ValueError(f"{echoed(value)} is not one of {', '.join(self.choices)}"
                             f"{did_you_mean(str(value), self.choices, most=1)}")
        return str(value)

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"enum": list(self.choices)}


# models.yaml `attention`: the layouts the capacity model knows, joined by "+" (docs/capacity.md).
ATTENTION_LAYOUTS = ("gqa", "mla")
ATTENTION_PARTS = ("sliding_window", "sinks")


class AttentionLayout(Rule):
    """An attention layout the capacity model knows: gqa or mla, then any of +sliding_window, +sinks."""

    def check(self, value: Any) -> str:
        parts = str(value).split("+")
        if parts[0] not in ATTENTION_LAYOUTS or any(part not in ATTENTION_PARTS for part in parts[1:]):
            raise ValueError(f"{echoed(value)} is not an attention layout the capacity model knows: "
                             f"{' or '.join(ATTENTION_LAYOUTS)}, then any of "
                             f"{', '.join('+' + part for part in ATTENTION_PARTS)} (e.g. gqa+sliding_window+sinks)")
        return str(value)

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "pattern": rf"^({'|'.join(ATTENTION_LAYOUTS)})(\+({'|'.join(ATTENTION_PARTS)}))*$"}


class Rents(Rule):
    """Cloud name -> price per GPU-hour, each above 0."""

    def __init__(self, price: Number) -> None:
        self.price = price

    def check(self, value: Any) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of cloud name to price per GPU-hour")
        rents: dict[str, float] = {}
        for cloud, price in value.items():
            try:
                rents[str(cloud)] = float(self.price.check_number(price))
            except ValueError as exc:
                raise ValueError(f"{cloud}: {exc}") from None
        return rents

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        price = self.price.__get_pydantic_json_schema__(core_schema.any_schema(), handler)
        return {"type": "object", "additionalProperties": price, "description": "cloud -> USD per GPU-hour"}


class Citations(Rule):
    """Field name -> the citation of that field's figure, where it differs from the entry's `source`."""

    def check(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of field name to citation")
        return {str(k): str(v) for k, v in value.items()}

    def json_schema(self, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "object", "additionalProperties": {"type": ["string", "number"]}}


def _number(description: str, **rule: Any) -> Number:
    """A table's number: a single value (tables take no ranges); a negative one is refused by its bound alone."""
    return Number(description, ranged=False, what=None, **rule)


Figure = Annotated[float | None, _number("a number, at least 0; text like 2.5M or 750K allowed", minimum=0)]
Positive = Annotated[float | None, _number("a number above 0; text like 2.5M or 750K allowed", exclusive_minimum=0)]
FigureOrNull = Annotated[float | None, Nullable(_number("a number, at least 0", minimum=0))]
Count = Annotated[int | None, _number("a whole number, at least 0; text like 128K allowed", whole=True, minimum=0)]
PositiveCount = Annotated[int | None, _number("a whole number, at least 1", whole=True, minimum=1)]
Share = Annotated[float | None, _number("a share from 0 to 1, or a percentage such as 15%", percent=True, minimum=0,
                                        maximum=1, bounds="a share from 0 to 1")]
Words = Annotated[str | None, Text()]
Date = Annotated[dt.date | None, Day()]
Sources = Annotated[dict[str, str] | None, Citations()]
MemoryUnit = Literal["GB", "GiB"]
ExpertPrecision = Literal["mxfp4", "int4"]
Parallelism = Literal["tp", "tep", "dep"]
Engine = Literal["vllm", "sglang", "trtllm"]


class TableFields(BaseModel):
    """The fields of one entry of a pricing table, validated; a field left out is None.

    Built when first used (`defer_build`): a run pays only for the tables it reads.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# Each table lists its own fields, in the order the table's header documents them, the provenance last.
class ApiFields(TableFields):
    """api.yaml: USD per 1M tokens, by provider/model."""

    input: Figure = None
    output: Figure = None
    cached_input: Figure = None
    batch_discount: Share = None
    training: Figure = None
    source: Words = None
    as_of: Date = None
    notes: Words = None
    sources: Sources = None


class GpuFields(TableFields):
    """gpus.yaml: a GPU's specs, power, purchase and rental prices."""

    name: Words = None
    memory_gb: Positive = None
    memory_unit: Annotated[MemoryUnit | None, Choice(get_args(MemoryUnit))] = None
    bandwidth_tb_s: Positive = None
    bf16_tflops: Positive = None
    fp8_tflops: FigureOrNull = None
    fp4_tflops: FigureOrNull = None
    interconnect_gb_s: Figure = None
    watts: Figure = None
    tdp_watts: Figure = None
    achieved_compute_share: Share = None
    achieved_bandwidth_share: Share = None
    purchase_price: Figure = None
    rent_per_hour: Annotated[dict[str, float] | None, Rents(_number("a price above 0", exclusive_minimum=0))] = None
    source: Words = None
    as_of: Date = None
    notes: Words = None
    sources: Sources = None


class ModelFields(TableFields):
    """models.yaml: an open-weights model's architecture.

    The capacity model divides by and counts with these: sizes are whole numbers above 0, and an expert
    format or attention layout it does not know would be sized as something else, so those are refused.
    """

    name: Words = None
    params_b: Positive = None
    active_params_b: Positive = None
    layers: PositiveCount = None
    hidden: PositiveCount = None
    kv_heads: PositiveCount = None
    head_dim: PositiveCount = None
    context: Count = None
    license: Words = None
    attention_heads: PositiveCount = None
    intermediate_size: Count = None
    experts: Count = None
    experts_per_token: Count = None
    shared_experts: Count = None
    vocab_size: Count = None
    kv_bytes_per_token_bf16: Positive = None
    attention: Annotated[str | None, AttentionLayout()] = None
    sliding_window: Count = None
    sliding_window_layers: Count = None
    expert_precision: Annotated[ExpertPrecision | None, Choice(get_args(ExpertPrecision))] = None
    source: Words = None
    as_of: Date = None
    notes: Words = None
    sources: Sources = None


class ThroughputFields(TableFields):
    """throughput.yaml: tokens per second per GPU measured for a model on a GPU at a precision."""

    model: Words = None
    gpu: Words = None
    precision: Words = None
    gpus_per_replica: PositiveCount = None
    parallelism: Annotated[Parallelism | None, Choice(get_args(Parallelism))] = None
    engine: Annotated[Engine | None, Choice(get_args(Engine))] = None
    input_tokens_per_second: Positive = None
    output_tokens_per_second: Positive = None
    input_tokens: Figure = None
    output_tokens: Positive = None
    benchmark: Words = None
    source: Words = None
    as_of: Date = None
    notes: Words = None
    sources: Sources = None


TABLE_MODELS: dict[str, type[TableFields]] = {
    "api": ApiFields, "gpus": GpuFields, "models": ModelFields, "throughput": ThroughputFields,
}


def field_rule(kind: str, name: str) -> Number | Rule:
    """The rule of field `name` of table `kind` (KeyError when the table has no such field)."""
    rule = TABLE_MODELS[kind].model_fields[name].metadata[0]
    assert isinstance(rule, Number | Rule)
    return rule


class FieldProblem(NamedTuple):
    """What is wrong with one field of an entry; `unknown` when the table has no field of that name."""

    field: str
    message: str
    unknown: bool = False


class InvalidEntry(ValueError):
    """An entry some of whose fields break their rules: every problem, in the entry's order."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


def validate_entry(kind: str, values: Mapping[str, Any]) -> TableFields:
    """One entry of table `kind` validated by the table's model; InvalidEntry when any field is wrong."""
    model = TABLE_MODELS[kind]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        found: dict[str, FieldProblem] = {}
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else ""
            if error["type"] == "extra_forbidden":
                hint = did_you_mean(name, model.model_fields, most=1)
                found[name] = FieldProblem(name, f"unknown field in {kind}.yaml{hint}", unknown=True)
            else:
                found[name] = FieldProblem(name, str(error["msg"]).removeprefix("Value error, "))
        in_order = [found.pop(str(name)) for name in values if str(name) in found]
        raise InvalidEntry(in_order + list(found.values())) from None

"""`@frozen` records behave as `@dataclass(frozen=True)` classes do: each behaviour is checked against
a twin class declared with the standard decorator."""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import pickle
import re
import typing
from dataclasses import FrozenInstanceError, InitVar, field
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tco.frozen import frozen


@frozen
class Item:
    category: str
    amount: float
    note: str = ""
    tags: list[str] = field(default_factory=list)
    hidden: int = field(default=0, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class StandardItem:
    category: str
    amount: float
    note: str = ""
    tags: list[str] = field(default_factory=list)
    hidden: int = field(default=0, repr=False, compare=False)


@frozen
class Point:
    x: float
    y: float = 0.0


@dataclasses.dataclass(frozen=True)
class StandardPoint:
    x: float
    y: float = 0.0


@frozen()
class Empty:
    pass


@frozen
class Point3(Point):
    z: float = 0.0


@dataclasses.dataclass(frozen=True)
class StandardSubclass(Point):
    z: float = 0.0


ROOT = Path(__file__).resolve().parents[2]


def test_init_takes_the_same_arguments_as_a_frozen_dataclass() -> None:
    ours, theirs = inspect.signature(Item).parameters, inspect.signature(StandardItem).parameters
    assert [(p.name, p.kind) for p in ours.values()] == [(p.name, p.kind) for p in theirs.values()]
    assert list(ours) == ["category", "amount", "note", "tags", "hidden"]
    assert [p.default for p in ours.values()][:3] == [inspect.Parameter.empty, inspect.Parameter.empty, ""]
    item = Item("gpu", 2.5, tags=["a"])
    assert (item.category, item.amount, item.note, item.tags, item.hidden) == ("gpu", 2.5, "", ["a"], 0)
    with pytest.raises(TypeError):
        Item("gpu")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Item("gpu", 1.0, unknown=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Item("gpu", 1.0, category="api")  # type: ignore[misc]


def test_a_default_factory_makes_a_new_value_for_each_record() -> None:
    first, second = Item("a", 1.0), Item("a", 1.0)
    assert first.tags == [] and first.tags is not second.tags


def test_fields_cannot_be_assigned_deleted_or_added() -> None:
    item = Item("gpu", 1.0)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'amount'"):
        item.amount = 2.0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'amount'"):
        del item.amount  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        item.other = 1  # type: ignore[attr-defined]
    assert item.amount == 1.0


def test_equality_hash_and_repr_match_a_frozen_dataclass() -> None:
    ours, theirs = Point(1.0, 2.0), StandardPoint(1.0, 2.0)
    assert ours == Point(1.0, 2.0) and ours != Point(1.0, 3.0)
    assert hash(ours) == hash(theirs) == hash((1.0, 2.0))
    assert repr(ours) == repr(theirs).replace("StandardPoint", "Point") == "Point(x=1.0, y=2.0)"
    assert ours != theirs and ours != (1.0, 2.0)  # another class is never equal, as with dataclasses
    assert Point.__eq__(ours, theirs) is NotImplemented


def test_fields_left_out_of_compare_and_repr_are_left_out() -> None:
    assert Item("a", 1.0, hidden=1) == Item("a", 1.0, hidden=2)
    assert repr(Item("a", 1.0, hidden=5)) == repr(StandardItem("a", 1.0, hidden=5)).replace("StandardItem", "Item")
    assert "hidden" not in repr(Item("a", 1.0, hidden=5))
    with pytest.raises(TypeError, match="unhashable"):
        hash(Item("a", 1.0))  # a list field: unhashable, as with a frozen dataclass


def test_a_record_without_fields() -> None:
    assert Empty() == Empty() and hash(Empty()) == hash(()) and repr(Empty()) == "Empty()"


def test_dataclass_functions_work_on_records() -> None:
    item = Item("gpu", 1.0, "n", ["t"], 3)
    assert dataclasses.is_dataclass(item)
    assert [f.name for f in dataclasses.fields(item)] == [f.name for f in dataclasses.fields(StandardItem)]
    assert dataclasses.asdict(item) == {"category": "gpu", "amount": 1.0, "note": "n", "tags": ["t"], "hidden": 3}
    assert dataclasses.replace(item, amount=4.0) == Item("gpu", 4.0, "n", ["t"], 3)
    assert Item.__dataclass_params__.frozen and Item.__dataclass_params__.eq  # type: ignore[attr-defined]
    assert Item.__match_args__ == StandardItem.__match_args__
    match Point(1.0, 2.0):
        case Point(x, y):
            assert (x, y) == (1.0, 2.0)


def test_copies_and_pickles_are_equal_records() -> None:
    item = Item("gpu", 1.0, tags=["a"])
    for copied in (copy.copy(item), copy.deepcopy(item), pickle.loads(pickle.dumps(item))):
        assert copied == item and type(copied) is Item


def test_records_subclass_and_are_subclassed_as_frozen_dataclasses_are() -> None:
    assert Point3(1.0, 2.0, 3.0) == Point3(1.0, 2.0, 3.0) and Point3(1.0) != Point(1.0)
    assert repr(Point3(1.0, z=2.0)) == "Point3(x=1.0, y=0.0, z=2.0)"
    with pytest.raises(FrozenInstanceError):
        Point3(1.0).z = 2.0  # type: ignore[misc]
    standard = StandardSubclass(1.0, 2.0, 3.0)
    assert standard == StandardSubclass(1.0, 2.0, 3.0) and hash(standard) == hash((1.0, 2.0, 3.0))
    with pytest.raises(FrozenInstanceError):
        standard.x = 2.0  # type: ignore[misc]


def test_a_class_writing_its_own_methods_keeps_them() -> None:
    @frozen
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name.lower() == self.name.lower()

        def __hash__(self) -> int:
            return hash(self.name.lower())

    assert repr(Named("A")) == "<A>" and Named("A") == Named("a") and hash(Named("A")) == hash(Named("a"))


def test_what_a_record_cannot_declare_is_refused() -> None:
    with pytest.raises(TypeError, match="__setattr__"):
        @frozen
        class Settable:
            x: int

            def __setattr__(self, name: str, value: object) -> None:
                pass

    with pytest.raises(TypeError, match="init=False"):
        @frozen
        class Derived:
            x: int
            y: int = field(init=False, default=0)

    with pytest.raises(TypeError, match="kw_only"):
        @frozen
        class KeywordOnly:
            x: int = field(kw_only=True)

    with pytest.raises(TypeError, match="__post_init__"):
        @frozen
        class Checked:
            x: int

            def __post_init__(self) -> None:
                pass


@given(st.text(), st.floats(allow_nan=False), st.text(), st.text(), st.floats(allow_nan=False))
def test_equality_and_hash_agree_with_a_frozen_dataclass(c1: str, a1: float, c2: str, n: str, a2: float) -> None:
    ours = (Point(a1, a2), Point(a2, a1), Item(c1, a1, n, []), Item(c2, a1, n, []))
    theirs = (StandardPoint(a1, a2), StandardPoint(a2, a1), StandardItem(c1, a1, n, []), StandardItem(c2, a1, n, []))
    for i, j in [(0, 1), (2, 3)]:
        assert (ours[i] == ours[j]) == (theirs[i] == theirs[j])
    assert (hash(ours[0]) == hash(ours[1])) == (hash(theirs[0]) == hash(theirs[1]))
    assert hash(ours[0]) == hash(theirs[0])


def test_tco_declares_its_immutable_records_with_frozen() -> None:
    """`@dataclass(frozen=True)` compiles six functions a class where `@frozen` compiles one; the records
    on the path of `tco compare` are half its start-up otherwise (tco/frozen.py)."""
    declared = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "tco").rglob("*.py"))
                for number, line in enumerate(path.read_text().splitlines(), start=1)
                if re.match(r"\s*@(dataclasses\.)?dataclass\(.*frozen=True", line)]
    assert declared == []


def test_an_undocumented_record_is_described_by_its_fields_as_a_dataclass_is() -> None:
    @frozen
    class Bare:
        x: int
        y: str = "a"

    @dataclasses.dataclass(frozen=True)
    class StandardBare:
        x: int
        y: str = "a"

    assert Bare.__doc__ == (StandardBare.__doc__ or "").replace("StandardBare", "Bare")
    assert Bare.__doc__ == "Bare(x: 'int', y: 'str' = 'a')"


class _Slotted:
    __slots__ = ("x",)


@frozen
class SlottedRecord(_Slotted):
    """A record with a field behind a data descriptor: the slot `x` of its base class."""

    x: int
    y: int = 0


def test_a_field_behind_a_descriptor_is_set_through_it() -> None:
    """Such a field is set as `object.__setattr__` sets it, through the descriptor, not into the
    instance's `__dict__`."""
    record = SlottedRecord(1, 2)
    assert record.x == 1 and "x" not in record.__dict__ and record.__dict__ == {"y": 2}
    assert record == SlottedRecord(1, 2) and record != SlottedRecord(2, 2)


def test_a_field_may_be_named_self_but_not_like_the_generated_init_s_own_names() -> None:
    @frozen
    class Selfish:
        self: int
        other: str = "a"

    assert Selfish(self=1) == Selfish(1, "a") and repr(Selfish(2)) == f"{Selfish.__qualname__}(self=2, other='a')"
    with pytest.raises(TypeError, match="cannot be named '__frozen_state__'"):
        @frozen
        class Clash:
            __frozen_state__: int


def test_replace_copies_a_record_as_dataclasses_replace_does() -> None:
    from tco.frozen import replace

    item = Item("gpu", 1.0, "n", ["t"], 3)
    assert replace(item, amount=2.0) == dataclasses.replace(item, amount=2.0)
    assert replace(item, amount=2.0).hidden == 3 and replace(item) == item and replace(item) is not item
    with pytest.raises(TypeError, match="unexpected keyword argument 'amount_usd'"):
        replace(item, amount_usd=2.0)
    with pytest.raises(FrozenInstanceError):
        replace(item, amount=2.0).amount = 3.0  # type: ignore[misc]
    assert replace(StandardPoint(1.0), y=2.0) == StandardPoint(1.0, 2.0)  # any dataclass
    assert replace(StandardSubclass(1.0), z=2.0) == StandardSubclass(1.0, 0.0, 2.0)  # a dataclass subclassing one
    assert replace(SlottedRecord(1, 2), y=3) == SlottedRecord(1, 3)


def test_a_class_s_own_init_is_kept_and_replace_goes_through_it() -> None:
    from tco.frozen import replace

    @frozen
    class Doubled:
        x: int

        def __init__(self, x: int) -> None:
            object.__setattr__(self, "x", x * 2)

    assert Doubled(3).x == 6
    assert replace(Doubled(3), x=5).x == 10 == dataclasses.replace(Doubled(3), x=5).x


def test_a_plain_subclass_may_hold_attributes_of_its_own_but_not_change_fields() -> None:
    class Labelled(Point):
        def __init__(self, x: float, label: str) -> None:
            super().__init__(x)
            self.label = label

    labelled = Labelled(1.0, "a")
    labelled.label = "b"
    del labelled.label
    assert labelled == Labelled(1.0, "c")  # as for a dataclass: its own attributes are not compared
    with pytest.raises(FrozenInstanceError):
        labelled.x = 2.0
    with pytest.raises(FrozenInstanceError):
        Point(1.0).label = "a"  # type: ignore[attr-defined]


def test_a_record_that_contains_itself_has_a_repr() -> None:
    @frozen
    class Node:
        items: list[object]

    node = Node([])
    node.items.append(node)
    assert repr(node) == f"{Node.__qualname__}(items=[...])"
    loop = Point(1.0)
    object.__setattr__(loop, "y", loop)
    assert repr(loop) == "Point(x=1.0, y=...)"


def test_replace_copies_fields_only() -> None:
    from tco.frozen import replace

    @frozen
    class Cached:
        x: int
        LIMIT: typing.ClassVar[int] = 3

        @functools.cached_property
        def double(self) -> int:
            return self.x * 2

    cached = Cached(1)
    assert cached.double == 2
    object.__setattr__(cached, "note", "kept out")
    copied = replace(cached, x=5)
    assert copied.double == 10 and not hasattr(copied, "note") and copied.__dict__ == {"x": 5, "double": 10}
    with pytest.raises(TypeError, match="unexpected keyword argument 'LIMIT'"):
        replace(cached, LIMIT=9)


@frozen
class Priced:
    """String annotations that name this module's imports."""

    amount: Decimal
    tags: list[str] = field(default_factory=list)


def test_init_resolves_its_annotations_in_the_module_and_shows_factory_defaults() -> None:
    assert typing.get_type_hints(Priced.__init__) == {"amount": Decimal, "tags": list[str], "return": type(None)}
    assert "tags: 'list[str]' = <factory>" in str(inspect.signature(StandardItem))
    assert str(inspect.signature(Priced)) == "(amount: 'Decimal', tags: 'list[str]' = <factory>) -> None"


def test_a_class_of_slots_constructs() -> None:
    @frozen
    class Slots:
        __slots__ = ("x", "y")
        x: int
        y: int

    assert Slots(1, 2) == Slots(1, 2) and Slots(1, 2).y == 2 and not hasattr(Slots(1, 2), "__dict__")
    from tco.frozen import replace
    assert replace(Slots(1, 2), y=3) == Slots(1, 3)


def test_what_a_dataclass_refuses_or_init_would_skip_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'y' follows default argument 'x'"):
        @frozen
        class Ordered:
            x: int = 0
            y: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="InitVar"):
        @frozen
        class Initialised:
            x: int
            seed: InitVar[int]

    @dataclasses.dataclass
    class Mutable:
        x: int

    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen one"):
        @frozen
        class Frozen(Mutable):
            y: int = 0


def test_defaults_are_ordered_even_when_the_class_writes_its_own_init() -> None:
    with pytest.raises(TypeError, match="non-default argument 'y' follows default argument 'x'"):
        @frozen
        class Ordered:
            x: int = 1
            y: int  # type: ignore[misc]

            def __init__(self) -> None:
                object.__setattr__(self, "y", 2)


def test_replace_goes_through_a_metaclass_call_and_reports_a_deleted_field() -> None:
    from tco.frozen import replace

    calls: list[object] = []

    class Counting(type):
        def __call__(cls, *args: object, **kwargs: object) -> object:
            calls.append(args or kwargs)
            return super().__call__(*args, **kwargs)

    @frozen
    class Counted(metaclass=Counting):
        x: int

    assert replace(Counted(1), x=2) == Counted(2) and len(calls) == 3

    broken = Item("gpu", 1.0)
    object.__delattr__(broken, "amount")  # behind the record's back: as dataclasses.replace says
    with pytest.raises(AttributeError, match="amount"):
        replace(broken, note="n")
    defaulted = Point(1.0, 2.0)
    object.__delattr__(defaulted, "y")  # the class's default shows through, for both
    assert replace(defaulted, x=3.0) == dataclasses.replace(defaulted, x=3.0) == Point(3.0, 0.0)


def test_an_init_renamed_from_a_shared_template_is_the_dataclass_s() -> None:
    """Records without a default factory get an `__init__` renamed from code compiled once for each
    number of fields: same signature, messages, module and annotations as a dataclass's own."""
    @frozen
    class Three:
        a: int
        b: Decimal
        c: str = "c"

    @dataclasses.dataclass(frozen=True)
    class StandardThree:
        a: int
        b: Decimal
        c: str = "c"

    assert str(inspect.signature(Three)) == str(inspect.signature(StandardThree))
    assert typing.get_type_hints(Three.__init__) == typing.get_type_hints(StandardThree.__init__)
    assert Three.__init__.__module__ == StandardThree.__init__.__module__ == __name__
    assert Three.__init__.__qualname__.endswith("Three.__init__")
    assert vars(Three(1, Decimal(2))) == {"a": 1, "b": Decimal(2), "c": "c"}
    assert Three(b=Decimal(2), a=1, c="x") == Three(1, Decimal(2), "x")
    for call in (lambda cls: cls(1), lambda cls: cls(1, 2, 3, 4), lambda cls: cls(1, 2, d=4),
                 lambda cls: cls(1, 2, a=1)):
        with pytest.raises(TypeError) as ours:
            call(Three)
        with pytest.raises(TypeError) as theirs:
            call(StandardThree)
        assert str(ours.value).replace("Three", "StandardThree") == str(theirs.value)
    assert Point.__init__.__code__ is not Three.__init__.__code__
    assert "test_frozen" in Three.__init__.__code__.co_filename and Point(1.0).y == 0.0 and Empty() == Empty()


def test_a_record_of_no_fields_and_no_dict_constructs_and_a_field_no_parameter_can_be_is_refused() -> None:
    @frozen
    class Nothing:
        __slots__ = ()

    assert Nothing() == Nothing() and not hasattr(Nothing(), "__dict__")

    class Odd:
        __annotations__ = {"class": int}

    with pytest.raises(SyntaxError):
        frozen(Odd)
    with pytest.raises(SyntaxError):
        dataclasses.dataclass(frozen=True)(type("Odd", (), {"__annotations__": {"class": int}}))

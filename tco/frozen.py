"""`@frozen`: the immutable records tco's inputs, results and assumptions are made of.

A `@frozen` class is a standard dataclass, as `@dataclass(frozen=True)` makes it: `dataclasses.fields`,
`replace`, `asdict` and `match` work on it, assigning or deleting a field raises `FrozenInstanceError`,
two records are equal when their classes are the same and their compared fields are equal, they hash
as the tuple of those fields (as a frozen dataclass does), and the repr lists the repr'd fields.
Type checkers read it as `@dataclass(frozen=True)` (`dataclass_transform`).

Why not `@dataclass(frozen=True)` itself: it compiles six functions for every class (`__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`), about half a millisecond a class,
and `tco compare` defines some sixty records before it prints a line; that was a quarter of its own
start-up. Here only `__init__` is compiled per class (it must be as fast as a dataclass's: the engine
builds tens of thousands of line items); the other five are shared functions, the same for every
record.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

C = TypeVar("C", bound=type)
R = TypeVar("R")

_NO_DEFAULT = dataclasses.MISSING
_DEFAULT_FROM_FACTORY = object()  # an __init__ argument not given, for a field with a default_factory


def _setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = self.__class__.__frozen_compared__
    return compared(self) == compared(other)


def _hash(self: Any) -> int:
    return hash(self.__class__.__frozen_hashed__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__class__.__frozen_shown__)
    return f"{self.__class__.__qualname__}({shown})"


def _fields_getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function returning the tuple of these fields of a record (the empty tuple for none)."""
    if not names:
        return lambda record: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return attrgetter(*names)


def _behind_descriptor(cls: type, name: str) -> bool:
    """Whether the class has a data descriptor (a slot, a property) named `name`."""
    return hasattr(type(inspect.getattr_static(cls, name, None)), "__set__")


def _init(cls: type, fields: list[dataclasses.Field[Any]]) -> Callable[..., None]:
    """The class's `__init__`, as `@dataclass(frozen=True)` writes it: every field a parameter in
    order, defaults and default factories applied, each value stored past the frozen `__setattr__`
    (straight into the instance's `__dict__`, which is where `object.__setattr__` puts it and twice
    as fast, unless the class has a descriptor of that name)."""
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_FROM_FACTORY": _DEFAULT_FROM_FACTORY}
    parameters, body = ["self"], ["  _state = self.__dict__"]
    for field in fields:
        name = field.name
        if name in ("self", "_state", "_set", "_FROM_FACTORY") or name.startswith(("_default_", "_factory_")):
            raise TypeError(f"@frozen class {cls.__qualname__}: a field cannot be named {name!r}")
        if field.default is not _NO_DEFAULT:
            namespace[f"_default_{name}"] = field.default
            parameters.append(f"{name}=_default_{name}")
        elif field.default_factory is not _NO_DEFAULT:
            namespace[f"_factory_{name}"] = field.default_factory
            parameters.append(f"{name}=_FROM_FACTORY")
            body.append(f"  if {name} is _FROM_FACTORY: {name} = _factory_{name}()")
        else:
            parameters.append(name)
        if _behind_descriptor(cls, name):
            body.append(f"  _set(self, {name!r}, {name})")
        else:
            body.append(f"  _state[{name!r}] = {name}")
    source = f"def __init__({', '.join(parameters)}):\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<frozen {cls.__module__}.{cls.__qualname__}.__init__>", "exec"), namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {field.name: field.type for field in fields} | {"return": None}
    return init


def _make_frozen(cls: C) -> C:
    if any(name in cls.__dict__ for name in ("__setattr__", "__delattr__")):
        raise TypeError(f"@frozen class {cls.__qualname__} cannot define __setattr__ or __delattr__")
    # Collect the fields only (in place). dataclasses refuses a non-frozen subclass of a frozen
    # dataclass, so a subclass of a record is declared frozen here, which costs it two compiled
    # functions, replaced below by the shared ones.
    frozen_base = any(getattr(getattr(base, "__dataclass_params__", None), "frozen", False) for base in cls.__mro__[1:])
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:
        # dataclasses describes an undocumented class by its __init__'s signature, here still object's,
        # which inspect reads by tokenizing its text signature: 5 ms for the first, and wrong. Below,
        # once the class has its own __init__, it gets the description a dataclass gets.
        cls.__doc__ = cls.__name__
    dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=frozen_base)
    fields = dataclasses.fields(cls)
    # What the generated __init__ does not do, refused rather than silently skipped.
    if any(not field.init or field.kw_only for field in fields):
        raise TypeError(f"@frozen class {cls.__qualname__}: every field is a positional __init__ parameter "
                        "(no init=False, no kw_only)")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"@frozen class {cls.__qualname__}: no __post_init__ (a record holds what it is given)")
    cls.__init__ = _init(cls, list(fields))  # type: ignore[misc]
    if not documented:
        cls.__doc__ = f"{cls.__name__}{inspect.signature(cls)}".replace(" -> None", "")
    cls.__setattr__ = _setattr  # type: ignore[assignment,method-assign]
    cls.__delattr__ = _delattr  # type: ignore[assignment,method-assign]
    cls.__frozen_compared__ = _fields_getter([f.name for f in fields if f.compare])  # type: ignore[attr-defined]
    cls.__frozen_hashed__ = _fields_getter([f.name for f in fields  # type: ignore[attr-defined]
                                            if (f.compare if f.hash is None else f.hash)])
    cls.__frozen_shown__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    # Whether every field lives in the instance's __dict__, so that `replace` may copy it.
    cls.__frozen_in_dict__ = not any(_behind_descriptor(cls, f.name) for f in fields)  # type: ignore[attr-defined]
    # As dataclasses do: a __repr__, __eq__ or __hash__ the class writes itself wins (a class that
    # writes only __eq__ has __hash__ None from Python, which is not its own, and gets the shared one).
    own_eq = "__eq__" in cls.__dict__
    own_hash = "__hash__" in cls.__dict__ and not (cls.__dict__["__hash__"] is None and own_eq)
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
    if not own_eq:
        cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
    if not own_hash:
        cls.__hash__ = _hash  # type: ignore[assignment,method-assign]
    # What the class now is, as `dataclasses` records it: so that `@dataclass(frozen=True)` may
    # subclass a record, as it may a frozen dataclass, and introspection tells the truth.
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init = params.repr = params.eq = params.frozen = True
    return cls


@overload
def frozen(cls: C, /) -> C: ...
@overload
def frozen(cls: None = None, /) -> Callable[[C], C]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen(cls: C | None = None, /) -> C | Callable[[C], C]:
    """Make `cls` an immutable dataclass record (module docstring); `@frozen` and `@frozen()` alike."""
    if cls is None:
        return _make_frozen
    return _make_frozen(cls)


def replace(record: R, /, **changes: Any) -> R:
    """A copy of `record` with `changes` made, as `dataclasses.replace` makes it, five times as fast
    for a `@frozen` record: its fields are copied, not passed through `__init__` again (a record has
    no `__post_init__` and no field outside `__init__`, so the copy is the record `__init__` would
    make). The engine's break-even search replaces a scenario thousands of times. Any other
    dataclass (and a record with a field behind a descriptor) goes to `dataclasses.replace`."""
    cls = type(record)
    if not cls.__dict__.get("__frozen_in_dict__"):
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    for name in changes:
        if name not in cls.__dataclass_fields__:  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument {name!r}")
    copied: R = object.__new__(cls)
    state = copied.__dict__
    state.update(record.__dict__)
    state.update(changes)
    return copied

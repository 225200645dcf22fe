"""`@frozen`: the immutable records tco's inputs, results and assumptions are made of.

A `@frozen` class is a standard dataclass, as `@dataclass(frozen=True)` makes it on Python 3.11:
`dataclasses.fields`, `replace`, `asdict` and `match` work on it; assigning or deleting a field
raises `FrozenInstanceError`; two records are equal when their classes are the same and the
tuples of their compared fields are equal; they hash as that tuple; the repr lists the repr'd
fields; pickle, copy and pydantic treat it as a frozen dataclass; type checkers read it as
`@dataclass(frozen=True)` (`dataclass_transform`); a subclass may be either.

Why not `@dataclass(frozen=True)` itself: it compiles six functions for every class (`__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`), about half a millisecond a class,
and `tco compare` defines some sixty records before it prints a line; that was half of its own
start-up. Here `__init__` is the only function of a class's own (as fast as a dataclass's, or
faster: the engine builds tens of thousands of line items), and it is not compiled either: its code
is compiled once for each number of fields and renamed for each class, a twentieth of the cost
(a class with a default factory or a field behind a descriptor gets its own compiled). The other
five functions are shared by every record, at the price of `==`, `hash` and `repr` about twice as
slow as a dataclass's (tco keys nothing by records, and prints none).

What a record may not have, refused when the class is defined rather than done differently: an
`InitVar`, `__post_init__`, a keyword-only field, a field outside `__init__` (`init=False`), a
non-frozen dataclass base, a field named `__frozen_…` (the generated `__init__`'s own names). Its
own `__init__`, `__repr__`, `__eq__` and `__hash__` win, as with a dataclass. Two differences are
left: a plain subclass that puts a property, slot or other data descriptor over a field does not
have it set by `__init__`, which stores the field in the instance (a descriptor of the record's
own class is honoured); and equality compares tuples, as Python 3.11 and 3.12 do, where 3.13
compares field by field (the same NaN object in both records: equal here, unequal there).
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
import reprlib
import sys
import types
from collections.abc import Callable
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar, dataclass_transform, overload

C = TypeVar("C", bound=type)
R = TypeVar("R")

_NO_DEFAULT = dataclasses.MISSING


class _FromFactory:
    """The default of an `__init__` parameter whose field has a default_factory (shown as a dataclass
    shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FROM_FACTORY = _FromFactory()


class _Record(NamedTuple):
    """What the shared methods need to know of a record's class (its `__frozen__`)."""

    compared: Callable[[Any], tuple[Any, ...]]  # the fields `==` compares, as a tuple
    hashed: Callable[[Any], tuple[Any, ...]]  # the fields `hash` hashes
    shown: tuple[str, ...]  # the fields the repr lists
    fields: frozenset[str]  # every field's name
    # Every field in the instance's __dict__, and no __init__, __new__ or metaclass __call__ of the
    # class's own: `replace` may copy the fields rather than call the class.
    copied_by_dict: bool


def _fixed(self: Any, name: str) -> bool:
    """As a frozen dataclass: a record's fields and attributes are fixed; a plain subclass of one may
    change attributes of its own."""
    cls = type(self)
    return "__frozen__" in cls.__dict__ or name in cls.__frozen__.fields


def _setattr(self: Any, name: str, value: Any) -> None:
    if _fixed(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _delattr(self: Any, name: str) -> None:
    if _fixed(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = self.__class__.__frozen__.compared
    return compared(self) == compared(other)


def _hash(self: Any) -> int:
    return hash(self.__class__.__frozen__.hashed(self))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__class__.__frozen__.shown)
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
    """Whether the class has a data descriptor (a slot, a property) named `name`: what storing the
    attribute on an instance goes through, the first `name` in the class's MRO."""
    for base in cls.__mro__:
        if name in base.__dict__:
            return hasattr(type(base.__dict__[name]), "__set__")
    return False


_TEMPLATES: dict[int, types.CodeType] = {}


def _template(count: int) -> types.CodeType:
    """The code of an `__init__` storing `count` parameters into the instance's `__dict__`, with
    placeholder names: compiled once for each number of fields, then renamed for each class."""
    if count not in _TEMPLATES:
        parameters = "".join(f", __frozen_p{i}__" for i in range(count))
        # No field, nothing stored: a record of no fields may have no __dict__ (`__slots__ = ()`).
        body = "".join(f"\n  __frozen_state__['__frozen_k{i}__'] = __frozen_p{i}__" for i in range(count)) or "\n  pass"
        state = "\n  __frozen_state__ = self.__dict__" if count else ""
        namespace: dict[str, Any] = {}
        exec(compile(f"def __init__(self{parameters}):{state}{body}\n", "<@frozen>", "exec"), {}, namespace)
        _TEMPLATES[count] = namespace["__init__"].__code__
    return _TEMPLATES[count]


def _renamed_init(cls: type, fields: tuple[dataclasses.Field[Any], ...], self_name: str) -> types.FunctionType:
    """`_template(len(fields))` with the fields' names: its parameters and the keys it stores them
    under. Renaming compiled code costs a twentieth of compiling it."""
    code = _template(len(fields))
    names = [field.name for field in fields]
    keys = {f"__frozen_k{i}__": name for i, name in enumerate(names)}
    code = code.replace(co_varnames=(self_name, *names, "__frozen_state__")[:code.co_nlocals],
                        co_consts=tuple(keys.get(c, c) if isinstance(c, str) else c for c in code.co_consts),
                        co_filename=f"<@frozen __init__ of {cls.__module__}.{cls.__qualname__}>",
                        co_qualname=f"{cls.__qualname__}.__init__")
    module = sys.modules.get(cls.__module__)
    defaults = tuple(field.default for field in fields if field.default is not _NO_DEFAULT)
    return types.FunctionType(code, module.__dict__ if module is not None else {}, "__init__", defaults or None)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], behind: frozenset[str]) -> Callable[..., None]:
    """The class's `__init__`, as `@dataclass(frozen=True)` writes it: every field a parameter in
    order, defaults and default factories applied, each value stored past the frozen `__setattr__`
    (straight into the instance's `__dict__`, which is where `object.__setattr__` puts it and twice
    as fast, unless the class has a descriptor of that name: the fields `behind`). Like a
    dataclass's, it runs in the module's globals, so that its string annotations resolve there. It is
    renamed from the shared code for its number of fields (`_renamed_init`), or compiled for the class
    when that code cannot do (`_compiled_init`)."""
    self_name = "__frozen_self__" if any(field.name == "self" for field in fields) else "self"
    for field in fields:
        if field.name.startswith("__frozen_"):
            raise TypeError(f"@frozen class {cls.__qualname__}: a field cannot be named {field.name!r}")
    # The compiled path's source refuses a field name no parameter can have (`class`, `a-b`): SyntaxError.
    if not behind and all(field.default_factory is _NO_DEFAULT and field.name.isidentifier()
                          and not keyword.iskeyword(field.name) for field in fields):
        init: Callable[..., None] = _renamed_init(cls, fields, self_name)
    else:
        init = _compiled_init(cls, fields, behind, self_name)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {field.name: field.type for field in fields} | {"return": None}
    return init


def _compiled_init(cls: type, fields: tuple[dataclasses.Field[Any], ...], behind: frozenset[str],
                   self_name: str) -> Callable[..., None]:
    """An `__init__` compiled for this class alone: with default factories, or fields stored through a
    descriptor."""
    local: dict[str, Any] = {"__frozen_set__": object.__setattr__, "__frozen_from_factory__": _FROM_FACTORY}
    parameters = [self_name]
    # A class whose every field is behind a descriptor (a class of __slots__) may have no __dict__.
    body = [f"  __frozen_state__ = {self_name}.__dict__" if len(behind) < len(fields) else "  pass"]
    for field in fields:
        name = field.name
        if field.default is not _NO_DEFAULT:
            local[f"__frozen_default_{name}__"] = field.default
            parameters.append(f"{name}=__frozen_default_{name}__")
        elif field.default_factory is not _NO_DEFAULT:
            local[f"__frozen_factory_{name}__"] = field.default_factory
            parameters.append(f"{name}=__frozen_from_factory__")
            body.append(f"  if {name} is __frozen_from_factory__: {name} = __frozen_factory_{name}__()")
        else:
            parameters.append(name)
        if name in behind:
            body.append(f"  __frozen_set__({self_name}, {name!r}, {name})")
        else:
            body.append(f"  __frozen_state__[{name!r}] = {name}")
    inner = f" def __init__({', '.join(parameters)}):\n" + "\n".join(f" {line}" for line in body)
    source = f"def __frozen_make_init__({', '.join(local)}):\n{inner}\n return __init__\n"
    module = sys.modules.get(cls.__module__)
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<@frozen __init__ of {cls.__module__}.{cls.__qualname__}>", "exec"),
         module.__dict__ if module is not None else {}, namespace)
    compiled: Callable[..., None] = namespace["__frozen_make_init__"](**local)
    return compiled


def _refuse_what_init_would_skip(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> None:
    name = cls.__qualname__
    defaulted = None
    for field in fields:
        if field.default is not _NO_DEFAULT or field.default_factory is not _NO_DEFAULT:
            defaulted = field.name
        elif defaulted is not None:
            raise TypeError(f"non-default argument {field.name!r} follows default argument {defaulted!r}")
    if any(not field.init or field.kw_only for field in fields):
        raise TypeError(f"@frozen class {name}: every field is a positional __init__ parameter "
                        "(no init=False, no kw_only)")
    initvar = getattr(dataclasses, "_FIELD_INITVAR", None)
    if any(getattr(field, "_field_type", None) is initvar for field in cls.__dataclass_fields__.values()):  # type: ignore[attr-defined]
        raise TypeError(f"@frozen class {name}: no InitVar (a record holds what it is given)")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"@frozen class {name}: no __post_init__ (a record holds what it is given)")


def _make_frozen(cls: C) -> C:
    if any(name in cls.__dict__ for name in ("__setattr__", "__delattr__")):
        raise TypeError(f"@frozen class {cls.__qualname__} cannot define __setattr__ or __delattr__")
    bases = [vars(base)["__dataclass_params__"] for base in cls.__mro__[1:] if "__dataclass_params__" in vars(base)]
    if any(not params.frozen for params in bases):
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:
        # dataclasses describes an undocumented class by its __init__'s signature, here still object's,
        # which inspect reads by tokenizing its text signature: 5 ms for the first, and wrong. Below,
        # once the class has its own __init__, it gets the description a dataclass gets.
        cls.__doc__ = cls.__name__
    # Collect the fields only (in place). dataclasses refuses a non-frozen subclass of a frozen
    # dataclass, so a subclass of a record is declared frozen here, which costs it two compiled
    # functions, replaced below by the shared ones.
    dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=bool(bases))
    fields = dataclasses.fields(cls)
    _refuse_what_init_would_skip(cls, fields)
    behind = frozenset(f.name for f in fields if _behind_descriptor(cls, f.name))
    own_init = "__init__" in cls.__dict__
    if not own_init:
        cls.__init__ = _init(cls, fields, behind)  # type: ignore[misc]
    if not documented:
        cls.__doc__ = f"{cls.__name__}{inspect.signature(cls)}".replace(" -> None", "")
    cls.__setattr__ = _setattr  # type: ignore[assignment,method-assign]
    cls.__delattr__ = _delattr  # type: ignore[assignment,method-assign]
    cls.__frozen__ = _Record(  # type: ignore[attr-defined]
        compared=_fields_getter([f.name for f in fields if f.compare]),
        hashed=_fields_getter([f.name for f in fields if (f.compare if f.hash is None else f.hash)]),
        shown=tuple(f.name for f in fields if f.repr),
        fields=frozenset(f.name for f in fields),
        copied_by_dict=not own_init and not behind and type(cls).__call__ is type.__call__
        and not any("__new__" in vars(base) for base in cls.__mro__[:-1]),
    )
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
    """A copy of `record` with `changes` made, as `dataclasses.replace` makes it, 1.5 to 3 times as
    fast for a `@frozen` record (more for more fields): its fields are copied, not passed through
    `__init__` again (a record has no `__post_init__` and no field outside `__init__`, so the copy
    is the record `__init__` would make). The engine's break-even search replaces a scenario
    thousands of times. Only fields are copied (not a `cached_property`'s value, which the changes
    could make stale). Any other dataclass, a subclass of a record, and a record with a field
    behind a descriptor or its own `__init__`, `__new__` or metaclass `__call__` go to
    `dataclasses.replace`. Type checkers check `dataclasses.replace`'s arguments, not these: the
    engine's calls are covered by its tests."""
    cls = type(record)
    spec = cls.__dict__.get("__frozen__")
    if spec is None or not spec.copied_by_dict:
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    for name in changes:
        if name not in spec.fields:
            raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument {name!r}")
    copied: R = object.__new__(cls)
    state, original = copied.__dict__, record.__dict__
    # As many entries as fields: the fields and nothing else (unless object.__setattr__ and
    # object.__delattr__ both went behind the record's back, which this does not check for speed).
    if len(original) == len(spec.fields):
        state.update(original)
    elif spec.fields <= original.keys():
        state.update({name: original[name] for name in spec.fields})
    else:  # a field deleted behind the record's back: the error dataclasses.replace gives
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    state.update(changes)
    return copied

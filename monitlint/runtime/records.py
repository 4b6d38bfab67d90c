"""How monitlint's data classes are made: :func:`record`, used in place of ``@record``.

A record is a real dataclass (``dataclasses.fields``, ``asdict`` and ``replace`` work on it),
made without the code ``dataclass`` generates and compiles for every class when it is defined:

- ``__init__`` is compiled from the fields when the class is first instantiated, and is the
  one ``dataclass`` would write (``tests/test_records.py`` compares them).  A run uses a few
  dozen of monitlint's ~80 classes;
- ``__eq__``, ``__repr__`` and, for frozen records, ``__hash__``, ``__setattr__`` and
  ``__delattr__`` are shared functions over the fields;
- a record pickles as ``cls(*fields)``: a forked parsing child (see ``monitlint.runtime.parallel``)
  sends its part of the model to the parent that way, half the size and about twice as fast
  as a dict of slots (with a ``__reduce__`` per class, made on first use, that knows the fields).

Compiling those methods for each class when it was defined was a quarter of monitlint's
start-up.  This module is the one place that knows; every other module only says ``@record``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_FACTORY = object()  # the default of an ``__init__`` parameter whose field has a default_factory


class _Layout:
    """What the shared methods of one class need: field names and getters, computed once per class."""

    __slots__ = ("compared", "names", "shown", "values")

    def __init__(self, cls: type) -> None:
        every = fields(cls)
        self.names = tuple(f.name for f in every)
        self.values = _getter(self.names)
        self.shown = tuple(f.name for f in every if f.repr)
        self.compared = _getter(tuple(f.name for f in every if f.compare))


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda obj: ()
    get = operator.attrgetter(*names)
    return get if len(names) > 1 else (lambda obj: (get(obj),))


_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    found = _LAYOUTS.get(cls)
    if found is None:
        found = _LAYOUTS[cls] = _Layout(cls)
    return found


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    # type(self), not the decorated class: a subclass pickles as itself with all of its fields.
    cls = type(self)
    return (cls, _layout(cls).values(self))


def _lazy_reduce(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    """``cls.__reduce__``: on first use, puts in its place one that knows the class's fields.

    A forked parsing child pickles tens of thousands of records; looking their layout up on
    each (as :func:`_reduce` does) made pickling a third slower.  An instance of a subclass
    that is not a record itself pickles through :func:`_reduce`, as itself.
    """

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        values = _layout(cls).values

        def known(self: Any, _cls: type = cls, _values: Callable[[Any], tuple[Any, ...]] = values) -> Any:
            return (_cls, _values(self)) if type(self) is _cls else _reduce(self)

        type.__setattr__(cls, "__reduce__", known)
        return known(self)  # type: ignore[no-any-return]

    return __reduce__


def _eq(self: Any, other: Any) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = _layout(self.__class__).compared
    return bool(compared(self) == compared(other))


def _hash(self: Any) -> int:
    return hash(_layout(self.__class__).compared(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _layout(self.__class__).shown)
    return f"{self.__class__.__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def init_source(cls: type) -> tuple[str, dict[str, Any]]:
    """The source of ``cls.__init__`` (what ``dataclass`` would write) and the names it refers to."""
    frozen = any(base.__dict__.get("__setattr__") is _frozen_setattr for base in cls.__mro__)
    params: list[str] = []
    body: list[str] = []
    names: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            names[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        elif f.default is not MISSING:
            names[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            value = f.name
        elif params and "=" in params[-1]:
            raise TypeError(f"{cls.__qualname__}: non-default argument {f.name!r} follows default argument")
        else:
            params.append(f.name)
            value = f.name
        body.append(f"    _set(self, {f.name!r}, {value})" if frozen else f"    self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"
    return source, names


def build_init(cls: type) -> Callable[..., None]:
    """Compile ``cls.__init__`` from its fields and install it in place of the lazy one."""
    source, names = init_source(cls)
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), names)
    init: Callable[..., None] = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    type.__setattr__(cls, "__init__", init)
    return init


def _lazy_init(cls: type) -> Callable[..., None]:
    """An ``__init__`` that compiles the real one on first use, then hands over to it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        build_init(cls)(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _make(cls: type[T], frozen: bool, slots: bool, eq: bool) -> type[T]:
    made = dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
    # The shared methods replace what dataclass(repr=True, eq=True, frozen=frozen) would generate.
    made.__repr__ = _repr  # type: ignore[assignment,method-assign]
    made.__reduce__ = _lazy_reduce(made)  # type: ignore[assignment,method-assign]
    if eq:
        made.__eq__ = _eq  # type: ignore[assignment,method-assign]
        made.__hash__ = _hash if frozen else None  # type: ignore[assignment,method-assign]
    if frozen:
        made.__setattr__ = _frozen_setattr  # type: ignore[assignment,method-assign]
        made.__delattr__ = _frozen_delattr  # type: ignore[assignment,method-assign]
    made.__init__ = _lazy_init(made)  # type: ignore[method-assign]
    return made


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = False, slots: bool = False, eq: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(
    cls: type[T] | None = None, /, *, frozen: bool = False, slots: bool = False, eq: bool = True
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a dataclass as ``@dataclass(frozen=…, slots=…, eq=…)`` would, more cheaply (see above)."""
    if cls is not None:
        return _make(cls, frozen, slots, eq)
    return lambda klass: _make(klass, frozen, slots, eq)

"""``@frozen``: ``@dataclass(frozen=True)`` at a fraction of the cost of defining the class.

The dataclass decorator writes six methods as source text and compiles each one: about
0.4 ms per class, and a command imports some thirty such classes before it prints anything.
``@frozen`` makes the same class with one compile, of ``__init__`` (so construction is as fast
and its errors are Python's own); ``__repr__``, ``__eq__``, ``__hash__`` and the frozen
``__setattr__`` and ``__delattr__`` are closures over the field names. The fields are the
dataclass's (``dataclasses.fields``, ``replace`` and ``asdict`` work, and a dataclass may
subclass the class), and type checkers read ``@frozen`` as ``@dataclass(frozen=True)``.
A class this shortcut does not cover (``__post_init__``, ``InitVar`` or ``init=False``
fields, a dataclass base, its own ``__setattr__``) gets ``dataclass(frozen=True)`` itself.
tests/test_frozen.py checks both kinds of class behave alike.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Sequence
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen(cls: type[T]) -> type[T]:
    """The class as ``@dataclass(frozen=True)`` makes it (see the module)."""
    if not _covered(cls):
        return dataclass(frozen=True)(cls)
    own = dict(cls.__dict__)
    dataclass(init=False, repr=False, eq=False)(cls)  # the fields, __match_args__
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init = params.repr = params.eq = params.frozen = True  # what the class now is
    every = fields(cls)  # type: ignore[arg-type]
    names = frozenset(f.name for f in every)
    compared = _values([f.name for f in every if f.compare])
    hashed = _values([f.name for f in every if (f.compare if f.hash is None else f.hash)])

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    shown = [f.name for f in every if f.repr]

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({values})"

    methods: dict[str, Callable[..., Any]] = {
        "__init__": _init(cls, every),
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
    }
    for name, method in methods.items():
        if name not in own:
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    if not own.get("__doc__"):  # as the dataclass names an undocumented class
        import inspect

        cls.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    hash_given = own.get("__hash__", MISSING)
    if hash_given is MISSING or (hash_given is None and "__eq__" in own):
        __hash__.__qualname__ = f"{cls.__qualname__}.__hash__"
        cls.__hash__ = __hash__  # type: ignore[method-assign]
    return cls


def _covered(cls: type) -> bool:
    """Whether :func:`frozen` makes ``cls`` itself (else it is left to the dataclass)."""
    own = cls.__dict__
    if "__setattr__" in own or "__delattr__" in own or hasattr(cls, "__post_init__"):
        return False
    if any("__dataclass_fields__" in vars(base) for base in cls.__mro__[1:]):
        return False
    for name, annotation in own.get("__annotations__", {}).items():
        value = own.get(name)
        if "InitVar" in str(annotation) or (isinstance(value, Field) and not value.init):
            return False
    return True


def _values(names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the named attributes (what the dataclass compares and hashes)."""
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


class _Factory:
    """The default of a field made by its factory (shown as the dataclass shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _init(cls: type, every: tuple[Field[Any], ...]) -> Callable[..., None]:
    """``__init__`` as the dataclass writes it: fields in order (``kw_only`` ones after a
    ``*``), a default or a factory where given, each value set past the frozen guard."""
    namespace: dict[str, Any] = {"__set": object.__setattr__, "__factory": _FACTORY}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in every:
        param, value = f.name, f.name
        if f.default is not MISSING:
            namespace[f"__default_{f.name}"] = f.default
            param = f"{f.name}=__default_{f.name}"
        elif f.default_factory is not MISSING:
            namespace[f"__make_{f.name}"] = f.default_factory
            param = f"{f.name}=__factory"
            value = f"__make_{f.name}() if {f.name} is __factory else {f.name}"
        (keyword if f.kw_only else positional).append(param)
        body.append(f"    __set(self, {f.name!r}, {value})\n")
    params = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    exec(f"def __init__({params}):\n{''.join(body) or '    pass'}\n", namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__module__ = cls.__module__
    init.__annotations__ = {**{f.name: f.type for f in every}, "return": None}
    return init

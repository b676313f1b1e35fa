"""``@frozen`` (regtrace/frozen.py) makes the class ``@dataclass(frozen=True)`` makes.

Each check runs on a pair of classes written alike, one per decorator, and asserts the same
answer: construction (and its errors), repr, equality, hash, immutability, the dataclass
functions, pickling, subclassing.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regtrace.frozen import frozen


@frozen
class Quick:
    """Fields of every kind the shortcut covers."""

    a: int
    b: tuple[int, ...] = field(default_factory=tuple)
    c: str = "x"
    hidden: int = field(default=0, repr=False, compare=False)
    k: bool = field(default=False, kw_only=True)
    tag: ClassVar[str] = "t"

    def total(self) -> int:
        return self.a + sum(self.b)


@dataclass(frozen=True)
class Slow:
    """Fields of every kind the shortcut covers."""

    a: int
    b: tuple[int, ...] = field(default_factory=tuple)
    c: str = "x"
    hidden: int = field(default=0, repr=False, compare=False)
    k: bool = field(default=False, kw_only=True)
    tag: ClassVar[str] = "t"

    def total(self) -> int:
        return self.a + sum(self.b)


PAIR = (Quick, Slow)
VALUES = st.fixed_dictionaries(
    {"a": st.integers(), "b": st.lists(st.integers(), max_size=3).map(tuple)},
    optional={"c": st.text(max_size=3), "hidden": st.integers(), "k": st.booleans()},
)


def both(**values: Any) -> tuple[Any, Any]:
    return Quick(**values), Slow(**values)


def named(obj: Any) -> str:
    """``repr`` with the class name made the same."""
    return repr(obj).replace("Quick(", "X(").replace("Slow(", "X(")


@given(VALUES, VALUES)
def test_repr_eq_hash_and_the_dataclass_functions_agree(one: Any, two: Any) -> None:
    q1, s1 = both(**one)
    q2, s2 = both(**two)
    assert named(q1) == named(s1)
    assert (q1 == q2) == (s1 == s2)
    assert hash(q1) == hash(s1)
    assert dataclasses.asdict(q1) == dataclasses.asdict(s1)
    assert dataclasses.replace(q1, a=two["a"]) == Quick(**{**one, "a": two["a"]})
    assert pickle.loads(pickle.dumps(q1)) == q1
    assert copy.deepcopy(q1) == q1 and q1.total() == s1.total()


def test_class_level_facts_agree() -> None:
    assert [f.name for f in dataclasses.fields(Quick)] == [f.name for f in dataclasses.fields(Slow)]
    assert Quick.__match_args__ == Slow.__match_args__ == ("a", "b", "c", "hidden")
    assert Quick.tag == "t"
    assert Quick(1) != Slow(1)  # type: ignore[comparison-overlap]  # another class: never equal
    assert Quick(1, hidden=5) == Quick(1)  # compare=False
    assert Quick(1).b == () and Quick.__init__.__qualname__ == "Quick.__init__"
    assert str(inspect.signature(Quick)) == str(inspect.signature(Slow))
    assert dataclasses.is_dataclass(Quick)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, (), "x", 0, True), {}), ((1,), {"nope": 2}), ((1,), {"a": 2})],
    ids=["missing", "keyword-only given by position", "unknown", "twice"],
)
def test_construction_errors_agree(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    errors = []
    for cls in PAIR:
        with pytest.raises(TypeError) as caught:
            cls(*args, **kwargs)
        errors.append(str(caught.value).replace(cls.__name__, "X"))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("cls", PAIR)
def test_assignment_is_refused_as_by_the_dataclass(cls: Any) -> None:
    obj = cls(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'a'"):
        obj.a = 2
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'new'"):
        obj.new = 2
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'c'"):
        del obj.c

    class Plain(cls):  # type: ignore[misc]  # what the notebook results do
        pass

    sub = Plain(1)
    sub.note = "kept"  # a subclass may add attributes; fields stay frozen
    assert sub.note == "kept"
    with pytest.raises(FrozenInstanceError):
        sub.a = 2


def test_an_undocumented_class_is_named_as_by_the_dataclass() -> None:
    @frozen
    class Quiet:
        a: int
        b: str = "x"

    @dataclass(frozen=True)
    class Loud:
        a: int
        b: str = "x"

    assert Loud.__doc__ == "Loud(a: 'int', b: 'str' = 'x')"
    assert Quiet.__doc__ == "Quiet(a: 'int', b: 'str' = 'x')"


def test_a_dataclass_may_subclass_it() -> None:
    @dataclass(frozen=True)
    class More(Quick):
        """One more field."""

        d: int = 0

    assert More(1, d=2).d == 2 and More(1).total() == 1


def test_what_it_does_not_cover_goes_to_the_dataclass() -> None:
    seen = []

    @frozen
    class Checked:
        """A __post_init__ runs, as the dataclass runs it."""

        a: int

        def __post_init__(self) -> None:
            seen.append(self.a)

    Checked(3)
    assert seen == [3]
    with pytest.raises(FrozenInstanceError):
        Checked(3).a = 4  # type: ignore[misc]

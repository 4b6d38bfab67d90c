"""``monitlint.runtime.records.record`` makes the same classes ``dataclass`` makes, with less work at import."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pickle
import pkgutil
from dataclasses import field
from typing import Any

import pytest

import monitlint
from monitlint.runtime import records
from monitlint.runtime.records import record


def _every_record_class() -> list[type]:
    """Every class in the package made by ``record`` (all of monitlint's data classes)."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(monitlint.__path__, "monitlint."):
        if info.name == "monitlint.__main__":
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            made_here = isinstance(value, type) and "__dataclass_fields__" in vars(value)
            if made_here and value.__module__ == info.name:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


RECORDS = _every_record_class()


def test_the_package_has_no_plain_dataclass() -> None:
    # A class made by @dataclass would compile its methods at import again (see monitlint.runtime.records).
    assert len(RECORDS) > 70
    plain = [cls.__qualname__ for cls in RECORDS if "__reduce__" not in vars(cls)]
    assert plain == []


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_init_takes_the_fields_as_dataclass_would(cls: type) -> None:
    init = records.build_init(cls)
    parameters = list(inspect.signature(init).parameters.values())[1:]
    assert [p.name for p in parameters] == [f.name for f in dataclasses.fields(cls)]
    for parameter, f in zip(parameters, dataclasses.fields(cls), strict=True):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if f.default is not dataclasses.MISSING:
            assert parameter.default is f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert parameter.default is records._FACTORY
        else:
            assert parameter.default is inspect.Parameter.empty


# A twin pair: the same class made by dataclass and by record.
def _twins(**options: Any) -> tuple[type, type]:
    def body(name: str) -> type:
        return type(
            name,
            (),
            {
                "__annotations__": {"name": "str", "size": "int", "tags": "list[str]"},
                "size": 1,
                "tags": field(default_factory=list),
                "__doc__": "A twin.",
            },
        )

    return dataclasses.dataclass(**options)(body("Twin")), record(**options)(body("Twin"))


@pytest.mark.parametrize(
    "options", [{}, {"frozen": True}, {"slots": True}, {"frozen": True, "slots": True}, {"eq": False}]
)
def test_record_behaves_as_its_dataclass_twin(options: dict[str, Any]) -> None:
    made_by_dataclass, made_by_record = _twins(**options)
    for cls in (made_by_dataclass, made_by_record):
        first, second, other = cls("a", 2), cls(name="a", size=2), cls("b")
        assert (first == second) is options.get("eq", True)
        assert first != other
        assert first.tags == [] and first.tags is not second.tags  # a fresh list each time
        assert dataclasses.asdict(first) == {"name": "a", "size": 2, "tags": []}
        assert dataclasses.replace(first, size=3).size == 3
        if options.get("frozen"):
            assert hash(cls("a", 2, ("x",))) == hash(cls(name="a", size=2, tags=("x",)))
            with pytest.raises(dataclasses.FrozenInstanceError):
                first.size = 5  # type: ignore[misc]
            with pytest.raises(dataclasses.FrozenInstanceError):
                del first.size
        elif options.get("eq", True):
            with pytest.raises(TypeError):
                hash(first)
        else:
            assert hash(first) != hash(second)
        if options.get("slots"):
            assert not hasattr(first, "__dict__")
        with pytest.raises(TypeError):
            cls()
        with pytest.raises(TypeError):
            cls("a", 1, [], 4)
    assert repr(made_by_record("a", 2)) == repr(made_by_dataclass("a", 2)).replace(
        "test_record_behaves_as_its_dataclass_twin.<locals>.", ""
    )


def test_a_record_pickles_as_its_fields_and_back() -> None:
    from monitlint.model import Rate, Span

    span = Span("/etc/monitrc", 1, 2, 3, 4)
    assert span.__reduce__() == (Span, ("/etc/monitrc", 1, 2, 3, 4))
    assert pickle.loads(pickle.dumps([span, Rate(3)])) == [span, Rate(3, None)]


def test_post_init_runs_and_subclasses_share_their_parent_init() -> None:
    calls: list[str] = []

    @record
    class Parent:
        """A parent."""

        name: str

        def __post_init__(self) -> None:
            calls.append(self.name)

    class Child(Parent):
        """No fields of its own: Parent's __init__ serves."""

    assert Child("c").name == "c" and Parent("p").name == "p"
    assert calls == ["c", "p"]
    assert type(Child("d")) is Child


def test_a_field_without_default_after_one_with_is_refused_at_first_use() -> None:
    @record
    class Base:
        """A base with a default."""

        size: int = 1

    @record
    class Wrong(Base):
        """A required field after a default one, which dataclass refuses."""

        name: str  # type: ignore[misc]

    with pytest.raises(TypeError, match="non-default argument 'name' follows default argument"):
        Wrong("x")


@record
class _Pickled:
    """A record pickled in the test below (module level: pickle finds classes by name)."""

    name: str
    size: int = 0


class _PlainChild(_Pickled):
    """A subclass that is not a record itself."""


def test_a_subclass_that_is_not_a_record_pickles_as_itself_before_and_after_its_parent() -> None:
    child_first = pickle.loads(pickle.dumps([_PlainChild("c", 1), _Pickled("p", 2), _PlainChild("d")]))
    assert [(type(x), x.name, x.size) for x in child_first] == [
        (_PlainChild, "c", 1),
        (_Pickled, "p", 2),
        (_PlainChild, "d", 0),
    ]

"""Shared building blocks for every domain model.

Everything in `domain/` is immutable and strictly sized: the models cross Temporal's payload
boundary and are stored as events, so unbounded text or lists would become unbounded history.
"""

from collections.abc import Callable, Iterable, Mapping
from functools import cache, cached_property
from typing import Annotated, Any, NamedTuple, Self, TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")


# `derived_from(EVERY_FIELD)`: a value that reads more fields than are worth listing.
EVERY_FIELD = "*"


class DerivedValue(cached_property[T]):
    """A value computed from some fields of a frozen model, once per instance.

    A model never changes, so the value is remembered by the instance; a copy keeps it unless
    the copy changed one of the fields it reads (`DomainModel.model_copy`). Unlike
    `functools.cached_property` (on this Python), it takes no lock: two threads that ask at
    once both compute the same pure value, which is harmless, and far cheaper than locking
    each of the many values a decision computes.
    """

    def __init__(self, func: Callable[[Any], T], reads: frozenset[str]) -> None:
        super().__init__(func)
        self.reads = reads

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> T: ...
    def __get__(self, instance: object, owner: type[Any] | None = None) -> T | Self:
        if instance is None:
            return self
        # Only reached when the instance does not hold the value yet (a non-data descriptor).
        value = self.func(instance)
        instance.__dict__[self.attrname] = value  # type: ignore[index]
        return value


def derived_from(*fields: str) -> Callable[[Callable[[Any], T]], DerivedValue[T]]:
    """Declare a `DerivedValue` and the fields it reads (`EVERY_FIELD` for any)."""

    def declare(func: Callable[[Any], T]) -> DerivedValue[T]:
        return DerivedValue(func, frozenset(fields))

    return declare


class DomainModel(BaseModel):
    """Frozen, closed pydantic model: unknown fields are a bug, not something to carry along."""

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(DerivedValue,))

    def model_copy(
        self,
        *,
        update: Mapping[str, Any] | None = None,
        deep: bool = False,
        derived: Mapping[str, Any] | None = None,
    ) -> Self:
        """pydantic's shallow copy without its generic bookkeeping.

        `evolve` copies the state several times per event, and pydantic's version (three
        `copy.copy` calls for extras, private attributes and the fields set, which a frozen,
        closed model without private attributes never has) was a quarter of the decider's time.
        Same result: the update is not validated, as in pydantic.

        The copy keeps the `derived_from` values that read none of the updated fields;
        `derived` gives it values the caller knows from the update itself (one prompt fewer
        open, say), which must be what the copy would compute.
        """
        if deep or self.__pydantic_private__ is not None:
            copy = super().model_copy(update=update, deep=deep)
            for name in _readers(type(self)).every:
                copy.__dict__.pop(name, None)
            return copy
        copied = self.__class__.__new__(self.__class__)
        values = self.__dict__.copy()
        # Shared while no copy sets a field its original had not set (nothing changes the set
        # of a frozen model; `amend_new_copy` replaces it rather than add to it).
        fields_set = self.__pydantic_fields_set__
        if update:
            _forget_derived(values, type(self), update)
            values.update(update)
            if not fields_set.issuperset(update):
                fields_set = fields_set.union(update)
        if derived:
            values.update(derived)
        object.__setattr__(copied, "__dict__", values)
        object.__setattr__(copied, "__pydantic_extra__", None)
        object.__setattr__(copied, "__pydantic_fields_set__", fields_set)
        object.__setattr__(copied, "__pydantic_private__", None)
        return copied

    def amend_new_copy(self, **update: Any) -> Self:
        """Change fields of a copy that the caller has just made and nobody else holds yet,
        rather than copy it once more: `evolve` stamps every event's time this way on the
        state its handler returns. Never for a model anyone else may have seen."""
        _forget_derived(self.__dict__, type(self), update)
        self.__dict__.update(update)
        if not self.__pydantic_fields_set__.issuperset(update):
            object.__setattr__(
                self, "__pydantic_fields_set__", self.__pydantic_fields_set__.union(update)
            )
        return self

    def known_derived(self, name: str) -> Any:
        """A `derived_from` value if this instance has computed (or been given) it, else None."""
        return self.__dict__.get(name)


def stale_derived(model: "DomainModel") -> list[str]:
    """The derived values `model` holds that differ from a fresh computation (none, unless a
    copy kept or was given one it should not have): a check for tests."""
    held = ((name, model.known_derived(name)) for name in _readers(type(model)).every)
    return [
        name
        for name, value in held
        if value is not None and value != getattr(type(model), name).func(model)
    ]


class _Readers(NamedTuple):
    by_field: dict[str, tuple[str, ...]]  # the derived values that read each field
    every: tuple[str, ...]  # all derived values
    of_any: tuple[str, ...]  # those declared with `EVERY_FIELD`


@cache
def _readers(model: type[DomainModel]) -> _Readers:
    declared = {
        name: value.reads
        for klass in reversed(model.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, DerivedValue)
    }
    by_field: dict[str, list[str]] = {}
    for name, reads in declared.items():
        for field in reads - {EVERY_FIELD}:
            by_field.setdefault(field, []).append(name)
    return _Readers(
        by_field={field: tuple(names) for field, names in by_field.items()},
        every=tuple(declared),
        of_any=tuple(name for name, reads in declared.items() if EVERY_FIELD in reads),
    )


def _forget_derived(
    values: dict[str, Any], model: type[DomainModel], changed: Iterable[str]
) -> None:
    readers = _readers(model)
    if not readers.every:
        return
    for name in readers.of_any:
        values.pop(name, None)
    for field in changed:
        for name in readers.by_field.get(field, ()):
            values.pop(name, None)


# Opaque employee / relationship ids. No ':' so they compose safely into prompt ids and
# idempotency keys; short so they fit Temporal search attributes.
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
# Machine codes such as pause reasons or escalation reasons.
ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
PromptId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9:._-]{0,119}$")]
AnswerId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$")]

# Free text never holds NUL: PostgreSQL refuses it in jsonb, so one such answer would make the
# event store reject the relationship's events for ever.
_NO_NUL = r"^[^\x00]*$"
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300, pattern=_NO_NUL)
]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=_NO_NUL)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=_NO_NUL)
]
Score = Annotated[int, Field(ge=1, le=5)]

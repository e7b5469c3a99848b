"""Shared building blocks for every domain model.

Everything in `domain/` is immutable and strictly sized: the models cross Temporal's payload
boundary and are stored as events, so unbounded text or lists would become unbounded history.
"""

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class DomainModel(BaseModel):
    """Frozen, closed pydantic model: unknown fields are a bug, not something to carry along."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Names of `functools.cached_property` values derived from the fields: a frozen model never
    # changes, so they are computed once per instance, and a copy (whose fields may differ)
    # starts without them.
    derived: ClassVar[tuple[str, ...]] = ()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's shallow copy without its generic bookkeeping.

        `evolve` copies the state several times per event, and pydantic's version (three
        `copy.copy` calls for extras, private attributes and the fields set, which a frozen,
        closed model without private attributes never has) was a quarter of the decider's time.
        Same result: the update is not validated, as in pydantic.
        """
        if deep or self.__pydantic_private__ is not None:
            copy = super().model_copy(update=update, deep=deep)
            for name in self.derived:
                copy.__dict__.pop(name, None)
            return copy
        copied = self.__class__.__new__(self.__class__)
        values = self.__dict__.copy()
        for name in self.derived:
            values.pop(name, None)
        fields_set = set(self.__pydantic_fields_set__)
        if update:
            values.update(update)
            fields_set.update(update)
        object.__setattr__(copied, "__dict__", values)
        object.__setattr__(copied, "__pydantic_extra__", None)
        object.__setattr__(copied, "__pydantic_fields_set__", fields_set)
        object.__setattr__(copied, "__pydantic_private__", None)
        return copied


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

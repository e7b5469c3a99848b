"""Shared building blocks for every domain model.

Everything in `domain/` is immutable and strictly sized: the models cross Temporal's payload
boundary and are stored as events, so unbounded text or lists would become unbounded history.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class DomainModel(BaseModel):
    """Frozen, closed pydantic model: unknown fields are a bug, not something to carry along."""

    model_config = ConfigDict(frozen=True, extra="forbid")


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

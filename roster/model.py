"""One roster line as HR sends it, validated field by field.

The entry splits in two on import: the directory part (name, e-mail, hours) goes to `people`,
the only place names live; the matching part becomes a `Candidate`, which carries ids only.
"""

from __future__ import annotations

import re
from datetime import time
from functools import cache
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from domain.base import Identifier
from domain.display_names import checked_display_name
from domain.matching.model import Candidate, RolePreference, Tag
from store.people import Person

Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)]
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Tags = Annotated[list[Tag], Field(max_length=50)]

LIST_FIELDS = ("languages", "skills_to_share", "skills_to_learn", "interests")


@cache
def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class RosterEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    employee_id: Identifier
    display_name: Name
    email: Email
    department: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
    ]
    location: Short = ""
    time_zone: str
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 30)
    languages: Annotated[Tags, Field(min_length=1)]
    manager_id: Identifier | None = None
    career_level: int = Field(ge=0, le=100)
    role_preference: RolePreference
    skills_to_share: Tags = Field(default_factory=list)
    skills_to_learn: Tags = Field(default_factory=list)
    interests: Tags = Field(default_factory=list)
    diversity_consent: bool = False
    diversity: dict[Tag, Tag] = Field(default_factory=dict, max_length=10)
    capacity: int = Field(default=1, ge=0, le=10)
    # A roster is imported by and for one organisation: the column, when given, must name it.
    organisation: (
        Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,39}$")] | None
    ) = None

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL: a bad line here, not a failed import later.
        texts: list[object]
        if isinstance(value, dict):
            texts = [*value.keys(), *value.values()]
        else:
            texts = list(value) if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain NUL characters")
        return value

    @field_validator("display_name")
    @classmethod
    def _fits_a_mail_header(cls, value: str) -> str:
        return checked_display_name(value)

    @field_validator("time_zone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        if not _known_zone(value.strip()):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Paris)")
        return value.strip()

    @field_validator("email")
    @classmethod
    def _looks_like_email(cls, value: str) -> str:
        if not EMAIL_SHAPE.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("manager_id", "organisation", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.manager_id == self.employee_id:
            raise ValueError("manager_id: an employee cannot be their own manager")
        if self.working_hours_start >= self.working_hours_end:
            raise ValueError("working_hours_end: working hours must end after they start")
        if self.diversity and not self.diversity_consent:
            # Sensitive data without recorded consent must not be stored at all.
            raise ValueError("diversity_consent: diversity attributes given without consent")
        return self

    def to_candidate(self) -> Candidate:
        return Candidate(
            person_id=self.employee_id,
            department=self.department,
            location=self.location,
            time_zone=self.time_zone,
            working_hours_start=self.working_hours_start,
            working_hours_end=self.working_hours_end,
            languages=tuple(self.languages),
            manager_id=self.manager_id,
            career_level=self.career_level,
            role_preference=self.role_preference,
            skills_to_share=tuple(self.skills_to_share),
            skills_to_learn=tuple(self.skills_to_learn),
            interests=tuple(self.interests),
            diversity=dict(self.diversity) if self.diversity_consent else {},
            capacity=self.capacity,
        )

    def to_person(self) -> Person:
        return Person(
            person_id=self.employee_id,
            display_name=self.display_name,
            email=self.email,
            time_zone=self.time_zone,
            working_hours_start=self.working_hours_start,
            working_hours_end=self.working_hours_end,
        )

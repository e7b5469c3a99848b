"""Bodies and answers of the programme endpoints (closed models, like the rest of the API)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from pydantic import Field

from domain.base import Identifier, RequiredText
from domain.matching.model import MatchingConstraints, MatchingWeights, ProgrammeFormat
from domain.programme import Override
from projections.report_model import ProgrammeReport
from projections.reports import DEFAULT_MIN_GROUP_SIZE
from reporting.retention import RetentionReport
from web.api.models import ApiModel, ProgrammeId
from web.problems import FieldProblem

# Generous for any real organisation's roster, small enough to parse in one request.
MAX_ROSTER_BYTES = 10 * 1024 * 1024


class TermBody(ApiModel):
    starts_on: date
    ends_on: date


OrganisationName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,39}$")]


class MemberOrganisation(ApiModel):
    organisation: OrganisationName
    coordinator_ids: list[Identifier] = Field(default_factory=list, max_length=20)


class CreateProgramme(ApiModel):
    """Start a programme. Idempotent by `programme_id`: creating an existing programme again
    answers 200 with it and changes nothing (the first definition stays in force)."""

    programme_id: ProgrammeId
    name: RequiredText
    objectives: list[RequiredText] = Field(min_length=1, max_length=10)
    focus_areas: list[RequiredText] = Field(default_factory=list, max_length=20)
    format: ProgrammeFormat = ProgrammeFormat.REVERSE
    term: TermBody
    policy: Literal["standard", "fast"] = Field(
        default="standard", description="Deadlines in weeks (standard) or minutes (fast, demos)."
    )
    coordinator_ids: list[Identifier] = Field(min_length=1, max_length=20)
    owner_id: Identifier
    approval_required: bool = Field(
        default=True, description="A coordinator approves each proposal before pairs start."
    )
    weights: MatchingWeights = MatchingWeights()
    constraints: MatchingConstraints = MatchingConstraints()
    partner_organisations: list[MemberOrganisation] = Field(
        default_factory=list,
        max_length=20,
        description="Other member organisations (cross-organisation programmes), each with its"
        " own coordinators. The creating key's organisation is always a member.",
    )


class ProgrammeCreated(ApiModel):
    programme_id: str
    created: bool = Field(description="False when the programme already existed.")
    status_url: str


class RosterImported(ApiModel):
    programme_id: str
    added: int = Field(description="People newly enrolled in this programme.")
    updated: int = Field(description="Enrolled people whose details changed.")
    unchanged: int
    skipped_lines: list[int] = Field(description="With `skip_invalid`: lines not imported.")
    issues: list[FieldProblem] = Field(
        description="Why each skipped line was skipped (CSV line 1 is the header)."
    )
    columns_read_as: dict[str, str] = Field(
        default_factory=dict,
        description="Columns not named exactly like a roster field, and the field each was read as"
        " (aliases such as `timezone` for `time_zone`; see docs/programmes.md).",
    )


class MatchingRequest(ApiModel):
    request_id: Identifier | None = Field(
        default=None,
        description="Idempotency key: the same id never starts a second run. Default: a new one.",
    )


class ProgrammeStatusOut(ApiModel):
    programme_id: str
    workflow_status: str
    phase: str = Field(
        description="enrolling, matching, awaiting_approval, starting, running or closed."
    )
    proposal_version: int | None
    proposed_pairs: int
    proposal_unmatched: int
    relationships_approved: int
    relationships_started: int
    relationships_closed: int
    rematch_pending: bool


class ProposedPair(ApiModel):
    mentor_id: str
    mentee_id: str
    score: float


class ProposalOut(ApiModel):
    programme_id: str
    version: int = Field(description="Send it back with the approval; a stale one is a 409.")
    pairs: list[ProposedPair]
    unmatched: int
    total_score: float


class ApprovalBody(ApiModel):
    """The coordinator's review of the proposal awaiting approval."""

    proposal_version: int = Field(ge=1, le=1_000_000)
    overrides: list[Override] = Field(default_factory=list, max_length=500)
    approve: bool = Field(
        default=True, description="False: apply the overrides as a new version, approve later."
    )
    review_id: Identifier | None = Field(
        default=None,
        description=(
            "Idempotency key. Default: derived from the body, so a repeated review of the same"
            " version is answered again (duplicate: true) instead of applied twice."
        ),
    )


class ApprovalOut(ApiModel):
    programme_id: str
    phase: str
    proposal_version: int
    pairs: int
    approved: bool
    duplicate: bool


MinGroupSizeQuery = Annotated[
    int,
    Query(
        ge=DEFAULT_MIN_GROUP_SIZE,
        le=10_000,
        description=(
            f"Groups smaller than this are withheld; at least {DEFAULT_MIN_GROUP_SIZE}, so no"
            " caller can lower the protection."
        ),
    ),
]


class ProgrammeFigures(ProgrammeReport):
    """The programme report, with retention: of the people enrolled, how many left the
    organisation during and after the programme, beside the rest of the roster."""

    of: Literal["joint", "organisation"] = "joint"
    retention: RetentionReport

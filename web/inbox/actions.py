"""The requests a participant can make from their relationship page, as generated forms.

Each form comes from the command's own model (``domain/commands.py``), like the answer forms,
minus who acts (the signed link says that). Which forms show depends only on what both people
see (``participant_phase``): a mediation one of them started must not add or remove a form on
the other's page.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel

from domain.commands import (
    LeaveRelationship,
    MoveMeeting,
    ProposeAmendment,
    ProposeMutual,
    RaiseConcern,
    RequestPause,
    ResumeEarly,
)
from domain.state import Mode, Phase, RelationshipState
from domain.views import participant_phase
from web.inbox.forms import AnswerForm, Node, element_id, fields_under, labels_by_name
from web.inbox.parse import format_duration

_WHO = "participant_id"
_RUNNING = frozenset({Phase.ONBOARDING, Phase.CONTRACTING, Phase.ACTIVE, Phase.CLOSING})


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the path segment and the service's action name
    title: str
    explanation: str
    button: str
    model: type[BaseModel]


CONCERN = ActionSpec(
    "concern",
    "Raise a concern with the coordinator",
    "Only the programme coordinator reads this. Your partner is not told, and nothing they see"
    " changes, until the coordinator decides to talk with you both.",
    "Send to the coordinator",
    RaiseConcern,
)
PAUSE = ActionSpec(
    "pause",
    "Pause the relationship",
    "Meetings and questions stop until the date you choose; your partner is told the date, not"
    " the reason.",
    "Pause",
    RequestPause,
)
RESUME = ActionSpec(
    "resume",
    "Come back early",
    "End your pause now; meetings restart from today.",
    "Resume now",
    ResumeEarly,
)
MOVE = ActionSpec(
    "move-meeting",
    "Move the next meeting",
    "Your partner is asked to confirm the new time; until they do, the agreed time stands.",
    "Ask to move it",
    MoveMeeting,
)
MUTUAL = ActionSpec(
    "propose-mutual",
    "Propose mutual mentoring",
    "Suggest that learning go both ways; your partner consents or declines.",
    "Propose",
    ProposeMutual,
)
AMEND = ActionSpec(
    "amend",
    "Propose an amended contract",
    "Your partner is asked to sign the new version; until they do, the current contract stands.",
    "Propose the amendment",
    ProposeAmendment,
)
LEAVE = ActionSpec(
    "leave",
    "Leave this relationship",
    "It ends without fault. Your partner is told only that it ended, and is offered a new match.",
    "Leave the relationship",
    LeaveRelationship,
)
ALL_ACTIONS: tuple[ActionSpec, ...] = (CONCERN, PAUSE, RESUME, MOVE, MUTUAL, AMEND, LEAVE)
BY_NAME: Mapping[str, ActionSpec] = {spec.name: spec for spec in ALL_ACTIONS}


def available_actions(state: RelationshipState, person_id: str) -> tuple[ActionSpec, ...]:
    """The forms to offer now; the workflow still judges every request on its own rules."""
    if state.is_terminal or state.role_of(person_id) is None:
        return ()
    seen = participant_phase(state)
    offered: list[ActionSpec] = [CONCERN]
    if seen in _RUNNING:
        offered.append(PAUSE)
    if seen == Phase.PAUSED and state.pause_requested_by == person_id:
        offered.append(RESUME)
    if seen == Phase.ACTIVE:
        offered.append(MOVE)
        if state.mode == Mode.REVERSE:
            offered.append(MUTUAL)
        offered.append(AMEND)
    if seen != Phase.PROPOSED:
        offered.append(LEAVE)
    return tuple(offered)


def action_form(spec: ActionSpec, state: RelationshipState) -> AnswerForm:
    """The command's fields under the action's name, so several forms share one page."""
    nodes = fields_under(spec.model, f"{spec.name}.", _slot_counts(spec, state))
    fields: tuple[Node, ...] = tuple(n for n in nodes if n.name != f"{spec.name}.{_WHO}")
    return AnswerForm(model=spec.model, fields=fields)


def _slot_counts(spec: ActionSpec, state: RelationshipState) -> dict[str, int]:
    if spec is AMEND and state.contract is not None:
        return {f"{spec.name}.terms.goals": len(state.contract.terms.goals) + 1}
    return {}


def initial_values(spec: ActionSpec, state: RelationshipState, now: datetime) -> dict[str, str]:
    """Suggestions: the contract in force for an amendment, the next meeting's time for a move."""
    values: dict[str, str] = {}
    if spec is PAUSE:
        until = now + min(timedelta(days=14), state.policy.max_pause)
        values["pause.until"] = _local(until)
    elif spec is MOVE and state.pending_meeting is not None:
        values["move-meeting.to"] = _local(state.pending_meeting.scheduled_at)
    elif spec is AMEND and state.contract is not None:
        values.update(_contract_values(state))
    return values


def _contract_values(state: RelationshipState) -> dict[str, str]:
    assert state.contract is not None
    terms = state.contract.terms
    prefix = "amend.terms"
    values = {
        f"{prefix}.focus_area": terms.focus_area,
        f"{prefix}.cadence": format_duration(terms.cadence),
        f"{prefix}.meeting_length": format_duration(terms.meeting_length),
        f"{prefix}.meeting_format": terms.meeting_format.value,
        f"{prefix}.confidentiality_terms": terms.confidentiality_terms,
        f"{prefix}.term_end": _local(terms.term_end),
    }
    for index, goal in enumerate(terms.goals):
        values[f"{prefix}.goals.{index}.description"] = goal.description
        values[f"{prefix}.goals.{index}.success_measure"] = goal.success_measure
        values[f"{prefix}.goals.{index}.direction"] = goal.direction.value
    return values


def _local(moment: datetime) -> str:
    """What a datetime-local input shows: UTC wall-clock time, to the minute."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def form_errors(spec: ActionSpec, found: Mapping[str, str]) -> dict[str, str]:
    """Error locations from the parser, named like the form's fields (under the action)."""
    prefix = f"{spec.name}."
    return {(k if k.startswith(prefix) else prefix + k): v for k, v in found.items()}


@dataclass(frozen=True)
class ShownError:
    field_id: str
    label: str
    text: str


def field_errors_shown(errors: Mapping[str, str], form: AnswerForm) -> list[ShownError]:
    """The summary above a form: each error with the label of its field and a link to it."""
    labels = labels_by_name(form)
    return [
        ShownError(element_id(name), labels.get(name, name.rsplit(".", 1)[-1]), text)
        for name, text in errors.items()
    ]


def new_form_id() -> str:
    """One per form shown, like the answer forms: a resent form is applied once."""
    return f"web-{uuid.uuid4().hex}"

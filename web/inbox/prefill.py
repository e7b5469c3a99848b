"""What a form starts with: the pair's own goals and the programme's defaults.

Prefilled values are suggestions the person can change; they make the common answer quick and
tell them what the programme expects (a term end, a cadence) without a paragraph of help.
"""

from __future__ import annotations

from datetime import datetime

from domain.contract import ContractVersion
from domain.prompts import Prompt, PromptKind
from domain.slots import cadence_in_weeks, describe_slot, offered_slots
from domain.state import RelationshipState
from web.inbox.forms import Choice
from web.inbox.parse import format_duration

_CONTRACT_FORMS = frozenset({PromptKind.CONTRACT_PROPOSAL, PromptKind.CONTRACT_REVIEW})

_GOAL_LISTS = {PromptKind.CHECKIN: "goal_progress", PromptKind.CLOSING_REFLECTION: "goals_achieved"}


def contract_shown(state: RelationshipState, prompt: Prompt) -> ContractVersion | None:
    """The version a prompt is about: the one under review, else the one in force."""
    version = prompt.context.contract_version
    if prompt.kind == PromptKind.CONTRACT_REVIEW and version and version <= len(state.contracts):
        return state.contracts[version - 1]
    return state.contract


def slot_counts(state: RelationshipState, prompt: Prompt) -> dict[str, int]:
    goals = state.contract.terms.goals if state.contract else ()
    list_name = _GOAL_LISTS.get(prompt.kind)
    if list_name is None or not goals:
        return {}
    return {list_name: len(goals)}


def initial_values(state: RelationshipState, prompt: Prompt, now: datetime) -> dict[str, str]:
    values: dict[str, str] = {}
    list_name = _GOAL_LISTS.get(prompt.kind)
    if list_name and state.contract:
        for index in range(len(state.contract.terms.goals)):
            values[f"{list_name}.{index}.goal_number"] = str(index + 1)
    if prompt.kind == PromptKind.CONTRACT_PROPOSAL:
        policy = state.policy
        term_end = (now + policy.default_term_length).replace(second=0, microsecond=0)
        values["terms.cadence"] = format_duration(policy.default_cadence)
        values["terms.meeting_length"] = format_duration(policy.default_meeting_length)
        values["terms.term_end"] = term_end.strftime("%Y-%m-%dT%H:%M")
    return values


def meeting_slot_choices(
    state: RelationshipState, prompt: Prompt, now: datetime
) -> tuple[Choice, ...]:
    """The weekday-and-time slots a contract form offers, each in the viewer's own time.

    Offered for the programme's default length, cadence and term (what the form suggests);
    the decider checks the chosen slot again against the terms actually proposed. Nothing is
    offered while the viewer's hours are unknown or the cadence is not whole weeks.
    """
    viewer = state.availability_of(prompt.recipient_id)
    policy = state.policy
    if prompt.kind not in _CONTRACT_FORMS or viewer is None:
        return ()
    if cadence_in_weeks(policy.default_cadence) is None:
        return ()
    length, until = policy.default_meeting_length, now + policy.default_term_length
    slots = offered_slots(state.availabilities, length, viewer.time_zone, now, until)
    return tuple(
        Choice(slot.code, describe_slot(slot, length, viewer.time_zone, now, until))
        for slot in slots
    )


def meeting_time(
    state: RelationshipState, contract: ContractVersion | None, viewer_id: str, now: datetime
) -> str | None:
    """The contract's meeting slot in the viewer's own time (None without a slot)."""
    if contract is None or contract.terms.slot is None:
        return None
    slot, terms = contract.terms.slot, contract.terms
    viewer = state.availability_of(viewer_id)
    zone_name = viewer.time_zone if viewer is not None else slot.time_zone
    return describe_slot(slot, terms.meeting_length, zone_name, now, terms.term_end)

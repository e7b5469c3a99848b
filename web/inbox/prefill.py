"""What a form starts with: the pair's own goals and the programme's defaults.

Prefilled values are suggestions the person can change; they make the common answer quick and
tell them what the programme expects (a term end, a cadence) without a paragraph of help.
"""

from __future__ import annotations

from datetime import datetime

from domain.contract import ContractVersion
from domain.prompts import Prompt, PromptKind
from domain.state import RelationshipState
from web.inbox.parse import format_duration

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

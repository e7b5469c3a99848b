"""Forms come from the answer models: every kind renders, and what is typed parses back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from domain.prompts import ContractProposalAnswer, PromptKind
from web.inbox.forms import NO_FIXED_SLOT, Choice, FieldNode, GroupNode, RepeatNode, form_for
from web.inbox.parse import format_duration, parse_duration, parse_form


@pytest.mark.parametrize("kind", list(PromptKind))
def test_every_prompt_kind_has_a_form_without_the_kind_field(kind: PromptKind) -> None:
    form = form_for(kind)
    assert form.fields
    assert "kind" not in {node.name for node in form.fields}


def test_the_contract_form_nests_terms_with_goal_rows() -> None:
    (terms,) = form_for(PromptKind.CONTRACT_PROPOSAL).fields
    assert isinstance(terms, GroupNode)
    goals = next(node for node in terms.children if node.name == "terms.goals")
    assert isinstance(goals, RepeatNode)
    assert goals.min_items == 1
    widgets = {n.name: n.widget for n in terms.children if isinstance(n, FieldNode)}
    assert widgets["terms.cadence"] == "duration"
    assert widgets["terms.term_end"] == "datetime"
    assert widgets["terms.meeting_format"] == "radio"
    assert widgets["terms.confidentiality_terms"] == "textarea"


def test_a_filled_contract_form_parses_into_a_valid_answer() -> None:
    form = form_for(PromptKind.CONTRACT_PROPOSAL)
    parsed = parse_form(
        form,
        {
            "terms.goals.1.description": "Learn to listen on social media",
            "terms.goals.1.success_measure": "Weekly posts",
            "terms.focus_area": "Digital leadership",
            "terms.cadence": "2 weeks",
            "terms.meeting_length": "45 minutes",
            "terms.meeting_format": "video",
            "terms.confidentiality_terms": "Stays between us",
            "terms.term_end": "2030-01-01T10:00",
        },
    )
    answer = ContractProposalAnswer.model_validate(parsed.data)
    assert answer.terms.cadence == timedelta(weeks=2)
    assert answer.terms.term_end.tzinfo is not None
    assert len(answer.terms.goals) == 1


def test_an_error_in_a_later_goal_row_is_reported_on_that_row() -> None:
    form = form_for(PromptKind.CONTRACT_PROPOSAL)
    parsed = parse_form(form, {"terms.goals.2.description": "Only a description"})
    with pytest.raises(ValidationError) as failure:
        ContractProposalAnswer.model_validate(parsed.data)
    errors = parsed.field_errors(failure.value)
    assert "terms.goals.2.success_measure" in errors
    assert "terms.focus_area" in errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 weeks", timedelta(weeks=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("1 day", timedelta(days=1)),
    ],
)
def test_durations_are_read_as_people_write_them(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


def test_an_unreadable_duration_is_left_for_the_model_to_name() -> None:
    assert parse_duration("fortnightly") is None


def test_the_contract_form_offers_meeting_slots_as_a_choice_that_parses_into_a_slot() -> None:
    offered = (Choice("2@15:00@Europe/Berlin", "Tuesdays 15:00-16:00 (Europe/Berlin)"),)
    (terms,) = form_for(PromptKind.CONTRACT_PROPOSAL, meeting_slots=offered).fields
    assert isinstance(terms, GroupNode)
    [slot] = [n for n in terms.children if n.name == "terms.slot"]
    assert isinstance(slot, FieldNode)
    assert slot.widget == "meeting_slot"
    assert slot.choices == (NO_FIXED_SLOT, *offered)

    chosen = parse_form(form_for(PromptKind.CONTRACT_PROPOSAL), {"terms.slot": offered[0].value})
    none = parse_form(form_for(PromptKind.CONTRACT_PROPOSAL), {"terms.slot": ""})

    assert chosen.data["terms"]["slot"] == {
        "weekday": 2,
        "start": "15:00:00",
        "time_zone": "Europe/Berlin",
    }
    assert "slot" not in none.data.get("terms", {})

"""Each part of the briefing is acknowledged on its own; the four-checkbox answers of earlier
histories stay valid, so those histories keep replaying."""

from __future__ import annotations

import pytest

from domain import ANSWER_ADAPTER, DomainError, ErrorCode, Phase
from domain.prompts import BriefingSection, OnboardingAnswer
from tests.domain.support import MENTEE, MENTOR, Pair


def every_part(**overrides: bool | str) -> OnboardingAnswer:
    ticked = {f"read_{section.value}": True for section in BriefingSection}
    return OnboardingAnswer.model_validate({**ticked, **overrides})


def test_acknowledging_every_part_briefs_the_person_and_both_start_contracting() -> None:
    pair = Pair()
    pair.accept_match()
    pair.answer("onboarding:mentor", every_part(hopes_to_teach="shortcuts"))
    assert pair.state.briefed == (MENTOR,)
    pair.answer("onboarding:mentee", every_part())
    assert set(pair.state.briefed) == {MENTOR, MENTEE}
    assert pair.state.phase == Phase.CONTRACTING


@pytest.mark.parametrize("section", list(BriefingSection))
def test_a_part_left_unacknowledged_is_named_and_nothing_changes(
    section: BriefingSection,
) -> None:
    pair = Pair()
    pair.accept_match()
    before = pair.state
    with pytest.raises(DomainError) as error:
        pair.answer("onboarding:mentor", every_part(**{f"read_{section.value}": False}))
    assert error.value.code == ErrorCode.INVALID_ANSWER
    assert section.value.replace("_", " ") in error.value.message
    assert pair.state == before


def test_an_empty_answer_names_every_part() -> None:
    pair = Pair()
    pair.accept_match()
    with pytest.raises(DomainError) as error:
        pair.answer("onboarding:mentor", OnboardingAnswer())
    for section in BriefingSection:
        assert section.value.replace("_", " ") in error.value.message


def test_a_four_checkbox_answer_from_an_earlier_history_still_parses_and_briefs() -> None:
    recorded = {
        "kind": "onboarding",
        "understands_roles": True,
        "understands_responsibilities": True,
        "commits_to_rapport": True,
        "accepts_confidentiality": True,
        "hopes_to_teach": "",
        "hopes_to_learn": "",
    }
    answer = ANSWER_ADAPTER.validate_python(recorded)
    assert isinstance(answer, OnboardingAnswer)
    assert answer.is_legacy
    pair = Pair()
    pair.accept_match()
    pair.answer("onboarding:mentor", answer)
    assert pair.state.briefed == (MENTOR,)

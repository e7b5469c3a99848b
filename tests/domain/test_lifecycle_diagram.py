"""The lifecycle diagram in docs/lifecycle.md draws exactly the transitions the domain makes."""

import random
import re
from datetime import timedelta
from pathlib import Path

from domain import (
    Command,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    DomainError,
    EndRelationship,
    LeaveRelationship,
    MeetingLogAnswer,
    MoveMeeting,
    OpenEscalation,
    PauseRelationship,
    PromptKind,
    ProposeAmendment,
    RaiseConcern,
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
    RelationshipPolicy,
    RequestPause,
    ResolveEscalation,
    ResumeEarly,
    ResumeRelationship,
    Tick,
    WindDown,
    evolve,
    next_due_at,
)
from domain.prompts import Answer, MeetingMoveAnswer
from tests.domain.support import ACK, MENTEE, MENTOR, Pair, checkin, reflection, terms

DIAGRAM = Path(__file__).parents[2] / "docs" / "lifecycle.md"
EDGE = re.compile(r"^\s*(\w+)\s*-->\s*(\w+)\s*(?::.*)?$")
WALKS = 800
STEPS = 40


def drawn_edges() -> set[tuple[str, str]]:
    text = DIAGRAM.read_text()
    block = text.split("```mermaid", 1)[1].split("```", 1)[0]
    edges = {m.groups() for line in block.splitlines() if (m := EDGE.match(line))}
    return {(a, b) for a, b in edges if "[*]" not in (a, b)}


def observed_edges() -> set[tuple[str, str]]:
    """Phase changes seen event by event in many seeded random walks through the decider."""
    seen: set[tuple[str, str]] = set()
    for seed in range(WALKS):
        rng = random.Random(seed)
        pair = Pair(RelationshipPolicy.fast())
        if seed % 2:
            pair.sign_contract()  # half the walks start with a term under way
        if seed % 4 == 3 and pair.state.term_end is not None:
            pair.engage_until(pair.state.term_end)  # and some at its closing
        for _ in range(STEPS):
            if pair.state.is_terminal:
                break
            before = pair.state
            try:
                events = _step(pair, rng)
            except DomainError:
                continue
            state = before
            for event in events:
                after = evolve(state, event)
                if after.phase != state.phase:
                    seen.add((state.phase.value, after.phase.value))
                state = after
    return seen


def _step(pair: Pair, rng: random.Random) -> list:  # type: ignore[type-arg]
    who = rng.choice([MENTOR, MENTEE])
    choice = rng.randrange(23)
    if choice < 7:
        return _answer_something(pair, rng)
    if choice < 10:
        due = next_due_at(pair.state)
        if due is not None and rng.random() < 0.7:
            return pair.advance_to(due)
        return pair.advance(timedelta(minutes=rng.randint(1, 240)))
    endings: list[Command] = [
        RecordParticipantLeft(participant_id=who),
        EndRelationship(),
        WindDown(),
        Tick(),
    ]
    commands: list[Command] = [
        OpenEscalation(),
        ResolveEscalation(
            resolution=rng.choice(
                ["continue", "amend_contract", "pause", "end_without_fault", "rematch"]
            )
        ),
        PauseRelationship(),
        ResumeRelationship(),
        RecordLeaveStarted(participant_id=who),
        RecordLeaveEnded(participant_id=who),
        RecordManagerChange(
            participant_id=who,
            new_manager_id="emp-8000",
            managers_above_new_manager=(MENTEE if who == MENTOR else MENTOR,),
        ),
        rng.choice(endings),
        *_participant_requests(pair, who, rng),
    ]
    return pair.send(commands[choice - 10])


def _participant_requests(pair: Pair, who: str, rng: random.Random) -> list[Command]:
    """What one of the pair may ask for between prompts."""
    meeting = pair.state.pending_meeting
    move_to = (meeting.scheduled_at if meeting else pair.now) + timedelta(minutes=5)
    resume_or_leave: list[Command] = [
        ResumeEarly(participant_id=who),
        LeaveRelationship(participant_id=who),
    ]
    return [
        RaiseConcern(participant_id=who),
        RequestPause(participant_id=who, until=pair.now + timedelta(minutes=rng.randint(5, 100))),
        rng.choice(resume_or_leave),
        ProposeAmendment(participant_id=who, terms=terms(pair.now)),
        MoveMeeting(participant_id=who, to=move_to),
    ]


def _answer_something(pair: Pair, rng: random.Random) -> list:  # type: ignore[type-arg]
    prompts = list(pair.state.open_prompts)
    if not prompts:
        return []
    prompt = rng.choice(prompts)
    contract = pair.state.contract
    goals = len(contract.terms.goals) if contract else 0
    answers: dict[PromptKind, Answer] = {
        PromptKind.CONSENT: ConsentAnswer(decision="decline" if rng.random() < 0.1 else "accept"),
        PromptKind.ONBOARDING: ACK,
        PromptKind.CONTRACT_PROPOSAL: ContractProposalAnswer(terms=terms(pair.now)),
        PromptKind.CONTRACT_REVIEW: ContractReviewAnswer(decision="accept"),
        PromptKind.MEETING_LOG: MeetingLogAnswer(happened=rng.random() < 0.8),
        PromptKind.CHECKIN: checkin(goals, tension=rng.random() < 0.2),
        PromptKind.CLOSING_REFLECTION: reflection(renew=rng.random() < 0.9),
        PromptKind.MEETING_MOVE: MeetingMoveAnswer(confirm=rng.random() < 0.7),
    }
    answer = answers.get(prompt.kind)
    if answer is None:
        return []
    return pair.answer(prompt.prompt_id, answer)


def test_every_drawn_transition_is_one_the_domain_makes_and_the_other_way_round() -> None:
    drawn, observed = drawn_edges(), observed_edges()
    undrawn, unmade = sorted(observed - drawn), sorted(drawn - observed)
    assert not undrawn, f"the domain makes transitions the diagram does not draw: {undrawn}"
    assert not unmade, f"the diagram draws transitions the domain never makes: {unmade}"

"""Random walks through a relationship: whatever happens, the state stays coherent."""

from datetime import datetime, timedelta
from typing import Literal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain import (
    EVENT_LIST_ADAPTER,
    AnswerPrompt,
    Command,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    ContractStatus,
    DomainError,
    EndRelationship,
    ExtendTerm,
    GoalDirection,
    HealthLevel,
    MeetingLogAnswer,
    Mode,
    MutualConsentAnswer,
    OpenEscalation,
    PauseRelationship,
    Phase,
    Prompt,
    PromptKind,
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
    RelationshipState,
    ResolveEscalation,
    ResumeRelationship,
    Tick,
    apply_all,
    decide,
    initial_state,
    next_due_at,
)
from domain.base import stale_derived
from domain.prompts import Answer
from domain.state import PENDING_MEETING, MeetingStatus
from tests.domain.support import (
    ACK,
    MENTEE,
    MENTOR,
    Pair,
    checkin,
    goal,
    reflection,
    start_command,
    terms,
)

WALK = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- generating plausible (and sometimes wrong) input -----------------------------------------


def contract_terms(data: st.DataObject, state: RelationshipState, now: datetime) -> Answer:
    mutual = state.mode == Mode.MUTUAL
    proposed = terms(
        now,
        goals=data.draw(st.integers(1, 6)),
        back_goals=data.draw(st.integers(1, 2)) if mutual else 0,
        cadence=timedelta(minutes=data.draw(st.integers(2, 5))),
        term=timedelta(minutes=data.draw(st.integers(8, 60))),
    )
    return ContractProposalAnswer(terms=proposed)


def answer_for(data: st.DataObject, pair: Pair, prompt: Prompt) -> Answer:
    state, now = pair.state, pair.now
    goals = len(state.contract.terms.goals) if state.contract else 0
    back = goal(7, GoalDirection.MENTEE_TO_MENTOR)
    match prompt.kind:
        case PromptKind.CONSENT:
            decision: Literal["accept", "decline"] = data.draw(
                st.sampled_from(["accept"] * 12 + ["decline"])
            )
            return ConsentAnswer(decision=decision)
        case PromptKind.ONBOARDING:
            return (
                ACK
                if data.draw(st.integers(0, 9))
                else ACK.model_copy(update={"commits_to_rapport": False})
            )
        case PromptKind.CONTRACT_PROPOSAL:
            return contract_terms(data, state, now)
        case PromptKind.CONTRACT_REVIEW:
            if data.draw(st.booleans()):
                return ContractReviewAnswer(decision="accept")
            counter = contract_terms(data, state, now)
            assert isinstance(counter, ContractProposalAnswer)
            return ContractReviewAnswer(decision="counter", counter_terms=counter.terms)
        case PromptKind.MEETING_LOG:
            happened = data.draw(st.booleans())
            later = now + timedelta(minutes=data.draw(st.integers(1, 10)))
            move = not happened and data.draw(st.booleans())
            return MeetingLogAnswer(happened=happened, reschedule_to=later if move else None)
        case PromptKind.CHECKIN:
            tension = data.draw(st.integers(0, 5)) == 0
            both_ways = data.draw(st.integers(0, 3)) == 0
            return checkin(
                goals,
                satisfaction=data.draw(st.integers(1, 5)),
                safety=data.draw(st.integers(1, 5)),
                progress=data.draw(st.integers(1, 5)),
                tension=tension,
                note="private" if tension else None,
                both_ways=both_ways,
                other_goals=[back] if both_ways and data.draw(st.booleans()) else [],
            )
        case PromptKind.MUTUAL_CONSENT:
            consent = data.draw(st.booleans())
            return MutualConsentAnswer(consent=consent, goals=(back,) if consent else ())
        case PromptKind.CLOSING_REFLECTION:
            return reflection(renew=data.draw(st.booleans()), informal=data.draw(st.booleans()))
    raise AssertionError(prompt.kind)


def coordinator_or_hr(data: st.DataObject, pair: Pair) -> Command:
    someone = data.draw(st.sampled_from([MENTOR, MENTEE]))
    term_end = pair.state.term_end or pair.now
    options: list[Command] = [
        OpenEscalation(),
        ResolveEscalation(
            resolution=data.draw(
                st.sampled_from(
                    ["continue"] * 4 + ["amend_contract", "pause", "end_without_fault", "rematch"]
                )
            )
        ),
        PauseRelationship(),
        ResumeRelationship(),
        ResumeRelationship(),
        ExtendTerm(new_term_end=term_end + timedelta(minutes=data.draw(st.integers(-5, 30)))),
        RecordManagerChange(
            participant_id=someone,
            new_manager_id="emp-7007",
            managers_above_new_manager=(MENTEE,) if data.draw(st.booleans()) else (),
        ),
        RecordLeaveStarted(participant_id=someone),
        RecordLeaveEnded(participant_id=someone),
        RecordLeaveEnded(participant_id=someone),
    ]
    if data.draw(st.integers(0, 20)) == 0:
        options += [EndRelationship(), RecordParticipantLeft(participant_id=someone)]
    return data.draw(st.sampled_from(options))


def next_command(data: st.DataObject, pair: Pair) -> Command:
    choice = data.draw(st.sampled_from(["answer"] * 6 + ["time"] * 4 + ["other", "wrong"]))
    open_prompts = list(pair.state.open_prompts)
    if choice == "time" or (choice in ("answer", "wrong") and not open_prompts):
        # Mostly small steps (people answer in time), sometimes long silences.
        seconds = data.draw(st.sampled_from([0, 20, 45, 60, 90, 120, 240, 600]))
        pair.now += timedelta(seconds=seconds)
        return Tick()
    if choice == "other":
        return coordinator_or_hr(data, pair)
    prompt = data.draw(st.sampled_from(open_prompts))
    respondent = prompt.recipient_id
    if choice == "wrong":
        respondent = data.draw(st.sampled_from([MENTOR, MENTEE, "emp-9999"]))
    return AnswerPrompt(
        answer_id=f"a-{len(pair.events)}-{prompt.prompt_id}",
        prompt_id=prompt.prompt_id,
        respondent_id=respondent,
        answer=answer_for(data, pair, prompt),
    )


# -- invariants -------------------------------------------------------------------------------


def check_invariants(state: RelationshipState, now: datetime) -> None:
    # First, before the checks below compute them afresh on this very state.
    assert stale_derived(state) == [], "a copy kept a derived value its change invalidated"
    participants = set(state.participants)
    assert all(p.recipient_id in participants for p in state.prompts.values())
    for prompt in state.open_prompts:
        assert prompt.issued_at < prompt.due_at
        assert prompt.remind_at is None or prompt.issued_at < prompt.remind_at < prompt.due_at
    due = next_due_at(state)
    assert due is None or due > now, "everything due by now has been processed"
    assert len(state.processed_answer_ids) == len(set(state.processed_answer_ids))
    _check_phase(state)
    _check_escalations(state)
    _check_meetings(state)
    _check_contract(state)
    _check_health(state)


def _check_phase(state: RelationshipState) -> None:
    if state.is_terminal:
        assert state.open_prompts == ()
        assert state.pending_meeting is None
        assert not state.escalation_open
        assert next_due_at(state) is None
    if state.phase == Phase.DECLINED:
        assert state.rematch_requested
    if state.phase == Phase.PAUSED:
        assert state.paused_from is not None
        assert state.paused_from != Phase.PAUSED
        assert state.paused_from.value not in ("completed", "declined", "ended_early")
        # The pair's clock stops, the coordinator's does not: a pause reaches its limit.
        assert next_due_at(state) is not None
        assert state.open_prompts == ()
    else:
        assert state.paused_from is None
    if state.on_leave:
        assert state.phase == Phase.PAUSED or state.is_terminal


def _check_escalations(state: RelationshipState) -> None:
    open_cases = [e for e in state.escalations if e.status == "open"]
    assert len(open_cases) <= 1
    in_mediation = state.phase == Phase.MEDIATION or (
        state.phase == Phase.PAUSED and state.paused_from == Phase.MEDIATION
    )
    assert bool(open_cases) == in_mediation
    assert (state.mediation_from is not None) == in_mediation
    ids = [e.escalation_id for e in state.escalations]
    assert ids == [f"escalation:{n}" for n in range(1, len(ids) + 1)]


def _check_meetings(state: RelationshipState) -> None:
    pending = [m for m in state.meetings if m.status in PENDING_MEETING]
    assert len(pending) <= 1
    if any(m.status == MeetingStatus.SCHEDULED for m in pending):
        assert state.meetings_run
    if state.next_checkin_at is not None:
        assert state.meetings_run
    assert [m.number for m in state.meetings] == list(range(1, len(state.meetings) + 1))


def _check_contract(state: RelationshipState) -> None:
    contract = state.contract
    if state.phase == Phase.ACTIVE:
        assert contract is not None
        assert contract.status == ContractStatus.SIGNED
        assert set(contract.signed_by) == set(state.participants)
    if contract is not None:
        backward = contract.terms.goals_in(GoalDirection.MENTEE_TO_MENTOR)
        forward = contract.terms.goals_in(GoalDirection.MENTOR_TO_MENTEE)
        assert 1 <= len(forward) <= state.policy.max_goals
        assert len(backward) <= state.policy.max_goals
        if state.mode == Mode.REVERSE:
            assert not backward
        else:
            assert backward
    assert sum(1 for c in state.contracts if c.status == ContractStatus.PROPOSED) <= 1


def _check_health(state: RelationshipState) -> None:
    health = state.health
    if health.level != HealthLevel.GREEN:
        assert health.reasons
    worst = max((r.level.rank for r in health.reasons), default=0)
    assert health.level.rank == worst


# -- the walks --------------------------------------------------------------------------------


def walk(data: st.DataObject, pair: Pair, steps: int) -> list[AnswerPrompt]:
    accepted: list[AnswerPrompt] = []
    for _ in range(steps):
        command = next_command(data, pair)
        before = pair.state
        try:
            events = decide(before, command, pair.now)
        except DomainError:
            continue
        # Deterministic: the same input decides the same events.
        assert decide(before, command, pair.now) == events
        pair.state = apply_all(before, events)
        pair.events += events
        if isinstance(command, AnswerPrompt) and events:
            accepted.append(command)
        check_invariants(pair.state, pair.now)
    return accepted


def fresh_or_active(data: st.DataObject, mode: Mode = Mode.REVERSE) -> Pair:
    """Half the walks start from a signed contract, so the later phases get explored too."""
    pair = Pair(mode=mode)
    if data.draw(st.booleans()):
        back_goals = 1 if mode == Mode.MUTUAL else 0
        pair.sign_contract(
            term=timedelta(minutes=data.draw(st.integers(8, 40))), back_goals=back_goals
        )
    return pair


@WALK
@given(st.data(), st.sampled_from(list(Mode)))
def test_random_walks_never_reach_an_invalid_state(data: st.DataObject, mode: Mode) -> None:
    pair = fresh_or_active(data, mode)
    walk(data, pair, data.draw(st.integers(10, 150)))
    event(f"final phase: {pair.state.phase.value}")
    event(f"reached closing: {any(e.type == 'closing_started' for e in pair.events)}")
    event(f"became mutual: {any(e.type == 'mode_became_mutual' for e in pair.events)}")
    event(f"renewed: {any(e.type == 'term_renewed' for e in pair.events)}")

    times = [e.occurred_at for e in pair.events]
    assert times == sorted(times)
    assert times[-1] <= pair.now
    stored = EVENT_LIST_ADAPTER.validate_json(EVENT_LIST_ADAPTER.dump_json(pair.events))
    assert apply_all(initial_state(start_command(mode=mode)), stored) == pair.state


@WALK
@given(st.data())
def test_duplicate_answer_ids_are_no_ops(data: st.DataObject) -> None:
    pair = fresh_or_active(data)
    accepted = walk(data, pair, data.draw(st.integers(5, 60)))
    for command in accepted:
        assert decide(pair.state, command, pair.now) == []


@WALK
@given(st.data())
def test_terminal_states_absorb_every_command(data: st.DataObject) -> None:
    pair = fresh_or_active(data)
    walk(data, pair, data.draw(st.integers(0, 60)))
    if not pair.state.is_terminal:
        pair.send(EndRelationship(reason="programme_cancelled"))
    final = pair.state

    for _ in range(10):
        command = next_command(data, pair)
        if isinstance(command, Tick):
            assert decide(final, command, pair.now) == []
            continue
        try:
            events = decide(final, command, pair.now)
        except DomainError:
            continue
        assert events == [], "only a duplicate answer may pass, and it changes nothing"
    assert next_due_at(final) is None

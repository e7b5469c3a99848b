"""Liveness: whatever the people, the coordinator and HR do, every relationship reaches an end.

A stateful hypothesis test drives the pure decider with any interleaving of silence, answers,
declines, tensions, HR events, pauses, coordinator actions and the requests the people make
between prompts (concerns, pauses, leaving, mutual, amendments, moved meetings). After every step:

- a relationship that has not ended has something due (a deadline, a reminder, a term end or a
  pause limit): a state without one could wait forever;
- an open escalation has not outlived its bound (coordinator, then owner, then the end);
- a reporting-line conflict keeps the pair paused until someone resolves it.

At the end of every run the people and the coordinator fall silent, and the relationship must
reach a terminal phase by `silent_end_bound` after the later of now and its term end.
"""

import contextlib
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain import (
    Command,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    DomainError,
    EndRelationship,
    ExtendTerm,
    GoalDirection,
    LeaveRelationship,
    MeetingLogAnswer,
    MoveMeeting,
    OpenEscalation,
    PauseRelationship,
    Phase,
    PromptKind,
    ProposeAmendment,
    ProposeMutual,
    RaiseConcern,
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
    RelationshipPolicy,
    RequestPause,
    Resolution,
    ResolveEscalation,
    ResumeEarly,
    ResumeRelationship,
    Tick,
    WindDown,
    escalation_bound,
    next_due_at,
    silent_end_bound,
)
from domain.commands import WindDownReason
from domain.prompts import Answer, MeetingMoveAnswer, MutualConsentAnswer
from domain.state import EscalationStatus
from tests.domain.support import ACK, MENTEE, MENTOR, Pair, checkin, goal, reflection, terms

PEOPLE = st.sampled_from([MENTOR, MENTEE])
# Leaving is rarer than the rest, as in life; it ends the story the other events test.
HR_EVENTS = st.sampled_from(
    ["leave_started", "manager_changed", "leave_ended", "leave_started", "manager_changed", "left"]
)
RESOLUTIONS = st.sampled_from(
    ["continue", "amend_contract", "pause", "end_without_fault", "rematch"]
)
# Silence in steps from a minute to a few days of the fast policy's minutes-long deadlines.
SILENCE = st.integers(min_value=1, max_value=6 * 60)
# Enough ticks to walk through every deadline of a silent relationship many times over.
MAX_SILENT_TICKS = 2_000


class RelationshipLife(RuleBasedStateMachine):
    """One relationship under any behaviour, checked for liveness after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.pair = Pair(RelationshipPolicy.fast())

    @initialize(start_at=st.sampled_from(["proposed", "onboarding", "active"]))
    def start_somewhere(self, start_at: str) -> None:
        # Reaching a phase by answers alone takes many steps; start some runs further along.
        if start_at == "onboarding":
            self.pair.accept_match()
        elif start_at == "active":
            self.pair.sign_contract()

    # -- the clock ------------------------------------------------------------------------------

    @rule(minutes=SILENCE)
    def silence(self, minutes: int) -> None:
        self._send_at(timedelta(minutes=minutes), Tick())

    @rule()
    def until_next_due(self) -> None:
        due = next_due_at(self.pair.state)
        if due is not None:
            self.pair.advance_to(due)

    # -- the two people ---------------------------------------------------------------------

    @rule(decline=st.booleans())
    def answer_phase_question(self, decline: bool) -> None:
        state = self.pair.state
        for prompt in state.open_prompts:
            answer = self._phase_answer(prompt.kind, decline)
            if answer is not None:
                self._answer(prompt.prompt_id, answer)
                return

    @rule(happened=st.booleans())
    def log_meeting(self, happened: bool) -> None:
        for prompt in self.pair.state.open_prompts_of(PromptKind.MEETING_LOG):
            self._answer(prompt.prompt_id, MeetingLogAnswer(happened=happened))
            return

    @rule(tension=st.booleans(), score=st.integers(min_value=1, max_value=5))
    def check_in(self, tension: bool, score: int) -> None:
        contract = self.pair.state.contract
        goals = len(contract.terms.goals) if contract else 0
        for prompt in self.pair.state.open_prompts_of(PromptKind.CHECKIN):
            answer = checkin(goals, satisfaction=score, safety=score, tension=tension)
            self._answer(prompt.prompt_id, answer)
            return

    # -- the two people, between prompts --------------------------------------------------------

    @rule(who=PEOPLE)
    def participant_raises_concern(self, who: str) -> None:
        self._send(RaiseConcern(participant_id=who, note="private"))

    # Up to a little beyond the fast policy's two-hour maximum pause.
    @rule(who=PEOPLE, minutes=st.integers(min_value=1, max_value=130))
    def participant_pauses(self, who: str, minutes: int) -> None:
        until = self.pair.now + timedelta(minutes=minutes)
        self._send(RequestPause(participant_id=who, until=until))

    @rule(who=PEOPLE)
    def participant_resumes_early(self, who: str) -> None:
        self._send(ResumeEarly(participant_id=who))

    @rule(who=PEOPLE)
    def participant_leaves(self, who: str) -> None:
        self._send(LeaveRelationship(participant_id=who))

    @rule(who=PEOPLE)
    def participant_proposes_mutual(self, who: str) -> None:
        back = (goal(20, GoalDirection.MENTEE_TO_MENTOR),)
        self._send(ProposeMutual(participant_id=who, goals=back))

    @rule(who=PEOPLE, minutes=st.integers(min_value=20, max_value=120))
    def participant_proposes_amendment(self, who: str, minutes: int) -> None:
        amended = terms(self.pair.now, term=timedelta(minutes=minutes))
        self._send(ProposeAmendment(participant_id=who, terms=amended))

    @rule(who=PEOPLE, minutes=st.integers(min_value=-30, max_value=60))
    def participant_moves_meeting(self, who: str, minutes: int) -> None:
        meeting = self.pair.state.pending_meeting
        if meeting is not None:
            to = meeting.scheduled_at + timedelta(minutes=minutes)
            self._send(MoveMeeting(participant_id=who, to=to))

    # -- HR -----------------------------------------------------------------------------------

    @rule(feed=st.lists(st.tuples(HR_EVENTS, PEOPLE, st.booleans()), min_size=1, max_size=4))
    def hr_feed(self, feed: list[tuple[str, str, bool]]) -> None:
        """HR systems send bursts (leave, a reorg, the end of leave) at any moment."""
        for kind, who, conflict in feed:
            self._send(self._hr_command(kind, who, conflict))

    def _hr_command(self, kind: str, who: str, conflict: bool) -> Command:
        match kind:
            case "left":
                return RecordParticipantLeft(participant_id=who)
            case "leave_started":
                return RecordLeaveStarted(participant_id=who)
            case "leave_ended":
                return RecordLeaveEnded(participant_id=who)
            case _:
                # A conflict: the partner now sits above them, through the new manager's chain.
                partner = MENTEE if who == MENTOR else MENTOR
                chain = (partner, "emp-9000") if conflict else ("emp-9000",)
                return RecordManagerChange(
                    participant_id=who,
                    new_manager_id="emp-8000",
                    managers_above_new_manager=chain,
                )

    # -- the coordinator ----------------------------------------------------------------------

    @rule()
    def coordinator_escalates(self) -> None:
        self._send(OpenEscalation())

    @rule(resolution=RESOLUTIONS)
    def coordinator_resolves(self, resolution: Resolution) -> None:
        self._send(ResolveEscalation(resolution=resolution))

    @rule()
    def coordinator_pauses(self) -> None:
        self._send(PauseRelationship())

    @rule()
    def coordinator_resumes(self) -> None:
        self._send(ResumeRelationship())

    @rule(rematch=st.booleans())
    def coordinator_ends(self, rematch: bool) -> None:
        self._send(EndRelationship(rematch_requested=rematch))

    @rule(days=st.integers(min_value=1, max_value=30))
    def coordinator_extends(self, days: int) -> None:
        term_end = self.pair.state.term_end
        if term_end is not None:
            self._send(ExtendTerm(new_term_end=term_end + timedelta(days=days)))

    @rule(reason=st.sampled_from(["programme_ended", "programme_cancelled"]))
    def programme_winds_down(self, reason: WindDownReason) -> None:
        self._send(WindDown(reason=reason))

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def something_is_always_due(self) -> None:
        state = self.pair.state
        if not state.is_terminal:
            assert next_due_at(state) is not None, f"nothing due in {state.phase} ({_why(state)})"

    @invariant()
    def escalations_close_in_time(self) -> None:
        state = self.pair.state
        for escalation in state.escalations:
            if escalation.status == EscalationStatus.OPEN:
                limit = escalation.opened_at + escalation_bound(state.policy)
                assert self.pair.now <= limit, f"{escalation.escalation_id} open past {limit}"
                if (
                    self.pair.now
                    > escalation.opened_at + state.policy.coordinator_response_deadline
                ):
                    assert escalation.level >= 2, "overdue escalation did not reach the owner"

    @invariant()
    def conflict_keeps_the_pair_paused(self) -> None:
        state = self.pair.state
        escalation = state.open_escalation
        if escalation is not None and "hierarchy_conflict" in escalation.reasons:
            assert state.phase == Phase.PAUSED, f"{state.phase} during a reporting-line conflict"

    @invariant()
    def the_partner_who_stays_is_rematched(self) -> None:
        state = self.pair.state
        if state.end_reason in ("participant_left", "participant_withdrew"):
            assert state.rematch_requested

    def teardown(self) -> None:
        """From here nobody acts: the relationship must still end, and in time."""
        pair = self.pair
        latest = max(pair.now, pair.state.term_end or pair.now) + silent_end_bound(
            pair.state.policy
        )
        for _ in range(MAX_SILENT_TICKS):
            if pair.state.is_terminal:
                break
            due = next_due_at(pair.state)
            assert due is not None, f"nothing due in {pair.state.phase} ({_why(pair.state)})"
            pair.advance_to(due)
            self.escalations_close_in_time()
        assert pair.state.is_terminal, f"still {pair.state.phase} after silence"
        assert pair.now <= latest, f"silent pair ended at {pair.now}, later than {latest}"

    # -- helpers ------------------------------------------------------------------------------

    def _phase_answer(self, kind: PromptKind, decline: bool) -> Answer | None:
        pair = self.pair
        match kind:
            case PromptKind.CONSENT:
                return ConsentAnswer(decision="decline" if decline else "accept")
            case PromptKind.ONBOARDING:
                return ACK
            case PromptKind.CONTRACT_PROPOSAL:
                return ContractProposalAnswer(terms=terms(pair.now))
            case PromptKind.CONTRACT_REVIEW:
                return ContractReviewAnswer(decision="accept")
            case PromptKind.MUTUAL_CONSENT:
                return MutualConsentAnswer(consent=not decline)
            case PromptKind.MEETING_MOVE:
                return MeetingMoveAnswer(confirm=not decline)
            case PromptKind.CLOSING_REFLECTION:
                return reflection(renew=not decline)
            case _:
                return None

    def _answer(self, prompt_id: str, answer: Answer) -> None:
        # A refused answer leaves the state unchanged, which is what the person would see.
        with contextlib.suppress(DomainError):
            self.pair.answer(prompt_id, answer)

    def _send(self, command: Command) -> None:
        with contextlib.suppress(DomainError):
            self.pair.send(command)

    def _send_at(self, delta: timedelta, command: Command) -> None:
        self.pair.now += delta
        self._send(command)


def _why(state: object) -> str:
    return ", ".join(
        f"{name}={getattr(state, name)}"
        for name in ("pause_reason", "paused_from", "mediation_from", "on_leave")
    )


RelationshipLife.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestRelationshipLiveness = RelationshipLife.TestCase

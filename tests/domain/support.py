"""A small driver for decider tests: feed commands at a chosen time and fold the events."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from domain import (
    AnswerPrompt,
    CheckInAnswer,
    ClosingReflectionAnswer,
    Command,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    ContractTerms,
    Event,
    Focus,
    Goal,
    GoalDirection,
    GoalProgress,
    MeetingFormat,
    MeetingLogAnswer,
    Mode,
    OnboardingAnswer,
    Prompt,
    PromptKind,
    RelationshipPolicy,
    RelationshipState,
    StartRelationship,
    Tick,
    apply_all,
    decide,
    initial_state,
    next_due_at,
)
from domain.prompts import Answer
from domain.slots import MeetingSlot

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MENTOR = "emp-1001"
MENTEE = "emp-2002"
COORDINATOR = "emp-3003"
OWNER = "emp-4004"


def start_command(
    policy: RelationshipPolicy | None = None, mode: Mode = Mode.REVERSE
) -> StartRelationship:
    return StartRelationship(
        relationship_id="rel-1",
        programme_id="prog-1",
        mentor_id=MENTOR,
        mentee_id=MENTEE,
        coordinator_id=COORDINATOR,
        owner_id=OWNER,
        policy=policy or RelationshipPolicy.fast(),
        mode=mode,
    )


def goal(n: int, direction: GoalDirection = GoalDirection.MENTOR_TO_MENTEE) -> Goal:
    return Goal(description=f"goal {n}", success_measure=f"measure {n}", direction=direction)


def terms(
    now: datetime,
    *,
    goals: int = 2,
    back_goals: int = 0,
    cadence: timedelta = timedelta(minutes=2),
    length: timedelta = timedelta(minutes=1),
    term: timedelta = timedelta(minutes=30),
) -> ContractTerms:
    back = GoalDirection.MENTEE_TO_MENTOR
    return ContractTerms(
        goals=(*(goal(i) for i in range(goals)), *(goal(10 + i, back) for i in range(back_goals))),
        focus_area="generative AI at work",
        cadence=cadence,
        meeting_length=length,
        meeting_format=MeetingFormat.VIDEO,
        confidentiality_terms="what is said stays between us",
        term_end=now + term,
    )


ACK = OnboardingAnswer(
    understands_roles=True,
    understands_responsibilities=True,
    commits_to_rapport=True,
    accepts_confidentiality=True,
    hopes_to_teach="tools",
    hopes_to_learn="strategy",
)


def checkin(
    goals: int = 2,
    *,
    satisfaction: int = 4,
    safety: int = 4,
    progress: int = 3,
    focus: Focus = Focus.ON_TRACK,
    tension: bool = False,
    note: str | None = None,
    both_ways: bool = False,
    other_goals: Sequence[Goal] = (),
) -> CheckInAnswer:
    return CheckInAnswer(
        satisfaction=satisfaction,
        goal_progress=tuple(GoalProgress(goal_number=i + 1, score=progress) for i in range(goals)),
        psychological_safety=safety,
        focus=focus,
        tension_flag=tension,
        private_note=note,
        learning_goes_both_ways=both_ways,
        other_direction_goals=tuple(other_goals),
    )


def reflection(*, renew: bool = False, informal: bool = True) -> ClosingReflectionAnswer:
    return ClosingReflectionAnswer(
        goals_achieved=(),
        learned="a lot",
        taught="some",
        continue_informally=informal,
        want_renewal=renew,
    )


def types(events: Sequence[Event]) -> list[str]:
    return [e.type for e in events]


class Pair:
    """One relationship under test, with its own clock."""

    def __init__(
        self,
        policy: RelationshipPolicy | None = None,
        mode: Mode = Mode.REVERSE,
        start: StartRelationship | None = None,
    ) -> None:
        start = start or start_command(policy, mode)
        self.state: RelationshipState = initial_state(start)
        self.now = T0
        self.events: list[Event] = []
        self._answers = 0
        self.send(start)

    def send(self, command: Command) -> list[Event]:
        before = self.state
        new = decide(self.state, command, self.now)
        self.state = apply_all(self.state, new)
        assert before is not self.state or not new
        self.events += new
        return new

    def advance(self, delta: timedelta) -> list[Event]:
        self.now += delta
        return self.send(Tick())

    def advance_to(self, when: datetime) -> list[Event]:
        self.now = max(self.now, when)
        return self.send(Tick())

    def advance_to_checkin(self) -> list[Event]:
        due = self.state.next_checkin_at
        assert due is not None, "no check-in scheduled"
        return self.advance_to(due)

    def run_until_due(self) -> list[Event]:
        """Jump to the next deadline and tick once."""
        due = next_due_at(self.state)
        assert due is not None, "nothing is due"
        self.now = max(self.now, due)
        return self.send(Tick())

    def prompt(self, prompt_id: str) -> Prompt:
        return self.state.prompts[prompt_id]

    def answer(
        self,
        prompt_id: str,
        answer: Answer,
        respondent: str | None = None,
        answer_id: str | None = None,
    ) -> list[Event]:
        self._answers += 1
        return self.send(
            AnswerPrompt(
                answer_id=answer_id or f"ans-{self._answers}",
                prompt_id=prompt_id,
                respondent_id=respondent or self.prompt(prompt_id).recipient_id,
                answer=answer,
            )
        )

    # -- getting to a phase quickly -----------------------------------------------------------

    def accept_match(self) -> None:
        self.answer("consent:mentor", ConsentAnswer(decision="accept"))
        self.answer("consent:mentee", ConsentAnswer(decision="accept"))

    def onboard(self) -> None:
        self.accept_match()
        self.answer("onboarding:mentor", ACK)
        self.answer("onboarding:mentee", ACK)

    def sign_contract(self, slot: MeetingSlot | None = None, **terms_args: object) -> ContractTerms:
        self.onboard()
        agreed = terms(self.now, **terms_args)  # type: ignore[arg-type]
        if slot is not None:
            agreed = agreed.model_copy(update={"slot": slot})
        self.answer("contract:v1:propose:mentor", ContractProposalAnswer(terms=agreed))
        self.answer("contract:v1:review:mentee", ContractReviewAnswer(decision="accept"))
        return agreed

    def engage_until(self, when: datetime) -> None:
        """Advance to `when` as a model pair: every meeting happens, every check-in is positive."""
        while True:
            self._answer_routine_prompts()
            due = next_due_at(self.state)
            if due is None or due > when:
                break
            self.advance_to(due)
        self.advance_to(when)

    def _answer_routine_prompts(self) -> None:
        goals = len(self.state.contract.terms.goals) if self.state.contract else 0
        for prompt in self.state.open_prompts:
            if prompt.kind == PromptKind.MEETING_LOG:
                self.answer(prompt.prompt_id, MeetingLogAnswer(happened=True, learned="shortcuts"))
            elif prompt.kind == PromptKind.CHECKIN:
                self.answer(prompt.prompt_id, checkin(goals))

    def log_meeting(self, number: int, *, happened: bool = True, who: str = "mentor") -> None:
        self.answer(f"meeting:{number}:log:{who}", MeetingLogAnswer(happened=happened))


__all__ = ["MENTEE", "MENTOR", "T0", "Pair"]

"""The one exception the domain raises for a command that is not allowed right now."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_STARTED = "not_started"
    ALREADY_STARTED = "already_started"
    RELATIONSHIP_CLOSED = "relationship_closed"
    INVALID_START = "invalid_start"
    CLOCK_REGRESSED = "clock_regressed"
    NAIVE_TIME = "naive_time"
    UNKNOWN_PROMPT = "unknown_prompt"
    PROMPT_CLOSED = "prompt_closed"
    PROMPT_EXPIRED = "prompt_expired"
    WRONG_RESPONDENT = "wrong_respondent"
    ANSWER_KIND_MISMATCH = "answer_kind_mismatch"
    INVALID_ANSWER = "invalid_answer"
    INVALID_CONTRACT = "invalid_contract"
    UNKNOWN_PARTICIPANT = "unknown_participant"
    WRONG_PHASE = "wrong_phase"
    ESCALATION_ALREADY_OPEN = "escalation_already_open"
    NO_OPEN_ESCALATION = "no_open_escalation"
    PARTNERS_ALREADY_INVOLVED = "partners_already_involved"
    PARTICIPANT_ON_LEAVE = "participant_on_leave"
    INVALID_TERM_END = "invalid_term_end"


class DomainError(Exception):
    """A business rule refused a command.

    `code` is stable and machine-readable (the workflow maps it to a non-retryable failure);
    `message` is written for the person who sent the command and never holds private text.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message

"""The programme ends (on its end date, closed early or cancelled): every pair winds down.

A term under way closes through its own closing (reflection, recognition) so nobody loses
the ending they earned; a pair that has no contract yet simply ends. Either way nothing waits
for the coordinator any more: an open escalation is closed with the programme.
"""

from domain.commands import WindDown
from domain.decision import Decision
from domain.events import EscalationResolved, WindDownStarted
from domain.state import Phase, RelationshipState
from domain.steps import end_early, start_closing

# A term under way (or already closing) closes; anything earlier ends.
_CLOSING_PHASES = frozenset({Phase.ACTIVE, Phase.CLOSING})


def _underlying_phase(state: RelationshipState) -> Phase | None:
    """The phase a pause or a mediation interrupted (a pause may interrupt a mediation)."""
    phase: Phase | None = state.phase
    if phase == Phase.PAUSED:
        phase = state.paused_from
    if phase == Phase.MEDIATION:
        phase = state.mediation_from
    return phase


def wind_down(d: Decision, command: WindDown) -> None:
    state = d.state
    if state.winding_down:
        return  # the programme resends; the first notice decided everything
    d.emit(WindDownStarted(occurred_at=d.now, reason=command.reason))
    if state.phase == Phase.CLOSING:
        return  # already closing: it completes without renewal
    if _underlying_phase(state) not in _CLOSING_PHASES:
        end_early(d, command.reason, rematch=False)
        return
    escalation = state.open_escalation
    if escalation is not None:
        d.emit(
            EscalationResolved(
                occurred_at=d.now,
                escalation_id=escalation.escalation_id,
                resolution="programme_ended",
            )
        )
    if d.state.phase != Phase.CLOSING:
        start_closing(d)

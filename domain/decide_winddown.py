"""The programme ends (on its end date, closed early or cancelled): every pair winds down.

A term under way closes through its own closing (reflection, recognition) so nobody loses
the ending they earned; a pair that has no contract yet simply ends. Either way nothing waits
for the coordinator any more: an open escalation is closed with the programme.
"""

from domain.commands import WindDown
from domain.decision import Decision
from domain.events import EscalationResolved, WindDownStarted
from domain.state import Phase
from domain.steps import end_early, start_closing

# Phases whose term is under way: they close; anything earlier ends.
_TERM_PHASES = frozenset({Phase.ACTIVE, Phase.MEDIATION, Phase.PAUSED})


def wind_down(d: Decision, command: WindDown) -> None:
    state = d.state
    if state.winding_down:
        return  # the programme resends; the first notice decided everything
    d.emit(WindDownStarted(occurred_at=d.now, reason=command.reason))
    if state.phase == Phase.CLOSING:
        return  # already closing: it completes without renewal
    if state.phase not in _TERM_PHASES or state.contract is None:
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
    start_closing(d)

"""Who acted: a staff member's resolution and term extension carry them, and events recorded
before the actor existed still read and fold."""

from datetime import timedelta

from domain import OpenEscalation, ResolveEscalation
from domain.commands import ExtendTerm
from domain.events import EVENT_ADAPTER, EscalationResolved, TermExtended
from domain.evolve import evolve
from tests.domain.support import Pair


def test_the_resolving_staff_member_is_recorded_in_the_event_and_the_state() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    pair.send(OpenEscalation(note="a private worry"))

    events = pair.send(ResolveEscalation(resolution="continue", actor="coord-7"))

    resolved = next(e for e in events if isinstance(e, EscalationResolved))
    assert resolved.actor == "coord-7"
    assert pair.state.escalations[-1].resolved_by == "coord-7"


def test_a_term_extension_names_who_extended_it() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    assert pair.state.term_end is not None

    events = pair.send(
        ExtendTerm(new_term_end=pair.state.term_end + timedelta(hours=1), actor="owner-7")
    )

    assert [e.actor for e in events if isinstance(e, TermExtended)] == ["owner-7"]


def test_a_resolution_recorded_before_actors_existed_still_folds() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    pair.send(OpenEscalation())
    escalation = pair.state.open_escalation
    assert escalation is not None
    stored = {
        "type": "escalation_resolved",
        "schema_version": 1,
        "occurred_at": pair.now.isoformat(),
        "escalation_id": escalation.escalation_id,
        "resolution": "continue",
    }

    old = EVENT_ADAPTER.validate_python(stored)

    assert isinstance(old, EscalationResolved)
    assert old.actor is None
    assert evolve(pair.state, old).escalations[-1].resolved_by is None

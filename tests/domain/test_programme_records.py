"""How a programme counts the places its pairs hold when one of them ends."""

from domain.matching.model import MatchPair
from domain.programme import PairRecord, PairStatus, evaluate, occupying


def closed(**changes: object) -> PairRecord:
    record = PairRecord(relationship_id="rel-1", mentor_id="j1", mentee_id="s1")
    return record.model_copy(update={"status": PairStatus.CLOSED, **changes})


def test_a_running_pair_holds_both_places() -> None:
    running = PairRecord(relationship_id="rel-1", mentor_id="j1", mentee_id="s1")
    assert occupying([running]) == (MatchPair(mentor_id="j1", mentee_id="s1"),)


def test_a_declined_pair_gives_both_people_back() -> None:
    record = closed(phase="declined", rematch_requested=True)
    assert occupying([record]) == ()
    assert evaluate([record]).rematched_people == 2


def test_when_one_person_leaves_only_the_partner_who_stays_is_matched_again() -> None:
    record = closed(
        phase="ended_early",
        end_reason="participant_left",
        rematch_requested=True,
        left_participant_id="s1",
    )
    # The leaver's place stays taken on both sides; the junior is free for a new match.
    assert occupying([record]) == (MatchPair(mentor_id="s1", mentee_id="s1"),)
    assert evaluate([record]).rematched_people == 1

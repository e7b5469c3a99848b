"""Cross-organisation programmes: must cross, may, must not; excluded combinations; reporting
lines inside an organisation only; explanations that say when a pair crosses."""

from __future__ import annotations

from typing import Any

from domain.matching.assignment import match
from domain.matching.model import MatchingConstraints, MatchingProblem, OrganisationPair, Violation
from tests.matching.test_rules import broken, person, senior


def rule(**values: Any) -> dict[str, Any]:
    return {"constraints": MatchingConstraints(**values)}


def test_a_programme_chooses_whether_pairs_must_cross_may_or_must_not() -> None:
    acme, globex = person("a", organisation="acme"), senior("b", organisation="globex")
    inside = senior("c", organisation="acme")
    assert Violation.ORGANISATIONS in broken(acme, inside, **rule(cross_organisation="must"))
    assert Violation.ORGANISATIONS not in broken(acme, globex, **rule(cross_organisation="must"))
    assert Violation.ORGANISATIONS not in broken(acme, inside, **rule(cross_organisation="may"))
    assert Violation.ORGANISATIONS not in broken(acme, globex, **rule(cross_organisation="may"))
    assert Violation.ORGANISATIONS in broken(acme, globex, **rule(cross_organisation="must_not"))


def test_declared_competitors_are_never_paired_either_way_round() -> None:
    competitors = (OrganisationPair(first="globex", second="acme"),)
    acme, globex = person("a", organisation="acme"), senior("b", organisation="globex")
    assert Violation.ORGANISATIONS in broken(
        acme, globex, **rule(excluded_organisation_pairs=competitors)
    )
    partner = senior("c", organisation="initech")
    assert not broken(acme, partner, **rule(excluded_organisation_pairs=competitors))


def test_reporting_lines_apply_inside_an_organisation_only() -> None:
    # Ids are the organisations' own: acme's "boss" is not globex's "boss".
    mentor = person("jr", manager_id="boss", organisation="acme")
    assert Violation.REPORTING_LINE in broken(mentor, senior("boss", organisation="acme"))
    assert Violation.REPORTING_LINE not in broken(mentor, senior("boss", organisation="globex"))


def test_a_must_cross_programme_pairs_across_and_says_so() -> None:
    people = (
        person("acme-jr", organisation="acme"),
        person("globex-jr", organisation="globex"),
        senior("acme-sr", organisation="acme"),
        senior("globex-sr", organisation="globex"),
    )
    result = match(MatchingProblem(candidates=people, **rule(cross_organisation="must")))
    assert {(p.mentor_id, p.mentee_id) for p in result.pairs} == {
        ("acme-jr", "globex-sr"),
        ("globex-jr", "acme-sr"),
    }
    assert all(p.crosses_organisations for p in result.pairs)
    inside = match(MatchingProblem(candidates=people, **rule(cross_organisation="must_not")))
    assert inside.pairs
    assert not any(p.crosses_organisations for p in inside.pairs)

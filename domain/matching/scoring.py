"""The soft score of one pair, criterion by criterion, so every proposal can say why."""

from __future__ import annotations

from typing import Any

from domain.matching.model import (
    Candidate,
    Contribution,
    Criterion,
    MatchingWeights,
    ProgrammeFormat,
)


def coverage(offered: tuple[str, ...], wanted: tuple[str, ...]) -> tuple[float, list[str]]:
    """Share of what one wants to learn that the other can teach."""
    wanted_set = set(wanted)
    if not wanted_set:
        return 0.0, []
    common = sorted(wanted_set.intersection(offered))
    return len(common) / len(wanted_set), common


def jaccard(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[float, list[str]]:
    mine, theirs = set(first), set(second)
    union = mine | theirs
    if not union:
        return 0.0, []
    common = sorted(mine & theirs)
    return len(common) / len(union), common


def diversity_difference(first: Candidate, second: Candidate) -> tuple[float, int, int]:
    """Share of attributes both disclosed on which they differ; values are never reported."""
    shared_keys = first.diversity.keys() & second.diversity.keys()
    if not shared_keys:
        return 0.0, 0, 0
    differing = sum(1 for key in shared_keys if first.diversity[key] != second.diversity[key])
    return differing / len(shared_keys), differing, len(shared_keys)


def skills_value(
    mentor: Candidate, mentee: Candidate, format: ProgrammeFormat
) -> tuple[float, str]:
    forward, taught = coverage(mentor.skills_to_share, mentee.skills_to_learn)
    if format is ProgrammeFormat.REVERSE:
        return (
            forward,
            f"mentor can teach {len(taught)} of {len(set(mentee.skills_to_learn))}: "
            + (", ".join(taught) or "none"),
        )
    backward, returned = coverage(mentee.skills_to_share, mentor.skills_to_learn)
    # Mutual mentoring is only as good as the average of its two directions.
    return (forward + backward) / 2, (
        f"{len(taught)} skills one way ({', '.join(taught) or 'none'}),"
        f" {len(returned)} the other ({', '.join(returned) or 'none'})"
    )


# One criterion's contribution: criterion, weight, value, points, detail (as `Contribution`).
ContributionValues = tuple[Criterion, float, float, float, str]
FIELDS = ("criterion", "weight", "value", "points", "detail")


def contributions(
    mentor: Candidate, mentee: Candidate, weights: MatchingWeights, format: ProgrammeFormat
) -> tuple[Contribution, ...]:
    return tuple(
        Contribution(**fields) for fields in contribution_fields(mentor, mentee, weights, format)
    )


def contribution_fields(
    mentor: Candidate, mentee: Candidate, weights: MatchingWeights, format: ProgrammeFormat
) -> list[dict[str, Any]]:
    """The fields of each criterion's `Contribution`."""
    return [
        dict(zip(FIELDS, values, strict=True))
        for values in contribution_values(mentor, mentee, weights, format)
    ]


def contribution_values(
    mentor: Candidate, mentee: Candidate, weights: MatchingWeights, format: ProgrammeFormat
) -> tuple[ContributionValues, ...]:
    """Each criterion's contribution as plain values: a matching run explains thousands of
    pairs whose contributions mostly repeat, and builds a model only for each distinct one."""
    skills, skills_detail = skills_value(mentor, mentee, format)
    cross = 1.0 if mentor.department != mentee.department else 0.0
    interests, common = jaccard(mentor.interests, mentee.interests)
    diversity, differing, disclosed = diversity_difference(mentor, mentee)
    return (
        (Criterion.BASE, weights.base, 1.0, weights.base * 1.0, "meets every hard constraint"),
        (Criterion.SKILLS, weights.skills, skills, weights.skills * skills, skills_detail),
        (
            Criterion.CROSS_DEPARTMENT,
            weights.cross_department,
            cross,
            weights.cross_department * cross,
            "different departments" if cross else "same department",
        ),
        (
            Criterion.INTERESTS,
            weights.interests,
            interests,
            weights.interests * interests,
            f"shared interests: {', '.join(common) or 'none'}",
        ),
        (
            Criterion.DIVERSITY,
            weights.diversity,
            diversity,
            weights.diversity * diversity,
            f"differ on {differing} of {disclosed} attributes both chose to share",
        ),
    )


def pair_score(
    mentor: Candidate, mentee: Candidate, weights: MatchingWeights, format: ProgrammeFormat
) -> float:
    return sum(c.points for c in contributions(mentor, mentee, weights, format))

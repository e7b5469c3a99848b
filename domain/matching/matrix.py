"""The whole problem as arrays: feasibility and score of any block of mentor x mentee pairs.

25 million pairs (5,000 x 5,000) cannot be scored one by one in Python within a second, so every
rule is reduced once to small per-person arrays (`PairRules`): codes of the few distinct working
windows, language sets, organisations, departments and disclosed diversity attributes, and each
person's tags as bit sets. A block of rows is then scored with a handful of broadcasts (shared
tags counted exactly with AND and a population count), gathers from small tables and
divisions, all on arrays that stay in the processor's cache. The fast path (`sparse.py`) scores
the pairs block by block and never holds all 25 million exact scores at once: allocating and
touching a 200 MB matrix alone costs a visible part of a second. `dense_matrix` writes every
block into one dense matrix for the dense solve, the greedy baseline and the tests.

`constraints.violations` and `scoring.contributions` remain the reference: tests check that both
agree on every pair. Coverage and Jaccard values are divisions of the same integers as the
reference, so they are bit for bit the same; the criteria are added in a different order, which
can move a score by one rounding step (1e-15), far below any real difference between two pairs.

Imports numpy: never import this module from workflow code (see docs/architecture.md, sandbox).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from itertools import count as count_up
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from domain.matching.context import PairContext
from domain.matching.hierarchy import ReportingLines
from domain.matching.hours import overlap_minutes
from domain.matching.model import (
    Candidate,
    MatchingProblem,
    MatchingWeights,
    ProgrammeFormat,
    Violation,
)
from domain.matching.sides import Sides

Key = TypeVar("Key", bound=Hashable)
BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]
WordMatrix = npt.NDArray[np.unsignedinteger[Any]]
Float32Matrix = npt.NDArray[np.float32]
IntVector = npt.NDArray[np.int64]
Rows = slice | IntVector
AnyMatrix = TypeVar("AnyMatrix", BoolMatrix, Float32Matrix)

# Rows scored at once: 32 x 5,000 float64 cells (1.3 MB) keep a block's temporaries in cache
# (measured: 128 rows took twice as long per pair, 16 rows no faster).
BLOCK_ROWS = 32
# A table of a mentor's category (or profile) against every mentee is kept whole, row by row,
# when it has at most this many cells (the benchmark: 48 and 369 rows of 5,000): a block then
# copies 32 rows instead of gathering 160,000 cells one by one (four times the time).
ROW_TABLE_CELLS = 4_000_000
# Department x diversity profiles are folded into one table of points when it stays this small;
# otherwise the department comparison is a broadcast of its own.
CATEGORY_TABLE_CELLS = 1_000_000


@dataclass(frozen=True)
class Codes:
    """Each mentor's and each mentee's category, numbered to index a table of
    (mentor's category, mentee's category)."""

    mentors: IntVector
    mentees: IntVector


@dataclass(frozen=True)
class Disclosures:
    """The diversity attributes each person chose to disclose, numbered per side: person i's
    are `mentor_sets[codes.mentors[i]]` (a few dozen distinct sets among thousands)."""

    codes: Codes
    mentor_sets: tuple[dict[str, str], ...]
    mentee_sets: tuple[dict[str, str], ...]

    def compare(self, mentor_set: int, mentee_set: int) -> tuple[int, int]:
        """On how many attributes both disclosed the two differ, and how many both disclosed
        (as `scoring.diversity_difference`)."""
        mine, theirs = self.mentor_sets[mentor_set], self.mentee_sets[mentee_set]
        shared = mine.keys() & theirs.keys()
        return sum(1 for key in shared if mine[key] != theirs[key]), len(shared)


@dataclass(frozen=True)
class TagSets:
    """Each person's tags as bits of 64-bit words (mentors: words x rows, mentees: words x
    columns): the tags two people share are counted with one AND and one population count per
    word, exactly, without a floating-point matrix product."""

    mentors: WordMatrix
    mentees: WordMatrix
    # The tag of each bit, bit k % 64 of word k // 64 for tag k: sorted, so the bits of a set
    # from low to high name its tags in sorted order (as the explanations list them).
    tags: tuple[str, ...]

    def shared_pairs(self, rows: IntVector, cols: IntVector) -> npt.NDArray[np.uint8]:
        counts = np.zeros(len(rows), dtype=np.uint8)
        for mine, theirs in zip(self.mentors, self.mentees, strict=True):
            np.add(counts, np.bitwise_count(mine[rows] & theirs[cols]), out=counts)
        return counts

    def shared_into(
        self, rows: slice, words: WordMatrix, counts: npt.NDArray[np.uint8]
    ) -> npt.NDArray[np.uint8]:
        """`shared(rows)` written into buffers of the block's shape (`words` of this set's
        word type): the same counts without allocating a block-sized temporary per call."""
        if len(self.mentors) != 1:  # more than 64 tags: rare, allocated as before
            np.copyto(counts, self.shared(rows))
            return counts
        np.bitwise_and(self.mentors[0][rows][:, None], self.mentees[0][None, :], out=words)
        np.bitwise_count(words, out=counts)
        return counts

    def shared(self, rows: Rows) -> npt.NDArray[np.uint8]:
        if len(self.mentors) == 1:  # up to 64 distinct tags: no sum over words
            counts: npt.NDArray[np.uint8] = np.bitwise_count(
                self.mentors[0][rows][:, None] & self.mentees[0][None, :]
            )
            return counts
        counts = np.zeros((len(self.mentors[0][rows]), self.mentees.shape[1]), dtype=np.uint8)
        for mine, theirs in zip(self.mentors, self.mentees, strict=True):
            np.add(counts, np.bitwise_count(mine[rows][:, None] & theirs[None, :]), out=counts)
        return counts


@dataclass(frozen=True)
class ScreenTables:
    """The score's per-person factors in float32, folded so that the screen (see
    `PairRules.screen_block`) needs as few passes over a block as possible: a multiplication
    instead of a division by how many skills a mentee wants, the base point inside the table
    of category points, and no floor under an empty union of interests."""

    # skills weight / skills wanted, per mentee (halved in mutual programmes, and per mentor
    # for the reverse direction).
    skill_factor: Float32Matrix
    back_skill_factor: Float32Matrix | None
    # base + cross-department and diversity points, per (category, category), and per
    # (mentor's category, mentee) when small enough (`ROW_TABLE_CELLS`).
    points: Float32Matrix
    point_rows: Float32Matrix | None
    cross_department: np.float32
    # Interests listed per mentor (at least 1: a mentor with none shares none, so the share
    # is 0 whatever the union) and per mentee.
    interests_m: Float32Matrix
    interests_e: Float32Matrix
    interests_weight: np.float32

    @classmethod
    def of(
        cls,
        base: float,
        skills_weight: float,
        learn_count: FloatMatrix,
        back_learn_count: FloatMatrix | None,
        category_points: FloatMatrix,
        mentee_categories: IntVector,
        cross_department: float,
        interests_count_m: FloatMatrix,
        interests_count_e: FloatMatrix,
        interests_weight: float,
    ) -> ScreenTables:
        share = skills_weight if back_learn_count is None else skills_weight / 2
        points = (category_points + base).astype(np.float32)
        return cls(
            skill_factor=(share / learn_count).astype(np.float32),
            back_skill_factor=(
                None if back_learn_count is None else (share / back_learn_count).astype(np.float32)
            ),
            points=points,
            point_rows=_row_table(points, mentee_categories),
            cross_department=np.float32(cross_department),
            interests_m=np.maximum(interests_count_m, 1.0).astype(np.float32),
            interests_e=interests_count_e.astype(np.float32),
            interests_weight=np.float32(interests_weight),
        )


@dataclass(frozen=True)
class PairRules:
    """Feasibility and score of any mentor x mentee pair, computed a block at a time."""

    height: int
    width: int
    base: float
    skills_weight: float
    interests_weight: float
    # Skills a mentor shares and a mentee wants, as bit sets; the reverse direction only in
    # mutual programmes. Sizes are at least 1 (wanting nothing is covered 0 anyway).
    skills: TagSets
    learn_count: FloatMatrix
    back_skills: TagSets | None
    back_learn_count: FloatMatrix | None
    interests: TagSets
    interests_count_m: FloatMatrix
    interests_count_e: FloatMatrix
    # Cross-department and diversity points per (category, category); the department codes
    # when the two are not folded into one table.
    category: Codes
    category_points: FloatMatrix
    departments: Codes | None
    cross_department_weight: float
    disclosures: Disclosures
    # Working hours, shared language and the organisation rule as one table of profiles.
    profile: Codes
    profile_allowed: BoolMatrix
    # Per (mentor's profile, mentee), when small enough (`ROW_TABLE_CELLS`).
    allowed_rows: BoolMatrix | None
    levels: Codes | None
    # Cells ruled out one by one, as sorted flat indices `row * width + column`.
    listed: dict[Violation, IntVector]
    # The same rules one by one, for the explanations of unmatched people.
    hours: tuple[Codes, BoolMatrix]
    languages: tuple[Codes, BoolMatrix] | None
    organisations: tuple[Codes, BoolMatrix]
    screen: ScreenTables

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width

    @property
    def ceiling(self) -> float:
        """No pair scores more: every criterion's value is at most 1 (weights are >= 0)."""
        departments = self.cross_department_weight if self.departments is not None else 0.0
        return (
            self.base
            + self.skills_weight
            + float(self.category_points.max(initial=0.0))
            + departments
            + self.interests_weight
        )

    @classmethod
    def of(cls, problem: MatchingProblem, sides: Sides, context: PairContext) -> PairRules:
        return _rules(problem, sides, context)

    def block(self, rows: Rows) -> tuple[FloatMatrix, BoolMatrix]:
        """Scores (0 where unacceptable) and feasibility of `rows` x every mentee."""
        feasible = self._feasible(rows)
        weights = self._scores(rows)
        np.multiply(weights, feasible, out=weights)
        return weights, feasible

    def pair_weights(self, rows: IntVector, cols: IntVector) -> FloatMatrix:
        """Scores of the acceptable pairs (rows[k], cols[k]): the same operations in the same
        order as `block`, one pair per element, so the very same numbers."""
        score = np.divide(
            self.skills.shared_pairs(rows, cols), self.learn_count[cols], dtype=np.float64
        )
        if self.back_skills is not None:
            assert self.back_learn_count is not None
            back = self.back_skills.shared_pairs(rows, cols)
            np.add(score, back / self.back_learn_count[rows], out=score)
            np.divide(score, 2, out=score)
        np.multiply(score, self.skills_weight, out=score)
        np.add(score, self.base, out=score)
        np.add(
            score,
            self.category_points[self.category.mentors[rows], self.category.mentees[cols]],
            out=score,
        )
        if self.departments is not None:
            differ = np.not_equal(self.departments.mentors[rows], self.departments.mentees[cols])
            np.add(score, differ * self.cross_department_weight, out=score)
        if self.interests_weight:
            common = self.interests.shared_pairs(rows, cols)
            union = np.add(self.interests_count_m[rows], self.interests_count_e[cols])
            np.subtract(union, common, out=union)
            np.maximum(union, 1.0, out=union)
            np.divide(common, union, out=union)
            if self.interests_weight != 1.0:
                np.multiply(union, self.interests_weight, out=union)
            np.add(score, union, out=score)
        return score

    def pair_feasible(self, rows: IntVector, cols: IntVector) -> BoolMatrix:
        """Whether each pair (rows[k], cols[k]) meets every hard constraint."""
        feasible: BoolMatrix = self.profile_allowed[
            self.profile.mentors[rows], self.profile.mentees[cols]
        ]
        if self.levels is not None:
            feasible &= self.levels.mentors[rows] < self.levels.mentees[cols]
        keys = rows * self.width + cols
        for listed in self.listed.values():
            feasible &= ~_contains(listed, keys)
        return feasible

    def blocked_by(self, rows: IntVector, cols: IntVector) -> dict[Violation, BoolMatrix]:
        """Per hard constraint, which of `rows` x `cols` it rules out (for explanations)."""
        shape = (len(rows), len(cols))
        keys = rows[:, None] * self.width + cols[None, :]

        def listed(violation: Violation) -> BoolMatrix:
            return _contains(self.listed[violation], keys.ravel()).reshape(shape)

        def table(codes_and_table: tuple[Codes, BoolMatrix]) -> BoolMatrix:
            codes, rule = codes_and_table
            return rule[np.ix_(codes.mentors[rows], codes.mentees[cols])]

        if self.levels is not None:
            seniority = self.levels.mentors[rows][:, None] >= self.levels.mentees[cols][None, :]
        else:
            seniority = np.zeros(shape, dtype=np.bool_)
        languages = (
            table(self.languages) if self.languages is not None else np.zeros(shape, dtype=np.bool_)
        )
        # The order of the explanations' counts.
        return {
            Violation.SELF_PAIR: listed(Violation.SELF_PAIR),
            Violation.REPORTING_LINE: listed(Violation.REPORTING_LINE),
            Violation.ORGANISATIONS: table(self.organisations),
            Violation.EXCLUDED: listed(Violation.EXCLUDED),
            Violation.WORKING_HOURS: table(self.hours),
            Violation.NO_SHARED_LANGUAGE: languages,
            Violation.SENIORITY: seniority,
            Violation.ALREADY_PAIRED: listed(Violation.ALREADY_PAIRED),
        }

    def _feasible(self, rows: Rows, out: BoolMatrix | None = None) -> BoolMatrix:
        """Which pairs of `rows` x every mentee are acceptable (written into `out` if given,
        when the profile rows are kept whole)."""
        feasible: BoolMatrix
        if self.allowed_rows is not None:
            # "clip": with `out`, the default mode copies through a buffer (codes are in range).
            feasible = np.take(
                self.allowed_rows, self.profile.mentors[rows], axis=0, out=out, mode="clip"
            )
        else:
            allowed = self.profile_allowed[self.profile.mentors[rows]]
            feasible = np.take(allowed, self.profile.mentees, axis=1)
        if self.levels is not None:
            # Reverse mentoring: the mentor must be the more junior one.
            junior = np.less(self.levels.mentors[rows][:, None], self.levels.mentees[None, :])
            np.logical_and(feasible, junior, out=feasible)
        row_ids = np.arange(self.height)[rows]  # ascending: a slice or sorted indices
        if len(row_ids) == 0:
            return feasible
        first, last = int(row_ids[0]), int(row_ids[-1])
        for keys in self.listed.values():
            # A few cells each: clear those in this block's rows instead of sweeping the block.
            low, high = np.searchsorted(keys, [first * self.width, (last + 1) * self.width])
            cells = keys[low:high]
            if len(cells):
                cell_rows, cell_cols = np.divmod(cells, self.width)
                inside = np.searchsorted(row_ids, cell_rows)
                inside = np.minimum(inside, len(row_ids) - 1)
                hit = row_ids[inside] == cell_rows
                feasible[inside[hit], cell_cols[hit]] = False
        return feasible

    def _scores(self, rows: Rows, dtype: type[np.floating[Any]] = np.float64) -> Any:
        """Scores of `rows` x every mentee: exact in float64; float32 (half the memory traffic,
        off by a few units in the 7th digit) only where `screen_block` screens pairs."""
        # base + w * coverage first, as `scoring.contributions` adds them.
        score = np.divide(self.skills.shared(rows), self.learn_count[None, :], dtype=dtype)
        if self.back_skills is not None:
            assert self.back_learn_count is not None
            back = self.back_skills.shared(rows)
            np.add(
                score, np.divide(back, self.back_learn_count[rows][:, None], dtype=dtype), out=score
            )
            np.divide(score, 2, out=score)
        np.multiply(score, self.skills_weight, out=score)
        np.add(score, self.base, out=score)
        points = self.category_points[self.category.mentors[rows]]
        np.add(score, np.take(points, self.category.mentees, axis=1), out=score, dtype=dtype)
        if self.departments is not None:
            differ = np.not_equal(
                self.departments.mentors[rows][:, None], self.departments.mentees[None, :]
            )
            np.add(score, np.multiply(differ, self.cross_department_weight, dtype=dtype), out=score)
        if self.interests_weight:
            common = self.interests.shared(rows)
            union = np.add(
                self.interests_count_m[rows][:, None], self.interests_count_e[None, :], dtype=dtype
            )
            np.subtract(union, common, out=union)
            # Where the union is empty the intersection is too, so dividing by 1 keeps the 0.
            np.maximum(union, 1.0, out=union)
            np.divide(common, union, out=union)
            if self.interests_weight != 1.0:
                np.multiply(union, self.interests_weight, out=union)
            np.add(score, union, out=score)
        return score

    def screen_work(self, rows: int) -> ScreenWork:
        """Buffers for `screen_block` on blocks of up to `rows` rows."""
        shape = (rows, self.width)
        return ScreenWork(
            skill_words=np.empty(shape, dtype=self.skills.mentors.dtype),
            interest_words=np.empty(shape, dtype=self.interests.mentors.dtype),
            counts=np.empty(shape, dtype=np.uint8),
            term=np.empty(shape, dtype=np.float32),
            feasible=np.empty(shape, dtype=np.bool_),
        )

    def screen_block(self, rows: slice, out: Float32Matrix, work: ScreenWork | None = None) -> None:
        """Approximate scores of `rows` x every mentee into `out` (0 where unacceptable):
        in float32 with the folded factors of `ScreenTables` (a few units of float32's last
        digit off the exact scores), in about two thirds of the passes of `block`.

        Every temporary lives in `work` (made here if not given), reused from block to block:
        a fresh block-sized temporary per step (half a megabyte) came from a fresh mapping
        whose pages the kernel had to supply and zero, several times per block."""
        size = len(out)
        if work is None:
            work = self.screen_work(size)
        tables = self.screen
        counts, term = work.counts[:size], work.term[:size]
        skills = self.skills.shared_into(rows, work.skill_words[:size], counts)
        np.multiply(skills, tables.skill_factor[None, :], out=out)
        if self.back_skills is not None:
            assert tables.back_skill_factor is not None
            back = np.multiply(
                self.back_skills.shared(rows),
                tables.back_skill_factor[rows][:, None],
                dtype=np.float32,
            )
            np.add(out, back, out=out)
        if tables.point_rows is not None:
            codes = self.category.mentors[rows]
            np.take(tables.point_rows, codes, axis=0, out=term, mode="clip")
            np.add(out, term, out=out)
        else:
            points = tables.points[self.category.mentors[rows]]
            np.add(out, np.take(points, self.category.mentees, axis=1), out=out)
        if self.departments is not None:
            differ = np.not_equal(
                self.departments.mentors[rows][:, None], self.departments.mentees[None, :]
            )
            np.add(out, np.multiply(differ, tables.cross_department), out=out)
        if self.interests_weight:
            common = self.interests.shared_into(rows, work.interest_words[:size], counts)
            union = np.add(tables.interests_m[rows][:, None], tables.interests_e[None, :], out=term)
            np.subtract(union, common, out=union)
            np.divide(common, union, out=union)
            if self.interests_weight != 1.0:
                np.multiply(union, tables.interests_weight, out=union)
            np.add(out, union, out=out)
        np.multiply(out, self._feasible(rows, work.feasible[:size]), out=out)


@dataclass(frozen=True)
class ScreenWork:
    """The temporaries of `PairRules.screen_block`, allocated once for a whole sweep."""

    skill_words: WordMatrix
    interest_words: WordMatrix
    counts: npt.NDArray[np.uint8]
    term: Float32Matrix
    feasible: BoolMatrix


def _row_table(table: AnyMatrix, mentee_codes: IntVector) -> AnyMatrix | None:
    """`table` (mentor's code x mentee's code) as mentor's code x mentee, if small enough."""
    if table.shape[0] * len(mentee_codes) > ROW_TABLE_CELLS:
        return None
    rows: AnyMatrix = np.take(table, mentee_codes, axis=1)
    return rows


def first_of_equal(keys: IntVector) -> BoolMatrix:
    """Where each run of equal values in sorted `keys` starts."""
    first = np.ones(len(keys), dtype=np.bool_)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return first


def _contains(sorted_keys: IntVector, keys: IntVector) -> BoolMatrix:
    """Which of `keys` are in `sorted_keys`: a binary search each (`np.isin` builds a table
    as wide as the range of the keys, 25 million cells here)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=np.bool_)
    where = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    found: BoolMatrix = sorted_keys[where] == keys
    return found


@dataclass(frozen=True)
class PairMatrix:
    """Every pair at once: the dense problem for the dense solve, the greedy baseline and tests."""

    feasible: BoolMatrix
    # Score where feasible, 0 elsewhere: an infeasible "pair" is the same as no pair.
    weights: FloatMatrix

    @property
    def shape(self) -> tuple[int, int]:
        height, width = self.weights.shape
        return height, width

    @property
    def ceiling(self) -> float:
        return float(self.weights.max(initial=0.0))

    def block(self, rows: Rows) -> tuple[FloatMatrix, BoolMatrix]:
        return self.weights[rows], self.feasible[rows]

    def pair_weights(self, rows: IntVector, cols: IntVector) -> FloatMatrix:
        weights: FloatMatrix = self.weights[rows, cols]
        return weights

    def pair_feasible(self, rows: IntVector, cols: IntVector) -> BoolMatrix:
        feasible: BoolMatrix = self.feasible[rows, cols]
        return feasible

    def screen_work(self, rows: int) -> None:
        return None

    def screen_block(self, rows: slice, out: Float32Matrix, work: object = None) -> None:
        np.copyto(out, self.weights[rows], casting="same_kind")


def build_matrix(problem: MatchingProblem, sides: Sides, context: PairContext) -> PairMatrix:
    return dense_matrix(PairRules.of(problem, sides, context))


def dense_matrix(rules: PairRules) -> PairMatrix:
    feasible = np.empty(rules.shape, dtype=np.bool_)
    weights = np.empty(rules.shape, dtype=np.float64)
    for first in range(0, rules.height, BLOCK_ROWS):
        rows = slice(first, first + BLOCK_ROWS)
        weights[rows], feasible[rows] = rules.block(rows)
    return PairMatrix(feasible=feasible, weights=weights)


# -- the rules as arrays ----------------------------------------------------------------------


def _rules(problem: MatchingProblem, sides: Sides, context: PairContext) -> PairRules:
    mentors, mentees = sides.mentors, sides.mentees
    weights = problem.weights
    mutual = problem.format is ProgrammeFormat.MUTUAL
    skills, learn_count = _coverage(mentors, "skills_to_share", mentees, "skills_to_learn")
    back = _coverage(mentees, "skills_to_share", mentors, "skills_to_learn") if mutual else None
    vocabulary = _vocabulary(map(attrgetter("interests"), chain(mentors, mentees)))
    interests = TagSets(
        mentors=_bits(mentors, "interests", vocabulary),
        mentees=_bits(mentees, "interests", vocabulary),
        tags=tuple(vocabulary),
    )
    disclosures = _disclosures(mentors, mentees)
    category, category_points, departments = _categories(problem, mentors, mentees, disclosures)
    hours = _short_overlap(problem, mentors, mentees, context)
    languages = (
        _no_shared_language(mentors, mentees)
        if problem.constraints.require_shared_language
        else None
    )
    organisations = _organisations_blocked(problem, mentors, mentees)
    profile, allowed = _profiles(hours, languages, organisations)
    levels = None
    if problem.format is ProgrammeFormat.REVERSE:
        levels = Codes(
            mentors=np.array([c.career_level for c in mentors], dtype=np.int64),
            mentees=np.array([c.career_level for c in mentees], dtype=np.int64),
        )
        if len(mentors) and len(mentees) and levels.mentors.max() < levels.mentees.min():
            levels = None  # every mentor is more junior than every mentee: nothing to check
    interests_count_m = _sizes(interests.mentors)
    interests_count_e = _sizes(interests.mentees)
    screen = ScreenTables.of(
        base=weights.base,
        skills_weight=weights.skills,
        learn_count=learn_count,
        back_learn_count=back[1] if back is not None else None,
        category_points=category_points,
        mentee_categories=category.mentees,
        cross_department=weights.cross_department,
        interests_count_m=interests_count_m,
        interests_count_e=interests_count_e,
        interests_weight=weights.interests,
    )
    return PairRules(
        height=len(mentors),
        width=len(mentees),
        base=weights.base,
        skills_weight=weights.skills,
        interests_weight=weights.interests,
        skills=skills,
        learn_count=learn_count,
        # Mentees teach and mentors learn: the same sets seen from the other side.
        back_skills=(
            TagSets(mentors=back[0].mentees, mentees=back[0].mentors, tags=back[0].tags)
            if back
            else None
        ),
        back_learn_count=back[1] if back is not None else None,
        interests=interests,
        interests_count_m=interests_count_m,
        interests_count_e=interests_count_e,
        category=category,
        category_points=category_points,
        departments=departments,
        cross_department_weight=weights.cross_department,
        disclosures=disclosures,
        profile=profile,
        profile_allowed=allowed,
        allowed_rows=_row_table(allowed, profile.mentees),
        levels=levels,
        listed=_listed(problem, mentors, mentees, context),
        hours=hours,
        languages=languages,
        organisations=organisations,
        screen=screen,
    )


def _distinct(
    people: Sequence[Candidate],
    key: Callable[[Candidate], Hashable],
    category: Callable[[Hashable], Hashable] | None = None,
) -> tuple[IntVector, list[Hashable]]:
    """Each person's category as a number (in order of first appearance), and the categories
    (the keys themselves, or the `category` of each distinct key)."""
    codes, keys = _codes(map(key, people), len(people))
    if category is None:
        return codes, keys
    recoded, categories = _codes(map(category, keys), len(keys))
    # Distinct keys are in order of first appearance, so their categories are too.
    return recoded[codes], categories


def _codes(keys: Iterable[Key], count: int) -> tuple[IntVector, list[Key]]:
    """Each of `count` keys' number (in order of first appearance), and the distinct keys.

    The keys are read one at a time: a key equal to one seen before is freed at once, so
    thousands of per-person tuples never live together (and never set the cycle collector
    off; see the docstring of `explain`)."""
    # Each key's position of first appearance, read in C (`setdefault` keeps the first
    # position it was given): a generator numbering the keys cost half a microsecond a key.
    seen: dict[Key, int] = {}
    first = np.fromiter(map(seen.setdefault, keys, count_up()), dtype=np.int64, count=count)
    # First appearances in order are the distinct keys in order: number them 0, 1, 2, ...
    number = np.cumsum(first == np.arange(count)) - 1
    codes: IntVector = number[first]
    return codes, list(seen)


def _pair_table(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    key: Callable[[Candidate], Hashable],
    rule: Callable[[Hashable, Hashable], bool],
    category: Callable[[Hashable], Hashable] | None = None,
) -> tuple[Codes, BoolMatrix]:
    """A rule decided once per pair of distinct categories (a few hundred), not per pair.

    People are numbered by `key` (cheap: read in C), then, if given, the distinct keys by
    the `category` the rule reads (a few dozen calls instead of one per person)."""
    mentor_codes, mentor_values = _distinct(mentors, key, category)
    mentee_codes, mentee_values = _distinct(mentees, key, category)
    table = np.array(
        [[rule(a, b) for b in mentee_values] for a in mentor_values], dtype=np.bool_
    ).reshape(len(mentor_values), len(mentee_values))
    return Codes(mentors=mentor_codes, mentees=mentee_codes), table


def _short_overlap(
    problem: MatchingProblem,
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    context: PairContext,
) -> tuple[Codes, BoolMatrix]:
    minimum = problem.constraints.min_overlap_minutes

    def window(hours: Hashable) -> Hashable:
        assert isinstance(hours, tuple)
        return context.window_of(*hours)

    def too_short(first: Hashable, second: Hashable) -> bool:
        assert isinstance(first, tuple)
        assert isinstance(second, tuple)
        return overlap_minutes(first, second) < minimum

    hours = attrgetter("working_hours_start", "working_hours_end", "time_zone")
    return _pair_table(mentors, mentees, hours, too_short, window)


def _no_shared_language(
    mentors: Sequence[Candidate], mentees: Sequence[Candidate]
) -> tuple[Codes, BoolMatrix]:
    def languages(spoken: Hashable) -> Hashable:
        assert isinstance(spoken, tuple)
        return frozenset(spoken)

    def disjoint(first: Hashable, second: Hashable) -> bool:
        assert isinstance(first, frozenset)
        assert isinstance(second, frozenset)
        return not (first & second)

    return _pair_table(mentors, mentees, attrgetter("languages"), disjoint, languages)


def _organisations_blocked(
    problem: MatchingProblem, mentors: Sequence[Candidate], mentees: Sequence[Candidate]
) -> tuple[Codes, BoolMatrix]:
    rule = problem.constraints

    def excluded(first: Hashable, second: Hashable) -> bool:
        assert isinstance(first, str)
        assert isinstance(second, str)
        return not rule.organisations_allowed(first, second)

    return _pair_table(mentors, mentees, attrgetter("organisation"), excluded)


def _profiles(
    hours: tuple[Codes, BoolMatrix],
    languages: tuple[Codes, BoolMatrix] | None,
    organisations: tuple[Codes, BoolMatrix],
) -> tuple[Codes, BoolMatrix]:
    """The three category rules folded into one table over combined profiles: one gather per
    block instead of three."""
    rules = [hours, organisations] + ([languages] if languages is not None else [])
    sides = []
    for axis, side in enumerate(("mentors", "mentees")):
        # Each person's codes as one number (mixed radix, in the same order as the rows of
        # codes would sort): a unique over numbers, not over rows.
        sizes = tuple(table.shape[axis] for _, table in rules)
        combined = np.ravel_multi_index([getattr(codes, side) for codes, _ in rules], sizes)
        values, codes = np.unique(combined, return_inverse=True)
        distinct = np.stack(np.unravel_index(values, sizes), axis=1)
        sides.append((codes.reshape(-1).astype(np.int64), distinct))
    (mentor_codes, mentor_profiles), (mentee_codes, mentee_profiles) = sides
    blocked = np.zeros((len(mentor_profiles), len(mentee_profiles)), dtype=np.bool_)
    for k, (_, table) in enumerate(rules):
        blocked |= table[np.ix_(mentor_profiles[:, k], mentee_profiles[:, k])]
    return Codes(mentors=mentor_codes, mentees=mentee_codes), ~blocked


def _listed(
    problem: MatchingProblem,
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    context: PairContext,
) -> dict[Violation, IntVector]:
    width = len(mentees)
    mentor_index = dict(zip(map(_person_id, mentors), count_up()))
    mentee_index = dict(zip(map(_person_id, mentees), count_up()))

    def cells(pairs: Iterable[tuple[str, str]]) -> IntVector:
        found = {
            mentor_index[a] * width + mentee_index[b]
            for a, b in pairs
            if a in mentor_index and b in mentee_index
        }
        return np.array(sorted(found), dtype=np.int64)

    exclusions = [(p.first_id, p.second_id) for p in problem.exclusions]
    return {
        # Someone on both sides (a set of ids in common, not a pass over every mentor).
        Violation.SELF_PAIR: cells((a, a) for a in mentor_index.keys() & mentee_index.keys()),
        Violation.REPORTING_LINE: _reporting_cells(mentors, mentees, context.lines),
        Violation.EXCLUDED: cells([*exclusions, *((b, a) for a, b in exclusions)]),
        Violation.ALREADY_PAIRED: cells((p.mentor_id, p.mentee_id) for p in problem.occupied),
    }


_person_id = attrgetter("person_id")


def _reporting_cells(
    mentors: Sequence[Candidate], mentees: Sequence[Candidate], lines: ReportingLines
) -> IntVector:
    """Cells where one person is in the other's management chain, inside one organisation.

    All chains climb together, one level per step, as arrays (a person per element): a
    Python walk per person took a tenth of a second on 10,000 people. Climbing past the
    first repeated manager of a cycle in bad HR data only meets managers already met, so the
    set of cells is the same as `ReportingLines.chain` gives; after as many steps as there
    are people every chain has met all of its managers.
    """
    width = len(mentees)
    people = (*mentors, *mentees)
    # Everyone numbered in order of first appearance (pool first), in C: dict.fromkeys keeps
    # the first of equal ids, and the numbers are positions among the distinct ids.
    ids = dict.fromkeys(chain(map(_person_id, people), lines.manager_of, lines.manager_of.values()))
    index = dict(zip(ids, count_up()))
    size = len(index)
    parent = np.full(size, -1, dtype=np.int64)
    reports = len(lines.manager_of)
    number = index.__getitem__
    parent[np.fromiter(map(number, lines.manager_of), dtype=np.int64, count=reports)] = np.fromiter(
        map(number, lines.manager_of.values()), dtype=np.int64, count=reports
    )
    row = np.full(size, -1, dtype=np.int64)
    column = np.full(size, -1, dtype=np.int64)
    row[: len(mentors)] = np.arange(len(mentors))
    column[len(mentors) : len(mentors) + width] = np.arange(width)
    # Reporting lines apply inside an organisation only (-1: not in the pool).
    organisation = np.full(size, -1, dtype=np.int64)
    organisations = list(map(attrgetter("organisation"), people))
    names = _vocabulary([organisations])
    organisation[: len(people)] = np.fromiter(
        map(names.__getitem__, organisations), dtype=np.int64, count=len(people)
    )
    person, ancestor = np.arange(size), parent
    found: list[IntVector] = [np.zeros(0, dtype=np.int64)]
    for _ in range(size + 1):
        climbing = ancestor >= 0
        if not climbing.any():
            break
        person, ancestor = person[climbing], ancestor[climbing]
        same = (organisation[person] == organisation[ancestor]) & (organisation[person] >= 0)
        below = same & (row[person] >= 0) & (column[ancestor] >= 0)
        found.append(row[person[below]] * width + column[ancestor[below]])
        above = same & (column[person] >= 0) & (row[ancestor] >= 0)
        found.append(row[ancestor[above]] * width + column[person[above]])
        ancestor = parent[ancestor]
    cells = np.sort(np.concatenate(found))
    unique: IntVector = cells[first_of_equal(cells)]
    return unique


# -- soft score -------------------------------------------------------------------------------


def _coverage(
    teachers: Sequence[Candidate], offered: str, learners: Sequence[Candidate], wanted: str
) -> tuple[TagSets, FloatMatrix]:
    """What teachers offer and learners want as bit sets (teachers on the mentors' side), and
    how many tags each learner wants (at least 1: wanting nothing is covered 0 anyway)."""
    vocabulary = _vocabulary(
        chain(map(attrgetter(offered), teachers), map(attrgetter(wanted), learners))
    )
    sets = TagSets(
        mentors=_bits(teachers, offered, vocabulary),
        mentees=_bits(learners, wanted, vocabulary),
        tags=tuple(vocabulary),
    )
    return sets, np.maximum(_sizes(sets.mentees), 1.0)


def _categories(
    problem: MatchingProblem,
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    disclosures: Disclosures,
) -> tuple[Codes, FloatMatrix, Codes | None]:
    """Cross-department and diversity points, per pair of (department, disclosed attributes)."""
    weights = problem.weights
    department = attrgetter("department")
    mentor_codes, mentor_categories = _codes(
        zip(map(department, mentors), disclosures.codes.mentors.tolist(), strict=True),
        len(mentors),
    )
    mentee_codes, mentee_categories = _codes(
        zip(map(department, mentees), disclosures.codes.mentees.tolist(), strict=True),
        len(mentees),
    )
    folded = len(mentor_categories) * len(mentee_categories) <= CATEGORY_TABLE_CELLS
    # Far fewer distinct pairs of disclosed attributes than of categories: each worked out
    # once, then spread over the categories with arrays.
    points = _diversity_points(weights, disclosures)
    if folded:
        points = _folded_points(weights, points, mentor_categories, mentee_categories)
    else:
        # The points of the disclosed sets only; departments are compared on their own.
        mentor_codes, mentee_codes = disclosures.codes.mentors, disclosures.codes.mentees
    departments = None
    if not folded and weights.cross_department:
        departments = _department_codes(mentors, mentees)
    return Codes(mentors=mentor_codes, mentees=mentee_codes), points, departments


def _department_codes(mentors: Sequence[Candidate], mentees: Sequence[Candidate]) -> Codes:
    """One numbering of departments across both sides, so equal names get equal codes."""
    names = _vocabulary([c.department] for c in (*mentors, *mentees))
    return Codes(
        mentors=np.array([names[c.department] for c in mentors], dtype=np.int64),
        mentees=np.array([names[c.department] for c in mentees], dtype=np.int64),
    )


def _diversity_points(weights: MatchingWeights, disclosures: Disclosures) -> FloatMatrix:
    """The reference's diversity points of every (mentor's, mentee's) set of disclosed
    attributes."""
    points = np.zeros((len(disclosures.mentor_sets), len(disclosures.mentee_sets)))
    for a in range(points.shape[0]):
        for b in range(points.shape[1]):
            differing, shared = disclosures.compare(a, b)
            points[a, b] = weights.diversity * (differing / shared) if shared else 0.0
    return points


def _folded_points(
    weights: MatchingWeights,
    diversity: FloatMatrix,
    mentor_categories: Sequence[tuple[str, int]],
    mentee_categories: Sequence[tuple[str, int]],
) -> FloatMatrix:
    """The reference's cross-department and diversity points per pair of categories
    (department, set of disclosed attributes): the cross-department points (the weight times
    1.0 or 0.0) plus the diversity points, the same two floating-point operations as the
    reference's, so the same numbers."""
    names = _vocabulary(
        [department for department, _ in categories]
        for categories in (mentor_categories, mentee_categories)
    )
    mentor_departments = np.array([names[d] for d, _ in mentor_categories], dtype=np.int64)
    mentee_departments = np.array([names[d] for d, _ in mentee_categories], dtype=np.int64)
    differ = np.not_equal.outer(mentor_departments, mentee_departments).astype(np.float64)
    mentor_sets = np.array([code for _, code in mentor_categories], dtype=np.int64)
    mentee_sets = np.array([code for _, code in mentee_categories], dtype=np.int64)
    points: FloatMatrix = weights.cross_department * differ
    np.add(points, diversity[np.ix_(mentor_sets, mentee_sets)], out=points)
    return points


def _disclosures(mentors: Sequence[Candidate], mentees: Sequence[Candidate]) -> Disclosures:
    mentor_codes, mentor_sets = _disclosed_sets(mentors)
    mentee_codes, mentee_sets = _disclosed_sets(mentees)
    return Disclosures(
        codes=Codes(mentors=mentor_codes, mentees=mentee_codes),
        mentor_sets=tuple(dict(items) for items in mentor_sets),
        mentee_sets=tuple(dict(items) for items in mentee_sets),
    )


def _disclosed_sets(
    people: Sequence[Candidate],
) -> tuple[IntVector, list[tuple[tuple[str, str], ...]]]:
    """Each person's set of disclosed attributes as a number (in order of first appearance),
    and the sets as sorted items.

    People are first told apart by their attributes as listed (read in C), then the few
    dozen distinct listings are sorted: two listings of the same attributes in another
    order sort alike and get one number, as when every person's were sorted."""
    listings = map(tuple, map(dict.items, map(attrgetter("diversity"), people)))
    codes, distinct = _codes(listings, len(people))
    recoded, sets = _codes((tuple(sorted(items)) for items in distinct), len(distinct))
    numbers: IntVector = recoded[codes]
    return numbers, sets


# -- set incidence ----------------------------------------------------------------------------


def _vocabulary(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    """Each distinct tag's number, in sorted order (the same numbering in every run)."""
    return {tag: k for k, tag in enumerate(sorted(set().union(*groups)))}


def _bits(people: Sequence[Candidate], attribute: str, vocabulary: dict[str, int]) -> WordMatrix:
    """Words x people: bit `k % 64` of word `k // 64` set where the person lists tag k.

    Every (person, tag) pair is read in one pass and the bits set with numpy (a tag listed
    twice sets its bit twice: a set, as the reference compares them)."""
    lists = list(map(attrgetter(attribute), people))
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(people))
    tags = np.fromiter(
        map(vocabulary.__getitem__, chain.from_iterable(lists)),
        dtype=np.int64,
        count=int(counts.sum()),
    )
    words = max(1, -(-len(vocabulary) // 64))
    masks = np.zeros(words * len(people), dtype=np.uint64)
    owner = np.repeat(np.arange(len(people)), counts)
    bits = np.left_shift(np.uint64(1), (tags % 64).astype(np.uint64))
    np.bitwise_or.at(masks, (tags // 64) * len(people) + owner, bits)
    if words > 1:
        return masks.reshape(words, len(people))
    # Every mask is one word, in the narrowest type that holds it: the AND and the population
    # count of a block then move half (or less) of the memory.
    narrowest: type[np.unsignedinteger[Any]] = np.uint64
    for narrowest in (np.uint8, np.uint16, np.uint32, np.uint64):
        if len(vocabulary) <= np.iinfo(narrowest).bits:
            break
    single: WordMatrix = masks.astype(narrowest).reshape(1, len(people))
    return single


def _sizes(sets: WordMatrix) -> FloatMatrix:
    """How many distinct tags each person lists: the bits set in their words."""
    sizes: FloatMatrix = np.bitwise_count(sets).sum(axis=0, dtype=np.int64).astype(np.float64)
    return sizes

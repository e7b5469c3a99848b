"""Everything the per-pair rules need besides the two people, computed once per problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from operator import attrgetter

from domain.matching.hierarchy import ReportingLines
from domain.matching.hours import utc_window
from domain.matching.model import Candidate, MatchingProblem


@dataclass(frozen=True)
class PairContext:
    problem: MatchingProblem
    lines: ReportingLines
    exclusions: frozenset[frozenset[str]]
    occupied: frozenset[tuple[str, str]]
    # Keyed by what decides a window, not by person: a few dozen entries for thousands of
    # people (a matching run keeps its garbage small, see `explain`).
    _windows: dict[tuple[time, time, str], tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, problem: MatchingProblem) -> PairContext:
        lines = ReportingLines.from_people(
            map(attrgetter("person_id", "manager_id"), problem.candidates),
            problem.reporting_lines,
        )
        return cls(
            problem=problem,
            lines=lines,
            exclusions=frozenset(pair.key() for pair in problem.exclusions),
            occupied=frozenset((p.mentor_id, p.mentee_id) for p in problem.occupied),
        )

    def window(self, person: Candidate) -> tuple[int, int]:
        return self.window_of(
            person.working_hours_start, person.working_hours_end, person.time_zone
        )

    def window_of(self, start: time, end: time, time_zone: str) -> tuple[int, int]:
        """Working hours in minutes of the UTC day (see `hours.utc_window`), once per
        distinct hours and zone."""
        key = (start, end, time_zone)
        cached = self._windows.get(key)
        if cached is None:
            reference_date = self.problem.constraints.reference_date
            cached = utc_window(start, end, time_zone, reference_date)
            self._windows[key] = cached
        return cached

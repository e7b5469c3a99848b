"""Reporting lines: who sits above whom, through the whole manager chain.

A mentor who reports (even indirectly) to the mentee, or the other way round, cannot speak freely
in the relationship, so such pairs are ruled out however well they would score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class ReportingLines:
    def __init__(self, manager_of: Mapping[str, str]) -> None:
        self._manager_of = dict(manager_of)
        self._chains: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_people(
        cls, people: Iterable[tuple[str, str | None]], extra: Mapping[str, str] | None = None
    ) -> ReportingLines:
        manager_of = dict(extra or {})
        for person_id, manager_id in people:
            if manager_id:
                manager_of[person_id] = manager_id
        return cls(manager_of)

    @property
    def manager_of(self) -> Mapping[str, str]:
        """Each person's direct manager, where known."""
        return self._manager_of

    def chain(self, person_id: str) -> tuple[str, ...]:
        """Every manager above the person, nearest first; stops at a cycle in bad HR data."""
        cached = self._chains.get(person_id)
        if cached is not None:
            return cached
        chain: list[str] = []
        seen = {person_id}
        current = self._manager_of.get(person_id)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = self._manager_of.get(current)
        result = tuple(chain)
        self._chains[person_id] = result
        return result

    def related(self, first_id: str, second_id: str) -> bool:
        """True when either one is in the other's management chain."""
        return second_id in self.chain(first_id) or first_id in self.chain(second_id)

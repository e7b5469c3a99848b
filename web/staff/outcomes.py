"""Programme outcomes for staff: retention and inclusion figures, each group withheld below the
minimum group size (a small count is itself revealing).

Retention counts a departure when a pair ended because one of its people left the organisation
(the `participant_left` HR event). Departures after the programme, and of people never paired,
reach no relationship and so are not recorded yet: the page says so instead of showing a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.database import Pool
from web.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class Share:
    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return None if self.whole == 0 else self.part / self.whole


@dataclass(frozen=True, slots=True)
class Retention:
    suppressed: bool
    participants: int | None
    left_during: Share | None
    enrolled_not_paired: int | None


@dataclass(frozen=True, slots=True)
class InclusionGroup:
    attribute: str
    value: str
    suppressed: bool
    enrolled: int | None = None
    matched: Share | None = None
    completion: Share | None = None
    satisfaction: float | None = None
    satisfaction_withheld: bool = False


async def retention(pool: Pool, programme_id: str, min_group_size: int) -> Retention:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(load_sql("staff_retention"), programme_id)
    assert row is not None  # aggregates always answer one row
    if row["participants"] < min_group_size:
        return Retention(True, None, None, None)
    return Retention(
        suppressed=False,
        participants=row["participants"],
        left_during=Share(row["left_during"], row["participants"]),
        enrolled_not_paired=row["enrolled_not_paired"],
    )


async def inclusion(pool: Pool, programme_id: str, min_group_size: int) -> list[InclusionGroup]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_inclusion"), programme_id)
    groups: list[InclusionGroup] = []
    for row in rows:
        if row["enrolled"] < min_group_size:
            groups.append(InclusionGroup(row["attribute"], row["value"], suppressed=True))
            continue
        too_few_answers = row["respondents"] < min_group_size
        groups.append(
            InclusionGroup(
                attribute=row["attribute"],
                value=row["value"],
                suppressed=False,
                enrolled=row["enrolled"],
                matched=Share(row["matched"], row["enrolled"]),
                completion=Share(row["completed"], row["ended"]),
                satisfaction=None if too_few_answers else row["satisfaction"],
                satisfaction_withheld=too_few_answers,
            )
        )
    return groups

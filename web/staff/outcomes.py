"""Programme outcomes for staff: retention and inclusion figures, each group withheld below the
minimum group size (a small count is itself revealing).

Retention (reporting/retention.py) compares the people the programme enrolled with the rest of
its organisations' roster, from every HR "participant left" event. In a programme of several
organisations, a coordinator reads their own organisation's figures or the joint ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.programme import ProgrammeTerm
from reporting.retention import RetentionReport, programme_retention
from store.database import Pool
from store.organisations import programme_members
from web.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class Share:
    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return None if self.whole == 0 else self.part / self.whole


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


async def organisations_counted(pool: Pool, programme_id: str, own: str | None) -> tuple[str, ...]:
    """The organisations whose people count: ``own`` alone, else every member organisation."""
    if own is not None:
        return (own,)
    async with pool.acquire() as conn:
        return tuple(await programme_members(conn, programme_id))


async def retention(
    pool: Pool,
    programme_id: str,
    organisations: Sequence[str],
    term: ProgrammeTerm,
    min_group_size: int,
    today: date,
) -> RetentionReport:
    async with pool.acquire() as conn:
        return await programme_retention(
            conn, programme_id, organisations, term, min_group_size, today
        )


async def inclusion(
    pool: Pool, programme_id: str, organisations: Sequence[str], min_group_size: int
) -> list[InclusionGroup]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_inclusion"), programme_id, list(organisations))
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

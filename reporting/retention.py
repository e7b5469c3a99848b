"""Retention: of the people a programme enrolled, how many left the organisation during its term
and after it, beside the same figures for everyone else on the roster of its organisations.

The two groups are published under the rules of the programme report
(`projections/report_figures.py`): a group smaller than the minimum group size is withheld, and
then the other one too, since the roster's size (which HR knows) minus the group shown would give
the withheld one away (complementary suppression). Shares are rounded like the report's.

Departures come from HR's "participant left" events (`store/leavers.py`), recorded for every
person of the organisation whether or not they were in a pair. A person who left before the
programme started counts in neither group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from domain.programme import ProgrammeTerm
from projections.report_figures import SHARE_DECIMALS, withheld_groups
from store.database import Connection
from store.leavers import RetentionCounts, retention_counts

ENROLLED = "enrolled"
NOT_ENROLLED = "not_enrolled"


class RetentionGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(description="`enrolled` or `not_enrolled` (the rest of the roster).")
    suppressed: bool
    # `small_group` or `complementary`, like the report's groups; None when shown.
    reason: str | None = None
    people: int | None = Field(
        default=None, description="People of the group still there when the programme began."
    )
    left_during: int | None = None
    left_after: int | None = None
    left_during_rate: float | None = None
    left_after_rate: float | None = None


class RetentionReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    min_group_size: int
    starts_on: date
    ends_on: date
    programme_ended: bool = Field(
        description="False while the term runs: nobody can have left after it yet."
    )
    enrolled: RetentionGroup
    not_enrolled: RetentionGroup


def retention_report(
    counts: Mapping[bool, RetentionCounts], term: ProgrammeTerm, min_group_size: int, today: date
) -> RetentionReport:
    """The two groups' figures, each withheld below ``min_group_size`` (see the module)."""
    groups = {ENROLLED: counts.get(True), NOT_ENROLLED: counts.get(False)}
    sizes = {key: 0 if found is None else found.people for key, found in groups.items()}
    # A group of nobody hides no one: when everyone on the roster enrolled, the enrolled figures
    # are the roster's, and nothing is withheld for an empty rest.
    withheld = withheld_groups({k: n for k, n in sizes.items() if n > 0}, min_group_size)
    shown = {
        key: _group(key, groups[key], sizes[key], min_group_size, key in withheld) for key in groups
    }
    return RetentionReport(
        min_group_size=min_group_size,
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        programme_ended=today > term.ends_on,
        enrolled=shown[ENROLLED],
        not_enrolled=shown[NOT_ENROLLED],
    )


async def programme_retention(
    conn: Connection,
    programme_id: str,
    organisations: Sequence[str],
    term: ProgrammeTerm,
    min_group_size: int,
    today: date,
) -> RetentionReport:
    """Retention of the programme among the people of ``organisations`` (all its member
    organisations for the joint figures, one for an organisation's own)."""
    counts = await retention_counts(conn, programme_id, organisations, term.starts_on, term.ends_on)
    return retention_report(counts, term, min_group_size, today)


def _group(
    key: str, counts: RetentionCounts | None, size: int, minimum: int, withheld: bool
) -> RetentionGroup:
    if size == 0:
        return RetentionGroup(key=key, suppressed=False, people=0, left_during=0, left_after=0)
    if size < minimum:
        return RetentionGroup(key=key, suppressed=True, reason="small_group")
    if withheld or counts is None:
        return RetentionGroup(key=key, suppressed=True, reason="complementary")
    return RetentionGroup(
        key=key,
        suppressed=False,
        people=counts.people,
        left_during=counts.left_during,
        left_after=counts.left_after,
        left_during_rate=round(counts.left_during / size, SHARE_DECIMALS),
        left_after_rate=round(counts.left_after / size, SHARE_DECIMALS),
    )

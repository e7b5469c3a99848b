"""`twoway demo`: the local stack, a demo programme, and simulated people living through it.

Within about five minutes the Temporal UI shows relationships in every phase, an escalation, a
mutual evolution and completions; mail lands in the local sink and the programme report fills.
The simulated people answer through the same `answer_prompt` update as real ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

from domain.commands import RecordLeaveEnded, RecordLeaveStarted
from domain.programme import PairRecord
from localstack.demo_setup import demo_programme, enrol_demo_people, start_and_approve
from localstack.stack import run_stack
from localstack.stack_state import StackState
from services.pairs import relationship_handle
from simulation.cohort import CohortDriver, CohortMember
from simulation.personas import Persona
from twoway.bootstrap import Runtime, open_runtime
from twoway.credentials import ensure_local_api_key, operator_token_from_settings
from twoway.settings import Settings
from workflows.relationship import RelationshipWorkflow

# Who each pair is, in order: every kind appears in the first few pairs.
_KINDS: tuple[tuple[Persona, Persona], ...] = (
    (Persona.ENGAGED, Persona.ENGAGED),
    (Persona.GHOSTING, Persona.GHOSTING),
    (Persona.ENGAGED, Persona.TENSE),
    (Persona.MUTUAL, Persona.ENGAGED),
    (Persona.ENGAGED, Persona.DECLINING),
    (Persona.ENGAGED, Persona.ENGAGED),
    (Persona.MUTUAL, Persona.ENGAGED),
    (Persona.ENGAGED, Persona.ENGAGED),
)
# Some pairs wake up later, so that every phase is on screen at once for a while.
_LATE_STARTERS = {5: timedelta(seconds=90), 7: timedelta(seconds=150)}
# One pair goes on leave for a while: the UI shows it paused, then resumed.
_ON_LEAVE = 6
LEAVE_FROM, LEAVE_UNTIL = timedelta(seconds=60), timedelta(seconds=150)
DRIVE_FOR = timedelta(minutes=30)
POLL = 2.0


def personas_for(index: int, pair: PairRecord) -> dict[str, Persona]:
    mentor, mentee = _KINDS[index % len(_KINDS)]
    return {pair.mentor_id: mentor, pair.mentee_id: mentee}


async def run_demo(settings: Settings, announce: Callable[[str], None] = print) -> int:
    """The local stack, with the demo programme set up and driven beside it."""

    @contextlib.asynccontextmanager
    async def demo_programme(state: StackState, stop: asyncio.Event) -> AsyncIterator[None]:
        async with open_runtime(settings, database_url=state.database_url) as runtime:
            members, programme_id = await _set_up(runtime, announce)
            announce(guide(settings, programme_id))
            tasks = [
                asyncio.create_task(_drive(members, stop)),
                asyncio.create_task(_leave_story(members, stop)),
            ]
            for task in tasks:
                task.add_done_callback(_report_failure(announce))
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()

    return await run_stack(settings, announce, alongside=demo_programme)


async def _set_up(
    runtime: Runtime, announce: Callable[[str], None]
) -> tuple[list[CohortMember], str]:
    programme = demo_programme(datetime.now(UTC))
    announce(f"twoway demo: enrolling the demo roster in programme {programme.programme_id} ...")
    await enrol_demo_people(await runtime.pool(), programme.programme_id)
    client = await runtime.client()
    announce("twoway demo: matching, approving and starting the relationships ...")
    pairs = await start_and_approve(client, programme, runtime.settings.task_queue)
    now = datetime.now(UTC)
    members = []
    for index, pair in enumerate(sorted(pairs, key=lambda p: p.mentor_id)):
        handle = relationship_handle(client, pair.relationship_id)
        delay = _LATE_STARTERS.get(index)
        members.append(
            CohortMember(
                handle, personas_for(index, pair), not_before=now + delay if delay else None
            )
        )
    return members, programme.programme_id


async def _drive(members: list[CohortMember], stop: asyncio.Event) -> None:
    async def advance(delta: timedelta) -> None:
        # Real time, in short steps, so a Ctrl-C is never kept waiting.
        await asyncio.sleep(min(delta.total_seconds(), POLL))

    async def clock() -> datetime:
        return datetime.now(UTC)

    driver = CohortDriver(
        members=members,
        advance=advance,
        clock=clock,
        until=datetime.now(UTC) + DRIVE_FOR,
        seed=1,
        # The coordinator takes most of the response window, so the open case is visible.
        coordinator_delay_share=0.8,
    )
    await driver.run()


async def _leave_story(members: list[CohortMember], stop: asyncio.Event) -> None:
    if len(members) <= _ON_LEAVE:
        return
    member = members[_ON_LEAVE]
    mentee = next(pid for pid in member.personas if pid != _mentor_of(member))
    await asyncio.sleep(LEAVE_FROM.total_seconds())
    await member.handle.signal(
        RelationshipWorkflow.hr_event, RecordLeaveStarted(participant_id=mentee)
    )
    member.dirty = True
    await asyncio.sleep((LEAVE_UNTIL - LEAVE_FROM).total_seconds())
    await member.handle.signal(
        RelationshipWorkflow.hr_event, RecordLeaveEnded(participant_id=mentee)
    )
    member.dirty = True


def _report_failure(
    announce: Callable[[str], None],
) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            announce(f"twoway demo: the simulated people stopped: {task.exception()!r}")

    return done


def _mentor_of(member: CohortMember) -> str:
    return next(iter(member.personas))


def guide(settings: Settings, programme_id: str) -> str:
    ui = f"http://127.0.0.1:{settings.ui_port}"
    web = f"http://127.0.0.1:{settings.web_port}"
    query = urllib.parse.quote(f'MentoringProgramme = "{programme_id}"')
    key_file = ensure_local_api_key(settings)
    operator_token_from_settings(settings)  # created on first use, so the path below exists
    lines = [
        "",
        "twoway demo is running: 20 pairs of simulated people, a term of three minutes each.",
        f"  Temporal UI, this programme's relationships: {ui}/namespaces/{settings.namespace}"
        f"/workflows?query={query}",
        "    add a column for MentoringPhase, MentoringHealth and EscalationOpen; open one to see",
        "    its current details, its timeline query, and the pending prompts.",
        f"  Escalations:  {ui}/namespaces/{settings.namespace}/workflows?query="
        + urllib.parse.quote("EscalationOpen = true"),
        f"  Programme report (refresh it): {web}/programmes/{programme_id}/report",
        f"    sign in once at {web}/codec/login with the token in {settings.operator_token_file}",
        "  Mail sent to participants:  .venv/bin/twoway mail list",
        f"  HR API docs: {web}/docs  (API key in {key_file})"
        if key_file
        else f"  HR API: {web}/docs",
        "Within five minutes: every phase, an escalation, a mutual pair, completions."
        " Ctrl-C stops it.",
    ]
    return "\n".join(lines)

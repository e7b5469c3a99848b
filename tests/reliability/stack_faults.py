"""Shared by the fault tests: a real `twoway up`, simulated participants on a real clock, and
the "nothing lost, nothing doubled" checks against PostgreSQL and the mail sink.

Participants answer through the `answer_prompt` update with a deterministic answer id (and the
same update id), so a call cut off by a fault is simply sent again: the workflow dedupes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import (
    Client,
    WorkflowHistoryEventFilterType,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError
from temporalio.worker import Replayer

from delivery.email import message_id_for
from delivery.mailsink import MailStore
from domain.commands import AnswerPrompt, EndRelationship
from domain.events import EVENT_ADAPTER, RelationshipProposed
from domain.policy import RelationshipPolicy
from domain.state import MeetingStatus, Phase, RelationshipState
from localstack.processes import ManagedProcess
from projections.stream import ProjectedStream, advance, start_stream
from services.pairs import PairRequest, RelationshipHandle, start_relationship
from simulation.driver import answer_id, situation
from simulation.personas import Persona, answer_for
from store.database import Pool
from store.people import Person, upsert_person
from store.personal_data import Sealer
from tests.e2e.test_local_stack import (
    READY_TIMEOUT,
    STOP_TIMEOUT,
    RunningStack,
    stack_env,
    start_stack,
    stop_stack,
)
from twoway.converter import sealer_from_settings
from twoway.settings import Settings
from twoway.temporal_client import connect_client, sandbox_runner
from workflows.registry import ALL_WORKFLOWS
from workflows.relationship import RelationshipWorkflow

# A whole relationship in seconds: meetings every 5 s; every window is long enough that a
# fault of ~40 s (a killed worker's activity times out after 30 s) lapses no prompt.
SECONDS_POLICY = RelationshipPolicy(
    consent_deadline=timedelta(minutes=5),
    prompt_reminder_lead=timedelta(minutes=1),
    onboarding_deadline=timedelta(minutes=5),
    contracting_deadline=timedelta(minutes=5),
    default_cadence=timedelta(seconds=5),
    meeting_reminder_lead=timedelta(seconds=1),
    meeting_log_window=timedelta(minutes=5),
    default_meeting_length=timedelta(seconds=1),
    checkin_interval=timedelta(hours=1),
    checkin_response_window=timedelta(minutes=5),
    closing_window=timedelta(minutes=5),
    coordinator_response_deadline=timedelta(minutes=5),
    owner_response_deadline=timedelta(minutes=5),
    default_term_length=timedelta(hours=1),
)
PROGRAMME = "faults"
POLL = 0.2
CHILD_RESTART_TIMEOUT = 60.0
# The default wait of assert_nothing_lost_or_doubled for the read model and the mail to settle.
SETTLE_WITHIN = 120.0


def bounded_by(*waits: float) -> pytest.MarkDecorator:
    """A fault test's timeout from its own bounds: the stack's start and stop, the waits the
    test allows itself, and a minute of margin for a loaded machine."""
    return pytest.mark.timeout(READY_TIMEOUT + STOP_TIMEOUT + sum(waits) + 60)


def pair_request(number: int, programme: str = PROGRAMME) -> PairRequest:
    return PairRequest(
        programme_id=programme,
        mentor_id=f"emp-m{number}",
        mentee_id=f"emp-l{number}",
        coordinator_id="coordinator",
        owner_id="programme-owner",
        policy=SECONDS_POLICY,
    )


def meetings_held(state: RelationshipState) -> int:
    return sum(1 for m in state.meetings if m.status == MeetingStatus.HELD)


def active_with_meetings(count: int) -> Callable[[RelationshipState], bool]:
    def reached(state: RelationshipState) -> bool:
        return state.phase == Phase.ACTIVE and meetings_held(state) >= count

    return reached


# -- the stack ----------------------------------------------------------------------------------


@dataclass
class LiveStack:
    running: RunningStack
    home: Path
    settings: Settings
    client: Client
    database_url: str

    def child_pid(self, name: str) -> int:
        state = json.loads((self.home / "run" / "stack.json").read_text())
        pid: int = state["child_pids"][name]
        return pid

    def kill_child(self, name: str) -> int:
        pid = self.child_pid(name)
        os.kill(pid, signal.SIGKILL)
        return pid

    async def wait_restarted(self, name: str, killed: int) -> None:
        """Until the supervisor has started a new process for `name` (bounded)."""
        deadline = time.monotonic() + CHILD_RESTART_TIMEOUT
        while time.monotonic() < deadline:
            if self.child_pid(name) != killed:
                return
            await asyncio.sleep(POLL)
        raise AssertionError(f"{name} was not restarted within {CHILD_RESTART_TIMEOUT} s")

    @property
    def mail(self) -> MailStore:
        return MailStore(self.settings.mail_dir)


@contextmanager
def running_stack(home: Path, **settings: str) -> Iterator[RunningStack]:
    """`twoway up` in `home`; keyword arguments become TWOWAY_<NAME> settings of the stack."""
    env = stack_env(home)
    # Mail leaves the outbox within a second, so the checks need not wait long for it.
    env["TWOWAY_DISPATCH_INTERVAL_SECONDS"] = "0.5"
    env.update({f"TWOWAY_{name.upper()}": value for name, value in settings.items()})
    running = start_stack(env)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            stop_stack(running)


@contextlib.asynccontextmanager
async def second_copy(
    stack: LiveStack, name: str, module: str, ready_line: str
) -> AsyncIterator[ManagedProcess]:
    """One more process of the stack's kind (as `docker compose --scale` runs), logging beside
    the others so the log scan covers it; stopped with SIGTERM at the end."""
    env = {
        **stack.running.env,
        "TWOWAY_TEMPORAL_ADDRESS": stack.settings.temporal_target,
        "TWOWAY_DATABASE_URL": stack.database_url,
    }
    log_path = stack.home / "logs" / f"{name}.log"
    process = ManagedProcess(name, [sys.executable, "-m", module], log_path, env)
    await process.start()
    try:

        async def started() -> bool:
            return ready_line in log_path.read_text(errors="replace")

        await process.wait_ready(started, CHILD_RESTART_TIMEOUT)
        yield process
    finally:
        await process.stop(grace=30)


async def connect_stack(running: RunningStack) -> LiveStack:
    home = Path(running.env["TWOWAY_HOME"])
    settings = Settings(
        home=home,
        temporal_port=int(running.env["TWOWAY_TEMPORAL_PORT"]),
        web_port=int(running.env["TWOWAY_WEB_PORT"]),
        smtp_port=int(running.env["TWOWAY_SMTP_PORT"]),
    )
    state = json.loads((home / "run" / "stack.json").read_text())
    client = await connect_client(settings)
    # The stack seals personal values in its event store with the key kept in its home.
    _current_unsealer[:] = [sealer_from_settings(settings)]
    return LiveStack(running, home, settings, client, state["database_url"])


# How to read the personal values the stack under test sealed (`store.personal_data`); the fault
# tests run one stack at a time.
_current_unsealer: list[Sealer] = []


# -- participants -------------------------------------------------------------------------------


@dataclass
class Participants:
    """Engaged people answering every prompt of their relationships as soon as they see it."""

    client: Client
    deadline: float
    seed: int = 0
    answers_sent: int = 0
    # Calls that failed on the way (RPC errors during a fault) and were sent again.
    retried: int = 0
    # Queries the worker answered with a failure (see `_query`), asked again.
    query_failures: int = 0
    latencies: list[float] = field(default_factory=list)
    _answered: set[str] = field(default_factory=set)

    async def drive(
        self, handle: RelationshipHandle, reached: Callable[[RelationshipState], bool]
    ) -> RelationshipState:
        rng = random.Random(f"{self.seed}:{handle.id}")
        while time.monotonic() < self.deadline:
            state = await self._query(handle)
            if state is None:
                continue
            if reached(state) or state.is_terminal:
                return await self._end(handle)
            if not await self._answer_open(handle, state, rng):
                await asyncio.sleep(POLL)
        raise AssertionError(f"{handle.id} did not reach its target in time")

    async def answer_open_now(self, handle: RelationshipHandle) -> int:
        """Answer, once, every prompt open on `handle` right now; how many were applied."""
        before = self.answers_sent
        state = None
        while state is None and time.monotonic() < self.deadline:
            state = await self._query(handle)
        if state is not None:
            await self._answer_open(handle, state, random.Random(f"{self.seed}:{handle.id}"))
        return self.answers_sent - before

    async def _end(self, handle: RelationshipHandle) -> RelationshipState:
        """The chosen end: the coordinator closes the pair, so its final state is fixed."""
        while time.monotonic() < self.deadline:
            try:
                return await end_relationship(handle)
            except RPCError:
                self.retried += 1
                await asyncio.sleep(POLL)
        raise AssertionError(f"{handle.id} could not be ended in time")

    async def _query(self, handle: RelationshipHandle) -> RelationshipState | None:
        try:
            return await asyncio.wait_for(handle.query(RelationshipWorkflow.state), timeout=10)
        except (RPCError, TimeoutError):
            # No worker to answer the query (it is being restarted): look again shortly.
            self.retried += 1
            await asyncio.sleep(POLL)
            return None
        except WorkflowQueryFailedError:
            # Seen once right after a worker handoff: the SDK's legacy-query replay on the other
            # worker failed (TMPRL1100) while no workflow task ever did. The caller asks again;
            # the test replays every full history at the end, so real nondeterminism still fails.
            self.query_failures += 1
            await asyncio.sleep(POLL)
            return None

    async def _answer_open(
        self, handle: RelationshipHandle, state: RelationshipState, rng: random.Random
    ) -> bool:
        acted = False
        now = datetime.now(UTC)
        for prompt in sorted(state.open_prompts, key=lambda p: p.prompt_id):
            key = f"{handle.id}/{prompt.prompt_id}"
            if key in self._answered:
                continue
            answer = answer_for(Persona.ENGAGED, prompt, situation(state, now), rng)
            if answer is None:
                continue
            command = AnswerPrompt(
                answer_id=answer_id(prompt),
                prompt_id=prompt.prompt_id,
                respondent_id=prompt.recipient_id,
                answer=answer,
            )
            await self._send(handle, command)
            self._answered.add(key)
            acted = True
        return acted

    async def _send(self, handle: RelationshipHandle, command: AnswerPrompt) -> None:
        while time.monotonic() < self.deadline:
            started = time.monotonic()
            try:
                await handle.execute_update(
                    RelationshipWorkflow.answer_prompt, command, id=command.answer_id
                )
            except WorkflowUpdateFailedError:
                # Refused: the prompt closed meanwhile (a deadline on a real clock).
                return
            except RPCError:
                self.retried += 1
                await asyncio.sleep(POLL)
                continue
            self.latencies.append(time.monotonic() - started)
            self.answers_sent += 1
            return
        raise AssertionError(f"answer {command.answer_id} never applied")


# How long a lost update is sent again: after a worker is killed, an update it had admitted is
# lost until another worker takes the workflow task over (its task timeout, about 10 s).
RESEND_WITHIN = 60.0


async def _has_closed(handle: RelationshipHandle) -> bool:
    # Not `describe()`: it cannot decode these servers' datetime search attribute.
    with contextlib.suppress(RPCError):
        async for _ in handle.fetch_history_events(
            event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT
        ):
            return True
    return False


async def end_relationship(handle: RelationshipHandle, attempts: int = 5) -> RelationshipState:
    deadline = time.monotonic() + RESEND_WITHIN
    while True:
        try:
            with contextlib.suppress(WorkflowUpdateFailedError):
                # Refused when an earlier call already ended it.
                await handle.execute_update(
                    RelationshipWorkflow.coordinator_action,
                    EndRelationship(),
                    id=f"test-end:{handle.id}",
                )
            break
        except RPCError:
            # The server lost track of the update (it can, after a crash, or on the
            # time-skipping server). If an earlier call ended the relationship, its workflow
            # has closed and the server may keep no result for the update: that is the end we
            # asked for. Otherwise the update is idempotent, so send it again.
            if await _has_closed(handle):
                break
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(POLL)
    await handle.result()
    for _ in range(attempts):
        try:
            return await handle.query(RelationshipWorkflow.state)
        except WorkflowQueryFailedError:
            # The query replay failure described in `Participants._query`: ask again.
            await asyncio.sleep(POLL)
    return await handle.query(RelationshipWorkflow.state)


async def start_pairs(client: Client, count: int, task_queue: str) -> list[RelationshipHandle]:
    return [
        await start_relationship(client, pair_request(n), task_queue=task_queue)
        for n in range(1, count + 1)
    ]


# -- nothing lost, nothing doubled --------------------------------------------------------------


async def poll_until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(POLL)
    raise AssertionError(f"not within {within} s: {what}")


async def stored_stream(pool: Pool, stream_id: str) -> list[tuple[int, str, dict[str, object]]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT stream_version, event_type, data FROM events"
            " WHERE stream_id = $1 ORDER BY stream_version",
            stream_id,
        )
        datas = [r["data"] for r in rows]
        for sealer in _current_unsealer:
            datas = await sealer.unseal_all(conn, datas)
    return [(r["stream_version"], r["event_type"], d) for r, d in zip(rows, datas, strict=True)]


def fold(stream: list[tuple[int, str, dict[str, object]]]) -> ProjectedStream:
    events = [EVENT_ADAPTER.validate_python(data) for _, _, data in stream]
    first = events[0]
    assert isinstance(first, RelationshipProposed)
    folded = start_stream(first)
    for event in events[1:]:
        folded = advance(folded, event)
    return folded


async def read_model_caught_up(pool: Pool, state: RelationshipState) -> bool:
    """The stored stream folds to exactly the workflow's state, and the read row says so."""
    stream = await stored_stream(pool, state.relationship_id)
    row = await pool.fetchrow(
        "SELECT phase, last_version FROM relationships WHERE relationship_id = $1",
        state.relationship_id,
    )
    if not stream or row is None:
        return False
    folded = fold(stream).relationship.model_copy(update={"policy": state.policy})
    return bool(
        folded == state and row["phase"] == state.phase.value and row["last_version"] == len(stream)
    )


async def assert_nothing_lost_or_doubled(
    pool: Pool, states: list[RelationshipState], mail: MailStore, within: float = 60.0
) -> None:
    for state in states:
        await poll_until(
            lambda s=state: read_model_caught_up(pool, s),  # type: ignore[misc]
            within,
            f"read model of {state.relationship_id} equals the workflow state",
        )
        versions = [v for v, _, _ in await stored_stream(pool, state.relationship_id)]
        assert versions == list(range(1, len(versions) + 1)), state.relationship_id
        answers = list(state.processed_answer_ids)
        assert len(answers) == len(set(answers)), state.relationship_id

    keys = [r["idempotency_key"] for r in await pool.fetch("SELECT idempotency_key FROM outbox")]
    assert keys
    assert len(keys) == len(set(keys))

    async def all_mail_delivered() -> bool:
        left = await pool.fetchval("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
        return bool(left == 0)

    await poll_until(all_mail_delivered, within, "every outbox row delivered")
    kept = Counter(entry.message_id.strip("<>") for entry in mail.entries())
    assert kept
    assert max(kept.values()) == 1, "a Message-ID kept twice"
    # Each queued message arrived, and nothing else did.
    assert set(kept) == {message_id_for(key).strip("<>") for key in keys}


async def enrol_people(pool: Pool, count: int) -> None:
    """Mail goes to people the roster knows; reachable around the clock, so nothing defers."""
    ids = ["coordinator", "programme-owner"]
    ids += [f"emp-{role}{n}" for n in range(1, count + 1) for role in ("m", "l")]
    async with pool.acquire() as conn:
        for person_id in ids:
            await upsert_person(
                conn,
                Person(
                    person_id=person_id,
                    display_name=f"Person {person_id}",
                    email=f"{person_id}@example.test",
                    # No working days configured: nothing waits for a window.
                    working_days=(),
                ),
            )


def assert_logs_hold_no_personal_data(home: Path) -> None:
    """Every process's log of the whole run: no names, e-mails, keys, tokens or link tokens."""
    secrets = [
        (home / "keys" / name).read_text().strip()
        for name in ("api.key", "operator.token", "link.secret")
        if (home / "keys" / name).exists()
    ]
    logs = {path.name: path.read_text(errors="replace") for path in (home / "logs").glob("*.log")}
    assert {"worker.log", "dispatcher.log", "mailsink.log", "web.log"} <= set(logs)
    for name, text in logs.items():
        assert "@example.test" not in text, f"an e-mail address in {name}"
        assert "Person " not in text, f"a name in {name}"
        # The web's request log names the route with `{token}` in place of the link token.
        assert not re.search(r"/inbox/[^{]", text), f"an inbox link in {name}"
        for secret in secrets:
            assert secret not in text, f"a secret in {name}"


async def assert_histories_replay(client: Client, handles: list[RelationshipHandle]) -> None:
    """Every pair's whole history replays on today's workflow code without a nondeterminism."""
    replayer = Replayer(
        workflows=list(ALL_WORKFLOWS),
        data_converter=client.data_converter,
        workflow_runner=sandbox_runner(),
    )
    for handle in handles:
        history = await handle.fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, f"{handle.id}: {result.replay_failure}"

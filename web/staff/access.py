"""Who a staff link names, and which programmes they may see.

A staff link is signed like a participant's inbox link but for another purpose, so neither opens
the other. Roles come from the programme definitions (``coordinator_ids``, ``owner_id``) and, for
pairs started directly through the API, from the roles those pairs were given. An operator signs
in with the operator token and sees every programme, but never a participant's private note:
that is for the assigned coordinator and the owner only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from delivery.links import LinkSigner, LinkTokenError
from domain.programme import Programme
from domain.state import RelationshipState
from services.programmes import programme_handle
from twoway.logging import get_logger
from web.services import WebServices
from web.sql_files import load_sql
from web.staff.organisations import staff_organisations
from workflows.programme import ProgramWorkflow

log = get_logger(__name__)

# Never a person id: those start with a letter or a digit.
OPERATOR_SUBJECT = "~operator"
# How an operator appears as the actor of what they did.
OPERATOR_ACTOR = "operator"
# An operator's sign-in is a session at a desk, not a link kept in a mailbox for weeks.
OPERATOR_TTL = timedelta(hours=8)
COORDINATOR = "coordinator"
OWNER = "owner"

NOTHING_HERE = "There is nothing for you here. Open the link from your most recent e-mail."
# Enough for every programme of one organisation; more would be a sign of something else.
_PROGRAMME_LIMIT = 500
# A programme's definition never changes once created: each is read from its workflow once.
# A programme whose worker does not answer in time is skipped for this page, not waited for.
_DEFINITION_TIMEOUT = timedelta(seconds=5)
_DEFINITIONS: dict[tuple[str, str], Programme] = {}


class StaffRefusedError(Exception):
    """A refusal whose message is safe to show: it never says whether something else exists."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class StaffViewer:
    """A signed-in coordinator or owner (with their roles per programme), or an operator."""

    person_id: str | None
    roles: Mapping[str, frozenset[str]]
    # Programme -> the viewer's organisation there, for programmes of several organisations
    # (web/staff/organisations.py): there the viewer sees the pairs of their own people only.
    organisations: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_operator(self) -> bool:
        return self.person_id is None

    @property
    def actor(self) -> str:
        return self.person_id or OPERATOR_ACTOR

    @property
    def label(self) -> str:
        return "operator" if self.person_id is None else self.person_id

    @property
    def programme_filter(self) -> list[str] | None:
        """The programmes to list, or None for all of them (operators)."""
        return None if self.is_operator else sorted(self.roles)

    def sees(self, programme_id: str) -> bool:
        return self.is_operator or programme_id in self.roles

    def roles_in(self, programme_id: str) -> frozenset[str]:
        return self.roles.get(programme_id, frozenset())

    def reads_private_note(self, state: RelationshipState) -> bool:
        """Only the coordinator the case is assigned to and the programme owner read the note."""
        return self.person_id is not None and self.person_id in (
            state.coordinator_id,
            state.owner_id,
        )


def staff_signer(services: WebServices) -> LinkSigner:
    return services.signer.for_staff()


def operator_signer(services: WebServices) -> LinkSigner:
    signer = staff_signer(services)
    return replace(signer, ttl=min(signer.ttl, OPERATOR_TTL))


def operator_link_token(services: WebServices) -> str:
    return operator_signer(services).make(OPERATOR_SUBJECT, services.clock())


async def viewer_from_token(services: WebServices, token: str) -> StaffViewer:
    try:
        subject = staff_signer(services).verify(token, services.clock())
    except LinkTokenError as error:
        raise StaffRefusedError(403, str(error)) from None
    if subject == OPERATOR_SUBJECT:
        return StaffViewer(person_id=None, roles={})
    roles = await roles_of(services, subject)
    if not roles:
        raise StaffRefusedError(403, "This link belongs to nobody with a role in a programme.")
    organisations = await staff_organisations(services, subject, sorted(roles))
    return StaffViewer(person_id=subject, roles=roles, organisations=organisations)


async def roles_of(services: WebServices, person_id: str) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for programme in await programme_definitions(services):
        if person_id in programme.coordinator_ids:
            found.setdefault(programme.programme_id, set()).add(COORDINATOR)
        if person_id == programme.owner_id:
            found.setdefault(programme.programme_id, set()).add(OWNER)
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_roles_from_pairs"), person_id)
        partners = await conn.fetch(load_sql("staff_organisations_of"), person_id)
    # The coordinators a partner organisation named for a programme of several organisations.
    for row in partners:
        found.setdefault(row["programme_id"], set()).add(COORDINATOR)
    for row in rows:
        roles = found.setdefault(row["programme_id"], set())
        if row["coordinator"]:
            roles.add(COORDINATOR)
        if row["owner"]:
            roles.add(OWNER)
    return {programme: frozenset(roles) for programme, roles in found.items()}


async def programme_definitions(services: WebServices) -> list[Programme]:
    """Every programme's definition, read from its workflow (the source of truth for roles)."""
    seen: set[str] = set()
    programmes: list[Programme] = []
    # The programmes this deployment's workers run (their task queue): a programme left on
    # another queue has no worker here and would only make the query wait.
    query = f'WorkflowType = "Programme" AND TaskQueue = "{services.settings.task_queue}"'
    async for execution in services.client.list_workflows(query, limit=_PROGRAMME_LIMIT):
        if execution.id in seen:
            continue
        seen.add(execution.id)
        key = (services.client.namespace, execution.id)
        if key not in _DEFINITIONS:
            # A typed handle from the service, as the tests take theirs: a cold mypy run then
            # agrees with a warm one.
            handle = programme_handle(services.client, execution.id)
            try:
                _DEFINITIONS[key] = await handle.query(
                    ProgramWorkflow.definition, rpc_timeout=_DEFINITION_TIMEOUT
                )
            except (RPCError, WorkflowQueryFailedError) as error:
                # One unreadable programme must not lock its staff out of the others.
                log.warning("programme_definition_unreadable", error=type(error).__name__)
                continue
        programmes.append(_DEFINITIONS[key])
    return programmes

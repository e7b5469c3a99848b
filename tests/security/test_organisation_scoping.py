"""Threat: an HR system of one organisation reads or changes a person of another.

Two organisations share one twoway: `globex` runs a programme with its people, a pair and an open
case; `acme` holds a key with every scope. Every route of the real web app that takes an API key
is tried with acme's key on globex's person, programme, pair and case (the routes are enumerated
from the app, so a route added later fails this test until it is listed here), and none of them
shows or changes anything of globex's; globex's own key, sent the same requests, reads them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from fastapi.routing import iter_route_contexts
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from delivery.links import LinkSigner
from domain.commands import OpenEscalation
from domain.prompts import ConsentAnswer, OnboardingAnswer
from localstack.binaries import temporal_cli
from localstack.ports import free_port
from store.database import Pool
from tests.fixtures.temporal import TEST_KEYRING
from tests.web.conftest import API_KEY, LINK_SECRET, OPERATOR_TOKEN, wait_for
from tests.web.pairs import answer, handle_of
from tests.web.stack import ThreadedStack
from tests.web.test_programmes import csv_upload, programme_body
from twoway.credentials import hash_api_key
from twoway.settings import Settings
from web.app import create_app
from workflows.relationship import RelationshipWorkflow
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

KEY_ACME = "tw_test-only-acme-key-0000000000000000000000"
KEY_GLOBEX = "tw_test-only-globex-key-00000000000000000000"
KEY_INITECH = "tw_test-only-initech-key-0000000000000000000"
KEY_ACME_FIGURES = "tw_test-only-acme-figures-key-0000000000000"
ALL = "import-rosters+start-pairs+read-figures+send-hr-events+manage-staff"

# Routes that take no API key: their own links or sign-in guard them (tests/web, tests/security).
_NOT_KEY_ROUTES = ("/staff", "/inbox", "/codec", "/docs", "/redoc", "/openapi.json", "/healthz")

GLOBEX_ROSTER = (
    "employee_id,display_name,email,department,time_zone,languages,career_level,"
    "role_preference,organisation\n"
    "{m},Gloria Mentor,gloria.m@globex.example,IT,Europe/Paris,en,2,mentor,globex\n"
    "{e},Gustav Mentee,gustav.e@globex.example,Finance,Europe/Paris,en,9,mentee,globex\n"
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def dev_server_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of this module's own: the staff workspace reads every programme's definition
    from its workflow, and those of earlier modules (whose workers are gone) would each wait out
    their query on a shared one."""
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter,
        dev_server_existing_path=str(temporal_cli()),
        search_attributes=ALL_SEARCH_ATTRIBUTES,
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="module")
def web_settings(
    tmp_path_factory: pytest.TempPathFactory,
    dev_server_env: WorkflowEnvironment,
    web_database_url: str,
) -> Settings:
    keys = ",".join(
        (
            hash_api_key(API_KEY),
            f"{hash_api_key(KEY_ACME)}@acme:{ALL}",
            f"{hash_api_key(KEY_GLOBEX)}@globex:{ALL}",
            f"{hash_api_key(KEY_ACME_FIGURES)}@acme:read-figures",
            f"{hash_api_key(KEY_INITECH)}@initech:{ALL}",
        )
    )
    return Settings(
        home=tmp_path_factory.mktemp("org-home"),
        temporal_address=dev_server_env.client.service_client.config.target_host,
        namespace=dev_server_env.client.namespace,
        database_url=web_database_url,
        task_queue=f"org-{uuid.uuid4().hex[:12]}",
        web_port=free_port(),
        encryption_keys=SecretStr(TEST_KEYRING.render()),
        api_key_hashes=keys,
        operator_token=SecretStr(OPERATOR_TOKEN),
        link_secret=SecretStr(LINK_SECRET),
        ui_origin="http://127.0.0.1:8233",
    )


@dataclass(frozen=True)
class Globex:
    """What globex owns: the attacker names these in every request."""

    programme: str
    mentor: str
    mentee: str
    person: str
    relationship_id: str
    case_key: str


async def _client(stack: ThreadedStack, key: str) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=stack.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def acme(web_stack: ThreadedStack) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(web_stack, KEY_ACME):
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def globex_api(web_stack: ThreadedStack) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(web_stack, KEY_GLOBEX):
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def initech(web_stack: ThreadedStack) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(web_stack, KEY_INITECH):
        yield client


def person_entry(name: str, email: str) -> dict[str, object]:
    return {"display_name": name, "email": email}


async def _globex_world(api: httpx.AsyncClient, client: Client) -> Globex:
    tag = uuid.uuid4().hex[:6]
    programme, mentor, mentee, person = f"gx{tag}", f"gx-m-{tag}", f"gx-e-{tag}", f"gx-p-{tag}"
    created = await api.post("/api/v1/programmes", json=programme_body(programme))
    assert created.status_code == 201, created.text
    roster = GLOBEX_ROSTER.format(m=mentor, e=mentee)
    imported = await api.post(f"/api/v1/programmes/{programme}/roster", files=csv_upload(roster))
    assert imported.status_code == 200, imported.text
    put = await api.put(
        f"/api/v1/people/{person}", json=person_entry("Greta Private", "greta@globex.example")
    )
    assert put.status_code == 200, put.text
    pair = {
        "programme_id": programme,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "coordinator_id": "coord-1",
        "owner_id": "owner-1",
    }
    started = await api.post("/api/v1/pairs", json=pair)
    assert started.status_code == 201, started.text
    relationship_id: str = started.json()["relationship_id"]
    briefed = OnboardingAnswer(
        understands_roles=True,
        understands_responsibilities=True,
        commits_to_rapport=True,
        accepts_confidentiality=True,
    )
    for role, who in (("mentor", mentor), ("mentee", mentee)):
        accept = ConsentAnswer(decision="accept")
        await answer(client, relationship_id, f"consent:{role}", who, accept)
    for role, who in (("mentor", mentor), ("mentee", mentee)):
        await answer(client, relationship_id, f"onboarding:{role}", who, briefed)
    await handle_of(client, relationship_id).execute_update(
        RelationshipWorkflow.coordinator_action, OpenEscalation(note="globex only")
    )
    keys: list[str] = []

    async def case_listed() -> bool:
        found = await api.get("/api/v1/cases", params={"programme_id": programme})
        keys[:] = [item["escalation_key"] for item in found.json()["items"]]
        return len(keys) == 1

    await wait_for(case_listed, what="globex's case in the list")
    return Globex(programme, mentor, mentee, person, relationship_id, keys[0])


# A roster naming globex's person, to overwrite their address.
TAKEOVER_ROSTER = (
    "employee_id,display_name,email,department,time_zone,languages,career_level,"
    "role_preference\n"
    "{m},Taken Over,thief@acme.example,IT,Europe/Paris,en,2,mentor\n"
)

Attempt = Callable[[httpx.AsyncClient, Globex], Awaitable[httpx.Response]]


def _attempts() -> dict[tuple[str, str], Attempt]:
    """One request per route, each aimed at what globex owns."""

    def case(g: Globex) -> str:
        return quote(g.case_key, safe="")

    return {
        ("POST", "/api/v1/pairs"): lambda c, g: c.post(
            "/api/v1/pairs",
            json={
                "programme_id": g.programme,
                "mentor_id": g.mentor,
                "mentee_id": g.person,
                "coordinator_id": "coord-1",
                "owner_id": "owner-1",
            },
        ),
        ("GET", "/api/v1/pairs/{relationship_id}"): lambda c, g: c.get(
            f"/api/v1/pairs/{g.relationship_id}"
        ),
        ("GET", "/api/v1/pairs/{relationship_id}/timeline"): lambda c, g: c.get(
            f"/api/v1/pairs/{g.relationship_id}/timeline"
        ),
        ("PUT", "/api/v1/people/{person_id}"): lambda c, g: c.put(
            f"/api/v1/people/{g.person}", json=person_entry("Taken Over", "thief@acme.example")
        ),
        ("GET", "/api/v1/people/{person_id}"): lambda c, g: c.get(f"/api/v1/people/{g.person}"),
        ("GET", "/api/v1/relationships"): lambda c, g: c.get(
            "/api/v1/relationships", params={"programme_id": g.programme}
        ),
        ("POST", "/api/v1/hr-events"): lambda c, g: c.post(
            "/api/v1/hr-events", json={"employee_id": g.mentor, "type": "participant_left"}
        ),
        ("POST", "/api/v1/pairs/{relationship_id}/hr-events"): lambda c, g: c.post(
            f"/api/v1/pairs/{g.relationship_id}/hr-events",
            json={"participant_id": g.mentee, "type": "participant_left"},
        ),
        ("POST", "/api/v1/programmes"): lambda c, g: c.post(
            "/api/v1/programmes", json=programme_body(g.programme)
        ),
        ("POST", "/api/v1/programmes/{programme_id}/roster"): lambda c, g: c.post(
            f"/api/v1/programmes/{g.programme}/roster",
            files=csv_upload(TAKEOVER_ROSTER.format(m=g.mentor)),
        ),
        ("POST", "/api/v1/programmes/{programme_id}/matching"): lambda c, g: c.post(
            f"/api/v1/programmes/{g.programme}/matching"
        ),
        ("POST", "/api/v1/programmes/{programme_id}/close"): lambda c, g: c.post(
            f"/api/v1/programmes/{g.programme}/close"
        ),
        ("GET", "/api/v1/programmes/{programme_id}"): lambda c, g: c.get(
            f"/api/v1/programmes/{g.programme}"
        ),
        ("GET", "/api/v1/programmes/{programme_id}/proposal"): lambda c, g: c.get(
            f"/api/v1/programmes/{g.programme}/proposal"
        ),
        ("POST", "/api/v1/programmes/{programme_id}/approval"): lambda c, g: c.post(
            f"/api/v1/programmes/{g.programme}/approval", json={"proposal_version": 1}
        ),
        ("GET", "/api/v1/programmes/{programme_id}/report"): lambda c, g: c.get(
            f"/api/v1/programmes/{g.programme}/report"
        ),
        ("GET", "/programmes/{programme_id}/report"): lambda c, g: c.get(
            f"/programmes/{g.programme}/report"
        ),
        ("GET", "/api/v1/cases"): lambda c, g: c.get(
            "/api/v1/cases", params={"programme_id": g.programme}
        ),
        ("GET", "/api/v1/cases/{escalation_key}"): lambda c, g: c.get(f"/api/v1/cases/{case(g)}"),
        ("POST", "/api/v1/cases/{escalation_key}/resolution"): lambda c, g: c.post(
            f"/api/v1/cases/{case(g)}/resolution",
            json={"resolution": "end_without_fault", "actor": "coord-1"},
        ),
        ("GET", "/api/v1/pairs-at-risk"): lambda c, g: c.get(
            "/api/v1/pairs-at-risk", params={"programme_id": g.programme}
        ),
        # A key names only its own organisation: there is no id to aim at another's.
        ("PUT", "/api/v1/organisation"): lambda c, g: c.put(
            "/api/v1/organisation", json={"display_name": "Acme Ltd"}
        ),
        ("GET", "/api/v1/organisation"): lambda c, g: c.get("/api/v1/organisation"),
    }


def key_routes(settings: Settings) -> set[tuple[str, str]]:
    """Every (method, path) of the real app that is not guarded by a link or a sign-in."""
    app = create_app(settings)
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        path, methods = route.path, route.methods
        if path is None or methods is None or path == "/" or path.startswith(_NOT_KEY_ROUTES):
            continue
        found.update((method, path) for method in methods if method != "HEAD")
    return found


def test_every_route_that_takes_a_key_is_tried(web_settings: Settings) -> None:
    assert key_routes(web_settings) == set(_attempts())


# Lists answer 200 with nothing of globex's in them; the key's own organisation answers 200 with
# acme's own; everything else refuses.
_LISTS = {"/api/v1/relationships", "/api/v1/cases", "/api/v1/pairs-at-risk"}
_OWN = {"/api/v1/organisation"}
_REFUSED = {403, 404, 409, 422}


async def test_a_key_of_one_organisation_reaches_nothing_of_another(
    acme: httpx.AsyncClient,
    globex_api: httpx.AsyncClient,
    client: Client,
    web_pool: Pool,
) -> None:
    globex = await _globex_world(globex_api, client)
    named = await globex_api.put("/api/v1/organisation", json={"display_name": "Globex Corp"})
    assert named.status_code == 200, named.text
    secrets = ("Greta Private", "greta@globex.example", "Gloria Mentor", "gloria.m@globex.example")
    for (method, path), attempt in _attempts().items():
        response = await attempt(acme, globex)
        what = f"{method} {path}: {response.status_code} {response.text[:300]}"
        if path in _OWN:
            assert response.status_code == 200, what
            assert response.json()["organisation"] == "acme", what
            assert "Globex" not in response.text, what
        elif path in _LISTS:
            assert response.status_code == 200, what
            assert globex.relationship_id not in response.text, what
            assert globex.programme not in response.text, what
        else:
            assert response.status_code in _REFUSED, what
        assert not any(secret in response.text for secret in secrets), what

    # Ids are one namespace: acme's own roster naming globex's person is refused, naming the line.
    own = f"ac{uuid.uuid4().hex[:6]}"
    assert (await acme.post("/api/v1/programmes", json=programme_body(own))).status_code == 201
    takeover = await acme.post(
        f"/api/v1/programmes/{own}/roster",
        files=csv_upload(TAKEOVER_ROSTER.format(m=globex.mentor)),
    )
    assert takeover.status_code == 422, takeover.text
    assert [(e["line"], e["field"]) for e in takeover.json()["errors"]] == [(2, "employee_id")]
    # A roster is imported by and for one organisation: a line naming another is refused.
    foreign_line = (
        "employee_id,display_name,email,department,time_zone,languages,career_level,"
        "role_preference,organisation\n"
        f"ac-{uuid.uuid4().hex[:6]},Al Jones,al@acme.example,IT,UTC,en,2,mentor,globex\n"
    )
    named = await acme.post(f"/api/v1/programmes/{own}/roster", files=csv_upload(foreign_line))
    assert named.status_code == 422, named.text
    assert [(e["line"], e["field"]) for e in named.json()["errors"]] == [(2, "organisation")]

    # Nothing of globex's changed: the person, the roster, the pair and its case.
    async with web_pool.acquire() as conn:
        people = await conn.fetch(
            "SELECT person_id, email, organisation FROM people WHERE person_id = ANY ($1)",
            [globex.person, globex.mentor],
        )
    assert {(r["person_id"], r["email"], r["organisation"]) for r in people} == {
        (globex.person, "greta@globex.example", "globex"),
        (globex.mentor, "gloria.m@globex.example", "globex"),
    }
    state = await handle_of(client, globex.relationship_id).query(RelationshipWorkflow.state)
    assert state.end_reason is None
    assert state.escalation_open
    # acme's leaver attempt recorded nothing about globex's person, and globex keeps its name.
    async with web_pool.acquire() as conn:
        leavers = await conn.fetchval(
            "SELECT count(*) FROM leavers WHERE person_id = ANY ($1)",
            [globex.mentor, globex.mentee],
        )
    assert leavers == 0
    assert (await globex_api.get("/api/v1/organisation")).json()["display_name"] == "Globex Corp"
    # globex's own key reads the same things.
    for path in (
        f"/api/v1/people/{globex.person}",
        f"/api/v1/pairs/{globex.relationship_id}",
        f"/api/v1/programmes/{globex.programme}",
        f"/api/v1/cases/{quote(globex.case_key, safe='')}",
    ):
        assert (await globex_api.get(path)).status_code == 200, path


async def test_every_change_made_with_a_key_is_recorded_with_its_id(
    acme: httpx.AsyncClient, web_pool: Pool
) -> None:
    person = f"ac-{uuid.uuid4().hex[:8]}"
    put = await acme.put(f"/api/v1/people/{person}", json=person_entry("Ada", "ada@acme.example"))
    assert put.status_code == 200, put.text
    key_id = f"api-key:{hash_api_key(KEY_ACME).removeprefix('sha256:')[:12]}"
    async with web_pool.acquire() as conn:
        recorded = await conn.fetch(
            "SELECT key_id, organisation, method, status FROM api_key_actions WHERE path = $1",
            f"/api/v1/people/{person}",
        )
        organisation = await conn.fetchval(
            "SELECT organisation FROM people WHERE person_id = $1", person
        )
    assert [tuple(r) for r in recorded] == [(key_id, "acme", "PUT", 200)]
    assert organisation == "acme"


async def test_a_key_does_only_what_its_scopes_allow(
    web_stack: ThreadedStack, acme: httpx.AsyncClient
) -> None:
    person = f"ac-{uuid.uuid4().hex[:8]}"
    assert (
        await acme.put(f"/api/v1/people/{person}", json=person_entry("Bo", "bo@acme.example"))
    ).status_code == 200
    async for figures in _client(web_stack, KEY_ACME_FIGURES):
        assert (await figures.get("/api/v1/relationships")).status_code == 200
        refused = await figures.put(
            f"/api/v1/people/{person}", json=person_entry("Bo", "other@acme.example")
        )
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/missing-scope"
        hr = await figures.post(
            "/api/v1/hr-events", json={"employee_id": person, "type": "participant_left"}
        )
        assert hr.status_code == 403


# -- a cross-organisation programme, end to end -----------------------------------------------

ROSTER_HEADER = (
    "employee_id,display_name,email,department,time_zone,languages,career_level,role_preference\n"
)


def roster_line(person: str, name: str, level: int, role: str) -> str:
    return f"{person},{name},{person}@{name.split()[0].lower()}.example,IT,UTC,en,{level},{role}\n"


async def test_a_cross_organisation_programme_matches_starts_runs_and_reports_per_organisation(
    acme: httpx.AsyncClient,
    globex_api: httpx.AsyncClient,
    initech: httpx.AsyncClient,
    client: Client,
    web_stack: ThreadedStack,
    link_signer: LinkSigner,
) -> None:
    tag = uuid.uuid4().hex[:6]
    programme = f"x{tag}"
    a_jr, a_sr, a_jr2, g_jr, g_sr, i_sr = (
        f"{p}-{tag}" for p in ("ajr", "asr", "ajr2", "gjr", "gsr", "isr")
    )
    g_coord = f"gcoord-{tag}"
    body = programme_body(
        programme,
        coordinator_ids=[f"acoord-{tag}"],
        constraints={"cross_organisation": "must"},
        partner_organisations=[
            {"organisation": "globex", "coordinator_ids": [g_coord]},
            {"organisation": "initech", "coordinator_ids": []},
        ],
    )
    assert (await acme.post("/api/v1/programmes", json=body)).status_code == 201
    for api, name in ((acme, "Acme Ltd"), (globex_api, "Globex Corp")):
        named = await api.put("/api/v1/organisation", json={"display_name": name})
        assert named.status_code == 200, named.text
    acme_roster = ROSTER_HEADER + roster_line(a_jr, "Alma Junior", 2, "mentor")
    acme_roster += roster_line(a_sr, "Arne Senior", 9, "mentee")
    globex_roster = ROSTER_HEADER + roster_line(g_jr, "Gina Junior", 2, "mentor")
    globex_roster += roster_line(g_sr, "Gert Senior", 9, "mentee")
    for api, roster in ((acme, acme_roster), (globex_api, globex_roster)):
        imported = await api.post(
            f"/api/v1/programmes/{programme}/roster", files=csv_upload(roster)
        )
        assert imported.status_code == 200, imported.text

    # Matches: every pair crosses, as the programme requires.
    assert (await acme.post(f"/api/v1/programmes/{programme}/matching")).status_code == 202
    proposal: dict[str, object] = {}

    async def proposed() -> bool:
        response = await acme.get(f"/api/v1/programmes/{programme}/proposal")
        proposal.update(response.json() if response.status_code == 200 else {})
        return response.status_code == 200

    await wait_for(proposed, within=60, what="the cross-organisation proposal")
    pairs = {(p["mentor_id"], p["mentee_id"]) for p in proposal["pairs"]}  # type: ignore[attr-defined]
    assert pairs == {(a_jr, g_sr), (g_jr, a_sr)}

    # Each organisation's coordinator reviews the proposal naming their own people; the other
    # organisation's appear by first name and organisation only.
    token = link_signer.for_staff().make(g_coord, datetime.now(UTC))
    acme_token = link_signer.for_staff().make(f"acoord-{tag}", datetime.now(UTC))
    async with httpx.AsyncClient(base_url=web_stack.base_url, timeout=30) as browser:
        review = await browser.get(f"/staff/{token}/programmes/{programme}/review")
        acme_review = await browser.get(f"/staff/{acme_token}/programmes/{programme}/review")
    assert review.status_code == acme_review.status_code == 200, review.text
    assert f"Gina Junior ({g_jr})" in review.text
    assert f"Gert Senior ({g_sr})" in review.text
    assert "Alma, Acme Ltd" in review.text
    assert "Arne, Acme Ltd" in review.text
    for private in ("Alma Junior", "Arne Senior", f"{a_jr}@alma.example", f"{a_sr}@arne.example"):
        assert private not in review.text, private
    assert f"Alma Junior ({a_jr})" in acme_review.text
    assert "Gina, Globex Corp" in acme_review.text
    assert "Gina Junior" not in acme_review.text

    # Starts: approved by acme, the pairs run; each organisation lists them (one person each).
    approved = await acme.post(
        f"/api/v1/programmes/{programme}/approval",
        json={"proposal_version": proposal["version"]},
    )
    assert approved.status_code == 200, approved.text
    listed: dict[str, str] = {}

    async def started() -> bool:
        found = await globex_api.get("/api/v1/relationships", params={"programme_id": programme})
        listed.clear()
        for item in found.json()["items"]:
            listed[item["mentee_id"]] = item["relationship_id"]
        return len(listed) == 2

    await wait_for(started, within=60, what="the approved pairs in the read model")
    crossing = listed[g_sr]

    # Personal data stays with its organisation: acme reads its own people, not globex's.
    assert (await acme.get(f"/api/v1/people/{a_jr}")).status_code == 200
    assert (await acme.get(f"/api/v1/people/{g_sr}")).status_code == 404
    assert (await globex_api.get(f"/api/v1/people/{a_jr}")).status_code == 404

    # The programme's rule holds for pairs started directly too: two of acme's people do not
    # make a pair of a programme whose pairs must cross.
    await acme.put(
        f"/api/v1/people/{a_jr2}", json=person_entry("Anna Junior", f"{a_jr2}@a.example")
    )
    direct = {"coordinator_id": f"acoord-{tag}", "owner_id": "owner-1", "programme_id": programme}
    inside = await acme.post(
        "/api/v1/pairs", json={**direct, "mentor_id": a_jr2, "mentee_id": a_sr}
    )
    assert inside.status_code == 422, inside.text
    assert inside.json()["errors"][0]["code"] == "organisations"

    # A pair of acme and initech: globex's coordinator never sees it.
    await initech.put(f"/api/v1/people/{i_sr}", json=person_entry("Ivo Senior", "ivo@i.example"))
    own = await acme.post("/api/v1/pairs", json={**direct, "mentor_id": a_jr2, "mentee_id": i_sr})
    assert own.status_code == 201, own.text
    acme_only = own.json()["relationship_id"]
    for relationship_id in (crossing, acme_only):
        await handle_of(client, relationship_id).execute_update(
            RelationshipWorkflow.coordinator_action, OpenEscalation(note="for staff")
        )
    assert (await globex_api.get(f"/api/v1/pairs/{acme_only}")).status_code == 404
    async with httpx.AsyncClient(base_url=web_stack.base_url, timeout=30) as browser:

        async def globex_case_listed() -> bool:
            page = await browser.get(f"/staff/{token}")
            return page.status_code == 200 and crossing in page.text

        await wait_for(globex_case_listed, what="the crossing pair's case for globex's coordinator")
        workspace = await browser.get(f"/staff/{token}")
        assert acme_only not in workspace.text
        foreign_case = quote(f"{acme_only}:escalation:1", safe="")
        assert (await browser.get(f"/staff/{token}/cases/{foreign_case}")).status_code == 404

    # Runs: globex's leaver ends the crossing pair, with the rules of one organisation; acme
    # cannot send an event about globex's person.
    refused = await acme.post(
        "/api/v1/hr-events", json={"employee_id": g_sr, "type": "participant_left"}
    )
    assert refused.status_code == 404
    sent = await globex_api.post(
        "/api/v1/hr-events", json={"employee_id": g_sr, "type": "participant_left"}
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["relationship_ids"] == [crossing]

    async def ended() -> bool:
        status = await acme.get(f"/api/v1/pairs/{crossing}")
        return bool(status.json()["end_reason"] == "participant_left")

    await wait_for(ended, what="the crossing pair to end for its leaver")

    # Reports: joint and per organisation, each withholding groups below the minimum size,
    # retention included.
    for api in (acme, globex_api):
        for of in ("joint", "organisation"):
            report = await api.get(f"/api/v1/programmes/{programme}/report", params={"of": of})
            assert report.status_code == 200, report.text
            assert report.json()["of"] == of
            assert report.json()["programme"]["suppressed"] is True
            assert report.json()["min_group_size"] >= 5
            retention = report.json()["retention"]
            assert set(retention) >= {"enrolled", "not_enrolled", "starts_on", "ends_on"}
            if of == "organisation":  # two or three enrolled people of each organisation
                assert retention["enrolled"]["suppressed"] is True
                assert retention["enrolled"]["people"] is None
    # The HTML report too: one organisation's (a key's), or joint; an operator has no
    # organisation and reads the joint one.
    own_page = await globex_api.get(
        f"/programmes/{programme}/report", params={"of": "organisation"}
    )
    assert own_page.status_code == 200, own_page.text
    assert "Figures of Globex Corp" in own_page.text
    assert "figures are withheld" in own_page.text
    joint_page = await globex_api.get(f"/programmes/{programme}/report")
    assert "Joint figures" in joint_page.text
    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    async with httpx.AsyncClient(base_url=web_stack.base_url, headers=operator) as op:
        refused_of = await op.get(f"/programmes/{programme}/report", params={"of": "organisation"})
    assert refused_of.status_code == 422
    # And the staff workspace: globex's coordinator reads globex's figures or the joint ones.
    async with httpx.AsyncClient(base_url=web_stack.base_url, timeout=30) as browser:
        staff_base = f"/staff/{token}/programmes/{programme}"
        own_report = await browser.get(f"{staff_base}/report", params={"of": "organisation"})
        joint_report = await browser.get(f"{staff_base}/report")
        outcomes = await browser.get(f"{staff_base}/outcomes", params={"of": "organisation"})
    assert "Figures of Globex Corp" in own_report.text
    assert "Joint figures" in joint_report.text
    assert outcomes.status_code == 200, outcomes.text
    assert "Figures of <strong>Globex Corp</strong>" in outcomes.text
    assert "withheld (fewer than 5 people)" in outcomes.text

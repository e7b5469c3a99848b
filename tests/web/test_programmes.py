"""Programmes over the HR API against the real stack: the whole path from roster to pairs."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook

from store.database import Pool
from tests.web.conftest import OPERATOR_TOKEN, wait_for

PROBLEM = "application/problem+json"
ROSTER = (Path(__file__).parent / "data" / "roster.csv").read_text(encoding="utf-8")
# Line 3 of the file (the header is line 1) gets an address that is not one.
BAD_ROSTER = ROSTER.replace("tomas.reed@example.org", "tomas.reed-at-example.org")


def programme_body(programme: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme_id": programme,
        "name": "Reverse mentoring pilot",
        "objectives": ["Leaders learn digital ways of working"],
        "term": {"starts_on": "2026-01-05", "ends_on": "2030-06-30"},
        "policy": "fast",
        "coordinator_ids": ["coord-1"],
        "owner_id": "owner-1",
    }
    body.update(overrides)
    return body


def csv_upload(text: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("roster.csv", text.encode(), "text/csv")}


async def enrolled(pool: Pool, programme: str) -> int:
    async with pool.acquire() as conn:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM programme_enrolments WHERE programme_id = $1", programme
        )
    return count


async def create(api: httpx.AsyncClient, programme: str) -> None:
    response = await api.post("/api/v1/programmes", json=programme_body(programme))
    assert response.status_code == 201, response.text


async def matched(api: httpx.AsyncClient, programme: str) -> dict[str, Any]:
    """Import the fixture roster, start matching and return the proposal once it is there."""
    imported = await api.post(f"/api/v1/programmes/{programme}/roster", files=csv_upload(ROSTER))
    assert imported.status_code == 200, imported.text
    started = await api.post(f"/api/v1/programmes/{programme}/matching")
    assert started.status_code == 202, started.text
    proposal: dict[str, Any] = {}

    async def proposed() -> bool:
        response = await api.get(f"/api/v1/programmes/{programme}/proposal")
        proposal.update(response.json() if response.status_code == 200 else {})
        return response.status_code == 200

    await wait_for(proposed, within=60, what="a match proposal")
    return proposal


async def test_creating_a_programme_twice_returns_the_first_one(
    api: httpx.AsyncClient, programme: str
) -> None:
    first = await api.post("/api/v1/programmes", json=programme_body(programme))
    again = await api.post("/api/v1/programmes", json=programme_body(programme, name="Other"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    status = await api.get(first.headers["location"])
    assert status.status_code == 200
    assert status.json()["phase"] == "enrolling"
    assert status.json()["workflow_status"] == "running"


async def test_a_roster_with_a_bad_line_is_refused_whole_naming_line_and_field(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    await create(api, programme)
    response = await api.post(
        f"/api/v1/programmes/{programme}/roster", files=csv_upload(BAD_ROSTER)
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/invalid-roster"
    assert [(e["line"], e["field"]) for e in problem["errors"]] == [(3, "email")]
    assert await enrolled(web_pool, programme) == 0


async def test_skip_invalid_imports_the_valid_lines_and_lists_the_skipped_one(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    await create(api, programme)
    response = await api.post(
        f"/api/v1/programmes/{programme}/roster",
        params={"skip_invalid": "true"},
        files=csv_upload(BAD_ROSTER),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["skipped_lines"] == [3]
    assert [(i["line"], i["field"]) for i in body["issues"]] == [(3, "email")]
    assert await enrolled(web_pool, programme) == 11


async def test_importing_the_same_roster_again_changes_nothing(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    await create(api, programme)
    url = f"/api/v1/programmes/{programme}/roster"
    first = await api.post(url, files=csv_upload(ROSTER))
    again = await api.post(url, content=ROSTER, headers={"Content-Type": "text/csv"})
    assert first.status_code == again.status_code == 200
    assert first.json()["added"] == 12
    assert (again.json()["added"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 12)
    assert await enrolled(web_pool, programme) == 12


async def test_an_xlsx_workbook_with_hr_column_names_imports_like_the_csv(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    await create(api, programme)
    rows = list(csv.reader(io.StringIO(ROSTER)))
    rows[0] = ["timezone" if name == "time_zone" else name for name in rows[0]]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    upload = {"file": ("roster.xlsx", content.getvalue(), "application/octet-stream")}
    response = await api.post(f"/api/v1/programmes/{programme}/roster", files=upload)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 12
    assert response.json()["columns_read_as"] == {"timezone": "time_zone"}
    assert await enrolled(web_pool, programme) == 12


async def test_a_json_roster_names_the_line_its_bad_entry_starts_on(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    body = '[\n  {"employee_id": "jr-01"}\n]'
    response = await api.post(
        f"/api/v1/programmes/{programme}/roster",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert {e["line"] for e in response.json()["errors"]} == {2}
    assert "email" in {e["field"] for e in response.json()["errors"]}


async def test_created_roster_matched_and_approved_programme_starts_its_relationships(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    proposal = await matched(api, programme)
    pairs = proposal["pairs"]
    assert len(pairs) == 6
    dropped = pairs[0]
    approval = await api.post(
        f"/api/v1/programmes/{programme}/approval",
        json={
            "proposal_version": proposal["version"],
            "overrides": [
                {
                    "type": "exclude",
                    "mentor_id": dropped["mentor_id"],
                    "mentee_id": dropped["mentee_id"],
                }
            ],
        },
    )
    assert approval.status_code == 200, approval.text
    assert approval.json()["approved"] is True
    assert approval.json()["pairs"] == 5
    status: dict[str, Any] = {}

    async def started() -> bool:
        response = await api.get(f"/api/v1/programmes/{programme}")
        status.update(response.json())
        return bool(status["relationships_started"] == 5 and status["phase"] == "running")

    await wait_for(started, within=60, what="the approved relationships to start")

    async def visible() -> bool:
        listed = await api.get("/api/v1/relationships", params={"programme_id": programme})
        return len(listed.json()["items"]) == 5

    await wait_for(visible, within=60, what="the relationships in the read model")


async def test_approving_a_stale_proposal_version_is_a_409_problem(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    proposal = await matched(api, programme)
    pair = proposal["pairs"][0]
    revised = await api.post(
        f"/api/v1/programmes/{programme}/approval",
        json={
            "proposal_version": proposal["version"],
            "approve": False,
            "overrides": [{"type": "exclude", **{k: pair[k] for k in ("mentor_id", "mentee_id")}}],
        },
    )
    assert revised.status_code == 200, revised.text
    stale = await api.post(
        f"/api/v1/programmes/{programme}/approval",
        json={"proposal_version": proposal["version"]},
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"] == PROBLEM
    assert stale.json()["type"] == "/problems/stale-proposal"


async def test_an_override_that_does_not_fit_the_proposal_is_a_422_naming_overrides(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    proposal = await matched(api, programme)
    response = await api.post(
        f"/api/v1/programmes/{programme}/approval",
        json={
            "proposal_version": proposal["version"],
            "overrides": [{"type": "exclude", "mentor_id": "nobody", "mentee_id": "sr-01"}],
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.overrides"]


async def test_the_same_idempotency_key_and_body_returns_the_stored_answer(
    api: httpx.AsyncClient, programme: str
) -> None:
    headers = {"Idempotency-Key": f"create-{programme}"}
    first = await api.post("/api/v1/programmes", json=programme_body(programme), headers=headers)
    again = await api.post("/api/v1/programmes", json=programme_body(programme), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    # Without the key the same request is answered afresh: the programme already exists.
    fresh = await api.post("/api/v1/programmes", json=programme_body(programme))
    assert fresh.status_code == 200


async def test_the_same_idempotency_key_with_another_body_is_a_422_naming_the_header(
    api: httpx.AsyncClient, programme: str
) -> None:
    headers = {"Idempotency-Key": f"create-{programme}"}
    first = await api.post("/api/v1/programmes", json=programme_body(programme), headers=headers)
    other = await api.post(
        "/api/v1/programmes", json=programme_body(f"{programme}-b"), headers=headers
    )
    assert first.status_code == 201
    assert other.status_code == 422
    assert other.headers["content-type"] == PROBLEM
    assert [e["field"] for e in other.json()["errors"]] == ["header.Idempotency-Key"]
    missing = await api.get(f"/api/v1/programmes/{programme}-b")
    assert missing.status_code == 404


async def test_idempotency_keys_cover_roster_imports_and_pairs(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    headers = {"Idempotency-Key": f"roster-{programme}"}
    url = f"/api/v1/programmes/{programme}/roster"
    first = await api.post(url, files=csv_upload(ROSTER), headers=headers)
    again = await api.post(url, files=csv_upload(ROSTER), headers=headers)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = await api.post(url, files=csv_upload(BAD_ROSTER), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"
    pair = {
        "programme_id": programme,
        "mentor_id": "jr-01",
        "mentee_id": "sr-01",
        "coordinator_id": "coord-1",
        "owner_id": "owner-1",
    }
    pair_headers = {"Idempotency-Key": f"pair-{programme}"}
    started = await api.post("/api/v1/pairs", json=pair, headers=pair_headers)
    replayed = await api.post("/api/v1/pairs", json=pair, headers=pair_headers)
    assert (started.status_code, replayed.status_code) == (201, 201)
    assert replayed.headers["idempotent-replayed"] == "true"


async def test_a_failed_request_leaves_its_idempotency_key_free_for_the_retry(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    headers = {"Idempotency-Key": f"retry-{programme}"}
    url = f"/api/v1/programmes/{programme}/roster"
    refused = await api.post(url, files=csv_upload(BAD_ROSTER), headers=headers)
    corrected = await api.post(url, files=csv_upload(ROSTER), headers=headers)
    assert (refused.status_code, corrected.status_code) == (422, 200)
    assert corrected.json()["added"] == 12


async def test_the_report_page_renders_with_its_charts(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, programme: str
) -> None:
    # Six relationships: above the minimum group size of five, so the figures are shown.
    await create(api, programme)
    proposal = await matched(api, programme)
    approval = await api.post(
        f"/api/v1/programmes/{programme}/approval", json={"proposal_version": proposal["version"]}
    )
    assert approval.status_code == 200, approval.text

    async def in_read_model() -> bool:
        listed = await api.get("/api/v1/relationships", params={"programme_id": programme})
        return len(listed.json()["items"]) == 6

    await wait_for(in_read_model, within=60, what="six relationships in the read model")
    page = await anonymous.get(
        f"/programmes/{programme}/report",
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
    )
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text
    assert f"Programme report: {programme}" in page.text
    assert "script-src" not in page.headers["content-security-policy"]
    assert "<script" not in page.text
    figures = await api.get(f"/api/v1/programmes/{programme}/report")
    assert figures.status_code == 200
    report = figures.json()
    assert report["min_group_size"] == 5
    assert report["programme"]["suppressed"] is False
    assert report["programme"]["figures"]["relationships"] == 6


async def test_an_operator_signed_in_at_the_codec_can_open_the_report_page(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    signed_in = await anonymous.post("/codec/login", data={"token": OPERATOR_TOKEN})
    assert signed_in.status_code == 303
    assert {c.name: c.path for c in signed_in.cookies.jar} == {
        "twoway_operator": "/codec",
        "twoway_operator_reports": "/programmes",
    }
    async with httpx.AsyncClient(base_url=anonymous.base_url) as browser:
        browser.cookies = signed_in.cookies
        page = await browser.get(f"/programmes/{programme}/report")
    assert page.status_code == 200


async def test_programme_endpoints_refuse_a_missing_or_wrong_credential(
    anonymous: httpx.AsyncClient, programme: str
) -> None:
    calls = [
        anonymous.post("/api/v1/programmes", json=programme_body(programme)),
        anonymous.post(f"/api/v1/programmes/{programme}/roster", files=csv_upload(ROSTER)),
        anonymous.get(f"/api/v1/programmes/{programme}/report"),
        anonymous.get(f"/programmes/{programme}/report"),
        anonymous.get(
            f"/programmes/{programme}/report", headers={"Authorization": "Bearer not-a-token"}
        ),
    ]
    responses = [await call for call in calls]
    async with httpx.AsyncClient(
        base_url=anonymous.base_url, cookies={"twoway_operator_reports": "not-the-token"}
    ) as browser:
        responses.append(await browser.get(f"/programmes/{programme}/report"))
    for response in responses:
        assert response.status_code == 401, response.request.url
        assert response.headers["content-type"] == PROBLEM


async def test_the_report_refuses_a_minimum_group_below_the_floor(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    response = await api.get(f"/api/v1/programmes/{programme}/report", params={"min_group_size": 1})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.min_group_size"]


async def test_an_unknown_programme_is_a_404_problem(
    api: httpx.AsyncClient, programme: str
) -> None:
    for path in ("", "/proposal", "/report"):
        response = await api.get(f"/api/v1/programmes/{programme}{path}")
        assert response.status_code == 404
        assert response.json()["title"] == "No such programme"
    roster = await api.post(f"/api/v1/programmes/{programme}/roster", files=csv_upload(ROSTER))
    assert roster.status_code == 404


async def test_odd_roster_bodies_are_4xx_problems_never_5xx(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    await create(api, programme)
    url = f"/api/v1/programmes/{programme}/roster"
    nul_name = ROSTER.replace("Ines Quill", "Ines\x00Quill")
    sent = [
        await api.post(url, content=b"\xff\xfe not utf-8", headers={"Content-Type": "text/csv"}),
        await api.post(url, content=nul_name, headers={"Content-Type": "text/csv"}),
        await api.post(url, content="null", headers={"Content-Type": "application/json"}),
        await api.post(url, content="[{]", headers={"Content-Type": "application/json"}),
        await api.post(
            url, content="[" * 100_000 + "]" * 100_000, headers={"Content-Type": "application/json"}
        ),
        await api.post(url, content=ROSTER, headers={"Content-Type": "text/plain"}),
        await api.post(
            url, content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data"}
        ),
        await api.post(url, files={"other": ("r.csv", ROSTER.encode(), "text/csv")}),
    ]
    assert [r.status_code for r in sent] == [422, 422, 422, 422, 422, 415, 400, 422]
    assert all(r.headers["content-type"] == PROBLEM for r in sent)
    assert await enrolled(web_pool, programme) == 0


async def test_a_cancelled_programme_closes_out_and_refuses_a_second_close(
    api: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)

    response = await api.post(f"/api/v1/programmes/{programme}/close", params={"cancel": True})
    assert response.status_code == 200, response.text
    assert response.json()["phase"] in {"winding_down", "closed"}

    async def closed() -> bool:
        status = await api.get(f"/api/v1/programmes/{programme}")
        return status.status_code == 200 and status.json()["phase"] == "closed"

    await wait_for(closed)

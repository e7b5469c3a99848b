"""Threat: a display name with a line break. It goes into every mail's ``To:`` header, where it
makes each mail to that person fail silently (or adds headers); it is refused at the door, and a
roster names the line."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from roster.parse import parse_csv
from tests.web.test_programmes import programme_body

HEADER = (
    "employee_id,display_name,email,department,location,time_zone,languages,manager_id,"
    "career_level,role_preference,skills_to_share,skills_to_learn,interests,diversity_consent,"
    "diversity_gender,capacity\n"
)
GOOD_LINE = "jr-01,Ines Quill,ines@example.org,IT,Paris,Europe/Paris,en,,2,mentor,,,,,,1\n"
INJECTED_NAMES = ["Eve\r\nBcc: all@example.org", "Eve\nX-Header: 1", "Eve\u2028Bcc: x", "Eve\x07"]


@pytest.mark.parametrize("name", INJECTED_NAMES)
def test_a_csv_roster_line_with_a_line_break_in_a_name_is_refused_naming_the_line(
    name: str,
) -> None:
    quoted = '"' + name.replace('"', '""') + '"'
    bad_line = f"jr-02,{quoted},eve@example.org,IT,Paris,Europe/Paris,en,,2,mentor,,,,,,1\n"
    parsed = parse_csv(HEADER + GOOD_LINE + bad_line)
    assert [(issue.line, issue.field) for issue in parsed.issues] == [(3, "display_name")]


async def test_the_hr_api_refuses_such_names_in_rosters_and_in_the_directory(
    api: httpx.AsyncClient,
) -> None:
    programme = f"p{uuid.uuid4().hex[:10]}"
    created = await api.post("/api/v1/programmes", json=programme_body(programme))
    assert created.status_code == 201, created.text
    entries = [
        {
            "employee_id": f"e-{n}",
            "display_name": name,
            "email": f"e{n}@example.org",
            "department": "IT",
            "time_zone": "Europe/Paris",
            "languages": ["en"],
            "career_level": 2,
            "role_preference": "mentor",
        }
        for n, name in enumerate(["Ines Quill", "Eve\r\nBcc: all@example.org"])
    ]
    roster = await api.post(
        f"/api/v1/programmes/{programme}/roster",
        content=json.dumps(entries, indent=1),
        headers={"Content-Type": "application/json"},
    )
    assert roster.status_code == 422, roster.text
    [problem] = roster.json()["errors"]
    assert problem["field"] == "display_name"
    assert problem["line"] is not None
    for name in INJECTED_NAMES:
        entry = {"display_name": name, "email": "eve@example.org"}
        response = await api.put("/api/v1/people/emp-eve", json=entry)
        assert response.status_code == 422, name
        assert response.json()["errors"][0]["field"] == "body.display_name"

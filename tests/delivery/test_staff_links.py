"""Which link each mail carries: participants their inbox, staff their workspace or the case."""

from __future__ import annotations

import re
from urllib.parse import unquote

from delivery.links import LinkSigner
from store.database import Pool
from tests.delivery.conftest import Clock, DispatcherFactory, Sink, add_people, person, queue

BASE = "http://127.0.0.1:8080"
LINK = re.compile(rf"{re.escape(BASE)}/(inbox|staff)/([A-Za-z0-9_.=-]+)(/cases/(\S+))?")


def link_in(sink: Sink, email: str) -> re.Match[str]:
    for entry in sink.store.entries():
        if email in entry.to:
            body = sink.store.read(entry).get_body(preferencelist=("plain",))
            assert body is not None
            match = LINK.search(body.get_content())
            assert match is not None
            return match
    raise AssertionError(f"no mail to {email}")


async def test_staff_mails_link_to_the_workspace_and_escalations_to_their_case(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory, signer: LinkSigner, clock: Clock
) -> None:
    await add_people(pg_pool, person("coord-9"), person("owner-9"), person("emp-9"))
    key = "rel-links-1:escalation:1"
    await queue(
        pg_pool,
        f"{key}:opened",
        recipient="coord-9",
        data={"relationship_id": "rel-links-1", "escalation_key": key, "severity": "high"},
    )
    await add_people(pg_pool, person("coord-8"))
    await queue(
        pg_pool,
        "overdue-8",
        recipient="coord-8",
        template="escalation_overdue",
        data={"escalation_id": "escalation:2", "level": 2},
        relationship_id="rel-links-2",
    )
    await queue(pg_pool, "digest-9", recipient="owner-9", role="owner", template="programme_digest")
    await queue(
        pg_pool, "prompt-9", recipient="emp-9", role="participant", template="prompt_issued"
    )

    await make_dispatcher().run_once()

    case = link_in(sink, "coord-9@example.test")
    assert case.group(1) == "staff"
    assert unquote(case.group(4)) == key
    assert signer.for_staff().verify(case.group(2), clock()) == "coord-9"
    overdue = link_in(sink, "coord-8@example.test")
    assert unquote(overdue.group(4)) == "rel-links-2:escalation:2"
    workspace = link_in(sink, "owner-9@example.test")
    assert (workspace.group(1), workspace.group(3)) == ("staff", None)
    inbox = link_in(sink, "emp-9@example.test")
    assert inbox.group(1) == "inbox"
    # A staff link never opens an inbox, and an inbox link never opens the workspace.
    assert signer.verify(inbox.group(2), clock()) == "emp-9"
    for token, wrong in ((case.group(2), signer), (inbox.group(2), signer.for_staff())):
        try:
            wrong.verify(token, clock())
        except ValueError:
            continue
        raise AssertionError("a link opened the wrong door")

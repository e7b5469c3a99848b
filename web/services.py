"""What every request needs (Temporal, PostgreSQL, link signer, credentials), made once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import Request
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from content import ContentLibrary, load_content
from delivery.links import LinkSigner
from store.database import Pool
from store.personal_data import Sealer
from twoway.credentials import Credentials
from twoway.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebServices:
    settings: Settings
    client: Client
    pool: Pool
    signer: LinkSigner = field(repr=False)
    credentials: Credentials = field(repr=False)
    codec: PayloadCodec = field(repr=False)
    # Unseals personal values of the event store (timelines); None where nothing is sealed.
    sealer: Sealer | None = field(default=None, repr=False)
    clock: Callable[[], datetime] = utc_now
    # The briefings and guides people read: the shipped texts unless the owner replaced some.
    content: ContentLibrary = field(default_factory=load_content, repr=False)


def get_services(request: Request) -> WebServices:
    services: WebServices = request.app.state.services
    return services

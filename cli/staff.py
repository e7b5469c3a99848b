"""`twoway staff link --person ID`: a signed, expiring link to the staff workspace.

For a coordinator or programme owner who has no recent mail; the workspace itself decides what
the link shows (only the programmes where that person holds a role).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import TypeAdapter, ValidationError

from cli.runtime import ExitCode
from delivery.links import signer_from_settings, staff_url
from domain.base import Identifier
from twoway.settings import load_settings

staff_app = typer.Typer(help="The coordinators' and programme owners' workspace.")

_PERSON_ID: TypeAdapter[str] = TypeAdapter(Identifier)


@staff_app.command("link")
def link_command(
    person: Annotated[
        str, typer.Option("--person", help="Employee id of the coordinator or owner.")
    ],
) -> None:
    """Print a personal link to the staff workspace (it expires like the mail links)."""
    try:
        _PERSON_ID.validate_python(person)
    except ValidationError:
        typer.echo("not a valid person id", err=True)
        raise typer.Exit(ExitCode.INVALID) from None
    settings = load_settings()
    signer = signer_from_settings(settings).for_staff()
    now = datetime.now(UTC)
    typer.echo(staff_url(settings.links_base_url, signer.make(person, now)))
    typer.echo(f"valid until {(now + signer.ttl).isoformat(timespec='minutes')}", err=True)

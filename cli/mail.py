"""`twoway mail ...`: read what the local SMTP sink kept under TWOWAY_HOME/mail."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.runtime import ExitCode, console, errors
from delivery.mailsink import MailStore
from twoway.settings import load_settings

mail_app = typer.Typer(help="Read the mail kept by the local SMTP sink.", no_args_is_help=True)

_SHOWN_HEADERS = ("Date", "From", "To", "Subject", "Message-ID")


def _store() -> MailStore:
    return MailStore(load_settings().mail_dir)


@mail_app.command("list")
def list_mail(
    last: Annotated[int, typer.Option(help="Show only the newest N messages (0: all).")] = 0,
) -> None:
    """Every kept message, oldest first: number, when, to, subject."""
    entries = _store().entries()
    if last > 0:
        entries = entries[-last:]
    table = Table("#", "when (UTC)", "to", "subject")
    for entry in entries:
        when = entry.received_at[:19].replace("T", " ")  # UTC, to the second
        table.add_row(str(entry.number), when, entry.to, entry.subject)
    console.print(table)
    if not entries:
        console.print("no mail yet (is `twoway up` running?)")


@mail_app.command("show")
def show_mail(
    ref: Annotated[str, typer.Argument(help="List number or Message-ID.")],
) -> None:
    """One message: its headers, the plain-text body and the names of its attachments."""
    store = _store()
    entry = store.find(ref)
    if entry is None:
        errors.print(f"[red]no message {ref!r}[/red] (see `twoway mail list`)")
        # Not there yet, perhaps: the sink keeps what arrives, so a later run may find it.
        raise typer.Exit(ExitCode.UNAVAILABLE)
    message = store.read(entry)
    for header in _SHOWN_HEADERS:
        console.print(f"[bold]{header}:[/bold] {message.get(header, '')}", highlight=False)
    body = message.get_body(preferencelist=("plain",))
    console.print()
    console.print(body.get_content() if body is not None else "(no plain-text part)", markup=False)
    for part in message.iter_attachments():
        method = part.get_param("method")
        suffix = f" (method={method})" if isinstance(method, str) else ""
        console.print(f"[dim]attachment: {part.get_filename()} {part.get_content_type()}{suffix}")

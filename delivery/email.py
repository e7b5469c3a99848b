"""E-mails from jinja2 templates (plain text + HTML), with a signed inbox link, sent over SMTP.

Every template name renders: names without their own files fall back to ``_generic``, so a new
notification added in the domain is delivered (plainly) before anyone writes its copy.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

import aiosmtplib
import jinja2

from delivery.calendar import Invite
from delivery.content import humanise, parse_moment, public_data, subject_for
from delivery.errors import DeliveryError
from delivery.working_hours import person_zone
from store.people import Person

_SAFE_TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
GENERIC = "_generic"


def message_id_for(idempotency_key: str) -> str:
    """Same key, same Message-ID: every resend of one outbox row is recognisably one message."""
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()}@twoway>"


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    template_used: str


def _when(value: object, zone_name: str = "UTC") -> str:
    """An ISO instant as the reader's local wall-clock time, naming the zone."""
    moment = parse_moment(value)
    if moment is None:
        return "" if value is None else str(value)
    zone = person_zone(Person(person_id="", display_name="", email="", time_zone=zone_name))
    return f"{moment.astimezone(zone):%A %d %B %Y, %H:%M} ({zone.key})"


def _label(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value).replace("_", " ").replace(",", ", ")


class EmailRenderer:
    def __init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("delivery", "templates"),
            # Everything but the plain-text parts escapes, shared macros (`_prompts.j2`) included:
            # names, notes and goals in a mail are what people typed.
            autoescape=jinja2.select_autoescape(
                enabled_extensions=("html.j2",),
                disabled_extensions=("txt.j2",),
                default_for_string=True,
                default=True,
            ),
            # Templates may name data a given notification lacks; render it as empty, not crash.
            undefined=jinja2.ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["when"] = _when
        self._env.filters["label"] = _label

    def render(
        self,
        template: str,
        data: Mapping[str, Any],
        person: Person,
        inbox_url: str,
        reading: Mapping[str, Any] | None = None,
    ) -> RenderedEmail:
        """``reading``: what the mail gives to read beside the data (a guide, a certificate link),
        chosen by the dispatcher; never taken from the outbox row."""
        shown = public_data(template, data)
        subject = subject_for(template, data)
        context = {
            **(reading or {}),
            "template": template,
            "title": humanise(template),
            "subject": subject,
            "name": person.display_name,
            "tz": person_zone(person).key,
            "inbox_url": inbox_url,
            "data": shown,
            # The person's own organisation, by its display name; single-organisation
            # deployments name none unless they gave their organisation a name.
            "organisation": person.organisation_shown,
        }
        name = template if self._has_own(template) else GENERIC
        try:
            text, html = self._render_pair(name, context)
        except jinja2.TemplateError:
            if name == GENERIC:
                raise
            # A broken specific template must not stop the message: say it plainly instead.
            name = GENERIC
            text, html = self._render_pair(name, context)
        return RenderedEmail(subject=subject, text=text, html=html, template_used=name)

    def _has_own(self, template: str) -> bool:
        if not _SAFE_TEMPLATE_NAME.match(template):
            return False
        available = self._env.list_templates()
        return f"{template}.txt.j2" in available and f"{template}.html.j2" in available

    def _render_pair(self, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
        text = self._env.get_template(f"{name}.txt.j2").render(context)
        html = self._env.get_template(f"{name}.html.j2").render(context)
        return text, html


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    person: Person,
    message_id: str,
    now: datetime,
    invite: Invite | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(now)
    message["From"] = sender
    message["To"] = formataddr((person.display_name, person.email))
    message["Subject"] = rendered.subject
    # RFC 3834: out-of-office robots should not answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if invite is not None:
        message.add_attachment(
            invite.ics,
            maintype="text",
            subtype="calendar",
            filename="mentoring-meetings.ics",
            params={"method": invite.method},
        )
    return message


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0

    async def send(self, message: EmailMessage) -> None:
        """Returns once the server accepted the message; raises ``DeliveryError`` otherwise."""
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = sorted({refusal.code for refusal in error.recipients})
            raise DeliveryError(f"smtp_refused:{codes}", permanent=min(codes) >= 500) from None
        except aiosmtplib.SMTPDataError as error:
            # The server read this very message and refused it for good (5xx) or for now.
            raise DeliveryError(f"smtp_{error.code}", permanent=error.code >= 500) from None
        except aiosmtplib.SMTPResponseException as error:
            # Greeting, login or sender refused: our configuration, not this message. Retry.
            raise DeliveryError(f"smtp_{error.code}", permanent=False) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            # Connection trouble: the server may be restarting. Not the message's fault.
            raise DeliveryError(type(error).__name__, permanent=False) from None

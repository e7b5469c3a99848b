"""Slack-compatible incoming-webhook messages for coordinators and programme owners.

A chat channel is shared: the message carries the kind of news, ids and deadlines only, never a
name, private text or the personal inbox link (anyone in the channel could use it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from delivery.content import humanise, public_data, subject_for
from delivery.errors import DeliveryError

# Facts worth a field in the chat card, in display order.
_FIELDS = (
    "relationship_id",
    "severity",
    "level",
    "reasons",
    "reason_codes",
    "respond_by",
    "previous_level",
    "phase",
    "reason",
    "term_number",
)


def chat_payload(template: str, data: Mapping[str, Any]) -> dict[str, Any]:
    shown = public_data(template, data)
    subject = subject_for(template, data)
    fields = [
        {"type": "mrkdwn", "text": f"*{humanise(key)}*\n{shown[key]}"}
        for key in _FIELDS
        if shown.get(key) not in (None, "")
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
    ]
    if fields:
        # Slack allows at most ten fields per section.
        blocks.append({"type": "section", "fields": fields[:10]})
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"twoway · {template}"}]}
    )
    # `text` is the fallback for notifications and clients that do not render blocks.
    return {"text": subject, "blocks": blocks}


@dataclass(frozen=True)
class WebhookPoster:
    url: str
    timeout: float = 10.0

    async def post(self, payload: Mapping[str, Any]) -> None:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(self.url, json=payload)
        except httpx.HTTPError as error:
            raise DeliveryError(type(error).__name__, permanent=False) from None
        if response.is_success:
            return
        status = response.status_code
        # 429 and 5xx pass; other 4xx mean the URL or payload is wrong and will stay wrong.
        permanent = 400 <= status < 500 and status != 429
        raise DeliveryError(f"http_{status}", permanent=permanent)

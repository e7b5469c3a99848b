"""Threat: a wildcard ``TWOWAY_UI_ORIGIN``. The codec answers with the operator's session
cookie, so any page the operator visits could read decoded payloads; such a setting is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from twoway.settings import Settings


@pytest.mark.parametrize(
    "origin", ["*", "https://*.example.org", "http://127.0.0.1:8233,*", "null", "evil.test"]
)
def test_a_wildcard_or_vague_ui_origin_is_refused_at_start(origin: str) -> None:
    with pytest.raises(ValidationError, match="TWOWAY_UI_ORIGIN"):
        Settings(ui_origin=origin)


def test_exact_ui_origins_are_accepted() -> None:
    settings = Settings(ui_origin="https://temporal.example.org, http://127.0.0.1:8233")
    assert settings.ui_origins == ["https://temporal.example.org", "http://127.0.0.1:8233"]

"""The request log never holds a staff link token."""

from web.headers import loggable_path


def test_staff_link_tokens_are_masked_in_the_request_log() -> None:
    assert loggable_path("/staff/v1.abc.123.sig/cases/rel-1%3Aescalation%3A1") == (
        "/staff/{token}/cases/rel-1%3Aescalation%3A1"
    )
    assert loggable_path("/staff") == "/staff"

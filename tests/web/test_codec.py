"""The codec server: operators decode what the Temporal server only stores as ciphertext."""

from __future__ import annotations

import httpx
from google.protobuf.json_format import MessageToDict, ParseDict
from temporalio.api.common.v1 import Payload, Payloads

from tests.fixtures.temporal import TEST_KEYRING
from tests.web.conftest import OPERATOR_TOKEN
from tests.web.stack import ThreadedStack
from twoway.codec import ENCODING, EncryptionCodec
from twoway.credentials import credentials_from_settings

UI_ORIGIN = "http://127.0.0.1:8233"


async def encrypted_body(text: str) -> dict[str, object]:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())
    sealed = await EncryptionCodec(TEST_KEYRING).encode([plain])
    return MessageToDict(Payloads(payloads=sealed))


def payloads_of(response: httpx.Response) -> list[Payload]:
    return list(ParseDict(response.json(), Payloads()).payloads)


async def test_an_operator_decodes_what_the_server_stores_encrypted(
    anonymous: httpx.AsyncClient,
) -> None:
    body = await encrypted_body("hello")
    response = await anonymous.post(
        "/codec/decode", json=body, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    )
    assert response.status_code == 200, response.text
    assert payloads_of(response)[0].data == b'"hello"'


async def test_encode_then_decode_round_trips(anonymous: httpx.AsyncClient) -> None:
    auth = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    plain = MessageToDict(Payloads(payloads=[Payload(metadata={"encoding": b"json/plain"})]))
    encoded = await anonymous.post("/codec/encode", json=plain, headers=auth)
    assert payloads_of(encoded)[0].metadata["encoding"] == ENCODING
    decoded = await anonymous.post("/codec/decode", json=encoded.json(), headers=auth)
    assert payloads_of(decoded)[0].metadata["encoding"] == b"json/plain"


async def test_decoding_needs_operator_authentication(anonymous: httpx.AsyncClient) -> None:
    body = await encrypted_body("secret")
    for headers in ({}, {"Authorization": "Bearer wrong-token"}):
        response = await anonymous.post("/codec/decode", json=body, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert "secret" not in response.text
    wrong_capability = await anonymous.post("/codec/not-the-token/decode", json=body)
    assert wrong_capability.status_code == 401


async def test_the_local_ui_uses_the_decode_capability_in_the_endpoint_path(
    anonymous: httpx.AsyncClient, web_stack: ThreadedStack
) -> None:
    capability = credentials_from_settings(web_stack.settings).ui_codec_capability
    response = await anonymous.post(
        f"/codec/{capability}/decode", json=await encrypted_body("via path")
    )
    assert response.status_code == 200
    assert payloads_of(response)[0].data == b'"via path"'
    # The operator token itself is not a path capability: it must never need to be in a URL.
    by_token = await anonymous.post(
        f"/codec/{OPERATOR_TOKEN}/decode", json=await encrypted_body("via path")
    )
    assert by_token.status_code == 401


async def test_a_signed_in_browser_decodes_with_its_cookie(anonymous: httpx.AsyncClient) -> None:
    refused = await anonymous.post("/codec/login", data={"token": "wrong"})
    assert refused.status_code == 401
    signed_in = await anonymous.post("/codec/login", data={"token": OPERATOR_TOKEN})
    assert signed_in.status_code == 303
    cookies = {"twoway_operator": signed_in.cookies["twoway_operator"]}
    async with httpx.AsyncClient(base_url=anonymous.base_url, cookies=cookies) as browser:
        response = await browser.post("/codec/decode", json=await encrypted_body("cookie"))
    assert response.status_code == 200


async def test_cors_lets_only_the_ui_origin_call_the_codec(anonymous: httpx.AsyncClient) -> None:
    def preflight(origin: str) -> dict[str, str]:
        return {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        }

    allowed = await anonymous.options("/codec/decode", headers=preflight(UI_ORIGIN))
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == UI_ORIGIN
    assert allowed.headers["access-control-allow-credentials"] == "true"
    foreign = await anonymous.options("/codec/decode", headers=preflight("http://evil.test"))
    assert "access-control-allow-origin" not in foreign.headers


async def test_garbage_is_a_400_not_a_crash(anonymous: httpx.AsyncClient) -> None:
    auth = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    for content in (
        b"not json",
        b'{"payloads": 3}',
        b'{"payloads": [{"metadata": {"encoding": 5}}]}',
    ):
        response = await anonymous.post(
            "/codec/decode", content=content, headers={**auth, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, content
    tampered = await encrypted_body("x")
    payload = tampered["payloads"][0]  # type: ignore[index]
    payload["data"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    response = await anonymous.post("/codec/decode", json=tampered, headers=auth)
    assert response.status_code == 400

"""The codec server for operators: the Temporal UI decodes payloads here."""

from web.codec.app import codec_app

__all__ = ["codec_app"]

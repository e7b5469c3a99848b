"""The codec server for operators: the Temporal UI decodes payloads here."""

from web.codec.app import codec_app, local_ui_codec_endpoint

__all__ = ["codec_app", "local_ui_codec_endpoint"]

"""Typed settings, read once at the process edge (never inside workflow code)."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every `TWOWAY_*` environment variable the processes understand.

    When `temporal_address` or `database_url` is set, twoway uses that external service and
    starts no embedded one.
    """

    model_config = SettingsConfigDict(env_prefix="TWOWAY_", extra="ignore")

    home: Path = Field(default=Path(".twoway"), description="All local state lives here.")
    temporal_port: int = Field(default=7233, ge=1, le=65535)
    ui_port: int = Field(default=8233, ge=1, le=65535)
    web_port: int = Field(default=8080, ge=1, le=65535)
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    temporal_address: str | None = Field(
        default=None, description="host:port of an external Temporal frontend."
    )
    temporal_tls_cert_file: Path | None = Field(
        default=None,
        description="Client certificate (PEM) for mutual TLS to an external Temporal frontend.",
    )
    temporal_tls_key_file: Path | None = Field(
        default=None, description="Private key (PEM) of temporal_tls_cert_file."
    )
    temporal_tls_ca_file: Path | None = Field(
        default=None,
        description="CA (PEM) of the Temporal frontend's certificate; system CAs if unset.",
    )
    database_url: str | None = Field(default=None, description="External PostgreSQL URL.")
    namespace: str = "default"
    task_queue: str = "twoway-relationships"
    encryption_keys: SecretStr | None = Field(
        default=None,
        description=(
            "Comma-separated `key_id:base64key` pairs (AES-256); the first encrypts, all decrypt."
            " Unset in local mode: a key is generated once under TWOWAY_HOME."
        ),
    )
    max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        description="Workflows kept in worker memory; ~150 KiB each. Size to open relationships.",
    )
    log_level: str = "INFO"
    heartbeat_file: Path | None = Field(
        default=None,
        description=(
            "Worker and dispatcher touch this file after each round that reached their service;"
            " `twoway healthcheck --file` reads it (container health checks)."
        ),
    )
    heartbeat_interval_seconds: float = Field(default=10.0, gt=0)
    # -- delivery (e-mail, calendar, chat) ------------------------------------------------------
    smtp_host: str = Field(default="127.0.0.1", description="SMTP relay the dispatcher sends to.")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    mail_from: str = Field(default="twoway <twoway@localhost>", description="From: of every mail.")
    public_base_url: str | None = Field(
        default=None, description="Base of links in mails; default http://127.0.0.1:{web_port}."
    )
    link_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of inbox links. Unset in local mode: generated once under HOME.",
    )
    link_ttl: timedelta = Field(
        default=timedelta(days=14), gt=timedelta(0), description="Inbox links expire."
    )
    chat_webhook_url: str | None = Field(
        default=None, description="Slack-compatible incoming webhook for coordinator news."
    )
    dispatch_interval_seconds: float = Field(default=5.0, gt=0)
    dispatch_batch_size: int = Field(default=50, ge=1, le=1000)
    dispatch_max_attempts: int = Field(default=8, ge=1)
    dispatch_lease_seconds: float = Field(
        default=300.0, gt=0, description="A claimed row is retried after this if never marked."
    )
    # -- content (briefings, conversation guides) --------------------------------------------------
    content_dir: Path | None = Field(
        default=None,
        description=(
            "A programme owner's replacement texts (docs/content.md): Markdown files laid out as"
            " the shipped ones; a file left out keeps the shipped text."
        ),
    )
    # -- web (HR API, inbox, codec server) --------------------------------------------------------
    web_host: str = Field(
        default="127.0.0.1", description="Address the web app binds; 0.0.0.0 in a container."
    )
    api_key_hashes: str | None = Field(
        default=None,
        description=(
            "Comma-separated digests of the accepted HR API keys: `sha256:<hex>` is a key of the"
            " default organisation with every scope; `sha256:<hex>@org:scope+scope` a key of"
            " organisation `org` with those scopes (import-rosters, start-pairs, read-figures,"
            " send-hr-events, manage-staff). Unset in local mode: one key is generated once"
            " under HOME."
        ),
    )
    operator_token: SecretStr | None = Field(
        default=None,
        description="Bearer token of the codec endpoint. Unset in local mode: generated once.",
    )
    ui_origin: str | None = Field(
        default=None,
        description="Comma-separated origins of the Temporal UI allowed to call the codec (CORS).",
    )

    @field_validator("ui_origin")
    @classmethod
    def _exact_origins_only(cls, value: str | None) -> str | None:
        # The codec answers with credentials (the operator cookie): a wildcard or "null" origin
        # would let any page the operator visits read decoded payloads.
        if value is None:
            return None
        for origin in (item.strip() for item in value.split(",")):
            if "*" in origin or origin.lower() == "null":
                raise ValueError(
                    "TWOWAY_UI_ORIGIN must list exact origins (e.g. https://temporal.example.org);"
                    f" {origin!r} would let any web page use the operator's codec session"
                )
            if origin and not origin.startswith(("http://", "https://")):
                raise ValueError(f"TWOWAY_UI_ORIGIN entry {origin!r} is not an http(s) origin")
        return value

    @cached_property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def uses_embedded_temporal(self) -> bool:
        return self.temporal_address is None

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def uses_local_mail_sink(self) -> bool:
        """Mail to a loopback relay means the local sink `twoway up` starts on smtp_port."""
        return self.smtp_host in {"127.0.0.1", "localhost", "::1"}

    @property
    def temporal_target(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def key_file(self) -> Path:
        return self.home_dir / "keys" / "payload.keys"

    @property
    def link_secret_file(self) -> Path:
        return self.home_dir / "keys" / "link.secret"

    @property
    def mail_dir(self) -> Path:
        return self.home_dir / "mail"

    @property
    def api_key_file(self) -> Path:
        return self.home_dir / "keys" / "api.key"

    @property
    def operator_token_file(self) -> Path:
        return self.home_dir / "keys" / "operator.token"

    @property
    def ui_origins(self) -> list[str]:
        if self.ui_origin:
            return [origin.strip().rstrip("/") for origin in self.ui_origin.split(",") if origin]
        # The local UI answers on both names; a browser sends whichever the operator typed.
        return [f"http://127.0.0.1:{self.ui_port}", f"http://localhost:{self.ui_port}"]

    @property
    def links_base_url(self) -> str:
        base = self.public_base_url or f"http://127.0.0.1:{self.web_port}"
        return base.rstrip("/")


def load_settings() -> Settings:
    return Settings()

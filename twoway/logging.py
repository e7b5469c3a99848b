"""One structlog pipeline for the worker, web and CLI processes.

Workflow code must never call structlog (its lock trips the sandbox); it logs through
`workflow.logger`, a stdlib logger, which the `ProcessorFormatter` below renders with the same
processors, so every line looks alike.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger
from temporalio import activity


def add_temporal_context(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Bind the activity's workflow id, type and attempt; ids only, never names or text."""
    if activity.in_activity():
        info = activity.info()
        event_dict.setdefault("workflow_id", info.workflow_id)
        event_dict.setdefault("activity", info.activity_type)
        event_dict.setdefault("attempt", info.attempt)
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_temporal_context,
    ]


def configure_logging(
    level: str = "INFO", *, json: bool | None = None, stream: TextIO | None = None
) -> None:
    """Render JSON when not on a terminal (for collectors), readable lines otherwise."""
    stream = stream or sys.stderr
    render_json = not stream.isatty() if json is None else json
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if render_json
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    shared = _shared_processors()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The SDK's own chatter about polls is noise at INFO.
    logging.getLogger("temporalio.bridge").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO, and a chat webhook URL is a secret (its path is the
    # token); the dispatcher logs its own outcome without the URL. aiosmtpd's "mail.log" echoes
    # every SMTP command at INFO, recipients' addresses included; the sink logs its own summary.
    for chatty in ("httpx", "httpcore", "mail.log"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def get_logger(name: str, **bindings: Any) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger.bind(**bindings) if bindings else logger

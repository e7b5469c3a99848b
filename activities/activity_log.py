"""A structlog logger bound to the running activity.

Binds only identifiers (workflow id, activity type, attempt): event data, names and private
notes must never reach the logs.
"""

from __future__ import annotations

import structlog
from temporalio import activity


def activity_logger() -> structlog.stdlib.BoundLogger:
    info = activity.info()
    logger: structlog.stdlib.BoundLogger = structlog.get_logger("twoway.activities")
    return logger.bind(
        workflow_id=info.workflow_id,
        activity_type=info.activity_type,
        attempt=info.attempt,
    )

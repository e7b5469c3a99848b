"""``python -m web``: serve the web app with uvicorn on TWOWAY_WEB_HOST:TWOWAY_WEB_PORT."""

from __future__ import annotations

import uvicorn

from twoway.logging import configure_logging
from twoway.settings import load_settings
from web.app import create_app


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        # Our middleware logs each request by route template; uvicorn's access log would
        # print raw paths, and inbox paths carry personal link tokens.
        access_log=False,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()

"""twoway's HTTP side: the HR REST API, the participants' inbox and the codec server.

Run it with ``python -m web`` (127.0.0.1:TWOWAY_WEB_PORT by default).
"""

from web.app import create_app

__all__ = ["create_app"]

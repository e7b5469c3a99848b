"""Fail fast, with the setting to change, when a port twoway needs is taken."""

from __future__ import annotations

import socket
from collections.abc import Iterable


class PortInUseError(RuntimeError):
    pass


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Like the servers themselves: a port whose last connections linger in TIME_WAIT after
        # a restart is free; one with a live listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def ensure_ports_free(ports: Iterable[tuple[str, int]]) -> None:
    """`ports` pairs a setting name with its value, so the message says what to change."""
    for setting, port in ports:
        if not port_is_free(port):
            raise PortInUseError(
                f"port {port} is already in use; stop what holds it or set {setting} to a free port"
            )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port

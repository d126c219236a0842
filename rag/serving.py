"""Checks before the chat page starts, so that a bad start fails fast with one clear line."""

from __future__ import annotations

import socket


def port_problem(host: str, port: int) -> str | None:
    """Why the page cannot listen on ``host:port``, or None: checked before the model and index
    load, which take seconds, and before Gradio would fail with a traceback."""
    if not 0 < port < 65536:
        return f"--port must be between 1 and 65535, got {port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot listen on {host!r}: {exc.strerror}; pass --host 127.0.0.1 or another address"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind(address)
        except OSError as exc:
            return (f"port {port} on {host} is in use or not allowed ({exc.strerror}): "
                    "pass another with --port (PORT=… for make run)")
    return None

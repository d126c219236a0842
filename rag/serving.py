"""Checks before the chat page starts, so that a bad start fails fast with one clear line."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
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


def quiet_libraries() -> None:
    """faiss logs at INFO every CPU-specific build it tries and lacks (AVX512, AVX2, with a
    ModuleNotFoundError each): noise on every start of the page; -v keeps it."""
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--host``, ``--port``, ``--allow-upload`` and ``--auth``: the same for ``app.py`` and ``rag serve``."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=7860, help="port to listen on (default: 7860)")
    parser.add_argument("--allow-upload", action="store_true",
                        help="let logged-in users add and remove articles from the page (off by default)")
    parser.add_argument("--replica", action="store_true",
                        help="serve the index folder read-only and follow the versions a separate `rag index` "
                             "builds (several replicas may share one folder)")
    parser.add_argument("--auth", default=os.environ.get("RAG_AUTH"), metavar="USER:PASSWORD",
                        help="require this login for the page (default: $RAG_AUTH, which, unlike this flag, "
                             "does not show in the process list); needed for uploads on any host but 127.0.0.1")


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``USER:PASSWORD`` as Gradio's ``auth``; :class:`ValueError` naming the problem, never the password."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError("--auth (or RAG_AUTH) must be USER:PASSWORD with both parts non-empty")
    return user.strip(), password


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


def upload_problem(host: str, allow_upload: bool, auth: tuple[str, str] | None, replica: bool = False) -> str | None:
    """Why the page must not start: uploads write to this machine's disk, so on an address other
    machines can reach they need a login."""
    if allow_upload and replica:
        return "--allow-upload writes the corpus and the index; a --replica only reads them"
    if allow_upload and auth is None and not is_loopback(host):
        return (f"--allow-upload on {host} needs a login: pass --auth USER:PASSWORD (or set RAG_AUTH), "
                "or serve on 127.0.0.1")
    return None


def check(args: argparse.Namespace) -> tuple[str | None, tuple[str, str] | None]:
    """The problem that stops the page from starting (one line), else the parsed login."""
    try:
        auth = parse_auth(args.auth)
    except ValueError as exc:
        return str(exc), None
    store = getattr(args, "store", None) or os.environ.get("RAG_STORE") or "faiss"
    if args.replica and store != "faiss":
        return ("--replica follows the versions of a FAISS index folder; Milvus replicas share the server "
                "instead (see the README's deployment section)"), auth
    return (upload_problem(args.host, args.allow_upload, auth, args.replica) or port_problem(args.host, args.port),
            auth)

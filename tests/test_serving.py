"""Start-up checks of the chat page."""

import socket

import pytest

from rag.serving import port_problem


def test_a_free_port_is_fine_and_a_busy_one_names_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    assert port_problem("127.0.0.1", free) is None
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        problem = port_problem("127.0.0.1", busy.getsockname()[1])
    assert problem and "in use" in problem and "--port" in problem


def test_bad_ports_and_hosts():
    assert "between 1 and 65535" in port_problem("127.0.0.1", 70000)
    assert "cannot listen" in port_problem("no-such-host.invalid", 8000)


def test_auth_is_user_colon_password_and_errors_never_show_the_password():
    from rag.serving import parse_auth

    assert parse_auth(None) is None and parse_auth("") is None
    assert parse_auth("editor:pa:ss") == ("editor", "pa:ss")
    for bad in ("editor", ":secret-pw", "editor:"):
        with pytest.raises(ValueError) as err:
            parse_auth(bad)
        assert "secret-pw" not in str(err.value)


def test_uploads_on_a_reachable_address_need_a_login():
    from rag.serving import upload_problem

    assert upload_problem("0.0.0.0", True, None) and "--auth" in upload_problem("0.0.0.0", True, None)
    assert upload_problem("0.0.0.0", True, ("u", "p")) is None
    assert upload_problem("127.0.0.1", True, None) is None  # loopback: starts, with a warning
    assert upload_problem("localhost", True, None) is None
    assert upload_problem("0.0.0.0", False, None) is None


def test_max_corpus_files_comes_from_the_environment(monkeypatch):
    from rag.config import Settings

    monkeypatch.setenv("RAG_MAX_CORPUS_FILES", "7")
    assert Settings.from_env().max_corpus_files == 7
    monkeypatch.setenv("RAG_MAX_CORPUS_FILES", "many")
    with pytest.raises(ValueError, match="whole number"):
        Settings.from_env()


def test_a_replica_follows_faiss_versions_only(monkeypatch):
    import argparse

    from rag.serving import add_arguments, check

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.add_argument("--store")
    monkeypatch.delenv("RAG_STORE", raising=False)
    monkeypatch.delenv("RAG_AUTH", raising=False)
    problem, _ = check(parser.parse_args(["--replica", "--store", "milvus", "--port", "0"]))
    assert problem and "FAISS" in problem
    monkeypatch.setenv("RAG_STORE", "milvus")
    assert check(parser.parse_args(["--replica", "--port", "0"]))[0] == problem
    assert "FAISS" not in (check(parser.parse_args(["--port", "0"]))[0] or "")

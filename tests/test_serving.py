"""Start-up checks of the chat page."""

import socket

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

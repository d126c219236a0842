"""``rag chat`` driven through a pseudo-terminal, as a person at a shell would use it."""

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from rag import chat


def _read_until(fd: int, marker: str, timeout: float = 120) -> str:
    """Terminal output until ``marker`` shows (or fail after ``timeout`` seconds)."""
    out = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in out:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"no {marker!r} within {timeout} s; the terminal showed:\n{out.decode(errors='replace')}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            out += chunk
    return out.decode(errors="replace")


@pytest.mark.slow
def test_chat_in_a_terminal_answers_follow_ups_and_starts_over():
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="dumb", COLUMNS="100")
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "chat"], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    try:
        _read_until(master, "> ")
        os.write(master, "카카오 2분기 매출은 얼마야?\n".encode())
        first = _read_until(master, "\n> ")
        assert "Answer: 2조425억원" in first and "Sources:" in first and "[1]" in first
        os.write(master, "그럼 영업이익은?\n".encode())
        follow_up = _read_until(master, "\n> ")
        assert "Answer: 1135억원" in follow_up and "(searched for: 카카오 2분기 영업이익은?)" in follow_up
        os.write(master, b"/new\n")
        assert "New conversation." in _read_until(master, "\n> ")
        os.write(master, "그럼 영업이익은?\n".encode())
        assert "searched for" not in _read_until(master, "\n> ")  # alone after /new
        os.write(master, b"\x04")  # Ctrl-D leaves
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def test_chat_loop_handles_commands_and_bad_questions_without_a_model():
    class Fake:
        def __init__(self):
            self.calls = []

        def ask(self, question, history):
            from rag.errors import QuestionError
            from rag.types import Answer

            if question == "x" * 3000:
                raise QuestionError("The question is too long")
            self.calls.append((question, list(history)))
            return Answer(question, f"answer to {question}", True)

    import io

    lines = iter(["첫 질문", "", "x" * 3000, "두 번째", "/help", "/new", "세 번째", "/매출"])

    def read(prompt):
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    fake, out = Fake(), io.StringIO()
    assert chat.run(fake, read, out) == 0
    # A question that starts with a slash is still a question ("/매출"), not a command.
    assert [q for q, _ in fake.calls] == ["첫 질문", "두 번째", "세 번째", "/매출"]
    assert [len(h) for _, h in fake.calls] == [0, 2, 0, 2]  # history grows, and /new clears it
    assert "The question is too long" in out.getvalue() and "New conversation." in out.getvalue()
    assert chat.COMMANDS in out.getvalue()  # /help is no question

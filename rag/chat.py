"""``rag chat``: the conversation in a terminal, with the page's follow-up behaviour.

Line editing and the up-arrow history come from ``readline`` when the terminal has it. ``/new``
starts over; Ctrl-D (or ``/quit``) leaves; ``/help`` (or any other ``/word``) lists these; Ctrl-C
clears the line being typed.
"""

from __future__ import annotations

import sys
from typing import Callable, TextIO

from rag.errors import QuestionError
from rag.pipeline import RagPipeline
from rag.render import answer_text

GREETING = ("Ask about the articles in Korean or English; follow-up questions build on the earlier ones.\n"
            "/new starts a new conversation, Ctrl-D leaves, /help lists the commands.")
COMMANDS = "/new starts a new conversation, /quit (or Ctrl-D) leaves, /help shows this."


def run(rag: RagPipeline, read: Callable[[str], str] = input, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        import readline  # noqa: F401  (input() gains line editing and history)
    except ImportError:  # not on every platform; the chat works without it
        pass

    def say(text: str = "") -> None:
        out.write(text + "\n")
        out.flush()

    say(GREETING)
    history: list[dict[str, str]] = []
    while True:
        try:
            line = read("> ")
        except EOFError:
            say()
            return 0
        except KeyboardInterrupt:
            say()
            continue
        question = line.strip()
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return 0
        if question == "/new":
            history.clear()
            say("New conversation.")
            continue
        if question.startswith("/") and question[1:].isascii() and question[1:].isalpha():  # /help, or a typo
            say(COMMANDS)
            continue
        try:
            answer = rag.ask(question, history)
        except QuestionError as exc:
            say(str(exc))
            continue
        say(answer_text(answer))
        say()
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]

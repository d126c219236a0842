"""Answers and citations as HTML for the chat page and as plain text for the terminal.

The chat page shows messages as sanitised HTML with Markdown off, so questions and
articles are data: ``<img src=x onerror=…>`` or ``**bold** [x](javascript:…)`` show exactly
as typed. Only the markup built here (``<mark>``, ``<details>``, ``<div>``) is live.
"""

from __future__ import annotations

import html
import textwrap
import uuid
from typing import TYPE_CHECKING

from rag.types import Answer, Citation

if TYPE_CHECKING:
    from rag.short_answer import ShortAnswer

COLLAPSE_CHARS = 220
"""Passages longer than this start collapsed under their quoted sentence."""


def text(value: str) -> str:
    """Escape text for HTML; newlines become line breaks."""
    return html.escape(value, quote=True).replace("\n", "<br>")


def highlighted(c: Citation, short: ShortAnswer | None = None) -> str:
    """The passage with its supporting span wrapped in ``<mark>``, and the direct answer inside it
    in ``<strong>``."""
    a, b = c.quote_start - c.start, c.quote_end - c.start
    if b <= a:
        return text(c.text)
    return f"{text(c.text[:a])}<mark>{_quote(c, short)}</mark>{text(c.text[b:])}"


def _quote(c: Citation, short: ShortAnswer | None) -> str:
    """The quote as HTML, its direct-answer span (document offsets) in ``<strong>``."""
    if short is None or not c.quote_start <= short.start < short.end <= c.quote_end:
        return text(c.quote)
    a, b = short.start - c.quote_start, short.end - c.quote_start
    return f"{text(c.quote[:a])}<strong>{text(c.quote[a:b])}</strong>{text(c.quote[b:])}"


def citation_html(c: Citation, number: int, supporting: bool, answer_id: str = "",
                  short: ShortAnswer | None = None) -> str:
    label = f"[{number}]" if supporting else "·"
    body = highlighted(c, short) if supporting else text(c.text)
    head = (f'<div class="cite-head"><b>{label}</b> {text(c.title)} '
            f'<small>({text(c.source)}, chars {c.start}–{c.end}, score {c.score:.3f})</small></div>')
    if len(c.text) > COLLAPSE_CHARS:
        summary = f"<mark>{_quote(c, short)}</mark>" if supporting and c.quote else text(c.text[:120]) + "…"
        body = f"<details><summary>{summary}</summary>{body}</details>"
    else:
        body = f"<div>{body}</div>"
    return f'<div class="citation" id="cite-{answer_id}{number}">{head}{body}</div>'


def answer_html(answer: Answer) -> str:
    """The assistant message: the answer, then its citations or the closest passages. Citation ids
    carry a per-answer prefix: a chat shows many answers, and DOM ids must stay unique."""
    prefix = f"{uuid.uuid4().hex[:8]}-"
    parts = [f'<div class="answer">{text(answer.text)}</div>']
    if answer.short:  # the direct answer first, the quote that holds it after
        parts.insert(0, f'<div class="direct"><strong>{text(answer.short.display)}</strong></div>')
    if answer.searched_for != answer.question:  # a follow-up, completed from the conversation
        parts.append(f'<div class="searched">Searched for: {text(answer.searched_for)}</div>')
    if answer.citations:
        items = "".join(citation_html(c, n, True, prefix, answer.short if n == 1 else None)
                        for n, c in enumerate(answer.citations, 1))
        parts.append(f'<div class="citations"><div><b>Sources</b></div>{items}</div>')
    elif answer.related:
        items = "".join(citation_html(c, n, False, prefix) for n, c in enumerate(answer.related[:3], 1))
        parts.append('<div class="citations related"><div><b>Closest passages</b> '
                     f'(they do not answer the question)</div>{items}</div>')
    return "".join(parts)


def answer_text(answer: Answer, width: int = 80) -> str:
    """The answer for a terminal: wrapped at ``width`` columns, sources numbered under it, each
    quote indented on every line."""
    lines = textwrap.wrap(answer.text, width) or [answer.text]
    if answer.searched_for != answer.question:
        lines += textwrap.wrap(f"(searched for: {answer.searched_for})", width)
    if answer.short:
        lines = textwrap.wrap(f"Answer: {answer.short.display}", width) + [""] + lines
    shown = answer.citations or answer.related
    if shown:
        lines += ["", "Sources:" if answer.citations else "Closest passages (not an answer):"]
    for n, c in enumerate(shown, 1):
        head = f"[{n}] {c.title} ({c.source}, chars {c.start}-{c.end}, score {c.score:.3f})"
        lines += textwrap.wrap(head, width, subsequent_indent="    ")
        body = c.quote if c.quote else c.text[:200]
        lines += textwrap.wrap(" ".join(body.split()), width, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(lines)

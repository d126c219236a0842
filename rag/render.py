"""HTML for answers and citations, with every piece of user and corpus text escaped.

The chat page renders Markdown and HTML. Questions and articles are data: a question such
as ``<img src=x onerror=…>`` or ``**bold** [x](javascript:…)`` must show as typed, so text is
HTML-escaped and its Markdown punctuation backslash-escaped before it reaches the page.
Only the markup built here (``<mark>``, ``<details>``) is live.
"""

from __future__ import annotations

import html
import re

from rag.types import Answer, Citation

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
COLLAPSE_CHARS = 220
"""Passages longer than this start collapsed under their quoted sentence."""


def literal(text: str) -> str:
    """Text that Markdown + HTML rendering shows exactly as given."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=True).replace("\n", "<br>")


def _plain(text: str) -> str:
    """Escape for use inside an HTML block, where Markdown is not applied."""
    return html.escape(text, quote=True)


def highlighted(c: Citation) -> str:
    """The passage with its supporting span wrapped in ``<mark>``."""
    a, b = c.quote_start - c.start, c.quote_end - c.start
    if b <= a:
        return _plain(c.text)
    return f"{_plain(c.text[:a])}<mark>{_plain(c.text[a:b])}</mark>{_plain(c.text[b:])}"


def citation_html(c: Citation, number: int, supporting: bool) -> str:
    label = f"[{number}]" if supporting else "·"
    body = highlighted(c) if supporting else _plain(c.text)
    head = (f'<span class="cite-num">{label}</span> <span class="cite-title">{_plain(c.title)}</span> '
            f'<span class="cite-meta">{_plain(c.source)} · {c.start}–{c.end} · score {c.score:.3f}</span>')
    if len(c.text) > COLLAPSE_CHARS:
        summary = f"<mark>{_plain(c.quote)}</mark>" if supporting and c.quote else _plain(c.text[:120]) + "…"
        body = f"<details><summary>{summary}</summary><p>{body}</p></details>"
    else:
        body = f"<p>{body}</p>"
    return f'<div class="citation" id="cite-{number}">{head}{body}</div>'


def answer_markdown(answer: Answer) -> str:
    """The full assistant message: the answer, then its citations or the closest passages."""
    parts = [literal(answer.text)]
    if answer.citations:
        items = "".join(citation_html(c, n, True) for n, c in enumerate(answer.citations, 1))
        parts.append(f'<div class="citations"><div class="cite-label">Sources</div>{items}</div>')
    elif answer.related:
        items = "".join(citation_html(c, n, False) for n, c in enumerate(answer.related[:3], 1))
        parts.append('<div class="citations related"><div class="cite-label">Closest passages '
                     f'(they do not answer the question)</div>{items}</div>')
    return "\n\n".join(parts)

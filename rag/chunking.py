"""Cutting documents into sentence-aligned passages with exact character offsets."""

from __future__ import annotations

import re
from typing import Iterable

from rag.kiwi import kiwi
from rag.types import Document, Passage

_HEADING = re.compile(r"^\s*(?:[◇◆]|#{1,6}\s)")
"""Section headings of Korean press copy (◇, ◆) and Markdown. Bullets (○ ▲ ■ ● ▶) start content
lines and must be indexed."""


def is_heading(line: str) -> bool:
    """Section headings ("◇ …", "## …") give context to the passages below them."""
    return bool(_HEADING.match(line)) and len(line) <= 120


_CLOSERS = {"'": "'", '"': '"', "’": "‘", "”": "“", "》": "《", "」": "「", "』": "『", "〉": "〈", ")": "("}
_SENTENCE_END = re.compile(r"[.?!]\s+$")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Kiwi sentence boundaries of ``text`` as absolute ``(start, end)`` offsets."""
    spans = _mend([(s.start, s.end) for s in kiwi().split_into_sents(text) if s.text.strip()], text)
    spans = [(offset + a, offset + b) for a, b in spans]
    return spans or ([(offset, offset + len(text))] if text.strip() else [])


def _mend(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Kiwi ends a sentence after a quoted or bracketed phrase that opens the next one ("…넘어섰다.
    '2분기 실적 콘퍼런스콜'" | "에서 카카오는 …"): a boundary glued to the next word moves back to
    before the phrase when a sentence ends there, else the two parts stay one sentence."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] == start and start < len(text) and not text[start].isspace() \
                and text[start - 1] in _CLOSERS:
            prev_start = out.pop()[0]
            opening = text.rfind(_CLOSERS[text[start - 1]], prev_start, start - 1)
            if opening > prev_start and _SENTENCE_END.search(text, prev_start, opening):
                out.append((prev_start, len(text[:opening].rstrip())))
                prev_start = opening
            out.append((prev_start, end))
            continue
        out.append((start, end))
    return out


def _hard_split(start: int, end: int, text: str, limit: int) -> Iterable[tuple[int, int]]:
    """A single sentence longer than the limit is cut at the last space before it."""
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        yield start, cut
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    if end > start:
        yield start, end


def split_passages(document: Document, max_chars: int = 400) -> list[Passage]:
    """Pack whole sentences into passages of at most ``max_chars`` characters.

    A passage never crosses a section heading and prefers to end at a paragraph end:
    news paragraphs are the units a reader cites. Short paragraphs of the same section
    are packed together so that a passage carries enough context to be retrieved.
    """
    text = document.text
    passages: list[Passage] = []
    section = ""
    current: list[tuple[int, int]] = []

    def flush() -> None:
        if not current:
            return
        spans = tuple(current)
        prev = passages[-1] if passages else None
        # A short tail joins the passage before it: alone, its vector would be mostly context.
        if (prev and prev.section == section and spans[-1][1] - spans[0][0] < max_chars // 3
                and spans[-1][1] - prev.start <= max_chars):
            spans = prev.sentences + spans
            passages.pop()
        start, end = spans[0][0], spans[-1][1]
        passages.append(Passage(text[start:end], document.source, document.title, start, end, spans, section))
        current.clear()

    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if is_heading(line):
            flush()
            section = line.strip(" ◇◆#")
            continue
        for s_start, s_end in sentence_spans(line, line_start):
            for piece in _hard_split(s_start, s_end, text, max_chars):
                if current and piece[1] - current[0][0] > max_chars:
                    flush()
                current.append(piece)
        # End the passage at this paragraph unless it is still short.
        if current and current[-1][1] - current[0][0] >= max_chars // 2:
            flush()
    flush()
    return passages

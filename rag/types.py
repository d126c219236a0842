"""Small typed values passed between the stages: documents, passages, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.short_answer import ShortAnswer


@dataclass(frozen=True)
class Document:
    """A cleaned article. ``text`` is what offsets of passages and citations point into."""

    source: str
    title: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A sentence-aligned slice of a document: ``document.text[start:end] == text``.

    ``sentences`` are absolute ``(start, end)`` offsets of the sentences inside the passage,
    kept so answers can quote a single sentence without splitting again. ``section`` is the
    heading the passage sits under, used as context for embedding, never as quoted text.
    """

    text: str
    source: str
    title: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    section: str = ""

    def to_json(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies every field, seconds for 10k passages.
        return {"text": self.text, "source": self.source, "title": self.title, "start": self.start,
                "end": self.end, "sentences": [list(s) for s in self.sentences], "section": self.section}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Passage":
        return cls(
            text=str(data["text"]),
            source=str(data["source"]),
            title=str(data["title"]),
            start=int(data["start"]),
            end=int(data["end"]),
            sentences=tuple((int(a), int(b)) for a, b in data["sentences"]),
            section=str(data.get("section", "")),
        )

    def sentence_texts(self) -> list[str]:
        return [self.text[a - self.start : b - self.start] for a, b in self.sentences]


@dataclass(frozen=True)
class Citation:
    """A ranked passage with the exact span that supports the answer.

    ``start``/``end`` locate the passage in its cleaned document; ``quote_start``/``quote_end``
    locate the quoted span (equal to ``start`` when nothing in the passage is quoted).
    """

    text: str
    source: str
    title: str
    start: int
    end: int
    score: float
    quote_start: int = 0
    quote_end: int = 0

    @classmethod
    def of(cls, passage: Passage, score: float, quote: tuple[int, int] | None = None) -> "Citation":
        """A passage as a citation; ``quote`` is the supporting span's document offsets, if any."""
        quote_start, quote_end = quote or (passage.start, passage.start)
        return cls(passage.text, passage.source, passage.title, passage.start, passage.end, score,
                   quote_start, quote_end)

    @property
    def quote(self) -> str:
        return self.text[self.quote_start - self.start : self.quote_end - self.start]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["quote"] = self.quote
        return data


@dataclass(frozen=True)
class Answer:
    """What ``RagPipeline.ask`` returns.

    ``citations`` support the answer and are numbered ``[1]``, ``[2]``… in ``text``. When the
    corpus does not support an answer, ``answerable`` is False, ``citations`` is empty and
    ``related`` holds the closest passages, which must not be presented as support.
    """

    question: str
    text: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)
    short: ShortAnswer | None = None
    """The span of the first citation's quote that answers, shown first; None when refused or
    when no span of the kind asked for is there (the quote still stands)."""
    searched_for: str = ""
    """The standalone question retrieval used: ``question`` completed from the conversation
    ("그럼 영업이익은?" -> "카카오 2분기 영업이익은?"), or ``question`` itself."""

    def __post_init__(self) -> None:
        if not self.searched_for:
            object.__setattr__(self, "searched_for", self.question)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "answerable": self.answerable,
            "short": self.short.to_json() if self.short else None,
            "searched_for": self.searched_for,
            "citations": [c.to_json() for c in self.citations],
            "related": [c.to_json() for c in self.related],
        }

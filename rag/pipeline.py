"""The public entry point: ``RagPipeline.load()`` then ``ask`` or ``retrieve``."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from rag.answer import ExtractiveAnswerer
from rag.chunking import split_passages
from rag.config import MAX_QUESTION_CHARS, Settings
from rag.corpus import CorpusLoad, load_corpus
from rag.embeddings import Embedder
from rag.errors import IndexInvalid, RagError
from rag.index import VectorIndex
from rag.retrieval import HybridRetriever
from rag.types import Answer, Citation, Document, Passage

log = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")

CHUNKING_VERSION = 3
"""Bump when passage cutting or the text given to the embedder changes: old indexes go stale."""


def passage_context(p: Passage) -> str:
    """What the embedder sees for a passage: its title and section give it context."""
    return "\n".join(x for x in (p.title, p.section, p.text) if x)


def validate_question(question: object) -> str:
    """The question stripped of outer whitespace; a clear ``ValueError`` when unusable."""
    if not isinstance(question, str):
        raise ValueError(f"The question must be text, not {type(question).__name__}.")
    # Lone surrogates (from broken clients or JSON) cannot be encoded; show them as U+FFFD.
    text = _SURROGATE.sub("\ufffd", question).strip()
    if not text:
        raise ValueError("The question is empty. Type a question about the articles.")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValueError(
            f"The question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. Shorten it."
        )
    return text


@dataclass(frozen=True)
class CorpusInfo:
    """What the chat page and ``rag index`` show about the indexed corpus."""

    documents: list[dict[str, str]]
    passages: int
    model: str
    built_at: str
    index_type: str
    errors: list[str]


class RagPipeline:
    """Corpus -> passages -> index -> hybrid retrieval -> extractive answer.

    ``load`` reuses the stored index when it matches the corpus, model and chunking, and
    rebuilds it (with a warning) when it is stale or damaged. Thread-safe: ``refresh`` swaps
    the retriever atomically, so requests in flight finish on the old one.
    """

    def __init__(self, settings: Settings, embedder: Embedder, corpus: CorpusLoad, index: VectorIndex) -> None:
        self.settings = settings
        self.embedder = embedder
        self.answerer = ExtractiveAnswerer()
        self._lock = threading.Lock()
        self._install(corpus, index)

    def _install(self, corpus: CorpusLoad, index: VectorIndex) -> None:
        retriever = HybridRetriever.from_index(index, self.embedder, k=self.settings.top_k,
                                               weights=self.settings.fusion or None)
        self._state = (corpus, index, retriever)

    @classmethod
    def load(cls, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
             model: str | None = None, rebuild: bool = False, progress: bool = False,
             settings: Settings | None = None) -> "RagPipeline":
        settings = settings or Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir, embedding_model=model)
        embedder = Embedder(settings.embedding_model, batch_size=settings.batch_size)
        corpus, index = _load_or_build(settings, embedder, rebuild=rebuild, progress=progress)
        return cls(settings, embedder, corpus, index)

    def refresh(self, rebuild: bool = False, progress: bool = False) -> bool:
        """Pick up corpus changes without a restart; True when the index was rebuilt."""
        with self._lock:
            old_built = self._state[1].manifest.get("built_at"), self._state[1].manifest.get("corpus")
            corpus, index = _load_or_build(self.settings, self.embedder, rebuild=rebuild, progress=progress)
            self._install(corpus, index)
            return (index.manifest.get("built_at"), index.manifest.get("corpus")) != old_built

    @property
    def retriever(self) -> HybridRetriever:
        """The LangChain retriever (``invoke(question)`` gives ``Document``s)."""
        return self._state[2]

    @property
    def passages(self) -> list[Passage]:
        return self._state[1].passages

    @property
    def documents(self) -> list[Document]:
        return self._state[0].documents

    def retrieve(self, question: str, k: int | None = None) -> list[Citation]:
        """Ranked passages for a question, best first, as citations with their scores."""
        question = validate_question(question)
        if k is not None and k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        ranking = self._state[2].rank(question, k)
        return [Citation(h.passage.text, h.passage.source, h.passage.title, h.passage.start, h.passage.end,
                         round(h.score, 4), h.passage.start, h.passage.start) for h in ranking.hits]

    def ask(self, question: str) -> Answer:
        """A short answer quoted from the corpus with numbered citations, or an honest refusal."""
        question = validate_question(question)
        return self.answerer.answer(question, self._state[2].rank(question))

    def info(self) -> CorpusInfo:
        corpus, index, _ = self._state
        docs = [dict(d.metadata, source=d.source, title=d.title) for d in corpus.documents]
        m = index.manifest
        return CorpusInfo(docs, len(index.passages), str(m.get("model")), str(m.get("built_at")),
                          str(m.get("index_type")), [str(e) for e in corpus.errors])


def _expected_manifest(settings: Settings, corpus: CorpusLoad) -> dict[str, object]:
    return {
        "model": settings.embedding_model,
        "corpus": corpus.fingerprint,
        "chunking": {"version": CHUNKING_VERSION, "max_chars": settings.max_passage_chars},
    }


def _load_or_build(settings: Settings, embedder: Embedder, rebuild: bool, progress: bool
                   ) -> tuple[CorpusLoad, VectorIndex]:
    corpus = load_corpus(settings.corpus_dir)
    expect = _expected_manifest(settings, corpus)
    if not rebuild:
        try:
            index = VectorIndex.load(settings.index_dir, expect)
            log.info("Loaded index from %s (%d passages)", settings.index_dir, len(index.passages))
            return corpus, index
        except IndexInvalid as exc:
            log.warning("Rebuilding the index: %s", exc)
    if not corpus.documents:
        raise RagError(f"No usable documents in {settings.corpus_dir}: add UTF-8 .txt or .md articles.")
    index = build_index(corpus, embedder, settings, expect, progress)
    index.save(settings.index_dir)
    return corpus, index


def build_index(corpus: CorpusLoad, embedder: Embedder, settings: Settings, manifest: dict[str, object],
                progress: bool = False) -> VectorIndex:
    """Cut every document into passages and embed passages and their sentences."""
    passages = [p for d in corpus.documents for p in split_passages(d, settings.max_passage_chars)]
    log.info("Embedding %d passages from %d documents", len(passages), len(corpus.documents))
    vectors = embedder.encode_passages([passage_context(p) for p in passages], progress=progress)
    # Sentences are embedded bare: a shared heading made every sentence under it look alike.
    sentences = [s for p in passages for s in p.sentence_texts()]
    sentence_vectors = embedder.encode_passages(sentences, progress=progress)
    return VectorIndex.build(passages, vectors, sentence_vectors, manifest)

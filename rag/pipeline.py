"""The public entry point: ``RagPipeline.load()`` then ``ask`` or ``retrieve``."""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rag import aliases
from rag.answer import ExtractiveAnswerer
from rag.answerability import Answerability
from rag.bridge import Bridge
from rag.config import MAX_QUESTION_CHARS, Settings
from rag.conversation import FollowUps
from rag.corpus import CorpusLoad
from rag.embeddings import Embedder
from rag.errors import QuestionError
from rag.indexing import IndexedCorpus, load_or_build, load_stored
from rag.lexicon import Lexicon, load_lexicon
from rag.names import NameIndex
from rag.retrieval import HybridRetriever, LangChainRetriever
from rag.store import PassageStore
from rag.types import Answer, Citation, Document, Passage

log = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")


def validate_question(question: object) -> str:
    """The question stripped of outer whitespace; a clear ``QuestionError`` (a ``ValueError``) when unusable."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, not {type(question).__name__}.")
    # Lone surrogates (from broken clients or JSON) cannot be encoded; show them as U+FFFD.
    text = _SURROGATE.sub("\ufffd", question).strip()
    if not text:
        raise QuestionError("The question is empty. Type a question about the articles.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
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
    update: dict[str, int] = field(default_factory=dict)
    """What the last build embedded and reused (``passages_embedded``, ``passages_reused``, …)."""
    build: dict[str, float] = field(default_factory=dict)
    """How long the last build took (``seconds``) and how fast it embedded (``texts_per_s``)."""


@dataclass(frozen=True)
class _Live:
    """Everything one request reads, swapped as a whole so that it never sees two versions."""

    corpus: CorpusLoad
    index: PassageStore
    retriever: HybridRetriever
    answerability: Answerability
    follow_ups: FollowUps


def _indexed(settings: Settings, embedder: Embedder, read_only: bool, rebuild: bool, progress: bool
             ) -> IndexedCorpus:
    if read_only:
        return load_stored(settings, embedder)
    return load_or_build(settings, embedder, rebuild=rebuild, progress=progress)


class RagPipeline:
    """Corpus -> passages -> index -> hybrid retrieval -> answerability -> extractive answer.

    ``load`` reuses the stored index when it matches the corpus, model and chunking, and
    rebuilds it (with a warning) when it is stale or damaged. Thread-safe: ``refresh`` swaps
    the live state in one assignment, so requests in flight finish on the old one.
    """

    def __init__(self, settings: Settings, embedder: Embedder, corpus: CorpusLoad, index: PassageStore,
                 lexicon: Lexicon | None = None, read_only: bool = False) -> None:
        self.settings = settings
        self.read_only = read_only
        """Never build or write the index: serve the version ``CURRENT`` names (a replica)."""
        self.embedder = embedder
        self.answerer = ExtractiveAnswerer(settings.quote, settings.spans)
        self._lock = threading.Lock()
        self.lexicon = (lexicon if lexicon is not None else load_lexicon()) if settings.bridge else None
        self._live = self._make_live(IndexedCorpus(corpus, index))

    def with_settings(self, settings: Settings) -> "RagPipeline":
        """The same corpus, index, model and lexicon answered with other tunables (for comparisons;
        the corpus, index and model settings must stay the same)."""
        return RagPipeline(settings, self.embedder, self.corpus, self.index, self.lexicon, self.read_only)

    def _make_live(self, indexed: IndexedCorpus) -> _Live:
        retriever = HybridRetriever(indexed.index, self.embedder, k=self.settings.top_k, weights=self.settings.fusion)
        if self.lexicon is not None:
            names = NameIndex(retriever.bm25.vocab, (c for t in indexed.index.terms for c in t.compounds))
            retriever.bridge = Bridge(self.lexicon, retriever.bm25.vocab, names,
                                      aliases.harvest(p.text for p in indexed.index.passages))
        answerability = Answerability(indexed.index.passages, indexed.index.terms, retriever.bm25,
                                      self.settings.refusal, reads_english=retriever.bridge is not None,
                                      dates={d.source: d.metadata.get("date", "") for d in indexed.corpus.documents})
        follow_ups = FollowUps(retriever.bm25.vocab, retriever.bridge)
        return _Live(indexed.corpus, indexed.index, retriever, answerability, follow_ups)

    @classmethod
    def load(cls, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
             model: str | None = None, rebuild: bool = False, progress: bool = False,
             settings: Settings | None = None, backend: str | None = None, read_only: bool = False,
             store: str | None = None) -> "RagPipeline":
        """``read_only`` serves the stored index as it is and never builds (page replicas sharing
        an index folder that a separate ``rag index`` job updates); ``store`` is ``faiss`` (the
        default) or ``milvus`` (at ``RAG_MILVUS_URI``)."""
        settings = settings or Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir, embedding_model=model,
                                                 embedding_backend=backend, store=store)
        embedder = Embedder(settings.embedding_model, batch_size=settings.batch_size,
                            backend=settings.embedding_backend)
        indexed = _indexed(settings, embedder, read_only, rebuild, progress)
        return cls(settings, embedder, indexed.corpus, indexed.index, read_only=read_only)

    def refresh(self, rebuild: bool = False, progress: bool = False) -> bool:
        """Pick up corpus changes without a restart (read-only: the index job's latest version);
        True when the index was rebuilt."""
        with self._lock:
            before = self._live.index.manifest
            indexed = _indexed(self.settings, self.embedder, self.read_only, rebuild, progress)
            self._live = self._make_live(indexed)
            after = indexed.index.manifest
            return (after.get("built_at"), after.get("corpus")) != (before.get("built_at"), before.get("corpus"))

    @property
    def index(self) -> PassageStore:
        return self._live.index

    @property
    def corpus(self) -> CorpusLoad:
        return self._live.corpus

    @property
    def retriever(self) -> HybridRetriever:
        return self._live.retriever

    def as_retriever(self) -> LangChainRetriever:
        """The same retrieval as a LangChain ``BaseRetriever`` (``invoke(question)`` gives ``Document``s)."""
        return self._live.retriever.as_langchain()

    @property
    def passages(self) -> list[Passage]:
        return self._live.index.passages

    @property
    def documents(self) -> list[Document]:
        return self._live.corpus.documents

    def retrieve(self, question: str, k: int | None = None, history: object = None) -> list[Citation]:
        """Ranked passages for a question (completed from ``history``, as in :meth:`ask`), best
        first, as citations with their scores."""
        question = validate_question(question)
        if k is not None and k < 1:
            raise QuestionError(f"k must be at least 1, got {k}")
        live = self._live
        completed = live.follow_ups.complete(question, history)
        ranking = completed.stay_on(live.retriever.rank(completed.searched, k))
        return [Citation.of(h.passage, round(h.score, 4)) for h in ranking.hits]

    def ask(self, question: str, history: object = None) -> Answer:
        """A short answer quoted from the corpus with numbered citations, or an honest refusal.

        ``history`` is the conversation so far, oldest first, as ``{"role": "user"|"assistant",
        "content": str}`` messages: a follow-up ("그럼 영업이익은?") is completed from it before
        retrieval, and ``Answer.searched_for`` says what was searched."""
        question = validate_question(question)
        live = self._live
        completed = live.follow_ups.complete(question, history)
        ranking = completed.stay_on(live.retriever.rank(completed.searched))
        own = live.retriever.terms(completed.own) if completed.searched != question else None
        verdict = live.answerability.assess(ranking, own)
        answer = self.answerer.answer(completed.searched, ranking, verdict.supported, verdict.hit,
                                      need_span=own is not None,
                                      own_question=completed.own if own is not None else None,
                                      previous_quote=completed.previous_quote,
                                      unmistakable=live.answerability.unmistakable(verdict))
        return dataclasses.replace(answer, question=question, searched_for=completed.searched)

    def info(self) -> CorpusInfo:
        live = self._live
        docs = [dict(d.metadata, source=d.source, title=d.title) for d in live.corpus.documents]
        m = live.index.manifest
        update, build = m.get("update"), m.get("build")
        return CorpusInfo(docs, len(live.index.passages), str(m.get("model")), str(m.get("built_at")),
                          str(m.get("index_type")), [str(e) for e in live.corpus.errors],
                          dict(update) if isinstance(update, dict) else {}, dict(build) if isinstance(build, dict) else {})

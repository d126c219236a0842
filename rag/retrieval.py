"""Hybrid retrieval: dense passage and sentence similarity fused with Kiwi-BM25.

Fusion works on normalised scores, not ranks or concatenated lists: each signal is
z-normalised over the candidate passages so that one retriever's scale cannot drown
the other, then combined with weights that depend on the question's script. An English
question shares almost no terms with a Korean article, so its lexical weight shrinks with
its share of Hangul; a Korean question leans on exact terms, where BM25 is strong.

Ranking is all this module does: whether the ranking supports an answer is
:mod:`rag.answerability`'s decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.config import FusionWeights
from rag.embeddings import Embedder
from rag.index import VectorIndex
from rag.lexical import BM25, QueryTerms, analyse
from rag.types import Passage

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LETTER = re.compile(r"[^\W\d_]")


def hangul_share(text: str) -> float:
    """Share of letters that are Hangul: 1.0 for Korean, 0.0 for English."""
    letters = _LETTER.findall(text)
    return len(_HANGUL.findall(text)) / len(letters) if letters else 0.0


def _z(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    return (values - values.mean()) / std if std > 1e-6 else np.zeros_like(values)


@dataclass(frozen=True)
class Hit:
    """A ranked passage with the signals that ranked it (kept for answering and display)."""

    passage_id: int
    passage: Passage
    score: float
    dense: float
    sentence_score: float
    """The best of ``sentence_scores``: how well the passage's best sentence fits the question."""
    lexical_score: float
    sentence_scores: tuple[float, ...]
    sentence_terms: tuple[tuple[str, ...], ...]
    """Lexical terms of each sentence (from the index), for choosing which one to quote."""


@dataclass(frozen=True, eq=False)
class Ranking:
    """The best passages for a question, and what answerability needs to judge them."""

    query: QueryTerms
    hangul_share: float
    hits: list[Hit]
    candidate_sentence_scores: np.ndarray
    """Similarities of every candidate passage's sentences, not only the hits': a question the
    corpus answers has one sentence that stands out among them."""

    @property
    def query_terms(self) -> tuple[str, ...]:
        return self.query.terms


class HybridRetriever:
    """Ranks the passages of a :class:`VectorIndex` by dense, best-sentence and BM25 scores."""

    def __init__(self, index: VectorIndex, embedder: Embedder, k: int = 5, weights: FusionWeights | None = None
                 ) -> None:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        self.index = index
        self.embedder = embedder
        self.k = k
        self.weights = weights or FusionWeights()
        self.bm25 = BM25([t.all() for t in index.terms])

    def rank(self, query: str, k: int | None = None) -> Ranking:
        k = k or self.k
        n = len(self.index.passages)
        analysed = analyse(query)
        share = hangul_share(query)
        if n == 0:
            return Ranking(analysed, share, [], np.zeros(0, np.float32))
        want = min(n, max(50, 4 * k))
        qv = self.embedder.encode_queries([query])[0]
        scores, ids = self.index.search(qv, want)
        bm25 = self.bm25.scores(analysed.terms)
        bm25_top = np.argpartition(-bm25, want - 1)[:want] if want < n else np.arange(n)  # O(n), not a full sort
        candidates = np.union1d(ids, bm25_top[bm25[bm25_top] > 0]).astype(np.int64)

        dense = dict(zip(ids.tolist(), scores.tolist()))
        per_sentence = [self.index.sentences_of(int(i)) @ qv for i in candidates]
        sentence = np.array([s.max() for s in per_sentence], dtype=np.float32)
        dense_c = np.array([dense.get(int(i), float("nan")) for i in candidates], dtype=np.float32)
        dense_c = np.where(np.isnan(dense_c), sentence, dense_c)  # lexical-only candidates
        bm25_c = bm25[candidates]

        w = self.weights
        fused = w.dense * _z(dense_c) + w.sentence * _z(sentence) + w.lexical(share) * _z(bm25_c)
        order = np.argsort(-fused, kind="stable")[:k]
        hits = [
            Hit(int(candidates[j]), self.index.passages[int(candidates[j])], float(fused[j]), float(dense_c[j]),
                float(sentence[j]), float(bm25_c[j]), tuple(float(x) for x in per_sentence[j]),
                self.index.terms[int(candidates[j])].sentences)
            for j in order
        ]
        return Ranking(analysed, share, hits, np.concatenate(per_sentence))

    def as_langchain(self) -> "LangChainRetriever":
        return LangChainRetriever(retriever=self)


class LangChainRetriever(BaseRetriever):
    """The ranking as a LangChain retriever: ``invoke(question)`` gives ``Document``s."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        return [
            LCDocument(page_content=h.passage.text, metadata={
                "source": h.passage.source, "title": h.passage.title, "start": h.passage.start,
                "end": h.passage.end, "section": h.passage.section, "score": h.score,
            })
            for h in self.retriever.rank(query).hits
        ]

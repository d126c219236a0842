"""Hybrid retrieval: dense passage and sentence similarity fused with Kiwi-BM25 over the passage
and the question's term weight held by its best sentence.

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
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.bridge import Bridge, Bridged
from rag.config import FusionWeights
from rag.embeddings import Embedder
from rag.lexical import BM25, LATIN, QueryTerms, analyse
from rag.store import PassageStore
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
    bridged: Bridged | None = None
    """The question's Latin-script words in corpus terms, when it has any."""
    candidate_sentence_sources: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    """The document (``Passage.source``) of each of ``candidate_sentence_scores``."""

    @property
    def query_terms(self) -> tuple[str, ...]:
        return self.query.terms

    @property
    def translated(self) -> bool:
        """Whether ranking and quoting use the lexicon bridge's translations: for questions in
        Latin script only. Mixed questions rank by their Korean terms and the Latin words the
        corpus writes the same way: a Korean reader's English words are technical terms whose
        dictionary senses mislead ranking (operating margin -> 운영, 작용); the bridge still judges
        their coverage and names."""
        return self.bridged is not None and self.hangul_share == 0 and bool(self.bridged.term_sets)

    @property
    def term_sets(self) -> tuple[tuple[str, ...], ...]:
        """What the question asks for in corpus terms: its Korean terms one by one, or for a
        translated question one set of translations per English word or name."""
        if not self.translated:
            return tuple((t,) for t in dict.fromkeys(self.query.terms))
        assert self.bridged is not None
        return tuple((t,) for t in self.query.terms if not LATIN.search(t)) + self.bridged.term_sets

    @property
    def asked(self) -> list[tuple[str, ...]]:
        """The term sets and, one by one, the question's own terms: what its answer's span must not
        merely repeat (a translated question's Latin words as well as their translations)."""
        return [*self.term_sets, *((t,) for t in self.query.terms)]


class HybridRetriever:
    """Ranks the passages of a :class:`PassageStore` by dense, best-sentence and BM25 scores."""

    def __init__(self, index: PassageStore, embedder: Embedder, k: int = 5, weights: FusionWeights | None = None,
                 bridge: Bridge | None = None) -> None:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        self.index = index
        self.embedder = embedder
        self.k = k
        self.weights = weights or FusionWeights()
        self.bm25 = BM25([t.all() for t in index.terms])
        self.bridge = bridge

    def terms(self, query: str) -> Ranking:
        """What a question says, in corpus terms, without searching: a ranking with no hits."""
        bridged = self.bridge.translate(query) if self.bridge is not None and LATIN.search(query) else None
        if bridged is not None and all(g.state == "unknown" for g in bridged.groups):
            bridged = None  # the lexicon knows none of its words: ranked and judged as without it
        return Ranking(analyse(query), hangul_share(query), [], np.zeros(0, np.float32), bridged)

    def rank(self, query: str, k: int | None = None) -> Ranking:
        k = k or self.k
        n = len(self.index.passages)
        said = self.terms(query)
        analysed, share, bridged = said.query, said.hangul_share, said.bridged
        if n == 0:
            return said
        want = min(n, max(50, 4 * k))
        qv = self.embedder.encode_queries([query])[0]
        scores, ids = self.index.search(qv, want)
        query_ranking = Ranking(analysed, share, [], qv, bridged)
        if not query_ranking.translated:
            bm25 = self.bm25.scores(analysed.terms)
            lexical = self.index.lexical_search(self.bm25.query_weights(analysed.terms), want)
        else:
            assert bridged is not None
            sets = query_ranking.term_sets
            weights = bridged.set_weights(self.weights.ambiguity)
            weights = (1.0,) * (len(sets) - len(weights)) + weights
            bm25 = self.bm25.set_scores(sets, weights)
            lexical = self.index.lexical_search(self.bm25.set_query_weights(sets, weights), want)
        if lexical is not None:  # the store's lexical index found the candidates; bm25 scores them exactly
            bm25_top = lexical
        else:
            bm25_top = np.argpartition(-bm25, want - 1)[:want] if want < n else np.arange(n)  # O(n), not a full sort
        candidates = np.union1d(ids, bm25_top[bm25[bm25_top] > 0]).astype(np.int64)

        dense = dict(zip(ids.tolist(), scores.tolist()))
        per_sentence = self.index.sentence_scores(qv, candidates)
        sentence = np.array([s.max() for s in per_sentence], dtype=np.float32)
        dense_c = np.array([dense.get(int(i), float("nan")) for i in candidates], dtype=np.float32)
        dense_c = np.where(np.isnan(dense_c), sentence, dense_c)  # lexical-only candidates
        bm25_c = bm25[candidates]

        w = self.weights
        fused = (w.dense * _z(dense_c) + w.sentence * _z(sentence)
                 + w.lexical(share, query_ranking.translated) * _z(bm25_c))
        if not query_ranking.translated and share > 0:
            fused += w.sentence_lexical * share * _z(self._sentence_match(analysed.terms, candidates))
        order = np.argsort(-fused, kind="stable")[:k]
        hits = [
            Hit(int(candidates[j]), self.index.passages[int(candidates[j])], float(fused[j]), float(dense_c[j]),
                float(sentence[j]), float(bm25_c[j]), tuple(float(x) for x in per_sentence[j]),
                self.index.terms[int(candidates[j])].sentences)
            for j in order
        ]
        sources = np.repeat(np.array([self.index.passages[int(i)].source for i in candidates], dtype=object),
                            [len(s) for s in per_sentence])
        return Ranking(analysed, share, hits, np.concatenate(per_sentence), bridged, sources)

    def _sentence_match(self, terms: Sequence[str], candidates: np.ndarray) -> np.ndarray:
        """Of each candidate passage, how much of the question's term weight (idf) its best sentence
        holds: passage BM25 cannot tell the paragraph whose one sentence says all of the question
        from a neighbour that mentions its words across several sentences."""
        weights = {t: self.bm25.term_weight(t) for t in set(terms) if t in self.bm25.vocab}
        if not weights:
            return np.zeros(len(candidates), np.float32)
        asked = weights.keys()
        return np.array([max((sum(weights[t] for t in asked & set(s)) for s in self.index.terms[int(c)].sentences),
                             default=0.0) for c in candidates], dtype=np.float32)

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

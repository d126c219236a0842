"""Hybrid retrieval: dense passage and sentence similarity fused with Kiwi-BM25.

Fusion works on normalised scores, not ranks or concatenated lists: each signal is
z-normalised over the candidate passages so that one retriever's scale cannot drown
the other, then combined with weights that depend on the question's script. An English
question shares almost no terms with a Korean article, so its lexical weight shrinks with
its share of Hangul; a Korean question leans on exact terms, where BM25 is strong.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from rag.embeddings import Embedder
from rag.index import VectorIndex
from rag.lexical import BM25, analyse
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
    """A ranked passage with the signals that ranked it (kept for refusal and display)."""

    passage_id: int
    passage: Passage
    score: float
    dense: float
    sentence: float
    lexical: float
    sentence_scores: tuple[float, ...]
    sentence_terms: tuple[tuple[str, ...], ...]
    """Lexical terms of each sentence (from the index), for choosing which one to quote."""


@dataclass(frozen=True)
class Ranking:
    """Ranked hits plus query-level evidence the answerer uses to decide on refusal."""

    hits: list[Hit]
    hangul: float
    coverage: float
    query_terms: tuple[str, ...]
    unknown_names: tuple[str, ...] = ()
    """Proper nouns of the question that no passage mentions, even abbreviated."""
    standout: float = 0.0
    """How far the best sentence stands above the other candidate sentences, in standard
    deviations: a question the corpus answers has one sentence that fits much better."""


class HybridRetriever(BaseRetriever):
    """LangChain retriever over a :class:`VectorIndex` and a BM25 index of the same passages."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: VectorIndex
    embedder: Embedder
    lexical: BM25
    k: int = 5
    weights: dict[str, float] = {"dense": 0.4, "sentence": 0.6, "lexical_ko": 0.6, "lexical_en": 0.1}
    _text: str = PrivateAttr(default="")
    _by_initial: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object) -> None:
        # Name look-ups must not scan every passage per question: one joined text for
        # substring search (C speed) and the vocabulary grouped by first character.
        self._text = "\n".join(p.text for p in self.index.passages)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for term in self.lexical.vocab:
            by_initial[term[:1]].append(term)
        self._by_initial = dict(by_initial)

    @classmethod
    def from_index(cls, index: VectorIndex, embedder: Embedder, k: int = 5,
                   weights: dict[str, float] | None = None) -> "HybridRetriever":
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        lexical = BM25([t.all() for t in index.terms])
        extra = {"weights": dict(cls.model_fields["weights"].default, **weights)} if weights else {}
        return cls(index=index, embedder=embedder, lexical=lexical, k=k, **extra)

    def rank(self, query: str, k: int | None = None) -> Ranking:
        k = k or self.k
        n = len(self.index.passages)
        analysed = analyse(query)
        terms = analysed.terms
        hangul = hangul_share(query)
        if n == 0:
            return Ranking([], hangul, 0.0, terms)
        want = min(n, max(50, 4 * k))
        qv = self.embedder.encode_queries([query])[0]
        scores, ids = self.index.search(qv, want)
        lexical = self.lexical.scores(terms)
        lex_top = np.argpartition(-lexical, want - 1)[:want] if want < n else np.arange(n)  # O(n), not a full sort
        candidates = np.union1d(ids, lex_top[lexical[lex_top] > 0]).astype(np.int64)

        dense = dict(zip(ids.tolist(), scores.tolist()))
        per_sentence = [self.index.sentences_of(int(i)) @ qv for i in candidates]
        sentence = np.array([s.max() for s in per_sentence], dtype=np.float32)
        dense_c = np.array([dense.get(int(i), float("nan")) for i in candidates], dtype=np.float32)
        dense_c = np.where(np.isnan(dense_c), sentence, dense_c)  # lexical-only candidates
        lex_c = lexical[candidates]

        w = self.weights
        w_lex = w["lexical_en"] + (w["lexical_ko"] - w["lexical_en"]) * hangul
        fused = w["dense"] * _z(dense_c) + w["sentence"] * _z(sentence) + w_lex * _z(lex_c)
        order = np.argsort(-fused, kind="stable")[:k]
        hits = [
            Hit(int(candidates[j]), self.index.passages[int(candidates[j])], float(fused[j]), float(dense_c[j]),
                float(sentence[j]), float(lex_c[j]), tuple(float(x) for x in per_sentence[j]),
                self.index.terms[int(candidates[j])].sentences)
            for j in order
        ]
        everything = np.concatenate(per_sentence)
        spread = float(everything.std())
        standout = float((everything.max() - everything.mean()) / spread) if spread > 1e-6 else 0.0
        return Ranking(hits, hangul, self.lexical.known_weight(analysed.key), terms,
                       self.unknown_names(analysed.names), standout)

    def unknown_names(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Names in the question the corpus never mentions: a question about someone or
        something else is not answered by these articles, however close its wording.

        A name counts as mentioned when it occurs in a passage or, for Korean abbreviations
        such as 카톡 for 카카오톡, when its syllables occur in order in a corpus name that
        starts with the same syllable.
        """
        return tuple(n for n in names if not self._mentions(n))

    def _mentions(self, name: str) -> bool:
        if name in self.lexical.vocab or name in self._text:
            return True
        return any(_abbreviates(name, known) for known in self._by_initial.get(name[:1], ()))

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        return [
            LCDocument(page_content=h.passage.text, metadata={
                "source": h.passage.source, "title": h.passage.title, "start": h.passage.start,
                "end": h.passage.end, "section": h.passage.section, "score": h.score,
            })
            for h in self.rank(query).hits
        ]


def _abbreviates(short: str, long: str) -> bool:
    """True when ``short`` is ``long`` with syllables left out (카톡 / 카카오톡)."""
    if not 1 < len(short) < len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)

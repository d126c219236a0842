"""Korean lexical search: BM25 over Kiwi morphemes.

Korean glues particles and endings onto words (카카오는, 카카오가, 카카오의), so splitting
on spaces or with a regex misses most matches. Kiwi gives the morphemes; only content
morphemes are indexed, which keeps particles from matching everything.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
from scipy import sparse

from rag.kiwi import kiwi
from rag.question_kind import measured, periods
from rag.types import Passage

CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "SN", "SL", "SH", "XR", "VV", "VA", "XSN", "NNB"})
_STOP_NNB = frozenset({"것", "수", "등", "때", "데", "바", "중", "뿐", "터", "줄", "이"})
# English function words: Kiwi tags every Latin word SL, so they would otherwise be indexed.
_STOP_LATIN = frozenset(
    "a an the is are was were be been do does did of in on at to for by with from and or what "
    "when where who whom which why how much many will would can could should it its this that "
    "these those there their they he she his her about as into than then".split()
)


KEY_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
QUOTATION_MARKS = ("''", "‘’", '""', "“”", "「」", "『』")
"""Pairs of quotation marks, opening then closing."""
_OPENING_QUOTES = frozenset(pair[0] for pair in QUOTATION_MARKS)
_CLOSING_QUOTES = frozenset(pair[1] for pair in QUOTATION_MARKS)
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
LATIN = re.compile(r"[A-Za-z]")
"""Latin letters: what the lexicon bridge translates."""


@dataclass(frozen=True)
class QueryTerms:
    """What retrieval and refusal need from a question, from one Kiwi analysis.

    ``terms`` are matched by BM25; ``key`` (nouns and foreign words) are what a supporting
    passage must mention, leaving out verbs because paraphrases change them freely
    (늘었다/뛰었다); ``names`` are proper nouns as written.
    """

    terms: tuple[str, ...]
    key: tuple[str, ...]
    names: tuple[str, ...]
    measured: str | None = None
    """The noun whose amount the question asks for (``rag.question_kind.measured``): a document
    without it has other figures, not this one."""
    periods: tuple[str, ...] = ()
    """The dates and quarters the question names (``rag.question_kind.periods``)."""
    text: str = ""
    """The question as written, for finding what it names however Kiwi cuts it."""


_QUESTION_WORDS = frozenset({"누가", "누구", "무엇", "뭐", "어디", "언제", "얼마", "몇"})
"""Never a name or a term: Kiwi tags 누가 as a proper noun at times ("국가 원수격인 누가 …") and 얼마 as
a common noun, which BM25 then looks for in the passages."""


def analyse(question: str) -> QueryTerms:
    tokens = kiwi().tokenize(question)
    said = [t for t in tokens if t.form not in _QUESTION_WORDS]
    return QueryTerms(
        terms=tuple(_content(said)),
        key=tuple(t.form.lower() for t in said
                  if t.tag in KEY_TAGS and not (t.tag == "SL" and t.form.lower() in _STOP_LATIN)),
        names=tuple(t.form for t in said if t.tag == "NNP"),
        measured=measured(tokens),
        periods=periods(tokens),
        text=question.strip(),
    )


def _keeps(tok) -> bool:
    if tok.tag not in CONTENT_TAGS:
        return False
    form = tok.form.lower()
    return not ((tok.tag == "NNB" and form in _STOP_NNB) or (tok.tag == "SL" and form in _STOP_LATIN))


def _content(tokens: Sequence) -> list[str]:
    return [tok.form.lower() for i, tok in enumerate(tokens) if _keeps(tok) or quoted_alone(tokens, i)]


def quoted_alone(tokens: Sequence, i: int) -> bool:
    """A Hangul word alone in quotation marks names something, whatever Kiwi tags it: news quotes
    product names, and Kiwi reads the feature '펑' as an adverb (MAG), which no question could find."""
    return (0 < i < len(tokens) - 1 and tokens[i - 1].form in _OPENING_QUOTES and tokens[i + 1].form in _CLOSING_QUOTES
            and _HANGUL.fullmatch(tokens[i].form) is not None)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Content morphemes of each text, lower-cased; Latin words stay whole."""
    return [_content(tokens) for tokens in kiwi().tokenize(list(texts))]


@lru_cache(maxsize=4096)
def title_terms(title: str) -> tuple[str, ...]:
    """A title's terms, analysed once per title (about a millisecond each), when first needed: the
    answerer weighs a quote's echo of its headline, grounding reads the title as part of the text."""
    return tuple(tokenize([title])[0]) if title else ()


@dataclass(frozen=True)
class PassageTerms:
    """A passage's terms, analysed once when the index is built and stored with it.

    Kiwi costs about 1 ms a sentence: re-analysing the corpus at every start, or the cited
    passage's sentences at every answer, is what made loading slow and answers 4 ms slower.
    The passage's BM25 document is its section heading's terms followed by its sentences'.
    """

    section: tuple[str, ...]
    sentences: tuple[tuple[str, ...], ...]
    compounds: tuple[tuple[str, ...], ...] = ()
    """Nouns written together as one word (카카오 + 브레인 in 카카오브레인의), once each: the names
    and loanword compounds an English question may spell (Kakao Brain, Open Chat)."""

    def all(self) -> list[str]:
        return [*self.section, *(t for s in self.sentences for t in s)]

    def to_json(self) -> list[Any]:
        return [list(self.section), [list(s) for s in self.sentences], [list(c) for c in self.compounds]]

    @classmethod
    def from_json(cls, data: Any) -> "PassageTerms":
        if not (isinstance(data, list) and len(data) == 3 and all(isinstance(x, list) for x in data)):
            raise ValueError(f"passage terms must be [section, sentences, compounds], got {str(data)[:80]!r}")
        section, sentences, compounds = data
        return cls(tuple(map(str, section)), tuple(tuple(map(str, s)) for s in sentences),
                   tuple(tuple(map(str, c)) for c in compounds))


def passage_terms(passages: Sequence[Passage]) -> list[PassageTerms]:
    """Terms and compounds of every passage's section and sentences, in one batched Kiwi call."""
    texts: list[str] = []
    for p in passages:
        texts.append(p.section)
        texts.extend(p.sentence_texts())
    analysed = iter(kiwi().tokenize(texts)) if texts else iter(())
    out = []
    for p in passages:
        parts = [next(analysed) for _ in range(len(p.sentences) + 1)]
        compounds = dict.fromkeys(c for tokens in parts for c in _compounds(tokens))
        out.append(PassageTerms(tuple(_content(parts[0])), tuple(tuple(_content(t)) for t in parts[1:]),
                                tuple(compounds)))
    return out


_NOUNS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})


def _compounds(tokens: Sequence) -> list[tuple[str, ...]]:
    """Runs of two or more nouns with nothing between them (one written word)."""
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    end = -1
    for tok in tokens:
        if tok.tag in _NOUNS and (not run or tok.start == end):
            run.append(tok.form.lower())
        else:
            if len(run) > 1:
                runs.append(tuple(run))
            run = [tok.form.lower()] if tok.tag in _NOUNS else []
        end = tok.start + tok.len
    if len(run) > 1:
        runs.append(tuple(run))
    return runs


K1, B = 1.2, 0.75


def document_weights(terms: Sequence[str], avgdl: float, k1: float = K1, b: float = B) -> dict[str, float]:
    """A document's BM25 term weights without the idf: ``tf (k1+1) / (tf + k1 (1-b+b len/avgdl))``.

    A sparse-vector engine stores these; :meth:`BM25.query_weights` puts the idf on the query side,
    and their inner product is the document's BM25 score."""
    norm = k1 * (1 - b + b * len(terms) / avgdl)
    return {t: tf * (k1 + 1) / (tf + norm) for t, tf in Counter(terms).items()}


class BM25:
    """Okapi BM25 kept as a sparse term-weight matrix: a query is one sparse product."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.vocab: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        for row, terms in enumerate(documents):
            for term, tf in Counter(terms).items():
                rows.append(row)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                tfs.append(tf)
        n = len(documents)
        tf = np.asarray(tfs, dtype=np.float32)
        col = np.asarray(cols, dtype=np.int64)
        df = np.bincount(col, minlength=len(self.vocab)).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        norm = k1 * (1 - b + b * lengths[np.asarray(rows, dtype=np.int64)] / avg) if rows else tf
        weights = self.idf[col] * tf * (k1 + 1) / (tf + norm) if rows else tf
        self.matrix = sparse.csc_matrix((weights, (rows, cols)), shape=(n, len(self.vocab)), dtype=np.float32)
        self.counts = sparse.csc_matrix((tf, (rows, cols)), shape=(n, len(self.vocab)), dtype=np.float32)
        self.norms = (k1 * (1 - b + b * lengths / avg)).astype(np.float32)
        self.k1 = k1
        self.size = n

    def query_weights(self, query_terms: Sequence[str]) -> dict[str, float]:
        """The query side of :meth:`scores` as a sparse vector: each known term's count times its idf."""
        return {t: n * float(self.idf[self.vocab[t]]) for t, n in Counter(query_terms).items() if t in self.vocab}

    def set_query_weights(self, term_sets: Sequence[Sequence[str]], weights: Sequence[float]) -> dict[str, float]:
        """:meth:`set_scores` as a sparse vector, for finding candidates: every member of a set weighs the
        set's weight times its idf. Members' frequencies add up instead of saturating together, so
        candidates are re-scored with :meth:`set_scores`."""
        out: dict[str, float] = {}
        for members, weight in zip(term_sets, weights, strict=True):
            rows, _ = self._set_counts(members)
            if len(rows):
                for t in members:
                    if t in self.vocab:
                        out[t] = out.get(t, 0.0) + weight * float(self._idf_of(len(rows)))
        return out

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query (zeros when no term is known)."""
        counts = Counter(t for t in query_terms if t in self.vocab)
        if not counts or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        ids = np.fromiter((self.vocab[t] for t in counts), dtype=np.int64)
        q = np.fromiter(counts.values(), dtype=np.float32)
        return np.asarray(self.matrix[:, ids] @ q, dtype=np.float32).ravel()

    def set_scores(self, term_sets: Sequence[Sequence[str]], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 of a structured query: each set of synonyms counts as one term (Pirkola 1998),
        with the sum of its members' frequencies in a document and the number of documents
        holding any of them. A set of one term scores as that term does in :meth:`scores`."""
        total = np.zeros(self.size, dtype=np.float32)
        for members, weight in zip(term_sets, weights if weights is not None else [1.0] * len(term_sets), strict=True):
            rows, tf = self._set_counts(members)
            if not len(rows):
                continue
            total[rows] += np.float32(weight) * self._idf_of(len(rows)) * tf * (self.k1 + 1) / (tf + self.norms[rows])
        return total

    def _set_counts(self, members: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(documents, summed term frequency) of the documents holding any member, straight from
        the sparse columns: slicing the matrix costs ~70 us a call, this a few."""
        ids = {self.vocab[t] for t in members if t in self.vocab}
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        c = self.counts
        rows = np.concatenate([c.indices[c.indptr[i]:c.indptr[i + 1]] for i in ids])
        tfs = np.concatenate([c.data[c.indptr[i]:c.indptr[i + 1]] for i in ids])
        unique, inverse = np.unique(rows, return_inverse=True)
        return unique, np.bincount(inverse, weights=tfs).astype(np.float32)

    def _idf_of(self, df: int) -> np.float32:
        return np.float32(np.log1p((self.size - df + 0.5) / (df + 0.5)))

    def set_weight(self, members: Sequence[str]) -> float:
        """idf of a synonym set (the union's document frequency); the unseen idf when none occurs."""
        rows, _ = self._set_counts(members)
        return float(self._idf_of(len(rows))) if len(rows) else self.unseen_idf

    @property
    def unseen_idf(self) -> float:
        return math.log1p((self.size + 0.5) / 0.5)

    def term_weight(self, term: str) -> float:
        """A term's idf; the idf of a term seen in no document when the corpus lacks it."""
        return float(self.idf[self.vocab[term]]) if term in self.vocab else self.unseen_idf

    def known_weight(self, query_terms: Sequence[str]) -> float:
        """Share of the query's idf mass made of terms the corpus contains at all: a question
        whose key terms the corpus never uses is unlikely to be answered by it."""
        weights = {t: self.term_weight(t) for t in set(query_terms)}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in self.vocab) / total if total else 0.0

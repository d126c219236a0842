"""Whether a ranking supports an answer: the evidence for and against, and the decision.

No LLM decides here, and e5 cosines sit in a narrow band for every question, so the decision
combines several signals instead of one cosine cut-off (thresholds in ``RefusalPolicy``):

* unknown names: a proper noun of the question that the corpus never mentions (even abbreviated,
  카톡 for 카카오톡) means the question is about someone or something else;
* coverage: the share of a Korean question's key-term weight (BM25 idf) that the corpus contains;
  a question built on terms the corpus never uses is not answered by it;
* standout: how far the best candidate sentence stands above the other candidate sentences, in
  standard deviations; an answerable question has one sentence that fits, an unanswerable one
  spreads its similarity evenly.

English words count through the lexicon bridge's translations (``rag.bridge``); a question whose
Latin words the lexicon knows none of falls back to standout and the cosine floor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from rag.config import RefusalPolicy
from rag.lexical import BM25, LATIN
from rag.retrieval import Ranking
from rag.types import Passage


@dataclass(frozen=True)
class Evidence:
    """The signals of one ranking that answerability weighs."""

    best_sentence: float
    """Cosine of the top passage's best sentence (0 without hits)."""
    coverage: float
    standout: float
    unknown_names: tuple[str, ...]
    hangul_share: float
    has_terms: bool
    """Whether coverage means anything: the question has Korean terms, or English words the
    lexicon bridge could weigh. Otherwise only standout and the cosine floor decide."""
    has_hits: bool = True


@dataclass(frozen=True)
class Verdict:
    supported: bool
    evidence: Evidence


def decide(evidence: Evidence, policy: RefusalPolicy) -> bool:
    """True when the evidence is strong enough to quote."""
    if not evidence.has_hits or evidence.best_sentence < policy.min_sentence or evidence.unknown_names:
        return False
    if evidence.has_terms:
        floor = policy.min_coverage if evidence.hangul_share >= 0.5 else policy.min_coverage_translated
        if evidence.coverage < floor:
            # Paraphrases (음악 for 뮤직) miss terms; only an unmistakable sentence saves them.
            return evidence.standout >= policy.strong_standout
        if evidence.coverage >= policy.confident_coverage:
            return True
    return evidence.standout >= policy.min_standout


def standout(scores: np.ndarray) -> float:
    """How many standard deviations the best score lies above the mean of all of them."""
    if not len(scores):
        return 0.0
    spread = float(scores.std())
    return float((scores.max() - scores.mean()) / spread) if spread > 1e-6 else 0.0


class Answerability:
    """Judges rankings over one corpus: its text and vocabulary are indexed once, here."""

    def __init__(self, passages: Sequence[Passage], bm25: BM25, policy: RefusalPolicy | None = None) -> None:
        self.policy = policy or RefusalPolicy()
        self.bm25 = bm25
        # Name look-ups must not scan every passage per question: one joined text for
        # substring search (C speed) and the vocabulary grouped by first character.
        self._text = "\n".join(p.text for p in passages)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for term in bm25.vocab:
            by_initial[term[:1]].append(term)
        self._by_initial = dict(by_initial)

    def assess(self, ranking: Ranking) -> Verdict:
        evidence = Evidence(
            best_sentence=ranking.hits[0].sentence_score if ranking.hits else 0.0,
            coverage=self.coverage(ranking),
            standout=standout(ranking.candidate_sentence_scores),
            unknown_names=self.unknown_names(ranking.query.names) + (
                ranking.bridged.unknown_names if ranking.bridged else ()),
            hangul_share=ranking.hangul_share,
            has_terms=self._has_terms(ranking),
            has_hits=bool(ranking.hits),
        )
        return Verdict(decide(evidence, self.policy), evidence)

    def _has_terms(self, ranking: Ranking) -> bool:
        if ranking.bridged is None:
            return ranking.hangul_share >= 0.5 and bool(ranking.query.terms)
        return any(g.state in ("found", "absent", "name") for g in ranking.bridged.groups) or any(
            not LATIN.search(t) for t in ranking.query.key)

    def coverage(self, ranking: Ranking) -> float:
        """Share of the question's key-term weight (idf) that the corpus holds.

        Korean key terms count by their own idf (the unseen idf when the corpus lacks them);
        English words by the idf of their set of translations, or, when all translations are
        missing, the unseen idf scaled down for words of many senses.
        """
        if ranking.bridged is None:
            return self.bm25.known_weight(ranking.query.key)
        known = total = 0.0
        for term in {t for t in ranking.query.key if not LATIN.search(t)}:
            weight = self.bm25.term_weight(term)
            total += weight
            known += weight if term in self.bm25.vocab else 0.0
        for group in ranking.bridged.groups:
            if group.state in ("found", "name"):
                weight = self.bm25.set_weight(group.terms)
                known += weight
                total += weight
            elif group.state == "absent":
                total += self.bm25.unseen_idf / max(group.senses, 1) ** self.policy.absent_sense_power
        return known / total if total else 0.0

    def unknown_names(self, names: Sequence[str]) -> tuple[str, ...]:
        """Names in the question the corpus never mentions: a question about someone or
        something else is not answered by these articles, however close its wording.

        A name counts as mentioned when it occurs in a passage or, for Korean abbreviations
        such as 카톡 for 카카오톡, when its syllables occur in order in a corpus name that
        starts with the same syllable.
        """
        return tuple(n for n in names if not self._mentions(n))

    def _mentions(self, name: str) -> bool:
        if name in self.bm25.vocab or name in self._text:
            return True
        return any(_abbreviates(name, known) for known in self._by_initial.get(name[:1], ()))


def _abbreviates(short: str, long: str) -> bool:
    """True when ``short`` is ``long`` with syllables left out (카톡 / 카카오톡)."""
    if not 1 < len(short) < len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)

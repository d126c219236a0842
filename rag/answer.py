"""Extractive answers: quote the best supporting sentence, cite it, or say the article is silent.

No LLM is involved, so nothing can be invented: every answer is a sentence of the corpus
with a citation to the passage it comes from. Whether to answer at all is decided before,
by :mod:`rag.answerability`.
"""

from __future__ import annotations

from rag.config import QuotePolicy
from rag.retrieval import Hit, Ranking
from rag.types import Answer, Citation

NOT_IN_ARTICLE = {
    "ko": "기사에는 이에 대한 내용이 없습니다.",
    "en": "The article does not say.",
}


class ExtractiveAnswerer:
    """Turns a ranking into an :class:`Answer` quoting at most ``policy.max_sentences`` sentences."""

    def __init__(self, policy: QuotePolicy | None = None) -> None:
        self.policy = policy or QuotePolicy()

    def answer(self, question: str, ranking: Ranking, supported: bool) -> Answer:
        lang = "ko" if ranking.hangul_share >= 0.5 else "en"
        if not supported or not ranking.hits:
            related = [Citation.of(h.passage, round(h.score, 4)) for h in ranking.hits]
            return Answer(question, NOT_IN_ARTICLE[lang], False, [], related)
        top = ranking.hits[0]
        picked = self._pick_sentences(top, ranking.query_terms)
        citation = Citation.of(top.passage, round(top.score, 4), (picked[0][0], picked[-1][1]))
        text = f"{citation.quote} [1]"
        return Answer(question, text, True, [citation],
                      [Citation.of(h.passage, round(h.score, 4)) for h in ranking.hits[1:]])

    def _pick_sentences(self, hit: Hit, query_terms: tuple[str, ...]) -> list[tuple[int, int]]:
        """Best sentence by similarity plus a bonus for the question's terms; a second one
        only when it is next to the first and nearly as good."""
        spans = list(hit.passage.sentences)
        terms = set(query_terms)
        overlaps = [len(terms & set(t)) / len(terms) if terms else 0.0 for t in hit.sentence_terms]
        scores = [s + self.policy.lexical_bonus * o for s, o in zip(hit.sentence_scores, overlaps)]
        best = max(range(len(spans)), key=scores.__getitem__)
        chosen = [best]
        if self.policy.max_sentences == 2 and len(spans) > 1:
            neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(spans)]
            runner = max(neighbours, key=scores.__getitem__)
            if scores[best] - scores[runner] <= self.policy.second_sentence_gap:
                chosen.append(runner)
        return [spans[i] for i in sorted(chosen)]

"""Extractive answers: quote the best supporting sentence, cite it, or say the article is silent.

No LLM is involved, so nothing can be invented: every answer is a sentence of the corpus
with a citation to the passage it comes from. The hard part is refusing: e5 similarities
sit in a narrow band, so refusal combines several signals instead of one cosine cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.retrieval import Hit, Ranking
from rag.types import Answer, Citation

NOT_IN_ARTICLE = {
    "ko": "기사에는 이에 대한 내용이 없습니다.",
    "en": "The article does not say.",
}


@dataclass(frozen=True)
class RefusalPolicy:
    """When the best evidence is too weak to quote.

    Two signals, because e5 cosines alone sit in a narrow band for every question:

    * ``coverage``: the share of a Korean question's key-term weight (BM25 idf) that the
      corpus contains. A question built on terms the corpus never uses is not answered by
      it, however similar its embedding looks.
    * ``standout``: how many standard deviations the best candidate sentence scores above
      the other candidate sentences. An answerable question has one sentence that fits;
      an unanswerable one spreads its similarity evenly.

    A question naming someone or something the corpus never mentions (``unknown_names``) is
    refused outright. English questions share no terms with Korean text, so only ``standout``
    and an absolute floor apply to them. Thresholds were set on the golden set's train split.
    """

    min_coverage: float = 0.2
    confident_coverage: float = 0.9
    min_standout: float = 1.5
    strong_standout: float = 3.0
    min_sentence: float = 0.75

    def supported(self, ranking: Ranking) -> bool:
        if not ranking.hits or ranking.hits[0].sentence < self.min_sentence or ranking.unknown_names:
            return False
        if ranking.hangul >= 0.5 and ranking.query_terms:
            if ranking.coverage < self.min_coverage:
                # Paraphrases (음악 for 뮤직) miss terms; only an unmistakable sentence saves them.
                return ranking.standout >= self.strong_standout
            if ranking.coverage >= self.confident_coverage:
                return True
        return ranking.standout >= self.min_standout


class ExtractiveAnswerer:
    """Turns a ranking into an :class:`Answer` quoting at most ``max_sentences`` sentences."""

    def __init__(self, policy: RefusalPolicy | None = None, max_sentences: int = 2, lexical_bonus: float = 0.05,
                 second_sentence_gap: float = 0.05) -> None:
        if max_sentences not in (1, 2):
            raise ValueError(f"max_sentences must be 1 or 2, got {max_sentences}")
        self.policy = policy or RefusalPolicy()
        self.max_sentences = max_sentences
        self.lexical_bonus = lexical_bonus
        self.second_sentence_gap = second_sentence_gap

    def answer(self, question: str, ranking: Ranking) -> Answer:
        lang = "ko" if ranking.hangul >= 0.5 else "en"
        if not self.policy.supported(ranking):
            related = [_citation(h, h.passage.start, h.passage.start) for h in ranking.hits]
            return Answer(question, NOT_IN_ARTICLE[lang], False, [], related)
        top = ranking.hits[0]
        picked = self._pick_sentences(top, ranking.query_terms)
        quote_start, quote_end = picked[0][0], picked[-1][1]
        citation = _citation(top, quote_start, quote_end)
        text = f"{citation.quote} [1]"
        return Answer(question, text, True, [citation], [_citation(h, h.passage.start, h.passage.start)
                                                         for h in ranking.hits[1:]])

    def _pick_sentences(self, hit: Hit, query_terms: tuple[str, ...]) -> list[tuple[int, int]]:
        """Best sentence by similarity plus a bonus for the question's terms; a second one
        only when it is next to the first and nearly as good."""
        spans = list(hit.passage.sentences)
        terms = set(query_terms)
        overlaps = [len(terms & set(t)) / len(terms) if terms else 0.0 for t in hit.sentence_terms]
        scores = [s + self.lexical_bonus * o for s, o in zip(hit.sentence_scores, overlaps)]
        best = max(range(len(spans)), key=scores.__getitem__)
        chosen = [best]
        if self.max_sentences == 2 and len(spans) > 1:
            neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(spans)]
            runner = max(neighbours, key=scores.__getitem__)
            if scores[best] - scores[runner] <= self.second_sentence_gap:
                chosen.append(runner)
        return [spans[i] for i in sorted(chosen)]


def _citation(hit: Hit, quote_start: int, quote_end: int) -> Citation:
    p = hit.passage
    return Citation(p.text, p.source, p.title, p.start, p.end, round(hit.score, 4), quote_start, quote_end)

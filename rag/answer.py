"""Extractive answers: quote the best supporting sentence, cite it, or say the article is silent.

No LLM is involved, so nothing can be invented: every answer is a sentence of the corpus
with a citation to the passage it comes from. Whether to answer at all is decided before,
by :mod:`rag.answerability`.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from rag import short_answer
from rag.answer_spans import holds, names_other
from rag.config import QuotePolicy, SpanWeights
from rag.lexical import title_terms
from rag.question_kind import asked_by_words, asks_for, asks_name, head, question_tokens, said_terms
from rag.retrieval import Hit, Ranking
from rag.types import Answer, Citation

NOT_IN_ARTICLE = {
    "ko": "기사에는 이에 대한 내용이 없습니다.",
    "en": "The article does not say.",
}


class ExtractiveAnswerer:
    """Turns a ranking into an :class:`Answer` quoting at most ``policy.max_sentences`` sentences."""

    def __init__(self, policy: QuotePolicy | None = None, span_weights: SpanWeights | None = None) -> None:
        self.policy = policy or QuotePolicy()
        self.span_weights = span_weights or SpanWeights()

    def answer(self, question: str, ranking: Ranking, supported: bool, first: int = 0, need_span: bool = False,
               own_question: str | None = None, previous_quote: str | None = None,
               unmistakable: bool = True) -> Answer:
        """``first`` is the hit whose document supports the question: the quote comes from it or from
        the next hits of the same document. ``need_span``: refuse when the question asks for a time,
        an amount or a person and the quote holds none (a follow-up finds its topic's passage even
        when that passage lacks what it asks: "그건 언제 나오는데?"). ``unmistakable``: whether the
        cited sentence stands out clearly; when not, a question that asks for a time or an amount is
        refused when neither the quote nor its neighbours hold one ("'펑' 기능은 언제 출시돼?": the
        article says what it does, not when). ``own_question`` is what the
        follow-up says itself, which tells what it asks: "올해는?" after a question about costs asks
        for no amount, though the completed question carries 비용. ``previous_quote``: the last
        answer's quote, for a follow-up that names no topic of its own; its sentences are preferred."""
        lang = "ko" if ranking.hangul_share >= 0.5 else "en"
        if not supported or not ranking.hits:
            return self._refusal(question, ranking, lang)
        # Translated passage ranking is weaker (no shared terms): its quote may come from more passages.
        reach = self.policy.passages_translated if ranking.translated else self.policy.passages
        # The headline helps pick the main fact where lexical evidence is thin (translated questions);
        # for Korean ones it measured worse on KorQuAD (answer accuracy 0.804 -> 0.784).
        headline = self.policy.headline_bonus if ranking.translated else 0.0
        source = ranking.hits[first].passage.source
        candidates = [h for h in ranking.hits[first:first + reach] if h.passage.source == source]
        asked = ranking.asked
        # Not for follow-ups either: a carried topic's passage holds figures of other things, and
        # the quote must show that it lacks what they ask.
        typed = None if need_span else self._answer_type(question, asked)
        if lang == "ko":
            head_nouns, bonus = frozenset({head(question_tokens(question))} - {None}), self.policy.head_bonus
        else:
            head_nouns, bonus = _measured_translations(ranking), self.policy.head_bonus_translated
        # A translated question's terms weigh by their rarity among these sentences: its translations
        # are too loose for every word to count alike (measured on the train sets: three more English
        # answers on the fresh sets, none lost; for Korean ones, idf weights lost train dialogues).
        sets = list(dict.fromkeys(tuple(s) for s in ranking.term_sets))
        weights = _rarity(sets, candidates) if ranking.translated else [1.0] * len(sets)
        picks = [(self._pick_sentences(h, sets, weights, headline, typed, head_nouns, bonus, previous_quote), h)
                 for h in candidates]
        # The quote may come from a lower passage whose sentence fits clearly better, less a
        # penalty per rank: passages rank by more than their best sentence.
        rank, ((spans, best), top) = max(enumerate(picks), key=lambda x: x[1][0][1] - self.policy.rank_penalty * x[0])
        citation = Citation.of(top.passage, round(top.score, 4), (spans[0][0], spans[-1][1]))
        short = short_answer.find(question, asked, citation.quote, citation.quote_start, lang, self.span_weights,
                                  top.passage.text)
        # Not for follow-ups: their passage is found by the carried topic, so a neighbour's figure
        # is no evidence that it answers what they ask; nor for a sum of money that the quote lacks
        # (it gives a rate): the neighbour's sum is another figure's ("뮤직 매출액은 몇 억원이야?"
        # quotes 뮤직 130% 증가; the sentence before has the whole segment's 1조538억원).
        if short is None and not need_span and len(spans) < self.policy.max_sentences \
                and not short_answer.asks_sum(question, asked_by_words(question)):
            widened = self._neighbour_with_answer(question, asked, top, spans[0], lang)
            if widened is not None:
                citation, short = widened
        text = f"{citation.quote} [1]"
        others = [h for h in ranking.hits if h is not top]
        if short is None and _lacks_what_is_asked(question, asked, need_span, own_question, unmistakable):
            return self._refusal(question, ranking, lang)
        if lang == "en" and _lacks_name(own_question or question, asked, citation.quote):
            return self._refusal(question, ranking, lang)
        return Answer(question, text, True, [citation], [Citation.of(h.passage, round(h.score, 4)) for h in others],
                      short)

    def _neighbour_with_answer(self, question: str, asked: Sequence[Sequence[str]], hit: Hit, span: tuple[int, int],
                               lang: str) -> tuple[Citation, short_answer.ShortAnswer] | None:
        """The quoted sentence often restates the question while its neighbour holds what it asks
        ("…지명수배된 사람의 이름은?" quotes the warrant; the name is one sentence earlier): when the
        question asks for a time, an amount or a person and the sentence holds none, the better
        neighbour that holds one joins the quote."""
        if asks_for(question, asked) not in ("time", "amount", "person"):
            return None
        sentences = list(hit.passage.sentences)
        i = sentences.index(span)
        found = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences):
                joined = (min(span[0], sentences[j][0]), max(span[1], sentences[j][1]))
                citation = Citation.of(hit.passage, round(hit.score, 4), joined)
                short = short_answer.find(question, asked, citation.quote, citation.quote_start, lang,
                                          self.span_weights, hit.passage.text)
                if short is not None and not span[0] <= short.start < span[1]:
                    found.append((hit.sentence_scores[j], citation, short))
        if not found:
            return None
        _, citation, short = max(found, key=lambda f: f[0])
        return citation, short

    def _answer_type(self, question: str, asked: Sequence[Sequence[str]]) -> Callable[[str], bool] | None:
        """For a question that asks for a time, an amount or a cause: whether a sentence holds one.
        Not for names: any proper noun would count."""
        kind = asks_for(question, asked)
        if kind not in ("time", "amount", "cause") or not self.policy.answer_type_bonus:
            return None
        said = frozenset(t.lower() for terms in asked for t in terms)
        duration = short_answer.asks_duration(question)
        return lambda sentence: holds(sentence, kind, said, duration)

    @staticmethod
    def _refusal(question: str, ranking: Ranking, lang: str) -> Answer:
        related = [Citation.of(h.passage, round(h.score, 4)) for h in ranking.hits]
        return Answer(question, NOT_IN_ARTICLE[lang], False, [], related)

    def _pick_sentences(self, hit: Hit, sets: Sequence[tuple[str, ...]], weights: Sequence[float],
                        headline_bonus: float, typed: Callable[[str], bool] | None = None,
                        head_nouns: frozenset[str] = frozenset(), head_bonus: float = 0.0,
                        previous_quote: str | None = None) -> tuple[list[tuple[int, int]], float]:
        """Best sentence by similarity plus bonuses: for the weighted share of the question's terms
        (or their translations) it holds, and for echoing the headline (news states its main facts
        there); a second sentence only when it is next to the first and nearly as good."""
        spans = list(hit.passage.sentences)
        total = sum(weights)
        headline = set(title_terms(hit.passage.title)) if headline_bonus else set()
        p = self.policy
        scores = []
        texts = hit.passage.sentence_texts() if typed or previous_quote else [""] * len(spans)
        for similarity, terms, text in zip(hit.sentence_scores, hit.sentence_terms, texts):
            present = set(terms)
            overlap = sum(w for s, w in zip(sets, weights) if present.intersection(s)) / total if total else 0.0
            echo = len(present & headline) / len(headline) if headline else 0.0
            typed_bonus = p.answer_type_bonus if typed and typed(text) else 0.0
            held = head_bonus if head_nouns & present else 0.0
            again = p.follow_up_bonus if previous_quote and text.strip() and text.strip() in previous_quote else 0.0
            scores.append(similarity + p.lexical_bonus * overlap + headline_bonus * echo + typed_bonus + held + again)
        best = max(range(len(spans)), key=scores.__getitem__)
        chosen = [best]
        if p.max_sentences == 2 and len(spans) > 1:
            neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(spans)]
            runner = max(neighbours, key=scores.__getitem__)
            if scores[best] - scores[runner] <= p.second_sentence_gap:
                chosen.append(runner)
        return [spans[i] for i in sorted(chosen)], scores[best]


def _lacks_what_is_asked(question: str, asked: Sequence[Sequence[str]], need_span: bool, own_question: str | None,
                         unmistakable: bool) -> bool:
    """Whether a quote without a short answer lacks what the question asks for: a follow-up's time,
    amount or person (what it says itself); any other question's time or amount, by what its words
    ask for, unless its sentence is unmistakable; and a sum of money asked for as such even then,
    since a sum is told from a rate for certain ("톡비즈 매출은 금액으로 얼마였어?" stood out 3.9 SD
    over a quote of growth rates)."""
    if need_span:
        wanted = asks_for(own_question, []) if own_question is not None else asks_for(question, asked)
        return wanted in ("time", "amount", "person")
    wanted = asked_by_words(question)
    if short_answer.asks_sum(question, wanted) or short_answer.asks_count(question, wanted):
        return True
    return not unmistakable and wanted in ("time", "amount")


def _lacks_name(question: str, asked: Sequence[Sequence[str]], quote: str) -> bool:
    """Whether a question asks what something is called and the quote names nothing it does not
    already say: "What is the name of Kakao Brain's new LLM?" quoted the release of "파운데이션
    모델". For English questions only: their reader needs a name to romanise, while Korean ones
    take a common noun for a name (KorQuAD's "제도의 이름은?" -> 공병제도; the rule refused 20 of its
    questions, 15 of them quoting the answer). A person's name is asked for as a person, and a
    question for a time or amount is not about a name ("… opened in the name of minors?")."""
    if not asks_name(question) or asks_for(question, asked) in ("person", "time", "amount"):
        return False
    return not names_other(quote, said_terms(question, asked))


def _measured_translations(ranking: Ranking) -> frozenset[str]:
    """The Korean terms of the noun whose amount an English question asks for ("What was Nuri
    Games' net profit …?" -> 순이익), when the lexicon found them in the corpus."""
    measure = ranking.query.measured
    group = ranking.bridged.group_of(measure) if ranking.bridged is not None and measure else None
    return frozenset(group.terms) if group is not None and group.state == "found" else frozenset()


def _rarity(sets: Sequence[tuple[str, ...]], hits: Sequence[Hit]) -> list[float]:
    """How rare each term set is among the quotable sentences (those of ``hits``), as an idf,
    log(1 + n / df): what an English question says of its subject (카카오, in every other sentence
    of an article on Kakao) weighs least, its rarer words most ("cost growth next year": 비용, 내년).
    A set that no sentence holds weighs as the rarest, so that the share stays one of the whole
    question: one common word found is not the whole of a question whose other words are missing."""
    sentences = [set(terms) for h in hits for terms in h.sentence_terms]
    return [math.log(1 + len(sentences) / max(1, sum(1 for present in sentences if present.intersection(s))))
            for s in sets]

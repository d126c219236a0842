"""The answerer on hand-made rankings (no model needed)."""

import numpy as np
import pytest

from rag.answer import NOT_IN_ARTICLE, ExtractiveAnswerer
from rag.config import QuotePolicy
from rag.lexical import QueryTerms
from rag.retrieval import Hit, Ranking
from rag.types import Passage

SENTENCES = ["카카오는 10월 AI 모델을 공개한다.", "가격은 밝히지 않았다.", "홍 대표가 말했다."]
TEXT = " ".join(SENTENCES)
_starts = [100 + TEXT.index(s) for s in SENTENCES]
P = Passage(TEXT, "a.txt", "T", 100, 100 + len(TEXT), tuple((a, a + len(s)) for a, s in zip(_starts, SENTENCES)))
TERMS = (("카카오", "10", "월", "ai", "모델", "공개"), ("가격", "밝히"), ("홍", "대표", "말"))  # as Kiwi analyses them


def ranking(sentence_scores, hangul=1.0, terms=("카카오", "모델")):
    hit = Hit(0, P, 1.0, max(sentence_scores), max(sentence_scores), 1.0, tuple(sentence_scores), TERMS)
    return Ranking(QueryTerms(tuple(terms), tuple(terms), ()), hangul, [hit], np.array(sentence_scores, np.float32))


def test_quotes_the_best_sentence_with_a_citation_marker():
    ans = ExtractiveAnswerer().answer("q", ranking([0.9, 0.7, 0.6]), supported=True)
    assert ans.answerable and ans.text == "카카오는 10월 AI 모델을 공개한다. [1]"
    c = ans.citations[0]
    assert (c.quote_start, c.quote_end) == P.sentences[0] and c.quote == "카카오는 10월 AI 모델을 공개한다."


def test_adds_an_adjacent_sentence_only_when_nearly_as_good():
    ans = ExtractiveAnswerer(QuotePolicy(second_sentence_gap=0.03)).answer(
        "q", ranking([0.80, 0.79, 0.5], terms=()), supported=True)
    assert ans.text == "카카오는 10월 AI 모델을 공개한다. 가격은 밝히지 않았다. [1]"
    ans = ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer(
        "q", ranking([0.80, 0.79, 0.5], terms=()), supported=True)
    assert ans.text.count(".") == 1


@pytest.mark.parametrize("hangul", [1.0, 0.0])
def test_an_unsupported_ranking_is_refused_in_the_question_language(hangul):
    ans = ExtractiveAnswerer().answer("q", ranking([0.85, 0.8, 0.8], hangul=hangul), supported=False)
    assert not ans.answerable and not ans.citations and ans.related
    assert ans.text == NOT_IN_ARTICLE["en" if hangul < 0.5 else "ko"]


def test_no_hits_is_a_refusal():
    empty = Ranking(QueryTerms((), (), ()), 0.0, [], np.zeros(0, np.float32))
    ans = ExtractiveAnswerer().answer("q", empty, supported=True)
    assert not ans.answerable and ans.text == NOT_IN_ARTICLE["en"]


def test_validates_arguments():
    with pytest.raises(ValueError):
        QuotePolicy(max_sentences=3)


def test_a_neighbour_holding_what_is_asked_joins_a_quote_that_only_restates_the_question():
    # The question "가격" (price) sentence restates it; asking for a time, the quote needs sentence 0's 10월.
    rank = ranking([0.70, 0.90, 0.6], terms=("가격", "밝히"))
    ans = ExtractiveAnswerer().answer("가격은 언제 밝혀?", rank, supported=True)
    assert ans.text == "카카오는 10월 AI 모델을 공개한다. 가격은 밝히지 않았다. [1]"
    assert ans.short and ans.short.text == "10월"
    # A follow-up keeps its quote (its passage was found by the carried topic), so it is refused.
    assert not ExtractiveAnswerer().answer("가격은 언제 밝혀?", rank, supported=True, need_span=True).answerable
    # A question that asks for no time, amount or person keeps the one sentence.
    rank = ranking([0.70, 0.90, 0.6], terms=("밝히",))
    assert ExtractiveAnswerer().answer("무엇을 밝히지 않았어?", rank, supported=True).text == "가격은 밝히지 않았다. [1]"


def test_a_time_or_amount_the_quote_lacks_is_refused_unless_the_sentence_is_unmistakable():
    # Only sentence 1 is near the question, and neither it nor a neighbour within reach holds an amount.
    rank = ranking([0.5, 0.9, 0.5], terms=("가격", "밝히"))
    answerer = ExtractiveAnswerer(QuotePolicy(max_sentences=2, second_sentence_gap=0.0))
    refused = answerer.answer("가격은 얼마야?", rank, supported=True, unmistakable=False)
    assert not refused.answerable and refused.text == NOT_IN_ARTICLE["ko"]
    kept = answerer.answer("가격은 얼마야?", rank, supported=True, unmistakable=True)
    assert kept.answerable and kept.short is None and kept.citations[0].quote == SENTENCES[1]
    # A question that asks for no time or amount keeps its quote.
    assert answerer.answer("무엇을 밝히지 않았어?", rank, supported=True, unmistakable=False).answerable
    # A sum of money asked for as such is refused even from an unmistakable sentence that lacks one.
    assert not answerer.answer("가격은 금액으로 얼마야?", rank, supported=True, unmistakable=True).answerable
    # So is a count: "How many parameters …?" stood out over a sentence on the model's sizes.
    assert not answerer.answer("가격은 몇 개야?", rank, supported=True, unmistakable=True).answerable


def test_an_english_question_for_a_name_is_refused_when_the_quote_names_nothing_new():
    rank = ranking([0.9, 0.5, 0.5], hangul=0.0, terms=("카카오", "ai", "모델"))
    assert not ExtractiveAnswerer().answer("What is the AI model called?", rank, supported=True).answerable
    assert not ExtractiveAnswerer().answer("What is the name of the AI model?", rank, supported=True).answerable
    assert ExtractiveAnswerer().answer("When is the AI model coming?", rank, supported=True).answerable
    # A Korean question takes a common noun for a name (KorQuAD's 공병제도), so it keeps its quote.
    assert ExtractiveAnswerer().answer("AI 모델 이름은?", ranking([0.9, 0.5, 0.5]), supported=True).answerable


def test_a_sum_the_quote_lacks_is_not_borrowed_from_a_neighbour():
    """The neighbour's sum is another figure's: the segment's, not the music sales asked about."""
    sentences = ["콘텐츠 부문 매출은 1조538억원을 기록했다.", "뮤직 매출은 130% 증가했다."]
    text = " ".join(sentences)
    passage = Passage(text, "b.txt", "T", 0, len(text), ((0, len(sentences[0])), (len(sentences[0]) + 1, len(text))))
    hit = Hit(0, passage, 1.0, 0.9, 0.9, 1.0, (0.5, 0.9), (("콘텐츠", "부문", "매출"), ("뮤직", "매출", "증가")))
    rank = Ranking(QueryTerms(("뮤직", "매출"), ("뮤직", "매출"), ()), 1.0, [hit], np.array([0.5, 0.9], np.float32))
    answerer = ExtractiveAnswerer(QuotePolicy(max_sentences=2, second_sentence_gap=0.0))
    assert not answerer.answer("뮤직 매출액은 몇 억원이야?", rank, supported=True, unmistakable=True).answerable
    # Asked for the growth, the quote answers.
    assert answerer.answer("뮤직 매출은 얼마나 늘었어?", rank, supported=True).short.text == "130%"


def test_a_sentence_holding_the_kind_of_answer_asked_for_is_preferred_when_nearly_as_similar():
    """"언제 공개해?" asks for a time: the sentence with 10월 beats a slightly more similar one without."""
    rank = ranking([0.80, 0.82, 0.5], terms=())
    typed = ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer("언제 공개해?", rank, supported=True)
    assert typed.citations[0].quote == SENTENCES[0] and typed.short is not None and typed.short.text == "10월"
    plain = ExtractiveAnswerer(QuotePolicy(max_sentences=1, answer_type_bonus=0.0)).answer(
        "언제 공개해?", rank, supported=True)
    assert plain.citations[0].quote == SENTENCES[1]
    # A follow-up must show that its topic's passage lacks what it asks: no bonus, so it is refused.
    follow_up = ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer(
        "언제 공개해?", rank, supported=True, need_span=True)
    assert not follow_up.answerable


def test_a_sentence_holding_the_noun_asked_for_is_preferred_when_nearly_as_similar():
    """"가격은?" asks for 가격: the sentence that holds it beats a slightly more similar one."""
    rank = ranking([0.80, 0.78, 0.5], terms=())
    held = ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer("그 모델 가격은?", rank, supported=True)
    assert held.citations[0].quote == SENTENCES[1]
    plain = ExtractiveAnswerer(QuotePolicy(max_sentences=1, head_bonus=0.0)).answer("그 모델 가격은?", rank, supported=True)
    assert plain.citations[0].quote == SENTENCES[0]


def test_an_english_question_prefers_the_sentence_holding_the_figure_it_asks_for():
    """"What is the price of …?" asks for 가격 (by the lexicon): that sentence beats a more similar one."""
    from rag.bridge import Bridge
    from rag.lexical import BM25, analyse
    from rag.lexicon import Lexicon
    from rag.names import NameIndex

    vocab = BM25([list(t) for t in TERMS]).vocab
    bridge = Bridge(Lexicon({"price": ["가격"]}), vocab, NameIndex(vocab, []))
    question = "What is the price of the model?"
    hit = Hit(0, P, 1.0, 0.80, 0.80, 1.0, (0.80, 0.72, 0.5), TERMS)
    rank = Ranking(analyse(question), 0.0, [hit], np.array([0.80, 0.72, 0.5], np.float32), bridge.translate(question))
    held = ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer(question, rank, supported=True)
    assert held.citations[0].quote == SENTENCES[1]
    plain = ExtractiveAnswerer(QuotePolicy(max_sentences=1, head_bonus_translated=0.0)).answer(question, rank, True)
    assert plain.citations[0].quote == SENTENCES[0]


def test_a_follow_up_is_refused_for_a_missing_span_only_when_it_asks_for_one_itself():
    """"올해는?" after a question about costs carries 비용, but asks for no amount itself."""
    rank = ranking([0.5, 0.9, 0.4], terms=())
    answerer = ExtractiveAnswerer(QuotePolicy(max_sentences=1))
    kept = answerer.answer("카카오 비용 올해는?", rank, supported=True, need_span=True, own_question="올해는?")
    assert kept.answerable and kept.citations[0].quote == SENTENCES[1]
    refused = answerer.answer("카카오 비용 얼마야?", rank, supported=True, need_span=True, own_question="얼마야?")
    assert not refused.answerable


def test_a_follow_up_without_a_topic_prefers_the_sentence_the_last_answer_quoted():
    """"And then?" asks about the fact just quoted: that sentence beats a slightly more similar one."""
    rank = ranking([0.80, 0.82, 0.5], terms=())
    answerer = ExtractiveAnswerer(QuotePolicy(max_sentences=1))
    again = answerer.answer("카카오 모델 공개 그래서?", rank, supported=True, need_span=True,
                            own_question="그래서?", previous_quote=SENTENCES[0])
    assert again.citations[0].quote == SENTENCES[0]
    fresh = answerer.answer("카카오 모델 공개 그래서?", rank, supported=True, need_span=True, own_question="그래서?")
    assert fresh.citations[0].quote == SENTENCES[1]


def test_a_why_question_prefers_a_sentence_that_gives_a_cause():
    sentences = ["매출은 처음으로 2조원을 넘었다.", "비용은 인프라 투자 영향으로 늘었다."]
    text = " ".join(sentences)
    passage = Passage(text, "a.txt", "T", 0, len(text), ((0, len(sentences[0])), (len(sentences[0]) + 1, len(text))))
    hit = Hit(0, passage, 1.0, 0.82, 0.82, 1.0, (0.82, 0.80), (("매출", "처음", "2", "조원"), ("비용", "투자", "영향")))
    rank = Ranking(QueryTerms((), (), ()), 1.0, [hit], np.array([0.82, 0.80], np.float32))
    answer = ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer("왜 늘었어?", rank, supported=True)
    assert answer.citations[0].quote == sentences[1]


def test_an_english_questions_rarer_words_choose_its_sentence_over_its_subject():
    """The subject (카카오) is in every other sentence of an article on Kakao: for a translated
    question, the sentence holding its rarer word (비용) wins where both hold one of its words."""
    from rag.bridge import Bridged, Group
    from rag.lexical import analyse

    def quote(sentences, terms, scores, question, groups):
        text = " ".join(sentences)
        starts = [text.index(s) for s in sentences]
        passage = Passage(text, "a.txt", "T", 0, len(text), tuple((a, a + len(s)) for a, s in zip(starts, sentences)))
        hit = Hit(0, passage, 1.0, max(scores), max(scores), 1.0, scores, terms)
        rank = Ranking(analyse(question), 0.0, [hit], np.array(scores, np.float32), Bridged(groups))
        return ExtractiveAnswerer(QuotePolicy(max_sentences=1)).answer(question, rank, supported=True).citations[0].quote

    sentences = ["카카오는 AI 모델을 공개한다.", "내년 비용은 줄어든다.", "카카오 대표가 말했다."]
    terms = (("카카오", "ai", "모델", "공개"), ("내년", "비용", "줄어들"), ("카카오", "대표", "말"))
    kakao = Group("Kakao", "name", ("카카오",))
    groups = (kakao, Group("costs", "found", ("비용",), 1))
    assert quote(sentences, terms, (0.80, 0.795, 0.70), "What will Kakao's costs be?", groups) == sentences[1]
    # A word no sentence holds still counts in the whole: the subject alone found does not earn the
    # full bonus over a more similar sentence ("… about dividends for shareholders?").
    sentences = ["서비스를 새로 출시했다.", "카카오는 AI 모델을 공개한다.", "카카오 대표가 말했다."]
    terms = (("서비스", "새로", "출시"), ("카카오", "ai", "모델", "공개"), ("카카오", "대표", "말"))
    groups = (kakao, Group("dividends", "found", ("배당",), 1), Group("shareholders", "found", ("주주",), 1))
    assert quote(sentences, terms, (0.80, 0.78, 0.70), "What did Kakao say about dividends for shareholders?",
                 groups) == sentences[0]

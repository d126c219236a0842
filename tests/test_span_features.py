"""What a candidate short-answer span has, as numbers the span weights multiply."""

import math

import pytest

from rag.answer_spans import span, text_tokens
from rag.quote_readers import speeches
from rag.config import SpanWeights
from rag.question_kind import question_tokens
from rag.short_answer import find, weighed
from rag.span_features import context, features


def _features(question: str, quote: str, first: int, last: int, asked: set[str]) -> dict[str, float]:
    tokens = text_tokens(quote)
    sets = [frozenset({a}) for a in asked]
    c = context(question_tokens(question), tokens, sets, frozenset(asked), None, frozenset(), [], False, False)
    return features(span(tokens, first, last), c)


def test_every_feature_has_a_weight_and_every_weight_a_feature():
    names = set(_features("무엇을 들었나?", "관장은 쌍극을 들었다.", 2, 2, {"들"}))
    assert names == set(vars(SpanWeights()))


def test_the_argument_before_the_questions_verb_and_the_role_of_its_question_word():
    quote = "관장은 쌍극을 들고 찾아갔다."
    tokens = text_tokens(quote)
    obj = next(i for i, t in enumerate(tokens) if t.form == "쌍극")
    subj = next(i for i, t in enumerate(tokens) if t.form == "관장")
    near = _features("관장은 무엇을 들고 찾아갔나?", quote, obj, obj, {"관장", "들", "찾아가"})
    far = _features("관장은 무엇을 들고 찾아갔나?", quote, subj, subj, {"관장", "들", "찾아가"})
    assert near["same_role"] == 1.0 and near["object"] == 1.0 and far["subject"] == 1.0
    assert near["predicate"] > far["predicate"] > 0


def test_the_clause_that_says_what_the_question_says_names_the_agent():
    quote = "여러 정당들은 엇갈린 해석과 책임론을 주장했고, 여당인 한빛당은 정부의 책임론을 주장하며 사과를 요구했다."
    short = find("정부의 책임론을 주장한 당은?", [("정부",), ("책임론",), ("주장",), ("당",)], quote, 0, "ko")
    assert short and short.text == "한빛당"


def test_a_speaker_with_a_title_is_not_what_a_thing_question_asks_for():
    quote = "홍 대표는 새 서비스가 이용자에게 다양한 혜택을 제공할 것이라고 말했다."
    short = find("새 서비스는 이용자에게 무엇을 제공해?", [("서비스",), ("이용자",), ("제공",)], quote, 0, "ko")
    assert short and "혜택" in short.text


def test_outside_direct_speech_stands_the_speaker_and_the_venue_not_what_was_said():
    quote = '홍 대표는 컨퍼런스콜에서 "매일 방문하는 탭이 3개(친구·채팅·오픈채팅)가 됐다"고 말했다.'
    tokens = text_tokens(quote)
    at = {t.form: i for i, t in enumerate(tokens)}
    c = context(question_tokens("매일 방문하는 탭은?"), tokens, [frozenset({"탭"})], frozenset({"탭"}), None,
                frozenset(), [], False, False, speech=speeches(quote))
    assert features(span(tokens, at["컨퍼런스"], at["콜"]), c)["framing"] == 1.0
    assert features(span(tokens, at["채팅"], at["채팅"]), c)["framing"] == 0.0
    short = find("Which tabs get daily visitors?", [("탭",), ("방문",), ("매일",)], quote, 0, "en")
    assert short and short.text in ("친구", "친구·채팅·오픈채팅", "채팅")


def test_weighed_lists_the_candidates_with_their_features_unless_the_structure_answers():
    listed = weighed("정부의 책임론을 주장한 당은?", [("정부",), ("책임론",), ("주장",), ("당",)],
                     "여당인 한빛당은 정부의 책임론을 주장했다.")
    assert listed and all(set(f) == set(vars(SpanWeights())) for _, f in listed)
    assert weighed("언제 나와?", [("모델",)], "모델을 공개한다.") == []


def test_weights_must_be_finite_numbers():
    with pytest.raises(ValueError, match="finite"):
        SpanWeights(predicate=math.inf)
    assert SpanWeights().score({"predicate": 1.0, "glossed": 1.0}) == pytest.approx(
        SpanWeights().predicate + SpanWeights().glossed)


def test_closeness_counts_a_question_word_written_inside_a_longer_one():
    """Kiwi reads the question's 톡비즈 as 톡 and 비즈 but the article's as one name."""
    quote = "톡비즈 매출은 11% 늘었다."
    tokens = text_tokens(quote)
    at = next(i for i, t in enumerate(tokens) if t.form == "11")
    assert _features("톡비즈 매출은?", quote, at, at + 1, {"비즈"})["closeness"] > 0

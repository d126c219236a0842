import numpy as np
import pytest

from rag.lexical import BM25, PassageTerms, analyse, passage_terms, tokenize
from rag.types import Passage


def test_tokenize_strips_particles_and_endings():
    assert tokenize(["카카오는 오픈채팅방을 구독하는 모델도 고려하고 있다."])[0] == ["카카오", "오픈", "채팅방", "구독", "모델", "고려"]


def test_tokenize_keeps_latin_content_words_lowercase():
    assert tokenize(["When is the AI model coming?"])[0] == ["ai", "model", "coming"]


def test_bm25_ranks_the_passage_with_the_terms():
    docs = tokenize(["카카오의 영업이익은 1135억원이다.", "오픈채팅 방문자는 1200만명이다.", "날씨가 맑다."])
    bm25 = BM25(docs)
    scores = bm25.scores(tokenize(["카카오 영업이익"])[0])
    assert int(np.argmax(scores)) == 0 and scores[2] == 0
    assert bm25.scores(["없는단어"]).tolist() == [0, 0, 0]


def test_known_weight_flags_terms_the_corpus_lacks():
    bm25 = BM25(tokenize(["카카오의 영업이익은 1135억원이다.", "오픈채팅 방문자는 1200만명이다."]))
    assert bm25.known_weight(tokenize(["카카오 영업이익"])[0]) == pytest.approx(1.0)
    assert bm25.known_weight(tokenize(["카카오 순이익 배당"])[0]) < 0.5


def test_bm25_validates_parameters():
    with pytest.raises(ValueError):
        BM25([["a"]], b=2.0)


def test_analyse_gives_terms_key_nouns_and_names_at_once():
    q = analyse("네이버의 2분기 영업이익은 얼마나 늘었어?")
    assert q.names == ("네이버",)
    assert q.key == ("네이버", "분기", "영업", "이익")
    assert "늘" in q.terms and "늘" not in q.key


def test_a_question_word_is_never_a_name():
    q = analyse("국가 원수격인 누가 책임정부의 대신을 임명하는가?")  # Kiwi tags this 누가 as a proper noun
    assert "누가" not in q.names + q.key + q.terms
    q = analyse("별마루 2분기 당기순이익은 얼마야?")  # 얼마 is a common noun to Kiwi: BM25 would look for it
    assert "얼마" not in q.terms and q.measured == "순이익"


def test_passage_terms_are_the_section_and_each_sentence():
    text = "카카오는 AI 모델을 공개한다. 가격은 밝히지 않았다."
    p = Passage(text, "a.txt", "T", 0, len(text), ((0, 17), (18, len(text))), section="◇ 신작 계획")
    (terms,) = passage_terms([p])
    assert terms.section == tuple(tokenize(["◇ 신작 계획"])[0])
    assert terms.sentences == tuple(tuple(t) for t in tokenize(["카카오는 AI 모델을 공개한다.", "가격은 밝히지 않았다."]))
    assert terms.all() == tokenize([f"{p.section}\n{text}"])[0]  # same BM25 document as the whole passage
    assert PassageTerms.from_json(terms.to_json()) == terms


@pytest.mark.parametrize("bad", [None, [], [["a"]], ["a", []], [[], "b"]])
def test_malformed_stored_terms_are_rejected(bad):
    with pytest.raises(ValueError):
        PassageTerms.from_json(bad)


def test_a_set_of_one_term_scores_as_the_term():
    docs = [["카카오", "매출", "매출"], ["카카오", "주가"], ["네이버", "매출"], ["광고"]]
    bm25 = BM25(docs)
    assert np.allclose(bm25.set_scores([("매출",), ("카카오",)]), bm25.scores(["매출", "카카오"]), atol=1e-6)


def test_synonyms_count_as_one_term_with_the_union_document_frequency():
    docs = [["매출"], ["매상"], ["매출", "매상"], ["광고"], ["광고"]]
    bm25 = BM25(docs)
    scores = bm25.set_scores([("매출", "매상")])
    assert scores[3] == scores[4] == 0 and scores[2] > scores[0] == scores[1] > 0
    # One set is weighed like one term held by three documents, not like two terms.
    assert bm25.set_weight(("매출", "매상")) < bm25.set_weight(("매출",))
    assert bm25.set_weight(("없는말",)) == bm25.unseen_idf
    assert np.allclose(bm25.set_scores([("매출", "매상")], [0.5]), scores * 0.5)


def test_compounds_are_nouns_written_as_one_word():
    from rag.lexical import passage_terms

    text = "카카오브레인의 손실이 커졌다. 오픈채팅 탭이 독립했다."
    p = Passage(text, "a.txt", "T", 0, len(text), ((0, 16), (17, len(text))))
    (terms,) = passage_terms([p])
    assert ("카카오", "브레인") in terms.compounds and ("오픈", "채팅") in terms.compounds
    assert ("채팅", "탭") not in terms.compounds  # a space between: two words
    assert PassageTerms.from_json(terms.to_json()) == terms


def test_a_hangul_word_alone_in_quotation_marks_is_a_term_whatever_its_tag():
    from rag.lexical import tokenize
    # Kiwi reads 펑 as an adverb (MAG): only the quotation marks say it names the feature.
    assert "펑" in tokenize(["24시간 이후 사라지는 '펑' 기능을 도입한다."])[0]
    assert "펑" in tokenize(["‘펑’ 기능"])[0]
    assert "펑" not in tokenize(["풍선이 펑 터졌다."])[0]
    assert "하" not in tokenize(["주가가 [하] 로 끝났다."])[0]  # brackets are no quotation marks

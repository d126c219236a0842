"""The answerer and refusal policy on hand-made rankings (no model needed)."""

import pytest

from rag.answer import NOT_IN_ARTICLE, ExtractiveAnswerer, RefusalPolicy
from rag.retrieval import Hit, Ranking
from rag.types import Passage

SENTENCES = ["카카오는 10월 AI 모델을 공개한다.", "가격은 밝히지 않았다.", "홍 대표가 말했다."]
TEXT = " ".join(SENTENCES)
_starts = [100 + TEXT.index(s) for s in SENTENCES]
P = Passage(TEXT, "a.txt", "T", 100, 100 + len(TEXT), tuple((a, a + len(s)) for a, s in zip(_starts, SENTENCES)))
TERMS = (("카카오", "10", "월", "ai", "모델", "공개"), ("가격", "밝히"), ("홍", "대표", "말"))  # as Kiwi analyses them


def ranking(sentence_scores, hangul=1.0, coverage=1.0, standout=2.5, terms=("카카오", "모델"), unknown=()):
    hit = Hit(0, P, 1.0, max(sentence_scores), max(sentence_scores), 1.0, tuple(sentence_scores), TERMS)
    return Ranking([hit], hangul, coverage, terms, unknown_names=unknown, standout=standout)


def test_quotes_the_best_sentence_with_a_citation_marker():
    ans = ExtractiveAnswerer().answer("q", ranking([0.9, 0.7, 0.6]))
    assert ans.answerable and ans.text == "카카오는 10월 AI 모델을 공개한다. [1]"
    c = ans.citations[0]
    assert (c.quote_start, c.quote_end) == P.sentences[0] and c.quote == "카카오는 10월 AI 모델을 공개한다."


def test_adds_an_adjacent_sentence_only_when_nearly_as_good():
    ans = ExtractiveAnswerer(second_sentence_gap=0.03).answer("q", ranking([0.80, 0.79, 0.5], terms=()))
    assert ans.text == "카카오는 10월 AI 모델을 공개한다. 가격은 밝히지 않았다. [1]"
    ans = ExtractiveAnswerer(max_sentences=1).answer("q", ranking([0.80, 0.79, 0.5], terms=()))
    assert ans.text.count(".") == 1


@pytest.mark.parametrize("kwargs", [
    {"coverage": 0.1},                                   # Korean key terms absent from the corpus
    {"unknown": ("네이버",)},                              # about a name the corpus never mentions
    {"coverage": 0.6, "standout": 1.0},                  # nothing stands out
    {"hangul": 0.0, "coverage": 0.0, "standout": 1.0},   # English, nothing stands out
])
def test_refuses_weak_evidence(kwargs):
    ans = ExtractiveAnswerer().answer("q", ranking([0.85, 0.8, 0.8], **kwargs))
    assert not ans.answerable and not ans.citations and ans.related
    expected = NOT_IN_ARTICLE["en" if kwargs.get("hangul", 1.0) < 0.5 else "ko"]
    assert ans.text == expected


def test_a_paraphrase_with_an_unmistakable_sentence_is_answered():
    assert ExtractiveAnswerer().answer("q", ranking([0.9, 0.5, 0.5], coverage=0.1, standout=3.5)).answerable


def test_no_hits_is_a_refusal():
    ans = ExtractiveAnswerer().answer("q", Ranking([], 0.0, 0.0, ()))
    assert not ans.answerable and ans.text == NOT_IN_ARTICLE["en"]


def test_validates_arguments():
    with pytest.raises(ValueError):
        ExtractiveAnswerer(max_sentences=3)
    assert RefusalPolicy().supported(ranking([0.9, 0.5, 0.5]))

"""Hybrid retrieval: language detection, name grounding and ranking on the real article."""

import pytest

from rag.retrieval import _abbreviates, hangul_share


def test_hangul_share():
    assert hangul_share("카카오 AI 모델은 언제 나와?") > 0.5
    assert hangul_share("When is the AI model coming?") == 0.0
    assert hangul_share("2023 !!") == 0.0


@pytest.mark.parametrize("short,long,expected", [
    ("카톡", "카카오톡", True), ("카카오", "카카오", False), ("네이버", "카카오톡", False), ("톡카", "카카오톡", False),
])
def test_abbreviations(short, long, expected):
    assert _abbreviates(short, long) is expected


@pytest.mark.slow
def test_unknown_names_are_reported(pipeline):
    r = pipeline.retriever
    assert r.rank("네이버 2분기 영업이익은?").unknown_names == ("네이버",)
    assert r.rank("카톡 '펑' 기능이 뭐야?").unknown_names == ()
    assert r.rank("배재현 CIO는 뭐라고 했어?").unknown_names == ()


@pytest.mark.slow
def test_english_question_finds_korean_passage(pipeline):
    ranking = pipeline.retriever.rank("How many people visit Open Chat on weekdays?", 3)
    assert ranking.hangul == 0.0
    assert any("1200만명" in h.passage.text for h in ranking.hits)


@pytest.mark.slow
def test_korean_terms_drive_korean_ranking(pipeline):
    hit = pipeline.retriever.rank("톡비즈 매출 증가율", 1).hits[0]
    assert "톡비즈 매출은 전년 대비 11% 늘었고" in hit.passage.text and hit.lexical > 0

"""Hybrid retrieval: language detection and ranking on the real article."""

import pytest

from rag.retrieval import hangul_share


def test_hangul_share():
    assert hangul_share("카카오 AI 모델은 언제 나와?") > 0.5
    assert hangul_share("When is the AI model coming?") == 0.0
    assert hangul_share("2023 !!") == 0.0


@pytest.mark.slow
def test_english_question_finds_korean_passage(pipeline):
    ranking = pipeline.retriever.rank("How many people visit Open Chat on weekdays?", 3)
    assert ranking.hangul_share == 0.0
    assert any("1200만명" in h.passage.text for h in ranking.hits)


@pytest.mark.slow
def test_korean_terms_drive_korean_ranking(pipeline):
    hit = pipeline.retriever.rank("톡비즈 매출 증가율", 1).hits[0]
    assert "톡비즈 매출은 전년 대비 11% 늘었고" in hit.passage.text and hit.lexical_score > 0

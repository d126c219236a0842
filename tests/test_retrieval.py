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


@pytest.mark.slow
def test_a_passage_scores_the_question_weight_its_best_sentence_holds(pipeline):
    """One sentence saying all of the question outranks words spread over several sentences."""
    retriever = pipeline.retriever
    terms = ["톡비즈", "매출", "11"]
    ids = [i for i, p in enumerate(pipeline.passages) if "톡비즈 매출은 전년 대비 11%" in p.text]
    others = [i for i, p in enumerate(pipeline.passages) if "톡비즈" not in p.text]
    import numpy as np

    scores = retriever._sentence_match(terms, np.array(ids + others[:3]))
    weight = sum(retriever.bm25.term_weight(t) for t in terms if t in retriever.bm25.vocab)
    assert scores[0] == pytest.approx(weight) and all(s < scores[0] for s in scores[1:])
    assert not retriever._sentence_match(["없는말"], np.array(ids)).any()

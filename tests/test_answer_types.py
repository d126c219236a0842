"""Answer types: what a question asks for, and whether a sentence's terms hold it."""

import pytest

from rag.answer_types import AMOUNT, TIME, expected, holds


@pytest.mark.parametrize("question,kind", [
    ("카카오 AI 모델은 언제 나와?", TIME), ("When is the AI model coming?", TIME), ("몇 월에 나와?", TIME),
    ("2분기 매출은 얼마야?", AMOUNT), ("How many people visit Open Chat?", AMOUNT),
    ("Who said that?", None), ("펑 기능이 뭐야?", None),
])
def test_expected_kind(question, kind):
    assert expected(question) == kind


def test_sentences_holding_a_time_or_an_amount():
    assert holds(["카카오", "10", "월", "모델", "공개"], TIME)
    assert holds(["경량", "모델", "하반기", "공개"], TIME)
    assert not holds(["카카오", "1135", "억", "원"], TIME)
    assert holds(["카카오", "1135", "억", "원"], AMOUNT)
    assert not holds(["모델", "공개"], AMOUNT) and not holds(["모델"], None)

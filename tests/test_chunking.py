import pytest

from rag.chunking import is_heading, sentence_spans, split_passages
from rag.corpus import clean_article
from rag.types import Document


def _seed_doc(seed_text: str) -> Document:
    body, meta = clean_article(seed_text)
    return Document("seed.txt", meta["title"], body, meta)


def test_offsets_are_exact_and_sentence_aligned(seed_text):
    doc = _seed_doc(seed_text)
    passages = split_passages(doc, max_chars=400)
    assert len(passages) >= 5
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
        assert len(p.text) <= 400
        assert p.sentences[0][0] == p.start and p.sentences[-1][1] == p.end
        for a, b in p.sentences:
            sentence = doc.text[a:b]
            assert sentence == sentence.strip() and sentence


def test_headings_are_context_not_text(seed_text):
    doc = _seed_doc(seed_text)
    passages = split_passages(doc)
    assert not any("◇" in p.text for p in passages)
    ai = [p for p in passages if "파운데이션 모델" in p.text]
    assert ai and ai[0].section == "하반기까지 AI 투자 계속…10월 중 AI 모델 공개"


def test_every_sentence_is_kept_once(seed_text):
    doc = _seed_doc(seed_text)
    covered = "".join(doc.text[a:b] for p in split_passages(doc, 200) for a, b in p.sentences)
    expected = "".join(line for line in doc.text.split("\n") if not is_heading(line))
    assert covered.replace(" ", "") == expected.replace(" ", "")


def test_long_sentence_is_split_within_limit():
    text = "가 " * 300 + "끝이다."
    doc = Document("x.txt", "x", text.strip())
    passages = split_passages(doc, max_chars=120)
    assert all(len(p.text) <= 120 for p in passages)
    assert all(doc.text[p.start : p.end] == p.text for p in passages)


def test_sentence_spans_use_kiwi():
    text = "카카오는 2분기 매출을 발표했다. 홍 대표는 \"AI 모델을 공개한다\"고 말했다."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["카카오는 2분기 매출을 발표했다.", "홍 대표는 \"AI 모델을 공개한다\"고 말했다."]





@pytest.mark.parametrize("text,sentences", [
    ("카카오는 2조원을 넘어섰다. '2분기 실적 콘퍼런스콜'에서 계획을 밝혔다.",
     ["카카오는 2조원을 넘어섰다.", "'2분기 실적 콘퍼런스콜'에서 계획을 밝혔다."]),
    ("매출이 늘었다. 《책》에서 그는 말했다.", ["매출이 늘었다.", "《책》에서 그는 말했다."]),
    ("그는 \"좋다\"고 말했다.", ["그는 \"좋다\"고 말했다."]),
])
def test_a_sentence_opening_with_a_quoted_phrase_keeps_it(text, sentences):
    """Kiwi ends the sentence before after the phrase; it belongs to the one it opens."""
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


def test_bullets_are_content_not_headings():
    assert is_heading("◇ 하반기까지 AI 투자 계속") and is_heading("## 전망")
    assert not is_heading("○ 카카오는 10월 AI 모델을 공개한다.") and not is_heading("▲ 매출 2조원")
    doc = Document("a.txt", "T", "○ 카카오는 10월 AI 모델을 공개한다.\n▲ 매출은 2조원이다.")
    assert "10월 AI 모델" in " ".join(p.text for p in split_passages(doc))

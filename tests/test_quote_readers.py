"""Answers that a quote's structure gives: an option chosen, a speech, a reported clause, a
definition, a title after a name, the other of two coordinated things."""

from rag.answer_spans import text_tokens
from rag.kiwi import kiwi
from rag.question_kind import question_tokens
from rag.quote_readers import coordinated, definition, described_in_english, reported, speech


def test_a_definition_is_the_clause_that_modifies_the_name():
    quote = "원하는 사람에게만 공유하고 24시간 이후 사라지는 '펑' 기능을 도입한다."
    found = definition(question_tokens("카톡 '펑' 기능이 뭐야?"), kiwi().tokenize(quote))
    assert found is not None and quote[found.start:found.end] == "24시간 이후 사라지는"


def test_indirect_speech_is_the_clause_it_reports_up_to_its_ending():
    # 말했다 is 말 + 하 to Kiwi; a present tense reports too; the first reported clause ends the span.
    for quote, clause in (("카카오는 새 서비스를 내놓겠다고 말했고, 네이버도 투자를 늘리겠다고 밝혔다.", "새 서비스를 내놓겠다"),
                          ("카카오는 새 서비스를 출시한다고 밝혔다.", "새 서비스를 출시한다"),
                          ("카카오가 매출은 늘 것이라고 밝혔다.", "매출은 늘 것이라")):
        got = reported(text_tokens(quote), quote)
        assert got is not None and quote[got.start:got.end] == clause
    # "무엇이라고 하는가" asks what something is called, not what someone said.
    quote = "카카오가 매출은 늘 것이라고 밝혔다."
    assert speech("가을의 금강산은 무엇이라고 하는가?", text_tokens(quote), quote) is None


def test_what_a_question_joins_to_a_noun_is_what_the_quote_joins_to_it():
    quote = "치안 부대가 고무탄과 실탄을 발포해 시위자들이 사망했다."
    found = coordinated(question_tokens("시위자를 쫓기 위해 고무탄과 무엇을 발포했는가?"), kiwi().tokenize(quote))
    assert found is not None and quote[found.start:found.end] == "실탄"
    # A question that does not join a noun to its question word is left to the other rules.
    assert coordinated(question_tokens("고무탄과 실탄을 발포한 곳은?"), kiwi().tokenize(quote)) is None


def test_an_english_who_is_question_about_a_name_gets_the_title_after_it():
    quote = "홍은택 카카오 대표는 컨퍼런스콜에서 말했다."
    tokens = kiwi().tokenize(quote)
    found = described_in_english("Who is Hong Eun-taek?", frozenset({"홍은택", "hong"}), tokens)
    assert found is not None and quote[found.start:found.end] == "카카오 대표"
    assert described_in_english("Who is Kakao's CEO?", frozenset({"카카오", "ceo"}), tokens) is None

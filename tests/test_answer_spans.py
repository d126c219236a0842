"""Candidate answer spans of each kind, cut along Kiwi's tokens as exact slices of the quote."""

from rag.answer_spans import animate, candidates, quoted, text_tokens, unsaid, without_written, written_words
from rag.kiwi import kiwi
from rag.question_kind import question_tokens


def _texts(quote: str, kind: str) -> list[str]:
    return [quote[s.start:s.end] for s in candidates(kiwi().tokenize(quote), kind)]


def test_amounts_keep_their_myriads_and_unit_but_not_their_particle_or_a_date():
    quote = "2분기 매출이 12% 늘어난 2조425억원을 기록했고 이용자는 100만 명이다."
    assert _texts(quote, "amount") == ["12%", "2조425억원", "100만 명"]


def test_a_duration_in_two_units_is_one_amount_but_two_figures_side_by_side_are_two():
    quote = "배차 시간이 4분10초에서 2분50초로 줄었고 1시간 30분 만에 5분 10명이 왔다."
    assert _texts(quote, "amount") == ["4분10초", "2분50초", "1시간 30분", "5분", "10명"]
    # A day may be a date, and a year of the calendar is one: neither goes on into a duration.
    assert _texts("지난 5일 3시간 동안 회의했고 2023년 3개월간 조사했다.", "amount") == ["3시간", "3개월"]


def test_numbers_in_words_with_their_counter_are_amounts_but_a_determiner_alone_is_not():
    assert _texts("관객 만오천명이 모였고 함정 한 척이 반파되었다.", "amount") == ["만오천명", "한 척"]
    assert _texts("한 회사가 두 가지 방법을 썼다.", "amount") == ["두 가지"]
    assert _texts("두 사람이 왔다.", "amount") == []  # a counter, not any noun, follows a number in words
    assert _texts("방석은 태조의 여덟째 아들이었다.", "amount") == ["여덟째"]  # an ordinal in words stands alone


def test_a_time_keeps_its_myriads_and_a_period_named_by_an_event_stands_in_for_a_date():
    assert _texts("고원은 신생대 초기(약 5500만 년 전)에 형성되었다.", "time") == ["5500만 년"]
    assert _texts("초등학교 3학년 때부터 검도를 배웠고 계몽주의 시대까지 이어졌다.", "time") == [
        "초등학교 3학년 때", "계몽주의 시대"]
    assert _texts("그 때 계몽주의 시대는 2023년 10월에 끝났다.", "time") == ["2023년 10월"]
    assert _texts("조선 시대 중기에 지어졌다.", "time") == ["조선 시대 중기"]


def test_times_end_at_their_last_unit_and_include_time_words():
    texts = _texts("서한은 2018년 1월 2018 평창 대회 전, 하반기에 보냈다.", "time")
    assert "2018년 1월" in texts and "하반기" in texts and "2018년 1월 2018" not in texts


def test_a_person_is_a_run_of_proper_nouns_not_an_acronym():
    texts = _texts("배재현 카카오 투자총괄대표(CIO)는 말했다.", "person")
    assert "CIO" not in texts and any(t.startswith("배재현") for t in texts)
    # Kiwi splits an unknown name (김유 + 찬); the name is the whole word, not a longer noun glued on.
    assert _texts("김유찬은 기자회견을 열었다.", "person") == ["김유찬"]
    assert "자유당소속" not in _texts("자유당소속 수상인 알렉산더 매캔지는 말했다.", "person")


def test_someone_is_a_common_noun_the_text_marks_by_a_particle_kept_for_the_animate():
    passage = "소상공인 매출 향상에도 도움을 줄 것이다. 소상공인들에게 기회를 넓히고 박정희 대통령에게 편지를 썼다."
    assert animate(passage) == frozenset({"상공인"})  # 소 is Kiwi's prefix; a title stands for no one
    assert animate("원하는 사람에게만 공유하고 정부에 책임을 물었다.") == frozenset({"사람"})
    tokens = kiwi().tokenize(passage)
    texts = [passage[s.start:s.end] for s in candidates(tokens, "person", someone=animate(passage))]
    assert "소상공인" in texts and "박정희" in texts and "대통령" not in texts
    assert "소상공인" not in _texts(passage, "person")  # only where the passage says so


def test_a_cause_ends_in_its_cause_noun():
    assert _texts("비용이 AI 인프라 투자 등의 영향으로 늘었다.", "cause") == ["AI 인프라 투자 등의 영향"]


def test_a_connective_of_consequence_makes_the_clause_before_it_a_cause_beside_a_means():
    quote = '그는 "인프라 구축이 확대될 것"이라면서 "이에 따라 손실은 커질 것"이라며 "경영효율화로 줄어들 것"이라고 했다.'
    assert _texts(quote, "cause") == ["인프라 구축이 확대될 것", "경영효율화"]
    assert _texts("비용이 늘었다. 이로 인해 이익이 줄었다.", "cause") == ["비용이 늘"]
    # "그 결과" points back; its 결과 is no cause noun, though a subject's 이 before one is no pointer.
    assert _texts("수요가 줄었다. 그 결과 손실이 났다.", "cause") == ["수요가 줄"]
    assert _texts("환율 변동이 영향을 줬다.", "cause") == ["영향"]
    assert _texts("비용이 늘었다. 그 영향으로 이익이 줄었다.", "cause") == ["비용이 늘"]  # not "그 영향"
    # Only where a clause ends before it: not a topic, a speaker or a dateline; not "이에 따르면"
    # (according to it); not across a quotation mark; a unit stays, an aside in brackets goes.
    for quote in ("비용이 늘었다. 정부는 이에 따라 지원을 늘렸다.", '김 대표는 "따라서 비용을 줄일 것"이라고 밝혔다.',
                  "[서울=뉴시스] 이에 따라 손실이 커졌다.", "연구팀은 보고서를 냈다. 이에 따르면 비용이 늘었다.",
                  '그는 "비용이 늘었다"고 말했다. 이에 따라 이익이 줄었다.'):
        assert _texts(quote, "cause") == [], quote
    assert _texts("매출은 10%였다. 따라서 이익이 늘었다.", "cause") == ["매출은 10%"]
    assert _texts("비용이 늘었다(전년 대비 10%). 이에 따라 이익이 줄었다.", "cause") == ["비용이 늘"]


def test_the_words_the_question_says_are_dropped_from_a_name():
    quote = "존 케네디 대통령은 연설했다."
    tokens = kiwi().tokenize(quote)
    (name,) = candidates(tokens, "person")
    trimmed = unsaid(tokens, name, frozenset({"존", "케네디"}), trim=True)
    assert trimmed is None  # the question says all of it
    kept = unsaid(tokens, name, frozenset({"케네디"}), trim=True)
    assert kept is not None and quote[kept.start:kept.end] == "존 케네디"


def test_a_korean_name_sheds_the_organisation_before_its_title_which_a_foreign_name_keeps():
    def name(quote, asked=frozenset()):
        tokens = kiwi().tokenize(quote)
        found = [unsaid(tokens, s, asked, trim=True, trim_end=True) for s in candidates(tokens, "person")]
        return [quote[s.start:s.end] for s in found if s is not None][0]

    assert name("배재현 카카오 투자총괄대표(CIO)는 말했다.") == "배재현"
    assert name("홍은택 카카오 대표는 말했다.") == "홍은택"
    assert name("베냐민 네타냐후 이스라엘 총리는 말했다.", frozenset({"이스라엘"})) == "베냐민 네타냐후"


def test_a_quoted_title_is_one_span():
    quote = "최고인민회의는 '금강산 관광지구법'을 채택했다."
    assert [quote[s.start:s.end] for s in quoted(kiwi().tokenize(quote), quote)] == ["금강산 관광지구법"]
    # Quotation marks pair by kind: a title in single quotes inside a spoken double-quoted phrase.
    quote = '홍 대표는 "일상 콘텐츠를 원하는 사람에게만 공유하고 24시간 이후 사라지는 \'펑\' 기능을 도입"했다고 말했다.'
    assert [quote[s.start:s.end] for s in quoted(kiwi().tokenize(quote), quote)] == ["펑"]
    # An English apostrophe between letters quotes nothing.
    quote = "Samsung's chief executive said the company's plan would launch 'Solbit' first."
    assert [quote[s.start:s.end] for s in quoted(kiwi().tokenize(quote), quote)] == ["Solbit"]


def _without_written(question: str, quote: str, word: str, head_noun: str | None) -> str:
    tokens = kiwi().tokenize(quote)
    run = next(s for s in candidates(tokens, "thing") if word in s.forms)
    cut = without_written(tokens, run, written_words(question_tokens(question)), head_noun)
    return quote[cut.start:cut.end]


def test_a_noun_phrase_sheds_the_words_at_its_ends_that_the_question_writes_but_not_the_noun_asked_for():
    assert _without_written("지분을 판매한 회사는?", "조현아 등 세 자녀가 보유하던 싸이버스카이 지분을 대한항공에 모두 팔았다.",
                            "싸이버스카이", "회사") == "싸이버스카이"
    assert _without_written("건조한 지역의 고원은?", "티베트 고원 지역은 매우 건조하게 된다.", "티베트", "고원") == "티베트 고원"
    # Written as the question writes it, though Kiwi splits the quote's word otherwise.
    assert _without_written("한명숙을 뽑은 법률연맹의 이름은?", "또 법률연맹 국감모니터단은 한명숙을 선정하기도 했다.",
                            "국감", "법률연맹") == "국감모니터단"
    assert _without_written("2004년 서울시장 재직시절 전면적으로 개선한 것은?",
                            "2004년 서울시장 재직시절 대중교통체계를 전면적으로 개선하였다.", "재직", "것") == "대중교통체계"
    # A whole compound ending in the noun asked for stays: "교통카드" for "카드".
    assert _without_written("이명박이 만들게 된 교통카드는 무엇인가?", "이때 신설된 교통카드가 티머니 교통카드다.", "티머니",
                            "카드") == "티머니 교통카드"
    # One common noun left would be the end of a name, not a name.
    assert _without_written("엑스박스로 출시된 서비스는?", "엑스박스 라이브로 출시되었다.", "라이브", "서비스") == "엑스박스 라이브"


def test_a_number_in_a_noun_phrase_keeps_its_counter():
    quote = "목재 선박은 통상 길이 100m, 배수량 2000톤 정도가 한계로 여겨져 왔다."
    assert "배수량 2000톤" in [quote[s.start:s.end] for s in candidates(kiwi().tokenize(quote), "thing")]


def test_a_name_keeps_the_rest_that_kiwi_reads_as_a_common_noun_but_not_a_title():
    def names(text):
        tokens = text_tokens(text)
        return [text[s.start:s.end] for s in candidates(tokens, "person")]
    assert "찰리 크리스천" in names("재즈에 일렉기타를 처음 도입한 찰리 크리스천이 연주했다.")
    assert "김재원" in names("김재원 간사는 그를 비판했다.")


def test_a_time_keeps_the_word_it_narrows_and_the_part_of_the_period():
    def times(text):
        return [text[s.start:s.end] for s in candidates(text_tokens(text), "time")]
    assert "1942년 10월 말" in times("잔존병들은 1942년 10월 말 전선에서 철수하였다.")
    assert "오전 6시 12분" in times("오전 6시 12분에 경찰은 살수를 시작하였다.")
    assert "지난해 4월" in times("지난해 4월 한 전 총리에게 말했다.")
    assert "1920~40년대" in times("1920~40년대 블루스는 변화했다.")
    assert "1924년 12월 2일" in times("헤이그(1924년 12월 2일 ~ 2010년 2월 20일)는 군인이다.")


def test_ranges_and_fractions_written_with_a_dash_or_slash_are_one_figure():
    # Kiwi reads "19-20" and "1/4" as serial numbers, which no answer kind would take.
    def spans(text, kind):
        return [text[s.start:s.end] for s in candidates(text_tokens(text), kind)]
    assert "19-20세기" in spans("경계는 19-20세기에 걸쳐 형성되었다.", "amount")
    assert "1/4" in spans("토양의 1/4을 차지한다.", "amount")
    assert "40~50%" in spans("지름은 높이의 40~50%가 적당하다.", "amount")
    assert "2 - 3" not in " ".join(spans("점수는 2 - 3이었다.", "amount"))


def test_a_quote_names_something_in_quotation_marks_or_a_proper_noun_the_question_does_not_say():
    from rag.answer_spans import names_other
    assert names_other("24시간 이후 사라지는 '펑' 기능을 도입한다.", frozenset({"기능"}))
    assert not names_other("카카오브레인의 파운데이션 모델을 공개한다.", frozenset({"카카오", "브레인", "모델"}))
    assert names_other("모델 'HG-Sky'를 공개한다.", frozenset({"모델"}))


def test_a_foreign_first_name_kiwi_splits_into_splinters_stays_with_the_name():
    assert _texts("증강현실 연구는 이반 서덜랜드가 시작했다.", "person") == ["이반 서덜랜드"]
    assert _texts("그 사람 왓슨이다.", "person") == ["왓슨"]  # a real word before the name stays out


def test_a_number_that_ends_a_latin_name_is_no_amount():
    quote = "한결클라우드는 'Hangyeol Cloud Summit 2023'에서 2500억원 투자를 밝혔다."
    assert [quote[s.start:s.end] for s in candidates(kiwi().tokenize(quote), "amount")] == ["2500억원"]
    # After an acronym or a plain word, a bare number is an amount.
    quote = "DAU는 300으로 늘었고 GPU 4대를 더해 GPU 8로 늘렸다."
    assert "8" in [quote[s.start:s.end] for s in candidates(kiwi().tokenize(quote), "amount")]

"""What a question asks for, from its question word, its head noun or the figure it names."""

import pytest

from rag.question_kind import asked_by_words, asks_for, counter, head, kind_of, measured, periods, question_tokens


@pytest.mark.parametrize("question,kind", [("언제 나와?", "time"), ("How many people?", "amount"),
                                           ("누가 말했어?", "person"), ("이름이 뭐야?", "thing"), ("펑", None),
                                           ("승리의 고향은 어디인가?", "thing"), ("방장에게 뭘 준대?", "thing"),
                                           ("그게 뭔데?", "thing"), ("언제나 볼 수 있어야 하는 것은?", None),
                                           ("언제든 선언할 수 있는 것은?", None), ("몇 시간 후 사라져?", "amount"),
                                           ("몇 시에 열어?", "time")])
def test_the_question_word_says_the_kind(question, kind):
    assert kind_of(question) == kind


@pytest.mark.parametrize("question,kind", [
    ("임종석이 지명수배 된 날은?", "time"),          # no question word: the head noun 날 asks for a time
    ("영화의 관객 수는?", "amount"),                  # 수 asks for an amount
    ("유니폼에 달린 별의 갯수는?", "amount"),          # 갯수, as 개수 is often misspelt
    ("손실이 어느 금액보다 줄어들 거라고 했어?", "amount"),  # 어느 + a figure noun is an amount, not a thing
    ("What was Kakao's revenue?", "amount"),       # a figure named without a question word
    ("어떤 효과가 있대?", "thing"),
    ("선체 결함 가능성을 부인한 사람은?", "person"),  # a person is asked for without 누구
    ("당시 미국의 국무장관은?", "person"),            # a title (장관 of 국무장관) asks for the name before it
    ("협정에 서명한 왕은?", "person"),
])
def test_without_a_telling_question_word_the_head_noun_or_figure_decides(question, kind):
    terms = [(w.lower(),) for w in question.replace("?", "").split()]
    assert asks_for(question, terms) == kind


@pytest.mark.parametrize("question,terms,kind", [
    # Of several Korean question words the last, which goes with the final verb, decides.
    ("몇 개의 반응을 없애준 것은 누구인가?", [], "person"),
    ("미국의 몇개주에서 시행하는 법을 뭐라고 하나요?", [], "thing"),
    ("몇몇 주에서 시행되는 법은?", [], "thing"),     # 몇몇 is "some", not "how many"
    ("매출이 크게 뛴 이유가 뭐야?", [], "cause"),   # 뭐 asks for the reason
    # A figure noun inside a derived word, or among an English word's many translations, is no figure.
    ("3월에 열린 대규모 시위의 이름은?", [("대",), ("규모",), ("시위",)], "thing"),
    ("Will Open Chat suggest rooms based on my interests?", [("이익",)], None),
    ("What is the reason why revenue grew?", [], "cause"),  # "what" only picks a noun
    ("Who was president when the war ended?", [], "person"),  # English: its first question word decides
    ("언제 무슨 일이 있었어?", [], "time"),  # 무슨 only picks a noun
    ("몇 명이 이름을 올렸어?", [], "amount"),
    ("보호를 목표로 한 결의안에 거부권을 행사한 나라는?", [("목표",), ("나라",)], "thing"),  # a name is asked for
    ("카카오 콘텐츠 부문 매출 게임은?", [("매출",), ("게임",)], "amount"),  # the figure is not in a clause
])
def test_the_kind_when_a_question_has_several_cues(question, terms, kind):
    assert asks_for(question, terms) == kind


def test_only_a_question_word_or_head_noun_says_what_a_missing_span_refuses():
    assert asked_by_words("파라미터가 몇 개야?") == "amount" and asked_by_words("관객 수는?") == "amount"
    # A figure named without asking for its amount: "커질 것" answers it.
    assert asked_by_words("카카오브레인 손실은 하반기에 어떻게 될 거래?") is None
    assert asks_for("카카오브레인 손실은 하반기에 어떻게 될 거래?", [("손실",)]) == "amount"


def test_the_head_noun_and_the_counter_of_a_question():
    assert head(question_tokens("어떤 효과가 있대?")) == "효과"
    assert head(question_tokens("나온 대학교는?")) == "대학교"
    assert head(question_tokens("카카오는 뭐 했어?")) is None
    assert head(question_tokens("경계를 이루는 곳은 어디인가?")) == "곳"
    # An apartment's name is asked for: the answer is an apartment (충정아파트).
    assert head(question_tokens("처음 건설된 아파트의 이름은 무엇인가?")) == "아파트"
    assert head(question_tokens("수단의 대통령 이름은 무엇인가?")) == "대통령"
    assert head(question_tokens("조선 3대 폭포 중 하나는?")) == "폭포"
    assert head(question_tokens("국제공항이 위치한 나라를 적으시오")) == "나라"
    # Asked politely: Kiwi reads the 요 of "뭔가요" as a particle after the ending.
    assert head(question_tokens("손실이 더 커지는 이유는 뭔가요?")) == "이유"
    assert asks_for("손실이 더 커지는 이유는 뭔가요?", []) == "cause"
    assert head(question_tokens("모션 그래픽 아티스트는 어떠한 분야에 속해있는가?")) == "분야"
    assert kind_of("어떠한 분야에 속해있는가?") == "thing" and kind_of("요즘 어떠한가?") is None
    assert counter(question_tokens("서명운동은 몇 명을 돌파했나?")) == "명"
    assert counter(question_tokens("몇 월에 나와?")) is None


@pytest.mark.parametrize("question,noun", [("카카오 직원 수는 몇 명이야?", "직원"), ("2분기 당기순이익은 얼마야?", "순이익"),
                                           ("2분기 영업비용 총액은 얼마였어?", "비용"), ("영업이익률은 몇 퍼센트야?", "이익"),
                                           ("매출은 작년보다 얼마나 늘었어?", None), ("언제 나와?", None),
                                           ("카카오 직원 수는?", "직원"), ("AI 투자 규모는?", "투자"),
                                           ("기물 갯수는?", "기물"),
                                           ("수는?", None)])
def test_the_noun_whose_amount_is_asked_for(question, noun):
    assert measured(question_tokens(question)) == noun


@pytest.mark.parametrize("question,noun", [("How many employees does Kakao Brain have?", "employees"),
                                           ("How many AI researchers does it have?", "researchers"),
                                           ("How many paying subscribers did it have?", "subscribers"),
                                           ("How many people use the Friends tab?", None),
                                           ("How many does it have?", None),
                                           ("How much net income did Kakao book?", "income"),
                                           ("How much money came from games?", "money"),
                                           ("How much did revenue grow?", None),
                                           ("How much of that went to AI?", None),
                                           ("What was Kakao's net income in Q2?", "income"),
                                           ("What is the dividend per share this year?", "dividend"),
                                           ("What was the growth rate of the content segment?", None),
                                           ("What was Kakao's operating margin?", None),
                                           ("What is Kakao's stock code?", None),
                                           ("What does Kakao expect to happen to costs?", None),
                                           ("What were Kakao's revenues in Q2?", "revenue"),
                                           ("What is Kakao's goal?", None)])
def test_the_noun_an_english_question_counts_or_measures(question, noun):
    assert measured(question_tokens(question)) == noun


def test_the_dates_and_quarters_a_question_names():
    assert periods(question_tokens("카카오의 3분기 매출 전망은?")) == ("3분기",)
    assert periods(question_tokens("2009년 11월 10일 교전에서")) == ("2009년", "11월", "10일")
    assert periods(question_tokens("3개 탭은?")) == ()
    # Periods news writes no other way, in Korean and English; not 올해 or 연말, written several ways.
    assert periods(question_tokens("오픈채팅 탭 주말 방문자는 몇 명이야?")) == ("주말",)
    assert periods(question_tokens("How many people visit on weekends?")) == ("주말",)
    assert periods(question_tokens("What will Kakao do in the second half?")) == ("하반기",)
    assert periods(question_tokens("올해 연말 목표는?")) == ()


def test_a_question_typed_as_keywords_asks_for_its_last_noun():
    assert head(question_tokens("카카오브레인 AI 모델 공개 시기")) == "시기"
    assert asks_for("카카오브레인 AI 모델 공개 시기", []) == "time"
    assert head(question_tokens("카카오는 뭐 했어?")) is None


def test_periods_named_in_english_are_written_as_a_korean_document_writes_them():
    assert periods(question_tokens("What revenue does Kakao expect for the third quarter?")) == ("3분기",)
    assert periods(question_tokens("Kakao's Q2 and 4Q figures in 2023")) == ("2분기", "4분기", "2023년")
    assert periods(question_tokens("What launches in October?")) == ("10월",)
    # A Korean question's bare number is no year, and "may" is mostly the verb.
    assert periods(question_tokens("2010 서울 G20 정상회의는?")) == ()
    assert periods(question_tokens("May I ask what Kakao plans?")) == ()


@pytest.mark.parametrize("question,named", [("AI 모델 이름이 뭐야?", True), ("What is the feature called?", True),
                                           ("What is the name of Kakao Brain's LLM?", True), ("이 모델의 명칭은?", True),
                                           ("How many policies were taken out in Kim's name?", False),
                                           ("How many accounts were opened in the name of minors?", False),
                                           ("모델은 언제 나와?", False)])
def test_a_question_asks_what_something_is_called(question, named):
    from rag.question_kind import asks_name
    assert asks_name(question) is named


@pytest.mark.parametrize("question,expected", [
    ("카카오가 분기 매출 2조원을 넘긴 게 이번이 처음이야?", True),
    ("오픈채팅방 구독제도 생겨?", True),
    ("영업이익 줄었나요?", True),
    ("Will Kakao Brain lose more money?", True),
    ("Is Kakao going to pay a dividend this year?", True),
    ("포털비즈 매출은 늘었어, 줄었어?", False),  # two options: the quote's words answer
    ("포털 쪽 매출은 늘었어 줄었어?", False),
    ("Did game revenue go up or down?", False),
    ("2분기 플랫폼 부문 매출 규모를 알려주세요?", False),  # a request
    ("카카오 2분기 매출은?", False),
    ("매출 얼마야?", False),
    ("Who said it?", False),
    ("카카오가 매출 2조원을 넘겼다", False),  # no question mark: not asked as yes or no
    # Requests and questions for what someone knows or said ask for something.
    ("Could you give me Kakao's operating profit?", False),
    ("Do you have Kakao's operating profit?", False),
    ("카카오 2분기 매출 말해봐?", False),
    ("카카오 2분기 영업이익 알고 싶어?", False),
    ("카카오 2분기 매출 알 수 있을까?", False),
    ("매출 궁금해?", False),
])
def test_a_yes_no_question_is_told_from_one_that_asks_for_something(question, expected):
    from rag.question_kind import polar
    assert polar(question) is expected


def test_a_yes_no_question_that_states_its_figure_asks_for_no_kind_of_answer():
    sets = [frozenset({"매출"}), frozenset({"2", "조", "원"})]
    assert asks_for("카카오 분기 매출이 2조원 넘은 거 이번이 처음이야?", sets) is None
    assert asks_for("카카오 분기 매출은?", sets) == "amount"
    # One that names a figure without its value still asks for it ("the figure they gave before").
    assert asks_for("Will Kakao Brain's losses still hit the figure they gave before?", [frozenset({"손실"})]) == "amount"


def test_the_figure_a_question_measures():
    assert measured(question_tokens("카카오 직원 수는 몇 명이야?")) == "직원"
    assert measured(question_tokens("What was Kakao's net income in Q2?")) == "income"
    # A question without a verb, as a completed follow-up is, measures the figure it names last.
    assert measured(question_tokens("Kakao's second quarter the operating profit?")) == "profit"
    assert measured(question_tokens("Kakao's second quarter the operating profit growth rate?")) is None
    assert measured(question_tokens("Did Kakao's operating profit fall?")) is None

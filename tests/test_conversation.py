"""Completing follow-ups from the conversation (Kiwi only; no embedding model)."""

import pytest

from rag.conversation import FollowUps, turns
from rag.errors import QuestionError
from rag.lexical import tokenize

ARTICLE = ("3일 카카오는 2분기 매출이 지난해 2분기보다 12% 늘어난 2조425억원을 기록했다. 영업이익은 1135억원이다. "
           "홍 대표는 로컬 서비스 공간을 마련할 계획이라고 말했다. 카카오톡 친구탭 이용자 수는 3000만명이다.")
VOCAB = {term: 1 for term in tokenize([ARTICLE])[0]}


def _history(*pairs):
    messages = []
    for question, answer in pairs:
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    return messages


@pytest.fixture(scope="module")
def follow_ups():
    return FollowUps(VOCAB)


def test_without_history_nothing_changes(follow_ups):
    done = follow_ups.complete("그럼 영업이익은?")
    assert done.searched == done.own == "그럼 영업이익은?" and done.previous is None


def test_an_elliptic_follow_up_gets_subject_and_time_and_its_figure_replaces_the_old_one(follow_ups):
    history = _history(("카카오 2분기 매출은 얼마였어?", "3일 카카오는 2분기 매출이 … 2조425억원을 기록했다. [1]"))
    done = follow_ups.complete("그럼 영업이익은?", history)
    assert done.searched == "카카오 2분기 영업이익은?"
    assert done.own == "영업이익은?"


def test_a_follow_up_naming_a_subject_the_corpus_lacks_is_left_alone(follow_ups):
    history = _history(("카카오 2분기 매출은 얼마였어?", "… 2조425억원을 기록했다. [1]"))
    assert follow_ups.complete("네이버는?", history).searched == "네이버는?"


def test_a_question_that_stands_alone_is_left_alone(follow_ups):
    history = _history(("카카오 2분기 매출은 얼마였어?", "… 2조425억원을 기록했다. [1]"))
    question = "카카오톡 친구탭 이용자 수는 몇 명이야?"
    assert follow_ups.complete(question, history).searched == question


def test_a_refused_turn_is_skipped_and_a_person_pointed_to_comes_from_the_last_answer(follow_ups):
    history = _history(("로컬 서비스는 누가 발표했어?", '<div class="direct"><strong>홍</strong></div>'
                                                   '<div class="answer">홍 대표는 로컬 서비스 공간을 마련할 계획이라고 말했다. [1]</div>'
                                                   '<div class="citations">배재현 카카오 투자총괄대표는 …</div>'),
                       ("주가는?", "기사에는 이에 대한 내용이 없습니다."))
    done = follow_ups.complete("그 사람은 로컬 서비스에 대해선 뭐라고 했어?", history)
    assert done.searched.startswith("홍 대표 ") and "배재현" not in done.searched
    assert "사람" not in done.own and "로컬 서비스" in done.own
    # The person stands in for what pointed to them: 사람 is no word to search for.
    assert "사람" not in done.searched


def test_english_follow_ups_keep_the_subject_and_replace_the_figure(follow_ups):
    history = _history(("What was Kakao's Q2 operating profit?", "… 1135억원이다. [1]"))
    done = follow_ups.complete("And the operating margin?", history)
    assert done.searched.startswith("Kakao") and "Q2" in done.searched and "profit" not in done.searched
    assert done.searched.endswith("the operating margin?")
    # A time the question before names in words stays with the subject.
    history = _history(("What was Kakao's revenue in the second quarter?", "… 2조425억원을 기록했다. [1]"))
    assert follow_ups.complete("And the operating profit?", history).searched == \
        "Kakao's second quarter the operating profit?"


def test_a_follow_up_with_no_topic_of_its_own_stays_on_the_quoted_passage(follow_ups):
    history = _history(("카카오 2분기 매출은 얼마였어?", "3일 카카오는 2분기 매출이 지난해 2분기보다 12% 늘어난 2조425억원을 기록했다. [1]"))
    done = follow_ups.complete("왜?", history)
    assert done.previous and "2조425억원" in done.previous
    assert done.previous_quote == "3일 카카오는 2분기 매출이 지난해 2분기보다 12% 늘어난 2조425억원을 기록했다."


def test_history_messages_are_checked_and_content_blocks_read():
    with pytest.raises(QuestionError):
        turns("not a list")
    with pytest.raises(QuestionError):
        turns([{"role": "system", "content": "x"}])
    read = turns([{"role": "user", "content": [{"type": "text", "text": "카카오 매출은?"}]},
                  {"role": "assistant", "content": [{"type": "text", "text": "2조425억원 [1]"}]},
                  {"role": "user", "content": "a &lt; b"}])
    assert [(t.question, t.answer) for t in read] == [("카카오 매출은?", "2조425억원 [1]"), ("a < b", None)]
    assert read[0].answered and not turns(_history(("q", "The article does not say.")))[0].answered


def test_only_a_person_pointed_to_brings_the_quoted_person(follow_ups):
    history = _history(("로컬 서비스는 누가 발표했어?", "홍 대표는 로컬 서비스 공간을 마련할 계획이라고 말했다. [1]"))
    assert "홍 대표" not in follow_ups.complete("그 이유는 뭐야?", history).searched
    assert follow_ups.complete("그분은 또 뭐라고 했어?", history).searched.startswith("홍 대표")


def test_an_english_follow_up_names_the_person_once_and_by_surname_for_a_title(follow_ups):
    history = _history(("What will the local service offer?", "홍 대표는 로컬 서비스 공간을 마련할 계획이라고 말했다. [1]"))
    done = follow_ups.complete("What did he say about open chat?", history)
    assert done.searched.startswith("Hong ") and "dae" not in done.searched
    history = _history(("Who is Hong Eun-taek?", "홍은택 카카오 대표는 컨퍼런스콜에서 말했다. [1]"))
    assert follow_ups.complete("What did he say?", history).searched.count("Hong") == 1
    # A short surname is a word of its own, not letters inside another ("An" in "announced").
    history = _history(("What was announced for open chat?", "안 대표는 오픈채팅 계획을 밝혔다. [1]"))
    assert follow_ups.complete("What else did he say?", history).searched.startswith("An ")


def test_an_english_acronym_is_carried_whatever_its_lemma(follow_ups):
    history = _history(("How much did Kakao invest in AI?", "… AI 투자 … [1]"))
    assert "AI" in follow_ups.complete("And next year?", history).searched
    # A question in capitals is no row of acronyms: its function words stay out.
    history = _history(("WHAT WAS KAKAO'S REVENUE IN THE SECOND QUARTER?", "… 2조425억원 … [1]"))
    assert "WHAT" not in follow_ups.complete("And the operating profit?", history).searched


def test_history_messages_are_read_within_bounds():
    read = turns([{"role": "user", "content": "가" * 50_000}, {"role": "assistant", "content": "나" * 100_000}])
    assert len(read[0].question) == 2000 and len(read[0].answer) == 4000
    assert turns([{"role": "user", "content": "첫 줄<br>둘째 줄"}])[0].question == "첫 줄\n둘째 줄"


def test_a_follow_up_that_points_at_a_thing_keeps_the_earlier_topic(follow_ups):
    history = _history(("카카오톡 친구탭 이용자 수는 몇 명이야?", "카카오톡 친구탭 이용자 수는 3000만명이다. [1]"))
    assert "친구탭" in follow_ups.complete("거기서 돈은 어떻게 벌 생각이래?", history).searched
    # A topic of its own without a pointer keeps only the names and times.
    assert "친구탭" not in follow_ups.complete("그럼 로컬 서비스 공간 계획은?", history).searched


def test_an_english_demonstrative_and_its_noun_are_the_earlier_turns(follow_ups):
    history = _history(("What's the local service Kakao is adding?", "홍 대표는 로컬 서비스 공간을 마련할 계획이라고 말했다. [1]"))
    done = follow_ups.complete("Who gets to see those posts?", history)
    assert "local service" in done.searched and done.own == "Who gets to see ?"
    assert follow_ups.complete("Is that going live soon?", history).own == "Is going live soon?"


def test_a_question_for_a_time_does_not_take_the_time_of_the_one_before(follow_ups):
    history = _history(("카카오 2분기 영업비용 얼마야?", "2분기 영업비용은 … 1조9290억원을 기록했다. [1]"))
    assert follow_ups.complete("그럼 영업이익 발표는 언제래?", history).searched == "카카오 영업이익 발표는 언제래?"
    history = _history(("What was Kakao's revenue in Q2?", "… 2조425억원을 기록했다. [1]"))
    assert follow_ups.complete("And when did it report that?", history).searched == "Kakao's revenue when did it report that?"


def test_a_time_the_follow_up_names_replaces_the_one_before_unless_it_is_relative(follow_ups):
    history = _history(("카카오 2분기 매출은 얼마였어?", "… 2조425억원을 기록했다. [1]"))
    assert follow_ups.complete("그럼 3분기는?", history).searched == "카카오 매출 3분기는?"
    history = _history(("친구탭 이용자 수는 지난해 말 몇 명이었어?", "… 친구탭 이용자 수는 3000만명이다. [1]"))
    assert follow_ups.complete("그럼 연말 목표는?", history).searched == "친구탭 이용자 수 연말 목표는?"
    history = _history(("How many users did the Friends tab have at the end of last year?", "… 3000만명이다. [1]"))
    searched = follow_ups.complete("And the target for year-end?", history).searched
    assert "last" not in searched and "users" in searched and "Friends" in searched
    history = _history(("What was Kakao's operating profit in the second quarter?", "… 1135억원이다. [1]"))
    assert "second quarter" in follow_ups.complete("How did it compare with a year earlier?", history).searched
    assert "second" not in follow_ups.complete("And in the first half?", history).searched
    # A comparison with another time keeps the one before, and so does a word that is no time.
    for follow_up in ("How does that compare to last year?", "How much higher than last year was it?",
                      "How much of it came from start-ups?", "How much did it make per day?"):
        assert "second quarter" in follow_ups.complete(follow_up, history).searched, follow_up
    assert "quarter" in follow_ups.complete("And the end-user price?", history).searched  # a topic of its own
    history = _history(("카카오 2분기 매출은 얼마였어?", "… 2조425억원을 기록했다. [1]"))
    for follow_up in ("지난해보다 얼마나 늘었어?", "그럼 작년과 비교하면?", "그럼 지난해 같은 기간엔?", "그럼 1주당 배당금은?",
                      "그럼 그 일은 누가 맡아?", "그럼 작년에 비해 얼마나 늘었어?", "그럼 작년 이맘때는?", "그럼 3일 동안은?",
                      "그럼 2022년엔?"):
        assert "2분기" in follow_ups.complete(follow_up, history).searched, follow_up
    assert follow_ups.complete("그럼 10월엔?", history).searched == "카카오 매출 10월엔?"
    history = _history(("What was Kakao's revenue in the second quarter?", "… 2조425억원을 기록했다. [1]"))
    assert "second quarter" in follow_ups.complete("How much may it grow?", history).searched  # not the month
    assert "second" not in follow_ups.complete("What about May?", history).searched


def test_a_word_in_quotation_marks_is_carried_with_them(follow_ups):
    history = _history(("카카오톡에 새로 생긴다는 '펑'이 뭐야?", "… '펑' 기능을 도입해 … [1]"))
    assert follow_ups.complete("누가 그렇게 설명했어?", history).searched == "카카오톡 '펑' 누가 그렇게 설명했어?"
    spaced = _history(("카카오톡 ' 펑 ' 기능이 뭐야?", "… '펑' 기능을 도입해 … [1]"))
    assert "' 펑 '" in follow_ups.complete("누가 말했어?", spaced).searched
    # Not the particle between two quoted names; and a quoted name is no part of the figure after it.
    two = _history(("'선물하기'와 '톡딜' 매출은 얼마야?", "… [1]"))
    assert "와" not in follow_ups.complete("그럼 영업이익은?", two).searched
    named = _history(("카카오 '톡딜' 매출은 얼마야?", "… [1]"))
    assert follow_ups.complete("그럼 영업이익은?", named).searched == "카카오 '톡딜' 영업이익은?"
    # A topic, not a subject: a follow-up with a topic of its own does not keep it.
    assert "펑" not in follow_ups.complete("그럼 로컬 서비스 출시 계획은?", history).searched


def test_english_function_words_of_a_mixed_question_are_not_carried(follow_ups):
    history = _history(("카카오 2분기 영업비용 얼마야?", "… 1조9290억원을 기록했다. [1]"),
                       ("How much of that went to AI?", "… 1조9290억원을 기록했다. [1]"))
    searched = follow_ups.complete("그럼 AI 투자 계획은?", history).searched
    assert "How" not in searched and "카카오" in searched


def test_a_new_figure_replaces_the_whole_english_figure_phrase_before_it(follow_ups):
    history = _history(("What was Kakao's operating margin in Q2?", "… 영업이익률은 5.6%를 기록했다. [1]"))
    searched = follow_ups.complete("And the revenue?", history).searched
    assert "operating" not in searched and "margin" not in searched and "Kakao" in searched


def test_an_aim_is_the_aim_of_the_figure_asked_before_not_a_new_figure(follow_ups):
    history = _history(("카카오톡 친구탭 이용자 수가 지금 몇 명이야?", "… 친구탭 이용자 수는 3000만명이다. [1]"))
    assert follow_ups.complete("연말 목표는?", history).searched == "카카오톡 친구탭 이용자 수 연말 목표는?"
    history = _history(("What was Kakao's revenue in Q2?", "… 2조425억원을 기록했다. [1]"))
    assert "revenue" in follow_ups.complete("And the target?", history).searched


def test_what_was_it_at_another_time_asks_what_the_question_before_asked(follow_ups):
    history = _history(("How many people use KakaoTalk's Friends tab daily?", "… 3000만명이다. [1]"))
    done = follow_ups.complete("What was it at the end of last year?", history)
    assert "How many was it at the end of last year?" in done.searched and "Friends" in done.searched
    # Not when the question before asked for a thing, nor when the follow-up asks something else.
    history = _history(("What did Kakao announce?", "… 공개할 것이라고 밝혔다. [1]"))
    assert "What was it" in follow_ups.complete("What was it called?", history).searched
    history = _history(("When is the model coming?", "… 10월 이후 … [1]"))
    assert "What was it called" in follow_ups.complete("What was it called?", history).searched
    history = _history(("How much did Kakao's revenue grow?", "… 12% 늘어난 … [1]"))
    assert "How much was it a year earlier?" in follow_ups.complete("What was it a year earlier?", history).searched
    # Only a figure's or a time's question word is taken over: after "Why …?" it still asks what.
    history = _history(("Why will Kakao Brain's losses grow?", "… 경영효율화로 … [1]"))
    assert "What was it last year?" in follow_ups.complete("What was it last year?", history).searched
    # "this" before a noun is a determiner, not the figure asked before.
    history = _history(("How many people visit Open Chat on weekdays?", "… 1200만명 … [1]"))
    assert "What was this quarter's revenue?" in follow_ups.complete("What was this quarter's revenue?", history).searched


def test_english_one_stands_for_the_noun_asked_about_before():
    from rag.bridge import Bridge
    from rag.lexicon import Lexicon
    from rag.names import NameIndex

    vocab = dict(VOCAB, 모델=1, 늘=1, 경량=1)
    lexicon = Lexicon({"model": ["모델"], "grow": ["늘"], "lightweight": ["경량"]})
    follow_ups = FollowUps(vocab, Bridge(lexicon, vocab, NameIndex(vocab, [])))
    history = _history(("When is Kakao Brain putting out its foundation model?", "10월 이후 … 공개할 것이라고 밝혔다. [1]"))
    done = follow_ups.complete("What about the lightweight one?", history)
    assert done.searched == "Kakao Brain the lightweight model?" and done.own == "the lightweight model?"
    # "one" as a number, in a compound or before "of" is left alone.
    for question in ("Is there a one-time fee?", "Is it the number one AI lab?", "Was that one of the reasons?"):
        assert question in follow_ups.complete(question, history).searched, question
    # Nor does a verb stand in for it.
    grew = _history(("How much did Kakao's revenue grow?", "… 2조425억원을 기록했다. [1]"))
    assert "grow" not in follow_ups.complete("What about the other one?", grew).own


@pytest.mark.parametrize("question,own", [
    ("그 모델 이름은 뭐야?", "이름은 뭐야?"),
    ("그 사람들 하루 평균 몇 분이나 머무는데?", "하루 평균 몇 분이나 머무는데?"),
    ("그 서비스 요금은 얼마래?", "요금은 얼마래?"),
])
def test_a_demonstrative_points_back_with_one_word_and_the_rest_is_the_follow_ups_own(follow_ups, question, own):
    history = _history(("카카오톡 친구탭 이용자 수는 몇 명이야?", "카카오톡 친구탭 이용자 수는 3000만명이다. [1]"))
    assert follow_ups.complete(question, history).own == own


def test_an_opening_demonstrative_that_kiwi_reads_as_an_interjection_points_back_like_any_other(follow_ups):
    history = _history(("카카오톡 친구탭 이용자 수는 몇 명이야?", "카카오톡 친구탭 이용자 수는 3000만명이다. [1]"))
    by_ic = follow_ups.complete("그 서비스 요금은 얼마래?", history)  # Kiwi: 그/IC
    by_mm = follow_ups.complete("이 서비스 요금은 얼마래?", history)  # 이/MM
    assert by_ic.searched.startswith("카카오톡 친구탭 이용자 수 ") and by_mm.searched.startswith("카카오톡 친구탭 이용자 수 ")
    assert follow_ups.complete("그, 뭐였지?", history).own == "그, 뭐였지?"  # the interjection points at nothing

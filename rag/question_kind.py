"""What a question asks for: a time, an amount, a person, a cause or a thing, and the noun it names.

Read from the question word (언제/when, 얼마/몇/how much, 누구/who, 왜/why, 무엇/what), else from the
noun the question ends in ("태어난 날은?" asks for a time, "관객 수는?" for an amount), else from the
figure it names ("What was Kakao's revenue?"). The short answer looks for a span of that kind.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, Sequence

from rag.kiwi import kiwi
from rag.lexicon import lemma

Kind = Literal["cause", "time", "amount", "person", "thing"]

_ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("cause", re.compile(r"왜|이유|근거|원인|어째서|\bwhy\b|\breasons?\b|\bwhat (?:caused|made|drove)\b", re.I)),
    ("time", re.compile(r"언제(?!나|든)|며칠|몇\s*(?:월|년|일|시(?!간)|분기)|어느\s*(?:달|해|날)|\bwhen\b|\bwhat (?:time|year|month|day|date)\b",
                        re.I)),
    ("amount", re.compile(r"얼마|(?<!몇)몇(?!몇)|\bhow (?:much|many|long|big)\b|\bwhat (?:percentage|share|amount|number)\b", re.I)),
    ("person", re.compile(r"누구|누가|\bwho\b|\bwhom\b", re.I)),
    ("thing", re.compile(r"무엇|뭐|뭘|뭔|무얼|무슨|어떤|어떠한(?=\s)|어느|어디|이름|\bwhat\b|\bwhich\b|\bwhere\b", re.I)),
)
TIME_UNITS = frozenset({"년", "월", "일", "분기", "시", "주"})
TIME_WORDS = frozenset({"상반기", "하반기", "연말", "연초", "내년", "올해", "작년", "지난해", "오늘", "내일", "어제"})
_LATIN = re.compile(r"[A-Za-z]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
WHERE = re.compile(r"어디|\bwhere\b", re.I)
NAMED_HEADS = frozenset({"이름", "명칭", "곳", "장소", "나라", "국가", "도시", "지역", "단체", "기관", "회사", "팀",
                         "인물", "사람", "출판사", "정당", "대학", "대학교", "학교", "국적"})
"""Head nouns of questions that ask for a name ("…한 곳은?", "이름은?"): like 어디, they are answered by a
proper noun more often than by the common nouns nearer the question's words."""
TITLE_HEADS = frozenset({"제목", "슬로건", "구호", "노래", "곡", "작품", "영화", "드라마", "프로그램", "앨범", "책", "법",
                         "정책", "방침", "캐릭터", "결의안", "단어", "별명", "애칭", "게임", "시리즈", "표어"})
"""Head nouns of questions that ask for a title ("…한 노래는?", "드라마 제목은?"), which news and
encyclopaedias put in quotation marks."""
_ASKING = frozenset({"무엇", "뭐", "어디", "누구"})
_IMPERATIVE = frozenset({"오", "시오", "세요", "라", "요"})
_WHICH = re.compile(r"어느|어떤|\bwhich\b", re.I)
FIGURE_NOUNS = frozenset({"매출", "매출액", "이익", "순이익", "수익", "비용", "손실", "주가", "가격", "금액", "규모", "액",
                         "율", "률", "이익률", "점유율", "인원", "수", "배당금", "예산",
                         "revenue", "sales", "profit", "income", "earnings", "loss", "cost", "expense", "price",
                         "budget", "margin", "rate", "amount", "dividend", "growth", "turnover", "목표", "target", "goal"})
"""Nouns (Korean terms, English lemmas) that name a figure: a question about one asks for an amount."""
_CAUSE_HEADS = frozenset({"이유", "원인", "근거", "까닭", "배경", "계기"})
_TIME_HEADS = frozenset({"날", "날짜", "일자", "연도", "년도", "해", "시기", "때", "시점", "기간", "생년월일", "연대",
                         "시각", "요일", "달"})
_AMOUNT_HEADS = frozenset({"수", "규모", "크기", "비율", "길이", "높이", "무게", "인구", "면적", "거리", "나이", "점수",
                           "득표율", "순위", "등수", "개수", "갯수", "횟수"})
"""Head nouns of questions without a question word ("태어난 날은?", "관객 수는?") that ask for a time or
an amount; any other head noun asks for a noun phrase. 갯수 is how 개수 is often misspelt."""
_PERIOD_UNITS = frozenset({"년", "월", "일", "분기"})
_MEASURES = frozenset({"규모", "크기", "비율", "금액", "액수", "총액", "총계", "합계", "수치", "정도", "개수", "갯수", "횟수", "분량"})
"""Nouns that measure another ("영업비용 총액", "투자 규모"): what is measured is the noun before."""
PERSON_TITLES = frozenset({"대표", "회장", "사장", "부사장", "의원", "대통령", "장관", "총리", "교수", "위원장", "이사",
                           "전무", "상무", "본부장", "센터장", "총괄", "총장", "의장", "간사", "후보", "장군", "박사",
                           "백작", "국왕", "황제", "여왕", "왕", "목사", "신부", "교황", "감독", "선수", "기자", "대변인",
                           "씨", "CIO", "CEO", "CFO"})
"""Titles that follow a person's name ("홍 대표", "닉슨 대통령")."""
_PERSON_HEADS = frozenset({"사람", "인물"})
"""Head nouns that ask for a person ("…한 사람은?", "…한 인물의 이름은 무엇인가?") as 누구 does."""


def kind_of(question: str) -> Kind | None:
    """The kind its question word asks for, if it has one (언제나 and 언제든 mean "always").

    Of several question words, a Korean question's last decides, as the verb it goes with ends the
    sentence ("몇 개의 반응을 없애준 것은 누구인가?" asks for a person), and an English question's
    first ("Who was president when the war ended?"). Words that only pick a noun (무슨, 어떤, 어느,
    이름, what, which) decide only when no other is there: "언제 무슨 일이 있었어?" asks for a time,
    "What is the reason why …?" for a cause."""
    korean: list[tuple[int, Kind]] = []
    english: list[tuple[int, Kind]] = []
    for kind, pattern in _ASKS:
        for m in pattern.finditer(question):
            if m.group().lower() not in _PICKERS:
                (english if _LATIN.match(m.group()) else korean).append((m.start(), kind))
    if korean:
        return max(korean, key=lambda found: found[0])[1]  # the first listed kind wins a tie
    if english:
        return min(english, key=lambda found: found[0])[1]
    return next((kind for kind, pattern in _ASKS if pattern.search(question)), None)


_PICKERS = frozenset({"무슨", "어떤", "어떠한", "어느", "이름", "what", "which"})


def asks_for(question: str, term_sets: Sequence[Sequence[str]]) -> Kind | None:
    """The kind of answer a question wants, from its question word, else its head noun, else the
    figure it names."""
    return kind(question, head(question_tokens(question)), term_sets_of(question, term_sets))


NAME_WORDS = frozenset({"이름", "명칭"})
"""Korean words that ask for a name."""
AIM_WORDS = frozenset({"목표", "target", "goal"})
"""Words that ask for an aim: news gives it as a plan ("연말까지 4000만명을 확보할 계획"), not by the word."""
_NAMING_NOUNS = NAME_WORDS | {"명"}
_ASKS_NAME = re.compile(r"\b(?:called|named)\s*\??\s*$|^\s*(?:what|which)\b.*(?<!\bin )\bthe name of\b", re.I)


def asks_name(question: str) -> bool:
    """Whether a question asks what something is called ("AI 모델 이름이 뭐야?", "What is the feature
    … called?", "What is the name of …?"); whether that is a person's name, :func:`asks_for` says."""
    return bool(_ASKS_NAME.search(question)) or any(
        t.form in NAME_WORDS and t.tag == "NNG" for t in question_tokens(question))


def asked_by_words(question: str) -> Kind | None:
    """The kind its question word or head noun asks for ("몇 개야?", "언제", "관객 수는?"), not the
    figure it names: "손실은 하반기에 어떻게 될 거래?" asks how the loss goes, and "커질 것" answers it."""
    return kind(question, head(question_tokens(question)), ())


@lru_cache(maxsize=256)
def question_tokens(question: str) -> tuple:
    """A question's Kiwi tokens, analysed once: the answerer asks about one question several times
    (its kind, then a span in the quote and in each neighbour)."""
    return tuple(kiwi().tokenize(question))


def said_terms(question: str, term_sets: Sequence[Sequence[str]]) -> frozenset[str]:
    """Everything the question says, as one set: its term sets and its own Latin lemmas."""
    return frozenset().union(*term_sets_of(question, term_sets))


def term_sets_of(question: str, term_sets: Sequence[Sequence[str]]) -> list[frozenset[str]]:
    """The question's term sets, lower-cased, with the lemma of each Latin word of its own."""
    sets = [frozenset(t.lower() for t in s) for s in term_sets if s]
    return sets + [frozenset({lemma(w)}) for w in _LATIN.findall(question)]


def kind(question: str, head_noun: str | None, sets: Sequence[frozenset[str]]) -> Kind | None:
    """The kind of answer wanted, given the question's head noun and its term sets (``asks_for``
    reads both from the question). A yes/no question that states its figure wants none."""
    found = kind_of(question)
    if found is None and _DIGIT.search(question) and polar(question):
        return None  # "매출이 2조원 넘은 거 이번이 처음이야?" states its figure: no other answers it
    if found is None:
        found = _kind_of_head(head_noun)
    elif found == "thing" and head_noun in _CAUSE_HEADS:
        found = "cause"  # "… 이유가 뭐야?": 뭐 asks for the reason
    elif found == "thing" and (head_noun in _TIME_HEADS or head_noun in FIGURE_NOUNS or _asks_person(head_noun)):
        found = _kind_of_head(head_noun)  # "어느 금액보다" asks for an amount, "어떤 날" for a time ("무슨 수로" a means)
    named = (head_noun in NAMED_HEADS or head_noun in TITLE_HEADS) and _figures_only_in_clauses(question)
    if (found is None or (found == "thing" and not _WHICH.search(question) and not named)) \
            and _names_figure(question, sets):
        found = "amount"  # "What was Kakao's revenue?", "플랫폼 부문 매출": a figure is asked for
    return found


_AUXILIARY_FIRST = re.compile(r"^\s*(?:is|are|was|were|do|does|did|will|would|can|could|has|have|had|should|shall|"
                              r"may|might|must)\b", re.I)
_DIGIT = re.compile(r"\d")
_OR = re.compile(r"\bor\b|아니면|또는", re.I)


def polar(question: str) -> bool:
    """Whether a question asks yes or no: no question word, and it opens with an auxiliary ("Will
    Kakao Brain lose more money?") or ends in a predicate and a question mark ("이번이 처음이야?",
    "구독제도 생겨?"); not a request or a question for what someone knows ("알려주세요?", "말해봐?",
    "Could you give me …?", "Did they mention …?") nor a choice of two ("늘었어, 줄었어?", "up or
    down?"), which the quote's words answer."""
    if kind_of(question) is not None or _OR.search(question):
        return False
    if not _HANGUL.search(question):
        return bool(_AUXILIARY_FIRST.match(question)) and not _ASKING_YOU.match(question)
    if not question.rstrip().endswith("?"):
        return False
    tokens = question_tokens(question)
    if head(tokens) is not None or any(t.form in _QUESTION_STEMS for t in tokens):
        return False  # "… 곳은 어딘가?", "어떻게 될 거래?"
    if any(t.form in _ASKING_VERBS or (t.tag == "VX" and t.form in ("보", "싶", "주"))
           or (t.form == "수" and t.tag == "NNB") for t in tokens):
        return False  # "매출 말해봐?", "알고 싶어?", "알 수 있을까?", "궁금해?", "알려주세요?"
    tail = [t for t in tokens if t.tag not in ("SF", "SW")]
    # Two clauses that end, with a comma between them or not, are two options: "늘었어, 줄었어?".
    endings = [i for i, t in enumerate(tail) if t.tag == "EF" or (
        t.tag == "EC" and i + 1 < len(tail) and tail[i + 1].tag == "SP")]
    return (len(endings) == 1 and endings[0] >= len(tail) - 2 and endings[0] > 0
            and tail[endings[0] - 1].tag in _PREDICATES)


_ASKING_YOU = re.compile(r"^\s*(?:can|could|would|will|do|did)\s+(?:you|they|it|he|she)\s+(?:tell|give|show|say|"
                         r"explain|share|list|provide|know|have|mention|report|disclose|reveal|name)\b|"
                         r"^\s*(?:can|could|would|will|do)\s+you\b", re.I)
"""A request or a question for what someone knows or said, with an auxiliary first ("Could you give
me …?", "Do you have …?", "Did they mention …?"): it asks for something, not yes or no."""
_ASKING_VERBS = frozenset({"말", "말하", "얘기", "이야기", "알", "알리", "궁금", "설명", "가르치"})
"""Korean verbs and nouns of telling and knowing: "매출 말해봐?", "영업이익 알아?", "궁금해?" ask for it."""
_QUESTION_STEMS = _ASKING | {"어떻", "어떠", "어찌", "언제", "얼마", "몇", "왜"}
"""Question words as Kiwi's stems, some of which the question-word patterns leave to a head noun
("어떻게", "어딘가")."""
_PREDICATES = frozenset({"VV", "VA", "VX", "VCP", "VCN", "EP", "XSV", "XSA", "VV-I", "VA-I", "VV-R", "VA-R"})


def _figures_only_in_clauses(question: str) -> bool:
    """Whether every figure noun the question writes sits in a clause that modifies another noun,
    followed by its particle ("역대 최대 규모로 진행됐던 올림픽의 슬로건은?"), not in the noun phrase
    asked about ("콘텐츠 매출 게임은?")."""
    tokens = question_tokens(question)
    at = [i for i, tok in enumerate(tokens) if tok.form in FIGURE_NOUNS and tok.tag in ("NNG", "NNP")]
    return all(i + 1 < len(tokens) and tokens[i + 1].tag[:1] == "J" for i in at)


def _names_figure(question: str, sets: Sequence[frozenset[str]]) -> bool:
    """Whether the question names a figure itself: a term it writes, not a translation of an English
    word ("interests": 이익), nor a figure noun inside a derived word ("대규모 시위" is a large protest,
    not a size)."""
    tokens = question_tokens(question)
    derived = {tok.form for prev, tok in zip(tokens, tokens[1:]) if prev.tag == "XPN"}
    written = question.lower()
    return any(term in written for s in sets for term in (s & FIGURE_NOUNS) - derived)


def head(q_tokens: Sequence) -> str | None:
    """The noun a question asks for: the one after 어떤/무슨/어느/어떠한 ("어떤 효과가 있대?" -> 효과),
    else the one it ends in ("지명수배 된 날은?" -> 날, "… 곳은 어디인가?" -> 곳, "폭포 중 하나는?"
    -> 폭포, "… 나라를 적으시오" -> 나라); a name's class stands for the name ("아파트의 이름은?" ->
    아파트, whose answer is an apartment: 충정아파트; so "감독 이름은?", "회사명은?"); else None."""
    for i, tok in enumerate(q_tokens[:-1]):
        if tok.form in ("어떤", "무슨", "어느") and q_tokens[i + 1].tag in ("NNG", "NNP"):
            return q_tokens[i + 1].form
        if tok.form in ("어떠", "어떠하"):  # Kiwi reads 어떠한 as 어떠 + 하 + ㄴ
            j = i + 1 + (q_tokens[i + 1].tag == "XSA")
            if j + 1 < len(q_tokens) and q_tokens[j].tag == "ETM" and q_tokens[j + 1].tag in ("NNG", "NNP"):
                return q_tokens[j + 1].form
    tail = [t for t in q_tokens if t.tag not in ("SF", "SW")]
    if len(tail) >= 2 and tail[-1].form == "요" and tail[-1].tag == "JX" and tail[-2].tag == "EF":
        tail = tail[:-1]  # the polite 요 of "이유는 뭔가요?", which Kiwi reads as a particle
    noun = _last_noun(tail)
    if noun is None or tail[noun].tag not in ("NNG", "NNB", "NNP"):
        return None
    if tail[noun].form in _NAMING_NOUNS and noun >= 1:
        named = noun - 2 if noun >= 2 and tail[noun - 1].tag == "JKG" else noun - 1
        if named >= 0 and tail[named].tag in ("NNG", "NNP"):
            return tail[named].form
    return tail[noun].form


def _last_noun(tail: Sequence) -> int | None:
    """Index of the noun a question without 어떤/무슨/어느 ends in, or None."""
    if len(tail) >= 2 and tail[-1].tag in ("JX", "JKS"):
        if len(tail) >= 4 and tail[-2].form == "하나" and tail[-3].form == "중":
            return len(tail) - 4  # "… 폭포 중 하나는?"
        return len(tail) - 2
    if tail and tail[-1].tag == "EF" and tail[-1].form in _IMPERATIVE:
        # "… 나라를 적으시오": the object of an instruction to write or name something.
        verb = len(tail) - 2
        while verb >= 0 and tail[verb].tag in ("EP", "VV", "VX", "EC"):
            verb -= 1
        return verb - 1 if verb >= 1 and tail[verb].tag == "JKO" else None
    if tail and tail[-1].tag in ("NNG", "NNP") and not any(t.tag == "NP" and t.form in _ASKING for t in tail):
        return len(tail) - 1  # a question typed as keywords: "카카오브레인 AI 모델 공개 시기"
    # "… 곳은 어디인가?", "… 이름은 무엇인가?": the noun that the question word is said of (not
    # "카카오는 뭐 했어?", where 뭐 is the object of a verb).
    return next((i - 2 for i, t in enumerate(tail) if t.tag == "NP" and t.form in _ASKING and i >= 2
                 and tail[i - 1].tag in ("JX", "JKS") and (i + 1 == len(tail) or tail[i + 1].tag == "VCP")), None)


def _asks_person(head_noun: str | None) -> bool:
    """"…한 사람은?" and "미국의 국무장관은?" ask for a person: the answer is the name before the title."""
    return head_noun is not None and (head_noun in _PERSON_HEADS or head_noun in PERSON_TITLES
                                      or head_noun[-2:] in PERSON_TITLES)


def _kind_of_head(head_noun: str | None) -> Kind | None:
    if head_noun is None:
        return None
    if head_noun in _TIME_HEADS:
        return "time"
    if _asks_person(head_noun):
        return "person"
    if head_noun in FIGURE_NOUNS or head_noun in _AMOUNT_HEADS:
        return "amount"
    return "thing"


def measured(q_tokens: Sequence) -> str | None:
    """The noun whose amount a 몇/얼마 question asks for, said just before its topic or subject
    particle: "카카오 직원 수는 몇 명이야?" -> 직원, "당기순이익은 얼마야?" -> 순이익, "영업비용 총액은?"
    -> 비용 (a measure, 수, 률 or 총액, is not it). None when the question is not built so ("작년보다
    얼마나 늘었어?"); a question that ends in a measure names it before ("카카오 직원 수는?" -> 직원).
    English questions name it after "how many" or "how much", or as the figure of "What was X's
    …?" (:func:`_english_measured`)."""
    english = _english_measured(q_tokens)
    if english:
        return english
    for i, tok in enumerate(q_tokens):
        if tok.form in ("몇", "얼마", "얼마나") and i >= 2 and q_tokens[i - 1].tag in ("JX", "JKS"):
            return _measured_before(q_tokens, i - 2)
    tail = [t for t in q_tokens if t.tag not in ("SF", "SW")]
    # "카카오 직원 수는?", "투자 규모는?": a question that ends in a measure asks for the amount of the
    # noun before it.
    if len(tail) >= 3 and tail[-1].tag in ("JX", "JKS") and tail[-2].form in _MEASURES | {"수"}:
        return _measured_before(tail, len(tail) - 3)
    return None


def _measured_before(q_tokens: Sequence, j: int) -> str | None:
    """The last noun of two syllables or more, not a measure, in the noun phrase ending at ``j``."""
    while j >= 0 and q_tokens[j].tag in ("NNG", "NNP", "NNB", "XSN", "SN", "NR"):
        if q_tokens[j].tag in ("NNG", "NNP") and len(q_tokens[j].form) >= 2 and q_tokens[j].form not in _MEASURES:
            return q_tokens[j].form
        j -= 1
    return None


_AUXILIARIES = frozenset("do does did will would can could is are was were has have had should shall may might "
                         "must".split())


def _english_measured(q_tokens: Sequence) -> str | None:
    """In English, lower-cased, the noun that "how many" counts: the first plural after it ("How
    many AI researchers does …" -> researchers; not people, whom a document counts in 명 without
    saying 사람); or the noun that "how much" measures: the last word before the verb ("How much net
    income did …" -> income). None when a verb or "of" follows at once ("How much did revenue
    grow?", "How much of that …"). Without "how many" or "how much", the sum that "What was …?"
    names (:func:`_figure_asked`)."""
    words = [tok.form.lower() for tok in q_tokens if tok.tag == "SL"]
    for k in range(len(words) - 2):
        if words[k] != "how" or words[k + 1] not in ("many", "much"):
            continue
        phrase = []
        for word in words[k + 2:k + 6]:
            if word in _AUXILIARIES or lemma(word) in _AUXILIARIES or word == "of" or word in _PERSONS_EN:
                break
            inflected = lemma(word) != word
            if words[k + 1] == "many" and inflected and word.endswith("s"):
                return word
            if words[k + 1] == "much" and inflected:  # a verb: "How much money came …"
                break
            phrase.append(word)
        return phrase[-1] if words[k + 1] == "much" and phrase else None
    return _figure_asked(words) or _figure_named(words)


_BE = frozenset({"is", "are", "was", "were"})
_PHRASE_ENDS = frozenset({"in", "for", "of", "during", "at", "on", "by", "from", "to", "since", "after", "before",
                          "per", "this", "last", "next", "and", "or", "compared", "than"})
_NOT_SUMS = frozenset({"rate", "growth", "margin", "percentage", "share", "goal", "target", "amount"})
"""Figure nouns that name no sum: ratios, which news writes as a percentage with a verb ("18%
증가했다") seldom naming them (성장률); aims, which may be things ("What is Kakao's goal?"); and
"amount", which names whatever it measures."""


def _figure_asked(words: Sequence[str]) -> str | None:
    """The sum that "What was X's …?" asks for: the figure noun that ends the noun phrase after
    "what" and a form of "be", as its lemma, since it asks for an amount, not a count ("What were
    Kakao's revenues?" -> revenue; "What was Kakao's net income in Q2?" -> income). Not a ratio
    ("What was the growth rate of …?"): a document gives one without its noun."""
    if len(words) < 3 or words[0] != "what" or words[1] not in _BE:
        return None
    phrase = []
    for word in words[2:]:
        if word in _PHRASE_ENDS or word in _AUXILIARIES:
            break
        phrase.append(word)
    last = lemma(phrase[-1]) if phrase else ""
    return last if last in FIGURE_NOUNS and last not in _NOT_SUMS else None


def _figure_named(words: Sequence[str]) -> str | None:
    """The sum a question without a verb names last, as a completed follow-up does ("Kakao's second
    quarter the operating profit?" after "And the operating profit?") or a query typed as keywords."""
    if not words or any(word in _AUXILIARIES for word in words):
        return None
    last = lemma(words[-1])
    return last if last in FIGURE_NOUNS and last not in _NOT_SUMS else None


_PERSONS_EN = frozenset({"people", "persons", "men", "women", "children"})


def periods(q_tokens: Sequence) -> tuple[str, ...]:
    """The dates, quarters and named periods a question names ("3분기", "2009년", "10월", "주말"; in
    English "third quarter", "Q3", "3Q", "October", "2023", "weekends" as the Korean a document
    writes them): a document that never names one is about another period."""
    korean = [f"{tok.form}{after.form}" for tok, after in zip(q_tokens, q_tokens[1:])
              if tok.tag == "SN" and tok.form.isdigit() and after.form in _PERIOD_UNITS
              and after.start - (tok.start + tok.len) <= 1]
    named = [tok.form for tok in q_tokens if tok.form in NAMED_PERIODS]
    return tuple(dict.fromkeys(korean + named + _english_periods(q_tokens)))


NAMED_PERIODS = {"주말": ("주말", "토요일", "일요일", "휴일"), "평일": ("평일", "주중"), "상반기": ("상반기", "전반기"),
                 "하반기": ("하반기", "후반기")}
"""Periods a question names by a word, with the other words news writes them with ("주말 방문자는?"
over an article that counts weekday visitors is about another period); not 올해, 작년 or 연말, which
it also writes as 2023년, 지난해 or 올해 말."""


_WEEK_PARTS = {"weekend": "주말", "weekends": "주말", "weekday": "평일", "weekdays": "평일"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), 1)}


def _english_periods(q_tokens: Sequence) -> list[str]:
    """Quarters, months, years, halves and parts of the week named in English ("second-quarter",
    "Q2", "3rd quarter", "the second half", "weekends")."""
    words = [(tok.form.lower(), tok) for tok in q_tokens if tok.tag in ("SL", "SN")]
    found = []
    for k, (word, tok) in enumerate(words):
        nxt = words[k + 1][0] if k + 1 < len(words) else ""
        glued = k + 1 < len(words) and words[k + 1][1].start == tok.start + tok.len
        if nxt == "quarter" and word in _ORDINALS:
            found.append(f"{_ORDINALS[word]}분기")
        elif word in ("3", "1", "2", "4") and glued and nxt in ("rd", "st", "nd", "th", "q"):
            quarter = k + 2 < len(words) and words[k + 2][0] == "quarter"
            if nxt == "q" or quarter:
                found.append(f"{word}분기")
        elif word == "q" and glued and nxt in ("1", "2", "3", "4"):
            found.append(f"{nxt}분기")
        elif word in _MONTHS and word != "may":  # "may" is mostly the verb
            found.append(f"{_MONTHS[word]}월")
        elif word in _WEEK_PARTS:
            found.append(_WEEK_PARTS[word])
        elif word == "half" and k and words[k - 1][0] in ("first", "second"):
            found.append("상반기" if words[k - 1][0] == "first" else "하반기")
        elif (tok.tag == "SN" and word.isdigit() and len(word) == 4 and word[:2] in ("19", "20")
              and k and words[k - 1][1].tag == "SL"):  # "in 2023", not a Korean question's bare number
            found.append(f"{word}년")
    return found


def counter(q_tokens: Sequence) -> str | None:
    """The unit a "몇" question counts in: 몇 명, 몇 위, 몇층 (the noun Kiwi finds after 몇)."""
    for tok, after in zip(q_tokens, q_tokens[1:]):
        if tok.form == "몇" and after.tag in ("NNB", "NNG") and after.form not in TIME_UNITS:
            return after.form
    return None

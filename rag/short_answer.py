"""Direct answers: the short span of the quoted sentence that answers, shown first.

A reader who asks "When is the AI model coming?" wants "October" before the evidence. Without a
reading-comprehension model, the span is cut from the quote, so it stays grounded: the question
says what kind of answer it wants (언제/when -> a time, 얼마/몇/how much -> an amount, 누구/who -> a
person, 무엇/what -> a noun phrase), Kiwi's tags give the candidate spans of that kind in the quote,
and the answer is the candidate that the question does not already say, nearest to the words it
shares with the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Literal, Sequence

from rag.figures import to_english
from rag.kiwi import kiwi
from rag.lexicon import lemma
from rag.romanize import romanize

Kind = Literal["cause", "time", "amount", "person", "thing"]

_ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("cause", re.compile(r"왜|이유|근거|원인|어째서|\bwhy\b|\breasons?\b|\bwhat (?:caused|made|drove)\b", re.I)),
    ("time", re.compile(r"언제|며칠|몇\s*(?:월|년|일|시|분기)|어느\s*(?:달|해|날)|\bwhen\b|\bwhat (?:time|year|month|day|date)\b",
                        re.I)),
    ("amount", re.compile(r"얼마|몇|\bhow (?:much|many|long|big)\b|\bwhat (?:percentage|share|amount|number)\b", re.I)),
    ("person", re.compile(r"누구|누가|\bwho\b|\bwhom\b", re.I)),
    ("thing", re.compile(r"무엇|뭐|무슨|어떤|어느|어디|이름|\bwhat\b|\bwhich\b|\bwhere\b", re.I)),
)
_TIME_UNITS = frozenset({"년", "월", "일", "분기", "시", "주"})
TIME_WORDS = frozenset({"상반기", "하반기", "연말", "연초", "내년", "올해", "작년", "지난해", "오늘", "내일", "어제"})
_LATIN = re.compile(r"[A-Za-z]+")
_FULL_NAME = re.compile(r"[\uac00-\ud7a3]{2,4}")
_WHERE = re.compile(r"어디|\bwhere\b", re.I)
_NAMED_HEADS = frozenset({"이름", "명칭", "곳", "장소", "나라", "국가", "도시", "지역", "단체", "기관", "회사", "팀",
                          "인물", "사람", "출판사", "정당", "대학", "대학교", "학교", "국적"})
"""Head nouns of questions that ask for a name ("…한 곳은?", "이름은?"): like 어디, they are answered by a
proper noun more often than by the common nouns nearer the question's words."""
_WHICH = re.compile(r"어느|어떤|\bwhich\b", re.I)
_NOUN = frozenset({"NNG", "NNP", "SL", "SH", "XR", "NR", "SN"})
FIGURE_NOUNS = frozenset({"매출", "매출액", "이익", "순이익", "수익", "비용", "손실", "주가", "가격", "금액", "규모", "액",
                         "율", "률", "이익률", "점유율", "인원", "수", "배당금", "예산",
                         "revenue", "sales", "profit", "income", "earnings", "loss", "cost", "expense", "price",
                         "budget", "margin", "rate", "amount", "dividend", "growth", "turnover", "목표", "target", "goal"})
"""Nouns (Korean terms, English lemmas) that name a figure: a question about one asks for an amount."""
_TIME_HEADS = frozenset({"날", "날짜", "일자", "연도", "년도", "해", "시기", "때", "시점", "기간", "생년월일", "연대",
                         "시각", "요일", "달"})
_AMOUNT_HEADS = frozenset({"수", "규모", "크기", "비율", "길이", "높이", "무게", "인구", "면적", "거리", "나이", "점수",
                           "득표율", "순위", "등수", "개수", "횟수"})
"""Head nouns of questions without a question word ("태어난 날은?", "관객 수는?") that ask for a time or
an amount; any other head noun asks for a noun phrase."""
_CAUSES = frozenset({"영향", "효과", "때문", "덕분", "여파", "결과", "탓"})
"""Nouns that end a cause: "… 등의 영향으로", "… 편입 효과로", "… 때문에"."""
_CLAUSE_EDGE = frozenset({"JX", "JKS", "EC", "EF", "SF", "ETM"})
_PUNCTUATION = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"})


@dataclass(frozen=True)
class ShortAnswer:
    """The span that answers: ``document[start:end] == text``, inside the first citation's quote."""

    text: str
    display: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "display": self.display, "start": self.start, "end": self.end}


def kind_of(question: str) -> Kind | None:
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    forms: tuple[str, ...]
    first: int
    """Index of the span's first token, for distances to the question's words."""


def _span(tokens: Sequence, i: int, j: int) -> _Span:
    """Tokens ``i..j`` inclusive."""
    return _Span(tokens[i].start, tokens[j].start + tokens[j].len, tuple(t.form for t in tokens[i:j + 1]), i)


def _runs(tokens: Sequence, accept) -> Iterable[_Span]:
    """Maximal runs of accepted tokens with at most a space between them."""
    first = None
    for i, tok in enumerate(tokens):
        joined = first is not None and tok.start - (tokens[i - 1].start + tokens[i - 1].len) <= 1
        if accept(tok):
            if not joined:
                if first is not None:
                    yield _span(tokens, first, i - 1)
                first = i
            continue
        if first is not None:
            yield _span(tokens, first, i - 1)
        first = None
    if first is not None:
        yield _span(tokens, first, len(tokens) - 1)


def _amounts(tokens: Sequence) -> Iterable[_Span]:
    """A number with its myriads and one unit: 2조425억원, 1200만명, 34%, 3층, 100m, "2분" of "2분만에"."""
    i = 0
    while i < len(tokens):
        if tokens[i].tag != "SN":
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].tag in ("SN", "NR") and _gap(tokens, j) <= 1:
            j += 1
        unit = j + 1
        # Latin units and counters may follow a space ("100 m", "100만 명"); other nouns must not.
        if unit < len(tokens) and _is_unit(tokens[unit]) and _gap(tokens, j) <= (
                1 if tokens[unit].tag in ("SL", "NNB") else 0):
            j = unit
            if j + 1 < len(tokens) and tokens[j + 1].form == "째" and _gap(tokens, j) == 0:  # 2번째
                j += 1
        # An ordinal's prefix belongs to it: 제64대, not 64대.
        ordinal = i > 0 and tokens[i - 1].tag == "XPN" and tokens[i - 1].form == "제" and _gap(tokens, i - 1) == 0
        yield _span(tokens, i - 1 if ordinal else i, j)
        i = j + 1


def _is_unit(tok) -> bool:
    return (tok.tag in ("NNB", "SL") or tok.form in ("%", "배")
            or (tok.tag == "NNG" and len(tok.form) <= 2 and tok.form not in TIME_WORDS))


def _predicate(tokens: Sequence, span: _Span) -> bool:
    after = span.first + len(span.forms)
    return after < len(tokens) and tokens[after].tag in ("XSV", "XSA") and tokens[after].start == span.end


def _gap(tokens: Sequence, i: int) -> int:
    """Characters between token ``i`` and the next."""
    return tokens[i + 1].start - (tokens[i].start + tokens[i].len)


def _followed_by_unit(tokens: Sequence, span: _Span) -> bool:
    """"2" of "2분기", "10" of "10월": a number that is part of a date, not an amount."""
    last = span.first + len(span.forms)
    return last < len(tokens) and tokens[last].form in _TIME_UNITS and tokens[last].start == span.end


def _causes(tokens: Sequence) -> list[_Span]:
    """The clause that ends in a cause noun ("AI 관련 인프라 투자, … 등의 영향"), else a noun phrase
    marked as a means ("경영효율화로"); each starts after the nearest topic, subject or clause end."""
    marked = [_clause(tokens, i) for i, t in enumerate(tokens) if t.form in _CAUSES and t.tag.startswith("NN")]
    if marked:
        return marked
    return [_clause(tokens, i - 1) for i, t in enumerate(tokens)
            if i and t.tag == "JKB" and t.form in ("로", "으로") and tokens[i - 1].tag in ("NNG", "NNP", "XSN")]


def _clause(tokens: Sequence, end: int) -> _Span:
    """The clause ending at token ``end``: back to the nearest topic, subject or clause end, without
    leading punctuation ('"경영효율화로' -> '경영효율화')."""
    begin = end
    while begin > 0 and tokens[begin - 1].tag not in _CLAUSE_EDGE:
        begin -= 1
    while begin < end and tokens[begin].tag in _PUNCTUATION:
        begin += 1
    return _span(tokens, begin, end)


def _candidates(tokens: Sequence, kind: Kind) -> list[_Span]:
    if kind == "cause":
        return _causes(tokens)
    if kind == "time":
        spans = []
        for span in _runs(tokens, lambda t: t.tag == "SN" or (t.tag in ("NNB", "NNG") and t.form in _TIME_UNITS)):
            units = [k for k, f in enumerate(span.forms) if f in _TIME_UNITS]
            if units and span.forms[0].isdigit():  # ends at its last unit: "2018년 1월", not "2018년 1월 2018"
                spans.append(_span(tokens, span.first, span.first + units[-1]))
        spans += [_span(tokens, i, i) for i, t in enumerate(tokens) if t.form in TIME_WORDS]
        return spans
    if kind == "amount":
        return [s for s in _amounts(tokens) if s.forms[-1] not in _TIME_UNITS and not _followed_by_unit(tokens, s)]
    if kind == "person":  # a name: 하인리히 힘러, 존 F. 케네디
        # An acronym alone (AI, CIO) names a thing or a title, not a person.
        return [s for s in _runs(tokens, lambda t: t.tag == "NNP" or (t.tag == "SL" and t.form[:1].isupper()))
                if len("".join(s.forms)) >= 2 and not all(f.isupper() for f in s.forms)]
    # A noun that a suffix makes a verb ("말했다", "공개한다") is the predicate, not a thing; a bare
    # number or a Hanja gloss (天文常數 after 천문상수) names nothing.
    return [s for s in _runs(tokens, lambda t: t.tag in _NOUN) if not _predicate(tokens, s)
            and not all(t.tag in ("SN", "NR", "SH") for t in tokens[s.first:s.first + len(s.forms)])]


def find(question: str, term_sets: Sequence[Sequence[str]], quote: str, quote_start: int, lang: str
         ) -> ShortAnswer | None:
    """The span of ``quote`` (at document offset ``quote_start``) that answers ``question``, or None.
    ``term_sets`` are the question's terms, each a set of alternatives (an English word's translations)."""
    sets = _term_sets(question, term_sets)
    asked = frozenset().union(*sets)
    q_tokens = _question_tokens(question)
    head = _head(q_tokens)
    kind = _kind(question, head, asked)
    if kind is None:
        return None
    tokens = kiwi().tokenize(quote)
    defined = _definition(q_tokens, tokens) if kind == "thing" else None
    if defined is not None:
        return ShortAnswer(quote[defined.start:defined.end], display(quote[defined.start:defined.end], kind, lang),
                           quote_start + defined.start, quote_start + defined.end)
    spans = [t for s in _candidates(tokens, kind)
             if (t := _unsaid(tokens, s, asked, kind in ("thing", "person"), kind == "person"))]
    # A title in quotation marks is one name, kept whole even where it repeats the question's words.
    titles = [s for s in _quoted(tokens, quote) if any(f.lower() not in asked for f in s.forms)] if kind == "thing" else []
    spans += titles
    if not spans:
        return None
    spans = _narrow(question, q_tokens, kind, spans, tokens)
    # For a figure, the noun that names it ("영업이익", "profit") says which of the figures it is.
    focus = FIGURE_NOUNS if kind == "amount" else frozenset()
    named = bool(_WHERE.search(question)) or head in _NAMED_HEADS
    titled = head is None or head in _NAMED_HEADS or head in _TITLE_HEADS
    best = max(spans, key=lambda s: (_owned(s, tokens, asked & focus), titled and s in titles,
                                     named and _proper(s, tokens), _in_clause(s, tokens, sets),
                                     _next_to(s, tokens, head) + _closeness(s, tokens, sets, focus), -s.first))
    text = quote[best.start:best.end]
    return ShortAnswer(text, display(text, kind, lang), quote_start + best.start, quote_start + best.end)


_NAMING = frozenset({"NNG", "NNP", "NNB", "SL", "SN", "SH", "MAG", "SSO", "SSC", "SS"})
"""Tags of a bare noun phrase such as "카톡 '펑' 기능" (a quoted name may be tagged as an adverb)."""


def _definition(q_tokens: Sequence, tokens: Sequence) -> _Span | None:
    """"'펑' 기능이 뭐야?" asks what a named thing is; a news sentence says it in the clause that
    modifies the thing ("24시간 이후 사라지는 '펑' 기능"). Only for a question that is a bare noun
    phrase, a subject particle and 뭐/무엇, and a quote that modifies its last noun, with one of the
    phrase's other words when it has any (so "검색 기능" is not taken for "'펑' 기능")."""
    tail = [t for t in q_tokens if t.tag not in ("SF", "SW")]
    at = next((i for i, t in enumerate(tail) if t.form in ("뭐", "무엇") and t.tag == "NP"), None)
    if at is None or at < 2 or tail[at - 1].tag != "JKS" or any(t.tag not in _NAMING for t in tail[:at - 1]):
        return None
    named = tail[at - 2].form
    others = {t.form for t in tail[:at - 2] if t.tag not in _PUNCTUATION}
    for i, tok in enumerate(tokens):
        if tok.form != named or not tok.tag.startswith("NN"):
            continue
        end = i - 1
        while end >= 0 and tokens[end].tag in _NAMING:
            end -= 1
        if end < 0 or tokens[end].tag != "ETM":
            continue
        if others and not others & {t.form for t in tokens[end + 1:i]}:
            continue
        return _clause(tokens, end)
    return None


def asks_for(question: str, term_sets: Sequence[Sequence[str]]) -> Kind | None:
    """The kind of answer a question wants, from its question word, else its head noun, else the
    figure it names."""
    return _kind(question, _head(_question_tokens(question)), frozenset().union(*_term_sets(question, term_sets)))


@lru_cache(maxsize=256)
def _question_tokens(question: str) -> tuple:
    """A question's Kiwi tokens, analysed once: the answerer asks about one question several times
    (its kind, then a span in the quote and in each neighbour)."""
    return tuple(kiwi().tokenize(question))


def _term_sets(question: str, term_sets: Sequence[Sequence[str]]) -> list[frozenset[str]]:
    sets = [frozenset(t.lower() for t in s) for s in term_sets if s]
    return sets + [frozenset({lemma(w)}) for w in _LATIN.findall(question)]


def _kind(question: str, head: str | None, asked: frozenset[str]) -> Kind | None:
    kind = kind_of(question)
    if kind is None:
        kind = _kind_of_head(head)
    elif kind == "thing" and (head in _TIME_HEADS or head in FIGURE_NOUNS):
        kind = _kind_of_head(head)  # "어느 금액보다" asks for an amount, "어떤 날" for a time ("무슨 수로" a means)
    if (kind is None or (kind == "thing" and not _WHICH.search(question))) and asked & FIGURE_NOUNS:
        kind = "amount"  # "What was Kakao's revenue?", "플랫폼 부문 매출": a figure is asked for
    return kind


def _head(q_tokens: Sequence) -> str | None:
    """The noun a question asks for: the one after 어떤/무슨/어느 ("어떤 효과가 있대?" -> 효과), or, in
    a question without a question word, the one it ends in before a topic or subject particle
    ("지명수배 된 날은?" -> 날, "나온 대학교는?" -> 대학교); else None."""
    for i, tok in enumerate(q_tokens[:-1]):
        if tok.form in ("어떤", "무슨", "어느") and q_tokens[i + 1].tag in ("NNG", "NNP"):
            return q_tokens[i + 1].form
    tail = [t for t in q_tokens if t.tag not in ("SF", "SW")]
    if len(tail) >= 2 and tail[-1].tag in ("JX", "JKS") and tail[-2].tag in ("NNG", "NNB", "NNP"):
        return tail[-2].form
    return None


def _kind_of_head(head: str | None) -> Kind | None:
    if head is None:
        return None
    if head in _TIME_HEADS:
        return "time"
    if head in FIGURE_NOUNS or head in _AMOUNT_HEADS:
        return "amount"
    return "thing"


def _unsaid(tokens: Sequence, span: _Span, asked: frozenset[str], trim: bool, trim_end: bool = False
            ) -> _Span | None:
    """None when the question says all of the candidate; else, for noun phrases (``trim``), the
    candidate without the leading words the question already says ("미국 대통령 존 …" -> "존 …"), and
    for names (``trim_end``) followed by a title without the organisation between them that the
    question names ("배재현 카카오 투자총괄대표" -> "배재현"; "바샤르 알아사드는" keeps its surname)."""
    forms = [f.lower() for f in span.forms]
    skip = next((i for i, f in enumerate(forms) if f not in asked), None)
    if skip is None:
        return None
    if not trim:
        return span
    last = len(forms) - 1
    after = span.first + len(forms)
    titled = after < len(tokens) and tokens[after].tag == "NNG" and tokens[after].start == span.end + 1
    # Only a Korean full name (one token of 2-4 syllables) sheds the organisation after it: "존 케네디
    # 대통령" keeps its surname.
    while (trim_end and titled and last > skip and forms[last] in asked
           and _FULL_NAME.fullmatch(span.forms[skip])):
        last -= 1
    return _span(tokens, span.first + skip, span.first + last) if skip or last < len(forms) - 1 else span


def _next_to(span: _Span, tokens: Sequence, head: str | None) -> float:
    """An apposition of the noun asked for ("노터데임 대학교", "닉슨 대통령") is the answer."""
    if head is None:
        return 0.0
    after = span.first + len(span.forms)
    inside = head in span.forms[1:]
    return 1.0 if inside or (after < len(tokens) and tokens[after].form == head) else 0.0


def _owned(span: _Span, tokens: Sequence, figures: frozenset[str]) -> bool:
    """Whether the figure noun nearest before a number is one the question asks about: in
    "매출이 … 2조425억원, 영업이익은 … 1135억원", 1135억원 is the 영업이익's."""
    owner = next((t.form.lower() for t in reversed(tokens[:span.first]) if t.form.lower() in FIGURE_NOUNS), None)
    return bool(figures) and owner in figures


_QUOTED = re.compile(r"['‘\"“《〈「『<]([^'’\"”》〉」』>\n]{1,40})['’\"”》〉」』>]")
_TITLE_HEADS = frozenset({"제목", "슬로건", "구호", "노래", "곡", "작품", "영화", "드라마", "프로그램", "앨범", "책", "법",
                          "정책", "방침", "캐릭터", "결의안", "단어", "별명", "애칭", "게임", "시리즈", "표어"})
"""Head nouns of questions that ask for a title ("…한 노래는?", "드라마 제목은?"), which news and
encyclopaedias put in quotation marks."""


def _quoted(tokens: Sequence, quote: str) -> list[_Span]:
    """The text inside each pair of quotation marks, as a span of the tokens it covers."""
    out = []
    for match in _QUOTED.finditer(quote):
        start, end = match.span(1)
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.start + t.len <= end]
        if inside and quote[start:end].strip() == quote[start:end]:
            out.append(_Span(start, end, tuple(tokens[i].form for i in inside), inside[0]))
    return out


def _proper(span: _Span, tokens: Sequence) -> bool:
    """Whether the candidate holds a proper noun (Kiwi's NNP)."""
    return any(t.tag == "NNP" for t in tokens[span.first:span.first + len(span.forms)])


def _in_clause(span: _Span, tokens: Sequence, sets: Sequence[frozenset[str]]) -> int:
    """How many of the question's term sets the candidate's clause holds: in "톡비즈 매출은 전년 대비
    11% 늘었고, 플랫폼 기타 매출은 6% 증가했다", 11% is 톡비즈's, whose clause says what the
    question says."""
    start, end = span.first, span.first + len(span.forms)
    while start > 0 and not _ends_clause(tokens, start - 1):
        start -= 1
    while end < len(tokens) and not _ends_clause(tokens, end):
        end += 1
    forms = [t.form.lower() for t in tokens[start:end]]
    return sum(any(_matches(f, terms) for f in forms) for terms in dict.fromkeys(sets))


_CONNECTIVES = frozenset({"고", "며", "으며", "면서", "으면서", "지만", "는데", "은데", "ㄴ데", "으나", "나"})
"""Connective endings that join two clauses ("늘었고", "증가했지만"); 어, 게 and 지 join a verb to
its auxiliary instead ("늘어났다", "하게 됐다")."""


def _ends_clause(tokens: Sequence, i: int) -> bool:
    """Sentence ends and clause-joining endings, not the commas of a list ("38%, 20%")."""
    token = tokens[i]
    if token.tag == "SF":
        return True
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    return token.tag == "EC" and (following is None or following.tag != "VX") and (
        token.form in _CONNECTIVES or (following.tag == "SP" and following.form == ","))


def _matches(form: str, terms: frozenset[str]) -> bool:
    """A token is one of the terms or holds one of two letters or more: Kiwi reads the question's
    톡비즈 as 톡 and 비즈 but the article's as one name."""
    return form in terms or any(len(t) >= 2 and t in form for t in terms)


def _closeness(span: _Span, tokens: Sequence, sets: Sequence[frozenset[str]], focus: frozenset[str]) -> float:
    """How near a candidate lies to the question's words: each term set counts once, at its
    nearest occurrence, and an ambiguous set (many translations) counts less. Korean puts the
    topic before what is said of it ("영업이익은 … 34%"), so a word after the span is twice as far."""
    last = span.first + len(span.forms) - 1
    score = 0.0
    for terms in dict.fromkeys(sets):
        gaps = [span.first - i if i < span.first else 2 * (i - last)
                for i, t in enumerate(tokens) if t.form.lower() in terms and not span.first <= i <= last]
        if gaps:
            score += (3 if terms & focus else 1) / (len(terms) * (1 + min(gaps)))
    return score


_CHANGE = re.compile(r"늘|줄|증가|감소|성장|하락|상승|오르|떨어|\b(?:grow|grew|rise|rose|fall|fell|increase|decrease|drop|"
                     r"jump|change|up|down)", re.I)
_DAY = re.compile(r"며칠|몇\s*일|what day|what date", re.I)
_MONTH = re.compile(r"몇\s*월|어느\s*달|what month", re.I)
_YEAR = re.compile(r"몇\s*년|어느\s*해|연도|년도|(?<![가-힣])해[는가](?=\s*\??$)|what year", re.I)


def _narrow(question: str, q_tokens: Sequence, kind: Kind, spans: list[_Span], tokens: Sequence) -> list[_Span]:
    """Of several candidates, those of the finer kind the question's words ask for: a change
    ("얼마나 줄었어", "how much did it grow") is a rate, an amount ("매출 얼마야") a sum or count;
    "며칠" is a day, "몇 월" a month. Falls back to all candidates."""
    keep = spans
    if kind == "amount":
        rate = bool(_CHANGE.search(question))
        keep = [s for s in spans if ("%" in s.forms) == rate]
        counter = _counter(q_tokens)
        if counter:  # "몇 개" asks for a count of 개, "몇 위" for a rank
            keep = [s for s in keep if counter in s.forms] or keep
        if rate:  # the rate that a change word follows ("34% 감소"), not a level ("영업이익률은 5.6%")
            keep = [s for s in keep if _changes(tokens, s)] or keep
    elif kind == "time":
        for pattern, unit in ((_DAY, "일"), (_MONTH, "월"), (_YEAR, "년")):
            if pattern.search(question):
                keep = [s for s in spans if unit in s.forms]
                if unit != "일":  # "몇 월" asks for the month of "2011년 3월", "몇 년" for the year
                    keep = [_part(tokens, s, unit) for s in keep]
                break
    return keep or spans


def _counter(q_tokens: Sequence) -> str | None:
    """The unit a "몇" question counts in: 몇 명, 몇 위, 몇층 (the noun Kiwi finds after 몇)."""
    for tok, after in zip(q_tokens, q_tokens[1:]):
        if tok.form == "몇" and after.tag in ("NNB", "NNG") and after.form not in _TIME_UNITS:
            return after.form
    return None


def _part(tokens: Sequence, span: _Span, unit: str) -> _Span:
    """The number and ``unit`` of a date: "3월" of "2011년 3월 11일"."""
    at = span.first + span.forms.index(unit)
    return _span(tokens, at - 1, at) if at > span.first and tokens[at - 1].tag == "SN" else span


def _changes(tokens: Sequence, span: _Span) -> bool:
    after = span.first + len(span.forms)
    return after < len(tokens) and bool(_CHANGE.match(tokens[after].form))


def display(text: str, kind: Kind, lang: str) -> str:
    """What the asker sees first: the span itself for Korean questions; for English ones figures
    and dates in English with the Korean after them, names romanised with the Korean after them."""
    if lang == "ko":
        return text
    english = to_english(text)
    if english:
        return english
    if kind == "person" and _FULL_NAME.fullmatch(text):
        return f"{person_name(text)} ({text})"
    return text


def person_name(hangul: str) -> str:
    """A Korean personal name the way it is written in English: surname, then the given name
    hyphenated (배재현 -> Bae Jae-hyeon)."""
    surname, given = hangul[0], hangul[1:]
    parts = [romanize(ch) for ch in given]
    return f"{romanize(surname).title()} {'-'.join(parts).capitalize()}"

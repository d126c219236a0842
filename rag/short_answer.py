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
from typing import Iterable, Literal, Sequence

from rag.figures import to_english
from rag.kiwi import kiwi
from rag.romanize import romanize

Kind = Literal["time", "amount", "person", "thing"]

_ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("time", re.compile(r"언제|며칠|몇\s*(?:월|년|일|시|분기)|어느\s*(?:달|해|날)|\bwhen\b|\bwhat (?:time|year|month|day|date)\b",
                        re.I)),
    ("amount", re.compile(r"얼마|몇|\bhow (?:much|many|long|big)\b|\bwhat (?:percentage|share|amount|number)\b", re.I)),
    ("person", re.compile(r"누구|누가|\bwho\b|\bwhom\b", re.I)),
    ("thing", re.compile(r"무엇|뭐|무슨|어떤|어느|이름|\bwhat\b|\bwhich\b", re.I)),
)
_TIME_UNITS = frozenset({"년", "월", "일", "분기", "시", "주"})
_TIME_WORDS = frozenset({"상반기", "하반기", "연말", "연초", "내년", "올해", "작년", "지난해", "오늘", "내일", "어제"})
_NOUN = frozenset({"NNG", "NNP", "SL", "SH", "XR", "NR", "SN"})
_QUANTITIES = frozenset({"매출", "매출액", "이익", "순이익", "수익", "비용", "손실", "주가", "가격", "금액", "규모", "액",
                         "율", "률", "이익률", "점유율", "인원", "수", "배당금", "예산"})
"""Korean nouns that name a figure: a question about one asks for an amount."""


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


def _runs(tokens: Sequence, accept) -> Iterable[_Span]:
    """Maximal runs of accepted tokens with at most a space between them."""
    run: list = []
    for tok in tokens:
        if accept(tok) and (not run or tok.start - (run[-1].start + run[-1].len) <= 1):
            run.append(tok)
            continue
        if run:
            yield _Span(run[0].start, run[-1].start + run[-1].len, tuple(t.form for t in run))
        run = [tok] if accept(tok) else []
    if run:
        yield _Span(run[0].start, run[-1].start + run[-1].len, tuple(t.form for t in run))


def _candidates(tokens: Sequence, kind: Kind) -> list[_Span]:
    if kind == "time":
        spans = []
        for span in _runs(tokens, lambda t: t.tag == "SN" or (t.tag in ("NNB", "NNG") and t.form in _TIME_UNITS)):
            if any(f in _TIME_UNITS for f in span.forms) and span.forms[0].isdigit():
                spans.append(span)
        spans += [_Span(t.start, t.start + t.len, (t.form,)) for t in tokens if t.form in _TIME_WORDS]
        return spans
    if kind == "amount":
        # A number with its myriads and its unit: 2조425억원, 1200만명, 34%.
        return [s for s in _runs(tokens, lambda t: t.tag in ("SN", "NR", "NNB") or t.form in ("%", "배", "시간"))
                if any(f[:1].isdigit() for f in s.forms) and not (len(s.forms) == 2 and s.forms[1] in _TIME_UNITS)]
    if kind == "person":  # one name at a time: 배재현, not 배재현 카카오
        return [_Span(t.start, t.start + t.len, (t.form,)) for t in tokens if t.tag == "NNP" and len(t.form) >= 2]
    return list(_runs(tokens, lambda t: t.tag in _NOUN))


def find(question: str, question_terms: Iterable[str], quote: str, quote_start: int, lang: str
         ) -> ShortAnswer | None:
    """The span of ``quote`` (at document offset ``quote_start``) that answers ``question``, or None."""
    asked = {t.lower() for t in question_terms}
    kind = kind_of(question)
    if kind in (None, "thing") and asked & _QUANTITIES:
        kind = "amount"  # "What was Kakao's revenue?", "플랫폼 부문 매출": a figure is asked for
    if kind is None:
        return None
    tokens = kiwi().tokenize(quote)
    spans = [s for s in _candidates(tokens, kind) if not {f.lower() for f in s.forms} <= asked]
    if not spans:
        return None
    spans = _narrow(question, kind, spans)
    anchors = [t.start for t in tokens if t.form.lower() in asked]

    # The sentence's subject, the first word it shares with the question, comes first in Korean;
    # of the candidates of the narrowed kind, the answer is the first after it ("영업이익은 … 34%").
    after = [s for s in spans if anchors and s.start > anchors[0]]
    best = after[0] if after else spans[0]
    text = quote[best.start:best.end]
    return ShortAnswer(text, display(text, kind, lang), quote_start + best.start, quote_start + best.end)


_CHANGE = re.compile(r"늘|줄|증가|감소|성장|하락|상승|오르|떨어|\b(?:grow|grew|rise|rose|fall|fell|increase|decrease|drop|"
                     r"jump|change|up|down)", re.I)
_DAY = re.compile(r"며칠|몇\s*일|what day|what date", re.I)
_MONTH = re.compile(r"몇\s*월|어느\s*달|what month", re.I)
_YEAR = re.compile(r"몇\s*년|어느\s*해|what year", re.I)


def _narrow(question: str, kind: Kind, spans: list[_Span]) -> list[_Span]:
    """Of several candidates, those of the finer kind the question's words ask for: a change
    ("얼마나 줄었어", "how much did it grow") is a rate, an amount ("매출 얼마야") a sum or count;
    "며칠" is a day, "몇 월" a month. Falls back to all candidates."""
    keep = spans
    if kind == "amount":
        rate = bool(_CHANGE.search(question))
        keep = [s for s in spans if ("%" in s.forms) == rate]
    elif kind == "time":
        for pattern, unit in ((_DAY, "일"), (_MONTH, "월"), (_YEAR, "년")):
            if pattern.search(question):
                keep = [s for s in spans if unit in s.forms]
                break
    return keep or spans


def display(text: str, kind: Kind, lang: str) -> str:
    """What the asker sees first: the span itself for Korean questions; for English ones figures
    and dates in English with the Korean after them, names romanised with the Korean after them."""
    if lang == "ko":
        return text
    english = to_english(text)
    if english:
        return english
    if kind == "person" and re.fullmatch(r"[\uac00-\ud7a3]{2,4}", text):
        return f"{person_name(text)} ({text})"
    return text


def person_name(hangul: str) -> str:
    """A Korean personal name the way it is written in English: surname, then the given name
    hyphenated (배재현 -> Bae Jae-hyeon)."""
    surname, given = hangul[0], hangul[1:]
    parts = [romanize(ch) for ch in given]
    return f"{romanize(surname).title()} {'-'.join(parts).capitalize()}"

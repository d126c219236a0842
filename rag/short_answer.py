"""Direct answers: the short span of the quoted sentence that answers, shown first.

A reader who asks "When is the AI model coming?" wants "October" before the evidence. Without a
reading-comprehension model, the span is cut from the quote, so it stays grounded: the question
says what kind of answer it wants (``question_kind``), the quote offers the candidate spans of that
kind (``answer_spans``), and this module chooses among them: the candidate the question does not
already say, next to the noun it asks for, in the clause that says what the question says, nearest
to the words they share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag.answer_spans import (FULL_NAME, Span, after_head, candidates, chosen_option, coordinated, definition,
                              described, name_before_said, proper, quoted, respective, span, speech, text_tokens,
                              through_head, unsaid)
from rag.figures import to_english
from rag.question_kind import (FIGURE_NOUNS, NAMED_HEADS, TITLE_HEADS, WHERE, Kind, counter, head, kind,
                               question_tokens, term_sets_of)
from rag.romanize import person_name


@dataclass(frozen=True)
class ShortAnswer:
    """The span that answers: ``document[start:end] == text``, inside the first citation's quote."""

    text: str
    display: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "display": self.display, "start": self.start, "end": self.end}


def find(question: str, term_sets: Sequence[Sequence[str]], quote: str, quote_start: int, lang: str
         ) -> ShortAnswer | None:
    """The span of ``quote`` (at document offset ``quote_start``) that answers ``question``, or None.
    ``term_sets`` are the question's terms, each a set of alternatives (an English word's translations)."""
    sets = term_sets_of(question, term_sets)
    asked = frozenset().union(*sets)
    q_tokens = question_tokens(question)
    head_noun = head(q_tokens)
    wanted = kind(question, head_noun, asked)
    if wanted is None:
        return None
    tokens = text_tokens(quote)
    found = candidates(tokens, wanted)
    # Questions built so that the quote's structure answers them, before the general choice.
    best = ((chosen_option(q_tokens, tokens) if wanted != "amount" else None)
            or (speech(question, tokens, quote) or definition(q_tokens, tokens) if wanted == "thing" else None)
            or (described(q_tokens, tokens) if wanted == "person" else None)
            or (coordinated(q_tokens, tokens) if wanted in ("thing", "person") else None)
            or respective(tokens, found, asked)
            or _choose(question, q_tokens, head_noun, wanted, sets, asked, tokens, quote, found))
    if best is None:
        return None
    text = quote[best.start:best.end]
    return ShortAnswer(text, display(text, wanted, lang), quote_start + best.start, quote_start + best.end)


def _choose(question: str, q_tokens: Sequence, head_noun: str | None, wanted: Kind,
            sets: Sequence[frozenset[str]], asked: frozenset[str], tokens: Sequence, quote: str,
            found: Sequence[Span]) -> Span | None:
    spans = [after_head(tokens, t, head_noun) for s in found
             if (t := unsaid(tokens, s, asked, wanted in ("thing", "person"), wanted == "person"))]
    if wanted == "thing":
        spans = [through_head(tokens, name_before_said(tokens, s, asked, head_noun), head_noun) for s in spans]
    # A title in quotation marks is one name, kept whole even where it repeats the question's words.
    titles = ([s for s in quoted(tokens, quote) if any(f.lower() not in asked for f in s.forms)]
              if wanted == "thing" else [])
    spans += titles
    if not spans:
        return None
    spans = _narrow(question, q_tokens, wanted, spans, tokens)
    # For a figure, the noun that names it ("영업이익", "profit") says which of the figures it is.
    focus = FIGURE_NOUNS if wanted == "amount" else frozenset()
    named = bool(WHERE.search(question)) or head_noun in NAMED_HEADS
    titled = head_noun is None or head_noun in NAMED_HEADS or head_noun in TITLE_HEADS
    marked = _where_particle(q_tokens)
    return max(spans, key=lambda s: (_owned(s, tokens, asked & focus), titled and s in titles,
                                     bool(marked) and _particle(tokens, s.after) == marked,
                                     named and proper(s, tokens), _next_to(s, tokens, head_noun, asked),
                                     _in_clause(s, tokens, sets), _closeness(s, tokens, sets, focus), -s.first))


_SAME_PARTICLE = {"서": "에서", "을": "를", "으로": "로"}


def _where_particle(q_tokens: Sequence) -> str | None:
    """The particle of 어디 ("어디서 발언했어?" -> 에서, "어디를 향해" -> 를): the answer is the place
    that the quote marks the same way ("컨퍼런스콜에서")."""
    for tok, after in zip(q_tokens, q_tokens[1:]):
        if tok.form == "어디" and after.tag in ("JKB", "JKO"):
            return _SAME_PARTICLE.get(after.form, after.form)
    return None


def _particle(tokens: Sequence, i: int) -> str | None:
    return _SAME_PARTICLE.get(tokens[i].form, tokens[i].form) if i < len(tokens) and tokens[i].tag in ("JKB", "JKO") else None


_CLOSING_QUOTES = frozenset("'’\"”》〉」』>")


def _next_to(candidate: Span, tokens: Sequence, head_noun: str | None, asked: frozenset[str]) -> float:
    """An apposition of the noun asked for ("노터데임 대학교", "닉슨 대통령") is the answer, also past
    the question's own words between them ("네타냐후 이스라엘 총리" for "이스라엘의 총리는?")."""
    if head_noun is None:
        return 0.0
    after = candidate.after
    while (after < len(tokens) and tokens[after].tag in ("NNP", "NNG") and tokens[after].form != head_noun
           and tokens[after].form.lower() in asked):
        after += 1
    if after < len(tokens) and tokens[after].form in _CLOSING_QUOTES and tokens[after].start == candidate.end:
        after += 1  # a title's closing quotation mark: "'발견' 탭"
    # A one-syllable head also counts (당 of 새누리당, 구 of 종로구), though it ends other words too
    # (방법, 교수): requiring two syllables tied on KorQuAD's read quarter with a lower F1.
    inside = head_noun in candidate.forms[1:] or any(f != head_noun and f.endswith(head_noun) for f in candidate.forms)
    # "문헌(文憲)이라는 시호": past a gloss in brackets and a copula's "(이)라는", the noun it names.
    if after < len(tokens) and tokens[after].tag == "SSO":
        while after < len(tokens) and tokens[after].tag in ("SSO", "SH", "SL", "SN"):
            after += 1
        after += after < len(tokens) and tokens[after].tag == "SSC"
    if after + 1 < len(tokens) and tokens[after].tag == "VCP" and tokens[after + 1].tag == "ETM":
        after += 2
    # "마애불인 묘길상", "작가 아이작 아시모프": the noun asked for said just before.
    before = candidate.first - 1
    if before >= 2 and tokens[before].tag == "ETM" and tokens[before - 1].tag == "VCP":
        before -= 2
    follows = before >= 0 and tokens[before].form == head_noun
    named = after < len(tokens) and (tokens[after].form == head_noun
                                     or (len(head_noun) >= 2 and tokens[after].form.startswith(head_noun)))
    return 1.0 if inside or follows or named else 0.0


def _owned(candidate: Span, tokens: Sequence, figures: frozenset[str]) -> bool:
    """Whether the figure noun nearest before a number is one the question asks about: in
    "매출이 … 2조425억원, 영업이익은 … 1135억원", 1135억원 is the 영업이익's."""
    owner = next((t.form.lower() for t in reversed(tokens[:candidate.first]) if t.form.lower() in FIGURE_NOUNS), None)
    return bool(figures) and owner in figures


def _in_clause(candidate: Span, tokens: Sequence, sets: Sequence[frozenset[str]]) -> int:
    """How many of the question's term sets the candidate's clause holds: in "톡비즈 매출은 전년 대비
    11% 늘었고, 플랫폼 기타 매출은 6% 증가했다", 11% is 톡비즈's, whose clause says what the
    question says."""
    start, end = candidate.first, candidate.after
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
        token.form in _CONNECTIVES or (following is not None and following.tag == "SP" and following.form == ","))


def _matches(form: str, terms: frozenset[str]) -> bool:
    """A token is one of the terms or holds one of two letters or more: Kiwi reads the question's
    톡비즈 as 톡 and 비즈 but the article's as one name."""
    return form in terms or any(len(t) >= 2 and t in form for t in terms)


def _closeness(candidate: Span, tokens: Sequence, sets: Sequence[frozenset[str]], focus: frozenset[str]) -> float:
    """How near a candidate lies to the question's words: each term set counts once, at its
    nearest occurrence, and an ambiguous set (many translations) counts less. Korean puts the
    topic before what is said of it ("영업이익은 … 34%"), so a word after the span is twice as far."""
    first, last = candidate.first, candidate.after - 1
    score = 0.0
    for terms in dict.fromkeys(sets):
        gaps = [first - i if i < first else 2 * (i - last)
                for i, t in enumerate(tokens) if t.form.lower() in terms and not first <= i <= last]
        if gaps:
            score += (3 if terms & focus else 1) / (len(terms) * (1 + min(gaps)))
    return score


_CHANGE = re.compile(r"늘|줄|증가|감소|성장|하락|상승|오르|떨어|\b(?:grow|grew|rise|rose|fall|fell|increase|decrease|drop|"
                     r"jump|change|up|down)", re.I)
_PERCENT = re.compile(r"퍼센트|프로(?![가-힣])|%|[률율](?:은|는|이|가)?\s*(?:몇|얼마|\?|$)|\b(?:percent|percentage|margin)", re.I)
"""A share asked for as such: "몇 퍼센트", "영업이익률은?", "operating margin"."""
_DAY = re.compile(r"며칠|몇\s*일|what day|what date", re.I)
_MONTH = re.compile(r"몇\s*월|어느\s*달|what month", re.I)
_YEAR = re.compile(r"몇\s*년|어느\s*해|연도|년도|(?<![가-힣])해[는가](?=\s*\??$)|what year", re.I)


def _narrow(question: str, q_tokens: Sequence, wanted: Kind, spans: list[Span], tokens: Sequence) -> list[Span]:
    """Of several candidates, those of the finer kind the question's words ask for: a change
    ("얼마나 줄었어", "how much did it grow") is a rate, an amount ("매출 얼마야") a sum or count;
    "며칠" is a day, "몇 월" a month. Falls back to all candidates."""
    keep = spans
    if wanted == "amount":
        rate = bool(_CHANGE.search(question))
        keep = [s for s in spans if ("%" in s.forms) == (rate or bool(_PERCENT.search(question)))]
        unit = counter(q_tokens)
        if unit:  # "몇 개" asks for a count of 개, "몇 위" for a rank
            keep = [s for s in keep if unit in s.forms] or keep
        if rate:  # the rate that a change word follows ("34% 감소"), not a level ("영업이익률은 5.6%")
            keep = [s for s in keep if _changes(tokens, s)] or keep
    elif wanted == "time":
        for pattern, unit in ((_DAY, "일"), (_MONTH, "월"), (_YEAR, "년")):
            if pattern.search(question):
                keep = [s for s in spans if unit in s.forms]
                if unit != "일":  # "몇 월" asks for the month of "2011년 3월", "몇 년" for the year
                    keep = [_part(tokens, s, unit) for s in keep]
                break
    return keep or spans


def _part(tokens: Sequence, date: Span, unit: str) -> Span:
    """The number and ``unit`` of a date: "3월" of "2011년 3월 11일"."""
    at = date.first + date.forms.index(unit)
    return span(tokens, at - 1, at) if at > date.first and tokens[at - 1].tag == "SN" else date


def _changes(tokens: Sequence, candidate: Span) -> bool:
    after = candidate.after
    return after < len(tokens) and bool(_CHANGE.match(tokens[after].form))


def display(text: str, wanted: Kind, lang: str) -> str:
    """What the asker sees first: the span itself for Korean questions; for English ones figures
    and dates in English with the Korean after them, names romanised with the Korean after them."""
    if lang == "ko":
        return text
    english = to_english(text)
    if english:
        return english
    if wanted == "person" and FULL_NAME.fullmatch(text):
        return f"{person_name(text)} ({text})"
    return text

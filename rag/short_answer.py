"""Direct answers: the short span of the quoted sentence that answers, shown first.

A reader who asks "When is the AI model coming?" wants "October" before the evidence. Without a
reading-comprehension model, the span is cut from the quote, so it stays grounded: the question
says what kind of answer it wants (``question_kind``), the quote offers the candidate spans of that
kind (``answer_spans``), and this module chooses among them: a reader of the quote's structure
where the question is built for one (``quote_readers``: two options, a speech, a definition, a
list with 각각), else the candidate whose features (``span_features``: next to the noun asked for,
in the clause that says what the question says, before the question's own verb …) weigh most
(``SpanWeights``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag.answer_spans import (FULL_NAME, SURNAMES, Span, after_head, animate, candidates, country_part,
                              ordinal_in_words, quoted, span, text_tokens, through_head, unsaid, without_written,
                              written_words)
from rag.config import SpanWeights
from rag.figures import scaled_values, to_english, value_of
from rag.question_kind import (FIGURE_NOUNS, NAMED_HEADS, PERSON_TITLES, TIME_WORDS, TITLE_HEADS, WHERE, Kind, counter,
                               head, kind, question_tokens, term_sets_of)
from rag.quote_readers import (chosen_option, coordinated, definition, described, described_in_english, respective,
                               speech, speeches)
from rag.romanize import person_name
from rag.span_features import Context, context, features, outranks, someone_named


@dataclass(frozen=True)
class ShortAnswer:
    """The span that answers: ``document[start:end] == text``, inside the first citation's quote."""

    text: str
    display: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "display": self.display, "start": self.start, "end": self.end}


def find(question: str, term_sets: Sequence[Sequence[str]], quote: str, quote_start: int, lang: str,
         weights: SpanWeights | None = None, passage: str = "") -> ShortAnswer | None:
    """The span of ``quote`` (at document offset ``quote_start``) that answers ``question``, or None.
    ``term_sets`` are the question's terms, each a set of alternatives (an English word's translations);
    ``passage``, the text the quote comes from, tells which common nouns name someone."""
    reading = _read(question, term_sets, quote, passage)
    if reading is None:
        return None
    best = reading.answer
    if best is None and reading.spans:
        weights = weights or SpanWeights()
        best = max(reading.spans, key=lambda s: (outranks(s, reading.context),
                                                 weights.score(features(s, reading.context))))
    if best is None:
        return None
    text = quote[best.start:best.end]
    # Someone named by a common noun ("소상공인") is shown as written, not romanised as a name.
    name = reading.context is None or not someone_named(best, reading.context)
    return ShortAnswer(text, display(text, reading.kind, lang, name), quote_start + best.start,
                       quote_start + best.end)


def weighed(question: str, term_sets: Sequence[Sequence[str]], quote: str, passage: str = ""
            ) -> list[tuple[str, dict[str, float]]]:
    """The candidates that :class:`SpanWeights` choose among (those no other outranks), as texts
    with their features, for fitting the weights (``benchmarks/fit_spans.py``); empty where the
    quote's structure answers."""
    reading = _read(question, term_sets, quote, passage)
    if reading is None or reading.answer is not None or not reading.spans:
        return []
    ranks = [outranks(s, reading.context) for s in reading.spans]
    return [(quote[s.start:s.end], features(s, reading.context)) for s, rank in zip(reading.spans, ranks)
            if rank == max(ranks)]


@dataclass(frozen=True)
class _Reading:
    kind: Kind
    answer: Span | None
    """The span a structural reader found, if one did."""
    spans: Sequence[Span] = ()
    """Else the candidates to weigh, in this context."""
    context: Context | None = None


def _read(question: str, term_sets: Sequence[Sequence[str]], quote: str, passage: str) -> _Reading | None:
    sets = term_sets_of(question, term_sets)
    # Numbers the question writes are said, also inside a serial ("19-20세기에 …", one token there).
    asked = frozenset().union(*sets, _DIGITS.findall(question))
    q_tokens = question_tokens(question)
    head_noun = head(q_tokens)
    wanted = kind(question, head_noun, sets)
    if wanted is None:
        return None
    tokens = text_tokens(quote)
    someone = animate(passage or quote) if wanted == "person" and not _SAYS.search(question) else frozenset()
    found = candidates(tokens, wanted, asks_duration(question), someone)
    # Questions built so that the quote's structure answers them, before the general choice.
    structural = ((chosen_option(q_tokens, tokens) if wanted != "amount" else None)
                  or (speech(question, tokens, quote) or definition(q_tokens, tokens) if wanted == "thing" else None)
                  or ((described(q_tokens, tokens) or described_in_english(question, asked, tokens))
                      if wanted == "person" else None)
                  or (coordinated(q_tokens, tokens) if wanted in ("thing", "person") else None)
                  or respective(tokens, found, asked))
    if structural is not None:
        return _Reading(wanted, structural)
    # The unit a count is asked in says nothing of which figure answers: "몇 위" leaves 5위 unsaid though
    # "9월 5일" writes its 5; a figure the question writes whole is said ("총 9명 중 몇 명").
    said = asked - {counter(q_tokens)} if wanted == "amount" else asked
    compact = "".join(question.split())
    stated = scaled_values(question) if wanted == "amount" else frozenset()
    spans = [after_head(tokens, t, head_noun) for s in found
             if (t := unsaid(tokens, s, said, wanted in ("thing", "person"), wanted == "person"))
             and not (wanted == "amount" and ("".join(s.forms) in compact or value_of(quote[s.start:s.end]) in stated))]
    if wanted == "thing":
        words = written_words(q_tokens)
        spans = [country_part(tokens, through_head(tokens, without_written(tokens, s, words, head_noun), head_noun),
                              head_noun) for s in spans]
    # A title in quotation marks is one name, kept whole even where it repeats the question's words.
    titles = ([s for s in quoted(tokens, quote) if any(f.lower() not in asked for f in s.forms)]
              if wanted == "thing" else [])
    spans += titles
    if not spans:
        return _Reading(wanted, None)
    spans = _narrow(question, q_tokens, wanted, spans, tokens)
    if wanted == "amount" and not _asks_start(question, q_tokens):
        spans = _ends_of_changes(tokens, spans, asked)
    # For a figure, the noun that names it ("영업이익", "profit") says which of the figures it is,
    # and so does a time word the question says itself ("연말 목표" -> "연말까지 4000만명"); not the
    # many translations of an English one ("year": 올해, 전년, 연말 …).
    said_times = frozenset(t for s in sets if len(s) == 1 for t in s) & TIME_WORDS
    focus = FIGURE_NOUNS | said_times if wanted == "amount" else frozenset()
    named = bool(WHERE.search(question)) or head_noun in NAMED_HEADS
    titled = head_noun is None or head_noun in NAMED_HEADS or head_noun in TITLE_HEADS
    return _Reading(wanted, None, spans,
                    context(q_tokens, tokens, sets, asked, head_noun, focus, titles, named, titled, someone,
                            speeches(quote) if wanted == "thing" else ()))


_CHANGE = re.compile(r"늘|줄|증가|감소|성장|하락|상승|오르|떨어|\b(?:grow|grew|rise|rose|fall|fell|increase|decrease|drop|"
                     r"jump|change|up|down)", re.I)
_PERCENT = re.compile(r"퍼센트|(?:몇|\d)\s*프로(?![가-힣])|%|\b(?:percent|percentage|margin)", re.I)
"""A share asked for as such: "몇 퍼센트", "몇 프로", "operating margin" (a rate noun is read by
:func:`_asks_percentage`)."""
_DIGITS = re.compile(r"\d+")
_SUM_WORDS = frozenset({"돈", "액", "총액", "잔액", "차액", "전액", "금액", "액수"})
_MONEY = re.compile(r"금액|액수|몇\s*[천백십만억조]*\s*원|\b(?:in|how many) (?:won|dollars|euros|yen)\b|\bhow much money\b"
                    r"|얼마를\s*(?:벌|투자|지출|지불)", re.I)
_MONEY_VERB = re.compile(r"\b[Hh]ow much (?:did|does|do|will|would|has|have|had)\b[^?,;]*?\b(?:spen[dt]|pa(?:y|id)|earn(?:ed|s)?|"
                         r"invest(?:ed|s)?|charge[sd]?|borrow(?:ed|s)?|owe[sd]?)\b"
                         r"(?=\s*(?:[?.!]|$|\d|(?:for|to|on|in|into|at|per|from|over|during|by|this|last|next|a|an|the|its|"
                         r"their|his|her|in total|overall)\b))")
"""A sum of money asked for as such, by its words ("금액", "몇 억원", "in won", "얼마를 벌었어") or by a verb of
money after "how much" and its subject, lower-case ("Kakao Pay" is a name) and followed by what follows
a verb ("How much did Kakao spend on …?", not "… paid subscribers grow?"); "how much time did they
spend" asks for no money. A rate does not answer it."""
_MONEY_UNITS = frozenset({"원", "달러", "엔", "유로", "위안", "파운드"})
_CURRENCY_SIGNS = frozenset({"$", "₩", "€", "£", "¥"})
_HOW_MANY_YEARS = re.compile(r"몇\s*년|how many years", re.I)
_DAY = re.compile(r"며칠|몇\s*일|what day|what date", re.I)
_MONTH = re.compile(r"몇\s*월|어느\s*달|what month", re.I)
_YEAR = re.compile(r"몇\s*년|어느\s*해|연도|년도|(?<![가-힣])해[는가](?=\s*\??$)|what year", re.I)


def _narrow(question: str, q_tokens: Sequence, wanted: Kind, spans: list[Span], tokens: Sequence) -> list[Span]:
    """Of several candidates, those of the finer kind the question's words ask for: a change
    ("얼마나 줄었어", "how much did it grow") is a rate, an amount ("매출 얼마야") a sum or count;
    "며칠" is a day, "몇 월" a month. Falls back to all candidates, except for a sum of money and
    for a count, which no sum in a currency answers."""
    keep = spans
    if asks_sum(question, wanted):
        # A sum of money asked for as such ("금액으로 얼마", "몇 억원", "in won") is not a rate: a
        # quote that gives only the growth has no answer.
        return [s for s in spans if _is_sum(tokens, s)]
    if wanted == "amount" and not _ORDINAL.search(question):
        # An ordinal in words answers only a question for a rank: "첫째, …" opens a list, "둘째 아들" is
        # no count of children.
        spans = [s for s in spans if not ordinal_in_words(s.forms)]
    if wanted == "amount" and _asks_count(question, q_tokens):
        # A count is never a sum in a currency, not even for lack of a count: "How many AI
        # researchers …?" had quoted 3000억원 of research spending (a bare 1억 may count users).
        spans = [s for s in spans if not _in_currency(tokens, s)]
    if wanted == "amount":
        unit = counter(q_tokens)
        percent = _asks_percentage(question, q_tokens)
        # A change to a figure asked for in its unit is where it ends: "몇 명으로 늘린대" is 4000만명,
        # not the 36% it grows by ("몇 명 늘었어" still asks by how much).
        rate = bool(_CHANGE.search(question)) and (percent or not _counted_end(q_tokens))
        keep = [s for s in spans if ("%" in s.forms) == (rate or percent)]
        if unit:  # "몇 개" asks for a count of 개, "몇 위" for a rank
            keep = [s for s in keep if unit in s.forms] or keep
        if rate:  # the rate that a change word follows ("34% 감소"), not a level ("영업이익률은 5.6%")
            keep = [s for s in keep if _changes(tokens, s)] or keep
            if percent:  # a percentage asked for as such is no sum or count ("몇 퍼센트 늘었어?")
                return keep
        elif percent:
            # A level asked for ("영업이익률은?", "What was the operating margin?") is no rate of a
            # change: a quote that gives only "12% 늘어난" has none (its neighbour may).
            return [s for s in keep if not _changes(tokens, s)]
    elif wanted == "time":
        for pattern, unit in ((_DAY, "일"), (_MONTH, "월"), (_YEAR, "년")):
            if pattern.search(question):
                keep = [s for s in spans if unit in s.forms]
                if unit != "일":  # "몇 월" asks for the month of "2011년 3월", "몇 년" for the year
                    keep = [_part(tokens, s, unit) for s in keep]
                if unit == "년" and not _HOW_MANY_YEARS.search(question):
                    # "돌아간 해는?" asks for a year of the calendar ("1392년"), not a count of years
                    # ("4년"), which "몇 년 동안" does ask for.
                    keep = [s for s in keep if len(s.forms[0]) >= 3] or keep
                break
    return keep or spans


def _asks_percentage(question: str, q_tokens: Sequence) -> bool:
    """Whether a question asks for a percentage: by its words ("몇 퍼센트", "margin"), or by a rate
    noun that Kiwi builds with the suffix 률 or 율 right before what it asks ("영업이익률은?",
    "점유율은 몇이야?"); not 환율 or 법률, one noun each ("환율은 얼마야?" asks for a sum in won)."""
    if _PERCENT.search(question):
        return True
    for i, tok in enumerate(q_tokens):
        if tok.tag == "XSN" and tok.form in ("률", "율"):
            j = i + 1
            while j < len(q_tokens) and q_tokens[j].tag.startswith("J"):
                j += 1
            if j == len(q_tokens) or q_tokens[j].tag in ("SF", "SW") or q_tokens[j].form in ("몇", "얼마", "얼마나"):
                return True
    return False


def _counted_end(q_tokens: Sequence) -> bool:
    """Whether the question counts where a change ends, with 으로 after its counter ("몇 명으로")."""
    return any(tok.form == "몇" and unit.tag in ("NNB", "NNG") and after.tag == "JKB" and after.form in ("으로", "로")
               for tok, unit, after in zip(q_tokens, q_tokens[1:], q_tokens[2:]))


_SAYS = re.compile(r"말했|말하|밝혔|밝히|설명|강조|언급|주장|덧붙|전망했|예상했|내다봤|\b(?:say|says|said|tell|told|"
                   r"explain(?:s|ed)?|announce[sd]?|claim(?:s|ed)?)\b", re.I)
"""A question for who said something ("누가 말했어?", "Who said …?"): news names its speakers, so the
someone a passage marks by 에게 is the one spoken to, never the answer."""


_DURATION = re.compile(r"얼마\s*(?:만에|동안|간(?!의)|나\s*걸)|\bhow long\b(?!\s+(?:ago|is|are)\b)", re.I)
"""An amount of time asked for: "얼마 만에", "얼마 동안", "얼마나 걸렸어", "how long" (not "얼마간의 돈",
"how long ago", "how long is the bridge")."""


def asks_duration(question: str) -> bool:
    """Whether a question asks for an amount of time, which a count of years or days answers."""
    return _DURATION.search(question) is not None


_HOW_MANY = re.compile(r"\bhow many\b", re.I)
_ORDINAL = re.compile(r"몇\s*(?:번\s*)?째|\bwhich (?:place|rank)\b", re.I)
"""A question for a rank: "몇 번째 아들", "몇째"."""


def asks_count(question: str, wanted: Kind | None) -> bool:
    """Whether a question that asks for an amount counts things ("How many parameters …?", "몇 명"):
    no sentence without a number answers it, however well it fits the topic."""
    return wanted == "amount" and _asks_count(question, question_tokens(question))


def _asks_count(question: str, q_tokens: Sequence) -> bool:
    """Whether a question counts things ("how many", "몇 명", "몇 개"), in a unit that is no money
    ("몇 원", "how many won")."""
    if _MONEY.search(question):
        return False
    unit = counter(q_tokens)
    return unit not in _MONEY_UNITS if unit is not None else bool(_HOW_MANY.search(question))


_BEFORE = frozenset({"전", "이전", "처음", "원래", "당초", "기존", "종전", "예전", "과거", "애초", "본래"})
_BEFORE_EN = re.compile(r"\b(?:before|previous(?:ly)?|prior|formerly|originally|initially|earlier|at first|used to)\b",
                        re.I)


def _asks_start(question: str, q_tokens: Sequence) -> bool:
    """Whether a question asks for how a figure was before it changed ("취임 전 … 몇 위였나?", "What
    was it originally?")."""
    return bool(_BEFORE_EN.search(question)) or any(t.form in _BEFORE and t.tag in ("NNG", "MAG") for t in q_tokens)


def _ends_of_changes(tokens: Sequence, spans: list[Span], asked: frozenset[str]) -> list[Span]:
    """Drop the starting figure of a change ("지난해 말 2200만명에서 … 3000만명으로"): a question about
    the figure asks for where it stands, unless it names the start's own time, written just before
    it ("지난해 말엔 얼마였어?"), or the change is a plan, whose start is the present ("현재 9개국에서",
    "… 3000만명에서 2030년까지 4000만명으로")."""
    ends = [s for s in spans if _marked(tokens, s, ("으로", "로"))]
    said_times = {_SAME_TIME.get(t, t) for t in asked}
    kept = []
    for s in spans:
        end = next((e for e in ends if e.first > s.first and e.forms[-1] == s.forms[-1]), None)
        start = end is not None and _marked(tokens, s, ("에서",))
        before = {_SAME_TIME.get(t, t) for t in _noun_run_before(tokens, s)}
        times = {t for t in before if t in _TIMES or t.isdigit()}
        if not start or said_times & times or before & _PRESENT or _planned(tokens, s, end):
            kept.append(s)
    return kept or spans


_PRESENT = frozenset({"현재", "지금"})
"""Words that make a starting figure the present one: "현재 9개국에서 연말까지 20개국으로"."""
_SAME_TIME = {"작년": "지난해", "전년": "지난해"}
_TIMES = TIME_WORDS | {"말", "초", "분기", "년", "월"}
"""The words of a time that, said by the question and written before a start, ask for it; the
start's own noun ("이용자 2200만명에서") does not."""


def _planned(tokens: Sequence, start: Span, end: Span | None) -> bool:
    """Whether the change ends at a deadline ("… 2030년까지 4000만명으로 늘린다"): a plan from now."""
    return end is not None and any(t.form == "까지" for t in tokens[start.after:end.first])


def _marked(tokens: Sequence, candidate: Span, particles: tuple[str, ...]) -> bool:
    """Whether the token right after the span is one of the adverbial ``particles``."""
    after = candidate.after
    return after < len(tokens) and tokens[after].tag == "JKB" and tokens[after].form in particles


def _noun_run_before(tokens: Sequence, candidate: Span) -> set[str]:
    """The nouns written right before a span, as a time or topic of it ("지난해 말" of 2200만명)."""
    words, i = set(), candidate.first - 1
    while i >= 0 and tokens[i].tag in ("NNG", "NNP", "NNB", "SN", "MM", "SL", "MAG"):
        words.add(tokens[i].form.lower())
        i -= 1
    return words


def asks_sum(question: str, wanted: Kind | None) -> bool:
    """Whether a question that asks for an amount asks for a sum of money as such ("금액으로 얼마",
    "몇 억원", "돈은 얼마", "매출액은 얼마", "in won", "how much money"), not for a count ("돈가스 가게는 몇 곳이야?")."""
    if wanted != "amount":
        return False
    q_tokens = question_tokens(question)
    unit = counter(q_tokens)
    if unit is not None and unit not in _MONEY_UNITS:
        return False
    return bool(_MONEY.search(question) or _MONEY_VERB.search(question)) or any(
        t.tag == "NNG" and _names_sum(t.form) for t in q_tokens)


def _names_sum(noun: str) -> bool:
    """돈, a word of money in 액 (총액, 잔액, 차액, 전액; 액 alone, as Kiwi cuts 영업이익액), or a figure
    noun with 액 ("매출액", "손실액"); not a liquid (혈액, 배양액)."""
    return noun in _SUM_WORDS or (noun.endswith("액") and noun[:-1] in FIGURE_NOUNS)


def _is_sum(tokens: Sequence, candidate: Span) -> bool:
    """A sum of money: in a currency ("1135억원", "5000달러", "$100"), or counted in 억 or 조 as news
    counts money ("3천억 규모")."""
    return _in_currency(tokens, candidate) or candidate.forms[-1].endswith(("억", "조"))


def _in_currency(tokens: Sequence, candidate: Span) -> bool:
    """A sum written in a currency ("3000억원", "5억 달러", "$100"), not a bare number of 억."""
    before = tokens[candidate.first - 1].form if candidate.first else ""
    return bool(_MONEY_UNITS.intersection(candidate.forms)) or before in _CURRENCY_SIGNS


def _part(tokens: Sequence, date: Span, unit: str) -> Span:
    """The number and ``unit`` of a date: "3월" of "2011년 3월 11일"."""
    at = date.first + date.forms.index(unit)
    return span(tokens, at - 1, at) if at > date.first and tokens[at - 1].tag == "SN" else date


def _changes(tokens: Sequence, candidate: Span) -> bool:
    after = candidate.after
    return after < len(tokens) and bool(_CHANGE.match(tokens[after].form))


def display(text: str, wanted: Kind, lang: str, name: bool = True) -> str:
    """What the asker sees first: the span itself for Korean questions; for English ones figures
    and dates in English with the Korean after them, names romanised with the Korean after them (a
    person named by a common noun, ``name`` False, is no name: "소상공인" stays as it is)."""
    if lang == "ko":
        return text
    english = to_english(text)
    if english:
        return english
    if wanted == "person" and name and FULL_NAME.fullmatch(text) and text[0] in SURNAMES:
        # Romanised as a personal name only when it starts with a surname: not "Ka Ka-o-tok".
        return f"{person_name(text)} ({text})"
    surname, _, title = text.partition(" ")
    if wanted == "person" and name and surname in SURNAMES and title.startswith(tuple(PERSON_TITLES)):  # Hong (홍 대표)
        return f"{person_name(surname)} ({text})"
    return text

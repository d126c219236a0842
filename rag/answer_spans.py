"""Candidate answer spans of one kind in a quoted sentence, cut along Kiwi's tokens.

A time is a number with its date units or a time word (2018년 1월, 하반기); an amount a number with
its myriads and unit (2조425억원, 100만 명); a person a run of proper nouns (존 F. 케네디), or a common
noun the passage names someone by (소상공인들에게); a cause the clause that ends in a cause noun (… 등의
영향), else the clause a connective of consequence follows (…. 이에 따라) or a means (경영효율화로); a
thing a noun phrase, or a title in quotation marks kept whole. Each span is an exact slice of the
quote, without its particles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from kiwipiepy.const import Match

from rag.figures import DAY_HALVES, PERIOD_PARTS
from rag.kiwi import kiwi
from rag.lexical import QUOTATION_MARKS
from rag.question_kind import PERSON_TITLES, TIME_UNITS, TIME_WORDS, Kind

FULL_NAME = re.compile(r"[\uac00-\ud7a3]{2,4}")
"""A Korean full name: one token of two to four syllables."""
SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함"
                     "변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉")
"""The commonest Korean surnames (together the surnames of nearly everyone in Korea's census): a
three-syllable word that starts with one may be a Korean name (배재현), one that does not is not
(베냐민)."""
_NO_SERIALS = Match.ALL & ~Match.SERIAL
_DASHES = ("-", "~", "/", "∼", "～", "–")
_RANGE = re.compile(r"[1-9]\d{0,3}[%s][1-9]\d{0,3}" % re.escape("".join(_DASHES)))
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR", "NR", "SN"})
_CAUSES = frozenset({"영향", "효과", "때문", "덕분", "여파", "결과", "탓"})
"""Nouns that end a cause: "… 등의 영향으로", "… 편입 효과로", "… 때문에"."""
_RELATIONAL = frozenset({"경우", "결과", "도중", "당시", "직후", "직전", "이후", "이전", "관련", "출신", "안", "동안",
                         "사이", "반면", "한편", "가운데", "무렵", "때", "때문", "대신", "정도", "이상", "이하", "이외",
                         "중", "등", "외"})
"""Nouns that place or relate what they follow rather than name a thing ("분석한 결과 RDX가", "할 경우",
"한국전쟁 도중"): a noun phrase ends before them."""
_CLAUSE_EDGE = frozenset({"JX", "JKS", "EC", "EF", "SF", "ETM"})
PUNCTUATION_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"})
NAMING_TAGS = frozenset({"NNG", "NNP", "NNB", "SL", "SN", "SH", "MAG", "SSO", "SSC", "SS"})
"""Tags of a bare noun phrase such as "카톡 '펑' 기능" (a quoted name may be tagged as an adverb)."""
_QUOTE_PAIRS = (*QUOTATION_MARKS, "《》", "〈〉", "<>")
_QUOTE_MARKS = re.escape("".join(_QUOTE_PAIRS))
_QUOTED = re.compile("|".join(
    # An ASCII apostrophe between letters is not a quotation mark: "Samsung's chief … company's".
    (r"(?<![A-Za-z])'([^%s\n]{1,40})'(?![A-Za-z])" % _QUOTE_MARKS) if o == "'"
    else f"{re.escape(o)}([^{_QUOTE_MARKS}\n]{{1,40}}){re.escape(c)}" for o, c in _QUOTE_PAIRS))
"""Text in a matching pair of quotation marks, without quotation marks inside: a title."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    forms: tuple[str, ...]
    first: int
    """Index of the span's first token, for distances to the question's words."""

    @property
    def after(self) -> int:
        """Index of the token after the span."""
        return self.first + len(self.forms)


def span(tokens: Sequence, i: int, j: int) -> Span:
    """Tokens ``i..j`` inclusive."""
    return Span(tokens[i].start, tokens[j].start + tokens[j].len, tuple(t.form for t in tokens[i:j + 1]), i)


_DURATION_UNITS = frozenset({"년", "일", "주"})


def candidates(tokens: Sequence, kind: Kind, duration: bool = False, someone: frozenset[str] = frozenset()
               ) -> list[Span]:
    """Every span of ``kind`` in the quote's tokens; for an amount of time asked for (``duration``:
    "얼마 동안", "how long") also those counted in years, days or weeks ("3-4천년", "2년"), which are
    otherwise dates (hours are amounts already: "24시간"); for a person also a common noun that
    names someone (``someone``, from :func:`animate`: "소상공인", "원하는 사람에게만")."""
    if kind == "cause":
        return _causes(tokens)
    if kind == "time":
        spans = []
        # A range of bare numbers ("1920~40년대") is one time; a range of dates is two.
        ranges = {id(t) for k, t in enumerate(tokens[1:-1], 1)
                  if t.tag == "SO" and tokens[k - 1].tag == "SN" and tokens[k + 1].tag == "SN"}
        # Myriads belong to the number ("5500만 년 전").
        for run in _runs(tokens, lambda t: t.tag == "SN" or id(t) in ranges or (t.tag == "NR" and t.form in _MYRIADS)
                         or (t.tag in ("NNB", "NNG") and t.form in _CLOCK)):
            units = [k for k, f in enumerate(run.forms) if f in _CLOCK]
            if units and run.forms[0].isdigit():  # ends at its last unit: "2018년 1월", not "2018년 1월 2018"
                spans.append(_dated(tokens, run.first, run.first + units[-1]))
        spans += [span(tokens, i, i) for i, t in enumerate(tokens) if t.form in TIME_WORDS]
        # A period named by an event only where no date or time word is there to answer.
        return spans or list(_eras(tokens))
    if kind == "amount":
        return [s for s in _amounts(tokens) if (s.forms[-1] not in TIME_UNITS or (duration and _lasts(tokens, s)))
                and not _followed_by_unit(tokens, s) and not _ends_latin_name(tokens, s)]
    if kind == "person":  # a name: 하인리히 힘러, 존 F. 케네디
        # An acronym alone (AI, CIO) names a thing or a title, not a person.
        names = _runs(tokens, lambda t: t.tag == "NNP" or (t.tag == "SL" and t.form[:1].isupper()))
        return [_titled(tokens, _regnal(tokens, _first_name(tokens, _whole_word(tokens, s)))) for s in names
                if len("".join(s.forms)) >= 2 and not all(f.isupper() for f in s.forms)] + [
            _noun_ending(tokens, i) for i, t in enumerate(tokens) if t.tag == "NNG" and t.form in someone] + [
            _title_end(tokens, i) for i in range(len(tokens) - 1) if _surname_titled(tokens, i)]
    # A noun that a suffix makes a verb ("말했다", "공개한다") is the predicate, not a thing; a bare
    # number or a Hanja gloss (天文常數 after 천문상수) names nothing.
    return [_with_counter(tokens, s) for s in _runs(tokens, lambda t: t.tag in NOUN_TAGS and t.form not in _RELATIONAL)
            if not _predicate(tokens, s) and not all(t.tag in ("SN", "NR", "SH") for t in tokens[s.first:s.after])]


def _surname_titled(tokens: Sequence, i: int) -> bool:
    """A surname and a title, as news names someone after the first mention: "홍 대표", "배 CIO",
    also after an opening mark ('"홍 대표는', "(홍 대표)"), not glued to the word before it."""
    tok, title = tokens[i], tokens[i + 1]
    return (tok.tag == "NNP" and len(tok.form) == 1 and tok.form in SURNAMES and title.form in PERSON_TITLES
            and token_gap(tokens, i) == 1 and (i == 0 or token_gap(tokens, i - 1) > 0
                                               or tokens[i - 1].tag in ("SSO", "SS", "SP")))


def _title_end(tokens: Sequence, i: int) -> Span:
    """The surname at ``i`` with its whole title, which Kiwi may split ("홍 대표이사": 대표 + 이사)."""
    j = i + 1
    while j + 1 < len(tokens) and tokens[j + 1].tag == "NNG" and token_gap(tokens, j) == 0:
        j += 1
    return span(tokens, i, j)


_TO_SOMEONE = frozenset({"에게", "한테", "께", "에게서", "한테서"})
"""Particles Korean keeps for the animate: what they follow is someone (a person or a group)."""


@lru_cache(maxsize=1024)
def animate(text: str) -> frozenset[str]:
    """The common nouns that a text marks as someone by 에게, 한테 or 께 ("방장에게", "소상공인들에게",
    "원하는 사람에게만"): a "누가" question whose answer is no name may be answered by one of them,
    wherever in the passage the quote writes it ("소상공인 매출 향상에도 도움을 줄 것")."""
    tokens = text_tokens(text)
    found = set()
    for i, tok in enumerate(tokens):
        if tok.tag != "JKB" or tok.form not in _TO_SOMEONE or not i:
            continue
        k = i - 2 if tokens[i - 1].tag == "XSN" and i > 1 else i - 1  # 소상공인들에게, 선생님께
        # A title stands after the name that answers ("박정희 대통령에게"), not for it.
        if tokens[k].tag == "NNG" and len(tokens[k].form) > 1 and tokens[k].form not in PERSON_TITLES:
            found.add(tokens[k].form)
    return frozenset(found)


def _noun_ending(tokens: Sequence, i: int) -> Span:
    """The compound noun that ends at token ``i``, with its prefix and at most one noun written
    apart: "소상공인" (소 + 상공인), "비즈니스 파트너". It may modify the noun after it: "소상공인
    매출 향상" names 소상공인 as whose sales they are."""
    first, apart = i, 0
    while first and tokens[first - 1].tag in ("NNG", "XPN"):
        gap = token_gap(tokens, first - 1)
        if gap > 1 or (gap and (apart or tokens[first - 1].tag == "XPN")):
            break
        apart += gap
        first -= 1
    return span(tokens, first, i)


def _with_counter(tokens: Sequence, run: Span) -> Span:
    """A noun phrase that ends in a number with the counter glued to it: "배수량 2000톤", not "배수량 2000"
    (Kiwi tags 톤 and 년 as bound nouns, which no noun phrase holds otherwise)."""
    last = run.after
    if last < len(tokens) and tokens[last - 1].tag == "SN" and tokens[last].tag == "NNB" and token_gap(tokens, last - 1) == 0:
        return span(tokens, run.first, last)
    return run


def _eras(tokens: Sequence) -> Iterable[Span]:
    """Periods named by what happened in them: "신생대 초기", "계몽주의 시대", "초등학교 3학년 때" (not
    "그 때", whose 그 is no noun)."""
    ends = [i for i, tok in enumerate(tokens) if tok.form in _ERAS and tok.tag == "NNG" and i and token_gap(tokens, i - 1) <= 1]
    for i in ends:
        if i + 1 in ends and token_gap(tokens, i) <= 1:
            continue  # "조선 시대 중기" is one period, not also "조선 시대"
        first = i
        while first and tokens[first - 1].tag in ("NNG", "NNP", "SN", "NNB") and token_gap(tokens, first - 1) <= 1:
            first -= 1
        if first < i:
            yield span(tokens, first, i)


_ERAS = frozenset({"시대", "시절", "초기", "중기", "말기", "때"})
_MYRIADS = frozenset({"만", "억", "조"})
_CLOCK = TIME_UNITS | {"년대", "분"}
"""Units of a time span: the question's units, decades and minutes ("1950년대", "6시 12분")."""
_BEFORE_TIME = TIME_WORDS | DAY_HALVES.keys()
"""Words a date or an hour may follow ("지난해 4월", "오전 6시")."""


def _dated(tokens: Sequence, i: int, j: int) -> Span:
    """Tokens ``i..j`` of a time with the word before it that it narrows ("지난해 4월", "오전 6시")
    and the part of the period after it ("10월 말", "1950년대 후반")."""
    if i and tokens[i - 1].form in _BEFORE_TIME and token_gap(tokens, i - 1) <= 1:
        i -= 1
    if j + 1 < len(tokens) and tokens[j + 1].form in PERIOD_PARTS and token_gap(tokens, j) <= 1:
        j += 1
    return span(tokens, i, j)


def holds(sentence: str, kind: Kind, asked: frozenset[str], duration: bool = False) -> bool:
    """Whether a sentence holds a candidate of ``kind`` that the question does not already say:
    a sentence that can answer "언제" holds a time."""
    tokens = text_tokens(sentence)
    if kind == "cause" and any(_points_to_cause(tokens, i) for i in range(len(tokens))):
        return True  # "이 때문에", "그 결과": the sentence gives a reason, though the cause is before it
    spans = _marked_causes(tokens) if kind == "cause" else candidates(tokens, kind, duration)
    return any(unsaid(tokens, s, asked, False) for s in spans)


@lru_cache(maxsize=8192)
def text_tokens(text: str) -> tuple:
    """Kiwi tokens of corpus text (a sentence or a quote), analysed once: the same passages answer
    many questions. A text with a range or fraction that Kiwi reads as a serial number ("19-20세기",
    "3-4천년", "1/4을") is read again with serials off, so its numbers can answer; phone numbers,
    dates, scores ("3-2로") and quarters ("2/4분기", which would read as 4분기) keep the serial."""
    tokens = tuple(kiwi().tokenize(text))
    if any(_ranged(tokens, i) for i, t in enumerate(tokens) if t.tag == "W_SERIAL"):
        return tuple(kiwi().tokenize(text, match_options=_NO_SERIALS))
    return tokens


def _ranged(tokens: Sequence, i: int) -> bool:
    """Whether serial ``i`` is two numbers of one to four digits joined by a dash, tilde or slash
    and followed at once by a unit, a myriad or a particle, not by 분기."""
    if not _RANGE.fullmatch(tokens[i].form) or i + 1 == len(tokens) or token_gap(tokens, i):
        return False
    after = tokens[i + 1]
    return after.form != "분기" and (after.tag in ("NNB", "NNG", "NR", "JKO", "JX", "JKS") or after.form == "%")


def names_other(quote: str, asked: frozenset[str]) -> bool:
    """Whether a quote names something the question does not: a word in quotation marks ('펑',
    '바람길'), a proper noun or a capitalised Latin name. News writes the name of a product so."""
    tokens = text_tokens(quote)
    names = _runs(tokens, lambda t: t.tag == "NNP" or (t.tag == "SL" and t.form[:1].isupper()))
    return any(unsaid(tokens, s, asked, False) for s in [*quoted(tokens, quote), *names])


def quoted(tokens: Sequence, quote: str) -> list[Span]:
    """The text inside each pair of quotation marks, as a span of the tokens it covers."""
    out = []
    for match in _QUOTED.finditer(quote):
        start, end = match.span(match.lastindex)
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.start + t.len <= end]
        if inside and quote[start:end].strip() == quote[start:end]:
            out.append(Span(start, end, tuple(tokens[i].form for i in inside), inside[0]))
    return out


def unsaid(tokens: Sequence, candidate: Span, asked: frozenset[str], trim: bool, trim_end: bool = False
           ) -> Span | None:
    """None when the question says all of the candidate; else, for noun phrases (``trim``), the
    candidate without the leading words the question already says ("미국 대통령 존 …" -> "존 …"), and
    for names (``trim_end``) followed by a title without the organisation between them that the
    question names ("배재현 카카오 투자총괄대표" -> "배재현"; "바샤르 알아사드는" keeps its surname)."""
    forms = [f.lower() for f in candidate.forms]
    skip = next((i for i, f in enumerate(forms) if f not in asked), None)
    if skip is None:
        return None
    if not trim:
        return candidate
    last = len(forms) - 1
    after = candidate.after
    titled = after < len(tokens) and tokens[after].tag == "NNG" and tokens[after].start == candidate.end + 1
    # A title says that the proper nouns between it and a Korean name are the organisation, whether
    # or not the question names it: "배재현 카카오 투자총괄대표" for "CIO는 누구야?".
    organisation = trim_end and titled and _korean_name(forms[skip]) and _title_at(tokens, after)
    # Only a Korean full name (one token of 2-4 syllables) sheds the organisation after it: "존 케네디
    # 대통령" keeps its surname.
    while (trim_end and titled and last > skip and (forms[last] in asked or organisation)
           and FULL_NAME.fullmatch(candidate.forms[skip])):
        last -= 1
    if skip and last == skip and tokens[candidate.first + skip].tag in ("NNG", "SL") and not trim_end:
        skip = 0  # "엑스박스 라이브", "트랙 투어": one common noun left is the end of a name, not the name
    if skip or last < len(forms) - 1:
        return span(tokens, candidate.first + skip, candidate.first + last)
    return candidate


def _korean_name(word: str) -> bool:
    """Shaped like a Korean personal name: three syllables, the first a common surname."""
    return len(word) == 3 and word[0] in SURNAMES and bool(FULL_NAME.fullmatch(word))


def _title_at(tokens: Sequence, i: int) -> bool:
    """Whether the compound noun starting at token ``i`` ends in a title (투자 + 총괄 + 대표)."""
    while i + 1 < len(tokens) and tokens[i + 1].tag == "NNG" and token_gap(tokens, i) == 0:
        i += 1
    return tokens[i].form in PERSON_TITLES


def after_head(tokens: Sequence, candidate: Span, head_noun: str | None) -> Span:
    """The name that follows the noun asked for inside a noun phrase: "미국인 작가 아이작 아시모프" ->
    "아이작 아시모프" for 작가. Only a name (a proper noun or Latin letters) is cut out this way."""
    if head_noun is None or head_noun not in candidate.forms[:-1]:
        return candidate
    at = candidate.first + candidate.forms.index(head_noun) + 1
    if any(t.tag in ("NNP", "SL") for t in tokens[at:candidate.after]):
        return span(tokens, at, candidate.after - 1)
    return candidate


def through_head(tokens: Sequence, candidate: Span, head_noun: str | None) -> Span:
    """A noun phrase that ends in the noun asked for, without the words after it: "김포공항 안팎"
    -> "김포공항" for 공항. A head of one syllable (곳, 것) ends too many words to cut at."""
    if head_noun is None or len(head_noun) < 2:
        return candidate
    for k in range(candidate.first, candidate.after - 1):
        if tokens[k].form.endswith(head_noun):
            return span(tokens, candidate.first, k)
    return candidate


def _word_groups(tokens: Sequence, first: int, after: int) -> list[list[int]]:
    """Indices of tokens ``first..after-1`` grouped into the words the text writes (by its spaces)."""
    words: list[list[int]] = []
    for k in range(first, after):
        if not words or token_gap(tokens, k - 1) > 0:
            words.append([])
        words[-1].append(k)
    return words


def written_words(q_tokens: Sequence) -> frozenset[str]:
    """The nouns that begin the question's words, as it writes them ("법률연맹의" -> "법률연맹",
    "살수하기" -> "살수"), to find them in a quote that Kiwi splits otherwise."""
    found = set()
    for word in _word_groups(q_tokens, 0, len(q_tokens)):
        nouns = ""
        for k in word:
            if q_tokens[k].tag not in NOUN_TAGS:
                break
            nouns += q_tokens[k].form.lower()
        found.add(nouns)
    return frozenset(found - {""})


def without_written(tokens: Sequence, candidate: Span, written: frozenset[str], head_noun: str | None) -> Span:
    """A noun phrase without the words at either end that the question writes ("법률연맹 국감모니터단" ->
    "국감모니터단", "환경노동위원회 소속" -> "환경노동위원회"), except the noun asked for at its end; a
    single common noun left is kept with them, as the end of a name ("엑스박스 라이브")."""
    words = _word_groups(tokens, candidate.first, candidate.after)
    text = ["".join(tokens[k].form for k in w).lower() for w in words]
    first, last = 0, len(words) - 1
    while first < last and text[first] in written:
        first += 1
    # The noun asked for stays at the end: "베르사유 궁전", "티머니 교통카드" for "교통카드는?".
    while last > first and text[last] in written and not (head_noun and text[last].endswith(head_noun)):
        last -= 1
    kept = [k for w in words[first:last + 1] for k in w]
    if len(kept) == candidate.after - candidate.first or (len(kept) == 1 and tokens[kept[0]].tag in ("NNG", "SL")):
        return candidate
    return span(tokens, kept[0], kept[-1])


_COUNTRY_HEADS = frozenset({"나라", "국가"})


def country_part(tokens: Sequence, candidate: Span, head_noun: str | None) -> Span:
    """For a question that asks for a country (나라, 국가), the first of the places written in a row
    from the wider to the narrower ("말레이시아 세팡" -> 말레이시아, "독일 라이프치히" -> 독일). The
    narrowest does not answer 어디 as surely: a name of several proper nouns is one place ("제너럴
    모터스 플레이스"), which on KorQuAD's read quarter lost as many answers as it gained."""
    if head_noun not in _COUNTRY_HEADS:
        return candidate
    words = _word_groups(tokens, candidate.first, candidate.after)
    if len(words) < 2 or not all(tokens[k].tag == "NNP" for w in words for k in w):
        return candidate
    return span(tokens, words[0][0], words[0][-1])


def proper(candidate: Span, tokens: Sequence) -> bool:
    """Whether the candidate holds a proper noun (Kiwi's NNP)."""
    return any(t.tag == "NNP" for t in tokens[candidate.first:candidate.after])


def _whole_word(tokens: Sequence, name: Span) -> Span:
    """A name with the one-syllable pieces that Kiwi splits off the same word (김유 + 찬 of 김유찬);
    a longer noun glued to it is a word of its own (자유당소속)."""
    def piece(i: int) -> bool:
        return tokens[i].tag == "NNG" and len(tokens[i].form) == 1

    first, last = name.first, name.after - 1
    while first > 0 and piece(first - 1) and token_gap(tokens, first - 1) == 0:
        first -= 1
    while last + 1 < len(tokens) and piece(last + 1) and token_gap(tokens, last) == 0:
        last += 1
    return name if (first, last) == (name.first, name.after - 1) else span(tokens, first, last)


_SPLINTERS = frozenset({"MM", "XPN", "IC", "MAJ"})
"""Tags Kiwi gives the syllables of a foreign first name it does not know (이반 -> 이 MM + 반 XPN,
마고 -> 마 IC + 고 MM)."""


def _first_name(tokens: Sequence, name: Span) -> Span:
    """A name with the word before it when Kiwi split that word into one-syllable splinters: the
    unknown first name ("이반 서덜랜드", "마고 왓슨")."""
    i = name.first
    if i < 2 or token_gap(tokens, i - 1) != 1:
        return name
    first = i - 1
    while first > 0 and token_gap(tokens, first - 1) == 0:
        first -= 1
    word = tokens[first:i]
    if len(word) >= 2 and all(t.tag in _SPLINTERS and len(t.form) == 1 for t in word):
        return span(tokens, first, name.after - 1)
    return name


def _regnal(tokens: Sequence, name: Span) -> Span:
    """A name with its ordinal: "루이 16세", "헤이그 2세"."""
    i = name.after
    if (i + 1 < len(tokens) and tokens[i].tag == "SN" and token_gap(tokens, i - 1) <= 1
            and tokens[i + 1].form == "세" and token_gap(tokens, i) == 0):
        return span(tokens, name.first, i + 1)
    return name


def _titled(tokens: Sequence, name: Span) -> Span:
    """A name with the next word when that word is common nouns and a particle: the rest of a
    foreign name that Kiwi reads as a common noun ("조지 린치의", "찰리 크리스천이"); not a title
    ("김재원 간사는": whether an answer keeps it varies) nor a noun that goes on without a particle
    ("닉슨 방중 이후")."""
    i = name.after
    if (i >= len(tokens) or tokens[i].tag != "NNG" or token_gap(tokens, i - 1) != 1
            or tokens[i].form in PERSON_TITLES):
        return name
    j = i
    while j + 1 < len(tokens) and tokens[j + 1].tag in ("NNG", "XSN") and token_gap(tokens, j) == 0:
        j += 1
    if j + 1 < len(tokens) and tokens[j + 1].tag.startswith("J") and token_gap(tokens, j) == 0:
        return span(tokens, name.first, j)
    return name


def _runs(tokens: Sequence, accept) -> Iterable[Span]:
    """Maximal runs of accepted tokens with at most a space between them."""
    first = None
    for i, tok in enumerate(tokens):
        joined = first is not None and tok.start - (tokens[i - 1].start + tokens[i - 1].len) <= 1
        if accept(tok):
            if not joined:
                if first is not None:
                    yield span(tokens, first, i - 1)
                first = i
            continue
        if first is not None:
            yield span(tokens, first, i - 1)
        first = None
    if first is not None:
        yield span(tokens, first, len(tokens) - 1)


def _amounts(tokens: Sequence) -> Iterable[Span]:
    """A number with its myriads and one unit: 2조425억원, 1200만명, 34%, 3층, 100m, "2분" of "2분만에",
    "3-4천년";
    a number in words with its counter: 만오천명, 두 가지, 한 척 (not the "한" of "한 회사"); an ordinal
    in words: 여덟째."""
    i = 0
    while i < len(tokens):
        words = tokens[i].tag == "NR" or (tokens[i].tag == "MM" and tokens[i].form in _NATIVE_NUMBERS)
        if tokens[i].tag != "SN" and not words:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens):
            if tokens[j + 1].tag in ("SN", "NR") and token_gap(tokens, j) <= 1:
                j += 1
            elif _joins_numbers(tokens, j):
                j += 2
            else:
                break
        unit = j + 1
        # Latin units and counters may follow a space ("100 m", "100만 명"); other nouns must not.
        has_unit = unit < len(tokens) and _is_unit(tokens[unit]) and token_gap(tokens, j) <= (
            1 if tokens[unit].tag in ("SL", "NNB") else 0)
        if words and j == i and tokens[i].tag == "NR" and ordinal_in_words((tokens[i].form,)) and not has_unit:
            yield span(tokens, i, i)  # an ordinal in words stands alone: "태조의 여덟째 아들"
            i += 1
            continue
        if words and not (has_unit and (tokens[unit].tag == "NNB" or len(tokens[unit].form) == 1)):
            i = j + 1
            continue
        if has_unit:
            j = unit
            if j + 1 < len(tokens) and tokens[j + 1].form == "째" and token_gap(tokens, j) == 0:  # 2번째
                j += 1
            # A duration in two units is one amount: "4분10초", "1시간 30분", "3년 6개월" (not a
            # calendar year before a duration: "2023년 3개월간").
            while (j + 2 < len(tokens) and tokens[j + 1].tag == "SN" and token_gap(tokens, j) <= 1
                   and token_gap(tokens, j + 1) == 0 and tokens[j + 2].form == _SMALLER_UNIT.get(tokens[j].form)
                   and len(tokens[j - 1].form) <= 2):
                j += 2
        # An ordinal's prefix belongs to it: 제64대, not 64대.
        ordinal = i > 0 and tokens[i - 1].tag == "XPN" and tokens[i - 1].form == "제" and token_gap(tokens, i - 1) == 0
        yield span(tokens, i - 1 if ordinal else i, j)
        i = j + 1


_SMALLER_UNIT = {"시간": "분", "분": "초", "년": "개월"}
"""The unit a duration goes on in; a day is left out, being also a date ("지난 5일 3시간 동안")."""


def ordinal_in_words(forms: Sequence[str]) -> bool:
    """An ordinal written in words, alone: 여덟째, 둘째 (not 2번째)."""
    return len(forms) == 1 and len(forms[0]) >= 2 and forms[0].endswith("째") and not forms[0][0].isdigit()


def _joins_numbers(tokens: Sequence, j: int) -> bool:
    """Whether number ``j`` and the one after a dash, tilde or slash with no space make one figure:
    a range ("3-4천년", "1~2%") or a fraction ("1/4")."""
    return (j + 2 < len(tokens) and tokens[j].tag == "SN" and tokens[j + 1].form in _DASHES
            and tokens[j + 2].tag == "SN" and token_gap(tokens, j) == 0 and token_gap(tokens, j + 1) == 0)


_NATIVE_NUMBERS = frozenset({"한", "두", "세", "석", "네", "넉", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "스무"})
"""Numbers in words that Kiwi tags as determiners (두 가지, 세 명); the others (다섯, 만, 오천) are NR."""


def _is_unit(tok) -> bool:
    return (tok.tag in ("NNB", "SL") or tok.form in ("%", "배")
            or (tok.tag == "NNG" and len(tok.form) <= 2 and tok.form not in TIME_WORDS))


def _predicate(tokens: Sequence, candidate: Span) -> bool:
    after = candidate.after
    return after < len(tokens) and tokens[after].tag in ("XSV", "XSA") and tokens[after].start == candidate.end


def token_gap(tokens: Sequence, i: int) -> int:
    """Characters between token ``i`` and the next."""
    return tokens[i + 1].start - (tokens[i].start + tokens[i].len)


def _lasts(tokens: Sequence, candidate: Span) -> bool:
    """A count of years, days or weeks, not a date: no year of the calendar ("2023년", "2020-2023년")
    nor the day of a month ("3월 5일")."""
    if candidate.forms[-1] not in _DURATION_UNITS or any(len(f) == 4 and f.isdigit() for f in candidate.forms):
        return False
    i = candidate.first
    return not (candidate.forms[-1] == "일" and i and tokens[i - 1].form == "월" and token_gap(tokens, i - 1) <= 1)


def _ends_latin_name(tokens: Sequence, candidate: Span) -> bool:
    """A bare number after a capitalised Latin word ends a name ("Hangyeol Cloud Summit 2023", "Xbox
    360"); it is no amount. Not after an acronym ("DAU 300으로") nor a plain word ("rose to 500")."""
    i = candidate.first
    if len(candidate.forms) != 1 or not i or tokens[i - 1].tag != "SL" or token_gap(tokens, i - 1) > 1:
        return False
    word = tokens[i - 1].form
    return word[:1].isupper() and not word.isupper()


def _followed_by_unit(tokens: Sequence, candidate: Span) -> bool:
    """"2" of "2분기", "10" of "10월": a number that is part of a date, not an amount."""
    last = candidate.after
    return last < len(tokens) and tokens[last].form in TIME_UNITS and tokens[last].start == candidate.end


def _causes(tokens: Sequence) -> list[Span]:
    """The clause that ends in a cause noun ("AI 관련 인프라 투자, … 등의 영향"), else the clauses
    that a connective of consequence follows ("… 구축이 확대될 것\"이라면서 \"이에 따라 …") and the
    noun phrases marked as a means ("경영효율화로"), for the weights to choose among; each starts
    after the nearest topic, subject or clause end, the one before a connective after the sentence's
    or the speech's start."""
    marked = _marked_causes(tokens)
    if marked:
        return marked
    before = [s for c in range(1, len(tokens)) if _consequence_at(tokens, c)
              and (s := _clause_before(tokens, c)) is not None]
    # Not a pointer's noun ("그 영향으로"): it stands for the clause before.
    return before + [clause(tokens, i - 1) for i, t in enumerate(tokens)
                     if i and t.tag == "JKB" and t.form in ("로", "으로") and tokens[i - 1].tag in ("NNG", "NNP", "XSN")
                     and not _points_to_cause(tokens, i - 2)]


def _marked_causes(tokens: Sequence) -> list[Span]:
    """The clauses that end in a cause noun: what a sentence that gives a reason holds (a noun
    marked by 로 is as often a means or a result: "처음으로"; "그 결과" points back, below)."""
    return [clause(tokens, i) for i, t in enumerate(tokens) if t.form in _CAUSES and t.tag.startswith("NN")
            and not _points_to_cause(tokens, i - 1)]


_POINTING = frozenset({"이", "그"})
_FOLLOWS_FROM = frozenset({"따르", "인하", "인"})
_THEREFORE = frozenset({"따라서", "그래서", "그러므로"})
_QUOTATION = frozenset("\"“”'‘’「」『』")
_NOUN_CASES = frozenset({"JKS", "JKO", "JKG", "JKC", "JX"})


def _points_to_cause(tokens: Sequence, i: int) -> bool:
    """이 or 그 before a cause noun used as an adverb: "이 때문에", "그 결과", "그 영향으로" point back to
    the cause ("그 결과가 발표됐다", a noun with its case, does not)."""
    if i < 0 or i + 1 >= len(tokens) or tokens[i].form not in _POINTING or tokens[i].tag not in ("NP", "MM"):
        return False
    noun = tokens[i + 1]
    return (noun.form in _CAUSES and noun.tag.startswith("NN")
            and not (i + 2 < len(tokens) and tokens[i + 2].tag in _NOUN_CASES))


def _consequence_at(tokens: Sequence, i: int) -> bool:
    """A connective that makes what comes before it a cause: 따라서, 그래서, 그러므로; 이에 따라 and
    이로 인해 (not "이에 따르면", according to it); and 이 or 그 before a cause noun (이 때문에, 그 결과,
    그 영향으로)."""
    tok = tokens[i]
    if tok.form in _THEREFORE and tok.tag == "MAJ":
        return True
    if _points_to_cause(tokens, i):
        return True
    if tok.form not in _POINTING or tok.tag != "NP" or i + 2 >= len(tokens) or tokens[i + 1].tag != "JKB":
        return False
    verb = tokens[i + 2]
    conditional = i + 3 < len(tokens) and tokens[i + 3].form in ("면", "으면")
    return verb.form in _FOLLOWS_FROM and not conditional


_CLOSING = frozenset({"EC", "EF", "EP", "VCP", "JKQ", "ETM", "SF", "SP", "SSC", "SSO", "SE"})
_ENDED = frozenset({"EC", "EF", "JKQ", "SF"})


def _clause_before(tokens: Sequence, c: int) -> Span | None:
    """The clause before token ``c``, without its ending and the marks after it, from the start of
    its sentence or of the speech it is in; None unless a clause ends there (not "정부는 이에 따라"
    or '김 대표는 "따라서 …', whose topic and speaker are no cause), nor one that holds a
    quotation mark (it would reach into or out of a speech)."""
    end, ended = c - 1, False
    while end >= 0 and tokens[end].tag in _CLOSING:
        ended = ended or tokens[end].tag in _ENDED
        if tokens[end].form in (")", "]"):  # a bracketed aside after the clause: "늘었다(전년 대비 10%)."
            while end >= 0 and tokens[end].form not in ("(", "["):
                end -= 1
        end -= 1
    if end < 0 or not ended:
        return None
    begin = end
    while begin > 0 and tokens[begin - 1].tag != "SF" and not (
            tokens[begin - 1].tag == "SSO" and tokens[begin - 1].form in _QUOTATION):
        begin -= 1
    if any(t.form in _QUOTATION for t in tokens[begin:end + 1]):
        return None
    return span(tokens, begin, end)


def clause(tokens: Sequence, end: int) -> Span:
    """The clause ending at token ``end``: back to the nearest topic, subject or clause end, without
    leading punctuation ('"경영효율화로' -> '경영효율화')."""
    begin = end
    while begin > 0 and tokens[begin - 1].tag not in _CLAUSE_EDGE:
        begin -= 1
    while begin < end and tokens[begin].tag in PUNCTUATION_TAGS:
        begin += 1
    return span(tokens, begin, end)

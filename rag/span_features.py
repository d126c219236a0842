"""What a candidate short-answer span has that makes it the answer, as numbers to weigh.

``rag.short_answer`` scores each candidate span of the quote by a weighted sum of these features
(weights in ``rag.config.SpanWeights``, fitted by ``benchmarks/fit_spans.py``). Each feature is a
reading of the sentence a person would use: the name next to the noun asked for, the clause that
says what the question says, the argument of the verb the question uses, the particle the
question word carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rag.answer_spans import Span, proper
from rag.question_kind import FIGURE_NOUNS, PERSON_TITLES

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
                for i, t in enumerate(tokens) if _matches(t.form.lower(), terms) and not first <= i <= last]
        if gaps:
            score += (3 if terms & focus else 1) / (len(terms) * (1 + min(gaps)))
    return score


@dataclass(frozen=True)
class Context:
    """What the question says, read once for all candidate spans of one quote."""

    tokens: Sequence
    sets: Sequence[frozenset[str]]
    asked: frozenset[str]
    head_noun: str | None
    focus: frozenset[str]
    """Figure nouns the question names ("영업이익"): the figure after one of them is its figure."""
    titles: Sequence[Span]
    named: bool
    """The question asks for a name (어디, "…한 곳은?"): a proper noun more likely answers."""
    titled: bool
    """The question asks for a title ("노래는?"): a quoted title more likely answers."""
    marked: str | None
    """The particle of 어디 ("어디서" -> 에서), if the question has one."""
    predicates: frozenset[str]
    """The question's verbs ("주장한" -> 주장)."""
    role: str | None
    """The role of the question word ("무엇을" -> object)."""
    someone: frozenset[str]
    """For a question about a person, the common nouns the passage names someone by ("소상공인"):
    candidates that are no name, weighed apart from names."""
    speech: tuple[tuple[int, int], ...]
    """The quote's direct speech, for a question about a thing: it says the answer, while the speaker
    and the venue stand outside it ("홍 대표는 컨퍼런스콜에서 \"… 탭이 3개(친구·채팅·오픈채팅)가 됐고\")."""


def context(q_tokens: Sequence, tokens: Sequence, sets: Sequence[frozenset[str]], asked: frozenset[str],
            head_noun: str | None, focus: frozenset[str], titles: Sequence[Span], named: bool, titled: bool,
            someone: frozenset[str] = frozenset(), speech: tuple[tuple[int, int], ...] = ()) -> Context:
    """The question's particle of 어디, verbs and question-word role, read once per quote."""
    return Context(tokens, sets, asked, head_noun, focus, titles, named, titled, _where_particle(q_tokens),
                   _predicates(q_tokens), _asked_role(q_tokens), someone, speech)


def outranks(s: Span, c: Context) -> tuple[bool, bool]:
    """What puts a candidate before any weighing: the figure of the noun the question names
    ("영업이익은 … 1135억원"), the place marked as 어디 is ("어디서" -> "컨퍼런스콜에서")."""
    return _owned(s, c.tokens, c.asked & c.focus), bool(c.marked) and _particle(c.tokens, s.after) == c.marked


def features(s: Span, c: Context) -> dict[str, float]:
    """The features of one candidate, by the names of ``SpanWeights``' fields."""
    tokens = c.tokens
    after = s.after
    following = tokens[after] if after < len(tokens) and tokens[after].start == s.end else None
    particle = following.tag if following is not None and following.tag.startswith("J") else None
    text = "".join(s.forms)
    return {
        "titled": float(c.titled and s in c.titles),
        "named": float(c.named and proper(s, tokens)),
        "next_to": _next_to(s, tokens, c.head_noun, c.asked),
        "in_clause": float(_in_clause(s, tokens, c.sets)),
        "closeness": _closeness(s, tokens, c.sets, c.focus),
        "subject": float(particle in ("JX", "JKS")),
        "object": float(particle == "JKO"),
        "same_role": float(c.role is not None and particle is not None and _role(following) == c.role),
        "predicate": _before_predicate(s, tokens, c.predicates),
        "quoted": float(s in c.titles),
        "glossed": float("(" in text),
        "tokens": float(len(s.forms)),
        "proper": float(proper(s, tokens)),
        "one_letter": float(len(text) == 1),
        "position": s.first / max(1, len(tokens)),
        "copula": float(_copula_after(tokens, after)),
        "holds_head": float(c.head_noun is not None and any(f.endswith(c.head_noun) for f in s.forms)),
        "said": sum(f.lower() in c.asked for f in s.forms) / len(s.forms),
        "person": float(s.forms[-1] in PERSON_TITLES or (following is None and after < len(tokens)
                                                          and tokens[after].form in PERSON_TITLES)),
        "someone": float(someone_named(s, c)),
        "framing": float(bool(c.speech) and not any(a <= s.start and s.end <= b for a, b in c.speech)),
    }


def someone_named(s: Span, c: Context) -> bool:
    """Whether a candidate is someone named by a common noun ("소상공인"), not a name."""
    return s.forms[-1] in c.someone and not proper(s, c.tokens)


_ASKING_WORDS = frozenset({"무엇", "뭐", "누구", "무얼", "뭘"})


def _role(particle) -> str:
    """A particle's role: its tag, or for an adverbial particle its form (에게, 로, 에서)."""
    return particle.tag if particle.tag != "JKB" else _SAME_PARTICLE.get(particle.form, particle.form)


def _asked_role(q_tokens: Sequence) -> str | None:
    """The role of the question word ("무엇을 들고" -> object, "누구에게" -> 에게): the answer plays it."""
    for tok, after in zip(q_tokens, q_tokens[1:]):
        if tok.form in _ASKING_WORDS and after.tag.startswith("J"):
            return _role(after)
    return None


def _predicates(q_tokens: Sequence) -> frozenset[str]:
    """The question's verbs and adjectives, and the nouns that 하다 makes verbs of (주장한 -> 주장)."""
    return frozenset(tok.form for i, tok in enumerate(q_tokens)
                     if tok.tag in ("VV", "VA") or (tok.tag == "NNG" and _verbed(q_tokens, i)))


def _verbed(tokens: Sequence, i: int) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1].tag in ("XSV", "XSA")


def _before_predicate(s: Span, tokens: Sequence, predicates: frozenset[str]) -> float:
    """How near before the question's own verb a candidate stands: Korean puts a verb's arguments
    before it ("한나라당은 북한의 책임론을 주장하며" for "책임론을 주장한 당은?")."""
    for k in range(s.after, len(tokens)):
        tok = tokens[k]
        if tok.form in predicates and (tok.tag in ("VV", "VA") or _verbed(tokens, k)):
            return 1.0 / (1 + k - s.after)
    return 0.0


def _copula_after(tokens: Sequence, i: int) -> bool:
    """A candidate that the sentence ends by saying is ("… 유홍의 건상력(乾象曆)이었다")."""
    if i < len(tokens) and tokens[i].tag == "SSO":
        while i < len(tokens) and tokens[i].tag != "SSC":
            i += 1
        i += 1
    # "여당인 한빛당": a copula that modifies the next noun says what that noun is, not this one.
    return (i < len(tokens) and tokens[i].tag == "VCP"
            and not (i + 1 < len(tokens) and tokens[i + 1].tag == "ETM"))

"""Answers that a quote's structure gives, for questions built for them: the option a quote
chooses ("상반기랑 하반기 중 언제 더 많아?"), what someone said (the speech in quotation marks, or the
clause reported before 라고/다고), a definition (the clause that modifies the name asked about:
"24시간 이후 사라지는 '펑' 기능"), who someone named is (the title after
the name), the other of two coordinated things, and each of a list that 각각 pairs with its figures.
:mod:`rag.short_answer` asks these readers first and weighs the candidate spans of
:mod:`rag.answer_spans` only when none answers.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.answer_spans import FULL_NAME, NAMING_TAGS, NOUN_TAGS, PUNCTUATION_TAGS, Span, clause, span, token_gap


_SAID = re.compile(r"(?:뭐|무엇|무어)(?:이)?라고\s*(?:말|했|밝|강조|설명|주장|언급|전망|예상|답|내다|공시|발표)"
                   r"|\bwhat did\b.+\bsay\b", re.I)
_SPEECH = re.compile(r'"([^"\n]{2,400})"|“([^”\n]{2,400})”')


def speeches(quote: str) -> tuple[tuple[int, int], ...]:
    """Where the quote's direct speech ("…") lies, as offsets."""
    return tuple(m.span(m.lastindex) for m in _SPEECH.finditer(quote))


def speech(question: str, tokens: Sequence, quote: str) -> Span | None:
    """"그 사람은 로컬 서비스에 대해선 뭐라고 했어?" asks for what was said: the quote's first words
    in double quotation marks ("지리적으로 가까운 단골 매장을 중심으로 …"), else the first clause it
    reports ("… 오픈채팅방 활용도를 높이겠다는 계획을 밝혔다")."""
    if not _SAID.search(question):
        return None
    match = _SPEECH.search(quote)
    if match is None:
        return reported(tokens, quote)
    start, end = match.span(match.lastindex)
    inside = [i for i, t in enumerate(tokens) if t.start >= start and t.start + t.len <= end]
    return Span(start, end, tuple(tokens[i].form for i in inside), inside[0]) if inside else None


_REPORTING = frozenset({"다는", "라는", "자는", "냐는", "다고", "라고", "자고", "냐고", "ᆫ다는", "는다는", "ᆫ다고",
                        "는다고"})
_SAYING = ("밝히", "설명", "강조", "전망", "예상", "공시", "덧붙이", "주장", "언급", "전하", "발표", "약속", "지적")
_SAYING_NOUNS = frozenset({"말", "답"})
"""Nouns that 하다 makes verbs of saying (말했다 is 말 + 하 to Kiwi)."""
_ENDING_SOUNDS = ("다", "라", "자", "냐")


def _says(tokens: Sequence, k: int) -> bool:
    tok = tokens[k]
    return tok.form.startswith(_SAYING) or (tok.form in _SAYING_NOUNS and k + 1 < len(tokens)
                                             and tokens[k + 1].tag == "XSV")


def reported(tokens: Sequence, quote: str) -> Span | None:
    """The clause that indirect speech reports, from after the sentence's topic or subject to its 다
    (or 라): "카카오는 … 오픈채팅방 활용도를 높이겠다는 계획을 밝혔다" -> "… 오픈채팅방 활용도를
    높이겠다". Only where a verb of saying follows within a noun and its particle ("…다고 말했다",
    "…한다고 밝혔다", "…다는 계획을 밝혔다"); the first such clause of the quote."""
    for j, tok in enumerate(tokens):
        if tok.form not in _REPORTING or tok.tag not in ("ETM", "EC") or not j:
            continue
        if not any(_says(tokens, k) for k in range(j + 1, min(j + 4, len(tokens)))):
            continue
        first = max((k + 1 for k in range(j) if tokens[k].tag == "SF"), default=0)
        topic = next((k for k in range(first, j) if tokens[k].tag == "JKS"
                      or (tokens[k].tag == "JX" and tokens[k].form in ("은", "는"))), None)
        if topic is not None:
            first = topic + 1
        written = quote[tok.start:tok.start + tok.len]
        cut = min((written.find(s) for s in _ENDING_SOUNDS if s in written), default=-1)
        if first >= j or cut < 0:
            continue
        return Span(tokens[first].start, tok.start + cut + 1, tuple(t.form for t in tokens[first:j + 1]), first)
    return None


def definition(q_tokens: Sequence, tokens: Sequence) -> Span | None:
    """"'펑' 기능이 뭐야?" asks what a named thing is; a news sentence says it in the clause that
    modifies the thing ("24시간 이후 사라지는 '펑' 기능"). Only for a question that is a bare noun
    phrase, a subject particle and 뭐/무엇, and a quote that modifies its last noun, with one of the
    phrase's other words when it has any (so "검색 기능" is not taken for "'펑' 기능")."""
    tail = [t for t in q_tokens if t.tag not in ("SF", "SW")]
    at = next((i for i, t in enumerate(tail) if t.form in ("뭐", "무엇") and t.tag == "NP"), None)
    if at is None or at < 2 or tail[at - 1].tag != "JKS" or any(t.tag not in NAMING_TAGS for t in tail[:at - 1]):
        return None
    named = tail[at - 2].form
    others = {t.form for t in tail[:at - 2] if t.tag not in PUNCTUATION_TAGS}
    for i, tok in enumerate(tokens):
        if tok.form != named or not tok.tag.startswith("NN"):
            continue
        end = i - 1
        while end >= 0 and tokens[end].tag in NAMING_TAGS:
            end -= 1
        if end < 0 or tokens[end].tag != "ETM":
            continue
        if others and not others & {t.form for t in tokens[end + 1:i]}:
            continue
        return clause(tokens, end)
    return None


def described(q_tokens: Sequence, tokens: Sequence) -> Span | None:
    """"배재현은 누구야?" asks what the named person is: the title the quote writes after the name
    ("배재현 카카오 투자총괄대표(CIO)는" -> "카카오 투자총괄대표(CIO)")."""
    for i in range(1, len(q_tokens) - 1):
        particle, asked = q_tokens[i], q_tokens[i + 1]
        if particle.tag not in ("JX", "JKS") or asked.form != "누구":
            continue
        first = i  # the name before the particle, which Kiwi may split (배재 + 현)
        while first and q_tokens[first - 1].tag in ("NNP", "NNG") and (
                first == i or token_gap(q_tokens, first - 1) == 0):
            first -= 1
        if first == i or not any(t.tag == "NNP" for t in q_tokens[first:i]):
            return None
        return _title_of(tokens, "".join(t.form for t in q_tokens[first:i]))
    return None


_WHO_IS = re.compile(r"^\s*(?i:who)\s+(?:is|was)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s*\?*\s*$")
""""Who is" and a capitalised name, nothing else ("Who is Hong Eun-taek?"; not "Who is Kakao's CEO?")."""


def described_in_english(question: str, asked: frozenset[str], tokens: Sequence) -> Span | None:
    """"Who is Hong Eun-taek?" asks what the person is, as "홍은택은 누구야?" does: the title the
    quote writes after the name the question's words stand for (the lexicon bridge's 홍은택)."""
    if not _WHO_IS.match(question):
        return None
    for name in sorted(t for t in asked if FULL_NAME.fullmatch(t)):
        found = _title_of(tokens, name)
        if found is not None:
            return found
    return None


def _title_of(tokens: Sequence, name: str) -> Span | None:
    """The title written after ``name``: "배재현 카카오 투자총괄대표(CIO)는" -> "카카오
    투자총괄대표(CIO)"."""
    at = _written(tokens, name)
    if at is None:
        return None
    end, depth = at, 0  # nouns, and a gloss in brackets ("(CIO)"), up to the particle
    while end + 1 < len(tokens) and token_gap(tokens, end) <= 1 and (
            tokens[end + 1].tag in ("NNP", "NNG", "SH") or (tokens[end + 1].tag == "SL" and depth)
            or (tokens[end + 1].tag == "SSO" and not depth) or (tokens[end + 1].tag == "SSC" and depth)):
        end += 1
        depth += {"SSO": 1, "SSC": -1}.get(tokens[end].tag, 0)
    if depth:  # a bracket left open: the title ends before it
        end = max(k for k in range(at, end + 1) if tokens[k].tag == "SSO") - 1
    return span(tokens, at + 1, end) if end > at else None


def _written(tokens: Sequence, name: str) -> int | None:
    """Index of the last token of ``name`` written as one word in ``tokens``, or None."""
    for j in range(len(tokens)):
        text, k = tokens[j].form, j
        while len(text) < len(name) and k + 1 < len(tokens) and token_gap(tokens, k) == 0:
            k += 1
            text += tokens[k].form
        if text == name:
            return k
    return None


def coordinated(q_tokens: Sequence, tokens: Sequence) -> Span | None:
    """"고무탄과 무엇을 발포했는가?" asks for what the quote joins to 고무탄 ("고무탄과 실탄을"): the noun
    phrase after the same noun and 과/와. Only for a question that joins a noun to its question word."""
    for i in range(1, len(q_tokens) - 1):
        if q_tokens[i].tag != "JC" or q_tokens[i - 1].tag not in ("NNG", "NNP"):
            continue
        after = q_tokens[i + 1 + (q_tokens[i + 1].tag == "MAG"):]  # "찰리 패튼과 또 누구"
        if after and after[0].form in ("무엇", "누구", "어디", "어느"):
            joined = q_tokens[i - 1].form
            for j in range(len(tokens) - 2):
                if tokens[j].form == joined and tokens[j + 1].tag == "JC" and tokens[j + 2].tag in NOUN_TAGS:
                    end = j + 2
                    while end + 1 < len(tokens) and tokens[end + 1].tag in NOUN_TAGS and token_gap(tokens, end) <= 1:
                        end += 1
                    return span(tokens, j + 2, end)
            return None
    return None


def chosen_option(q_tokens: Sequence, tokens: Sequence) -> Span | None:
    """"상반기랑 하반기 중 언제 더 많아?" offers two options: the answer is the one the quote names,
    and when it names both, the one it compares the other with in the question's direction
    ("상반기보다 하반기에 더 늘어날": 하반기 has more, 상반기 less)."""
    for i in range(1, len(q_tokens) - 2):
        first, joint, second, among = q_tokens[i - 1], q_tokens[i], q_tokens[i + 1], q_tokens[i + 2]
        if (joint.tag == "JC" and among.form == "중" and among.tag == "NNB"
                and first.tag in NOUN_TAGS and second.tag in NOUN_TAGS):
            named = [j for j, t in enumerate(tokens) if t.form in (first.form, second.form) and t.tag in NOUN_TAGS]
            options = {tokens[j].form for j in named}
            if len(options) == 1:
                return span(tokens, named[0], named[0])
            compared = {tokens[j].form for j in named if j + 1 < len(tokens) and tokens[j + 1].form == "보다"}
            asked, said = _direction(q_tokens), _direction(tokens)
            if len(compared) != 1 or not asked or not said:
                return None
            # "A보다 B에 더 많다" says B has more: a question for more gets B, one for less gets A.
            pick = (lambda form: form not in compared) if asked == said else (lambda form: form in compared)
            chosen = next(j for j in named if pick(tokens[j].form))
            return span(tokens, chosen, chosen)
    return None


_MORE = ("많", "크", "높", "늘", "증가", "커지", "길")
_LESS = ("적", "작", "낮", "줄", "감소", "짧")


def respective(tokens: Sequence, spans: Sequence[Span], asked: frozenset[str]) -> Span | None:
    """"미디어와 게임 매출은 각각 38%, 20% 감소했다": the answer about the item the question names
    (미디어) is the candidate in the same place of the list after 각각 (38%)."""
    for k, tok in enumerate(tokens):
        if tok.form != "각각":
            continue
        items = _listed_before(tokens, k)
        end = next((j for j in range(k + 1, len(tokens)) if tokens[j].tag[:1] in ("V", "E")
                    or tokens[j].tag in ("XSV", "XSA")), len(tokens))
        listed = sorted((s for s in spans if k < s.first and s.after <= end), key=lambda s: s.first)
        named = [n for n, item in enumerate(items) if item in asked]
        if len(items) >= 2 and len(listed) == len(items) and len(named) == 1:
            return listed[named[0]]
    return None


def _listed_before(tokens: Sequence, k: int) -> list[str]:
    """The noun that names each item of the list that ends before token ``k`` ("미디어와 게임 매출은":
    미디어, 게임): the noun before each 와/과 or comma, and the first noun of the last item, whose
    other nouns are the head the items share."""
    j = k - 1
    while j >= 0 and tokens[j].tag.startswith("J") and tokens[j].tag != "JC":
        j -= 1
    last = j
    while last > 0 and tokens[last - 1].tag in NOUN_TAGS:
        last -= 1
    if j < 0 or tokens[j].tag not in NOUN_TAGS:
        return []
    items = [tokens[last].form.lower()]
    j = last - 1
    while j >= 1 and (tokens[j].tag == "JC" or tokens[j].form == ",") and tokens[j - 1].tag in NOUN_TAGS:
        items.append(tokens[j - 1].form.lower())
        j -= 2
        while j >= 0 and tokens[j].tag in NOUN_TAGS:
            j -= 1
    return items[::-1]


def _direction(tokens: Sequence) -> str | None:
    """Which way a comparison with 더 goes: "더 많아" more, "더 적어" less; None without one."""
    for i, tok in enumerate(tokens[:-1]):
        if tok.form == "더" and tok.tag == "MAG":
            word = tokens[i + 1].form
            if word.startswith(_MORE):
                return "more"
            if word.startswith(_LESS):
                return "less"
            return None
    return None

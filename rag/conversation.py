"""Follow-up questions completed from the earlier turns, without an LLM.

"그럼 영업이익은?" after "카카오 2분기 매출은 얼마였어?" means "카카오 2분기 영업이익은?". Chat RAG
systems rewrite a follow-up with an LLM (LangChain's history-aware retriever); here Kiwi's analysis
and the corpus vocabulary decide instead:

* a question is a follow-up when it opens with a conjunction (그럼, And, What about), points back
  (그, 그거, 거기, it, they, he) or says too little to stand alone (two nouns or fewer);
* it gets back the words of the last answered question that it does not say itself: subject, time
  and topic. A figure it names (영업이익, margin) replaces the figure asked before (매출, profit),
  and so does a time it names ("3분기는?", "by year-end"), unless relative to it ("a year earlier");
* "What was it at the end of last year?" asks the figure or time the question before asked for
  ("How many …?"), at that time;
* a person it points to (그 사람, he, she) is the person the last answer quoted;
* a question that names a subject the corpus never mentions ("네이버는?", "What about Naver?") is
  about that subject: it is left alone, so it is refused rather than answered about Kakao.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from typing import Mapping, Sequence

from rag.answer import NOT_IN_ARTICLE
from rag.bridge import STOP_LEMMAS, Bridge
from rag.config import MAX_QUESTION_CHARS
from rag.errors import QuestionError
from rag.kiwi import kiwi
from rag.lexical import CONTENT_TAGS, quoted_alone
from rag.lexicon import lemma
from rag.names import verb_stem
from rag.question_kind import AIM_WORDS, FIGURE_NOUNS, PERSON_TITLES, TIME_UNITS, TIME_WORDS, kind_of
from rag.retrieval import Ranking, hangul_share
from rag.romanize import person_name

MAX_TURNS = 20
"""Only the latest turns are read: a follow-up refers to what was just said."""

MAX_ANSWER_CHARS = 4000
"""Of an earlier answer, only the start is read: enough for its quote, bounded for any client."""
_WORD_TAGS = frozenset({"NNG", "NNP", "SN", "NR", "SL", "SH", "XR", "XSN", "NNB", "W_SERIAL"})
_ASKING = frozenset({"얼마", "무엇", "뭐", "언제", "어디", "누구", "몇", "이유", "알", "어떻", "정도"})
"""Question words and their stems: what a question asks, never what it is about."""
_ASKING_PRONOUNS = frozenset({"뭐", "무엇", "누구", "어디", "언제"})
_PERSONS = frozenset({"사람", "분", "이", "사람들", "분들"})
_DEMONSTRATIVES = frozenset({"그", "이", "저", "그런", "이런", "저런", "그러한", "이러한"})
_LEAD_EN = re.compile(r"^\s*(?:and|so|but|then|also|ok(?:ay)?|(?:and\s+)?(?:what|how)\s+about)\b[\s,]*", re.I)
_POINTER_EN = re.compile(r"\b(?:it|its|they|them|their|that|those|these|this|there)\b", re.I)
_DEMONSTRATIVE_EN = re.compile(r"\b(?:that|those|these|this)\s+([A-Za-z][A-Za-z'’-]*)", re.I)
_PERSON_EN = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.I)
_ONE_EN = re.compile(r"\b(?:the|a|an|this|that|which)\s+(?!number\b)(?:[A-Za-z][A-Za-z-]*\s+)?(ones?)\b(?![-\w'’])(?!\s+of\b)",
                     re.I)
""""the lightweight one": "one" stands for the noun the question before asked about."""
_MONTHS_EN = frozenset("january february march april may june july august september october november december".split())
_TIME_EN = frozenset("year month week day quarter half end start beginning today yesterday tomorrow earlier later"
                     .split()) | _MONTHS_EN
_BEFORE_TIME_EN = frozenset({"first", "second", "third", "fourth", "last", "next", "previous", "past", "coming", "this"})
_PERIODS_EN = frozenset({"year", "quarter", "half", "month", "week"})
_RELATIVE_EN = re.compile(r"\b(?:earlier|later|ago|before|after|prior|previous(?:ly)?|than|compar\w*|versus|vs|"
                          r"year-on-year|yoy|from|same period)\b", re.I)
_RELATIVE = frozenset({"전", "후", "이전", "이후", "뒤", "전년", "대비", "보다", "비교", "비하", "동기", "기간", "이맘때"})
_WHAT_IT_EN = re.compile(r"\s*what\s+(?:was|is|were|are)\s+(?:it|that|they|this|those)\b"
                         r"(?=\s*(?:[?.!,]|$|(?:at|in|on|by|for|during|before|after|back|then|a|an|the|last|next)\b|\d))",
                         re.I)
""""What was it at the end of last year?"; not "What was this quarter's revenue?", where "this" is
a determiner."""
_FIGURE_ASKING_EN = re.compile(r"\b(?:how\s+(?:much|many|long)|when)\b", re.I)
"""What a figure or a time is asked with: the question words a "what was it then?" takes over."""
_CITATION_MARK = re.compile(r"\s*\[\d+\]")
_WORD_EN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
_PERIOD_EN = re.compile(r"[QH][1-4]|[1-4][QH]", re.I)
"""Q2, 2Q, H1: a quarter or a half written short."""


@dataclass(frozen=True)
class Completion:
    searched: str
    """The standalone question retrieval uses."""
    own: str
    """What the follow-up says itself, without conjunctions and the phrases that point back
    ("그 모델 이름은?" -> "이름은?"): what answerability checks in the cited document."""
    previous: str | None = None
    """The last answer's text, when the follow-up names no topic of its own ("By how much?",
    "왜?"): its answer is most likely in the passage that answer quoted."""

    @cached_property
    def previous_quote(self) -> str | None:
        """The quote of the last answer, for a follow-up that names no topic of its own."""
        if not self.previous:
            return None
        return _CITATION_MARK.sub("", self.previous).strip() or None

    def stay_on(self, ranking: Ranking) -> Ranking:
        """``ranking`` with the passage the last answer quoted first, when it is among the hits."""
        quote = self.previous_quote
        if not quote:
            return ranking
        first = next((i for i, h in enumerate(ranking.hits) if quote[:80] in h.passage.text), None)
        if not first:
            return ranking
        hits = [ranking.hits[first], *ranking.hits[:first], *ranking.hits[first + 1:]]
        return dataclasses.replace(ranking, hits=hits)


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str | None
    """The assistant's reply as plain text, None when there was none."""

    @property
    def answered(self) -> bool:
        return self.answer is None or not any(r.rstrip(".") in self.answer for r in NOT_IN_ARTICLE.values())


def turns(history: object) -> list[Turn]:
    """The user questions of ``history`` with the replies to them, oldest first. ``history`` is
    a list of ``{"role": "user"|"assistant", "content": str}`` (Gradio's and OpenAI's messages)."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise QuestionError("history must be a list of {'role': 'user'|'assistant', 'content': str} messages")
    result: list[Turn] = []
    for message in list(history)[-2 * MAX_TURNS:]:
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant"):
            raise QuestionError("each history message needs a role of 'user' or 'assistant' and a content")
        content = _content_text(message.get("content"))
        if content is None:
            continue  # files or components of a chat: nothing to read
        if message["role"] == "user":
            result.append(Turn(_answer_text(content[:4 * MAX_QUESTION_CHARS])[:MAX_QUESTION_CHARS].strip(), None))
        elif result and result[-1].answer is None:
            result[-1] = Turn(result[-1].question, _answer_text(content[:8 * MAX_ANSWER_CHARS])[:MAX_ANSWER_CHARS])
    return [t for t in result if t.question]


def _content_text(content: object) -> str | None:
    """A message's text: a string, or Gradio's and OpenAI's list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [b.get("text") for b in content if isinstance(b, Mapping) and b.get("type") == "text"]
        return "\n".join(t for t in texts if isinstance(t, str)) or None
    return None


class _AnswerText(HTMLParser):
    """The text of an answer rendered by :mod:`rag.render`: its ``answer`` block when there is one
    (citations quote whole passages, full of other names), else all of it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.all: list[str] = []
        self.answer: list[str] = []
        self._depth = 0  # >0 inside <div class="answer">

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += tag == "div"
        elif tag == "div" and ("class", "answer") in attrs:
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.all.append(data)
        if self._depth:
            self.answer.append(data)


def _answer_text(content: str) -> str:
    """A message as plain text: the page's messages are HTML (escaped text, ``<br>`` for newlines)."""
    if "<" not in content:
        return html.unescape(content)
    parser = _AnswerText()
    parser.feed(re.sub(r"<br\s*/?>", "\n", content))
    parser.close()
    return "".join(parser.answer or parser.all)


@dataclass(frozen=True)
class _Context:
    question: str
    """The standalone form of the last answered question."""
    answer: str | None


class FollowUps:
    """Completes follow-up questions against one corpus's vocabulary (and names, for English)."""

    def __init__(self, vocabulary: Mapping[str, int], bridge: Bridge | None = None) -> None:
        self.vocabulary = vocabulary
        self.bridge = bridge

    def complete(self, question: str, history: object = None) -> Completion:
        """The standalone question that retrieval should use: ``question`` itself when nothing is
        carried over."""
        context: _Context | None = None
        for turn in turns(history):
            standalone = self._complete(turn.question, context).searched
            if turn.answered:
                context = _Context(standalone, turn.answer)
        return self._complete(question, context)

    def _complete(self, question: str, context: _Context | None) -> Completion:
        alone = Completion(question, question)
        if context is None:
            return alone
        english = _english(question)
        tokens = kiwi().tokenize(question)
        if self._names_another_subject(question, tokens, english):
            return alone
        if english and _ONE_EN.search(question):
            question = self._one_replaced(question, _words(context.question, kiwi().tokenize(context.question),
                                                           _english(context.question)))
        lead = _LEAD_EN.match(question) if english else None
        opens = bool(lead) or bool(tokens and tokens[0].tag == "MAJ")
        pointer = (bool(_POINTER_EN.search(question)) if english
                   else any(_points_back(tokens, i) for i in range(len(tokens))))
        to_person = bool(_PERSON_EN.search(question)) if english else _points_to_person(tokens)
        asked = _words(question, tokens, english)
        if not (opens or pointer or (english and to_person) or len(asked) <= 2):
            return alone
        said = {k for w in asked for k in w.keys}
        # An aim is the aim of the figure asked before: "연말 목표는?" after the users of a tab asks for
        # their year-end target, and does not replace them as "영업이익은?" replaces 매출.
        figure = bool(said & (FIGURE_NOUNS - AIM_WORDS))
        # A follow-up with a topic of its own ("그 사람은 로컬 서비스에 대해선?") keeps only the names
        # and times of the question before; an elliptic one ("게임은?") keeps its topic too, and so
        # does one that points at a thing said before ("거기서 돈은 어떻게 벌어?", "Who gets to see
        # those posts?").
        to_thing = pointer and (english or not to_person)
        own_topic = sum(not w.anchor for w in asked) >= 2 and not to_thing
        # A question for a time asks for the one the last question named: "그럼 AI 투자 피크는 언제래?"
        # after a question about Q2 costs is not about Q2; and a time the follow-up names replaces the
        # one before ("연말 목표는?" after "지난해 말엔?", "What about Q3?" after a Q2 figure), unless it
        # is relative to it ("a year earlier", "1년 전엔?").
        own_time = _names_a_time(question, tokens, english) and not _relative(question, tokens, english)
        new_time = own_time or kind_of(question) == "time"
        carried = []
        before = _words(context.question, kiwi().tokenize(context.question), _english(context.question))
        replaced = _figure_phrases(before, context.question) if figure else set()
        for i, word in enumerate(before):
            # A follow-up's own topic keeps the times before ("And the operating profit?" after a
            # question about the second quarter), unless it names or asks for one of its own.
            if word.keys & said or i in replaced or (own_topic and not word.anchor and not word.time) \
                    or (new_time and word.time):
                continue
            carried.append(word.surface)
        person = _person(context.answer) if to_person and context.answer else None
        if person:
            # "홍 대표" is Hong in English; a name the question before already wrote is not doubled.
            shown = person_name(person.split()[0]) if english else person
            if not _named_among(shown, carried):
                carried.insert(0, shown)
        if not carried:
            return alone
        rest = question[lead.end():] if lead else question
        if tokens and tokens[0].tag == "MAJ":
            rest = question[tokens[0].start + tokens[0].len:]
        own = _own(rest, english)
        if english and _WHAT_IT_EN.match(rest) and (own_time or _relative(question, tokens, english)):
            rest = _same_ask(rest, context.question)
        elliptic = all(w.anchor for w in asked)
        # The person stands in for what pointed to them: "그 사람은 …" searches for 홍 대표, not for 사람,
        # which the article writes of anyone ("원하는 사람에게만").
        return Completion(" ".join([*dict.fromkeys(carried), (own if person else rest).strip()]), own,
                          context.answer if elliptic else None)

    def _one_replaced(self, question: str, before: Sequence[_Word]) -> str:
        """"What about the lightweight one?" after a question about a foundation model asks about the
        lightweight model: "one" takes the last word of the question before, when that is a noun
        (a word whose translations in the corpus are not all verbs: not "announce" or "grow")."""
        match = _ONE_EN.search(question)
        last = next((w.surface for w in reversed(before) if not w.anchor and not w.time), None)
        if match is None or last is None or self.bridge is None or not self._is_noun(last):
            return question
        noun = last + "s" if match.group(1).lower() == "ones" and not last.endswith("s") else last
        return question[:match.start(1)] + noun + question[match.end(1):]

    def _is_noun(self, word: str) -> bool:
        assert self.bridge is not None
        groups = self.bridge.translate(word).groups
        return len(groups) == 1 and groups[0].state == "found" and not all(verb_stem(t) for t in groups[0].terms)

    def _names_another_subject(self, question: str, tokens: Sequence, english: bool) -> bool:
        """A name the corpus never mentions: the follow-up is about something else."""
        if any(t.tag == "NNP" and t.form.lower() not in self.vocabulary for t in tokens):
            return True
        return bool(english and self.bridge is not None and self.bridge.translate(question).unknown_names)


def _figure_phrases(words: Sequence[_Word], question: str) -> set[int]:
    """Which of ``words`` name a figure, with the plain words written just before it ("operating
    margin", "net income"): a follow-up's own figure replaces the whole phrase."""
    replaced = set()
    for i, word in enumerate(words):
        if word.keys & FIGURE_NOUNS:
            replaced.add(i)
            j = i - 1
            while j >= 0 and not words[j].anchor and not words[j].quoted \
                    and f"{words[j].surface} {words[j + 1].surface}" in question:
                replaced.add(j)
                j -= 1
    return replaced


def _same_ask(rest: str, before: str) -> str:
    """"What was it at the end of last year?" after "How many people use …?" asks for the same
    figure at another time (or one relative to it: "a year earlier"): how many, not what. Only a
    figure or a time: after "Why …?" it still asks what it was."""
    found = _FIGURE_ASKING_EN.search(before)
    what = re.match(r"\s*what", rest, re.I)
    if found is None or what is None:
        return rest
    return found.group()[:1].upper() + found.group()[1:] + rest[what.end():]


def _named_among(name: str, words: Sequence[str]) -> bool:
    """Whether every word of a name is one of ``words`` ("Hong Eun-taek" among "… Hong Eun-taek
    …"), compared by letters: not An inside "announced"."""
    def letters(word: str) -> str:
        return "".join(ch for ch in word.lower() if ch.isalpha())

    carried = {letters(w) for w in " ".join(words).split()}
    return all(letters(part) in carried for part in name.split())


def _english(text: str) -> bool:
    return hangul_share(text) == 0


def _own(rest: str, english: bool) -> str:
    """The follow-up without what points back: "그 서비스 요금은 얼마래?" -> "요금은 얼마래?"."""
    if english:
        # "those posts", "that model": the earlier turn's thing, as 그 모델 is in Korean.
        rest = _DEMONSTRATIVE_EN.sub(lambda m: " " if lemma(m.group(1)) not in STOP_LEMMAS else m.group(), rest)
        return " ".join(_POINTER_EN.sub(" ", _PERSON_EN.sub(" ", rest)).split())
    tokens = kiwi().tokenize(rest)
    drop = []
    for i, tok in enumerate(tokens):
        # 그 모델, 그 사람들: the earlier turn's thing, one word; what follows is the follow-up's own
        # ("그 사람들 하루 평균은?" asks about 하루 평균).
        if _demonstrative(tokens, i):
            j = i + 1
            while j < len(tokens) and tokens[j].tag in ("NNG", "NNP", "NNB", "XSN") and (
                    j == i + 1 or tokens[j].start == tokens[j - 1].start + tokens[j - 1].len):
                j += 1
            drop.append((tok.start, _particles_end(tokens, j - 1)))
        elif tok.tag == "NP" and tok.form not in _ASKING_PRONOUNS:
            drop.append((tok.start, _particles_end(tokens, i)))
    for start, end in reversed(drop):
        rest = rest[:start] + " " + rest[end:]
    return " ".join(rest.split())


def _points_to_person(tokens: Sequence) -> bool:
    """그 사람, 그분, 그녀, 그가 (the pronoun 그): not 그 이유, 그 분기."""
    for i, tok in enumerate(tokens):
        if tok.tag == "NP" and tok.form in ("그", "그녀", "그분"):
            return True
        if tok.form == "그" and _demonstrative(tokens, i) and i + 1 < len(tokens) and tokens[i + 1].form in _PERSONS:
            return True
    return False


def _points_back(tokens: Sequence, i: int) -> bool:
    """그거, 거기, 그 (모델): a pronoun or demonstrative, not a question word (뭐, 몇, 어느)."""
    tok = tokens[i]
    return (tok.tag == "NP" and tok.form not in _ASKING_PRONOUNS) or _demonstrative(tokens, i)


def _demonstrative(tokens: Sequence, i: int) -> bool:
    """그, 이, 저 before a noun: Kiwi tags them MM, or IC when they open the question ("그 서비스
    요금은?"), as it tags the interjection of "그, 뭐였지?", which points at nothing."""
    tok = tokens[i]
    if tok.form not in _DEMONSTRATIVES:
        return False
    return tok.tag == "MM" or (tok.tag == "IC" and i + 1 < len(tokens) and tokens[i + 1].tag in ("NNG", "NNP"))


def _particles_end(tokens: Sequence, i: int) -> int:
    """Where token ``i`` ends with its particles: 그 사람|은, 거기|서."""
    while i + 1 < len(tokens) and tokens[i + 1].tag.startswith("J"):
        i += 1
    return tokens[i].start + tokens[i].len


@dataclass(frozen=True)
class _Word:
    surface: str
    keys: frozenset[str]
    """Kiwi morphemes or English lemmas, lower-cased."""
    anchor: bool
    """A name or a time (카카오, 2분기, 하반기, Kakao, Q2): what a follow-up with a topic of its own
    still shares with the question before it."""
    time: bool = False
    """A time (2분기, 하반기, Q2, year): what a question for a time does not take from the one before."""
    quoted: bool = False
    """Written alone in quotation marks ('톡딜'): a name, never part of the figure it stands before."""


def _words(question: str, tokens: Sequence, english: bool) -> list[_Word]:
    """The question's content words as written; question words and function words left out."""
    if english:
        # An acronym is a name, whatever a lemmatiser makes of it (simplemma reads AI as "be").
        shouted = question.isupper()
        found = [w for w in _WORD_EN.findall(question) if (w.isupper() and len(w) > 1 and not shouted)
                 or (lemma(w) not in STOP_LEMMAS and w.lower() not in STOP_LEMMAS)]
        times = [_time_en(w) for w in found]
        # "second half", "last year", "next quarter": the word before a time is part of it.
        times = [t or (lemma(w) in _BEFORE_TIME_EN and k + 1 < len(found) and times[k + 1])
                 for k, (w, t) in enumerate(zip(found, times))]
        return [_Word(w, frozenset({w.lower(), lemma(w)}),
                      w[:1].isupper() or any(c.isdigit() for c in w) or _time_en(w), t)
                for w, t in zip(found, times)]
    result = []
    run: list = []
    for i, tok in enumerate([*tokens, None]):
        if tok is not None and quoted_alone(tokens, i) and tok.tag[:1] not in ("J", "E", "X"):
            # '펑', a topic whatever Kiwi tags it, carried with its quotation marks so that it is
            # searched as one (rag.lexical keeps a word alone in quotation marks); not the particle
            # between two quoted names ("'선물하기'와 '톡딜'").
            close = tokens[i + 1]
            result.append(_Word(question[tokens[i - 1].start:close.start + close.len], frozenset({tok.form}), False,
                                quoted=True))
            continue
        if tok is not None and tok.tag in _WORD_TAGS and (not run or tok.start == run[-1].start + run[-1].len):
            run.append(tok)
            continue
        keys = frozenset(t.form.lower() for k, t in enumerate(run) if t.tag in CONTENT_TAGS and t.form not in _ASKING
                         and (t.tag != "NNB" or (k and run[k - 1].tag in ("SN", "NR")))  # 거, 중; but 1200만명
                         # English function words of a mixed question ("… How much of that went to AI?")
                         and (t.tag != "SL" or lemma(t.form) not in STOP_LEMMAS))
        if keys:
            anchor = any(t.tag in ("NNP", "SN") or t.form in TIME_WORDS or t.form[:1].isupper() for t in run)
            time = any(t.form in TIME_WORDS or t.form in TIME_UNITS for t in run)
            result.append(_Word(question[run[0].start:run[-1].start + run[-1].len], keys, anchor, time))
        run = [tok] if tok is not None and tok.tag in _WORD_TAGS else []
    return result


def _person(answer: str) -> str | None:
    """The first person the answer names: a proper noun followed by a title ("홍 대표", "배재현 …
    투자총괄대표")."""
    tokens = kiwi().tokenize(answer)
    for i, tok in enumerate(tokens):
        title = next((t.form for t in tokens[i + 1:i + 4]
                      if t.form in PERSON_TITLES or t.form[-2:] in PERSON_TITLES), None)
        if tok.tag == "NNP" and title:
            return tok.form if len(tok.form) > 1 else f"{tok.form} {title}"  # 배재현; 홍 대표
    return None


def _time_en(word: str) -> bool:
    """A time written in English: "year", "December", "Q2", and "year-end", "mid-year" by their
    parts (not "start-ups" or "end-user")."""
    parts = [lemma(part) for part in word.split("-")]
    return bool(_PERIOD_EN.fullmatch(word)) or (
        any(p in _TIME_EN for p in parts) and all(p in _TIME_EN or p in _BEFORE_TIME_EN or p == "mid" for p in parts))


def _names_a_time(question: str, tokens: Sequence, english: bool) -> bool:
    """Whether a follow-up names a time of its own, one that replaces the time before: a month, a
    quarter or a half by its number ("3분기", "10월", "Q3", "the first half"), a named time (연말, 내년,
    "year-end", "next year"); not a bare unit ("1주당", "per day", "the end-user price")."""
    if english:
        written = _WORD_EN.findall(question)
        words = [lemma(w) for w in written]
        # A month is capitalised: "May", not the "may" of "How much may it grow?".
        return any((w in _MONTHS_EN and written[k][:1].isupper()) or bool(_PERIOD_EN.fullmatch(w)) or (
            "-" in w and _time_en(w)) or (w in _PERIODS_EN and k and words[k - 1] in _BEFORE_TIME_EN)
            for k, w in enumerate(words))
    return any(t.form in TIME_WORDS or (t.form in _NUMBERED_TIMES and k and tokens[k - 1].tag == "SN")
               for k, t in enumerate(tokens))


_NUMBERED_TIMES = frozenset({"월", "분기"})
"""Units that make a month or a quarter of a number (10월, 3분기); not 년, 일 or 시, which also
count a duration ("3일 동안", "5년간"), nor 주, also a share ("1주당")."""


def _relative(question: str, tokens: Sequence, english: bool) -> bool:
    """Whether a question says a time relative to another, or compares with one ("a year earlier",
    "than last year", "1년 전엔?", "지난해보다", "작년과 비교하면", "같은 기간")."""
    if english:
        return bool(_RELATIVE_EN.search(question))
    return any(t.form in _RELATIVE for t in tokens)

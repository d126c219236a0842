"""The lexicon bridge: an English (or mixed) question in the corpus's Korean terms.

Dictionary-based cross-language retrieval (Pirkola 1998; Ballesteros & Croft 1997): each
English content word, lemmatised and matched as part of the longest gloss phrase first ("share
price", "second half", "net profit"), becomes the set of its Korean translations (``rag.lexicon``)
that occur in the corpus. All translations of one word count as one query term, a synonym set
with the union's document frequency, so an ambiguous word cannot outweigh a precise one.

Each word ends up in one of these states, which answerability weighs differently:

* ``found``: some translation occurs in the corpus;
* ``absent``: the lexicon knows the word but none of its translations occurs: the concept is
  missing from the corpus, a strong sign that it does not answer the question;
* ``name``: a Latin-script name or loanword that matches a corpus word by romanisation
  (KakaoTalk / 카카오톡, Hong Eun-taek / 홍은택, foundation / 파운데이션);
* ``unknown``: neither: neutral;
* ``unknown-name``: a capitalised name that matches nothing: someone or something the corpus never
  mentions (Naver, Rolls-Royce). Acronyms (DAU) are ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Literal, Mapping

from rag.aliases import key as alias_key
from rag.lexicon import Lexicon, is_english, lemma, phrases
from rag.names import NameIndex, verb_stem

_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*")
_NEGATION = re.compile(r"n['’]t\b", re.I)
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’](?:s\b|(?![A-Za-z]))")
"""Kakao's, companies': not the apostrophe inside a word (O'clock, jumpin')."""
_AGENTS = frozenset("자인원가사")
"""Suffixes of Korean nouns for the person who does something (진행자, 투자가, 회사원)."""
_SUBJECT_ACRONYM = re.compile(r"\b(?i:will|would|did|does|do|is|was|are|were|has|have|had|can|could|should|may|might)"
                              r"\s+([A-Z][A-Z0-9])\s+(?![a-z]+[^s\W]s\b)[a-z]")
"""Two capitals that an auxiliary puts in the subject's place, before a verb ("When will LG release
…?", "Did SK launch …?"): in Korean news a group or a company (LG, SK, KT, CJ), which a document
that never writes it does not answer for. Not before a plural noun ("did VR sales grow"), nor a
longer acronym, which may be a metric ("How much did DAU grow?")."""
_QUARTER = re.compile(r"\b(?:Q([1-4])|([1-4])Q)\b", re.I)
STOP_LEMMAS = frozenset(
    "a an the be is are was were been being do does did done of in on at to for by with from and or but not no "
    "what when where who whom whose which why how much many will would can could shall should may might must it "
    "its this that these those there their they them he him his she her we our us you your i me my about as into "
    "than then so if also any some such other more most very just only still yet ever again there here now "
    "s t get got have has had go going say said tell know let hundred thousand million billion trillion".split()
)
"""English function words and question words: they carry no content to translate."""
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
"""English ordinals as the digits Korean writes (2분기, 3분기); "Q2" is read as "second quarter"."""
_ORDINALS_BY_NUMBER = {digit: word for word, digit in _ORDINALS.items()}
State = Literal["found", "absent", "name", "unknown", "unknown-name"]


@dataclass(frozen=True)
class Group:
    """One source word or phrase of the question and the corpus terms standing for it."""

    source: str
    state: State
    terms: tuple[str, ...] = ()
    senses: int = 0
    """How many translations the lexicon has for the word, found or not: a word of many senses
    ("operate": 운영, 작용, 가동 …) is weaker evidence than a precise one ("dividend": 배당금), of a
    match when found and of a missing concept when absent."""
    loose: bool = False
    """The terms translate phrases the word ends ("net revenue" -> 순수익 for "revenue"), not the
    word itself."""


@dataclass(frozen=True)
class Bridged:
    """An English or mixed question in corpus terms."""

    groups: tuple[Group, ...]

    @property
    def unknown_names(self) -> tuple[str, ...]:
        return tuple(g.source for g in self.groups if g.state == "unknown-name")

    @property
    def term_sets(self) -> tuple[tuple[str, ...], ...]:
        """Synonym sets for BM25: one per found word, and one per part of a matched name. A name's
        parts are all required, as a Korean question's compound is (오픈채팅: 오픈 and 채팅): were they
        synonyms, a passage on 오픈라운지 would match Open Chat as well as one on 오픈채팅."""
        return tuple(s for g in self.groups for s in _sets(g))

    def group_of(self, word: str) -> Group | None:
        """The group whose English source ends in ``word``, compared by lemma ("revenues" finds
        "revenue", "income" finds "net income")."""
        wanted = lemma(word.lower())
        return next((g for g in self.groups if g.source and lemma(g.source.lower().split()[-1]) == wanted), None)

    def set_weights(self, ambiguity: float) -> tuple[float, ...]:
        """A BM25 weight for each of :attr:`term_sets`: (number of translations) ** -``ambiguity``,
        the uniform translation probability of probabilistic structured queries (Darwish & Oard
        2003) at ``ambiguity`` = 1, so that a word of many senses cannot outweigh a precise one."""
        return tuple(max(g.senses, 1) ** -ambiguity for g in self.groups for _ in _sets(g))


def _sets(group: Group) -> tuple[tuple[str, ...], ...]:
    if group.state == "name":
        return tuple((t,) for t in group.terms)
    return (group.terms,) if group.terms else ()


class Bridge:
    """Translates questions against one corpus: its vocabulary and its names (``NameIndex``).

    Safe to share between threads: the name index is built before use and read-only, and the
    cache of translated words only ever gains entries (a race recomputes the same value).
    """

    def __init__(self, lexicon: Lexicon, vocabulary: Mapping[str, int], names: NameIndex,
                 aliases: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary
        self.names = names
        self.aliases = aliases or {}
        """Latin names the corpus spells in Hangul (``rag.aliases.harvest``)."""
        self._seen: dict[tuple[tuple[str, ...], bool, bool], tuple[Group, ...]] = {}
        """Translations of runs already seen: a corpus translates each run of words the same way."""

    def translate(self, question: str) -> Bridged:
        text = _QUARTER.sub(lambda m: f"{_ORDINALS_BY_NUMBER[m.group(1) or m.group(2)]} quarter", question)
        text = _POSSESSIVE.sub("", _NEGATION.sub(" not", text))
        groups: list[Group] = []
        for run, capitalised, sure in _runs(text):
            key = (tuple(run), capitalised, sure)
            translated = self._seen.get(key)
            if translated is None:
                translated = tuple(self._translate_run(run, capitalised, sure))
                if capitalised and sure:
                    translated = _compound_names(translated)
                if len(self._seen) < 100_000:
                    self._seen[key] = translated
            groups.extend(translated)
        acting = set(_SUBJECT_ACRONYM.findall(text))
        return Bridged(tuple(Group(g.source, "unknown-name") if g.state == "absent" and g.source in acting else g
                             for g in self._after_names(groups, text)))

    def _compound(self, firsts: Iterable[str], second: str) -> tuple[str, ...]:
        """The corpus's compounds of a Korean word for the first English word and one for the second
        (chat room -> 채팅 + 방 = 채팅방): Korean writes a noun compound as one word, which the
        lexicon rarely lists (krdict has 대화방) and Kiwi keeps whole. Compositional translation of
        compounds, checked against the corpus vocabulary (Tanaka & Baldwin 2003)."""
        seconds = self._parts(second)
        # Only the head may be one syllable: two would make common words by chance ("guest room" ->
        # 손 + 실 = 손실, "prize win" -> 상승).
        return tuple(dict.fromkeys(a + b for a in firsts for b in seconds if len(a) >= 2 and a + b in self.vocabulary))

    def _parts(self, word: str) -> list[str]:
        """The Korean words that may stand for an English word inside a compound, by its stems too."""
        return [t for key in _variants(lemma(word)) for t in self.lexicon.parts(key)]

    def _after_names(self, groups: list[Group], text: str) -> list[Group]:
        """A plain word right after a name may end the compound the corpus writes ("Open Chat rooms"
        -> 오픈채팅방, where the name's 채팅 and the room's 방 make one word): when the word itself finds
        nothing, the name's last part and the word's translation stand for it together."""
        out = list(groups)
        for k in range(1, len(groups)):
            group, before = groups[k], groups[k - 1]
            if before.state == "name" and before.terms and group.state in ("absent", "unknown") \
                    and " " not in group.source and group.source.islower() \
                    and re.search(rf"\b{re.escape(before.source)}\s+{re.escape(group.source)}\b", text):
                terms = self._compound(before.terms[-1:], group.source)
                if terms:
                    out[k] = Group(group.source, "found", terms, 1)
        return out

    def _loan_pair(self, first: str, second: str) -> Group | None:
        """Two plain words that the corpus writes as one loanword compound (open chat / 오픈채팅)."""
        if lemma(first) in STOP_LEMMAS or lemma(second) in STOP_LEMMAS or " ".join(
                (lemma(first), lemma(second))) in self.lexicon:
            return None
        terms = self.names.match(f"{first} {second}")
        return Group(f"{first} {second}", "name", terms) if terms and len(terms) > 1 else None

    def _translate_run(self, words: list[str], capitalised: bool, sure: bool = True) -> list[Group]:
        """``sure`` is False for a question's capitalised first word standing alone: tried as a
        name, but not taken for an unknown name when nothing matches ("Summarise …")."""
        # A name the corpus spells in Hangul itself comes first, even when the corpus also has its
        # Latin words: a news article writes "누리게임즈(Nuri Games)" once and 누리게임즈 everywhere else.
        named = capitalised and self._as_name(words, lambda name: self.aliases.get(alias_key(name)), 1)
        if named:
            return named
        # Words the corpus writes the same way (AI, CIO, LLM) stand for themselves and split a run.
        same = [i for i, w in enumerate(words) if w.lower() in self.vocabulary and w.lower() not in STOP_LEMMAS]
        if same:
            out: list[Group] = []
            for i, part in zip([-1, *same], [*same, len(words)]):
                if i >= 0:
                    out.append(self._same_word(words[i], capitalised, sure))
                if words[i + 1:part]:
                    out.extend(self._translate_run(words[i + 1:part], capitalised, sure))
            return out
        named = capitalised and self._as_name(words, self.names.match, 2)
        if named:
            return named
        lemmas = [lemma(w) for w in words]
        # Phrases with a function word inside ("going to", "many people") are idioms of the
        # lexicon, not of the question: their words are translated one by one.
        spans = [piece for span in phrases(lemmas, self.lexicon) for piece in (
            [(j, j + 1, lemmas[j]) for j in range(span[0], span[1])]
            if span[1] - span[0] > 1 and any(lemmas[j] in STOP_LEMMAS for j in range(span[0], span[1]))
            else [span])]
        out: list[Group] = []
        i = 0
        while i < len(spans):
            start, end, key = spans[i]
            if not capitalised and end - start == 1 and i + 1 < len(spans) and spans[i + 1][1] - spans[i + 1][0] == 1:
                pair = self._loan_pair(words[start], words[start + 1])
                if pair is not None:
                    out.append(pair)
                    i += 2
                    continue
            if key not in STOP_LEMMAS:
                group = self._translate_word(" ".join(words[start:end]), key, capitalised, sure)
                if group.state in ("absent", "unknown") and end - start == 2:
                    terms = self._compound(self._parts(words[start]), words[start + 1])
                    group = Group(group.source, "found", terms, 1) if terms else group
                out.append(group)
            i += 1
        return out

    def _same_word(self, word: str, capitalised: bool, sure: bool) -> Group:
        """A word the corpus writes the same way, which in a plain English word does not make it the
        corpus's word for it: a distractor's "Dalbit Music" must not hide 음악 and 뮤직 from "music".
        The loanword by sound joins the translations here, though not for a word the corpus lacks in
        Latin: ordinary words meet loanwords by chance (service / 스포츠, sales / 사라지)."""
        own = (word.lower(),)
        if capitalised or word.isupper() or not is_english(word):
            return Group(word, "found", own)
        translated = self._translate_word(word, lemma(word), False, sure)
        found = translated.terms if translated.state == "found" else ()
        loan = self.names.match(word, False) or ()
        return Group(word, "found", tuple(dict.fromkeys(own + found + loan)), translated.senses if found else 0)

    def _as_name(self, words: list[str], lookup: Callable[[str], tuple[str, ...] | None], least: int
                 ) -> list[Group] | None:
        """The run (of at least ``least`` words) as one name that ``lookup`` finds, or the run without
        its first word, which may be a capitalised verb that starts the question ("Will …")."""
        for start in range(min(2, len(words) - least + 1)):
            terms = lookup(" ".join(words[start:]))
            if terms:
                return [*self._translate_run(words[:start], True, False), Group(" ".join(words[start:]), "name", terms)]
        return None

    def _translate_word(self, source: str, key: str, capitalised: bool, sure: bool) -> Group:
        if key in _ORDINALS:
            return Group(source, "found", (_ORDINALS[key],))
        translations = list(dict.fromkeys(t for k in _variants(key) for t in self.lexicon.translations(k)))
        found = tuple(t for t in translations if t in self.vocabulary)
        if not found:
            # A translation the corpus writes without its one-syllable suffix: "lightweight" is 경량급
            # in krdict and 경량 (of 경량화된) in the article; not a suffix that makes a person of an
            # activity ("host" is 진행자, not 진행).
            found = tuple(dict.fromkeys(t[:-1] for t in translations if len(t) >= 3 and t[-1] not in _AGENTS
                                        and t[:-1] in self.vocabulary))
        loose = False
        if not found and " " not in key:
            found = tuple(t for t in self.lexicon.head_translations(key) if t in self.vocabulary)
            loose = bool(found)
        if found:
            return Group(source, "found", found, len(translations) or 1, loose)
        # A plural loanword sounds like its singular (parameters / 파라미터); only for a word the lexicon
        # lacks, as the sound of a lemma matches loosely (supposed -> suppose -> 스포츠).
        terms = self.names.match(source, capitalised) or (
            not translations and key != source.lower() and " " not in key and self.names.match(key, capitalised))
        if terms:
            return Group(source, "name", terms)
        if translations:
            return Group(source, "absent", (), len(translations))
        if source.isupper() and len(source) > 1:
            # An acronym the corpus lacks (DAU, LG): a missing concept or company, though not
            # surely a name (DAU is a metric), so it weighs as an absent word of one sense.
            return Group(source, "absent", (), 1)
        return Group(source, "unknown-name" if capitalised and sure and len(source) > 1 else "unknown")


def _compound_names(groups: tuple[Group, ...]) -> tuple[Group, ...]:
    """A capitalised word after a name whose only translations are verbs is part of a name the
    corpus lacks: "Kakao Pay" is not 카카오 and 나오 ("pay" -> 나오다), as "KakaoTalk Friends" is
    카카오톡 and 친구."""
    out = list(groups)
    for k, group in enumerate(groups):
        if (k and group.state == "found" and any(g.state == "name" for g in groups[:k])
                and all(verb_stem(t) for t in group.terms)):
            out[k] = Group(group.source, "unknown-name")
    return tuple(out)


def _runs(question: str) -> Iterable[tuple[list[str], bool, bool]]:
    """Latin words in runs of the same case, with whether the run is capitalised and whether that
    surely marks a name: consecutive capitalised words (a name such as "Hong Eun-taek" or "Kakao
    Brain") form one run, consecutive plain words another, so that phrases ("share price") are
    matched within a run. A question's first word is capitalised by grammar: it surely starts a
    name only when a capitalised word follows it or it is no English word ("Naver's Q2 revenue?",
    not "Summarise …")."""
    run: list[str] = []
    run_capital = run_sure = False
    end = -1
    matches = list(_LATIN_RUN.finditer(question))
    for i, match in enumerate(matches):
        word = match.group()
        capital = word[:1].isupper()
        sure = i > 0 or (i + 1 < len(matches) and matches[i + 1].group()[:1].isupper()) or not is_english(word)
        # Korean text or punctuation between two words ends a run.
        apart = end >= 0 and question[end:match.start()].strip(" ")
        if run and (capital != run_capital or apart):
            yield run, run_capital, run_sure
            run = []
        if not run:
            run_sure = sure
        run.extend(word.split("-"))
        run_capital = capital
        end = match.end()
    if run:
        yield run, run_capital, run_sure


def _variants(key: str) -> tuple[str, ...]:
    """The key and, for one word, its plain stems: a plural the lemmatiser keeps ("sales" -> "sale")
    and an agent noun's verb ("visitor" -> "visit"), whose translations stand in for it."""
    if " " in key:
        return (key,)
    out = [key]
    if key.endswith("s") and len(key) > 3:
        out.append(key[:-1])
    for suffix in ("er", "or"):
        if key.endswith(suffix) and len(key) > len(suffix) + 3:
            out.append(key[: -len(suffix)])
    return tuple(out)

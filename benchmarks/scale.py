"""Scale: FAISS search latency, recall@10 against exact search and memory at growing corpus sizes
(synthetic vectors built from real passage embeddings), and BM25 at the same sizes (synthetic
Zipf token lists). Each size runs in a fresh process, ``python -m benchmarks.scale``, so its
memory figures are clean; vectors pass to it as ``.npy`` without pickled objects."""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmarks.measure import peak_rss_mb, rss_mb, summary
from rag.config import PROJECT_ROOT

log = logging.getLogger(__name__)


def synthetic_vectors(base: np.ndarray, n: int, seed: int, rank: int = 32, spread: float = 0.7,
                      noise: float = 0.1, chunk: int = 100_000) -> np.ndarray:
    """``n`` unit vectors shaped like real passage embeddings.

    Each vector is a real embedding from ``base`` plus a Gaussian step along the top ``rank``
    principal directions of ``base`` (scaled by their standard deviations times ``spread``)
    plus small isotropic noise (norm about ``noise``), normalised. So the data is a mixture
    of clusters around real embeddings with a low intrinsic dimension, as text embeddings
    are, rather than uniform noise on the sphere (where approximate search has no structure
    to exploit and recall is meaningless).
    """
    rng = np.random.default_rng(seed)
    base = np.asarray(base, dtype=np.float32)
    dim = base.shape[1]
    rank = min(rank, len(base) - 1, dim)
    _, s, vt = np.linalg.svd(base - base.mean(0), full_matrices=False)
    directions = (vt[:rank] * (s[:rank] / math.sqrt(len(base)))[:, None] * spread).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        x = base[rng.integers(0, len(base), b - a)]
        x = x + rng.standard_normal((b - a, rank), dtype=np.float32) @ directions
        x += rng.standard_normal((b - a, dim), dtype=np.float32) * (noise / math.sqrt(dim))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[a:b] = x
    return out


def zipf_corpus(n_docs: int, mean_len: float, seed: int) -> tuple[list[list[str]], int]:
    """Token lists drawn from a Zipf-Mandelbrot vocabulary (exponent 1.07, offset 2.7).

    The vocabulary grows with the corpus by Heaps' law (V = 20 * tokens ** 0.55: about 6k
    terms for 1k passages of 30 terms, 260k for 1M); document lengths are Poisson around ``mean_len``.
    """
    rng = np.random.default_rng(seed)
    lengths = np.maximum(1, rng.poisson(mean_len, n_docs))
    total = int(lengths.sum())
    vocab_size = max(1_000, int(20 * total ** 0.55))
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    p = 1.0 / (ranks + 2.7) ** 1.07
    cdf = np.cumsum(p / p.sum())
    tokens = np.searchsorted(cdf, rng.random(total)).astype(np.int64)
    vocab = [f"w{i}" for i in range(vocab_size)]
    docs, start = [], 0
    for length in lengths.tolist():
        docs.append([vocab[t] for t in tokens[start : start + length]])
        start += length
    return docs, vocab_size


def zipf_queries(count: int, vocab_size: int, seed: int) -> list[list[str]]:
    """Queries of 2 to 6 terms from the same Zipf law, skipping the 20 most frequent terms
    (what the content-morpheme filter and question analysis leave out)."""
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    p = 1.0 / (ranks + 2.7) ** 1.07
    p[:20] = 0
    p /= p.sum()
    return [[f"w{t}" for t in rng.choice(vocab_size, rng.integers(2, 7), p=p)] for _ in range(count)]


def scale_one(n: int, base_path: str, queries: int, lexical_len: float, seed: int = 0) -> dict[str, Any]:
    """One corpus size, in its own process (so RSS deltas are clean); returns figures as a dict."""
    import faiss

    from rag.index import EXACT_SEARCH_LIMIT, choose_index
    from rag.lexical import BM25

    base = np.load(base_path, allow_pickle=False)
    k_search, k_recall = 50, 10  # retrieval asks FAISS for max(50, 4k) candidates
    rss_start = rss_mb()
    start = time.perf_counter()
    vectors = synthetic_vectors(base, n, seed)
    qv = synthetic_vectors(base, queries, seed + 1)
    gen_s = time.perf_counter() - start
    rss_vectors = rss_mb()
    dim = vectors.shape[1]

    def latency(index, k: int, count: int = queries) -> tuple[dict[str, float], np.ndarray]:
        ids = np.zeros((count, k), dtype=np.int64)
        ms = []
        for i in range(count):
            t = time.perf_counter()
            _, found = index.search(qv[i : i + 1], k)
            ms.append((time.perf_counter() - t) * 1000)
            ids[i] = found[0]
        return summary(ms), ids

    exact = faiss.IndexFlatIP(dim)
    before = rss_mb()
    start = time.perf_counter()
    exact.add(vectors)
    exact_build = time.perf_counter() - start
    exact_mem = rss_mb() - before
    # Exact search is only the reference: above 100k one query takes long, so fewer are timed;
    # the ground truth for recall comes from one batched search of all queries.
    exact_lat, _ = latency(exact, k_search, queries if n <= 100_000 else min(queries, 30))
    _, truth = exact.search(qv, k_recall)
    del exact
    chosen, kind = choose_index(dim, n)
    before = rss_mb()
    start = time.perf_counter()
    chosen.add(vectors)
    build_s = time.perf_counter() - start
    chosen_mem = rss_mb() - before
    chosen_bytes = index_bytes(chosen)
    chosen_lat, found = latency(chosen, k_search)
    recall = float(np.mean([len(set(found[i, :k_recall]) & set(truth[i, :k_recall])) / k_recall
                            for i in range(queries)]))
    del chosen, vectors
    rss_after_dense = rss_mb()

    # Lexical: BM25 over synthetic Zipf token lists, scores() plus top-k selection.
    start = time.perf_counter()
    docs, vocab_size = zipf_corpus(n, lexical_len, seed)
    tokens_s = time.perf_counter() - start
    before = rss_mb()
    start = time.perf_counter()
    bm25 = BM25(docs)
    bm25_build = time.perf_counter() - start
    del docs
    bm25_mem = rss_mb() - before
    lex_queries = zipf_queries(queries, vocab_size, seed + 2)
    lex_ms, argsort_ms = [], []
    for terms in lex_queries:
        t = time.perf_counter()
        scores = bm25.scores(terms)
        top = np.argpartition(-scores, min(k_search, n - 1))[:k_search]
        top = top[np.argsort(-scores[top])]
        lex_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        np.argsort(-scores)[:k_search]
        argsort_ms.append((time.perf_counter() - t) * 1000)
    return {
        "passages": n, "dimension": dim, "queries": queries, "search_k": k_search,
        "index_type": kind, "exact_search_limit": EXACT_SEARCH_LIMIT,
        "synthetic_seconds": round(gen_s, 2), "vectors_mb": round(rss_vectors - rss_start, 1),
        "exact": {"index_type": "IndexFlatIP", **exact_lat, "build_s": round(exact_build, 3),
                  "rss_delta_mb": round(exact_mem, 1)},
        "chosen": {**chosen_lat, "build_s": round(build_s, 3), "rss_delta_mb": round(chosen_mem, 1),
                   "index_mb": round(chosen_bytes / 2**20, 1),
                   "recall@10": round(recall, 4)},
        "lexical": {**summary(lex_ms), "build_s": round(bm25_build, 3), "rss_delta_mb": round(bm25_mem, 1),
                    "token_generation_s": round(tokens_s, 2), "vocabulary": vocab_size,
                    "mean_terms": lexical_len, "full_argsort_p50_ms": summary(argsort_ms)["p50_ms"]},
        "rss_after_dense_mb": round(rss_after_dense, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def index_bytes(index) -> int:
    """Memory a FAISS flat or HNSW-flat index holds: vectors plus graph links (RSS deltas can
    hide it when freed memory is reused)."""
    import faiss

    index = faiss.downcast_index(index)
    size = index.ntotal * index.d * 4
    hnsw = getattr(index, "hnsw", None)
    if hnsw is not None:
        size += hnsw.neighbors.size() * 4 + hnsw.offsets.size() * 8 + hnsw.levels.size() * 4
    return int(size)



def scale(sizes: Sequence[int], base: np.ndarray, queries: int, lexical_len: float, work: Path
          ) -> list[dict[str, Any]]:
    """Each size in a fresh process; a size that fails is recorded with its error."""
    base_path = work / "scale_base.npy"
    np.save(base_path, np.asarray(base, dtype=np.float32), allow_pickle=False)
    rows = []
    for n in sizes:
        log.info("Scale: %d passages", n)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "benchmarks.scale", str(n), str(base_path), str(queries),
                               str(lexical_len)], capture_output=True, text=True, cwd=PROJECT_ROOT,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"))
        if done.returncode != 0:
            rows.append({"passages": n, "error": done.stderr[-2000:]})
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["wall_s"] = round(time.perf_counter() - start, 1)
        rows.append(row)
    return rows


def main(argv: Sequence[str]) -> int:
    """``python -m benchmarks.scale N BASE.npy QUERIES LEXICAL_LEN``: one size, one JSON line."""
    n, base_path, queries, lexical_len = argv
    print(json.dumps(scale_one(int(n), base_path, int(queries), float(lexical_len))))
    return 0


if __name__ == "__main__":
    from benchmarks import script_args

    sys.exit(main(script_args(sys.argv[1:], 4, f"{__doc__}\n\n{main.__doc__}")))

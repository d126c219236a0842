"""Speed and scale benchmark behind ``rag bench`` and ``benchmarks/bench.py``.

Measures, in one run, on this machine:

- cold start in fresh processes (interpreter, imports, model load, index load, first answer);
- warm latency of ``retrieve``, ``ask`` and query embedding alone over the golden questions,
  and the standard LangChain recipe's ``similarity_search`` (k=4) on the same questions;
- index build for the corpus, embedding throughput of plain sentence-transformers against
  the project's ``Embedder`` (each backend it offers) and the golden metrics per backend;
- scale: FAISS search latency, recall@10 against exact search and memory at several corpus
  sizes (synthetic vectors built from real passage embeddings), and BM25 at the same sizes
  (synthetic Zipf token lists);
- peak RSS of a process that serves answers (and of ``app.py`` in a full run).

Writes ``report.json``, ``report.md`` and ``latency_vs_size.png``. Heavy libraries are
imported inside the functions so that ``rag bench --help`` stays fast. No pickle: vectors
pass to the scale worker processes as ``.npy`` files without pickled objects.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from rag.config import PROJECT_ROOT, Settings
from rag.errors import RagError

log = logging.getLogger(__name__)

GOLDEN = PROJECT_ROOT / "tests" / "golden" / "qa.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "benchmarks" / "results"
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 5_000)
BACKENDS = ("torch", "onnx", "onnx-int8")
TARGETS = {
    "retrieve_p50_ms": 12.0,
    "ask_p50_ms": 20.0,
    "retrieve_vs_langchain": 0.5,
    "throughput_speedup": 2.5,
    "search_1m_p50_ms": 20.0,
    "recall_1m": 0.95,
    "cold_start_s": 8.0,
    "serving_rss_mb": 1536.0,
}


@dataclass
class BenchOptions:
    """What to run. ``quick`` shrinks everything to a smoke test of under two minutes."""

    quick: bool = False
    out: Path = DEFAULT_OUT
    sizes: tuple[int, ...] = FULL_SIZES
    questions: int = 252
    """Warm calls per measured function (the golden questions, repeated)."""
    cold_repeats: int = 3
    passages: int = 2_000
    """Passages for the embedding-throughput comparison."""
    scale_queries: int = 200
    serve: bool = True
    """Also start ``app.py`` and read its peak RSS after a few answers."""
    settings: Settings = field(default_factory=Settings.from_env)

    @classmethod
    def quick_defaults(cls, **overrides: Any) -> "BenchOptions":
        values: dict[str, Any] = dict(quick=True, sizes=QUICK_SIZES, questions=20, cold_repeats=1, passages=32,
                                      scale_queries=50, serve=False)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


# ---------------------------------------------------------------- small measuring helpers

def _proc_status(field_name: str, pid: int | str = "self") -> float:
    """A ``/proc/<pid>/status`` memory field in MB (VmRSS: now, VmHWM: peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int | str = "self") -> float:
    return _proc_status("VmRSS", pid)


def peak_rss_mb(pid: int | str = "self") -> float:
    return _proc_status("VmHWM", pid)


def summary(ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean of latencies in milliseconds."""
    data = np.asarray(ms, dtype=np.float64)
    if not len(data):
        return {"n": 0, "p50_ms": float("nan"), "p95_ms": float("nan"), "mean_ms": float("nan")}
    return {"n": int(len(data)), "p50_ms": round(float(np.percentile(data, 50)), 3),
            "p95_ms": round(float(np.percentile(data, 95)), 3), "mean_ms": round(float(data.mean()), 3)}


def time_calls(fn: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def golden_questions(path: Path = GOLDEN) -> list[str]:
    from rag.evaluation import load_golden

    return [item.question for item in load_golden(path)]


def repeat_to(items: Sequence[Any], n: int) -> list[Any]:
    return [items[i % len(items)] for i in range(n)]


def make_embedder(settings: Settings, backend: str | None = None):
    """An ``Embedder`` built the way the pipeline builds it, optionally for another backend."""
    from rag.embeddings import Embedder

    return Embedder(settings.embedding_model, batch_size=settings.batch_size,
                    backend=backend or settings.embedding_backend)


# ---------------------------------------------------------------- cold start

_COLD_CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
from rag.pipeline import RagPipeline, _load_or_build
from rag.config import Settings
from rag.embeddings import Embedder
t1 = time.perf_counter()
settings = Settings.from_env()
embedder = Embedder(settings.embedding_model, batch_size=settings.batch_size, backend=settings.embedding_backend)
t2 = time.perf_counter()
corpus, index = _load_or_build(settings, embedder, rebuild=False, progress=False)
rag = RagPipeline(settings, embedder, corpus, index)
t3 = time.perf_counter()
answer = rag.ask(sys.argv[1])
t4 = time.perf_counter()
for q in json.loads(sys.argv[2]):
    rag.ask(q)
def status(name):
    for line in open("/proc/self/status"):
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024
print(json.dumps({"imports_s": t1 - t0, "model_load_s": t2 - t1, "index_load_s": t3 - t2,
                  "first_answer_s": t4 - t3, "answerable": answer.answerable,
                  "backend": embedder.backend, "torch_imported": "torch" in sys.modules,
                  "rss_mb": status("VmRSS"), "peak_rss_mb": status("VmHWM")}))
"""


def cold_start(settings: Settings, question: str, more: Sequence[str], repeats: int) -> dict[str, Any]:
    """New process to first answer, ``repeats`` times; medians of each phase.

    ``interpreter_s`` is the wall time the parent saw minus the phases the child timed
    (interpreter start-up, site packages, process exit). ``model_load_s`` includes importing
    the inference runtime (sentence-transformers/torch or onnxruntime): ``Embedder`` imports it lazily.
    """
    env = dict(os.environ, RAG_CORPUS_DIR=str(settings.corpus_dir), RAG_INDEX_DIR=str(settings.index_dir),
               RAG_EMBEDDING_MODEL=settings.embedding_model, PYTHONWARNINGS="ignore")
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _COLD_CHILD, question, json.dumps(list(more))],
                              capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=600)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"cold-start process failed: {done.stderr[-2000:]}")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["total_s"] = wall
        phases = ("imports_s", "model_load_s", "index_load_s", "first_answer_s")
        row["interpreter_s"] = wall - sum(row[p] for p in phases)
        runs.append(row)
    keys = ("total_s", "interpreter_s", "imports_s", "model_load_s", "index_load_s", "first_answer_s",
            "rss_mb", "peak_rss_mb")
    result: dict[str, Any] = {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}
    result.update(repeats=repeats, runs=[{k: round(r[k], 3) for k in keys} for r in runs],
                  backend=runs[0]["backend"], torch_imported=runs[0]["torch_imported"],
                  questions_after_first=len(more))
    return result


# ---------------------------------------------------------------- warm latency and LangChain

def langchain_store(documents, model_location: str):
    """The standard recipe: RecursiveCharacterTextSplitter(1000, 200) + sentence-transformers
    embeddings on torch (LangChain's ``HuggingFaceEmbeddings``) + ``FAISS.from_documents``."""
    import warnings

    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langchain_community.embeddings import HuggingFaceEmbeddings

        embeddings = HuggingFaceEmbeddings(model_name=model_location, model_kwargs={"device": "cpu"},
                                           encode_kwargs={"normalize_embeddings": True})
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents([LCDocument(d.text, metadata={"source": d.source}) for d in documents])
    return FAISS.from_documents(chunks, embeddings), len(chunks)


def warm_latency(rag, questions: Sequence[str], calls: int, rounds: int = 4) -> dict[str, Any]:
    """``retrieve``, ``ask``, query embedding alone and the LangChain recipe.

    Each function is called ``calls`` times over the questions repeated, in ``rounds`` blocks
    per function taken in turn: blocks spread background load over all functions alike, and
    keep one runtime's idle threads (ONNX Runtime and torch both spin for a while after a call)
    from stealing the CPU on every single call of the other. Each block starts with 3 untimed
    warm-up calls.
    """
    from rag.embeddings import resolve_model

    store, chunks = langchain_store(rag.documents, resolve_model(rag.settings.embedding_model))
    funcs: dict[str, Callable[[str], object]] = {
        "retrieve": rag.retrieve,
        "ask": rag.ask,
        "query_embedding": lambda q: rag.embedder.encode_queries([q]),
        "langchain_similarity_search": lambda q: store.similarity_search(q, k=4),
    }
    times: dict[str, list[float]] = {name: [] for name in funcs}
    asked = repeat_to(questions, calls)
    rounds = max(1, min(rounds, calls))
    blocks = [asked[i * calls // rounds : (i + 1) * calls // rounds] for i in range(rounds)]
    for block in blocks:
        for name, fn in funcs.items():
            for q in questions[:3]:  # warm-up, untimed
                fn(q)
            times[name].extend(time_calls(fn, block))
    result: dict[str, Any] = {name: summary(ms) for name, ms in times.items()}
    lc = result["langchain_similarity_search"]["p50_ms"]
    result["retrieve_vs_langchain"] = round(result["retrieve"]["p50_ms"] / lc, 3)
    result["ask_vs_langchain"] = round(result["ask"]["p50_ms"] / lc, 3)
    result["langchain_recipe"] = {"splitter": "RecursiveCharacterTextSplitter(1000, 200)", "chunks": chunks,
                                  "embeddings": "langchain_community HuggingFaceEmbeddings (sentence-transformers, torch)",
                                  "search": "FAISS.similarity_search(q, k=4)"}
    result["backend"] = rag.embedder.backend
    return result


def index_build(rag, repeats: int) -> dict[str, Any]:
    """Full rebuild of the corpus index (cut, embed passages and sentences, save, BM25)."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        rag.refresh(rebuild=True)
        seconds.append(time.perf_counter() - start)
    info = rag.info()
    return {"seconds": round(statistics.median(seconds), 3), "runs": [round(s, 3) for s in seconds],
            "passages": info.passages, "sentences": int(len(rag._state[1].sentence_vectors)),
            "index_type": info.index_type, "backend": rag.embedder.backend}


# ---------------------------------------------------------------- embedding throughput

def throughput_passages(documents, count: int, seed: int = 0, max_chars: int = 400) -> list[str]:
    """``count`` distinct passage-like texts made of the corpus's real sentences.

    Each text is 1 to 4 sentences, half the time consecutive (a real passage), half the time
    sampled across the article (new combinations), cut at ``max_chars`` like a passage.
    """
    from rag.chunking import split_passages

    sentences = [s for d in documents for p in split_passages(d) for s in p.sentence_texts()]
    rng = random.Random(seed)
    texts: dict[str, None] = {}
    for _ in range(count * 50):
        if len(texts) >= count:
            break
        k = rng.randint(1, 4)
        if rng.random() < 0.5:
            i = rng.randrange(len(sentences))
            pick = sentences[i : i + k]
        else:
            pick = rng.sample(sentences, min(k, len(sentences)))
        texts.setdefault(" ".join(pick)[:max_chars])
    return list(texts)


def _mean_tokens(model, prompt: str, texts: Sequence[str]) -> float:
    """Mean token count of ``texts`` with the model's ``prompt`` prefix, as the model sees them."""
    prefix = (model.prompts or {}).get(prompt, "")
    return round(statistics.fmean(len(ids) for ids in model.tokenizer([prefix + t for t in texts],
                                                                        truncation=True)["input_ids"]), 1)


def embedding_throughput(settings: Settings, texts: Sequence[str], backends: Sequence[str] | None,
                         questions: Sequence[str] = ()) -> tuple[dict[str, Any], np.ndarray]:
    """Passages per second: plain ``SentenceTransformer.encode`` on torch, then the project's
    ``Embedder`` for each backend. Returns the figures and the reference vectors."""
    from sentence_transformers import SentenceTransformer

    from rag.embeddings import resolve_model

    location = resolve_model(settings.embedding_model)
    model = SentenceTransformer(location, device="cpu")
    prompt = "passage" if "passage" in (model.prompts or {}) else None
    texts = list(texts)
    model.encode(texts[:16], prompt_name=prompt, normalize_embeddings=True, show_progress_bar=False)  # warm-up
    start = time.perf_counter()
    reference = model.encode(texts, prompt_name=prompt, normalize_embeddings=True, convert_to_numpy=True,
                             show_progress_bar=False)
    plain_s = time.perf_counter() - start
    token_counts = {"mean_tokens": _mean_tokens(model, "passage", texts),
                    "mean_query_tokens": _mean_tokens(model, "query", questions) if questions else None}
    del model
    result: dict[str, Any] = {
        "passages": len(texts), "mean_chars": round(statistics.fmean(len(t) for t in texts), 1),
        **token_counts,
        "plain_sentence_transformers": {"seconds": round(plain_s, 3),
                                        "passages_per_s": round(len(texts) / plain_s, 1),
                                        "batch_size": 32, "backend": "torch"},
        "embedder": {},
    }
    for backend in backends or [None]:
        name = backend or "default"
        try:
            embedder = make_embedder(settings, backend)
        except (RagError, ImportError, RuntimeError, ValueError, OSError) as exc:
            log.warning("Backend %s unavailable: %s", name, exc)
            result["embedder"][name] = {"error": str(exc)}
            continue
        embedder.encode_passages(texts[:16])  # warm-up
        start = time.perf_counter()
        vectors = embedder.encode_passages(texts)
        seconds = time.perf_counter() - start
        cosine = np.sum(np.asarray(vectors, np.float32) * reference, axis=1)
        result["embedder"][embedder.backend if backend is None else name] = {
            "backend": embedder.backend, "seconds": round(seconds, 3),
            "passages_per_s": round(len(texts) / seconds, 1), "batch_size": embedder.batch_size,
            "speedup_vs_plain": round(plain_s / seconds, 3),
            "cosine_to_plain_min": round(float(cosine.min()), 5), "cosine_to_plain_mean": round(float(cosine.mean()), 5),
        }
        del embedder
    speedups = [v["speedup_vs_plain"] for v in result["embedder"].values() if "speedup_vs_plain" in v]
    result["best_speedup"] = max(speedups) if speedups else None
    return result, np.asarray(reference, dtype=np.float32)


def model_mflop_per_token(config: dict[str, Any]) -> float:
    """FLOPs of one token through a BERT-style encoder (``config.json``): Q, K, V, output and the two
    feed-forward matrices per layer, in MFLOP; attention scores add little at these lengths."""
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    return 2 * layers * (4 * h * h + 2 * h * f) / 1e6


def sgemm_gflops(shapes: Sequence[tuple[int, int, int]], seconds: float = 1.0) -> dict[str, float]:
    """float32 matrix-multiply rate of this machine (numpy's BLAS, all cores) per (m, k, n) shape."""
    rng = np.random.default_rng(0)
    rates = {}
    for m, k, n in shapes:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        a @ b
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            a @ b
            count += 1
        rates[f"{m}x{k}x{n}"] = round(2 * m * k * n * count / (time.perf_counter() - start) / 1e9, 1)
    return rates


def ceiling(settings: Settings, throughput: dict[str, Any], warm: dict[str, Any]) -> dict[str, Any]:
    """What the hardware allows, from arithmetic alone: the model's FLOPs per token and this
    machine's best float32 matrix-multiply rate give a floor for one query's embedding and a
    ceiling for passages per second that no runtime can pass without doing less arithmetic
    (int8 could, on a CPU with fast int8 dot products; ``onnx-int8`` measures whether it does)."""
    from rag.embeddings import resolve_model

    config = json.loads((Path(resolve_model(settings.embedding_model)) / "config.json").read_text(encoding="utf-8"))
    mflop = model_mflop_per_token(config)
    h, f = config["hidden_size"], config["intermediate_size"]
    tokens, query_tokens = throughput["mean_tokens"], throughput["mean_query_tokens"]
    rates = sgemm_gflops([(2048, 2048, 2048), (16 * round(tokens), h, f), (round(query_tokens or 16), h, f)])
    peak = max(rates.values())
    plain = throughput["plain_sentence_transformers"]["passages_per_s"]
    achieved = {"plain_sentence_transformers": round(plain * tokens * mflop / 1000, 1)}
    achieved |= {name: round(r["passages_per_s"] * tokens * mflop / 1000, 1)
                 for name, r in throughput["embedder"].items() if "passages_per_s" in r}
    best_pps = peak * 1000 / (tokens * mflop)
    result = {"model_mflop_per_token": round(mflop, 1), "sgemm_gflops": rates, "peak_gflops": peak,
              "passage_gflops_achieved": achieved, "passages_per_s_ceiling": round(best_pps, 1),
              "speedup_ceiling_vs_plain": round(best_pps / plain, 2)}
    if query_tokens:
        floor = query_tokens * mflop / peak  # MFLOP / (GFLOP/s) = ms
        result |= {"query_embedding_floor_ms": round(floor, 1),
                   "query_embedding_gflops_achieved": round(query_tokens * mflop / warm["query_embedding"]["p50_ms"], 1)}
    return result


def golden_metrics(settings: Settings, backends: Sequence[str] | None, work: Path, limit: int | None
                   ) -> dict[str, Any]:
    """Golden retrieval and answer metrics with each backend (its own index), all questions."""
    from rag import evaluation
    from rag.pipeline import RagPipeline

    items = evaluation.load_golden(GOLDEN)
    if limit:
        items = items[:limit]
    out: dict[str, Any] = {}
    for backend in backends or [None]:
        name = backend or "default"
        folder = work / f"index-{name}"
        try:
            s = replace(settings, index_dir=folder, embedding_backend=backend or settings.embedding_backend)
            rag = RagPipeline.load(settings=s)
        except (RagError, ImportError, RuntimeError, ValueError, OSError) as exc:
            out[name] = {"error": str(exc)}
            continue
        report = evaluation.summarise(evaluation.run(items, rag.ask, rag.retrieve))
        out[rag.embedder.backend if backend is None else name] = {
            k: report[k] for k in ("n", "hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_rate",
                                   "false_refusal_rate")}
        del rag
    return out


# ---------------------------------------------------------------- scale

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


_SCALE_CHILD = r"""
import json, sys
from rag.bench import scale_one
print(json.dumps(scale_one(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))))
"""


def scale(sizes: Sequence[int], base: np.ndarray, queries: int, lexical_len: float, work: Path
          ) -> list[dict[str, Any]]:
    """Each size in a fresh process; a size that fails is recorded with its error."""
    base_path = work / "scale_base.npy"
    np.save(base_path, np.asarray(base, dtype=np.float32), allow_pickle=False)
    rows = []
    for n in sizes:
        log.info("Scale: %d passages", n)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _SCALE_CHILD, str(n), str(base_path), str(queries),
                               str(lexical_len)], capture_output=True, text=True, cwd=PROJECT_ROOT,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"))
        if done.returncode != 0:
            rows.append({"passages": n, "error": done.stderr[-2000:]})
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["wall_s"] = round(time.perf_counter() - start, 1)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- serving process

def serving_rss(settings: Settings, questions: Sequence[str]) -> dict[str, Any]:
    """Start ``app.py`` (the chat page), answer questions over HTTP, read its RSS and peak RSS."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("rag_load_bench", PROJECT_ROOT / "benchmarks" / "load.py")
    if spec is None or spec.loader is None:
        return {"error": "benchmarks/load.py not found"}
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    env = dict(os.environ, RAG_CORPUS_DIR=str(settings.corpus_dir), RAG_INDEX_DIR=str(settings.index_dir),
               RAG_EMBEDDING_MODEL=settings.embedding_model)
    proc, url = load.start_server(env)
    try:
        at_start = rss_mb(proc.pid)
        for q in questions:
            load.ask(url, q)
        return {"rss_mb": round(rss_mb(proc.pid), 1), "rss_after_first_answer_mb": round(at_start, 1),
                "peak_rss_mb": round(peak_rss_mb(proc.pid), 1), "questions": len(questions)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---------------------------------------------------------------- run, report, plot

def run(options: BenchOptions) -> dict[str, Any]:
    """Run every section and write the report files; returns the report."""
    from rag.pipeline import RagPipeline

    options.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    questions = golden_questions()
    report: dict[str, Any] = {"quick": options.quick, "machine": _machine()}
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        work = Path(tmp)
        # Our own index folder: the user's index/ is neither read nor rebuilt.
        settings = replace(options.settings, index_dir=work / "index")
        log.info("Loading the pipeline (builds the index in %s)", settings.index_dir)
        rag = RagPipeline.load(settings=settings)
        partial = options.out / "report.partial.json"  # what finished so far, if a long run is cut short

        def save_partial() -> None:
            partial.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

        report["index_build"] = index_build(rag, 1 if options.quick else 3)
        report["manifest"] = {k: rag._state[1].manifest.get(k) for k in ("index_type", "passages", "model",
                                                                           "embedding_backend", "backend")}
        log.info("Warm latency (%d calls each)", options.questions)
        report["warm"] = warm_latency(rag, questions, options.questions)
        save_partial()
        lexical_len = round(statistics.fmean(len(t.all()) for t in rag._state[1].terms), 1)  # BM25 document length
        documents = rag.documents
        del rag
        log.info("Cold start (%d runs)", options.cold_repeats)
        report["cold_start"] = cold_start(settings, questions[0], questions[1:20], options.cold_repeats)
        save_partial()
        if options.serve:
            log.info("Serving process RSS (app.py)")
            report["serving"] = serving_rss(settings, questions[:20])
        backends = list(BACKENDS)
        texts = throughput_passages(documents, options.passages)
        log.info("Embedding throughput on %d passages, backends %s", len(texts), backends or "default")
        report["throughput"], reference = embedding_throughput(settings, texts, backends, questions)
        report["ceiling"] = ceiling(settings, report["throughput"], report["warm"])
        report["throughput"]["texts"] = ("real sentences of corpus/ recombined: 1-4 sentences each, half "
                                         "consecutive, half sampled across the article, cut at 400 chars")
        save_partial()
        log.info("Golden metrics per backend")
        report["golden_by_backend"] = golden_metrics(settings, None if options.quick else backends, work,
                                                     5 if options.quick else None)
        save_partial()
        log.info("Scale: %s", options.sizes)
        report["scale"] = scale(options.sizes, reference, options.scale_queries, lexical_len, work)
    report["targets"] = targets(report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    (options.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (options.out / "report.md").write_text(markdown(report), encoding="utf-8")
    plot(report["scale"], options.out / "latency_vs_size.png")
    partial.unlink(missing_ok=True)
    return report


def _machine() -> dict[str, Any]:
    import faiss
    import torch

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(), "faiss": faiss.__version__,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of the issue with the measured value and whether it is met (None: not measured)."""
    warm = report.get("warm", {})
    cold = report.get("cold_start", {})
    serving = report.get("serving") or {}
    big = next((r for r in report.get("scale", []) if r.get("passages") == 1_000_000 and "chosen" in r), None)

    def row(value: Any, target: float, smaller: bool = True) -> dict[str, Any]:
        met = None if value is None else (value <= target if smaller else value >= target)
        return {"value": value, "target": target, "met": met}

    t = TARGETS
    return {
        "warm retrieve p50 (ms)": row(warm.get("retrieve", {}).get("p50_ms"), t["retrieve_p50_ms"]),
        "warm ask p50 (ms)": row(warm.get("ask", {}).get("p50_ms"), t["ask_p50_ms"]),
        "retrieve p50 / LangChain similarity_search p50": row(warm.get("retrieve_vs_langchain"),
                                                              t["retrieve_vs_langchain"]),
        "embedding throughput / plain sentence-transformers": row(report.get("throughput", {}).get("best_speedup"),
                                                                  t["throughput_speedup"], smaller=False),
        "1M search p50 (ms)": row(big["chosen"]["p50_ms"] if big else None, t["search_1m_p50_ms"]),
        "1M recall@10 vs exact": row(big["chosen"]["recall@10"] if big else None, t["recall_1m"], smaller=False),
        "cold start (s)": row(cold.get("total_s"), t["cold_start_s"]),
        "serving RSS (MB)": row(serving.get("peak_rss_mb", cold.get("peak_rss_mb")), t["serving_rss_mb"]),
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# Speed and scale benchmark{' (quick)' if report.get('quick') else ''}", "",
             f"Machine: {report['machine']}", "", "## Targets", "", "| figure | measured | target | met |",
             "|---|---|---|---|"]
    for name, r in report["targets"].items():
        met = {True: "yes", False: "no", None: "not measured"}[r["met"]]
        lines.append(f"| {name} | {_fmt(r['value'])} | {_fmt(r['target'])} | {met} |")
    warm = report["warm"]
    lines += ["", f"## Warm latency ({warm['retrieve']['n']} calls each, backend {warm['backend']})", "",
              "| call | p50 ms | p95 ms | mean ms |", "|---|---|---|---|"]
    for name in ("retrieve", "ask", "query_embedding", "langchain_similarity_search"):
        r = warm[name]
        lines.append(f"| {name} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} | {_fmt(r['mean_ms'])} |")
    lines += ["", f"retrieve / LangChain p50: {warm['retrieve_vs_langchain']}; "
                  f"ask / LangChain p50: {warm['ask_vs_langchain']}"]
    cold = report["cold_start"]
    lines += ["", f"## Cold start (median of {cold['repeats']}, backend {cold['backend']})", "",
              "| total s | interpreter | imports | model load | index load | first answer | RSS MB | peak RSS MB |",
              "|---|---|---|---|---|---|---|---|",
              "| " + " | ".join(_fmt(cold[k]) for k in ("total_s", "interpreter_s", "imports_s", "model_load_s",
                                                      "index_load_s", "first_answer_s", "rss_mb", "peak_rss_mb"))
              + " |"]
    if report.get("serving"):
        lines += ["", f"Serving process (app.py): {report['serving']}"]
    b = report["index_build"]
    lines += ["", f"## Index build: {b['seconds']} s for {b['passages']} passages and {b['sentences']} sentences "
                  f"({b['index_type']}, backend {b['backend']})"]
    tp = report["throughput"]
    lines += ["", f"## Embedding throughput ({tp['passages']} passages, mean {tp['mean_chars']} chars)", "",
              "| encoder | passages/s | speedup | min cosine to plain |", "|---|---|---|---|",
              f"| plain SentenceTransformer.encode (torch) | {tp['plain_sentence_transformers']['passages_per_s']} "
              "| 1.0 | 1.0 |"]
    for name, r in tp["embedder"].items():
        if "error" in r:
            lines.append(f"| Embedder {name} | error: {r['error'][:80]} | | |")
        else:
            lines.append(f"| Embedder {name} | {r['passages_per_s']} | {r['speedup_vs_plain']} | "
                         f"{r['cosine_to_plain_min']} |")
    c = report.get("ceiling")
    if c:
        lines += ["", "## What the hardware allows", "",
                  f"The model costs {c['model_mflop_per_token']} MFLOP per token; this machine multiplies float32 "
                  f"matrices at up to {c['peak_gflops']} GFLOP/s ({c['sgemm_gflops']}). So one query of "
                  f"{tp.get('mean_query_tokens')} tokens needs at least {c.get('query_embedding_floor_ms')} ms "
                  f"(measured p50 {report['warm']['query_embedding']['p50_ms']} ms, "
                  f"{c.get('query_embedding_gflops_achieved')} GFLOP/s), and passages of {tp['mean_tokens']} tokens "
                  f"embed at most {c['passages_per_s_ceiling']}/s, {c['speedup_ceiling_vs_plain']}x plain "
                  f"sentence-transformers. Achieved GFLOP/s: {c['passage_gflops_achieved']}."]
    lines += ["", "Golden metrics per backend:", "", "| backend | n | hit@1 | hit@3 | mrr | answer accuracy |"
              " refusal | false refusal |", "|---|---|---|---|---|---|---|---|"]
    for name, r in report["golden_by_backend"].items():
        if "error" in r:
            lines.append(f"| {name} | error: {r['error'][:80]} | | | | | | |")
        else:
            lines.append(f"| {name} | " + " | ".join(_fmt(r[k]) for k in (
                "n", "hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_rate", "false_refusal_rate")) + " |")
    lines += ["", "## Scale (synthetic vectors and token lists; search k=50 as retrieval asks)", "",
              "| passages | index | build s | search p50 ms | p95 ms | recall@10 | index MB (RSS delta) | exact p50 ms |"
              " BM25 p50 ms | BM25 p95 ms | BM25 build s | BM25 MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["scale"]:
        if "error" in r:
            lines.append(f"| {r['passages']:,} | error | | | | | | | | | | |")
            continue
        c, e, lx = r["chosen"], r["exact"], r["lexical"]
        lines.append(f"| {r['passages']:,} | {r['index_type']} | {_fmt(c['build_s'])} | {_fmt(c['p50_ms'])} | "
                     f"{_fmt(c['p95_ms'])} | {_fmt(c['recall@10'])} | {_fmt(c['index_mb'])} ({_fmt(c['rss_delta_mb'])}) | "
                     f"{_fmt(e['p50_ms'])} | {_fmt(lx['p50_ms'])} | {_fmt(lx['p95_ms'])} | {_fmt(lx['build_s'])} | "
                     f"{_fmt(lx['rss_delta_mb'])} |")
    lines += ["", f"Total benchmark time: {report['seconds']} s", ""]
    return "\n".join(lines)


def plot(rows: Sequence[dict[str, Any]], path: Path, width: int = 760, height: int = 480) -> None:
    """Log-log plot of search p50 against corpus size (chosen FAISS index, exact search, BM25),
    drawn with Pillow so the benchmark needs no plotting library."""
    from PIL import Image, ImageDraw

    rows = [r for r in rows if "chosen" in r]
    series = {
        "FAISS (index chosen by size)": ((31, 119, 180), [(r["passages"], r["chosen"]["p50_ms"]) for r in rows]),
        "exact IndexFlatIP": ((255, 127, 14), [(r["passages"], r["exact"]["p50_ms"]) for r in rows]),
        "BM25 scores + top-k": ((44, 160, 44), [(r["passages"], r["lexical"]["p50_ms"]) for r in rows]),
    }
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 70, width - 20, 20, height - 60
    xs = [x for _, pts in series.values() for x, _ in pts] or [1_000, 1_000_000]
    ys = [max(y, 1e-3) for _, pts in series.values() for _, y in pts] or [0.1, 100]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys + [20]))), math.ceil(math.log10(max(ys + [20])))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def at(x: float, y: float) -> tuple[float, float]:
        px = left + (math.log10(x) - x0) / (x1 - x0) * (right - left)
        py = bottom - (math.log10(max(y, 1e-3)) - y0) / (y1 - y0) * (bottom - top)
        return px, py

    draw.rectangle([left, top, right, bottom], outline="black")
    for e in range(x0, x1 + 1):
        px, _ = at(10 ** e, 10 ** y0)
        draw.line([px, top, px, bottom], fill=(225, 225, 225))
        draw.text((px - 12, bottom + 6), f"1e{e}", fill="black")
    for e in range(y0, y1 + 1):
        _, py = at(10 ** x0, 10 ** e)
        draw.line([left, py, right, py], fill=(225, 225, 225))
        draw.text((8, py - 6), f"{10 ** e:g} ms", fill="black")
    _, target_y = at(10 ** x0, 20)
    draw.line([left, target_y, right, target_y], fill=(200, 0, 0), width=1)
    draw.text((right - 120, target_y - 14), "target 20 ms", fill=(200, 0, 0))
    for n, (name, (colour, pts)) in enumerate(series.items()):
        coords = [at(x, y) for x, y in pts]
        if len(coords) > 1:
            draw.line(coords, fill=colour, width=2)
        for px, py in coords:
            draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=colour)
        draw.line([left + 10, top + 12 + 16 * n, left + 30, top + 12 + 16 * n], fill=colour, width=2)
        draw.text((left + 36, top + 6 + 16 * n), name, fill="black")
    draw.text((left + (right - left) // 2 - 120, height - 30), "passages (log) - search p50 in ms (log)",
              fill="black")
    image.save(path, format="PNG")


def print_summary(report: dict[str, Any], out: Path, stream=sys.stdout) -> None:
    """A short human summary: the targets, then where the files are."""
    w = report["warm"]
    print(f"warm p50: retrieve {w['retrieve']['p50_ms']} ms, ask {w['ask']['p50_ms']} ms, query embedding "
          f"{w['query_embedding']['p50_ms']} ms, LangChain similarity_search {w['langchain_similarity_search']['p50_ms']} "
          f"ms (backend {w['backend']})", file=stream)
    for name, r in report["targets"].items():
        met = {True: "met", False: "NOT met", None: "not measured"}[r["met"]]
        print(f"  {name}: {_fmt(r['value'])} (target {_fmt(r['target'])}) {met}", file=stream)
    c = report.get("ceiling")
    if c:
        print(f"  hardware: {c['peak_gflops']} GFLOP/s float32 -> query embedding >= {c.get('query_embedding_floor_ms')} ms, "
              f"throughput <= {c['speedup_ceiling_vs_plain']}x plain sentence-transformers", file=stream)
    for r in report["scale"]:
        if "chosen" in r:
            print(f"  {r['passages']:>9,} passages: {r['index_type']} p50 {r['chosen']['p50_ms']} ms, recall@10 "
                  f"{r['chosen']['recall@10']}, build {r['chosen']['build_s']} s; BM25 p50 {r['lexical']['p50_ms']} ms",
                  file=stream)
        else:
            print(f"  {r['passages']:>9,} passages: failed", file=stream)
    print(f"report: {out / 'report.json'}, {out / 'report.md'}, {out / 'latency_vs_size.png'} "
          f"({report['seconds']} s)", file=stream)


def parse_sizes(text: str) -> tuple[int, ...]:
    """``1k,10k,100k,1M`` or plain integers."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        scale_ = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        number = part[:-1] if scale_ > 1 else part
        try:
            value = int(float(number) * scale_)
        except ValueError as exc:
            raise ValueError(f"not a corpus size: {part!r} (use e.g. 1k,10k,100k,1M)") from exc
        if value < 100:
            raise ValueError(f"corpus size {value} is too small (at least 100)")
        sizes.append(value)
    if not sizes:
        raise ValueError("no corpus sizes given")
    return tuple(sizes)


def options_from(quick: bool, out: Path | None, sizes: str | None, questions: int | None,
                 settings: Settings | None = None, serve: bool | None = None) -> BenchOptions:
    """Options from command-line values (None: the default of the full or the quick run)."""
    values: dict[str, Any] = {}
    if out is not None:
        values["out"] = Path(out)
    if sizes:
        values["sizes"] = parse_sizes(sizes)
    if questions is not None:
        if questions < 1:
            raise ValueError(f"--questions must be at least 1, got {questions}")
        values["questions"] = questions
    if settings is not None:
        values["settings"] = settings
    if serve is not None:
        values["serve"] = serve
    return BenchOptions.quick_defaults(**values) if quick else BenchOptions(**values)

"""Latency: cold start in fresh processes, warm calls against the LangChain recipe, index build
and the memory of a serving process."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Sequence

from benchmarks.measure import peak_rss_mb, repeat_to, rss_mb, summary, time_calls
from rag.config import PROJECT_ROOT, Settings


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
        done = subprocess.run([sys.executable, "-m", "benchmarks.cold_start", question, json.dumps(list(more))],
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


def langchain_store(documents, model_location: str, embeddings=None):
    """The standard recipe: RecursiveCharacterTextSplitter(1000, 200) + sentence-transformers
    embeddings on torch (LangChain's ``HuggingFaceEmbeddings``) + ``FAISS.from_documents``; with
    ``embeddings`` (the project's own embedder), the same recipe on the project's runtime."""
    import warnings

    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langchain_community.embeddings import HuggingFaceEmbeddings

        if embeddings is None:
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
    same, _ = langchain_store(rag.documents, "", embeddings=rag.embedder)
    funcs: dict[str, Callable[[str], object]] = {
        "retrieve": rag.retrieve,
        "ask": rag.ask,
        "query_embedding": lambda q: rag.embedder.encode_queries([q]),
        "langchain_similarity_search": lambda q: store.similarity_search(q, k=4),
        "langchain_same_runtime": lambda q: same.similarity_search(q, k=4),
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
    # The recipe as its users run it (torch) flatters the comparison with the project on ONNX;
    # on the same runtime, what is left is the cost of the retrieval design itself.
    result["retrieve_vs_langchain_same_runtime"] = round(
        result["retrieve"]["p50_ms"] / result["langchain_same_runtime"]["p50_ms"], 3)
    result["langchain_recipe"] = {"splitter": "RecursiveCharacterTextSplitter(1000, 200)", "chunks": chunks,
                                  "embeddings": "langchain_community HuggingFaceEmbeddings (sentence-transformers, torch)",
                                  "search": "FAISS.similarity_search(q, k=4)"}
    result["backend"] = rag.embedder.backend
    return result


def bridge_cost(rag, questions: Sequence[str], calls: int) -> dict[str, Any]:
    """``ask`` p50 by script with the lexicon bridge and without it, on the same index and model,
    calls alternating between the two so that both see the same machine. The bridge translates
    only questions with Latin letters; Korean ones should not get slower."""
    from dataclasses import replace

    from rag.retrieval import hangul_share

    without = rag.with_settings(replace(rag.settings, bridge=False))
    result: dict[str, Any] = {}
    for script, chosen in (("en", [q for q in questions if hangul_share(q) < 0.5]),
                           ("ko", [q for q in questions if hangul_share(q) >= 0.5])):
        asked = repeat_to(chosen, calls)
        for q in chosen[:3]:
            rag.ask(q), without.ask(q)
        times: dict[str, list[float]] = {"with": [], "without": []}
        for q in asked:
            times["with"].extend(time_calls(rag.ask, [q]))
            times["without"].extend(time_calls(without.ask, [q]))
        result[script] = {name: summary(ms) for name, ms in times.items()}
        result[script]["added_p50_ms"] = round(result[script]["with"]["p50_ms"] - result[script]["without"]["p50_ms"], 3)
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
            "passages": info.passages, "sentences": int(len(rag.index.sentence_vectors)),
            "index_type": info.index_type, "backend": rag.embedder.backend}


def serving_rss(settings: Settings, questions: Sequence[str]) -> dict[str, Any]:
    """Start ``app.py`` (the chat page), answer questions over HTTP, read its RSS and peak RSS."""
    from benchmarks import load

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



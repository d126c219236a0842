"""Embedding throughput against plain sentence-transformers, what the hardware allows, and the
golden metrics on each embedding backend."""

from __future__ import annotations

import json
import logging
import random
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmarks.measure import GOLDEN, make_embedder
from rag.config import Settings
from rag.errors import RagError

log = logging.getLogger(__name__)

BACKENDS = ("torch", "onnx", "onnx-int8")


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



"""Small measuring helpers shared by the benchmark sections."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from rag.config import PROJECT_ROOT, Settings

GOLDEN = PROJECT_ROOT / "tests" / "golden" / "qa.jsonl"


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




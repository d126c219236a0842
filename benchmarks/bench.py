"""Speed and scale benchmark: ``rag bench``, ``python -m benchmarks.bench`` or ``python benchmarks/bench.py``.

Measures, in one run, on this machine:

- cold start in fresh processes (interpreter, imports, model load, index load, first answer);
- warm latency of ``retrieve``, ``ask`` and query embedding alone over the golden questions,
  and the standard LangChain recipe's ``similarity_search`` (k=4) on the same questions;
- index build for the corpus, embedding throughput of plain sentence-transformers against
  the project's ``Embedder`` (each backend it offers) and the golden metrics per backend;
- scale: FAISS search latency, recall@10 against exact search and memory at several corpus
  sizes (synthetic vectors built from real passage embeddings), and BM25 at the same sizes
  (synthetic Zipf token lists);
- stores: FAISS against Milvus Lite on the same synthetic passages: write and load time, the
  store's share of ``retrieve`` (p50) and memory;
- peak RSS of a process that serves answers (and of ``app.py`` in a full run).

Writes ``report.json``, ``report.md`` and ``latency_vs_size.png`` to ``benchmarks/results/``
(or ``--out``) and prints a short summary; ``benchmarks/README.md`` says what each figure means.
Heavy libraries are imported inside the functions so that ``rag bench --help`` stays fast.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.latency import bridge_cost, cold_start, index_build, serving_rss, warm_latency  # noqa: E402
from benchmarks.measure import golden_questions  # noqa: E402
from benchmarks.report import markdown, plot, print_summary, targets  # noqa: E402
from benchmarks.scale import scale  # noqa: E402
from benchmarks.stores import stores  # noqa: E402
from benchmarks.throughput import BACKENDS, ceiling, embedding_throughput, golden_metrics, throughput_passages  # noqa: E402
from rag.config import PROJECT_ROOT, Settings  # noqa: E402

log = logging.getLogger(__name__)

DEFAULT_OUT = PROJECT_ROOT / "benchmarks" / "results"
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 5_000)
STORE_SIZES = (1_000, 10_000, 100_000)
"""Milvus Lite writes about 1,400 passages (with their sentences) a second here: 1M takes ``--store-sizes``."""


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
    store_sizes: tuple[int, ...] = STORE_SIZES
    serve: bool = True
    """Also start ``app.py`` and read its peak RSS after a few answers."""
    settings: Settings = field(default_factory=Settings.from_env)

    @classmethod
    def quick_defaults(cls, **overrides: Any) -> "BenchOptions":
        values: dict[str, Any] = dict(quick=True, sizes=QUICK_SIZES, store_sizes=(1_000,), questions=20,
                                      cold_repeats=1, passages=32, scale_queries=50, serve=False)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


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
        report["manifest"] = {k: rag.index.manifest.get(k) for k in ("index_type", "passages", "model",
                                                                           "embedding_backend", "backend")}
        log.info("Warm latency (%d calls each)", options.questions)
        report["warm"] = warm_latency(rag, questions, options.questions)
        report["bridge"] = bridge_cost(rag, questions, options.questions)
        save_partial()
        lexical_len = round(statistics.fmean(len(t.all()) for t in rag.index.terms), 1)  # BM25 document length
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
        save_partial()
        log.info("Stores: FAISS and Milvus Lite at %s", options.store_sizes)
        report["stores"] = stores(options.store_sizes, reference, options.scale_queries, work)
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
                 settings: Settings | None = None, serve: bool | None = None, store_sizes: str | None = None
                 ) -> BenchOptions:
    """Options from command-line values (None: the default of the full or the quick run)."""
    values: dict[str, Any] = {}
    if store_sizes:
        values["store_sizes"] = parse_sizes(store_sizes)
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


__all__ = ["BenchOptions", "options_from", "parse_sizes", "print_summary", "run"]

if __name__ == "__main__":
    from rag.cli import main

    sys.exit(main(["bench", *sys.argv[1:]]))

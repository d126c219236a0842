"""One cold start, measured from inside a fresh process (``benchmarks.latency.cold_start`` runs it).

    python -m benchmarks.cold_start QUESTION '["more", "questions"]'

Times the imports, the model load, the index load and the first answer, answers the other
questions, and prints one JSON line with the phases and the process's memory.
"""

from __future__ import annotations

import time

_started = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.embeddings import Embedder  # noqa: E402
from rag.indexing import load_or_build  # noqa: E402
from rag.pipeline import RagPipeline  # noqa: E402


def _status(name: str) -> float:
    for line in open("/proc/self/status"):
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str]) -> int:
    t1 = time.perf_counter()
    settings = Settings.from_env()
    embedder = Embedder(settings.embedding_model, batch_size=settings.batch_size, backend=settings.embedding_backend)
    t2 = time.perf_counter()
    indexed = load_or_build(settings, embedder)
    rag = RagPipeline(settings, embedder, indexed.corpus, indexed.index)
    t3 = time.perf_counter()
    answer = rag.ask(argv[0])
    t4 = time.perf_counter()
    for q in json.loads(argv[1]):
        rag.ask(q)
    print(json.dumps({"imports_s": t1 - _started, "model_load_s": t2 - t1, "index_load_s": t3 - t2,
                      "first_answer_s": t4 - t3, "answerable": answer.answerable,
                      "backend": embedder.backend, "torch_imported": "torch" in sys.modules,
                      "rss_mb": _status("VmRSS"), "peak_rss_mb": _status("VmHWM")}))
    return 0


if __name__ == "__main__":
    from benchmarks import script_args

    sys.exit(main(script_args(sys.argv[1:], 2, __doc__)))

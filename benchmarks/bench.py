"""Speed and scale benchmark (the same as ``rag bench``).

    python benchmarks/bench.py [--quick] [--out DIR] [--sizes 1k,10k,100k,1M] [--questions N] [--no-serve]

Writes ``report.json``, ``report.md`` and ``latency_vs_size.png`` to ``benchmarks/results/``
(or ``--out``) and prints a short summary. The logic lives in :mod:`rag.bench`; see
``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))

"""Benchmarks of the project, run from a source checkout (``rag bench``, ``python -m benchmarks.bench``).

``bench`` runs every section and writes the report; ``latency`` (cold start, warm latency, index
build, serving memory), ``throughput`` (embedding speed, the hardware's ceiling, metrics per
backend), ``scale`` (FAISS and BM25 at growing sizes) and ``report`` (targets, Markdown, plot)
each measure one concern. ``load`` and ``incremental`` are scripts of their own.
"""


def script_args(argv: list[str], count: int, doc: str | None) -> list[str]:
    """The ``count`` arguments of a script of this package, or its docstring and an exit: status 0
    for ``-h``/``--help``, 2 for a wrong number of arguments."""
    import sys

    if argv[:1] in (["-h"], ["--help"]) or len(argv) != count:
        print(doc or "", file=sys.stdout if argv[:1] in (["-h"], ["--help"]) else sys.stderr)
        sys.exit(0 if argv[:1] in (["-h"], ["--help"]) else 2)
    return argv

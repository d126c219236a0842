"""Benchmarks of the project, run from a source checkout (``rag bench``, ``python -m benchmarks.bench``).

``bench`` runs every section and writes the report; ``latency`` (cold start, warm latency, index
build, serving memory), ``throughput`` (embedding speed, the hardware's ceiling, metrics per
backend), ``scale`` (FAISS and BM25 at growing sizes) and ``report`` (targets, Markdown, plot)
each measure one concern. ``load`` and ``incremental`` are scripts of their own.
"""

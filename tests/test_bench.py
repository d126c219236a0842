"""The benchmark: its pieces without the model, and a quick end-to-end run (no timed assertions)."""

import json
import subprocess
import sys

import numpy as np
import pytest

from benchmarks import bench, report, scale, throughput


def test_parse_sizes():
    assert bench.parse_sizes("1k, 10K,100k,1M") == (1_000, 10_000, 100_000, 1_000_000)
    assert bench.parse_sizes("2500") == (2_500,)
    for bad in ("", "ten", "10"):
        with pytest.raises(ValueError):
            bench.parse_sizes(bad)


def test_synthetic_vectors_are_unit_length_and_clustered():
    rng = np.random.default_rng(0)
    base = rng.standard_normal((50, 16)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    x = scale.synthetic_vectors(base, 1_000, seed=1, rank=8, chunk=300)
    assert x.shape == (1_000, 16) and x.dtype == np.float32
    assert np.allclose(np.linalg.norm(x, axis=1), 1, atol=1e-5)
    # Each vector lies much closer to some base vector than random directions would.
    assert float(np.median((x @ base.T).max(axis=1))) > 0.5
    assert np.array_equal(x, scale.synthetic_vectors(base, 1_000, seed=1, rank=8, chunk=300))


def test_zipf_corpus_has_a_long_tail():
    docs, vocab = scale.zipf_corpus(500, 30, seed=0)
    assert len(docs) == 500 and abs(np.mean([len(d) for d in docs]) - 30) < 3
    counts = {}
    for d in docs:
        for t in d:
            counts[t] = counts.get(t, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] > 20 * ranked[len(ranked) // 2]  # head terms dominate, most terms are rare
    assert all(len(q) >= 2 for q in scale.zipf_queries(20, vocab, seed=1))


def test_scale_one_small(tmp_path):
    rng = np.random.default_rng(0)
    base = rng.standard_normal((40, 32)).astype(np.float32)
    np.save(tmp_path / "base.npy", base / np.linalg.norm(base, axis=1, keepdims=True), allow_pickle=False)
    row = scale.scale_one(300, str(tmp_path / "base.npy"), queries=10, lexical_len=20)
    assert row["index_type"] == "IndexFlatIP" and row["chosen"]["recall@10"] == 1.0
    assert {"p50_ms", "p95_ms", "build_s", "rss_delta_mb"} <= set(row["chosen"])
    assert {"p50_ms", "p95_ms", "build_s", "vocabulary"} <= set(row["lexical"])


def test_both_stores_serve_the_same_synthetic_passages(tmp_path):
    from benchmarks import stores

    rng = np.random.default_rng(0)
    base = rng.standard_normal((40, 32)).astype(np.float32)
    np.save(tmp_path / "base.npy", base / np.linalg.norm(base, axis=1, keepdims=True), allow_pickle=False)
    wrote = stores.write(300, str(tmp_path / "base.npy"), str(tmp_path))
    assert wrote["faiss_write_s"] >= 0 and wrote["milvus_write_s"] > 0
    rows = [stores.serve(s, 300, str(tmp_path / "base.npy"), str(tmp_path), 10) for s in ("faiss", "milvus")]
    assert [r["index_type"] for r in rows] == ["IndexFlatIP", "Milvus FLAT"]
    assert all(r["n"] == 10 and r["p50_ms"] > 0 and r["load_s"] >= 0 and r["bm25_s"] > 0 for r in rows)
    assert rows[1]["load_s"] > 0  # Milvus Lite reads every row back


def test_model_flops_per_token_of_multilingual_e5_small():
    config = {"hidden_size": 384, "intermediate_size": 1536, "num_hidden_layers": 12}
    assert throughput.model_mflop_per_token(config) == pytest.approx(42.47, abs=0.01)


def test_sgemm_rate_is_measured_per_shape():
    rates = throughput.sgemm_gflops([(64, 32, 16)], seconds=0.05)
    assert list(rates) == ["64x32x16"] and rates["64x32x16"] > 0


def test_plot_writes_a_png(tmp_path):
    rows = [{"passages": n, "chosen": {"p50_ms": n / 1e4}, "exact": {"p50_ms": n / 1e3},
             "lexical": {"p50_ms": n / 2e4}} for n in (1_000, 10_000, 100_000)]
    report.plot(rows, tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_quick_benchmark_writes_the_report(tmp_path):
    out = tmp_path / "results"
    done = subprocess.run([sys.executable, "-m", "rag.cli", "bench", "--quick", "--out", str(out),
                           "--sizes", "500,1000", "--questions", "5"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "warm p50" in done.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {"cold_start", "warm", "index_build", "throughput", "golden_by_backend", "scale", "targets",
            "manifest"} <= set(report)
    assert {"imports_s", "model_load_s", "index_load_s", "first_answer_s", "total_s", "peak_rss_mb"} \
        <= set(report["cold_start"])
    for name in ("retrieve", "ask", "query_embedding", "langchain_similarity_search", "langchain_same_runtime"):
        assert report["warm"][name]["n"] == 5 and report["warm"][name]["p50_ms"] > 0
    assert report["warm"]["retrieve_vs_langchain"] > 0
    assert {"en", "ko"} <= set(report["bridge"]) and report["bridge"]["en"]["with"]["n"] == 5
    assert report["throughput"]["plain_sentence_transformers"]["passages_per_s"] > 0
    c = report["ceiling"]
    assert c["peak_gflops"] > 0 and c["query_embedding_floor_ms"] > 0 and c["speedup_ceiling_vs_plain"] > 0
    assert "## What the hardware allows" in (out / "report.md").read_text(encoding="utf-8")
    assert [r["passages"] for r in report["scale"]] == [500, 1000]
    assert all(r["chosen"]["recall@10"] == 1.0 for r in report["scale"])  # exact search at these sizes
    assert report["manifest"]["index_type"] == "IndexFlatIP"
    assert len(report["targets"]) == 8
    assert "| figure | measured | target | met |" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "latency_vs_size.png").read_bytes()[:4] == b"\x89PNG"
    assert [(r["store"], r["passages"]) for r in report["stores"]] == [("faiss", 1000), ("milvus", 1000)]
    assert all(r["p50_ms"] > 0 and r["load_s"] >= 0 and r["bm25_s"] > 0 for r in report["stores"]), report["stores"]
    assert "## Stores: FAISS against Milvus Lite" in (out / "report.md").read_text(encoding="utf-8")


def test_index_type_switches_by_size_and_is_recorded(tmp_path, monkeypatch):
    import faiss

    import rag.index
    from rag.index import VectorIndex, choose_index
    from rag.types import Passage

    limit = rag.index.EXACT_SEARCH_LIMIT
    assert choose_index(8, limit)[1] == "IndexFlatIP"
    index, kind = choose_index(8, limit + 1)
    assert kind.startswith("IndexHNSWFlat") and index.hnsw.efSearch >= 50  # retrieval asks for 50
    monkeypatch.setattr(rag.index, "EXACT_SEARCH_LIMIT", 5)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((12, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = [Passage(f"text {i}", "a.txt", "t", 10 * i, 10 * i + 6, ((10 * i, 10 * i + 6),)) for i in range(12)]
    built = VectorIndex.build(passages, vectors, vectors.copy(), {"model": "m"})
    assert built.manifest["index_type"] == kind
    built.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, {"model": "m"})
    assert loaded.manifest["index_type"] == kind
    assert faiss.downcast_index(loaded.faiss_index).hnsw.efSearch == index.hnsw.efSearch
    assert np.array_equal(loaded.vectors(), vectors)  # HNSWFlat keeps exact vectors for reuse
    assert loaded.search(vectors[3], 1)[1][0] == 3


@pytest.mark.slow
def test_squad_split_reports_the_read_quarter_and_the_rest(tmp_path):
    """``benchmarks.squad_split`` on the three-article SQuAD sample: every fourth question in one part."""
    from pathlib import Path
    import os

    mini = Path(__file__).resolve().parent / "golden" / "squad-mini.json"
    env = dict(os.environ, RAG_CACHE_DIR=str(tmp_path / "cache"))
    home_cache = Path.home() / ".cache" / "rag" / "models"  # reuse the provisioned model when there is one
    if home_cache.is_dir():
        (tmp_path / "cache").mkdir()
        (tmp_path / "cache" / "models").symlink_to(home_cache)
    done = subprocess.run([sys.executable, "-m", "benchmarks.squad_split", str(mini)], capture_output=True,
                          text=True, timeout=900, env=env, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    parts = {p["part"]: p for p in map(json.loads, done.stdout.splitlines())}
    assert parts["read quarter"]["n"] == 7 and parts["never read"]["n"] == 20  # 27 questions, i % 4 == 0
    for part in parts.values():
        assert 0.0 <= part["em"] <= part["f1"] <= 1.0 and 0.0 < part["answer_in_quote"] <= 1.0


@pytest.mark.parametrize("module", ["stores", "scale", "fit_spans", "squad_split", "cold_start"])
def test_benchmark_scripts_answer_help_and_wrong_arguments_with_their_usage(module):
    run = [sys.executable, "-m", f"benchmarks.{module}"]
    helped = subprocess.run([*run, "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "python -m benchmarks" in helped.stdout and "Traceback" not in helped.stderr
    wrong = subprocess.run([*run, "a", "b", "c"], capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr

"""Embedder backends: validation, resolution, and indexes never mixing vectors of two backends."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

from rag.config import EMBEDDING_BACKENDS, Settings
from rag.embeddings import AUTO_BACKEND, Embedder
from rag.onnx_backend import OnnxUnavailable

SEED = Path(__file__).resolve().parent.parent / "corpus" / "news1-kakao-2023q2-earnings.txt"


@pytest.mark.parametrize("backend", ["gpu", "", "ONNX", "int8"])
def test_an_unknown_backend_is_rejected_before_anything_loads(backend: str) -> None:
    with pytest.raises(ValueError, match="backend must be one of auto, torch, onnx, onnx-int8"):
        Embedder(backend=backend)


def test_settings_take_the_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().embedding_backend == "auto"
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "onnx-int8")
    assert Settings.from_env().embedding_backend == "onnx-int8"
    assert Settings.from_env(embedding_backend="torch").embedding_backend == "torch"
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "tpu")
    with pytest.raises(ValueError, match="embedding_backend must be one of"):
        Settings.from_env()


class FakeEmbedder:
    """Counts what it embeds; ``backend`` is what a real Embedder reports after resolving."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.embedded = 0

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        rng = np.random.default_rng(len(texts))
        vectors = rng.normal(size=(len(texts), 8)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_an_index_built_with_another_backend_is_rebuilt_not_reused(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    from rag.indexing import load_or_build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    index = load_or_build(settings, FakeEmbedder("torch"), rebuild=False, progress=False).index  # type: ignore[arg-type]
    assert index.manifest["embedding_backend"] == "torch"

    again = FakeEmbedder("torch")
    load_or_build(settings, again, rebuild=False, progress=False)  # type: ignore[arg-type]
    assert again.embedded == 0  # same backend: the stored index is used

    onnx = FakeEmbedder("onnx-int8")
    with caplog.at_level(logging.WARNING, logger="rag.indexing"):
        index = load_or_build(settings, onnx, rebuild=False, progress=False).index  # type: ignore[arg-type]
    assert "embedding_backend" in caplog.text
    passages = len(index.passages)
    assert onnx.embedded > passages  # every passage and sentence again: no vector of torch is kept
    assert index.manifest["embedding_backend"] == "onnx-int8"


# --------------------------------------------------------------------------- with the model


@pytest.mark.slow
def test_auto_runs_the_default_model_on_onnx_and_matches_torch() -> None:
    auto = Embedder(backend="auto")
    assert auto.backend == AUTO_BACKEND == "onnx"
    torch = Embedder(backend="torch")
    assert torch.backend == "torch" and auto.dimension == torch.dimension == 384
    texts = ["카카오 2분기 매출은 얼마야?", "When will Kakao release its AI model?", "AI"]
    for encode in ("encode_queries", "encode_passages"):
        a, t = getattr(auto, encode)(texts), getattr(torch, encode)(texts)
        assert np.sum(a * t, axis=1).min() > 0.9999  # measured 1.000000
    assert len(auto.embed_query("카카오")) == 384 and len(auto.embed_documents(["a", "b"])) == 2
    assert auto.encode_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_auto_falls_back_to_torch_for_a_model_it_cannot_export(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    from rag.provision import ensure_default_model

    source = ensure_default_model()
    folder = tmp_path / "cls-model"
    shutil.copytree(source, folder, copy_function=lambda s, d: Path(d).symlink_to(s))
    pooling = folder / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.unlink()
    pooling.write_text(json.dumps(dict(config, pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)))
    with caplog.at_level(logging.INFO, logger="rag.embeddings"):
        embedder = Embedder(str(folder), backend="auto")
    assert embedder.backend == "torch"
    assert "runs on torch: no ONNX backend" in caplog.text and "not plain mean pooling" in caplog.text
    with pytest.raises(OnnxUnavailable, match="Use --backend torch"):
        Embedder(str(folder), backend="onnx")
    assert set(EMBEDDING_BACKENDS) == {"auto", "torch", "onnx", "onnx-int8"}

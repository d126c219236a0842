"""ONNX Runtime export: round trip, agreement with torch, damaged or stale exports redone, no torch
in a process that finds the export cached."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag import onnx_backend
from rag.onnx_backend import (
    FLOAT_FILE, INT8_FILE, MARKER, TOKENIZER_FILE, ModelSpec, OnnxEncoder, OnnxUnavailable, ensure_export,
    export_dir, export_problem, inspect_model,
)

ROOT = Path(__file__).resolve().parent.parent

# Padded on purpose: 3 to 512+ tokens in one batch, Korean and English, odd whitespace.
PADDED_BATCH = [
    "query: 카카오 2분기 매출은 얼마야?",
    "query: What did Kakao say about its generative AI model?",
    "passage: 카카오는 올해 하반기 자체 개발한 초거대 AI 모델 '코GPT 2.0'을 공개할 예정이다.",
    "passage: 카카오톡 비즈보드 광고 매출이  늘었고, 선물하기 거래액도 증가했다. ",
    "passage: Revenue\trose 17% year on year to 2.04 trillion won.\n",
    "passage: " + "카카오는 광고와 커머스 부문의 성장세를 이어갔다. " * 50,
    "query: AI",
]


# --------------------------------------------------------------------------- without the model


def _folder(tmp_path: Path, modules: list[str], pooling: dict[str, object]) -> Path:
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    types = {"Transformer": "sentence_transformers.models.Transformer",
             "Pooling": "sentence_transformers.models.Pooling", "Dense": "sentence_transformers.models.Dense",
             "Normalize": "sentence_transformers.models.Normalize"}
    paths = {"Transformer": "", "Pooling": "1_Pooling", "Dense": "2_Dense", "Normalize": "3_Normalize"}
    (folder / "modules.json").write_text(json.dumps(
        [{"idx": i, "name": str(i), "path": paths[m], "type": types[m]} for i, m in enumerate(modules)]))
    (folder / "config.json").write_text(json.dumps({"hidden_size": 8, "max_position_embeddings": 512}))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (folder / "config_sentence_transformers.json").write_text(json.dumps({"prompts": {"query": "query: "}}))
    return folder


def test_mean_pooling_model_is_supported(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["Transformer", "Pooling", "Normalize"],
                     {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True})
    spec = inspect_model(folder)
    assert (spec.dimension, spec.max_length, spec.prompts) == (8, 512, {"query": "query: "})


@pytest.mark.parametrize("modules, pooling, reason", [
    (["Transformer", "Pooling"], {"pooling_mode_cls_token": True}, "not plain mean pooling"),
    (["Transformer", "Pooling"], {"pooling_mode_mean_tokens": True, "include_prompt": False}, "include_prompt"),
    (["Transformer", "Pooling", "Dense"], {"pooling_mode_mean_tokens": True}, "are not Transformer"),
])
def test_other_architectures_are_refused_with_a_reason(tmp_path: Path, modules: list[str],
                                                       pooling: dict[str, object], reason: str) -> None:
    with pytest.raises(OnnxUnavailable, match=reason):
        inspect_model(_folder(tmp_path, modules, pooling))


def test_a_hub_id_is_not_exportable() -> None:
    with pytest.raises(OnnxUnavailable, match="not a local model folder"):
        inspect_model(Path("intfloat/multilingual-e5-small"))


@pytest.mark.parametrize("error", [OnnxUnavailable("agrees with torch only at cosine 0.9"),
                                   RuntimeError("Exporting the operator is not supported")])
def test_a_failed_export_is_remembered_until_versions_change(tmp_path: Path, monkeypatch, error) -> None:
    spec = inspect_model(_folder(tmp_path, ["Transformer", "Pooling"], {"pooling_mode_mean_tokens": True}))
    calls = []

    def failing_export(spec, target):
        calls.append(target)
        raise error

    monkeypatch.setattr(onnx_backend, "_export", failing_export)
    target = tmp_path / "export"
    with pytest.raises(OnnxUnavailable, match="cosine 0.9|not supported"):
        ensure_export(spec, target)
    with pytest.raises(OnnxUnavailable, match="failed before .* delete .*export-failed.json"):
        ensure_export(spec, target)  # the next start falls back at once
    assert len(calls) == 1
    monkeypatch.setattr(onnx_backend, "_versions", lambda: {"onnxruntime": "upgraded"})
    with pytest.raises(OnnxUnavailable):
        ensure_export(spec, target)
    assert len(calls) == 2, "new versions deserve a new try"


def test_export_dir_is_next_to_a_cached_model_else_hashed(tmp_path: Path) -> None:
    cached = tmp_path / "cache" / "models" / "m"
    cached.mkdir(parents=True)
    assert export_dir(cached, tmp_path / "cache") == cached.parent / "m-onnx"
    elsewhere = export_dir(tmp_path / "mine" / "m", tmp_path / "cache")
    assert elsewhere.parent == tmp_path / "cache" / "onnx" and elsewhere.name.startswith("m-")


# --------------------------------------------------------------------------- with the model


@pytest.fixture(scope="module")
def spec() -> ModelSpec:
    from rag.provision import ensure_default_model

    return inspect_model(ensure_default_model())


@pytest.fixture(scope="module")
def exported(spec: ModelSpec, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(cache dir, export folder): one real export of the default model into a scratch cache, at the
    place where a process with ``RAG_CACHE_DIR=<cache>`` and the model's folder path looks for it."""
    cache = tmp_path_factory.mktemp("cache")
    target = export_dir(spec.folder, cache)
    assert ensure_export(spec, target) == target
    assert not (target / INT8_FILE).exists(), "int8 is opt-in: quantised only when asked for"
    assert ensure_export(spec, target, int8=True) == target
    return cache, target


@pytest.fixture(scope="module")
def torch_vectors(spec: ModelSpec) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(spec.folder), device="cpu", local_files_only=True)
    return np.asarray(model.encode(PADDED_BATCH, normalize_embeddings=True, convert_to_numpy=True))


@pytest.mark.slow
def test_export_round_trip(spec: ModelSpec, exported: tuple[Path, Path]) -> None:
    _, target = exported
    assert export_problem(spec, target) is None
    assert sorted(p.name for p in target.iterdir()) == sorted([FLOAT_FILE, INT8_FILE, TOKENIZER_FILE, MARKER])
    marker = json.loads((target / MARKER).read_text())
    assert marker["versions"]["onnxruntime"] and set(marker["min_cosine_vs_torch"]) == {FLOAT_FILE, INT8_FILE}
    assert ensure_export(spec, target) == target  # current: nothing is redone


@pytest.mark.slow
@pytest.mark.parametrize("quantized, floor, same_alone", [
    # Measured on this batch (transformers 5.24, onnxruntime 1.32): float 1.000000 on every row,
    # padded or one text at a time. int8: min 0.9878 padded, 0.9912 alone, and 0.9950 between the
    # two: dynamic quantisation takes one activation scale per batch, so an int8 vector depends a
    # little on its batch mates. Floors sit just under the measured values, so a worse export fails.
    (False, 0.9999, 0.99999),
    (True, 0.985, 0.993),
])
def test_vectors_match_torch_on_a_padded_batch(spec: ModelSpec, exported: tuple[Path, Path],
                                               torch_vectors: np.ndarray, quantized: bool, floor: float,
                                               same_alone: float) -> None:
    encoder = OnnxEncoder(spec, exported[1], quantized=quantized)
    padded = encoder.encode(PADDED_BATCH, batch_size=len(PADDED_BATCH))
    alone = encoder.encode(PADDED_BATCH, batch_size=1)
    assert np.sum(padded * torch_vectors, axis=1).min() >= floor
    assert np.sum(alone * torch_vectors, axis=1).min() >= floor
    assert np.sum(padded * alone, axis=1).min() >= same_alone  # padding does not leak into the vectors
    assert np.allclose(np.linalg.norm(padded, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_damaged_or_stale_exports_are_detected(spec: ModelSpec, exported: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    copy = tmp_path / "export"
    shutil.copytree(exported[1], copy)
    with (copy / INT8_FILE).open("r+b") as fh:
        fh.truncate(1000)
    assert "model-int8.onnx has changed" in (export_problem(spec, copy) or "")
    (copy / MARKER).write_text("{not json")
    assert "unreadable" in (export_problem(spec, copy) or "")
    (copy / MARKER).unlink()
    assert export_problem(spec, copy) == "not exported yet"

    # The model it came from changed: a copy of the model folder with one file edited.
    model = tmp_path / "model"
    shutil.copytree(spec.folder, model, copy_function=os.symlink)
    (model / "config_sentence_transformers.json").unlink()
    (model / "config_sentence_transformers.json").write_text(
        (spec.folder / "config_sentence_transformers.json").read_text().replace("query: ", "query:  "))
    assert "has changed since the export" in (export_problem(inspect_model(model), exported[1]) or "")

    marker = json.loads((exported[1] / MARKER).read_text())
    marker["versions"]["onnxruntime"] = "0.0.1"
    shutil.copy(exported[1] / FLOAT_FILE, copy / FLOAT_FILE)
    (copy / MARKER).write_text(json.dumps(marker))
    assert "0.0.1" in (export_problem(spec, copy) or "")


@pytest.mark.slow
def test_a_damaged_export_is_redone_with_a_warning(spec: ModelSpec, exported: tuple[Path, Path],
                                                   tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    copy = tmp_path / "export"
    shutil.copytree(exported[1], copy)
    with (copy / FLOAT_FILE).open("r+b") as fh:
        fh.seek(100)
        fh.write(b"garbage")
    (copy / ".staging-1-dead").mkdir()  # left by a killed export
    with caplog.at_level(logging.WARNING, logger="rag.onnx_backend"):
        ensure_export(spec, copy)
    assert "model.onnx has changed" in caplog.text
    assert export_problem(spec, copy) is None
    assert not list(copy.glob(".staging-*"))


@pytest.mark.slow
def test_cached_export_runs_without_torch(spec: ModelSpec, exported: tuple[Path, Path]) -> None:
    """A new process with the export cached imports neither torch nor sentence-transformers."""
    cache, _ = exported
    code = (
        "import sys, json\n"
        "from rag.embeddings import Embedder\n"
        f"e = Embedder({str(spec.folder)!r}, backend=sys.argv[1])\n"
        "v = e.encode_queries(['카카오 AI 모델은 언제 나와?'])\n"
        "print(json.dumps({'backend': e.backend, 'norm': float((v * v).sum()),\n"
        "                  'loaded': sorted(m for m in ('torch', 'sentence_transformers', 'transformers')\n"
        "                                   if m in sys.modules)}))\n"
    )
    env = dict(os.environ, RAG_CACHE_DIR=str(cache))
    for backend in ("onnx", "onnx-int8", "auto"):
        run = subprocess.run([sys.executable, "-c", code, backend], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300, check=True)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        expected = "onnx" if backend == "auto" else backend
        assert result == {"backend": expected, "norm": pytest.approx(1.0, abs=1e-4), "loaded": []}

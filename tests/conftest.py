"""Shared fixtures. The model-backed pipeline is built once per session on the real corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "news1-kakao-2023q2-earnings.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pipeline_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("rag")
    corpus, index = base / "corpus", base / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    return corpus, index


@pytest.fixture(scope="session")
def pipeline(pipeline_dirs: tuple[Path, Path]):
    from rag import RagPipeline

    corpus, index = pipeline_dirs
    return RagPipeline.load(corpus, index)


@pytest.fixture(scope="session")
def embedder(pipeline):
    return pipeline.embedder

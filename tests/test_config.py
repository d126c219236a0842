"""Settings: where each corpus's index lives, and typed tunables."""

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, FusionWeights, RefusalPolicy, Settings, default_index_dir


def test_the_project_corpus_keeps_index_folder():
    assert Settings().index_dir == PROJECT_ROOT / "index"
    assert default_index_dir(PROJECT_ROOT / "corpus") == PROJECT_ROOT / "index"


def test_another_corpus_gets_its_own_index_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RAG_INDEX_DIR", raising=False)
    a, b = Settings.from_env(corpus_dir=tmp_path / "news"), Settings.from_env(corpus_dir=tmp_path / "other" / "news")
    assert a.index_dir != b.index_dir != PROJECT_ROOT / "index"
    assert a.index_dir.parent == tmp_path / "cache" / "indexes" and a.index_dir.name.startswith("news-")
    assert Settings.from_env(corpus_dir=tmp_path / "news").index_dir == a.index_dir  # stable
    assert Settings.from_env(corpus_dir=tmp_path / "news", index_dir=tmp_path / "mine").index_dir == tmp_path / "mine"


def test_tunables_are_validated():
    with pytest.raises(ValueError):
        FusionWeights(dense=-1)
    with pytest.raises(ValueError):
        RefusalPolicy(min_standout=4, strong_standout=3)
    assert FusionWeights().lexical(1.0) == FusionWeights().lexical_ko
    assert FusionWeights().lexical(0.0, translated=True) == FusionWeights().lexical_en
    assert isinstance(Settings().index_dir, Path)


def test_an_empty_corpus_or_index_path_is_refused():
    for name in ("corpus_dir", "index_dir"):
        with pytest.raises(ValueError, match=f"{name} must not be empty"):
            Settings.from_env(**{name: " "})


def test_the_store_and_its_address_come_from_arguments_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("RAG_STORE", raising=False)
    monkeypatch.delenv("RAG_MILVUS_URI", raising=False)
    plain = Settings.from_env(index_dir=tmp_path / "ix")
    assert plain.store == "faiss" and plain.milvus_uri == str(tmp_path / "ix" / "milvus.db")
    monkeypatch.setenv("RAG_STORE", "milvus")
    monkeypatch.setenv("RAG_MILVUS_URI", "http://milvus.internal:19530")
    env = Settings.from_env(index_dir=tmp_path / "ix")
    assert (env.store, env.milvus_uri) == ("milvus", "http://milvus.internal:19530")
    assert Settings.from_env(store="faiss").store == "faiss"
    with pytest.raises(ValueError, match="store must be one of faiss, milvus"):
        Settings(store="chroma")
    with pytest.raises(ValueError, match="milvus_collection"):
        Settings(milvus_collection="news; drop")

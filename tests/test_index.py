import json
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexInvalid
from rag.index import POINTER, VectorIndex
from rag.types import Passage

EXPECT = {"model": "m", "corpus": "abc", "chunking": {"version": 1, "max_chars": 400}}


def _index(n: int = 6, dim: int = 8) -> VectorIndex:
    rng = np.random.default_rng(0)
    passages = [Passage(f"문장 {i}. 다음 {i}.", "a.txt", "T", 20 * i, 20 * i + 12, ((20 * i, 20 * i + 5), (20 * i + 6, 20 * i + 12)))
                for i in range(n)]
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sentences = rng.normal(size=(2 * n, dim)).astype(np.float32)
    return VectorIndex.build(passages, vectors, sentences, EXPECT)


def _version(folder: Path) -> Path:
    return folder / (folder / POINTER).read_text().strip()


def test_round_trip_without_pickle(tmp_path: Path):
    index = _index()
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, EXPECT)
    assert loaded.passages == index.passages
    np.testing.assert_array_equal(loaded.vectors(), index.vectors())
    np.testing.assert_array_equal(loaded.sentence_vectors, index.sentence_vectors)
    files = sorted(p.name for p in _version(tmp_path).iterdir())
    assert files == ["manifest.json", "passages.json", "sentences.npy", "vectors.faiss"]
    for path in _version(tmp_path).iterdir():
        assert not path.read_bytes().startswith(b"\x80"), f"{path.name} looks like a pickle"
    scores, ids = loaded.search(index.vectors()[3], 1)
    assert ids.tolist() == [3]


def test_sentences_of_a_passage(tmp_path: Path):
    index = _index()
    np.testing.assert_array_equal(index.sentences_of(2), index.sentence_vectors[4:6])


@pytest.mark.parametrize("key,value", [("model", "other"), ("corpus", "changed"), ("chunking", {"version": 2, "max_chars": 400})])
def test_stale_manifest_is_rejected(tmp_path: Path, key, value):
    _index().save(tmp_path)
    with pytest.raises(IndexInvalid, match="stale"):
        VectorIndex.load(tmp_path, dict(EXPECT, **{key: value}))


@pytest.mark.parametrize("damage", ["truncate", "flip", "json", "manifest", "delete", "pointer"])
def test_damage_is_detected(tmp_path: Path, damage: str):
    _index().save(tmp_path)
    version = _version(tmp_path)
    if damage == "truncate":
        path = version / "vectors.faiss"
        path.write_bytes(path.read_bytes()[:-10])
    elif damage == "flip":
        path = version / "sentences.npy"
        data = bytearray(path.read_bytes())
        data[-3] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "json":
        (version / "passages.json").write_text("[{", encoding="utf-8")
    elif damage == "manifest":
        (version / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "delete":
        (version / "passages.json").unlink()
    else:
        (tmp_path / POINTER).write_text("../../etc", encoding="utf-8")
    with pytest.raises(IndexInvalid):
        VectorIndex.load(tmp_path, EXPECT)


def test_passages_disagreeing_with_vectors_are_rejected(tmp_path: Path):
    _index().save(tmp_path)
    version = _version(tmp_path)
    passages = json.loads((version / "passages.json").read_text(encoding="utf-8"))[:-1]
    (version / "passages.json").write_text(json.dumps(passages, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    import hashlib

    manifest["files"]["passages.json"] = hashlib.sha256((version / "passages.json").read_bytes()).hexdigest()
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexInvalid, match="vectors but"):
        VectorIndex.load(tmp_path, EXPECT)


def test_pickle_and_stray_files_are_ignored(tmp_path: Path):
    _index().save(tmp_path)
    (tmp_path / "index.pkl").write_bytes(b"\x80\x04cos\nsystem\n(S'touch /tmp/pwned'\ntR.")
    (_version(tmp_path) / "extra.pkl").write_bytes(b"\x80\x04.")
    loaded = VectorIndex.load(tmp_path, EXPECT)
    assert len(loaded.passages) == 6


def test_new_save_replaces_the_old_version(tmp_path: Path):
    _index().save(tmp_path)
    first = _version(tmp_path)
    _index(4).save(tmp_path)
    assert not first.exists()
    assert len(VectorIndex.load(tmp_path, EXPECT).passages) == 4


def test_crash_mid_build_leaves_previous_index_live(tmp_path: Path, monkeypatch):
    _index().save(tmp_path)
    import rag.index as index_module

    def boom(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(index_module.np, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        _index(3).save(tmp_path)
    monkeypatch.undo()
    assert len(VectorIndex.load(tmp_path, EXPECT).passages) == 6
    assert not list(tmp_path.glob(".build-*"))


def test_build_validates_shapes():
    with pytest.raises(ValueError):
        VectorIndex.build([], np.zeros((2, 4), np.float32), np.zeros((0, 4), np.float32), EXPECT)

import hashlib
import json
import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np
import pytest

import rag.chunking
import rag.index
import rag.indexing
from rag.config import Settings
from rag.corpus import load_corpus
from rag.errors import IndexInvalid
from rag.index import POINTER, VectorIndex
from rag.indexing import load_or_build, passage_context
from rag.lexical import PassageTerms, tokenize
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
    import stat

    from rag.cache import UMASK

    index = _index()
    version = index.save(tmp_path)
    # Readable as any folder the process makes is, by a replica running as another user too.
    assert stat.S_IMODE(version.stat().st_mode) == 0o777 & ~UMASK
    loaded = VectorIndex.load(tmp_path, EXPECT)
    assert loaded.passages == index.passages
    assert loaded.terms == index.terms
    assert loaded.terms[2].sentences == tuple(tuple(t) for t in tokenize(index.passages[2].sentence_texts()))
    np.testing.assert_array_equal(loaded.vectors(), index.vectors())
    np.testing.assert_array_equal(loaded.sentence_vectors, index.sentence_vectors)
    files = sorted(p.name for p in _version(tmp_path).iterdir())
    assert files == ["manifest.json", "passages.json", "sentences.npy", "terms.json", "vectors.faiss"]
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


def _rewrite_consistently(version: Path, name: str, edit) -> None:
    """Change a JSON file of the index and its checksum, as a buggy writer would."""
    data = edit(json.loads((version / name).read_text(encoding="utf-8")))
    (version / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = hashlib.sha256((version / name).read_bytes()).hexdigest()
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _lose_a_sentence(terms: list) -> list:
    terms[1][1] = terms[1][1][:1]
    return terms


@pytest.mark.parametrize("name,edit,message", [
    ("passages.json", lambda passages: passages[:-1], "vectors but"),
    ("terms.json", _lose_a_sentence, "terms"),
])
def test_files_disagreeing_with_each_other_are_rejected(tmp_path: Path, name, edit, message):
    _index().save(tmp_path)
    _rewrite_consistently(_version(tmp_path), name, edit)
    with pytest.raises(IndexInvalid, match=message):
        VectorIndex.load(tmp_path, EXPECT)


def test_pickle_and_stray_files_are_ignored(tmp_path: Path):
    _index().save(tmp_path)
    (tmp_path / "index.pkl").write_bytes(b"\x80\x04cos\nsystem\n(S'touch /tmp/pwned'\ntR.")
    (_version(tmp_path) / "extra.pkl").write_bytes(b"\x80\x04.")
    loaded = VectorIndex.load(tmp_path, EXPECT)
    assert len(loaded.passages) == 6


def test_new_save_replaces_the_old_version_after_a_grace(tmp_path: Path, monkeypatch):
    _index().save(tmp_path)
    first = _version(tmp_path)
    _index(4).save(tmp_path)
    assert first.exists(), "a reader that found the old version just before the swap can still load it"
    assert len(VectorIndex.load(tmp_path, EXPECT).passages) == 4
    monkeypatch.setattr(rag.index, "GRACE_SECONDS", 0.0)
    _index(5).save(tmp_path)
    assert not first.exists() and len(VectorIndex.load(tmp_path, EXPECT).passages) == 5


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


def test_vectors_are_exact_for_flat_and_hnsw_and_refused_when_quantised():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    passages = [Passage("x.", "a.txt", "T", i, i + 2, ((i, i + 2),)) for i in range(50)]
    hnsw = faiss.IndexHNSWFlat(8, 32, faiss.METRIC_INNER_PRODUCT)
    sq = faiss.IndexHNSWSQ(8, faiss.ScalarQuantizer.QT_8bit, 32)
    sq.train(vectors)
    for index in (faiss.IndexFlatIP(8), hnsw, sq):
        index.add(vectors)
    sentences = np.zeros((50, 8), np.float32)
    terms = [PassageTerms((), (("x",),))] * 50
    np.testing.assert_array_equal(VectorIndex(passages, hnsw, sentences, {}, terms).vectors(), vectors)
    with pytest.raises(IndexInvalid, match="exact"):
        VectorIndex(passages, sq, sentences, {}, terms).vectors()


# Incremental updates: rag.indexing over a stored index, with a counting embedder instead of the model.

class CountingEmbedder:
    """Deterministic vectors from each text's sha256 (no model); records every text it is given."""

    dimension = 32

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        digests = b"".join(hashlib.sha256(t.encode("utf-8")).digest() for t in texts)
        vectors = np.frombuffer(digests, np.uint8).reshape(len(texts), self.dimension).astype(np.float32) - 127.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _article(n: int, paragraphs: int = 4, title: str = "") -> str:
    """A headline, then paragraphs of five sentences (about 200 characters: one passage each)."""
    body = "\n".join(" ".join(f"{n}번 기사 {j}문단의 {k}번째 문장은 회사의 실적과 하반기 전망을 설명했다." for k in range(5))
                     for j in range(paragraphs))
    return f"{title or f'{n}번 기사 제목'}\n{body}\n"


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return replace(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                            embedding_model="counting"), **changes)


def _write_corpus(folder: Path, articles: dict[int, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in articles.items():
        (folder / f"a{n:05d}.txt").write_text(text, encoding="utf-8")


def _texts(index: VectorIndex) -> set[str]:
    """Everything the embedder is given for an index: passage contexts and bare sentences."""
    return {passage_context(p) for p in index.passages} | {s for p in index.passages for s in p.sentence_texts()}


def _update(settings: Settings) -> tuple[VectorIndex, CountingEmbedder]:
    embedder = CountingEmbedder()
    return load_or_build(settings, embedder, rebuild=False, progress=False).index, embedder  # type: ignore[arg-type]


def _assert_same_as_full_rebuild(index: VectorIndex, settings: Settings, tmp_path: Path) -> None:
    full, _ = _update(replace(settings, index_dir=tmp_path / "full"))
    stored = VectorIndex.load(settings.index_dir, {"model": settings.embedding_model})
    for candidate in (index, stored):
        assert candidate.passages == full.passages and candidate.terms == full.terms
        np.testing.assert_array_equal(candidate.vectors(), full.vectors())
        np.testing.assert_array_equal(candidate.sentence_vectors, full.sentence_vectors)


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Settings, VectorIndex]:
    settings = _settings(tmp_path)
    _write_corpus(settings.corpus_dir, {n: _article(n) for n in range(3)})
    index, embedder = _update(settings)
    assert len(embedder.texts) == len(_texts(index)) == 3 * 4 + 3 * 4 * 5
    return settings, index


def test_adding_a_document_embeds_only_its_text(indexed, tmp_path, monkeypatch, caplog):
    settings, before = indexed
    cut: list[str] = []
    split = rag.indexing.split_passages
    monkeypatch.setattr(rag.indexing, "split_passages", lambda d, n: cut.append(d.source) or split(d, n))
    analysed: list[str] = []
    terms_of = rag.indexing.passage_terms
    monkeypatch.setattr(rag.indexing, "passage_terms", lambda ps: analysed.extend(p.source for p in ps) or terms_of(ps))
    _write_corpus(settings.corpus_dir, {3: _article(3)})
    with caplog.at_level(logging.INFO, logger="rag.indexing"):
        after, embedder = _update(settings)
    assert cut == ["a00003.txt"], "unchanged documents keep their passages without being cut again"
    assert analysed == ["a00003.txt"] * 4, "and their stored terms without Kiwi analysing them again"
    new = [p for p in after.passages if p.source == "a00003.txt"]
    assert sorted(embedder.texts) == sorted([passage_context(p) for p in new] + [s for p in new for s in p.sentence_texts()])
    assert after.manifest["update"] == {"passages_reused": 12, "passages_embedded": 4,
                                        "sentences_reused": 60, "sentences_embedded": 20}
    assert any("stale" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert any("12 reused, 4 embedded; sentences: 60 reused, 20 embedded" in r.getMessage() for r in caplog.records)
    _assert_same_as_full_rebuild(after, settings, tmp_path)


def test_edit_in_the_middle_embeds_only_the_changed_passage_and_sentence(indexed, tmp_path):
    settings, before = indexed
    path = settings.corpus_dir / "a00001.txt"
    path.write_text(path.read_text("utf-8").replace("1번 기사 2문단의 3번째", "1번 기사 2문단의 셋째"), "utf-8")
    after, embedder = _update(settings)
    assert len(embedder.texts) == 2 and set(embedder.texts) == _texts(after) - _texts(before)
    assert any("셋째" in t for t in embedder.texts)
    _assert_same_as_full_rebuild(after, settings, tmp_path)


def test_inserted_paragraph_and_new_title_reuse_what_did_not_change(indexed, tmp_path):
    settings, before = indexed
    path = settings.corpus_dir / "a00002.txt"
    lines = path.read_text("utf-8").splitlines()
    inserted = " ".join(f"2번 기사 새문단의 {k}번째 문장은 회사의 실적과 하반기 전망을 설명했다." for k in range(5))
    path.write_text("\n".join(["바뀐 제목", *lines[1:2], inserted, *lines[2:]]) + "\n", "utf-8")
    after, embedder = _update(settings)
    # The new title changes every passage's context; sentences are embedded bare and only the new ones are new.
    assert set(embedder.texts) == _texts(after) - _texts(before) and len(embedder.texts) == len(set(embedder.texts))
    assert after.manifest["update"] == {"passages_reused": 8, "passages_embedded": 5,
                                        "sentences_reused": 60, "sentences_embedded": 5}
    _assert_same_as_full_rebuild(after, settings, tmp_path)


def test_removed_document_disappears_and_nothing_is_embedded(indexed, tmp_path):
    settings, _ = indexed
    (settings.corpus_dir / "a00001.txt").unlink()
    after, embedder = _update(settings)
    assert embedder.texts == []
    assert {p.source for p in after.passages} == {"a00000.txt", "a00002.txt"}
    _assert_same_as_full_rebuild(after, settings, tmp_path)


@pytest.mark.parametrize("change", [{"embedding_model": "other"}, {"max_passage_chars": 300}])
def test_changed_model_or_chunking_rebuilds_everything(indexed, tmp_path, caplog, change):
    settings, _ = indexed
    _write_corpus(settings.corpus_dir, {3: _article(3)})
    settings = replace(settings, **change)
    with caplog.at_level(logging.WARNING):
        after, embedder = _update(settings)
    assert any("Rebuilding the index" in r.getMessage() and "stale" in r.getMessage() for r in caplog.records)
    assert len(embedder.texts) == len(_texts(after))
    assert after.manifest["update"]["passages_reused"] == after.manifest["update"]["sentences_reused"] == 0


def test_damaged_index_is_not_reused(indexed, tmp_path, caplog):
    settings, _ = indexed
    path = _version(settings.index_dir) / "sentences.npy"
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    _write_corpus(settings.corpus_dir, {3: _article(3)})
    with caplog.at_level(logging.WARNING):
        after, embedder = _update(settings)
    assert any("Rebuilding the index" in r.getMessage() and "damaged" in r.getMessage() for r in caplog.records)
    assert len(embedder.texts) == len(_texts(after)) == 4 * 4 + 4 * 4 * 5
    _assert_same_as_full_rebuild(after, settings, tmp_path)


def test_tampered_document_keys_do_not_reuse_wrong_passages(indexed, tmp_path):
    settings, before = indexed
    version = _version(settings.index_dir)
    manifest = json.loads((version / "manifest.json").read_text("utf-8"))
    path = settings.corpus_dir / "a00000.txt"
    path.write_text(path.read_text("utf-8").replace("0번 기사 0문단", "영번 기사 첫 문단"), "utf-8")
    new_key = rag.indexing.document_key(load_corpus(settings.corpus_dir).documents[0])
    manifest["documents"]["a00000.txt"] = new_key  # as if the stored passages were of the edited text
    (version / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    after, _ = _update(settings)
    _assert_same_as_full_rebuild(after, settings, tmp_path)


def _regex_sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """A stand-in for Kiwi at scale: sentences end at ". " (Kiwi takes about 8 ms per passage)."""
    return [(offset + m.start(), offset + m.end()) for m in re.finditer(r"[^ ][^.]*\.", text)]


def test_one_article_added_to_ten_thousand_passages_embeds_only_its_passages(tmp_path, monkeypatch):
    monkeypatch.setattr(rag.chunking, "sentence_spans", _regex_sentence_spans)
    settings = _settings(tmp_path)
    _write_corpus(settings.corpus_dir, {n: _article(n, paragraphs=20) for n in range(500)})
    before, embedder = _update(settings)
    assert len(before.passages) == 10_000 and len(embedder.texts) == 60_000
    _write_corpus(settings.corpus_dir, {500: _article(500, paragraphs=20)})
    started = time.perf_counter()
    after, embedder = _update(settings)
    elapsed = time.perf_counter() - started
    assert len(after.passages) == 10_020
    assert after.manifest["update"] == {"passages_reused": 10_000, "passages_embedded": 20,
                                        "sentences_reused": 50_000, "sentences_embedded": 100}
    assert len(embedder.texts) == 120 and all(t.startswith("500번 ") for t in embedder.texts)
    assert elapsed < 30, f"incremental update took {elapsed:.1f} s"


_WORKER = r"""
import sys, time
import numpy as np
from pathlib import Path
from rag.errors import IndexInvalid
from rag.index import VectorIndex, writing
from rag.lexical import PassageTerms
from rag.types import Passage

role, folder, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
expect = {"model": "m"}
done = failed = 0
end = time.monotonic() + seconds
rng = np.random.default_rng()
while time.monotonic() < end:
    try:
        if role == "writer":
            n = int(rng.integers(3, 30))
            vectors = rng.standard_normal((n, 8)).astype(np.float32)
            passages = [Passage("x.", "a.txt", "T", i, i + 2, ((i, i + 2),)) for i in range(n)]
            with writing(folder):
                VectorIndex.build(passages, vectors, vectors.copy(), expect, [PassageTerms((), (("x",),))] * n).save(folder)
        else:
            assert len(VectorIndex.load(folder, expect).passages) >= 3
        done += 1
    except Exception as exc:  # counted and reported: the test asserts there are none
        failed += 1
        print(type(exc).__name__, exc, file=sys.stderr)
print(done, failed)
"""


def test_concurrent_writers_and_readers_never_fail(tmp_path: Path):
    """Two processes rebuilding one index folder while three others load it: zero failures."""
    import subprocess
    import sys

    folder = tmp_path / "index"
    with rag.index.writing(folder):
        _index().save(folder)
    roles = ["writer", "writer", "reader", "reader", "reader"]
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, role, str(folder), "6"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
             for role in roles]
    results = [p.communicate(timeout=120) for p in procs]
    counts = [tuple(map(int, out.split())) for out, _ in results]
    assert all(done > 0 for done, _ in counts), results
    assert sum(failed for _, failed in counts) == 0, [err[-500:] for _, err in results]


def test_an_index_of_another_corpus_is_not_silently_replaced(indexed, tmp_path):
    from rag.errors import IndexOfAnotherCorpus

    settings, _ = indexed
    other = tmp_path / "other-corpus"
    _write_corpus(other, {7: _article(7)})
    with pytest.raises(IndexOfAnotherCorpus, match="holds the index of the corpus in .*--rebuild"):
        _update(replace(settings, corpus_dir=other))
    rebuilt = load_or_build(replace(settings, corpus_dir=other), CountingEmbedder(), rebuild=True).index
    assert {p.source for p in rebuilt.passages} == {"a00007.txt"}


def test_a_first_build_is_news_not_a_warning(tmp_path, caplog):
    settings = _settings(tmp_path)
    _write_corpus(settings.corpus_dir, {1: _article(1)})
    with caplog.at_level(logging.INFO, logger="rag.indexing"):
        _update(settings)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("Building the index (first run)" in r.getMessage() for r in caplog.records)


def test_an_empty_corpus_is_refused_before_any_index_folder_or_lock_is_made(tmp_path: Path):
    from rag.errors import RagError
    (tmp_path / "corpus").mkdir()
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    with pytest.raises(RagError, match="No usable documents"):
        load_or_build(settings, embedder=None)
    assert not (tmp_path / "index").exists()

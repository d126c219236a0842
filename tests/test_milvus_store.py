"""The Milvus store against the FAISS one: the same corpus must give the same passages, scores,
candidates and updates. Milvus Lite runs in-process on a file; a counting embedder stands in for
the model (the golden figures on Milvus, with the model, are in test_golden.py)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexInvalid, IndexOfAnotherCorpus
from rag.indexing import load_or_build, passage_context
from rag.lexical import BM25, analyse, document_weights
from rag.milvus_store import MilvusStore, connect, passage_key, sparse, term_dimension
from tests.test_index import CountingEmbedder, _article, _settings, _write_corpus

pytest.importorskip("milvus_lite")


def _milvus(settings):
    return replace(settings, store="milvus", milvus_uri=str(settings.index_dir / "milvus.db"))


@pytest.fixture
def both(tmp_path: Path):
    """The same five articles indexed on FAISS and on Milvus Lite."""
    faiss_settings = _settings(tmp_path)
    _write_corpus(faiss_settings.corpus_dir, {n: _article(n, paragraphs=2 + n % 3) for n in range(5)})
    milvus_settings = _milvus(replace(faiss_settings, index_dir=tmp_path / "milvus-index"))
    faiss_store = load_or_build(faiss_settings, CountingEmbedder()).index
    embedder = CountingEmbedder()
    milvus_store = load_or_build(milvus_settings, embedder).index
    return faiss_store, milvus_store, milvus_settings, embedder


def test_same_passages_terms_and_vector_scores_as_faiss(both):
    faiss_store, milvus_store, _, _ = both
    assert isinstance(milvus_store, MilvusStore)
    assert milvus_store.passages == faiss_store.passages and milvus_store.terms == faiss_store.terms
    query = CountingEmbedder().encode_passages(["3번 기사 실적"])[0]
    f_scores, f_ids = faiss_store.search(query, 7)
    m_scores, m_ids = milvus_store.search(query, 7)
    assert m_ids.tolist() == f_ids.tolist()
    np.testing.assert_allclose(m_scores, f_scores, atol=1e-5)
    ids = [0, 4, 9, len(faiss_store.passages) - 1]
    for m, f in zip(milvus_store.sentence_scores(query, ids), faiss_store.sentence_scores(query, ids), strict=True):
        np.testing.assert_allclose(m, f, atol=1e-5)


def test_sparse_bm25_with_idf_on_the_query_side_is_bm25(both):
    faiss_store, milvus_store, _, _ = both
    bm25 = BM25([t.all() for t in faiss_store.terms])
    terms = analyse("2번 기사 2문단의 하반기 전망").terms
    exact = bm25.scores(terms)
    found = milvus_store.lexical_search(bm25.query_weights(terms), 10)
    assert set(found.tolist()) == set(np.argsort(-exact, kind="stable")[:10].tolist())
    avgdl = float(np.mean([len(t.all()) for t in faiss_store.terms]))
    for i in (0, 7):  # the stored idf-free weights times the query's idf, term by term
        doc = document_weights(faiss_store.terms[i].all(), avgdl)
        q = bm25.query_weights(terms)
        assert sum(w * doc.get(t, 0.0) for t, w in q.items()) == pytest.approx(float(exact[i]), rel=1e-5)


def test_reopening_loads_without_embedding_and_checks_every_row(both, caplog):
    _, milvus_store, settings, _ = both
    again = CountingEmbedder()
    with caplog.at_level(logging.INFO, logger="rag.indexing"):
        loaded = load_or_build(settings, again).index
    assert again.texts == [] and loaded.passages == milvus_store.passages
    assert any("Loaded the Milvus store" in r.getMessage() for r in caplog.records)


def test_adding_an_article_embeds_only_its_text_and_matches_a_full_build(both, tmp_path):
    faiss_store, _, settings, _ = both
    _write_corpus(settings.corpus_dir, {9: _article(9)})
    embedder = CountingEmbedder()
    updated = load_or_build(settings, embedder).index
    new = [p for p in updated.passages if p.source == "a00009.txt"]
    assert sorted(embedder.texts) == sorted([passage_context(p) for p in new] + [s for p in new for s in p.sentence_texts()])
    assert updated.manifest["update"]["passages_embedded"] == len(new)
    full = load_or_build(replace(settings, index_dir=tmp_path / "full", milvus_uri=str(tmp_path / "full.db")),
                         CountingEmbedder()).index
    assert updated.passages == full.passages and updated.terms == full.terms
    q = CountingEmbedder().encode_passages(["9번 기사"])[0]
    assert updated.search(q, 5)[1].tolist() == full.search(q, 5)[1].tolist()


def test_a_removed_article_is_deleted_and_an_edit_reuses_unchanged_sentences(both):
    _, before, settings, _ = both
    (settings.corpus_dir / "a00001.txt").unlink()
    text = (settings.corpus_dir / "a00002.txt").read_text(encoding="utf-8")
    (settings.corpus_dir / "a00002.txt").write_text(text.replace("0번째 문장은", "첫 문장은", 1), encoding="utf-8")
    embedder = CountingEmbedder()
    after = load_or_build(settings, embedder).index
    assert all(p.source != "a00001.txt" for p in after.passages)
    assert len(embedder.texts) == 2, "the edited passage's context and its one edited sentence"
    client = connect(settings.milvus_uri)
    assert client.query("rag_sentences", filter="", output_fields=["count(*)"])[0]["count(*)"] == sum(
        len(p.sentences) for p in after.passages)
    gone = [k for k in before.keys.tolist() if k not in set(after.keys.tolist())]
    assert client.query("rag_passages", filter=f"pk in {gone}", output_fields=["pk"]) == []


@pytest.mark.parametrize("damage", ["passage text", "manifest", "missing sentences"])
def test_a_store_that_does_not_match_its_manifest_is_rebuilt_with_a_warning(both, caplog, damage):
    _, store, settings, _ = both
    client = connect(settings.milvus_uri)
    if damage == "passage text":
        row = client.query("rag_passages", filter=f"pk == {int(store.keys[3])}", output_fields=["*"])[0]
        data = json.loads(row["passage"])
        data["text"] = data["text"].replace("실적", "손실")
        client.upsert("rag_passages", [dict(row, passage=json.dumps(data, ensure_ascii=False))])
    elif damage == "manifest":
        client.upsert("rag_manifest", [{"pk": 0, "data": "{not json", "vector": [0.0, 1.0]}])
    else:
        client.delete("rag_sentences", filter=f"passage == {int(store.keys[0])}")
    with pytest.raises(IndexInvalid):
        MilvusStore.load(client, "rag", {"model": settings.embedding_model})
    with caplog.at_level(logging.WARNING, logger="rag.indexing"):
        rebuilt = load_or_build(settings, CountingEmbedder()).index
    assert any("Rebuilding the Milvus store" in r.getMessage() for r in caplog.records)
    assert rebuilt.passages == store.passages


def test_a_store_of_another_corpus_is_not_silently_replaced(both, tmp_path):
    _, _, settings, _ = both
    other = replace(settings, corpus_dir=tmp_path / "other")
    _write_corpus(other.corpus_dir, {1: _article(1)})
    with pytest.raises(IndexOfAnotherCorpus, match="RAG_MILVUS_COLLECTION"):
        load_or_build(other, CountingEmbedder())


def test_terms_hash_to_nonzero_32_bit_dimensions():
    dims = {term_dimension(f"단어{i}") for i in range(5000)}
    assert len(dims) == 5000 and all(0 < d < 2**32 - 1 for d in dims)
    assert sparse({"a": 1.0, "b": 0.0}) == {term_dimension("a"): 1.0}


def test_passage_keys_depend_on_text_and_offsets(both):
    _, store, _, _ = both
    p = store.passages[0]
    assert passage_key(p) == int(store.keys[0])
    assert passage_key(replace(p, start=p.start + 1)) != passage_key(p)
    assert passage_key(replace(p, text=p.text + ".")) != passage_key(p)


def test_a_failing_server_is_one_clear_error(both):
    from pymilvus.exceptions import MilvusException

    from rag.errors import RagError

    _, store, _, _ = both

    class Down:
        def search(self, *args, **kwargs):
            raise MilvusException(message="connection refused")

    store.client = Down()
    with pytest.raises(RagError, match="failed to search rag_passages: connection refused"):
        store.search(np.ones(32, np.float32), 3)

"""Building the index from the corpus, or loading it when it is current.

A build cuts documents into passages (``chunking``), embeds passages with their context and
sentences bare (``embeddings``), analyses their Kiwi terms (``lexical``) and hands everything to
:class:`VectorIndex` to store. An update reuses what an earlier build already computed for text
that did not change, so adding one article to a large corpus embeds only that article.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.chunking import split_passages
from rag.config import SETUP_LOG, Settings
from rag.corpus import CorpusLoad, load_corpus
from rag.embeddings import Embedder
from rag.errors import IndexInvalid, IndexOfAnotherCorpus, RagError
from rag.index import VectorIndex, writing
from rag.kiwi import analyser_version
from rag.lexical import PassageTerms, passage_terms
from rag.store import PassageStore
from rag.types import Document, Passage

log = logging.getLogger(__name__)

CHUNKING_VERSION = 6
"""Bump when passage cutting, the text given to the embedder or the terms stored with passages
change: old indexes go stale."""


@dataclass(frozen=True)
class IndexedCorpus:
    """A corpus as read from its folder and the index that matches it."""

    corpus: CorpusLoad
    index: PassageStore


def passage_context(p: Passage) -> str:
    """What the embedder sees for a passage: its title and section give it context."""
    return "\n".join(x for x in (p.title, p.section, p.text) if x)


def document_key(document: Document) -> str:
    """Digest of what a document's passages depend on besides the chunking settings."""
    data = json.dumps([document.source, document.title, document.text, analyser_version()])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def expected_manifest(settings: Settings, corpus: CorpusLoad, backend: str) -> dict[str, object]:
    """What a stored index must have been built with; ``backend`` is the embedder's resolved one,
    because vectors from torch and from ONNX (int8 above all) must never share an index."""
    return {
        "model": settings.embedding_model,
        "embedding_backend": backend,
        "corpus": corpus.fingerprint,
        "corpus_dir": corpus_location(settings),
        "chunking": {"version": CHUNKING_VERSION, "max_chars": settings.max_passage_chars},
    }


def corpus_location(settings: Settings) -> str:
    """The corpus folder as seen from the index folder: the pair can move together (a clone of the
    project elsewhere) and still match, while another corpus pointed at this index does not."""
    return os.path.relpath(Path(settings.corpus_dir).resolve(), Path(settings.index_dir).resolve())


def load_or_build(settings: Settings, embedder: Embedder, rebuild: bool = False, progress: bool = False
                  ) -> IndexedCorpus:
    """The stored index when it matches the corpus, model and chunking; else an update that
    reuses what still matches, or (stale settings, damage) a full build, saved either way.

    Builds hold the index folder's lock, and look again once they have it: a process that waited
    for another's build loads that build instead of making its own.
    """
    corpus = load_corpus(settings.corpus_dir)
    if not corpus.documents:  # before any lock or folder is made for it
        raise RagError(f"No usable documents in {settings.corpus_dir}: add UTF-8 .txt or .md articles.")
    expect = expected_manifest(settings, corpus, str(getattr(embedder, "backend", "torch")))
    if settings.store == "milvus":
        return IndexedCorpus(corpus, _load_or_build_milvus(settings, corpus, embedder, expect, rebuild, progress))
    if not rebuild:
        current = _stored(settings, expect, reuse=False)
        if isinstance(current, VectorIndex):
            return IndexedCorpus(corpus, current)
    with writing(settings.index_dir):
        current = None if rebuild else _stored(settings, expect, reuse=True)
        if isinstance(current, VectorIndex):
            return IndexedCorpus(corpus, current)
        reuse = None
        if isinstance(current, StoredVectors):
            reuse = current
            log.warning("Updating the index: it is stale, the corpus changed; unchanged text keeps its vectors")
        elif current is not None and current.startswith("no index"):
            logging.getLogger(SETUP_LOG).info("Building the index (first run) in %s", settings.index_dir)
        elif current is not None:
            log.warning("Rebuilding the index: %s", current)
        index = build_index(corpus, embedder, settings, expect, progress, reuse)
        index.save(settings.index_dir)
    return IndexedCorpus(corpus, index)


def load_stored(settings: Settings, embedder: Embedder) -> IndexedCorpus:
    """The version ``CURRENT`` names, as it is, for a replica that must never build: it may be
    older than the corpus folder until the index job builds the next one. It must still have been
    built with this model, backend and chunking; :class:`IndexInvalid` when there is none or it
    is damaged."""
    corpus = load_corpus(settings.corpus_dir)
    expect = expected_manifest(settings, corpus, str(getattr(embedder, "backend", "torch")))
    built_with = {k: v for k, v in expect.items() if k not in ("corpus", "corpus_dir")}
    index: PassageStore
    if settings.store == "milvus":
        from rag.milvus_store import MilvusStore, connect

        index = MilvusStore.load(connect(str(settings.milvus_uri)), settings.milvus_collection, built_with)
    else:
        index = VectorIndex.load(settings.index_dir, built_with)
    if index.manifest.get("corpus") != expect["corpus"]:
        # Only the documents this version was built from can be answered from: list no others.
        keys = index.manifest.get("documents")
        keys = keys if isinstance(keys, dict) else {}
        built = [d for d in corpus.documents if keys.get(d.source) == document_key(d)]
        log.info("Serving the index as built (%d passages, %d of the folder's %d documents); the corpus "
                 "folder has changed since, and the index job will build the next version",
                 len(index.passages), len(built), len(corpus.documents))
        corpus = dataclasses.replace(corpus, documents=built)
    return IndexedCorpus(corpus, index)


def _stored(settings: Settings, expect: dict[str, object], reuse: bool
            ) -> "VectorIndex | StoredVectors | str | None":
    """The stored index if it is current; else (with ``reuse``) its reusable vectors if only the
    corpus changed, or why it cannot be used; None when not current and ``reuse`` is off."""
    try:
        # Everything but the corpus must match (and every checksum) for stored vectors to be reusable.
        index = VectorIndex.load(settings.index_dir,
                                 {k: v for k, v in expect.items() if k not in ("corpus", "corpus_dir")})
    except IndexInvalid as exc:
        return str(exc)
    built_for = index.manifest.get("corpus_dir", expect["corpus_dir"])
    if built_for != expect["corpus_dir"]:
        other = (Path(settings.index_dir) / str(built_for)).resolve()
        raise IndexOfAnotherCorpus(
            f"{settings.index_dir} holds the index of the corpus in {other}, not of {settings.corpus_dir}. "
            "Leave out --index (each corpus gets its own index folder), pass another --index, "
            "or run `rag index --rebuild` to replace it.")
    if index.manifest.get("corpus") == expect["corpus"]:
        log.info("Loaded index from %s (%d passages)", settings.index_dir, len(index.passages))
        return index
    return StoredVectors(index) if reuse else None


def _load_or_build_milvus(settings: Settings, corpus: CorpusLoad, embedder: Embedder, expect: dict[str, object],
                          rebuild: bool, progress: bool) -> PassageStore:
    """:func:`load_or_build` on Milvus: the same checks, lock and messages; an update inserts only
    the passages the store lacks and deletes those that are gone."""
    from rag.milvus_store import MilvusStore, connect

    client = connect(str(settings.milvus_uri))
    built_with = {k: v for k, v in expect.items() if k not in ("corpus", "corpus_dir")}
    with writing(settings.index_dir):  # the corpus's index folder holds the lock, as on FAISS
        stored: MilvusStore | None = None
        try:
            stored = None if rebuild else MilvusStore.load(client, settings.milvus_collection, built_with)
        except IndexInvalid as exc:
            if str(exc).startswith("no index"):
                log.info("Building the Milvus store (first run) at %s", settings.milvus_uri)
            else:
                log.warning("Rebuilding the Milvus store at %s: %s", settings.milvus_uri, exc)
        if stored is not None and stored.manifest.get("corpus_dir") != expect["corpus_dir"]:
            raise IndexOfAnotherCorpus(
                f"The Milvus store {settings.milvus_collection}_* at {settings.milvus_uri} holds the index of "
                f"another corpus, not of {settings.corpus_dir}. Set RAG_MILVUS_COLLECTION or RAG_MILVUS_URI "
                "for this corpus, or run `rag index --rebuild` to replace it.")
        if stored is not None and stored.manifest.get("corpus") == expect["corpus"]:
            log.info("Loaded the Milvus store at %s (%d passages)", settings.milvus_uri, len(stored.passages))
            return stored
        if stored is not None:
            log.warning("Updating the Milvus store: the corpus changed; unchanged passages are kept")
        passages, terms, keys = cut(corpus, settings, StoredPassages(stored) if stored else None)
        return MilvusStore.write(client, settings.milvus_collection, passages, terms, keys, embedder, dict(expect),
                                 stored, progress)


class StoredPassages:
    """An earlier build's passages and terms, looked up by document, so that an update does not
    cut (with Kiwi) or analyse unchanged documents again."""

    def __init__(self, store: PassageStore) -> None:
        self.terms = {_terms_key(p): t for p, t in zip(store.passages, store.terms)}
        keys = store.manifest.get("documents")
        self._document_keys: dict[str, object] = keys if isinstance(keys, dict) else {}
        self._passages: dict[str, list[Passage]] = {}
        for p in store.passages:
            self._passages.setdefault(p.source, []).append(p)

    def passages_of(self, document: Document, key: str) -> list[Passage] | None:
        """The stored passages of an unchanged document; None when it must be cut again."""
        kept = self._passages.get(document.source)
        if self._document_keys.get(document.source) != key or not kept:
            return None
        # The manifest is not checksummed: make sure the passages really are slices of this text.
        if any(p.title != document.title or document.text[p.start : p.end] != p.text for p in kept):
            return None
        return kept


class StoredVectors(StoredPassages):
    """An earlier FAISS build's passages and vectors, for an update that embeds only new text.

    Vectors are looked up by the exact text that was embedded, not by position, so edits,
    insertions and deletions anywhere keep every vector whose text did not change.
    """

    def __init__(self, index: VectorIndex) -> None:
        super().__init__(index)
        self.passage_vectors = index.vectors()
        self.sentence_vectors = index.sentence_vectors
        self.passage_rows = {passage_context(p): i for i, p in enumerate(index.passages)}
        sentences = (s for p in index.passages for s in p.sentence_texts())
        self.sentence_rows = {text: i for i, text in enumerate(sentences)}


def cut(corpus: CorpusLoad, settings: Settings, reuse: StoredPassages | None
        ) -> tuple[list[Passage], list[PassageTerms], dict[str, str]]:
    """Every document's passages and their terms, reusing those of unchanged documents; and each
    document's key (what its passages depend on)."""
    keys = {d.source: document_key(d) for d in corpus.documents}
    passages: list[Passage] = []
    for d in corpus.documents:
        kept = reuse.passages_of(d, keys[d.source]) if reuse else None
        passages.extend(kept if kept is not None else split_passages(d, settings.max_passage_chars))
    known = reuse.terms if reuse else {}
    wanted = [_terms_key(p) for p in passages]
    fresh = iter(passage_terms([p for p, key in zip(passages, wanted) if key not in known]))
    return passages, [known[key] if key in known else next(fresh) for key in wanted], keys


def _embed(embedder: Embedder, texts: list[str], stored: np.ndarray | None, rows: dict[str, int],
           progress: bool) -> tuple[np.ndarray, int, int]:
    """One vector per text: the stored row when the exact text was embedded before, else a new one.

    Each distinct new text is embedded once. Returns the vectors and the counts reused and embedded.
    """
    fresh = list(dict.fromkeys(t for t in texts if t not in rows))
    new = embedder.encode_passages(fresh, progress=progress) if fresh or stored is None else None
    base = 0 if stored is None else len(stored)
    position = {t: base + i for i, t in enumerate(fresh)}
    pool = np.concatenate([np.asarray(a, dtype=np.float32) for a in (stored, new) if a is not None])
    take = np.fromiter((rows[t] if t in rows else position[t] for t in texts), np.int64, len(texts))
    return pool[take], len(texts) - sum(t in position for t in texts), len(fresh)


def build_index(corpus: CorpusLoad, embedder: Embedder, settings: Settings, manifest: dict[str, object],
                progress: bool = False, reuse: StoredVectors | None = None) -> VectorIndex:
    """Cut every document into passages and embed passages and their sentences.

    With ``reuse`` (an earlier build with the same model and chunking) only new or changed
    text reaches the embedder; the index is the same as one built without it.
    """
    started = time.perf_counter()
    passages, terms, keys = cut(corpus, settings, reuse)
    contexts = [passage_context(p) for p in passages]
    # Sentences are embedded bare: a shared heading made every sentence under it look alike.
    sentences = [s for p in passages for s in p.sentence_texts()]
    log.info("Indexing %d passages and %d sentences from %d documents",
             len(passages), len(sentences), len(corpus.documents))
    vectors, p_reused, p_embedded = _embed(embedder, contexts, reuse.passage_vectors if reuse else None,
                                           reuse.passage_rows if reuse else {}, progress)
    sentence_vectors, s_reused, s_embedded = _embed(embedder, sentences, reuse.sentence_vectors if reuse else None,
                                                    reuse.sentence_rows if reuse else {}, progress)
    log.info("Passages: %d reused, %d embedded; sentences: %d reused, %d embedded",
             p_reused, p_embedded, s_reused, s_embedded)
    update = {"passages_reused": p_reused, "passages_embedded": p_embedded,
              "sentences_reused": s_reused, "sentences_embedded": s_embedded}
    seconds = time.perf_counter() - started
    build = {"seconds": round(seconds, 2),
             "texts_per_s": round((p_embedded + s_embedded) / seconds, 1) if seconds else 0.0}
    return VectorIndex.build(passages, vectors, sentence_vectors,
                             dict(manifest, documents=keys, update=update, build=build), terms)


def _terms_key(p: Passage) -> tuple[str, tuple[str, ...]]:
    """A passage's terms depend on its section and sentence texts only."""
    return p.section, tuple(p.sentence_texts())

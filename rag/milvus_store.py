"""Passages, sentence vectors and the manifest in Milvus: Milvus Lite in a file, or a server.

The same client talks to both; only the URI differs (a path runs Milvus Lite in-process,
``http://host:19530`` reaches a standalone server or a cluster). Three collections, named after
a prefix:

* ``<prefix>_passages``: one row per passage: its dense vector, its Kiwi BM25 weights as a sparse
  vector, the passage as JSON (text, offsets, sentences), its terms, and its document's key. The
  primary key is a hash of the passage itself, so an update inserts only passages it has not
  seen and deletes only those that are gone.
* ``<prefix>_sentences``: one row per sentence: its dense vector, its passage's key, its position.
* ``<prefix>_manifest``: one row: what the store was built with, as :mod:`rag.indexing` checks it.

BM25 without rewriting the corpus on each insert: the sparse vectors hold each document's
idf-free weights, ``tf (k1+1) / (tf + k1 (1-b+b len/avgdl))``, and the query carries each term's
idf, counted at query time over the stored terms. Their inner product is the BM25 score. Only
``avgdl`` is frozen at the time a passage is written; it decides which passages become
candidates, never their final scores, which :class:`rag.retrieval.HybridRetriever` computes
exactly from the stored terms, as on FAISS.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from rag.errors import IndexInvalid, RagError
from rag.lexical import PassageTerms, document_weights
from rag.store import check_manifest
from rag.types import Passage

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
EXACT_SEARCH_LIMIT = 20_000
"""FLAT up to this many passages, then HNSW with FAISS's parameters (see :mod:`rag.index`)."""
HNSW = {"M": 16, "efConstruction": 40}
HNSW_EF = 128
BATCH = 2_000
"""Rows per insert call: Milvus caps a request's size (64 MB by default)."""
_MAX_JSON = 65_535
QUERY_LIMIT = 16_384
KEY_SPACE = 16**15
"""Passage keys are 60-bit hashes: :func:`passage_key`."""
_NO_TERMS = {0: 1.0}
"""Milvus refuses an empty sparse vector; dimension 0 is never a term's, so this one scores 0."""


def term_dimension(term: str) -> int:
    """A term's sparse dimension: a 32-bit hash (Milvus dimensions are below 2^32 - 1), never 0.

    A collision (about one per 100k distinct terms) only lets a passage into the candidates
    that it would not have reached; its score is computed from its real terms."""
    h = int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")
    return 1 + h % (2**32 - 2)


def sparse(weights: Mapping[str, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for term, w in weights.items():
        if w > 0:
            d = term_dimension(term)
            out[d] = out.get(d, 0.0) + float(w)
    return out


def passage_key(p: Passage) -> int:
    """The passage's primary key: a 60-bit hash of everything its vectors and terms depend on."""
    data = json.dumps(p.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return int(hashlib.sha256(data).hexdigest()[:15], 16)


def connect(uri: str) -> Any:
    """A client for ``uri``; a clear :class:`RagError` when Milvus cannot be reached or started."""
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    try:
        if "://" not in uri:  # Milvus Lite: a file of its own, in a folder that must exist
            Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return MilvusClient(uri)
    except (MilvusException, OSError, RuntimeError) as exc:
        raise RagError(f"Cannot open the Milvus store at {uri}: {exc}. Check RAG_MILVUS_URI.") from exc


class MilvusStore:
    """A :class:`rag.store.PassageStore` whose vectors and lexical index live in Milvus.

    The passages and their terms are also held in memory, in corpus order (the order of their
    files, then their offsets), as :class:`rag.index.VectorIndex` holds them.
    """

    def __init__(self, client: Any, prefix: str, passages: list[Passage], terms: list[PassageTerms],
                 keys: Sequence[int], manifest: dict[str, Any]) -> None:
        if not (len(passages) == len(terms) == len(keys)):
            raise ValueError("need one term list and one key per passage")
        self.client = client
        self.prefix = prefix
        self.passages = passages
        self.terms = terms
        self.keys = np.asarray(keys, dtype=np.int64)
        self.position = {int(k): i for i, k in enumerate(self.keys)}
        self.manifest = manifest

    # -- searching ---------------------------------------------------------------------------

    def _search(self, collection: str, **kwargs: Any) -> list[Any]:
        """One search; a server that fails or went away becomes one clear :class:`RagError`."""
        from pymilvus.exceptions import MilvusException

        try:
            return self.client.search(f"{self.prefix}_{collection}", **kwargs)[0]
        except MilvusException as exc:
            raise RagError(f"The Milvus store failed to search {self.prefix}_{collection}: {exc.message}") from exc

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self.passages))
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        hits = self._search("passages", data=[np.asarray(query, np.float32).tolist()], anns_field="vector",
                            limit=k, search_params=_params("IP"))
        return self._ids_and_scores(hits)

    def lexical_search(self, weights: Mapping[str, float], k: int) -> np.ndarray:
        vector = sparse(weights)
        if not vector or not self.passages:
            return np.zeros(0, np.int64)
        hits = self._search("passages", data=[vector], anns_field="sparse", limit=min(k, len(self.passages)),
                            search_params={"metric_type": "IP"})
        return self._ids_and_scores(hits)[1]

    def sentence_scores(self, query: np.ndarray, passage_ids: Sequence[int]) -> list[np.ndarray]:
        """Every sentence of the given passages scored by Milvus in one filtered search."""
        ids = [int(i) for i in passage_ids]
        out = [np.full(len(self.passages[i].sentences), np.nan, np.float32) for i in ids]
        if not ids:
            return out
        slot = {int(self.keys[i]): j for j, i in enumerate(ids)}
        total = sum(len(o) for o in out)
        hits = self._search("sentences", data=[np.asarray(query, np.float32).tolist()], anns_field="vector",
                            limit=total, filter=f"passage in {list(slot)}", output_fields=["passage", "position"],
                            search_params=_params("IP"))
        for h in hits:
            entity = h["entity"]
            out[slot[int(entity["passage"])]][int(entity["position"])] = h["distance"]
        if any(np.isnan(o).any() for o in out):
            raise IndexInvalid("sentence vectors are missing from the Milvus store: run `rag index --rebuild`")
        return out

    def _ids_and_scores(self, hits: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        pairs = [(h["distance"], self.position[int(h["pk"])]) for h in hits if int(h["pk"]) in self.position]
        return (np.array([s for s, _ in pairs], np.float32), np.array([i for _, i in pairs], np.int64))

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, client: Any, prefix: str, expect: Mapping[str, Any]) -> "MilvusStore":
        """The stored passages when the manifest matches ``expect`` and every row checks out;
        :class:`IndexInvalid` saying why not otherwise."""
        from pymilvus.exceptions import MilvusException

        try:
            return cls._load(client, prefix, expect)
        except MilvusException as exc:
            raise IndexInvalid(f"the Milvus store is unreadable: {exc}") from exc

    @classmethod
    def _load(cls, client: Any, prefix: str, expect: Mapping[str, Any]) -> "MilvusStore":
        names = [f"{prefix}_{n}" for n in ("manifest", "passages", "sentences")]
        if not all(client.has_collection(n) for n in names):
            raise IndexInvalid(f"no index in the Milvus store ({prefix}_*)")
        for name in names:
            client.load_collection(name)  # collections come back released when a store is reopened
        rows = client.query(names[0], filter="pk == 0", output_fields=["data"])
        try:
            manifest = json.loads(rows[0]["data"]) if rows else None
        except (TypeError, json.JSONDecodeError) as exc:
            raise IndexInvalid(f"manifest unreadable: {exc}") from exc
        manifest = check_manifest(manifest, FORMAT_VERSION, expect)
        loaded: list[tuple[PurePosixPath, int, int, Passage, PassageTerms, str]] = []
        try:
            for row in _all_rows(client, names[1], ["pk", "passage", "terms", "document"],
                                 int(manifest.get("passages") or 0)):
                p = Passage.from_json(json.loads(row["passage"]))
                if passage_key(p) != int(row["pk"]):
                    raise IndexInvalid(f"passage {row['pk']} is damaged (its key does not match its text)")
                t = PassageTerms.from_json(json.loads(row["terms"]))
                if len(t.sentences) != len(p.sentences):
                    raise IndexInvalid(f"passage {row['pk']}: terms do not match its sentences")
                loaded.append((PurePosixPath(p.source), p.start, int(row["pk"]), p, t, str(row["document"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexInvalid(f"passages unreadable: {exc}") from exc
        loaded.sort(key=lambda r: r[:2])
        sentences = _count(client, names[2])
        if len(loaded) != manifest.get("passages") or sentences != sum(len(r[3].sentences) for r in loaded):
            raise IndexInvalid(f"the store holds {len(loaded)} passages and {sentences} sentences, "
                               f"not what its manifest says ({manifest.get('passages')} passages)")
        manifest = dict(manifest, documents={r[3].source: r[5] for r in loaded})
        return cls(client, prefix, [r[3] for r in loaded], [r[4] for r in loaded], [r[2] for r in loaded], manifest)

    # -- writing -----------------------------------------------------------------------------

    @classmethod
    def write(cls, client: Any, prefix: str, passages: Sequence[Passage], terms: Sequence[PassageTerms],
              document_keys: Mapping[str, str], embedder: Any, manifest: dict[str, Any],
              previous: "MilvusStore | None", progress: bool = False) -> "MilvusStore":
        """Make the store hold exactly ``passages``: with ``previous`` (same model and chunking) insert
        only the passages it lacks, embedding only them, and delete those that are gone; without
        it, start from empty collections. The manifest is written last: a crash midway leaves a
        store that does not match it, which the next load updates or rebuilds."""
        started = time.perf_counter()
        keys = [passage_key(p) for p in passages]
        if len(set(keys)) != len(keys):
            raise ValueError("two passages with the same source, offsets and text")
        if previous is None:
            index_type = _create(client, prefix, embedder.dimension, len(passages))
            old: set[int] = set()
        else:
            index_type = str(previous.manifest.get("index_type"))  # chosen when the collections were made
            old = set(previous.position)
        new = [j for j, k in enumerate(keys) if k not in old]
        from rag.indexing import passage_context  # the text the FAISS build embeds, exactly

        contexts = [passage_context(passages[j]) for j in new]
        texts = [s for j in new for s in passages[j].sentence_texts()]
        vectors, p_embedded = _vectors(client, f"{prefix}_passages", contexts, embedder, progress)
        sentence_vectors, s_embedded = _vectors(client, f"{prefix}_sentences", texts, embedder, progress)
        gone = sorted(old - set(keys))
        for chunk in _chunks(gone, BATCH):
            client.delete(f"{prefix}_passages", filter=f"pk in {chunk}")
            client.delete(f"{prefix}_sentences", filter=f"passage in {chunk}")
        for chunk in _chunks([keys[j] for j in new], BATCH):  # leftovers of an interrupted write
            client.delete(f"{prefix}_sentences", filter=f"passage in {chunk}")
        avgdl = float(np.mean([len(t.all()) for t in terms])) if terms else 1.0
        avgdl = avgdl if avgdl > 0 else 1.0
        positions = [(j, n) for j in new for n in range(len(passages[j].sentences))]
        sentence_rows = ({"passage": keys[j], "position": n, "text": text_key(texts[r]),
                          "vector": sentence_vectors[r].tolist()} for r, (j, n) in enumerate(positions))
        _insert(client, f"{prefix}_sentences", sentence_rows)
        passage_rows = ({"pk": keys[j], "text": text_key(contexts[n]), "vector": vectors[n].tolist(),
                         "sparse": sparse(document_weights(terms[j].all(), avgdl)) or _NO_TERMS,
                         "passage": _json(passages[j].to_json()), "terms": _json(terms[j].to_json()),
                         "document": document_keys.get(passages[j].source, "")}
                        for n, j in enumerate(new))
        _insert(client, f"{prefix}_passages", passage_rows)
        seconds = time.perf_counter() - started
        n_sentences = sum(len(p.sentences) for p in passages)
        manifest = dict(manifest, format=FORMAT_VERSION, store="milvus", dimension=int(embedder.dimension),
                        passages=len(passages), index_type=index_type, bm25_avgdl=round(avgdl, 4),
                        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        update={"passages_reused": len(passages) - p_embedded, "passages_embedded": p_embedded,
                                "sentences_reused": n_sentences - s_embedded, "sentences_embedded": s_embedded},
                        build={"seconds": round(seconds, 2),
                               "texts_per_s": round((p_embedded + s_embedded) / seconds, 1) if seconds else 0.0})
        manifest.pop("documents", None)  # kept per passage: the manifest row must stay small
        client.upsert(f"{prefix}_manifest", [{"pk": 0, "data": json.dumps(manifest, ensure_ascii=False),
                                              "vector": [0.0, 1.0]}])
        log.info("Milvus store %s_* holds %d passages: %d new (%d embedded), %d removed; sentences: %d embedded",
                 prefix, len(passages), len(new), p_embedded, len(gone), s_embedded)
        order = sorted(range(len(passages)), key=lambda j: (PurePosixPath(passages[j].source), passages[j].start))
        return cls(client, prefix, [passages[j] for j in order], [terms[j] for j in order], [keys[j] for j in order],
                   dict(manifest, documents=dict(document_keys)))


def text_key(text: str) -> int:
    """A 60-bit hash of an embedded text: vectors are found again by the text they were made from."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:15], 16)


def _vectors(client: Any, collection: str, texts: Sequence[str], embedder: Any, progress: bool
             ) -> tuple[np.ndarray, int]:
    """One vector per text: the stored one when the same text was embedded before (an edit or a
    shifted offset gives a passage a new key, not new words), else a new one; and how many distinct
    texts were embedded."""
    wanted = {text_key(t): t for t in texts}
    known: dict[int, list[float]] = {}
    for chunk in _chunks(list(wanted), 1_000):
        for row in client.query(collection, filter=f"text in {chunk}", output_fields=["text", "vector"]):
            known.setdefault(int(row["text"]), row["vector"])
    fresh = list(dict.fromkeys(t for t in texts if text_key(t) not in known))
    made = dict(zip(fresh, embedder.encode_passages(fresh, progress=progress))) if fresh else {}
    rows = [made[t] if t in made else np.asarray(known[text_key(t)], np.float32) for t in texts]
    return (np.stack(rows).astype(np.float32) if rows else np.zeros((0, embedder.dimension), np.float32)), len(fresh)


def _params(metric: str) -> dict[str, Any]:
    return {"metric_type": metric, "params": {"ef": HNSW_EF}}


def _create(client: Any, prefix: str, dimension: int, count: int) -> str:
    """Empty collections for a fresh build, with a dense index chosen as FAISS chooses; returns its name."""
    from pymilvus import DataType

    for name in ("manifest", "passages", "sentences"):
        if client.has_collection(f"{prefix}_{name}"):
            client.drop_collection(f"{prefix}_{name}")

    def dense(params: Any, field: str = "vector") -> None:
        if count <= EXACT_SEARCH_LIMIT:
            params.add_index(field, index_type="FLAT", metric_type="IP")
        else:
            params.add_index(field, index_type="HNSW", metric_type="IP", params=dict(HNSW))

    schema = client.create_schema(auto_id=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.INT64)  # text_key of the embedded context
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("passage", DataType.VARCHAR, max_length=_MAX_JSON)
    schema.add_field("terms", DataType.VARCHAR, max_length=_MAX_JSON)
    schema.add_field("document", DataType.VARCHAR, max_length=128)
    params = client.prepare_index_params()
    dense(params)
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    params.add_index("text", index_type="INVERTED")
    _make(client, f"{prefix}_passages", schema, params)

    schema = client.create_schema(auto_id=True)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("passage", DataType.INT64)
    schema.add_field("position", DataType.INT32)
    schema.add_field("text", DataType.INT64)  # text_key of the sentence
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    params = client.prepare_index_params()
    # Sentences are only ever scored within a few passages (a filtered search): exact search is right.
    params.add_index("vector", index_type="FLAT", metric_type="IP")
    params.add_index("passage", index_type="INVERTED")
    params.add_index("text", index_type="INVERTED")
    _make(client, f"{prefix}_sentences", schema, params)

    schema = client.create_schema(auto_id=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("data", DataType.VARCHAR, max_length=_MAX_JSON)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs one vector field
    params = client.prepare_index_params()
    params.add_index("vector", index_type="FLAT", metric_type="IP")
    _make(client, f"{prefix}_manifest", schema, params)
    if count <= EXACT_SEARCH_LIMIT:
        return "Milvus FLAT"
    return f"Milvus HNSW(M={HNSW['M']},efConstruction={HNSW['efConstruction']},ef={HNSW_EF})"


def _make(client: Any, name: str, schema: Any, params: Any) -> None:
    """A collection with its indexes, loaded. Indexes are made without waiting: pymilvus polls each one
    every 0.5 s, seconds for a collection that is still empty, and loading waits for them anyway."""
    client.create_collection(name, schema=schema, consistency_level="Strong")
    client.create_index(name, params, sync=False)
    client.load_collection(name)


def _json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False)
    if len(text.encode("utf-8")) > _MAX_JSON:
        raise RagError(f"a passage is too large for the Milvus store ({len(text):,} characters of JSON)")
    return text


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def _insert(client: Any, collection: str, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            client.insert(collection, batch)
            batch = []
    if batch:
        client.insert(collection, batch)


def _count(client: Any, collection: str) -> int:
    return int(client.query(collection, filter="", output_fields=["count(*)"])[0]["count(*)"])


def _all_rows(client: Any, collection: str, fields: list[str], expected: int) -> Iterator[dict[str, Any]]:
    """Every row, read in ranges of the (uniformly hashed) primary key small enough for one query
    each: Milvus caps a query at 16,384 rows, and its iterator needs timestamps Milvus Lite lacks."""
    parts = max(1, -(-expected // (QUERY_LIMIT // 4)))
    step = -(-KEY_SPACE // parts)
    ranges = [(a, min(a + step, KEY_SPACE)) for a in range(0, KEY_SPACE, step)]
    while ranges:
        low, high = ranges.pop()
        rows = client.query(collection, filter=f"pk >= {low} and pk < {high}", output_fields=fields,
                            limit=QUERY_LIMIT)
        if len(rows) < QUERY_LIMIT:
            yield from rows
        elif high - low > 1:  # the cap may have cut it: read the range in halves
            middle = (low + high) // 2
            ranges += [(low, middle), (middle, high)]
        else:
            raise IndexInvalid("more rows share one key than a query returns")

"""The persisted index: FAISS vectors, passages as JSON and a manifest, never pickle.

Layout of the index folder::

    CURRENT                 name of the live version folder (replaced atomically)
    v-<timestamp>-<id>/     manifest.json, passages.json, terms.json, vectors.faiss, sentences.npy

A build writes a new version folder completely, then swaps ``CURRENT``, so a crash
mid-build leaves the previous version live. Writers hold the folder's lock (:func:`writing`);
readers take no lock: the version they found stays on disk for :data:`GRACE_SECONDS` after it
is replaced, so a load in flight finishes. Loading checks every file's sha256 and the manifest
against what the caller expects; any difference, or any file that vanished, raises
:class:`IndexInvalid` and the caller rebuilds.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import faiss
import numpy as np

from rag import cache
from rag.cache import sha256
from rag.errors import IndexInvalid
from rag.lexical import PassageTerms, passage_terms
from rag.store import check_manifest
from rag.types import Passage

log = logging.getLogger(__name__)

FORMAT_VERSION = 3
POINTER = "CURRENT"
LOCK = ".lock"
GRACE_SECONDS = 120.0
"""How long a replaced version stays on disk for readers that found it just before the swap."""
FILES = ("passages.json", "terms.json", "vectors.faiss", "sentences.npy")
EXACT_SEARCH_LIMIT = 20_000
"""Up to this many vectors exact inner-product search is fast enough; above it, HNSW.

Measured on 2 shared cores (``rag bench``, 384-d, k=50): one exact query cost 0.16 us per vector
on a lightly loaded machine (0.8 ms at 5k, so about 3 ms at 20k) and 1-2 us per vector under
heavy load (144-192 ms at 100k, 826 ms at 1M), while HNSW answered in 0.3-0.6 ms (p50) at 100k
and 1M; HNSW costs a build (about 2,000 vectors/s here) and a little recall, so small corpora
stay exact."""
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 128
"""Graph degree and beam widths. On synthetic passage-like vectors (``rag bench``): recall@10
against exact search 0.9995 at 100k and 0.997 at 1M, search p50 0.3-0.6 ms. M=16/efConstruction=40
built 100k vectors in 47 s against 118 s for M=32/80 on the same loaded machine, and 1M in
504 s (the build is what costs at 1M on 2 cores). Retrieval asks for 50 candidates, so efSearch
stays well above that."""


def choose_index(dim: int, count: int) -> tuple[faiss.Index, str]:
    """Exact search for small corpora; graph search once exact search gets slow.

    Both keep the vectors exactly (HNSWFlat's storage is an ``IndexFlat``), so
    :meth:`VectorIndex.vectors` can hand them back. The name returned is the manifest's
    ``index_type``; efSearch is saved with the index.
    """
    if count <= EXACT_SEARCH_LIMIT:
        return faiss.IndexFlatIP(dim), "IndexFlatIP"
    index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index, f"IndexHNSWFlat(M={HNSW_M},efConstruction={HNSW_EF_CONSTRUCTION},efSearch={HNSW_EF_SEARCH})"


@dataclass
class VectorIndex:
    """Passages, their vectors in FAISS, their sentences' vectors, and the manifest: the default
    :class:`rag.store.PassageStore`.

    Passage vectors find candidates; sentence vectors (one row per passage sentence, in
    passage order) score the candidates' sentences, which is what answers quote.
    """

    passages: list[Passage]
    faiss_index: faiss.Index
    sentence_vectors: np.ndarray
    manifest: dict[str, Any]
    terms: list[PassageTerms]

    def __post_init__(self) -> None:
        counts = [len(p.sentences) for p in self.passages]
        self.sentence_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        if len(self.terms) != len(self.passages) or any(
                len(t.sentences) != n for t, n in zip(self.terms, counts)):
            raise IndexInvalid("passage terms do not match the passages' sentences")

    @classmethod
    def build(cls, passages: Sequence[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
              settings: dict[str, Any], terms: Sequence[PassageTerms] | None = None) -> "VectorIndex":
        """``terms`` default to a fresh Kiwi analysis of ``passages``."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        sentence_vectors = np.ascontiguousarray(sentence_vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(passages):
            raise ValueError(f"need one vector per passage, got {vectors.shape} for {len(passages)} passages")
        if sentence_vectors.shape != (sum(len(p.sentences) for p in passages), vectors.shape[1]):
            raise ValueError(f"need one vector per sentence, got {sentence_vectors.shape}")
        index, kind = choose_index(vectors.shape[1], len(vectors))
        index.add(vectors)
        manifest = dict(settings, format=FORMAT_VERSION, dimension=int(vectors.shape[1]),
                        passages=len(passages), index_type=kind,
                        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        terms = list(terms) if terms is not None else passage_terms(passages)
        return cls(list(passages), index, sentence_vectors, manifest, terms)

    def sentences_of(self, passage_id: int) -> np.ndarray:
        """Vectors of one passage's sentences."""
        return self.sentence_vectors[self.sentence_start[passage_id] : self.sentence_start[passage_id + 1]]

    def sentence_scores(self, query: np.ndarray, passage_ids: Sequence[int]) -> list[np.ndarray]:
        return [self.sentences_of(int(i)) @ query for i in passage_ids]

    def lexical_search(self, weights: Mapping[str, float], k: int) -> None:
        """FAISS keeps no lexical index: the retriever's in-memory BM25 ranks every passage."""
        return None

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, passage ids) for one query vector."""
        k = min(k, self.faiss_index.ntotal)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores, ids = self.faiss_index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def vectors(self) -> np.ndarray:
        """All stored vectors, in passage order, exactly as they were added.

        Raises :class:`IndexInvalid` for an index that stores vectors lossily (quantised):
        its reconstructions are not the embeddings and must not be reused as such.
        """
        storage = faiss.downcast_index(getattr(self.faiss_index, "storage", self.faiss_index))
        if not isinstance(storage, faiss.IndexFlat):
            raise IndexInvalid(f"{type(storage).__name__} does not store exact vectors")
        return self.faiss_index.reconstruct_n(0, self.faiss_index.ntotal)

    def save(self, folder: Path) -> Path:
        """Write a new version folder, then point ``CURRENT`` at it; returns the version folder.

        Call it inside :func:`writing` when other processes may write the same folder."""
        folder.mkdir(parents=True, exist_ok=True)
        name = f"v-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
        try:
            cache.shared(staging, folder=True)
            (staging / "passages.json").write_text(
                json.dumps([p.to_json() for p in self.passages], ensure_ascii=False), encoding="utf-8"
            )
            (staging / "terms.json").write_text(
                json.dumps([t.to_json() for t in self.terms], ensure_ascii=False), encoding="utf-8"
            )
            faiss.write_index(self.faiss_index, str(staging / "vectors.faiss"))
            np.save(staging / "sentences.npy", self.sentence_vectors, allow_pickle=False)
            manifest = dict(self.manifest, files={f: sha256(staging / f) for f in FILES})
            (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
            for f in (*FILES, "manifest.json"):
                with (staging / f).open("rb") as fh:
                    os.fsync(fh.fileno())
            target = folder / name
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        previous = current_version(folder)
        pointer_tmp = folder / f".{POINTER}.{uuid.uuid4().hex[:8]}"
        pointer_tmp.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, folder / POINTER)
        self.manifest = manifest
        _remove_old_versions(folder, keep={name, previous})
        log.info("Index saved to %s (%d passages)", target, len(self.passages))
        return target

    @classmethod
    def load(cls, folder: Path, expect: dict[str, Any]) -> "VectorIndex":
        """Load the live version, verifying checksums and that it was built with ``expect``."""
        try:
            return cls._load(folder, expect)
        except OSError as exc:  # a file that vanished or cannot be read: the same as damage
            raise IndexInvalid(f"index files unreadable: {exc}") from exc

    @classmethod
    def _load(cls, folder: Path, expect: dict[str, Any]) -> "VectorIndex":
        pointer = folder / POINTER
        if not pointer.is_file():
            raise IndexInvalid(f"no index in {folder}")
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
        version = folder / name
        if not name.startswith("v-") or "/" in name or not version.is_dir():
            raise IndexInvalid(f"{pointer} names a missing version {name!r}")
        try:
            manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexInvalid(f"manifest unreadable: {exc}") from exc
        manifest = check_manifest(manifest, FORMAT_VERSION, expect)
        files = manifest.get("files")
        if not isinstance(files, dict) or set(files) != set(FILES):
            raise IndexInvalid("manifest lists the wrong files")
        for f in FILES:
            path = version / f
            if not path.is_file() or sha256(path) != files[f]:
                raise IndexInvalid(f"{f} is missing or damaged (checksum mismatch)")
        try:
            passages = [Passage.from_json(p) for p in json.loads((version / "passages.json").read_text("utf-8"))]
            terms = [PassageTerms.from_json(t) for t in json.loads((version / "terms.json").read_text("utf-8"))]
            index = faiss.read_index(str(version / "vectors.faiss"))
            sentence_vectors = np.load(version / "sentences.npy", allow_pickle=False)
        except (ValueError, KeyError, TypeError, RuntimeError, OSError) as exc:
            raise IndexInvalid(f"index files unreadable: {exc}") from exc
        if index.ntotal != len(passages) or index.ntotal != manifest.get("passages"):
            raise IndexInvalid(f"{index.ntotal} vectors but {len(passages)} passages")
        if index.d != manifest.get("dimension"):
            raise IndexInvalid(f"vectors have dimension {index.d}, manifest says {manifest.get('dimension')}")
        if sentence_vectors.shape != (sum(len(p.sentences) for p in passages), index.d):
            raise IndexInvalid(f"sentence vectors have shape {sentence_vectors.shape}, passages disagree")
        return cls(passages, index, sentence_vectors.astype(np.float32, copy=False), manifest, terms)


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Hold the index folder's lock: one build and save at a time, across processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with cache.exclusive(folder / LOCK, f"writing the index in {folder}"):
        yield


def current_version(folder: Path) -> str | None:
    """The version folder ``CURRENT`` names, or None when there is none yet."""
    try:
        return (folder / POINTER).read_text(encoding="utf-8", errors="replace").strip() or None
    except OSError:
        return None


def _remove_old_versions(folder: Path, keep: set[str | None]) -> None:
    """Delete versions and staging folders other than ``keep`` once they are older than the grace."""
    cutoff = time.time() - GRACE_SECONDS
    for child in folder.iterdir():
        if child.name in keep or not (child.name.startswith("v-") or child.name.startswith(".build-")):
            continue
        try:
            if child.is_dir() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue

"""What retrieval needs from wherever the passages and their vectors are kept.

Two stores implement it: :class:`rag.index.VectorIndex` (FAISS and JSON files in the index folder,
the default) and :class:`rag.milvus_store.MilvusStore` (Milvus Lite in a file, or a Milvus server).
Both keep the passages and their Kiwi terms in memory, because answerability and quoting read them
and BM25's statistics are counted from them; they differ in where vectors and lexical candidates
are searched. Fusion, refusal and answers never see which one they run on.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence

import numpy as np

from rag.errors import IndexInvalid
from rag.lexical import PassageTerms
from rag.types import Passage


def check_manifest(manifest: object, format_version: int, expect: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest, if it is one of this store's format and was built with ``expect``; else
    :class:`IndexInvalid` saying what differs (the caller rebuilds)."""
    if not isinstance(manifest, dict) or manifest.get("format") != format_version:
        raise IndexInvalid("manifest is missing or has an unknown format")
    for key, value in expect.items():
        if manifest.get(key) != value:
            raise IndexInvalid(f"index is stale: {key} was {manifest.get(key)!r}, now {value!r}")
    return manifest


class PassageStore(Protocol):
    passages: list[Passage]
    """In corpus order; a passage's position in this list is its id everywhere else."""
    terms: list[PassageTerms]
    manifest: dict[str, Any]

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (inner products, passage ids) of the passage vectors for one query vector."""
        ...

    def sentence_scores(self, query: np.ndarray, passage_ids: Sequence[int]) -> list[np.ndarray]:
        """Inner products of the query with every sentence of each passage, in sentence order."""
        ...

    def lexical_search(self, weights: Mapping[str, float], k: int) -> np.ndarray | None:
        """Ids of the top-``k`` passages by the inner product of their stored (idf-free) BM25 weights
        with ``weights`` (idf on the query side); None when the store keeps no lexical index and
        the caller's in-memory BM25 ranks."""
        ...

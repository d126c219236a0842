"""Cited question answering over Korean news: ``from rag import RagPipeline``."""

from typing import TYPE_CHECKING

from rag.types import Answer, Citation, Document, Passage

if TYPE_CHECKING:
    from rag.pipeline import RagPipeline

__all__ = ["RagPipeline", "Answer", "Citation", "Document", "Passage"]


def __getattr__(name: str):
    # The pipeline pulls in torch, FAISS and Kiwi; load it only when asked for, so that
    # `rag --help`, error messages and the small modules stay quick to import.
    if name == "RagPipeline":
        from rag.pipeline import RagPipeline

        return RagPipeline
    raise AttributeError(f"module 'rag' has no attribute {name!r}")

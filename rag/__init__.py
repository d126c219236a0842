"""Cited question answering over Korean news: ``from rag import RagPipeline``."""

from rag.pipeline import RagPipeline
from rag.types import Answer, Citation, Document, Passage

__all__ = ["RagPipeline", "Answer", "Citation", "Document", "Passage"]

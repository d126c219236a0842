"""Reference systems for ``rag eval --baselines``, run on the same golden set and model.

Each baseline retrieves passages and answers with its top passage: that is what a retrieval
recipe without an answerer returns. It "refuses" only when it retrieves nothing (BM25 with no
matching term), and its "answer accuracy" only asks whether the top passage holds the
expected string.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np
from rag import evaluation
from rag.lexical import analyse
from rag.types import Answer, Citation, Document, Passage

log = logging.getLogger(__name__)


@dataclass
class Baseline:
    """A named retrieve function plus the passages it searches (for their mean length)."""

    name: str
    retrieve: Callable[[str, int], list[Citation]]
    passages: Sequence[str]

    def ask(self, question: str) -> Answer:
        top = self.retrieve(question, 1)
        return Answer(question, top[0].text if top else "", bool(top), top)


def langchain_recipe(documents: Sequence[Document], embedder, chunk_size: int, overlap: int) -> Baseline:
    """The standard recipe: RecursiveCharacterTextSplitter + FAISS ``similarity_search``.

    Its FAISS store is langchain-community's, as the recipe's users run it; that package is being
    sunset, so it is imported here, only for this comparison, and its deprecation notice is not
    repeated at every run."""
    import warnings

    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*langchain-community.*", category=DeprecationWarning)
        from langchain_community.vectorstores import FAISS

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap, add_start_index=True)
    chunks = splitter.split_documents([LCDocument(d.text, metadata={"source": d.source, "title": d.title})
                                       for d in documents])
    store = FAISS.from_documents(chunks, embedder)

    def retrieve(question: str, k: int) -> list[Citation]:
        out = []
        for doc, score in store.similarity_search_with_score(question, k=k):
            start = int(doc.metadata["start_index"])
            chunk = Passage(doc.page_content, doc.metadata["source"], doc.metadata["title"], start,
                            start + len(doc.page_content), ())
            out.append(Citation.of(chunk, float(score)))
        return out

    return Baseline(f"LangChain recipe {chunk_size}/{overlap}", retrieve, [c.page_content for c in chunks])


def single_signal(name: str, rag, signal: str) -> Baseline:
    """Our passages ranked by one signal only: ``dense`` (FAISS) or ``bm25`` (Kiwi-BM25)."""
    retriever = rag.retriever
    passages = rag.passages

    def retrieve(question: str, k: int) -> list[Citation]:
        if signal == "dense":
            scores, ids = retriever.index.search(rag.embedder.encode_queries([question])[0], k)
        else:
            all_scores = retriever.bm25.scores(analyse(question).terms)
            ids = np.argsort(-all_scores, kind="stable")[:k]
            ids = ids[all_scores[ids] > 0]
            scores = all_scores[ids]
        return [Citation.of(passages[i], float(s)) for s, i in zip(scores, ids)]

    return Baseline(name, retrieve, [p.text for p in passages])


def compare(rag, items: Sequence[evaluation.GoldenItem]) -> list[dict[str, object]]:
    """One row per system: the metrics of ``rag eval`` over all questions."""
    documents = rag.documents
    unbridged = rag.with_settings(replace(rag.settings, bridge=False))
    systems = [
        langchain_recipe(documents, rag.embedder, 1000, 200),
        langchain_recipe(documents, rag.embedder, 300, 50),
        single_signal("Kiwi-BM25 alone", rag, "bm25"),
        single_signal("dense alone", rag, "dense"),
        Baseline("this project without the lexicon bridge", unbridged.retrieve, [p.text for p in rag.passages]),
        Baseline("this project", rag.retrieve, [p.text for p in rag.passages]),
    ]
    asks = {"this project": rag.ask, "this project without the lexicon bridge": unbridged.ask}
    rows = []
    for system in systems:
        ask = asks.get(system.name, system.ask)
        log.info("Evaluating %s", system.name)
        report = evaluation.summarise(evaluation.run(items, ask, system.retrieve), system.passages)
        rows.append({"system": system.name, **{k: report[k] for k in TABLE_KEYS}})
    return rows


TABLE_KEYS = ("hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_rate", "false_refusal_rate",
              "mean_passage_chars", "p50_ms")


def markdown(rows: Sequence[dict[str, object]]) -> str:
    head = "| system | " + " | ".join(TABLE_KEYS) + " |"
    rule = "|---" * (len(TABLE_KEYS) + 1) + "|"
    body = ["| " + " | ".join(str(r[k]) for k in ("system", *TABLE_KEYS)) + " |" for r in rows]
    return "\n".join([head, rule, *body])

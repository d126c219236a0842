"""Fit the weights that choose a short answer among its candidate spans, on train questions only.

    python -m benchmarks.fit_spans ../shared/data/korquad/KorQuAD_v1.0_dev.articles-000-069.json

Train questions: KorQuAD's read quarter (question index ``i % 4 == 0``) and the answerable
questions of the golden train split, on the seed article (also the turns of the train dialogues,
asked with their history), and with the distractors' own questions on the seed plus the ten
distractor articles (counted five times: news is the product's genre, Wikipedia is not). Each question is
asked as a user would; the candidates that ``rag.config.SpanWeights`` choose among in its quote
(``rag.short_answer.weighed``) are labelled by whether they are an expected answer (exact match for
KorQuAD, containment as ``rag eval`` scores the golden set). The weights minimise a listwise softmax
loss toward the matching candidates, with the L2 penalty chosen by 5-fold cross-validation. Prints
the cross-validation table, the defaults' and the fitted weights' matches, and the fitted weights.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from dataclasses import astuple, fields
from pathlib import Path

import numpy as np

from rag import RagPipeline, dialogues, evaluation, short_answer, squad
from rag.config import PROJECT_ROOT, SpanWeights, default_cache_dir

NAMES = [f.name for f in fields(SpanWeights)]
GOLDEN = PROJECT_ROOT / "tests" / "golden"
NEWS_WEIGHT = 5
PENALTIES = (0.1, 0.3, 1.0)


def candidates(pipeline: RagPipeline, question: str, expected: list[str], exact: bool, history: list | None = None
               ) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """The features of the candidates in the quote the pipeline gives, which ones answer, and the
    answer's text (for the history of a conversation)."""
    answer = pipeline.ask(question, history or None)
    if not answer.answerable or not answer.citations or not expected:
        return None, answer.text
    asked = pipeline.retriever.terms(answer.searched_for).asked
    weighed = short_answer.weighed(answer.searched_for, asked, answer.citations[0].quote, answer.citations[0].text)
    if not weighed:
        return None, answer.text
    if exact:
        labels = [max(evaluation.exact_match(text, g) for g in expected) for text, _ in weighed]
    else:
        labels = [float(evaluation.short_matches(text, expected)) for text, _ in weighed]
    return (np.array([[f[n] for n in NAMES] for _, f in weighed]), np.array(labels, dtype=float)), answer.text


def korquad(path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    data = squad.load(path)
    pipeline = RagPipeline.load(data.corpus_dir)
    rows = (candidates(pipeline, item.question, list(item.answers), True)[0]
            for i, item in enumerate(data.items) if i % 4 == 0)
    return [r for r in rows if r is not None]


def golden(pipeline: RagPipeline, *names: str) -> list[tuple[np.ndarray, np.ndarray]]:
    items = [item for name in names for item in evaluation.load_golden(GOLDEN / name)]
    rows = (candidates(pipeline, item.question, list(item.answers), False)[0] for item in items
            if item.split == "train" and item.answerable)
    return [r for r in rows if r is not None]


def conversations(pipeline: RagPipeline) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every answerable turn of the train dialogues, asked with the conversation before it."""
    rows = []
    for dialogue in dialogues.load(GOLDEN / "conversations.jsonl"):
        if dialogue.split != "train":
            continue
        history: list[dict[str, str]] = []
        for turn in dialogue.turns:
            row, text = candidates(pipeline, turn.question, list(turn.answers) if turn.answerable else [],
                                   False, history)
            rows += [row] if row is not None else []
            history += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": text}]
    return rows


def seed_and_distractors() -> RagPipeline:
    folder = default_cache_dir() / "fit-spans"
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for article in [*(PROJECT_ROOT / "corpus").glob("*.txt"), *(GOLDEN / "distractors").glob("*.txt")]:
        shutil.copy(article, corpus)
    return RagPipeline.load(corpus, folder / "index")


def _padded(rows: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max(len(y) for _, y in rows)
    x = np.zeros((len(rows), width, len(NAMES)))
    y = np.zeros((len(rows), width))
    mask = np.zeros((len(rows), width), dtype=bool)
    for k, (xs, ys) in enumerate(rows):
        x[k, :len(ys)], y[k, :len(ys)], mask[k, :len(ys)] = xs, ys, True
    return x, y, mask


def fit(rows: list[tuple[np.ndarray, np.ndarray]], penalty: float, steps: int = 2000, rate: float = 0.5) -> np.ndarray:
    """Listwise softmax regression on standardised features; weights in the features' own units."""
    scale = np.concatenate([x for x, _ in rows]).std(0) + 1e-6
    informative = [(x / scale, y) for x, y in rows if 0 < y.sum() < len(y)]
    x, y, mask = _padded(informative)
    target = y / y.sum(1, keepdims=True)
    w = np.zeros(len(NAMES))
    for _ in range(steps):
        s = np.where(mask, x @ w, -np.inf)
        p = np.exp(s - s.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        gradient = np.einsum("rc,rcf->f", p - target, x) / len(informative)
        w -= rate * (gradient + penalty * w)
    return w / scale


def matches(weights: np.ndarray, rows: list[tuple[np.ndarray, np.ndarray]]) -> int:
    return int(sum(y[int(np.argmax(x @ weights))] for x, y in rows))


def main(path: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    kq = korquad(Path(path))
    seed = RagPipeline.load()
    news = (golden(seed, "qa.jsonl") + conversations(seed)
            + golden(seed_and_distractors(), "qa.jsonl", "qa-distractors.jsonl"))
    rows = kq + news * NEWS_WEIGHT
    folds = np.array_split(np.random.default_rng(0).permutation(len(rows)), 5)
    best = None
    for penalty in PENALTIES:
        held_out = 0
        for fold in folds:
            out = set(fold.tolist())
            w = fit([r for k, r in enumerate(rows) if k not in out], penalty, steps=800)
            held_out += matches(w, [rows[k] for k in fold])
        print(json.dumps({"l2": penalty, "cross_validated_matches": held_out, "rows": len(rows)}))
        if best is None or held_out > best[1]:
            best = (penalty, held_out)
    weights = fit(rows, best[0])
    defaults = np.array(astuple(SpanWeights()))
    for name, w in (("defaults", defaults), ("fitted", weights)):
        print(json.dumps({"weights": name, "korquad_read_quarter": f"{matches(w, kq)}/{len(kq)}",
                          "golden_train": f"{matches(w, news)}/{len(news)}"}))
    print("SpanWeights(" + ", ".join(f"{n}={v:.3f}" for n, v in zip(NAMES, weights)) + ")")


if __name__ == "__main__":
    from benchmarks import script_args

    main(*script_args(sys.argv[1:], 1, __doc__))

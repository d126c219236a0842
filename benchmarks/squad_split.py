"""A SQuAD set's direct-answer figures on the quarter whose failures were read, and on the rest.

    python -m benchmarks.squad_split ../shared/data/korquad/KorQuAD_v1.0_dev.articles-000-069.json

Rules and weights are fitted on every fourth question only (the "read quarter", question index
``i % 4 == 0`` in file order); the other three quarters are never read and show whether a rule
generalises. Prints one JSON line per part: questions, exact match and character F1 of
``Answer.short``, and the share of quotes that hold an expected answer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag import RagPipeline, squad
from rag.evaluation import char_f1, exact_match


def main(path: str) -> None:
    data = squad.load(Path(path))
    pipeline = RagPipeline.load(data.corpus_dir)
    parts: dict[str, list[tuple[float, float, bool]]] = {"read quarter": [], "never read": []}
    for i, item in enumerate(data.items):
        answer = pipeline.ask(item.question)
        short = answer.short.text if answer.short else ""
        quote = answer.citations[0].quote if answer.citations else ""
        parts["read quarter" if i % 4 == 0 else "never read"].append((
            max(exact_match(short, gold) for gold in item.answers),
            max(char_f1(short, gold) for gold in item.answers),
            any(gold in quote for gold in item.answers)))
    for name, rows in parts.items():
        n = len(rows)
        print(json.dumps({"part": name, "n": n, "em": round(sum(r[0] for r in rows) / n, 4),
                          "f1": round(sum(r[1] for r in rows) / n, 4),
                          "answer_in_quote": round(sum(r[2] for r in rows) / n, 4)}, ensure_ascii=False))


if __name__ == "__main__":
    from benchmarks import script_args

    main(*script_args(sys.argv[1:], 1, __doc__))

"""Golden conversations: follow-up turns scored with their history, and alone as the baseline.

Each line of ``tests/golden/conversations.jsonl`` is a dialogue (``id``, ``lang``: ko, en or
mixed, ``split``, ``turns``); each turn has the golden fields of :mod:`rag.evaluation`. Only the
follow-ups (every turn after the first) are scored: asked with the earlier turns as history, the
way a chat asks them, and asked alone, which is how they were answered before conversations.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from rag.errors import RagError
from rag.evaluation import GoldenItem, Outcome, failures, golden_item, summarise, table as golden_table
from rag.types import Answer, Citation

Ask = Callable[[str, object], Answer]
Retrieve = Callable[[str, int, object], Sequence[Citation]]


@dataclass(frozen=True)
class Dialogue:
    id: str
    lang: str
    split: str
    turns: tuple[GoldenItem, ...]


def load(path: Path) -> list[Dialogue]:
    """Read a conversations JSONL file, rejecting malformed lines with their line number."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"cannot read conversations file {path}: {exc}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise RagError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    if not rows:
        raise RagError(f"conversations file {path} has no dialogues")
    try:
        return load_rows([row for _, row in rows], [number for number, _ in rows])
    except RagError as exc:
        raise RagError(f"{path}:{exc}") from exc


def load_rows(rows: Sequence[dict], lines: Sequence[int] | None = None) -> list[Dialogue]:
    """Dialogues from parsed rows; an error names the row's line (``lines``, else its position)."""
    dialogues = []
    for n, row in enumerate(rows):
        line = lines[n] if lines else n + 1
        turns = row.get("turns") if isinstance(row, dict) else None
        if not isinstance(turns, list) or len(turns) < 2 or "id" not in row:
            raise RagError(f"{line}: a dialogue needs an id and a list of two turns or more")
        split = str(row.get("split", "train"))
        items = tuple(golden_item(dict(t, id=f"{row['id']}#{i}") if isinstance(t, dict) else t, f"{line}, turn {i}",
                                  split) for i, t in enumerate(turns, 1))
        dialogues.append(Dialogue(str(row["id"]), str(row.get("lang", "")), split, items))
    if not dialogues:
        raise RagError("no dialogues")
    return dialogues


def run(dialogues: Sequence[Dialogue], ask: Ask, retrieve: Retrieve, with_history: bool = True,
        k: int = 10) -> list[Outcome]:
    """Outcomes of the follow-up turns. Each turn's history is the earlier questions and the
    answers given to them; ``with_history=False`` asks every follow-up alone."""
    outcomes = []
    for dialogue in dialogues:
        history: list[dict[str, str]] = []
        for n, turn in enumerate(dialogue.turns):
            context = history if with_history else None
            start = time.perf_counter()
            answer = ask(turn.question, list(context) if context else None)
            ms = (time.perf_counter() - start) * 1000
            if n:
                rank = None
                if turn.answerable:
                    ranked = retrieve(turn.question, k, list(context) if context else None)
                    rank = next((i for i, c in enumerate(ranked, 1) if turn.evidence in c.text), None)
                outcomes.append(Outcome(turn, rank, answer, ms))
            history += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": answer.text}]
    return outcomes


def report(dialogues: Sequence[Dialogue], ask: Ask, retrieve: Retrieve, with_failures: bool = False
           ) -> dict[str, object]:
    """``rag eval --conversations``: the follow-ups with their history and alone."""
    result: dict[str, object] = {"dialogues": len(dialogues), "follow_ups": sum(len(d.turns) - 1 for d in dialogues)}
    for name, with_history in (("with_history", True), ("alone", False)):
        outcomes = run(dialogues, ask, retrieve, with_history)
        result[name] = summarise(outcomes)
        if with_failures:
            rows = failures(outcomes)
            searched = {o.item.id: o.answer.searched_for for o in outcomes}
            for row in rows:
                row["searched_for"] = searched[str(row["id"])]
            result[name]["failures"] = rows  # type: ignore[index]
    return result


def table(result: dict[str, object]) -> str:
    """The report as two golden tables, follow-ups with their history and alone, with the
    searched-for question of each failure."""
    lines = [f"{result['follow_ups']} follow-up turns of {result['dialogues']} dialogues."]
    for name, title in (("with_history", "Asked with their history"), ("alone", "Asked alone (baseline)")):
        part = result[name]
        assert isinstance(part, dict)
        lines += ["", f"**{title}**", "", golden_table({k: v for k, v in part.items() if k != "failures"})]
        for f in part.get("failures", []):
            lines.append(f"- {f['id']} (answered {f['answered']}): {f['question']}\n  searched for: "
                         f"{f['searched_for']}\n  -> {f['answer']}")
    return "\n".join(lines)

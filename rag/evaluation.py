"""Golden-set evaluation: retrieval hit rates, answer accuracy and refusal behaviour."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rag.errors import RagError
from rag.types import Answer, Citation

_KEYS = {"id", "question", "lang", "answers", "evidence", "answerable"}


@dataclass(frozen=True)
class GoldenItem:
    id: str
    question: str
    lang: str
    answers: tuple[str, ...]
    evidence: str
    answerable: bool
    split: str = "train"


def golden_item(row: object, where: str, split: str | None = None) -> GoldenItem:
    """One golden row, checked; :class:`RagError` naming ``where`` when it is malformed."""
    missing = _KEYS - set(row) if isinstance(row, dict) else _KEYS
    if missing:
        raise RagError(f"{where}: missing keys {sorted(missing)}")
    assert isinstance(row, dict)
    if row["lang"] not in ("ko", "en") or not isinstance(row["answers"], list):
        raise RagError(f"{where}: lang must be 'ko' or 'en' and answers a list")
    if bool(row["answerable"]) != bool(row["evidence"]) or bool(row["answerable"]) != bool(row["answers"]):
        raise RagError(f"{where}: answerable items need answers and evidence; unanswerable ones neither")
    return GoldenItem(str(row["id"]), str(row["question"]), row["lang"], tuple(map(str, row["answers"])),
                      str(row["evidence"]), bool(row["answerable"]), split or str(row.get("split", "train")))


def load_golden(path: Path) -> list[GoldenItem]:
    """Read a golden JSONL file, rejecting malformed lines with their line number."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"cannot read golden file {path}: {exc}") from exc
    items: list[GoldenItem] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RagError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        items.append(golden_item(row, f"{path}:{number}"))
    if not items:
        raise RagError(f"golden file {path} has no questions")
    return items


@dataclass(frozen=True)
class Outcome:
    """One question's result: where the evidence ranked and what the answer did."""

    item: GoldenItem
    rank: int | None
    answer: Answer
    ms: float

    @property
    def correct(self) -> bool:
        a = self.answer
        return (self.item.answerable and a.answerable and any(x in a.text for x in self.item.answers)
                and bool(a.citations) and self.item.evidence in a.citations[0].text)

    @property
    def short_correct(self) -> bool:
        """The direct answer contains an expected answer or is contained in one."""
        short = self.answer.short
        return bool(self.item.answerable and short and short_matches(short.text, self.item.answers))


def short_matches(text: str, answers: Iterable[str]) -> bool:
    """A direct answer counts when it contains an expected answer or lies inside one."""
    return bool(text) and any(x in text or text in x for x in answers)


def run(items: Iterable[GoldenItem], ask: Callable[[str], Answer],
        retrieve: Callable[[str, int], Sequence[Citation]], k: int = 10, progress: bool = False) -> list[Outcome]:
    outcomes = []
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(list(items), desc="Questions", unit="q")
    for item in items:
        start = time.perf_counter()
        answer = ask(item.question)
        ms = (time.perf_counter() - start) * 1000
        rank = None
        if item.answerable:
            ranked = retrieve(item.question, k)
            rank = next((i for i, c in enumerate(ranked, 1) if item.evidence in c.text), None)
        outcomes.append(Outcome(item, rank, answer, ms))
    return outcomes


def summarise(outcomes: Sequence[Outcome], passages: Sequence[str] = ()) -> dict[str, object]:
    """The metrics of ``rag eval --json``, overall and per language."""

    def metrics(group: Sequence[Outcome]) -> dict[str, object]:
        ans = [o for o in group if o.item.answerable]
        unans = [o for o in group if not o.item.answerable]

        def rate(xs: Sequence[bool]) -> float | None:
            return round(sum(xs) / len(xs), 4) if xs else None

        return {
            "n": len(group),
            "hit@1": rate([o.rank == 1 for o in ans]),
            "hit@3": rate([o.rank is not None and o.rank <= 3 for o in ans]),
            "mrr": round(sum(1 / o.rank for o in ans if o.rank) / len(ans), 4) if ans else None,
            "answer_accuracy": rate([o.correct for o in ans]),
            "short_answer_accuracy": rate([o.short_correct for o in ans]),
            "refusal_rate": rate([not o.answer.answerable for o in unans]),
            "false_refusal_rate": rate([not o.answer.answerable for o in ans]),
            "mean_passage_chars": round(statistics.fmean(len(p) for p in passages), 1) if passages else None,
            "p50_ms": round(statistics.median(o.ms for o in group), 1) if group else None,
        }

    result = metrics(outcomes)
    if any(o.item.split == "squad" for o in outcomes):
        scored = [(o.answer.short.text if o.answer.short else "", o.item.answers) for o in outcomes]
        result["em"] = round(sum(max(exact_match(p, g) for g in gold) for p, gold in scored) / len(scored), 4)
        result["f1"] = round(sum(max(char_f1(p, g) for g in gold) for p, gold in scored) / len(scored), 4)
    if passages:
        # What the hit rates mean depends on how many passages there were to choose from.
        result["passages"] = len(passages)
        result["random_hit@1"] = round(1 / len(passages), 4)
        result["random_hit@3"] = round(min(3, len(passages)) / len(passages), 4)
    result["by_lang"] = {lang: metrics([o for o in outcomes if o.item.lang == lang]) for lang in ("ko", "en")}
    return result


def failures(outcomes: Sequence[Outcome]) -> list[dict[str, object]]:
    """The questions that went wrong, for reading rather than for scores."""
    rows = []
    for o in outcomes:
        wrong_refusal = o.answer.answerable != o.item.answerable
        if wrong_refusal or (o.item.answerable and (o.rank != 1 or not o.correct)):
            rows.append({"id": o.item.id, "question": o.item.question, "rank": o.rank,
                         "answered": o.answer.answerable, "answer": o.answer.text[:160]})
    return rows


TABLE = (("n", "n"), ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("mrr", "mrr"), ("answer_accuracy", "answer accuracy"),
         ("short_answer_accuracy", "short answer"), ("refusal_rate", "refusal"),
         ("false_refusal_rate", "false refusal"), ("p50_ms", "p50 ms"))


def table(report: dict[str, object]) -> str:
    """``rag eval``'s report as a Markdown table per language (the README's format), then the
    failures, if listed."""

    def cell(key: str, value: object) -> str:
        if value is None:
            return "—"
        if key == "p50_ms" and isinstance(value, (int, float)):
            return f"{value:.1f}"
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    by_lang = report["by_lang"]
    assert isinstance(by_lang, dict)
    rows = [("Korean", by_lang["ko"]), ("English", by_lang["en"]), ("all", report)]
    lines = ["| | " + " | ".join(label for _, label in TABLE) + " |", "|---" * (len(TABLE) + 1) + "|"]
    lines += ["| " + name + " | " + " | ".join(cell(k, r.get(k)) for k, _ in TABLE) + " |"
              for name, r in rows if isinstance(r, dict) and r.get("n")]
    if "em" in report:
        lines += ["", f"Short answers against the gold answers (KorQuAD's normalisation): EM {report['em']}, "
                      f"character F1 {report['f1']}."]
    if report.get("passages"):
        lines += ["", f"{report['passages']} passages searched: a random ranker scores hit@1 "
                      f"{report['random_hit@1']}, hit@3 {report['random_hit@3']}."]
    build = report.get("index")
    if isinstance(build, dict) and build.get("seconds"):
        lines += [f"Index build: {build['seconds']} s, {build.get('texts_per_s')} texts embedded per second."]
    failures = report.get("failures")
    if isinstance(failures, list) and failures:
        lines += ["", f"{len(failures)} questions went wrong:"]
        lines += [f"- {f['id']} (rank {f['rank']}, answered {f['answered']}): {f['question']}\n  -> {f['answer']}"
                  for f in failures]
    return "\n".join(lines)


_QUOTES = re.compile(r"[\'\"‘’“”《》<>〈〉()]")
_ASCII_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")


def normalise_answer(text: str) -> str:
    """KorQuAD 1.0's normalisation: quotes, brackets and parentheses to spaces, lower case, no
    ASCII punctuation, single spaces."""
    text = _QUOTES.sub(" ", text).lower()
    return " ".join(_ASCII_PUNCT.sub("", text).split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalise_answer(prediction) == normalise_answer(gold))


def char_f1(prediction: str, gold: str) -> float:
    """KorQuAD 1.0's F1: over the characters of the normalised strings, spaces not counted."""
    pred = Counter(normalise_answer(prediction).replace(" ", ""))
    true = Counter(normalise_answer(gold).replace(" ", ""))
    common = sum((pred & true).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(true.values())
    return 2 * precision * recall / (precision + recall)

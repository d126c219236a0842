import json
from pathlib import Path

import pytest

from rag.corpus import load_corpus
from rag.errors import RagError
from rag.evaluation import GoldenItem, Outcome, load_golden, summarise
from rag.types import Answer, Citation

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "qa.jsonl"


def test_golden_set_is_well_formed():
    items = load_golden(GOLDEN)
    body = load_corpus(ROOT / "corpus").documents[0].text
    assert len(items) >= 40 and len({i.id for i in items}) == len(items)
    assert sum(i.lang == "en" for i in items) >= 12
    assert sum(not i.answerable for i in items) >= 8
    for lang in ("ko", "en"):
        assert any(not i.answerable and i.lang == lang for i in items)
    for i in items:
        if i.answerable:
            assert i.evidence in body, i.id
            paragraph = next(line for line in body.split("\n") if i.evidence in line)
            assert all(a in paragraph for a in i.answers), i.id


def _write(tmp_path: Path, rows) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_malformed_golden_lines_are_named(tmp_path):
    with pytest.raises(RagError, match=":1: not valid JSON"):
        load_golden(_write(tmp_path, ["{oops"]))
    with pytest.raises(RagError, match="missing keys"):
        load_golden(_write(tmp_path, [{"id": "x", "question": "q"}]))
    bad = {"id": "x", "question": "q", "lang": "ko", "answers": ["a"], "evidence": "", "answerable": True}
    with pytest.raises(RagError, match="need answers and evidence"):
        load_golden(_write(tmp_path, [bad]))


def test_summary_metrics():
    cite = Citation("... 10월 공개 ...", "a", "T", 0, 14, 1.0, 4, 9)
    ok = GoldenItem("1", "q", "en", ("10월",), "10월 공개", True)
    no = GoldenItem("2", "q", "en", (), "", False)
    outcomes = [
        Outcome(ok, 1, Answer("q", "10월 공개 [1]", True, [cite]), 10.0),
        Outcome(ok, 2, Answer("q", "모름", False), 20.0),
        Outcome(no, None, Answer("q", "모름", False), 30.0),
    ]
    s = summarise(outcomes, ["abcd", "ab"])
    en = s["by_lang"]["en"]
    assert (en["hit@1"], en["hit@3"], en["mrr"]) == (0.5, 1.0, 0.75)
    assert (en["answer_accuracy"], en["refusal_rate"], en["false_refusal_rate"]) == (0.5, 1.0, 0.5)
    assert s["mean_passage_chars"] == 3.0 and s["p50_ms"] == 20.0
    assert s["by_lang"]["ko"]["n"] == 0


def test_the_table_writes_every_rate_with_three_places_and_times_with_one():
    from rag.evaluation import table

    metrics = {"n": 3, "hit@1": 1.0, "hit@3": 1.0, "mrr": 0.8333, "answer_accuracy": 0.6667,
               "short_answer_accuracy": 0.0, "refusal_rate": None, "false_refusal_rate": 0.0, "p50_ms": 20.8}
    text = table(dict(metrics, by_lang={"ko": metrics, "en": dict(metrics, n=0)}))
    assert "| Korean | 3 | 1.000 | 1.000 | 0.833 | 0.667 | 0.000 | — | 0.000 | 20.8 |" in text

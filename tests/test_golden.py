"""Golden-set regression: the floors only ever go up.

Targets that the current system does not reach are marked ``xfail(strict=True)`` with the
measured value, instead of being lowered: the target stays, and the test turns red the day it is
met, so the marker is removed and it holds from then on. A strict xfail only says "not yet", so
each unmet target also has a floor at the value measured when it was last changed (minus one
question's worth), and that floor must hold: nothing regresses silently.
"""

import re
from pathlib import Path

import pytest

from rag import evaluation

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).resolve().parent / "golden" / "qa.jsonl"
# Issue 2's floors, then issue 4's (and 12's) targets, per language. A target that is met is a
# floor from then on; the first floors keep holding where a target is not met yet.
FLOORS = {"hit@1": 0.85, "hit@3": 0.95, "answer_accuracy": 0.80, "refusal_rate": 0.75}
TARGETS = {"hit@1": 0.95, "hit@3": 1.0, "mrr": 0.97, "answer_accuracy": 0.90, "refusal_rate": 0.90,
           "short_answer_accuracy": 0.90}
CEILING = {"floor": 0.05, "target": 0.03}  # false refusal rate
NOT_YET = {
    ("target", "en", "hit@1"): 0.9286,
    ("target", "en", "mrr"): 0.9643,
    ("target", "en", "answer_accuracy"): 0.8929,
    ("target", "ko", "short_answer_accuracy"): 0.6857,
    ("target", "en", "short_answer_accuracy"): 0.7143,
}
"""Measured with the lexicon bridge (issue 12), all 84 questions on the seed article: the value each
unmet bound stands at (English refusal met its target, 0.90, once English counts and amounts were
checked against the cited document). Short answers (issue 15): spans
cut by answer type and nearness to the question's words; clause answers ("what will it offer?")
need a reader model this project does not have."""
ROUNDING = 1e-4
"""Reports and the measured values here are rounded to four places (24/28 shows as 0.8571, 25/28
as 0.8929): a floor of "measured less one question" must allow that rounding, no more."""
ONE_QUESTION = {"hit@1": 1 / 28, "mrr": 1 / 28, "answer_accuracy": 1 / 28, "refusal_rate": 1 / 10,
                "short_answer_accuracy": 1 / 28}
"""English has 28 answerable and 10 unanswerable golden questions (Korean 35 and 11): a floor allows
one of them."""


STORES = ("faiss", "milvus")
"""Every figure holds on both stores (issue 18): Milvus Lite must rank, refuse and answer as FAISS does."""


@pytest.fixture(scope="module")
def store_pipelines(pipeline, pipeline_dirs, tmp_path_factory):
    """The session's FAISS pipeline, and the same corpus and model on a Milvus Lite store."""
    folder = tmp_path_factory.mktemp("milvus")
    return {"faiss": pipeline,
            "milvus": _with_settings(pipeline, store="milvus", index_dir=folder, milvus_uri=str(folder / "milvus.db"))}


def _with_settings(pipeline, **changes):
    """A pipeline on other settings that shares the session's model (no second model load)."""
    from dataclasses import replace

    from rag import RagPipeline
    from rag.indexing import load_or_build

    settings = replace(pipeline.settings, **changes)
    indexed = load_or_build(settings, pipeline.embedder)
    return RagPipeline(settings, pipeline.embedder, indexed.corpus, indexed.index)


@pytest.fixture(scope="module")
def reports(store_pipelines):
    out = {}
    for store, rag in store_pipelines.items():
        outcomes = evaluation.run(evaluation.load_golden(GOLDEN), rag.ask, rag.retrieve)
        out[store] = evaluation.summarise(outcomes, [p.text for p in rag.passages])
    return out


@pytest.fixture(scope="module", params=STORES)
def report(request, reports):
    return reports[request.param]


def test_milvus_gives_the_faiss_figures(reports):
    """Issue 18: the same metrics on both stores, within 0.01."""
    for lang in ("ko", "en"):
        faiss, milvus = reports["faiss"]["by_lang"][lang], reports["milvus"]["by_lang"][lang]
        for metric, value in faiss.items():
            if isinstance(value, float) and metric != "p50_ms":
                assert milvus[metric] == pytest.approx(value, abs=0.01), f"{lang} {metric}"


def _cases():
    for level, bounds in (("floor", FLOORS), ("target", TARGETS)):
        for lang in ("ko", "en"):
            for metric, bound in (*bounds.items(), ("false_refusal_rate", CEILING[level])):
                measured = NOT_YET.get((level, lang, metric))
                marks = [pytest.mark.xfail(strict=True, reason=f"measured {measured}")] if measured else []
                yield pytest.param(lang, metric, bound, marks=marks, id=f"{level}-{lang}-{metric}")


@pytest.mark.parametrize("lang,metric,bound", list(_cases()))
def test_golden(report, lang, metric, bound):
    value = report["by_lang"][lang][metric]
    if metric == "false_refusal_rate":
        assert value <= bound, f"{lang} {metric} = {value} > {bound}"
    else:
        assert value >= bound, f"{lang} {metric} = {value} < {bound}"


@pytest.mark.parametrize("level,lang,metric", sorted(NOT_YET))
def test_unmet_targets_do_not_regress(report, level, lang, metric):
    floor = NOT_YET[(level, lang, metric)] - ONE_QUESTION[metric] - ROUNDING
    value = report["by_lang"][lang][metric]
    assert value >= floor, f"{lang} {metric} = {value}, below its measured floor {floor:.4f}"


DISTRACTORS = GOLDEN.parent / "distractors"
MIXED = {("en", "hit@1"): 0.7, ("en", "answer_accuracy"): 0.75}
"""Issue 14: the golden set and the distractors' questions (151) over the seed plus the ten
distractor articles (53 passages), where English does not meet all first floors yet (Korean
refusal met its floor, 0.758, once a missing time or amount was checked, 0.788 once another
document's subject counted as a name; English refusal met it, 0.778, once an absent company's
acronym and a missing loss were unknown, in the eleventh session): unanswerable questions
about Kakao whose words the article shares (dividend, share price) keep coverage high. The values measured; each must
hold less one question, and each bound turns its test red the day it is met."""
MIXED_ONE_QUESTION = {"hit@1": 1 / 40, "hit@3": 1 / 40, "answer_accuracy": 1 / 40}


@pytest.fixture(scope="module")
def mixed_report(pipeline, tmp_path_factory):
    import shutil

    folder = tmp_path_factory.mktemp("mixed")
    corpus = folder / "corpus"
    corpus.mkdir()
    for article in [*pipeline.settings.corpus_dir.glob("*.txt"), *DISTRACTORS.glob("*.txt")]:
        shutil.copy(article, corpus)
    rag = _with_settings(pipeline, corpus_dir=corpus, index_dir=folder / "index")
    items = evaluation.load_golden(GOLDEN) + evaluation.load_golden(GOLDEN.parent / "qa-distractors.jsonl")
    return evaluation.summarise(evaluation.run(items, rag.ask, rag.retrieve), [p.text for p in rag.passages])


def _mixed_cases():
    for lang in ("ko", "en"):
        for metric, bound in (*FLOORS.items(), ("false_refusal_rate", CEILING["floor"])):
            measured = MIXED.get((lang, metric))
            marks = [pytest.mark.xfail(strict=True, reason=f"measured {measured}")] if measured else []
            yield pytest.param(lang, metric, bound, marks=marks, id=f"{lang}-{metric}")


@pytest.mark.parametrize("lang,metric,bound", list(_mixed_cases()))
def test_first_floors_with_other_companies_news(mixed_report, lang, metric, bound):
    assert mixed_report["passages"] == 53
    value = mixed_report["by_lang"][lang][metric]
    assert (value <= bound) if metric == "false_refusal_rate" else (value >= bound), f"{lang} {metric} = {value}"


@pytest.mark.parametrize("lang,metric", sorted(MIXED))
def test_with_other_companies_news_nothing_regresses(mixed_report, lang, metric):
    floor = MIXED[(lang, metric)] - MIXED_ONE_QUESTION[metric] - ROUNDING
    assert mixed_report["by_lang"][lang][metric] >= floor, f"{lang} {metric} below its measured floor {floor:.4f}"


def test_every_evidence_lies_inside_one_passage(pipeline):
    """Passages must not cut an answer's sentence apart: each evidence string is in one passage."""
    texts = [p.text for p in pipeline.passages]
    split = [i.id for i in evaluation.load_golden(GOLDEN) if i.answerable and not any(i.evidence in t for t in texts)]
    assert split == []


def test_english_questions_about_figures_see_them_in_english(pipeline):
    """Every English golden question whose expected answer is a figure, date or period gets a direct
    answer without Korean-only text: "KRW 113.5 billion (1135억원)", "October (10월)", "12%"."""
    from rag.figures import to_english

    asked = [i for i in evaluation.load_golden(GOLDEN) if i.lang == "en" and i.answerable
             and any(to_english(a) for a in i.answers)]
    assert len(asked) >= 10
    shown = {i.id: (pipeline.ask(i.question).short or None) for i in asked}
    korean_only = {k: s.display if s else None for k, s in shown.items()
                   if s is None or re.search(r"[\uac00-\ud7a3]", s.display.split(" (")[0])}
    assert korean_only == {}

"""Golden-set regression: the floors only ever go up.

Floors that the current retriever does not reach are marked ``xfail(strict=True)``
with the measured value, instead of being lowered: the floor stays the target, and the
test turns red the day it is met, so the marker is removed and the floor holds from then on.
"""

from pathlib import Path

import pytest

from rag import evaluation

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).resolve().parent / "golden" / "qa.jsonl"
FLOORS = {"hit@1": 0.85, "hit@3": 0.95, "answer_accuracy": 0.80, "refusal_rate": 0.75}
CEILINGS = {"false_refusal_rate": 0.05}
NOT_YET = {
    ("en", "hit@1"): "measured 0.75: e5-small separates neighbouring Korean sentences poorly for English questions",
    ("en", "answer_accuracy"): "measured 0.75",
    ("en", "refusal_rate"): "measured 0.20: English questions get no term check against Korean text yet",
}


@pytest.fixture(scope="module")
def report(pipeline):
    outcomes = evaluation.run(evaluation.load_golden(GOLDEN), pipeline.ask, pipeline.retrieve)
    return evaluation.summarise(outcomes, [p.text for p in pipeline.passages])


def _cases():
    for lang in ("ko", "en"):
        for metric in (*FLOORS, *CEILINGS):
            reason = NOT_YET.get((lang, metric))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(lang, metric, marks=marks, id=f"{lang}-{metric}")


@pytest.mark.parametrize("lang,metric", list(_cases()))
def test_golden_floor(report, lang, metric):
    value = report["by_lang"][lang][metric]
    if metric in FLOORS:
        assert value >= FLOORS[metric], f"{lang} {metric} = {value} < {FLOORS[metric]}"
    else:
        assert value <= CEILINGS[metric], f"{lang} {metric} = {value} > {CEILINGS[metric]}"


def test_passages_stay_short(report):
    assert report["mean_passage_chars"] <= 400

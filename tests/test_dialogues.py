"""Golden conversations: the loader, the runner, and the follow-up targets (floors that only go up)."""

import json
from pathlib import Path

import pytest

from rag import dialogues
from rag.errors import RagError
from rag.types import Answer, Citation

CONVERSATIONS = Path(__file__).resolve().parent / "golden" / "conversations.jsonl"


def test_the_golden_conversations_are_what_the_issue_asks_for():
    loaded = dialogues.load(CONVERSATIONS)
    assert len(loaded) >= 30 and all(2 <= len(d.turns) <= 4 for d in loaded)
    assert {d.lang for d in loaded} == {"ko", "en", "mixed"} and {d.split for d in loaded} == {"train", "dev"}
    assert sum(not t.answerable for d in loaded for t in d.turns[1:]) >= 8


def test_malformed_files_are_refused_with_their_line(tmp_path):
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"id": "x", "turns": [{"question": "q"}]}\n', encoding="utf-8")
    with pytest.raises(RagError, match=":1:"):
        dialogues.load(bad)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(RagError, match="cannot read"):
        dialogues.load(bad)


def test_follow_ups_are_asked_with_the_earlier_turns_and_alone():
    row = {"id": "d", "lang": "ko", "split": "train", "turns": [
        {"question": "첫", "lang": "ko", "answers": ["a"], "evidence": "a", "answerable": True},
        {"question": "둘", "lang": "ko", "answers": ["b"], "evidence": "b", "answerable": True}]}
    (dialogue,) = dialogues.load_rows([row])
    seen = []

    def ask(question, history):
        seen.append((question, history))
        return Answer(question, "The article does not say.", False, searched_for=f"완성 {question}")

    def retrieve(question, k, history):
        return [Citation("a", "s", "t", 0, 1, 1.0)]

    outcomes = dialogues.run([dialogue], ask, retrieve)
    assert [o.item.question for o in outcomes] == ["둘"]  # only follow-ups are scored
    assert seen[1][1] == [{"role": "user", "content": "첫"}, {"role": "assistant", "content": "The article does not say."}]
    dialogues.run([dialogue], ask, retrieve, with_history=False)
    assert seen[3][1] is None
    report = dialogues.report([dialogue], ask, retrieve, with_failures=True)
    assert report["follow_ups"] == 1 and report["with_history"]["false_refusal_rate"] == 1.0
    assert report["with_history"]["failures"][0]["searched_for"] == "완성 둘"
    assert "with_history" in json.dumps(report) and "searched for: 완성 둘" in dialogues.table(report)


TARGETS = {"answer_accuracy": 0.90, "refusal_rate": 0.90}
CEILING = 0.05  # false refusal
MEASURED = {
    ("ko", "answer_accuracy"): 0.7826, ("ko", "refusal_rate"): 0.8667, ("ko", "false_refusal_rate"): 0.1739,
    ("en", "answer_accuracy"): 0.4737, ("en", "refusal_rate"): 0.6429, ("en", "false_refusal_rate"): 0.1579,
}
"""All 71 follow-up turns of the 34 golden dialogues, asked with their history (issue 16). Not met
yet: each target is a strict expected failure, and the measured value, less one question, a floor.
English false refusal rose from 0.2105 to 0.2632 when "chat rooms" found the article's 채팅방 (twelfth
session): a first turn about them is answered since, and its follow-up, answered before from an
unrelated sentence, is refused. It fell back to 0.2105, and English answer accuracy rose 0.4211 ->
0.4737, when someone named by a common noun answered "who" (thirteenth session: "Who gets to see
those posts?" -> 원하는 사람에게만), and to 0.1579 with the fourteenth session's follow-up rules (a time
the follow-up names replaces the one before, a word in quotation marks is carried with them, and a
surname with a title, "홍 대표", answers "who"). The fifteenth session's mends moved English
refusal to 0.5714 (a follow-up keeps "AI" and is answered) and false refusal to 0.2105 (a level asked
for is refused where only a change was quoted), each one question, within these floors, which stay."""
ROUNDING = 1e-4  # the report's four places, as in test_golden
ONE = {("ko", True): 1 / 23, ("ko", False): 1 / 15, ("en", True): 1 / 19, ("en", False): 1 / 14}


@pytest.fixture(scope="module")
def report(pipeline):
    return dialogues.report(dialogues.load(CONVERSATIONS), pipeline.ask, pipeline.retrieve)


def _targets():
    for lang in ("ko", "en"):
        for metric in (*TARGETS, "false_refusal_rate"):
            mark = pytest.mark.xfail(strict=True, reason=f"measured {MEASURED[(lang, metric)]}")
            yield pytest.param(lang, metric, marks=[mark], id=f"{lang}-{metric}")


@pytest.mark.slow
@pytest.mark.parametrize("lang,metric", list(_targets()))
def test_follow_up_targets(report, lang, metric):
    value = report["with_history"]["by_lang"][lang][metric]
    if metric == "false_refusal_rate":
        assert value <= CEILING
    else:
        assert value >= TARGETS[metric]


@pytest.mark.slow
@pytest.mark.parametrize("lang,metric", sorted(MEASURED))
def test_follow_ups_do_not_regress(report, lang, metric):
    value = report["with_history"]["by_lang"][lang][metric]
    one = ONE[(lang, metric != "refusal_rate")]
    if metric == "false_refusal_rate":
        assert value <= MEASURED[(lang, metric)] + one + ROUNDING
    else:
        assert value >= MEASURED[(lang, metric)] - one - ROUNDING


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_history_answers_more_follow_ups_than_asking_them_alone(report, lang):
    with_history, alone = (report[k]["by_lang"][lang] for k in ("with_history", "alone"))
    assert with_history["answer_accuracy"] > alone["answer_accuracy"]
    assert with_history["refusal_rate"] >= alone["refusal_rate"]

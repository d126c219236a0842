import pytest

from rag import evaluation
from rag.baselines import TABLE_KEYS, compare, markdown
from rag.cli import GOLDEN

pytestmark = pytest.mark.slow


def test_comparison_table(pipeline):
    items = [i for i in evaluation.load_golden(GOLDEN) if i.split == "dev"]
    rows = compare(pipeline, items)
    names = [r["system"] for r in rows]
    assert names == ["LangChain recipe 1000/200", "LangChain recipe 300/50", "Kiwi-BM25 alone", "dense alone",
                     "this project without the lexicon bridge", "this project"]
    assert all(set(TABLE_KEYS) <= set(r) for r in rows)
    table = markdown(rows)
    assert table.count("\n") == len(rows) + 1 and "| this project |" in table
    big, small = rows[0], rows[1]
    assert big["mean_passage_chars"] > small["mean_passage_chars"]


def test_the_bridge_helps_english_questions(pipeline):
    """The lexicon bridge's gain, measured: English hit@1 and refusal with it and without it."""
    items = [i for i in evaluation.load_golden(GOLDEN) if i.lang == "en"]
    rows = {r["system"]: r for r in compare(pipeline, items)}
    with_bridge, without = rows["this project"], rows["this project without the lexicon bridge"]
    assert with_bridge["hit@1"] > without["hit@1"] and with_bridge["refusal_rate"] > without["refusal_rate"]
    assert with_bridge["false_refusal_rate"] <= without["false_refusal_rate"]


def test_this_project_is_ahead_of_both_recipes(pipeline):
    rows = {r["system"]: r for r in compare(pipeline, evaluation.load_golden(GOLDEN))}
    ours = rows["this project"]
    for recipe in ("LangChain recipe 1000/200", "LangChain recipe 300/50"):
        assert ours["hit@1"] > rows[recipe]["hit@1"] and ours["mrr"] > rows[recipe]["mrr"], recipe

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
                     "this project"]
    assert all(set(TABLE_KEYS) <= set(r) for r in rows)
    table = markdown(rows)
    assert table.count("\n") == len(rows) + 1 and "| this project |" in table
    big, small = rows[0], rows[1]
    assert big["mean_passage_chars"] > small["mean_passage_chars"]

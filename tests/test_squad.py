"""SQuAD v1.1 files as a corpus and golden questions (a small set written for the tests)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.corpus import load_corpus
from rag.errors import RagError
from rag.squad import load

MINI = Path(__file__).resolve().parent / "golden" / "squad-mini.json"


def test_articles_become_documents_and_questions_golden_items(tmp_path):
    squad = load(MINI, cache_dir=tmp_path)
    corpus = load_corpus(squad.corpus_dir)
    assert squad.articles == 3 and len(corpus.documents) == 3 and corpus.errors == []
    assert {d.title for d in corpus.documents} == {"은솔강", "하윤결", "달무리 (보드게임)"}
    assert len(squad.items) == 27 and all(i.answerable and i.lang == "ko" for i in squad.items)
    texts = [d.text for d in corpus.documents]
    for item in squad.items:
        assert any(item.evidence in t for t in texts), item
        assert any(a in item.evidence for a in item.answers)
    track_list = next(d for d in corpus.documents if d.title == "하윤결")
    assert track_list.text.startswith("1. ")  # the numbered list is content, not a headline list


def test_the_corpus_is_written_once_and_only_in_its_own_folder(tmp_path):
    first = load(MINI, cache_dir=tmp_path)
    stamp = {p: p.stat().st_mtime_ns for p in first.corpus_dir.iterdir()}
    again = load(MINI, cache_dir=tmp_path)
    assert again.corpus_dir == first.corpus_dir and {p: p.stat().st_mtime_ns for p in again.corpus_dir.iterdir()} == stamp
    assert load(MINI, articles=1, cache_dir=tmp_path).corpus_dir != first.corpus_dir
    assert first.corpus_dir.is_relative_to(tmp_path)


def test_bad_files_are_one_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": [{"paragraphs": "x"}]}), encoding="utf-8")
    with pytest.raises(RagError, match="not a readable SQuAD"):
        load(bad, cache_dir=tmp_path)
    with pytest.raises(RagError, match="--articles"):
        load(MINI, articles=0, cache_dir=tmp_path)


@pytest.mark.slow
def test_rag_eval_squad(tmp_path):
    env = dict(__import__("os").environ, RAG_CACHE_DIR=str(tmp_path / "cache"))
    home_cache = Path.home() / ".cache" / "rag" / "models"  # reuse the provisioned model when there is one
    if home_cache.is_dir():
        (tmp_path / "cache").mkdir()
        (tmp_path / "cache" / "models").symlink_to(home_cache)
    done = subprocess.run([sys.executable, "-m", "rag.cli", "eval", "--squad", str(MINI), "--json"],
                          capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["n"] == 27 and report["articles"] == 3 and report["passages"] >= 3
    assert report["index"]["seconds"] > 0 and report["index"]["texts_per_s"] > 0
    # Measured when the test was written: hit@1 and hit@3 1.0, answer accuracy 0.667.
    assert report["hit@3"] == 1.0 and report["hit@1"] >= 0.95 and report["answer_accuracy"] >= 0.6
    assert report["false_refusal_rate"] == 0.0
    assert not (Path(__file__).resolve().parent.parent / "corpus" / "0000-은솔강.md").exists()

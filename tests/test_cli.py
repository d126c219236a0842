import json
import subprocess
import sys

import pytest

from rag.cli import main


def test_empty_question_is_one_clear_line(capsys):
    assert main(["ask", "  "]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rag: error: The question is empty") and "Traceback" not in err


def test_missing_golden_file_is_one_clear_line(capsys, tmp_path):
    assert main(["eval", "--golden", str(tmp_path / "none.jsonl")]) == 1
    assert "cannot read golden file" in capsys.readouterr().err


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


@pytest.mark.slow
def test_ask_json_and_eval_json(tmp_path):
    env_args = ["--index", str(tmp_path / "index")]
    out = subprocess.run([sys.executable, "-m", "rag.cli", *env_args, "ask", "카카오 2분기 매출은 얼마야?", "--json"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["answerable"] and "2조425억원" in answer["text"]
    out = subprocess.run([sys.executable, "-m", "rag.cli", *env_args, "eval", "--json", "--split", "dev"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    keys = {"n", "hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_rate", "false_refusal_rate",
            "mean_passage_chars", "p50_ms"}
    assert keys <= set(report) and keys <= set(report["by_lang"]["ko"]) and keys <= set(report["by_lang"]["en"])
    assert "Traceback" not in out.stderr


def test_corpus_error_exits_non_zero(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i"), "index"]) == 1
    assert "corpus folder does not exist" in capsys.readouterr().err

import json
import subprocess
import sys

import pytest

from rag.cli import main


def test_empty_question_is_one_clear_line(capsys):
    assert main(["ask", "  "]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rag: error: The question is empty") and "Traceback" not in err


def test_ask_dash_reads_the_question_from_standard_input(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("  \n"))
    assert main(["ask", "-"]) == 1
    assert capsys.readouterr().err.startswith("rag: error: The question is empty")


def test_missing_golden_file_is_one_clear_line(capsys, tmp_path):
    assert main(["eval", "--golden", str(tmp_path / "none.jsonl")]) == 1
    assert "cannot read golden file" in capsys.readouterr().err


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


@pytest.mark.parametrize("option", ["--corpus", "--index"])
def test_an_empty_folder_is_a_usage_error_not_the_working_directory(option, capsys):
    with pytest.raises(SystemExit) as exc:
        main([option, "", "ask", "카카오 매출은?"])
    assert exc.value.code == 2
    assert f"argument {option}: must not be empty" in capsys.readouterr().err


@pytest.mark.slow
def test_ask_json_and_eval_json(tmp_path):
    env_args = ["--index", str(tmp_path / "index")]
    out = subprocess.run([sys.executable, "-m", "rag.cli", *env_args, "ask", "카카오 2분기 매출은 얼마야?", "--json"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["answerable"] and "2조425억원" in answer["text"]
    # A first run says what it waits for, without -v; later runs do not repeat it.
    assert "Building the index (first run)" in out.stderr
    out = subprocess.run([sys.executable, "-m", "rag.cli", *env_args, "eval", "--json", "--split", "dev"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    keys = {"n", "hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_rate", "false_refusal_rate",
            "mean_passage_chars", "p50_ms"}
    assert keys <= set(report) and keys <= set(report["by_lang"]["ko"]) and keys <= set(report["by_lang"]["en"])
    assert "Traceback" not in out.stderr and "first run" not in out.stderr


def test_corpus_error_exits_non_zero(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i"), "index"]) == 1
    assert "corpus folder does not exist" in capsys.readouterr().err


def test_ask_json_errors_are_json_on_stdout_too(capsys):
    assert main(["ask", "  ", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"error": "The question is empty. Type a question about the articles."}
    assert captured.err.startswith("rag: error: The question is empty")


def test_a_busy_port_is_one_line_naming_port(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port {port}" in err and "--port" in err and "Traceback" not in err


def test_app_py_refuses_a_busy_port_before_loading(tmp_path):
    import socket
    import time
    from pathlib import Path

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "app.py"), "--port",
                               str(busy.getsockname()[1])], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "--port" in done.stderr and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 10, "the port is checked before the model loads"


def test_unexpected_errors_hint_at_verbose_and_show_a_traceback_with_it(monkeypatch, capsys):
    import rag.cli

    def broken(args):
        raise KeyError("boom")

    monkeypatch.setattr(rag.cli, "_run", broken)
    assert main(["ask", "x"]) == 1
    assert "KeyError: 'boom' (run with -v to see the traceback)" in capsys.readouterr().err
    with pytest.raises(KeyError):
        main(["-v", "ask", "x"])


@pytest.mark.slow
def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path):
    """`rag ask … | head -c 10`: no "BrokenPipeError" message, and the shell's SIGPIPE status."""
    cmd = (f"'{sys.executable}' -m rag.cli --index '{tmp_path / 'index'}' ask 'What was Naver revenue?' | true; "
           "echo ${PIPESTATUS[0]}")
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=600)
    assert out.stdout.strip() == "141" and "Error" not in out.stderr, out.stderr


@pytest.mark.slow
def test_eval_prints_a_table_per_language(tmp_path):
    out = subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(tmp_path / "index"), "eval", "--split", "dev"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("| | n | hit@1 | hit@3 | mrr | answer accuracy | short answer | refusal | false refusal")
    assert any(line.startswith("| Korean | 14 |") for line in lines) and any(line.startswith("| English | 11 |")
                                                                          for line in lines)


@pytest.mark.slow
def test_index_exits_0_with_skipped_files_unless_strict(tmp_path):
    import shutil
    from pathlib import Path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).resolve().parent.parent / "corpus" / "news1-kakao-2023q2-earnings.txt", corpus)
    (corpus / "bad.txt").write_bytes("카카오".encode("cp949"))
    args = [sys.executable, "-m", "rag.cli", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "index"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "skipped: bad.txt: is not valid UTF-8" in done.stderr
    assert subprocess.run([*args, "--strict"], capture_output=True, text=True, timeout=600).returncode == 1


@pytest.mark.slow
def test_eval_conversations_scores_follow_ups_with_history_and_alone(tmp_path):
    out = subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(tmp_path / "index"), "eval",
                          "--conversations", "--split", "dev", "--json", "--failures"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["dialogues"] == 12 and set(report) >= {"with_history", "alone"}
    assert all("searched_for" in f for f in report["with_history"]["failures"])


def test_settings_that_cannot_be_used_are_one_line_naming_them(capsys, monkeypatch, tmp_path):
    afile = tmp_path / "a.txt"
    afile.write_text("x", encoding="utf-8")
    assert main(["--index", str(afile), "ask", "카카오 매출은?"]) == 1
    assert "is a file; the index must be a folder" in capsys.readouterr().err
    assert main(["--corpus", str(afile), "ask", "카카오 매출은?"]) == 1
    assert "is a file; the corpus must be a folder" in capsys.readouterr().err
    monkeypatch.setenv("RAG_MAX_CORPUS_FILES", "0")
    assert main(["ask", "카카오 매출은?"]) == 1
    assert "RAG_MAX_CORPUS_FILES: max_corpus_files must be at least 1" in capsys.readouterr().err
    monkeypatch.delenv("RAG_MAX_CORPUS_FILES")
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "bogus")
    assert main(["ask", "카카오 매출은?"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rag: error: RAG_EMBEDDING_BACKEND: ") and "run with -v" not in err


def test_a_question_too_long_on_stdin_is_not_said_to_be_as_long_as_was_read(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("가" * 100_000))
    assert main(["ask", "-"]) == 1
    assert "longer than 16,000 characters" in capsys.readouterr().err


@pytest.mark.slow
def test_a_model_that_is_not_here_is_one_line_and_no_download(capsys):
    assert main(["--model", "nosuch/model", "ask", "카카오 매출은?"]) == 1
    err = capsys.readouterr().err
    assert "neither a model folder nor in the local Hugging Face cache" in err and "huggingface.co" not in err


def test_an_unknown_option_shows_its_commands_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask", "--foo", "카카오 매출은?"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "usage: rag ask" in err and "unrecognized arguments: --foo" in err


@pytest.mark.parametrize("options,says", [
    (["--articles", "3"], "--articles counts the articles of --squad"),
    (["--conversations", "--baselines"], "--baselines is for the golden set"),
    (["--conversations", "--golden", "tests/golden/qa-fresh.jsonl"], "--golden is for the golden set"),
])
def test_eval_options_that_would_be_ignored_are_refused(options, says, capsys):
    assert main(["eval", *options]) == 1
    assert says in capsys.readouterr().err


@pytest.mark.slow
def test_index_on_a_current_index_says_it_is_up_to_date(tmp_path):
    run = [sys.executable, "-m", "rag.cli", "--index", str(tmp_path / "index"), "index"]
    first = subprocess.run(run, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0 and first.stdout.startswith("Indexed ") and "That build embedded" in first.stdout
    again = subprocess.run(run, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "is up to date" in again.stdout and "That build" not in again.stdout

"""Replicas sharing one index folder while a separate ``rag index`` builds the next version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag.replica import IndexFollower

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "news1-kakao-2023q2-earnings.txt"
NEW = ("한빛전자, 3분기 영업이익 512억원…신형 배터리 11월 출시\n\n"
       "한빛전자는 3분기 영업이익이 512억원으로 집계됐다고 밝혔다. 매출은 4870억원이었다. "
       "회사는 신형 고체 배터리를 11월에 출시할 계획이다.\n")


def test_only_a_read_only_pipeline_follows():
    class Writable:
        read_only = False

    with pytest.raises(ValueError, match="read-only"):
        IndexFollower(Writable())


@pytest.mark.slow
def test_two_replicas_serve_while_the_index_job_builds_the_next_version(tmp_path):
    from benchmarks.load import ask
    from test_web import start_app

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    env = dict(os.environ, RAG_CORPUS_DIR=str(corpus), RAG_INDEX_DIR=str(index))
    job = [sys.executable, "-m", "rag.cli", "index"]
    subprocess.run(job, env=env, check=True, capture_output=True, timeout=600)  # the index job's first build
    shared = {"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), "RAG_FOLLOW_SECONDS": "0.5"}
    with start_app(tmp_path / "a", "--replica", env=shared) as first, \
            start_app(tmp_path / "b", "--replica", env=shared) as second:
        calls, errors, stop = [], [], threading.Event()

        def client():  # alternates between the replicas, one question after another
            n = 0
            while not stop.is_set():
                base = (first, second)[n % 2]
                try:
                    result = ask(base, "한빛전자 3분기 영업이익은 얼마야?", timeout=30)
                    calls.append((base, time.time(), result["answerable"]))
                except Exception as exc:  # noqa: BLE001 - every failure is counted
                    errors.append(repr(exc))
                n += 1

        worker = threading.Thread(target=client)
        worker.start()
        time.sleep(2)
        (corpus / "hanbit.txt").write_text(NEW, encoding="utf-8")
        job_started = time.time()
        built = subprocess.run(job, env=env, capture_output=True, text=True, timeout=600)
        indexed = (index / "CURRENT").stat().st_mtime  # when the index job swapped in the new version
        deadline = time.time() + 30
        while time.time() < deadline:
            new = {base for base, at, answered in calls if answered and at > indexed}
            if new == {first, second}:
                break
            time.sleep(0.2)
        stop.set()
        worker.join()
    assert built.returncode == 0, built.stderr
    serving = {base: min((at for b, at, answered in calls if b == base and answered), default=None)
               for base in (first, second)}
    report = {"requests": len(calls), "errors": len(errors), "index_job_s": round(indexed - job_started, 2),
              "seconds_from_swap_to_serving_it": [round(v - indexed, 2) if v else None for v in serving.values()]}
    (ROOT / "test-output").mkdir(exist_ok=True)
    (ROOT / "test-output" / "replicas.json").write_text(json.dumps(report))
    assert errors == [] and len(calls) > 20, report
    assert all(v is not None and v - indexed < 30 for v in serving.values()), report
    assert not any(answered for _, at, answered in calls if at < indexed), "answered before it was indexed"


@pytest.mark.slow
def test_a_read_only_pipeline_never_builds(tmp_path):
    from rag.config import Settings
    from rag.errors import IndexInvalid
    from rag.index import current_version
    from rag.pipeline import RagPipeline

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    settings = Settings.from_env(corpus_dir=corpus, index_dir=index)
    with pytest.raises(IndexInvalid, match="no index"):
        RagPipeline.load(settings=settings, read_only=True)  # nothing to serve yet: it does not build one
    built = RagPipeline.load(settings=settings)
    version = current_version(index)
    (corpus / "hanbit.txt").write_text(NEW, encoding="utf-8")
    replica = RagPipeline.load(settings=settings, read_only=True)
    replica.refresh()
    assert current_version(index) == version and len(replica.passages) == len(built.passages)
    assert not replica.ask("한빛전자 3분기 영업이익은 얼마야?").answerable
    assert [d["source"] for d in replica.info().documents] == [SEED.name], "the new article is not listed yet"

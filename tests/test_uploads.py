"""Corpus writes from the page: safe names, refusals, atomic writes and incremental index updates."""

import json
import logging
import shutil
from pathlib import Path

import pytest

from rag.uploads import MAX_FILES_PER_UPLOAD, CorpusWriter, UploadError, _write_atomically, safe_name

SEED = Path(__file__).resolve().parent.parent / "corpus" / "news1-kakao-2023q2-earnings.txt"
ARTICLE = ("한빛전자, 3분기 영업이익 512억원…신형 배터리 11월 출시\n\n"
           "한빛전자는 3분기 영업이익이 512억원으로 집계됐다고 밝혔다. 매출은 4870억원이었다. "
           "회사는 신형 고체 배터리를 11월에 출시할 계획이다. 김도윤 한빛전자 대표는 "
           "\"배터리 사업이 내년 성장을 이끌 것\"이라고 말했다.\n").encode("utf-8")


@pytest.mark.parametrize("given,safe", [
    ("article.txt", "article.txt"), ("../../etc/passwd.txt", "passwd.txt"), ("..\\..\\x.md", "x.md"),
    ("a/b/c.TXT", "c.txt"), (".hidden.txt", "hidden.txt"), ("con.txt", "_con.txt"), ("LPT1.md", "_LPT1.md"),
    ("a\x00b\x1fc.txt", "abc.txt"), ("카카오 실적 (2분기).txt", "카카오 실적 _2분기.txt"), ("notes", "notes.txt"),
    ("x" * 300 + ".txt", "x" * 200 + ".txt"), ("가" * 100 + ".txt", "가" * 66 + ".txt"),
])
def test_safe_names_never_leave_the_folder_or_name_a_device(given, safe):
    assert safe_name(given) == safe


@pytest.mark.parametrize("given", ["", "..", "/", "../..", "\x00\x01.txt"])
def test_names_with_nothing_usable_are_refused(given):
    with pytest.raises(ValueError):
        safe_name(given)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    import stat

    from rag.cache import UMASK

    target = tmp_path / "a.txt"
    _write_atomically(target, b"old")
    assert target.read_bytes() == b"old" and stat.S_IMODE(target.stat().st_mode) == 0o666 & ~UMASK

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError):
        _write_atomically(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


class _Pipeline:
    """Stands in for RagPipeline: a corpus folder and a refresh counter."""

    def __init__(self, folder):
        from types import SimpleNamespace

        self.settings = SimpleNamespace(corpus_dir=folder, max_corpus_files=10_000)
        self.refreshes = 0

    def refresh(self):
        self.refreshes += 1
        return True


@pytest.fixture()
def writer(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    return CorpusWriter(_Pipeline(corpus), max_corpus_files=3)


def test_bad_files_are_refused_by_name_and_the_rest_is_added(writer, caplog):
    caplog.set_level(logging.INFO, "rag.audit")
    results = writer.add([("cp949.txt", "카카오 실적".encode("cp949")), ("empty.txt", b"  \n"),
                          ("binary.txt", b"\x00\x01\x02"), ("image.png", b"\x89PNG"),
                          ("hanbit.txt", ARTICLE)], user="editor")
    outcome = {r.name: (r.outcome, r.message) for r in results}
    assert outcome["cp949.txt"][0] == "refused" and "UTF-8" in outcome["cp949.txt"][1]
    assert outcome["empty.txt"][0] == "refused" and outcome["binary.txt"][0] == "refused"
    assert outcome["image.png"][0] == "refused" and outcome["hanbit.txt"][0] == "added"
    assert sorted(writer.articles()) == ["hanbit.txt", SEED.name]
    assert writer.rag.refreshes == 1
    assert "user=editor file='cp949.txt'" in caplog.text and "outcome=added" in caplog.text


def test_an_existing_name_is_replaced_only_when_asked(writer):
    writer.add([("hanbit.txt", ARTICLE)])
    changed = ARTICLE.replace(b"512", b"600")
    assert writer.add([("hanbit.txt", changed)])[0].outcome == "refused"
    assert (writer.folder / "hanbit.txt").read_bytes() == ARTICLE
    assert writer.add([("hanbit.txt", ARTICLE)])[0].outcome == "unchanged"
    assert writer.add([("hanbit.txt", changed)], replace=True)[0].outcome == "replaced"
    assert (writer.folder / "hanbit.txt").read_bytes() == changed


def test_limits_refuse_the_whole_upload_or_a_full_corpus(writer):
    with pytest.raises(UploadError, match="at most 20 per upload"):
        writer.add([(f"{i}.txt", ARTICLE) for i in range(MAX_FILES_PER_UPLOAD + 1)])
    with pytest.raises(UploadError, match="bytes"):
        writer.add([("big.txt", b"x" * 4_000_000)] * 6)
    results = writer.add([("a.txt", ARTICLE), ("b.txt", ARTICLE + b" "), ("c.txt", ARTICLE + b"  ")])
    assert [r.outcome for r in results] == ["added", "added", "refused"] and "full" in results[2].message


def test_names_that_clash_as_the_file_system_compares_them_are_not_two_articles(writer):
    results = writer.add([("b?.txt", ARTICLE), ("b*.txt", ARTICLE + b" ")], replace=True)
    assert [r.outcome for r in results] == ["added", "refused"] and "same name" in results[1].message
    assert writer.add([("B.TXT", ARTICLE + b"  ")])[0].outcome == "refused"  # b.txt is there already
    assert sorted(writer.articles()) == ["b.txt", SEED.name]


def test_a_long_korean_title_fits_the_file_system(writer):
    pasted = writer.add_text("카카오 " * 80, ARTICLE.decode())
    assert pasted.outcome == "added" and len(pasted.name.encode()) <= 255


def test_the_last_article_is_not_removed_and_a_link_is_removed_not_its_target(writer, tmp_path):
    assert writer.remove(SEED.name).outcome == "refused" and SEED.name in writer.articles()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(ARTICLE)
    (writer.folder / "link.txt").symlink_to(outside)
    assert writer.remove("link.txt").outcome == "removed"
    assert outside.exists() and not (writer.folder / "link.txt").exists()


def test_pasted_articles_need_a_title_and_removal_only_takes_corpus_files(writer):
    assert writer.add_text("", "본문").outcome == "refused"
    pasted = writer.add_text("한빛전자 실적", ARTICLE.decode())
    assert pasted.outcome == "added" and pasted.name == "한빛전자 실적.txt"
    # A slash in a title is part of it, not a folder that drops what comes before it.
    slashed = writer.add_text("한빛/전자 실적", ARTICLE.decode().replace("카카오", "한빛"))
    assert slashed.outcome == "added" and slashed.name == "한빛_전자 실적.txt"
    assert writer.remove("../corpus/" + SEED.name).outcome == "refused"
    assert writer.remove("nothing.txt").outcome == "refused"
    assert writer.remove(pasted.name).outcome == "removed" and pasted.name not in writer.articles()


@pytest.mark.slow
def test_the_index_updates_incrementally_after_add_and_after_remove(tmp_path):
    from rag.config import Settings
    from rag.pipeline import RagPipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    rag = RagPipeline.load(settings=Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / "index"))
    before = len(rag.passages)
    writer = CorpusWriter(rag)
    assert not rag.ask("한빛전자 3분기 영업이익은 얼마야?").answerable
    writer.add([("hanbit.txt", ARTICLE)])
    update = rag.info().update
    assert update["passages_reused"] == before and 0 < update["passages_embedded"] <= 2
    answer = rag.ask("한빛전자 3분기 영업이익은 얼마야?")
    assert answer.answerable and answer.citations[0].source == "hanbit.txt" and "512억원" in answer.text
    writer.remove("hanbit.txt")
    assert rag.info().update["passages_embedded"] == 0 and len(rag.passages) == before
    assert not rag.ask("한빛전자 3분기 영업이익은 얼마야?").answerable


@pytest.mark.slow
def test_questions_keep_being_answered_while_an_article_is_added(tmp_path):
    """Ten questions a second through the page's /ask while articles are added and indexed (the
    test article and the ten distractor articles, in one upload)."""
    import socket
    import statistics
    import threading
    import time

    from benchmarks.load import ask
    from rag.config import Settings
    from rag.pipeline import RagPipeline
    from rag.web import serve

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    rag = RagPipeline.load(settings=Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / "index"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = serve(rag, "127.0.0.1", port, block=False)
    base = f"http://127.0.0.1:{port}/"
    calls: list[tuple[float, float, bool]] = []  # (sent at, seconds, answered with a citation)
    errors: list[str] = []
    stop = threading.Event()

    def one(sent: float) -> None:
        try:
            result = ask(base, "카카오 2분기 매출은 얼마야?", timeout=30)
            calls.append((sent, time.perf_counter() - sent, bool(result["answerable"] and result["citations"])))
        except Exception as exc:  # noqa: BLE001 - every failure is counted, whatever it is
            errors.append(repr(exc))

    def fire() -> None:
        threads = []
        while not stop.is_set():
            t = threading.Thread(target=one, args=(time.perf_counter(),))
            t.start()
            threads.append(t)
            time.sleep(0.1)  # ten questions a second
        for t in threads:
            t.join()

    try:
        firing = threading.Thread(target=fire)
        firing.start()
        time.sleep(2)
        started = time.perf_counter()
        others = sorted((Path(__file__).resolve().parent / "golden" / "distractors").glob("*.txt"))
        CorpusWriter(rag).add([("hanbit.txt", ARTICLE), *((p.name, p.read_bytes()) for p in others)], user="load-test")
        added_s = time.perf_counter() - started
        answer = rag.ask("한빛전자 3분기 영업이익은 얼마야?")
        time.sleep(2)
        stop.set()
        firing.join()
    finally:
        demo.close()
    during = [c for c in calls if started <= c[0] <= started + added_s]
    seconds = sorted(c[1] for c in calls)
    report = {"questions": len(calls), "errors": len(errors), "all_answered": all(c[2] for c in calls),
              "add_to_answerable_s": round(added_s, 2), "asked_during_the_add": len(during),
              "p50_s": round(statistics.median(seconds), 3), "max_s": round(seconds[-1], 3)}
    (Path(__file__).resolve().parent.parent / "test-output").mkdir(exist_ok=True)
    (Path(__file__).resolve().parent.parent / "test-output" / "upload-load.json").write_text(json.dumps(report))
    assert errors == [] and report["all_answered"] and len(calls) >= 40, report
    assert answer.answerable and answer.citations[0].source == "hanbit.txt"
    assert report["max_s"] < 5, report

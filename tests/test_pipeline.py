"""The public Python API on the real article (loads the embedding model: slow)."""

import logging
import shutil

import pytest

from rag import Answer, Citation, RagPipeline

pytestmark = pytest.mark.slow


def test_english_release_question_quotes_the_october_release(pipeline):
    ans = pipeline.ask("When is the AI model coming?")
    assert isinstance(ans, Answer) and ans.answerable and "[1]" in ans.text
    first = ans.citations[0]
    assert isinstance(first, Citation)
    # The article says it twice: "10월 중 … AI 모델을 공개하고" and "10월 이후 … 파운데이션 모델을 공개할 것";
    # either is the answer, the lightweight model's "하반기" is not.
    assert "10월" in first.quote and "모델을 공개" in first.quote and "하반기" not in ans.text
    assert first.quote in ans.text
    assert first.start <= first.quote_start < first.quote_end <= first.end


def test_korean_release_question(pipeline):
    ans = pipeline.ask("카카오 AI 모델은 언제 나와?")
    assert ans.answerable and "10월" in ans.text


def test_citation_offsets_point_into_the_cleaned_document(pipeline):
    doc = pipeline.documents[0]
    for c in pipeline.retrieve("카카오 AI 모델 공개 시점", k=5):
        assert doc.text[c.start : c.end] == c.text
        assert c.source == doc.source and c.title == doc.title


def test_retrieve_ranks_and_limits(pipeline):
    ranked = pipeline.retrieve("카카오 AI 모델 공개 시점", k=5)
    assert len(ranked) == 5
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert "파운데이션 모델" in ranked[0].text


def test_unrelated_headline_is_refused(pipeline):
    ans = pipeline.ask("김병만 명의로 가입된 사망보험은 몇 개야?")
    assert not ans.answerable and not ans.citations
    assert ans.text == "기사에는 이에 대한 내용이 없습니다."
    assert ans.related, "the closest passages are still offered, marked as not an answer"


@pytest.mark.parametrize("noise", ["asdfgh", "ㅋㅋㅋ", "?", "1234", "a" * 2000])
def test_a_question_with_nothing_to_look_for_is_refused(pipeline, noise):
    assert not pipeline.ask(noise).answerable


@pytest.mark.parametrize("bad", ["", "   \n\t", "x" * 2001])
def test_bad_questions_raise_clear_value_errors(pipeline, bad):
    with pytest.raises(ValueError, match="question"):
        pipeline.ask(bad)
    with pytest.raises(ValueError, match="question"):
        pipeline.retrieve(bad)


def test_question_at_the_limit_is_accepted(pipeline):
    assert isinstance(pipeline.ask("카카오 " * 500), Answer)


def test_langchain_retriever_returns_documents(pipeline):
    docs = pipeline.as_retriever().invoke("오픈채팅 평일 방문자")
    assert docs and "1200만명" in docs[0].page_content
    assert {"source", "title", "start", "end", "score"} <= set(docs[0].metadata)


def test_reload_uses_the_stored_index(pipeline_dirs, caplog):
    corpus, index = pipeline_dirs
    with caplog.at_level(logging.WARNING):
        again = RagPipeline.load(corpus, index)
    assert not [r for r in caplog.records if "Rebuilding" in r.getMessage()]
    assert again.info().passages == len(again.passages)


def test_changed_corpus_rebuilds_with_a_warning(tmp_path, pipeline_dirs, caplog):
    corpus, index = pipeline_dirs
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(index, tmp_path / "index")
    rag = RagPipeline.load(tmp_path / "corpus", tmp_path / "index")
    (tmp_path / "corpus" / "extra.txt").write_text("삼성 소식\n삼성전자는 새 반도체 공장을 짓는다고 밝혔다.", "utf-8")
    (tmp_path / "corpus" / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    with caplog.at_level(logging.WARNING):
        assert rag.refresh()
    assert any("stale" in r.getMessage() for r in caplog.records)
    info = rag.info()
    assert {d["source"] for d in info.documents} == {"news1-kakao-2023q2-earnings.txt", "extra.txt"}
    assert len(info.errors) == 1 and info.errors[0].startswith("broken.txt")
    assert "반도체 공장" in rag.retrieve("삼성전자 반도체 공장", k=1)[0].text


def test_damaged_index_is_rebuilt(tmp_path, pipeline_dirs, caplog):
    corpus, index = pipeline_dirs
    shutil.copytree(index, tmp_path / "index")
    version = tmp_path / "index" / (tmp_path / "index" / "CURRENT").read_text().strip()
    (version / "passages.json").write_text("[]", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        rag = RagPipeline.load(corpus, tmp_path / "index")
    assert any("damaged" in r.getMessage() for r in caplog.records)
    assert rag.ask("When is the AI model coming?").answerable


def test_without_history_or_with_an_empty_one_nothing_changes(pipeline):
    from pathlib import Path

    from rag.evaluation import load_golden

    for item in load_golden(Path(__file__).resolve().parent / "golden" / "qa.jsonl")[:20]:
        alone, empty = pipeline.ask(item.question), pipeline.ask(item.question, [])
        assert alone == empty and alone.searched_for == item.question


def test_a_follow_up_is_completed_for_ask_and_retrieve(pipeline):
    first = pipeline.ask("카카오 2분기 매출은 얼마였어?")
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.text}]
    follow_up = pipeline.ask("그럼 영업이익은?", history)
    assert follow_up.question == "그럼 영업이익은?" and follow_up.searched_for == "카카오 2분기 영업이익은?"
    assert follow_up.answerable and "1135억원" in follow_up.text and follow_up.to_json()["searched_for"]
    assert "1135억원" in pipeline.retrieve("그럼 영업이익은?", 1, history)[0].text
    assert not pipeline.ask("순이익은?", history).answerable  # the article has no net profit
    assert not pipeline.ask("네이버는?", history).answerable  # another subject: not answered about Kakao


def test_a_follow_up_asking_for_a_time_the_quote_lacks_is_refused(pipeline):
    def follow(first, question):
        answer = pipeline.ask(first)
        return pipeline.ask(question, [{"role": "user", "content": first}, {"role": "assistant", "content": answer.text}])

    assert not follow("로컬 서비스는 뭘 해준대?", "그건 언제 나오는데?").answerable  # the article gives no date
    model = follow("카카오브레인 AI 모델은 뭘 공개한대?", "그건 언제 나오는데?")
    assert model.answerable and model.short and model.short.text == "10월"

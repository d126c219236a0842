from pathlib import Path

import pytest

from rag.corpus import clean_article, fingerprint, load_corpus, read_document
from rag.errors import CorpusError


def test_seed_cleaning_keeps_story_drops_boilerplate(seed_text):
    body, meta = clean_article(seed_text)
    assert meta["title"].startswith("카카오 \"종합 커뮤니케이션 플랫폼")
    assert meta["subtitle"] == '"오픈채팅 수익화…AI 투자는 하반기가 피크"'
    assert meta["outlet"] == "뉴스1" and meta["date"] == "2023-08-03"
    assert meta["byline"] == "손엄지 박소은 기자"
    assert body.startswith("카카오(035720)는 올해 2분기")
    assert body.endswith('"그때부터 인프라 비용 관련 안정화가 이뤄질 것"이라고 예상했다.')
    for junk in ("eom@news1.kr", "Copyright", "무단 전재", "김병만", "롤스로이스", "박나래", "(서울=뉴스1)"):
        assert junk not in body


def test_cleaner_is_generic_not_tied_to_the_seed():
    raw = (
        "삼성전자, 3분기 영업익 10조\n"
        "[서울=뉴시스] 홍길동 기자 = 삼성전자가 3분기 영업이익 10조원을 기록했다.\n\n"
        "반도체 부문이 회복했다.\n"
        "gildong@newsis.com\n"
        "저작권자 © 뉴시스. 무단전재 및 재배포 금지\n"
        "- 연예인 A씨 열애설\n- 사건 B 충격\n"
    )
    body, meta = clean_article(raw)
    assert meta["title"] == "삼성전자, 3분기 영업익 10조"
    assert meta["byline"] == "홍길동 기자"
    assert body == "삼성전자가 3분기 영업이익 10조원을 기록했다.\n반도체 부문이 회복했다."


def test_trailing_headline_list_of_news_without_copyright_is_dropped():
    body, _ = clean_article("제목\n(서울=뉴스1) 기자 = 본문 첫 문장이다.\n둘째 문장이다.\n- 다른 기사 제목\n- 또 다른 기사")
    assert body == "본문 첫 문장이다.\n둘째 문장이다."


def test_lists_of_texts_that_are_not_news_are_content():
    body, _ = clean_article("제목\n본문 첫 문장이다.\n둘째 문장이다.\n- 첫째 항목\n- 둘째 항목")
    assert body.endswith("- 첫째 항목\n- 둘째 항목")


def test_a_track_list_in_one_line_is_never_emptied():
    raw = "1. Brave Show 2. Moonlight 3. Dawn Road\n앨범은 2019년에 나왔다."
    body, meta = clean_article(raw)
    assert "Brave Show" in body and "앨범은" in body
    body, _ = clean_article("노래 목록\n1. Brave Show 2. Moonlight 3. Dawn Road")
    assert body == "1. Brave Show 2. Moonlight 3. Dawn Road"


def test_copyright_inside_prose_does_not_end_the_article():
    raw = ("저작권 분쟁 늘어\n(서울=뉴스1) 기자 = 저작권자와 플랫폼의 분쟁이 늘고 있다고 법원이 밝혔다. " + "판결 내용이 길게 이어진다. " * 8
           + "\n두 번째 문단도 본문이다. " + "분쟁은 계속된다. " * 10 + "\nreporter@news1.kr\nCopyright © 뉴스1. 무단 전재 금지")
    body, _ = clean_article(raw)
    assert body.startswith("저작권자와 플랫폼의") and "두 번째 문단도 본문이다." in body and "reporter@" not in body


def test_bullet_sentences_are_content_and_a_sentence_first_line_is_not_a_title():
    body, meta = clean_article("카카오는 10월 AI 모델을 공개한다.\n○ 카카오는 11월 새 서비스를 내놓는다.")
    assert "title" not in meta and body.startswith("카카오는 10월")
    assert "○ 카카오는 11월 새 서비스를 내놓는다." in body


def test_front_matter_metadata():
    body, meta = clean_article("---\ntitle: T\nurl: https://example.com/a\n---\n본문이다.")
    assert meta == {"title": "T", "url": "https://example.com/a"}
    assert body == "본문이다."


def test_bad_files_are_named_and_the_rest_still_loads(tmp_path: Path, seed_text: str):
    (tmp_path / "good.txt").write_text(seed_text, encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("카카오".encode("cp949"))
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "notes.csv").write_text("ignored", encoding="utf-8")
    result = load_corpus(tmp_path)
    assert [d.source for d in result.documents] == ["good.txt"]
    messages = sorted(str(e) for e in result.errors)
    assert len(messages) == 3
    assert messages[0].startswith("binary.txt:") and "binary" in messages[0]
    assert messages[1].startswith("empty.md:") and "empty" in messages[1]
    assert messages[2].startswith("latin1.txt:") and "UTF-8" in messages[2]


def test_symlink_out_of_corpus_is_refused(tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("제목\n비밀 문장이다.", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "link.txt").symlink_to(outside)
    with pytest.raises(CorpusError, match="outside the corpus"):
        read_document(corpus / "link.txt", corpus)


def test_fingerprint_changes_with_content(tmp_path: Path):
    (tmp_path / "a.txt").write_text("제목\n문장이다.", encoding="utf-8")
    before = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == before
    (tmp_path / "a.txt").write_text("제목\n다른 문장이다.", encoding="utf-8")
    assert fingerprint(tmp_path) != before


def test_missing_corpus_folder(tmp_path: Path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")

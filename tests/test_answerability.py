"""Answerability: the refusal policy on hand-made evidence, and name grounding on the real article."""

import numpy as np
import pytest

from rag.answerability import Evidence, _abbreviates, decide, stands_out, standout
from rag.config import RefusalPolicy



def evidence(best=0.85, hangul=1.0, coverage=1.0, standout=2.5, unknown=(), terms=True, readable=True):
    return Evidence(best, coverage, standout, tuple(unknown), hangul, terms, readable=readable)


@pytest.mark.parametrize("kwargs", [
    {"coverage": 0.1},                                   # Korean key terms absent from the corpus
    {"unknown": ("네이버",)},                              # about a name the corpus never mentions
    {"coverage": 0.6, "standout": 0.5},                  # nothing stands out
    {"hangul": 0.0, "coverage": 0.0, "standout": 0.5},   # English, nothing stands out
    {"best": 0.7, "coverage": 0.6},                       # below the cosine floor, some terms missing
    {"hangul": 0.0, "terms": False, "readable": False, "standout": 3.5},  # nothing to look for ("asdfgh")
])
def test_refuses_weak_evidence(kwargs):
    assert not decide(evidence(**kwargs), RefusalPolicy())


def test_a_paraphrase_with_an_unmistakable_sentence_is_answered():
    assert decide(evidence(best=0.9, coverage=0.1, standout=3.5), RefusalPolicy())


def test_a_figure_the_document_never_names_is_refused_unless_one_sentence_is_unmistakable():
    """"카카오 직원 수는 몇 명이야?" over an article with user counts but no 직원."""
    missing = Evidence(0.85, 0.8, 2.5, (), 1.0, True, missing_measure="직원")
    assert decide(evidence(), RefusalPolicy()) and not decide(missing, RefusalPolicy())
    assert decide(Evidence(0.85, 0.8, 3.5, (), 1.0, True, missing_measure="층수"), RefusalPolicy())


def test_a_missing_figure_with_little_else_of_the_question_is_refused_however_it_stands_out():
    """"배당금은 얼마야?" over an earnings article: a revenue sentence may stand out, but neither
    배당금 nor anything else the question says is in the article."""
    assert not decide(Evidence(0.85, 0.0, 3.5, (), 1.0, True, missing_measure="배당금"), RefusalPolicy())
    assert decide(Evidence(0.85, 0.0, 3.5, (), 1.0, True), RefusalPolicy())


def test_a_korean_figure_written_inside_a_longer_word_is_not_missing():
    from rag.answerability import Answerability, _Scope
    from rag.lexical import QueryTerms
    from rag.retrieval import Ranking

    def missing(measure, text):
        query = QueryTerms((), (), (), measured=measure)
        ranking = Ranking(query, 1.0, [], np.zeros(0, np.float32))
        return Answerability._missing_measure(ranking, _Scope(frozenset(text.split()), text))

    assert missing("사목", "편민사목 은 여섯 조 로") is None
    assert missing("배당금", "매출 은 2조 원") == "배당금"


def test_a_period_the_document_never_names_is_refused_and_a_bare_year_is_named():
    from rag.answerability import _names_period
    assert not decide(Evidence(0.85, 0.8, 2.5, (), 1.0, True, missing_periods=("3분기",)), RefusalPolicy())
    # However far its sentence stands out: "오픈채팅 탭 주말 방문자는 몇 명이야?" stood out 3.05 over
    # the weekday figure, the one sentence on the tab's visitors.
    assert not decide(Evidence(0.85, 0.8, 3.11, (), 1.0, True, missing_periods=("주말",)), RefusalPolicy())
    assert decide(Evidence(0.85, 0.8, 3.11, (), 1.0, True), RefusalPolicy())
    assert _names_period("3분기", "2분기매출과3분기전망") and not _names_period("3분기", "13분기")
    assert _names_period("2017년", "《품위있는그녀》(2017)로") and not _names_period("2017년", "20170")


def test_a_documents_date_names_its_year():
    from rag.answerability import Answerability
    from rag.lexical import BM25, PassageTerms, QueryTerms
    from rag.retrieval import Hit, Ranking
    from rag.types import Passage

    text = "2분기 매출은 2조원이다."
    passage = Passage(text, "a.txt", "카카오 실적", 0, len(text), ((0, len(text)),))
    terms = [PassageTerms((), (("2", "분기", "매출", "2", "조", "원"),))]
    bm25 = BM25([list(terms[0].all())])
    hit = Hit(0, passage, 1.0, 0.9, 0.9, 1.0, (0.9,), terms[0].sentences)

    def missing(judge, *periods):
        query = QueryTerms(("매출",), ("매출",), (), periods=periods)
        ranking = Ranking(query, 1.0, [hit], np.array([0.9], np.float32),
                          candidate_sentence_sources=np.array(["a.txt"], object))
        return judge.assess(ranking).evidence.missing_periods

    dated = Answerability([passage], terms, bm25, dates={"a.txt": "2023-08-03"})
    undated = Answerability([passage], terms, bm25)
    assert missing(dated, "2023년", "2분기") == () and missing(undated, "2023년", "2분기") == ("2023년",)
    assert missing(dated, "2022년") == ("2022년",)


def test_a_documents_title_is_part_of_what_it_says():
    from rag.answerability import Answerability
    from rag.lexical import BM25, PassageTerms, QueryTerms
    from rag.retrieval import Hit, Ranking
    from rag.types import Passage

    # A biography whose body never repeats the name it is about (KorQuAD's article 전현희).
    text = "부산 데레사여자고등학교를 졸업했다."
    passage = Passage(text, "a.txt", "전현희", 0, len(text), ((0, len(text)),))
    terms = [PassageTerms((), (("부산", "데레사", "여자", "고등학교", "졸업"),))]
    other = [PassageTerms((), (("전현희", "의원"),))]
    bm25 = BM25([list(terms[0].all()), list(other[0].all())])
    hit = Hit(0, passage, 1.0, 0.9, 0.9, 1.0, (0.9,), terms[0].sentences)
    key = ("전현희", "졸업", "고등학교")
    ranking = Ranking(QueryTerms(key, key, ()), 1.0, [hit], np.array([0.9], np.float32),
                      candidate_sentence_sources=np.array(["a.txt"], object))
    assert Answerability([passage], terms, bm25).assess(ranking).evidence.coverage == 1.0
    untitled = Passage(text, "a.txt", "", 0, len(text), ((0, len(text)),))
    assert Answerability([untitled], terms, bm25).assess(ranking).evidence.coverage < 1.0


def test_another_documents_subject_is_an_unknown_name_where_it_is_never_written():
    from rag.answerability import Answerability
    from rag.lexical import BM25, PassageTerms, analyse
    from rag.retrieval import Ranking
    from rag.types import Passage

    def doc(source, title, text):
        return Passage(text, source, title, 0, len(text), ((0, len(text)),))

    kakao = doc("kakao.txt", "카카오 \"10월 AI 모델 공개\"", "오픈채팅 탭은 평일 1200만명이 방문한다.")
    raon = doc("raon.txt", "라온소프트 \"분기 매출 첫 1조원 돌파\"", "라온톡 평일 방문자는 500만명이다.")
    terms = [PassageTerms((), (("오픈", "채팅", "탭", "평일", "방문"),)), PassageTerms((), (("라온톡", "평일", "방문자"),))]
    judge = Answerability([kakao, raon], terms, BM25([t.all() for t in terms]))
    ranking = Ranking(analyse("라온소프트 오픈채팅 평일 방문자는 몇 명이야?"), 1.0, [], np.zeros(0, np.float32))
    assert analyse("라온소프트 오픈채팅 평일 방문자는 몇 명이야?").names == ()  # Kiwi takes it for a common noun
    assert judge.unknown_names(ranking, judge._scopes["kakao.txt"]) == ("라온소프트",)
    assert judge.unknown_names(ranking, judge._scopes["raon.txt"]) == ()  # its own title writes it
    # Only a headline that names its subject so (a comma or a quotation after it), and only a word of
    # the question's own: not 올해 of "올해 반도체 수출 감소", nor 단독 in 단독주택.
    other = doc("chip.txt", "올해 반도체 수출 감소", "수출이 줄었다.")
    tagged = doc("tag.txt", "단독, 정부 지원", "정부가 지원한다.")
    judge = Answerability([kakao, other, tagged], [*terms[:1], PassageTerms((), (("수출",),)), PassageTerms((), (("정부",),))],
                          BM25([t.all() for t in terms]))
    assert judge.subjects_named("올해 단독주택 투자는?") == ()
    assert judge.subjects_named("단독으로 한 거야?") == ("단독",)


def test_an_unmistakable_answer_needs_the_strictest_standout():
    from rag.answerability import Answerability, Evidence, Verdict
    from rag.lexical import BM25

    judge = Answerability([], [], BM25([["a"]]))
    assert not judge.unmistakable(Verdict(True, Evidence(0.85, 1.0, 3.01, (), 1.0, True)))
    assert judge.unmistakable(Verdict(True, Evidence(0.85, 1.0, 3.25, (), 1.0, True)))


def test_an_unmistakable_sentence_stands_out_further_when_it_says_none_of_the_questions_terms():
    assert stands_out(Evidence(0.85, 0.5, 3.0, (), 1.0, True), RefusalPolicy())
    assert not stands_out(Evidence(0.85, 0.0, 3.0, (), 1.0, True), RefusalPolicy())
    assert not stands_out(Evidence(0.85, 0.5, 2.5, (), 1.0, True), RefusalPolicy())


def test_a_named_period_is_named_by_any_of_its_words():
    from rag.answerability import _names_period
    assert _names_period("주말", "토요일과일요일에는") and _names_period("평일", "주중에는")
    assert not _names_period("주말", "평일기준1200만명")


def test_supported_evidence():
    assert decide(evidence(best=0.9), RefusalPolicy())
    assert not decide(Evidence(0.0, 0.0, 0.0, (), 0.0, False, has_hits=False), RefusalPolicy())


def test_policy_validates_thresholds():
    with pytest.raises(ValueError):
        RefusalPolicy(min_coverage=0.95, confident_coverage=0.9)
    with pytest.raises(ValueError):
        RefusalPolicy(min_standout=-1)


def test_standout_in_standard_deviations():
    assert standout(np.array([0.5, 0.5, 0.5, 0.9], np.float32)) == pytest.approx(np.sqrt(3), rel=1e-5)
    assert standout(np.array([0.7, 0.7], np.float32)) == 0.0
    assert standout(np.zeros(0, np.float32)) == 0.0


@pytest.mark.parametrize("short,long,expected", [
    ("카톡", "카카오톡", True), ("카카오", "카카오", False), ("네이버", "카카오톡", False), ("톡카", "카카오톡", False),
])
def test_abbreviations(short, long, expected):
    assert _abbreviates(short, long) is expected


@pytest.mark.parametrize("name,mentioned", [
    ("푸시캣돌스", True), ("리처드닉슨", True), ("빅뱅이", True), ("뉘루부르크링", True), ("메타크리티", True),
    ("헤리슨", True), ("네이버", False), ("카카오뱅크", False), ("돌시", False), ("새리슨", False), ("유정훈", False),
])
def test_a_name_written_with_other_spacing_a_particle_or_a_typo_is_mentioned(name, mentioned):
    from rag.answerability import Answerability, _Scope

    scope = _Scope(frozenset({"푸시캣", "돌스", "빅뱅", "카카오브레인"}),
                   "푸시캣 돌스와 리처드 닉슨. 빅뱅은 뉘르부르크링의 메타크리틱에서 카카오브레인과 만났다. 해리슨은 이정훈과 …")
    assert Answerability._mentions(name, scope) is mentioned


@pytest.mark.slow
def test_unknown_names_are_reported(pipeline):
    from rag.answerability import Answerability

    judge = Answerability(pipeline.passages, pipeline.index.terms, pipeline.retriever.bm25)
    for question, unknown in (("네이버 2분기 영업이익은?", ("네이버",)), ("카톡 '펑' 기능이 뭐야?", ()),
                              ("배재현 CIO는 뭐라고 했어?", ())):
        assert judge.assess(pipeline.retriever.rank(question)).evidence.unknown_names == unknown


def test_english_coverage_counts_found_translations_and_absent_concepts():
    from rag.answerability import Answerability
    from rag.bridge import Bridge
    from rag.lexical import BM25, QueryTerms
    from rag.lexicon import Lexicon
    from rag.names import NameIndex
    from rag.retrieval import Ranking

    docs = [["카카오", "매출", "분기", "보이"], ["카카오", "모델", "공개"], ["광고", "매출"]]
    bm25 = BM25(docs)
    bridge = Bridge(Lexicon({"revenue": ["매출"], "dividend": ["배당금"], "model": ["모델"], "react": ["보이"]}),
                    bm25.vocab, NameIndex(bm25.vocab, []))
    def coverage(question):
        ranking = Ranking(QueryTerms((), (), ()), 0.0, [], np.zeros(0, np.float32), bridge.translate(question))
        return Answerability([], [], bm25).coverage(ranking, bm25.vocab)

    assert coverage("Kakao revenue") == 1.0
    assert coverage("Kakao dividend") < 0.3 < coverage("Kakao revenue dividend") < 0.9
    assert coverage("Kakao recipe") == 1.0  # a word the lexicon lacks is neutral
    # A verb found is no sign of support, as a Korean question's verbs are not key terms: krdict's
    # general verbs match any article ("react" -> 보이다).
    assert coverage("Kakao dividend react") == coverage("Kakao dividend")


def test_an_english_count_or_amount_of_something_the_document_lacks_is_a_missing_measure():
    from rag.answerability import Answerability, _Scope
    from rag.bridge import Bridge
    from rag.lexical import BM25, analyse
    from rag.lexicon import Lexicon
    from rag.names import NameIndex
    from rag.retrieval import Ranking

    docs = [["카카오", "매출", "분기", "이용자"]]
    bm25 = BM25(docs)
    bridge = Bridge(Lexicon({"employee": ["직원"], "user": ["이용자"], "dividend": ["배당금"],
                             "revenue": ["수입", "수입금", "수입액"], "net income": ["순수입", "순소득"]}),
                    bm25.vocab, NameIndex(bm25.vocab, []))

    def missing(question):
        ranking = Ranking(analyse(question), 0.0, [], np.zeros(0, np.float32), bridge.translate(question))
        return Answerability._missing_measure(ranking, _Scope(bm25.vocab, "카카오 매출 분기 이용자"))

    assert missing("How many employees does Kakao have?") == "employees"
    assert missing("How many users does Kakao have?") is None
    assert missing("How many recipes does Kakao have?") is None  # the lexicon lacks it: neutral
    assert missing("How much dividend will Kakao pay?") == "dividend"
    # An amount whose translations are many and all missing may be a sense krdict lacks (매출).
    assert missing("How much revenue did Kakao make?") is None
    assert missing("What was Kakao's revenue?") is None
    assert missing("What were Kakao's revenues?") is None  # an amount, not a count of revenues
    # A phrase the lexicon glosses is precise however many its translations.
    assert missing("What was Kakao's net income in Q2?") == "income"
    # Found elsewhere in the corpus, an ambiguous word's translations still decide nothing.
    corpus = BM25([*docs, ["수입", "관세"]]).vocab  # another document of the corpus writes 수입
    wide = Bridge(Lexicon({"revenue": ["수입", "수입금", "수입액"]}), corpus, NameIndex(corpus, []))
    ranking = Ranking(analyse("What was Kakao's revenue?"), 0.0, [], np.zeros(0, np.float32),
                      wide.translate("What was Kakao's revenue?"))
    assert Answerability._missing_measure(ranking, _Scope(bm25.vocab, "카카오 매출 분기 이용자")) is None
    # Unless a translation is a figure the news writes (손실), not one found only as the head of the
    # lexicon's phrases (수익 of "net revenue").
    corpus = BM25([*docs, ["손실", "적자", "수익"]]).vocab
    wide = Bridge(Lexicon({"loss": ["손실", "적자", "피해"], "revenue": ["수입", "수입금"], "*revenue": ["수익"]}),
                  corpus, NameIndex(corpus, []))
    single = Bridge(Lexicon({"revenue": ["수입"], "*revenue": ["수익"]}), corpus, NameIndex(corpus, []))
    for bridge, question, expected in ((wide, "How much loss did Kakao expect?", "loss"),
                                       (wide, "How much revenue did Kakao make?", None),
                                       (single, "How much revenue did Kakao make?", None)):
        ranking = Ranking(analyse(question), 0.0, [], np.zeros(0, np.float32), bridge.translate(question))
        assert Answerability._missing_measure(ranking, _Scope(bm25.vocab, "카카오 매출 분기 이용자")) == expected


@pytest.mark.slow
def test_a_question_about_one_company_is_never_answered_from_another(tmp_path, pipeline):
    import shutil
    from pathlib import Path

    from rag import RagPipeline

    golden = Path(__file__).resolve().parent / "golden"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(golden.parent.parent / "corpus" / "news1-kakao-2023q2-earnings.txt", corpus)
    for name in ("raonsoft-2023q2-earnings.txt", "nuri-games-2023q2-earnings.txt", "seum-bank-2023q2-earnings.txt"):
        shutil.copy(golden / "distractors" / name, corpus)
    rag = RagPipeline.load(corpus, tmp_path / "index")
    for question, company in (("카카오 전체 직원 수는 몇 명이야?", "카카오"), ("카카오 중간배당은 주당 얼마야?", "카카오"),
                              ("카카오 임직원 수는 몇 명이야?", "카카오")):
        answer = rag.ask(question)
        assert not answer.answerable or all(company in rag.documents[[d.source for d in rag.documents].index(
            c.source)].text for c in answer.citations), (question, answer.text)
    answer = rag.ask("라온소프트 2분기 말 직원 수는 몇 명이야?")
    assert answer.answerable and answer.citations[0].source == "raonsoft-2023q2-earnings.txt"
    assert "4812명" in answer.text


@pytest.mark.slow
def test_standout_is_measured_within_the_cited_document(pipeline):
    """Other documents' candidate sentences do not change it: with many documents, the best
    sentence would otherwise stand further out over all of them, whatever the question."""
    import dataclasses

    from rag.answerability import Answerability

    judge = Answerability(pipeline.passages, pipeline.index.terms, pipeline.retriever.bm25)
    ranking = pipeline.retriever.rank("카카오 전체 직원 수는 몇 명이야?")
    assert set(ranking.candidate_sentence_sources) == {pipeline.passages[0].source}
    assert len(ranking.candidate_sentence_sources) == len(ranking.candidate_sentence_scores)
    others = np.full(400, ranking.candidate_sentence_scores.min() - 0.05, np.float32)
    crowded = dataclasses.replace(
        ranking, candidate_sentence_scores=np.concatenate([ranking.candidate_sentence_scores, others]),
        candidate_sentence_sources=np.concatenate([ranking.candidate_sentence_sources,
                                                   np.full(400, "other.txt", dtype=object)]))
    assert standout(crowded.candidate_sentence_scores) > standout(ranking.candidate_sentence_scores) + 1
    assert judge.assess(crowded).evidence.standout == judge.assess(ranking).evidence.standout


def test_a_latin_name_the_document_writes_counts_even_misspelt_by_a_letter():
    from rag.answerability import _Scope, _spelt_in

    scope = _Scope(frozenset(), "엔터테인먼트 위클리(Entertainment Weekly)는 비판했다.")
    assert _spelt_in("Entertainment Weely", scope) and _spelt_in("Weekly", scope)
    assert not _spelt_in("Naver", _Scope(frozenset(), "I never said so."))  # ratio 80: another word


def test_a_korean_name_misspelt_by_one_jamo_is_mentioned():
    from rag.answerability import _one_letter_off

    assert _one_letter_off("거쉬윈", {"거슈윈의"}) and _one_letter_off("해상교정", {"해상교전에서"})
    assert not _one_letter_off("카카오뱅크", {"카카오브레인"}) and not _one_letter_off("쿠팡은", {"카카오는"})


def test_full_coverage_waives_the_cosine_floor_and_names_alone_need_an_unmistakable_sentence():
    """"Who is Hong Eun-taek?" (only a name, all of it in the article) sits at cosine 0.72;
    "Where is Kakao headquartered?" has a name and a word the lexicon does not know."""
    assert decide(Evidence(0.72, 1.0, 1.8, (), 0.0, True), RefusalPolicy())
    assert not decide(Evidence(0.72, 0.6, 1.8, (), 0.0, True), RefusalPolicy())
    assert not decide(Evidence(0.77, 1.0, 2.5, (), 0.0, True, names_only=True), RefusalPolicy())
    assert decide(Evidence(0.77, 1.0, 3.0, (), 0.0, True, names_only=True), RefusalPolicy())


def test_names_only_means_a_name_and_unknown_words_and_nothing_the_lexicon_weighs():
    from rag.answerability import _names_only
    from rag.bridge import Bridged, Group
    from rag.lexical import QueryTerms
    from rag.retrieval import Ranking

    def only(*states):
        groups = tuple(Group(f"w{i}", s, ("카카오",) if s in ("name", "found") else ()) for i, s in enumerate(states))
        return _names_only(Ranking(QueryTerms((), ("kakao",), ()), 0.0, [], np.zeros(0, np.float32), Bridged(groups)))

    assert only("name", "unknown") and not only("name") and not only("name", "unknown", "found")
    assert not only("unknown") and not only("name", "absent", "unknown")


def test_a_question_none_of_whose_terms_the_document_holds_must_stand_out_further():
    """"이 기사는 누가 썼어?" over an article without 기사 stood out 2.76; 한남대교 written apart in
    its article stood out 4.42."""
    assert not decide(evidence(coverage=0.0, standout=2.8), RefusalPolicy())
    assert decide(evidence(coverage=0.0, standout=4.4), RefusalPolicy())
    assert decide(evidence(coverage=0.1, standout=2.8), RefusalPolicy())


def test_a_name_misspelt_by_one_jamo_also_counts_across_a_space_the_question_leaves_out():
    from rag.answerability import Answerability, _Scope

    scope = _Scope(frozenset({"해상", "교전"}), "남한과의 해상 교전이 발생했다.")
    assert Answerability._mentions("해상교정", scope)
    assert not Answerability._mentions("해상교섭", scope)  # two letters off


def test_the_words_for_a_name_are_not_weighed_in_coverage():
    from rag.answerability import Answerability
    from rag.lexical import BM25, QueryTerms
    from rag.retrieval import Ranking

    bm25 = BM25([["카카오", "대표", "홍은택"], ["카카오", "매출"]])
    def coverage(*key):
        ranking = Ranking(QueryTerms(key, key, ()), 1.0, [], np.zeros(0, np.float32))
        return Answerability([], [], bm25).coverage(ranking, bm25.vocab)

    assert coverage("카카오", "대표", "이름") == 1.0  # "카카오 대표 이름이 뭐야?": the name answers it
    assert coverage("카카오", "대표", "직원") < 1.0  # any other word the document lacks still counts
    # A follow-up's aim (of the figure carried over) is given as a plan ("연말까지 … 확보할 계획"),
    # seldom by the word 목표; a question of its own weighs it ("카카오 직원 수 목표는?" is refused).
    assert coverage("카카오", "매출", "목표") < 1.0
    key = ("연말", "목표")
    own = Ranking(QueryTerms(key, key, ()), 1.0, [], np.zeros(0, np.float32))
    assert Answerability([], [], BM25([["연말", "계획"], ["카카오"]]))._own_coverage(own, {"연말", "계획"}) == 1.0
    # Written in the document, the word counts like any other ("달무리라는 이름은 …").
    named = BM25([["달무리", "이름", "따오"], ["보름달", "확장"]])
    key = ("달무리", "확장판", "이름")
    ranking = Ranking(QueryTerms(key, key, ()), 1.0, [], np.zeros(0, np.float32))
    with_word = Answerability([], [], named).coverage(ranking, frozenset({"달무리", "이름", "따오"}))
    without = Answerability([], [], named).coverage(ranking, frozenset({"달무리", "따오"}))
    assert with_word > without > 0

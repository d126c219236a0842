"""The lexicon bridge on a hand-made lexicon and vocabulary (no model, no krdict)."""

import pytest

from rag.bridge import Bridge
from rag.lexicon import Lexicon
from rag.names import NameIndex

LEXICON = Lexicon({
    "revenue": ["매출"], "share price": ["주가"], "share": ["공유", "주식"], "price": ["가격"],
    "dividend": ["배당금"], "quarter": ["분기"], "release": ["출시", "공개", "발매"], "model": ["모델"],
    "employee": ["직원", "종업원"], "*chat": ["채팅"], "online chat": ["채팅"], "visit": ["방문"],
    "music": ["음악"], "chat room": ["대화방"], "room": ["객실"], "+room": ["방", "실"], "host": ["주인"],
    "guest room": ["객실"], "+guest": ["손"],
})
VOCAB = {t: i for i, t in enumerate(
    ["카카오", "카카오톡", "매출", "분기", "2", "출시", "공개", "모델", "홍은택", "오픈", "채팅", "방문", "뮤직", "ai",
     "공유", "브레인", "채팅방", "운영", "손실"])}
COMPOUNDS = [("카카오", "브레인"), ("오픈", "채팅")]


@pytest.fixture
def bridge():
    return Bridge(LEXICON, VOCAB, NameIndex(VOCAB, COMPOUNDS))


def states(bridged):
    return [(g.source, g.state, g.terms) for g in bridged.groups]


def test_found_absent_and_names(bridge):
    assert states(bridge.translate("What was Kakao's revenue in Q2?")) == [
        ("Kakao", "name", ("카카오",)), ("revenue", "found", ("매출",)), ("second", "found", ("2",)),
        ("quarter", "found", ("분기",))]
    assert states(bridge.translate("How much dividend will Kakao pay?"))[0] == ("dividend", "absent", ())


def test_phrases_before_words(bridge):
    groups = bridge.translate("What was the share price?").groups
    assert [(g.source, g.state) for g in groups] == [("share price", "absent")]


def test_only_translations_in_the_corpus_form_the_synonym_set(bridge):
    (group,) = bridge.translate("release").groups
    assert group.terms == ("출시", "공개") and group.senses == 3


def test_romanised_names_and_unknown_names(bridge):
    assert states(bridge.translate("What did Hong Eun-taek say?")) == [("Hong Eun taek", "name", ("홍은택",))]
    assert states(bridge.translate("Kakao Brain model")) == [("Kakao Brain", "name", ("카카오", "브레인")),
                                                            ("model", "found", ("모델",))]
    bridged = bridge.translate("What was Naver's revenue?")
    assert bridged.unknown_names == ("Naver",)


@pytest.mark.parametrize("question", ["Naver's Q2 revenue?", "Naver operating expenses?", "Coupang revenue?"])
def test_a_first_word_that_is_no_english_word_is_a_name(bridge, question):
    assert bridge.translate(question).unknown_names == (question.split()[0].split("'")[0],)


def test_an_apostrophe_inside_a_word_is_no_possessive_and_one_letter_no_name(bridge):
    bridged = bridge.translate("블루스곡 one O'clock jump를 연주한 음악가는?")
    assert "Oclock" not in [g.source for g in bridged.groups] and bridged.unknown_names == ()


def test_acronyms_are_neutral_not_names(bridge):
    bridged = bridge.translate("How much did DAU grow?")
    assert ("DAU", "absent") in [(g.source, g.state) for g in bridged.groups] and bridged.unknown_names == ()
    # Two capitals in the subject's place, before a verb, name a company the corpus lacks.
    for question, name in (("When will LG release its model?", "LG"), ("Will LG release its model?", "LG"),
                           ("Did SK launch a model?", "SK")):
        assert bridge.translate(question).unknown_names == (name,)
    for question in ("What did the LG model cost?", "How much did VR sales grow?", "How much did DAU grow?"):
        assert bridge.translate(question).unknown_names == ()


@pytest.mark.parametrize("question", ["Didn't Kakao report revenue?", "Overall, did revenue rise?",
                                      "Summarise the revenue", "Can't Kakao grow?"])
def test_grammar_is_not_a_name(bridge, question):
    assert bridge.translate(question).unknown_names == ()


def test_function_words_never_become_terms_even_if_the_corpus_has_them():
    vocab = dict(VOCAB, **{"not": 99, "have": 100})
    bridged = Bridge(LEXICON, vocab, NameIndex(vocab, [])).translate("Did Kakao not have revenue?")
    assert all(g.source.lower() not in ("not", "have") for g in bridged.groups)


def test_the_bridge_is_safe_to_share_between_threads(bridge):
    from concurrent.futures import ThreadPoolExecutor

    questions = ["What was Kakao's revenue in Q2?", "What did Hong Eun-taek say?", "Kakao Brain model"] * 50
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: bridge.translate(q).groups, questions))
    assert all(r == results[i % 3] for i, r in enumerate(results))


def test_corpus_spellings_stand_for_themselves(bridge):
    assert states(bridge.translate("the AI model")) == [("AI", "found", ("ai",)), ("model", "found", ("모델",))]


def test_a_plain_english_word_the_corpus_also_writes_keeps_its_translations():
    # A distractor's "Dalbit Music" puts "music" in the vocabulary; 음악 and 뮤직 still stand for it.
    vocab = dict(VOCAB, music=len(VOCAB), 음악=len(VOCAB) + 1)
    bridge = Bridge(LEXICON, vocab, NameIndex(vocab, COMPOUNDS))
    assert states(bridge.translate("music sales"))[0] == ("music", "found", ("music", "음악", "뮤직"))


def test_loanwords_by_sound(bridge):
    groups = {g.source: g for g in bridge.translate("music sales").groups}
    assert groups["music"].state == "name" and groups["music"].terms == ("뮤직",)
    pair = bridge.translate("people visit open chat").groups
    assert ("open chat", "name", ("오픈", "채팅")) in [(g.source, g.state, g.terms) for g in pair]


def test_a_plural_loanword_sounds_like_its_singular():
    vocab = {**VOCAB, "파라미터": len(VOCAB)}
    bridge = Bridge(LEXICON, vocab, NameIndex(vocab, COMPOUNDS))
    assert states(bridge.translate("many parameters")) == [("parameters", "name", ("파라미터",))]


def test_phrase_heads_stand_in(bridge):
    assert states(bridge.translate("chat")) == [("chat", "found", ("채팅",))]


def test_weights_follow_ambiguity(bridge):
    bridged = bridge.translate("release model")
    assert bridged.set_weights(0.5) == pytest.approx((3 ** -0.5, 1.0))


def test_a_name_sharing_only_the_skeleton_of_a_korean_word_is_unknown():
    """Coupang (쿠팡) and 기반 (giban) share the skeleton k-p-n; loanwords keep a first stop's aspiration."""
    vocab = dict(VOCAB, 기반=len(VOCAB), 파트너=len(VOCAB) + 1)
    names = NameIndex(vocab, COMPOUNDS)
    assert names.match("Coupang") is None
    assert names.match("brain", capitalised=False) == ("브레인",)
    assert names.match("Partner") == ("파트너",)
    assert [g.state for g in Bridge(LEXICON, vocab, names).translate("And Coupang's?").groups] == ["unknown-name"]


def test_a_names_parts_are_all_asked_for_not_alternatives(bridge):
    """Open Chat is 오픈 and 채팅: a passage on 오픈라운지 must not match it as well as one on 오픈채팅."""
    bridged = bridge.translate("Kakao Brain model")
    assert bridged.term_sets == (("카카오",), ("브레인",), ("모델",))
    assert len(bridged.set_weights(1.0)) == len(bridged.term_sets)


def test_a_name_the_corpus_spells_in_hangul_wins_over_its_latin_words():
    vocab = {**VOCAB, "nuri": len(VOCAB), "games": len(VOCAB) + 1, "누리게임즈": len(VOCAB) + 2}
    bridge = Bridge(LEXICON, vocab, NameIndex(vocab, COMPOUNDS), {"nuri games": ("누리게임즈",)})
    assert states(bridge.translate("What did Nuri Games release?"))[0] == ("Nuri Games", "name", ("누리게임즈",))
    assert states(bridge.translate("Will Nuri Games release a model?"))[0] == ("Nuri Games", "name", ("누리게임즈",))
    plain = Bridge(LEXICON, vocab, NameIndex(vocab, COMPOUNDS))
    assert states(plain.translate("What did Nuri Games release?"))[:2] == [
        ("Nuri", "found", ("nuri",)), ("Games", "found", ("games",))]


def test_a_translation_the_corpus_writes_without_its_suffix_but_not_an_agent_noun():
    lexicon = Lexicon({"lightweight": ["경량급"], "host": ["진행자"]})
    vocab = {"경량": 0, "진행": 1}
    bridge = Bridge(lexicon, vocab, NameIndex(vocab, []))
    assert states(bridge.translate("the lightweight one")) == [("lightweight", "found", ("경량",)), ("one", "unknown", ())]
    assert states(bridge.translate("the hosts"))[0][1] == "absent"


def test_a_capitalised_word_after_a_name_that_only_translates_to_a_verb_is_part_of_an_unknown_name():
    lexicon = Lexicon({"pay": ["나오"], "friend": ["친구"]})
    vocab = {"카카오": 0, "나오": 1, "친구": 2}
    bridge = Bridge(lexicon, vocab, NameIndex(vocab, []))
    assert bridge.translate("What is Kakao Pay's revenue?").unknown_names == ("Pay",)
    assert not bridge.translate("How many people use Kakao Friends?").unknown_names


def test_a_compound_the_corpus_writes_as_one_word_is_built_from_the_parts():
    """krdict's 대화방 is not the article's word; 채팅 (the head of "online chat") and 방 (one syllable,
    never searched alone) make its 채팅방."""
    bridge = Bridge(LEXICON, VOCAB, NameIndex(VOCAB, COMPOUNDS))
    assert states(bridge.translate("open chat rooms")) == [("open", "unknown", ()),
                                                           ("chat rooms", "found", ("채팅방",))]
    # after a name, whose last part begins the compound: Open Chat (오픈 채팅) rooms -> 채팅방
    assert states(bridge.translate("Who runs Open Chat rooms?"))[-1] == ("rooms", "found", ("채팅방",))
    # nothing is built that the corpus does not write, nor from two one-syllable words (손 + 실 is
    # 손실, a loss), nor across words that do not follow each other
    assert states(bridge.translate("Open Chat hosts"))[-1] == ("hosts", "absent", ())
    assert states(bridge.translate("guest room")) == [("guest room", "absent", ())]
    assert states(bridge.translate("Does Open Chat have rooms?"))[-1] == ("rooms", "absent", ())

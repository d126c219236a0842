"""The corpus's Hangul words matched by the Latin spelling of a name or loanword."""

from rag.names import NameIndex

INDEX = NameIndex(["홍은택", "배재현", "카카오", "성", "현", "뮤직", "출시"], [("카카오", "브레인")])


def test_names_match_by_spelling_and_compounds_by_their_parts():
    assert INDEX.match("Hong Eun-taek") == ("홍은택",)
    assert INDEX.match("Bae Jae-hyun") == ("배재현",)
    assert INDEX.match("Kakao Brain") == ("카카오", "브레인")
    assert INDEX.match("Naver") is None


def test_the_popular_spelling_of_eo_and_eu_as_u_matches_too():
    assert INDEX.match("Hyun") == ("현",)  # hyeon: 89 by spelling, under the cut-off of short names
    assert INDEX.match("Sung") == ("성",)  # seong: 67


def test_plain_words_match_loanwords_by_skeleton_and_sound_only():
    assert INDEX.match("music", capitalised=False) == ("뮤직",)
    assert INDEX.match("sales", capitalised=False) is None


def test_the_popular_spelling_must_match_closely():
    assert NameIndex(["상승"], []).match("Samsung") is None  # sangsung: 80


def test_a_verb_stem_is_never_a_loanword():
    """덧붙이 (of 덧붙였다) has the skeleton of "debt" and sounds close enough; a loanword is a noun."""
    names = NameIndex(["덧붙이", "뮤직"], [])
    assert names.match("debt", capitalised=False) is None
    assert names.match("music", capitalised=False) == ("뮤직",)

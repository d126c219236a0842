"""Romanisation and sound keys for matching Latin-script names and loanwords to Hangul."""

import pytest
from rapidfuzz import fuzz

from rag.romanize import consonant_key, letters, person_name, romanize, sound


@pytest.mark.parametrize("hangul,expected", [
    ("홍은택", "hongeuntaek"), ("카카오톡", "kakaotok"), ("배재현", "baejaehyeon"), ("달라", "dalla"),
    ("뮤직", "myujik"), ("SM엔터", "smenteo"),
])
def test_revised_romanization(hangul, expected):
    assert letters(romanize(hangul)) == expected


def test_other_characters_are_kept_or_spaced():
    assert romanize("카카오 AI-모델!") == "kakao ai model"


@pytest.mark.parametrize("hangul,english", [
    ("홍은택", "Hong Eun-taek"), ("배재현", "Bae Jae-hyun"), ("뮤직", "music"), ("파운데이션", "foundation"),
    ("파트너", "partner"), ("로컬", "local"),
])
def test_loanwords_and_names_share_a_consonant_skeleton(hangul, english):
    assert consonant_key(romanize(hangul)) == consonant_key(english)


def test_sound_tells_a_loanword_from_a_chance_skeleton():
    # music / 뮤직 sound alike; sales / 출시 (chulsi) share only the skeleton "sls".
    assert consonant_key(romanize("출시")) == consonant_key("sales")
    assert fuzz.ratio(sound("music"), sound(romanize("뮤직"))) > fuzz.ratio(sound("sales"), sound(romanize("출시"))) + 20


def test_onset_tells_lenis_from_aspirated_stops():
    from rag.romanize import onset, romanize

    assert onset("Coupang") == onset(romanize("쿠팡")) == "aspirated"
    assert onset(romanize("기반")) == onset("game") == onset(romanize("게임")) == "lenis"
    assert onset("cinema") == onset("Open") == ""


def test_a_korean_name_is_written_surname_first_with_the_given_name_hyphenated():
    assert person_name("배재현") == "Bae Jae-hyeon"
    assert person_name("홍은택") == "Hong Eun-taek"

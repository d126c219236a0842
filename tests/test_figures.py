"""Korean figures and dates in English."""

import pytest

from rag.figures import parse_number, scaled_values, to_english, value_of


@pytest.mark.parametrize("korean,english", [
    ("2조425억원", "KRW 2.0425 trillion (2조425억원)"), ("1135억원", "KRW 113.5 billion (1135억원)"),
    ("1200만명", "12 million people (1200만명)"), ("10월", "October (10월)"),
    ("하반기", "the second half (of the year) (하반기)"), ("24시간", "24 hours (24시간)"), ("34%", "34%"),
    ("1989년 2월 15일", "February 15, 1989 (1989년 2월 15일)"), ("2분기", "second quarter (2분기)"),
    ("10월 말", "the end of October (10월 말)"), ("1950년대 후반", "the late 1950s (1950년대 후반)"),
    ("지난해 4월", "April last year (지난해 4월)"), ("오전 6시 12분", "6:12 a.m. (오전 6시 12분)"),
    ("오후 2시", "2 p.m. (오후 2시)"), ("10월 중순", "mid-October (10월 중순)"),
    ("2분50초", "2 minutes 50 seconds (2분50초)"), ("1시간 30분", "1 hour 30 minutes (1시간 30분)"),
    ("1명", "1 person (1명)"), ("1시간", "1 hour (1시간)"),
    ("3천억원", "KRW 300 billion (3천억원)"), ("2억5천만원", "KRW 250 million (2억5천만원)"),
    ("1조5천억원", "KRW 1.5 trillion (1조5천억원)"), ("5천만명", "50 million people (5천만명)"),
])
def test_to_english(korean, english):
    assert to_english(korean) == english


def test_numbers_and_non_figures():
    assert parse_number("2조425억") == 2_042_500_000_000 and parse_number("3천500") == 3500
    assert parse_number("카카오") is None and to_english("카카오") is None
    # Malformed numbers are no numbers, not an error: "1.2.3만명" in a question.
    assert parse_number("1.2.3") is None and parse_number("억") is None and parse_number("1,,2") is None
    assert parse_number("1억만") is None  # a myriad with no number before it
    assert parse_number("0만") == 0 and parse_number("1조 0억") == 10 ** 12 and to_english("0억원") == "KRW 0 (0억원)"
    assert value_of("1.2.3만명") is None and scaled_values("1.2.3만명 맞아?") == frozenset()


def test_the_value_a_figure_starts_with_and_the_large_numbers_a_text_writes():
    assert value_of("1000만명") == 10_000_000 and value_of("2조425억원") == 2_042_500_000_000 and value_of("3개") == 3
    assert value_of("하반기") is None
    assert scaled_values("How many tabs hit 10 million a day, or 1.5 billion?") == {10_000_000, 1_500_000_000}
    assert scaled_values("1000만 명 이상 본 영화는?") == {10_000_000}
    # Bare digits are no stated figure: a date's 5 is not the 5위 asked for.
    assert scaled_values("9월 5일에 몇 위였어? 3,000") == frozenset()

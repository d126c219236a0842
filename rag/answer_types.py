"""What kind of answer a question asks for, and whether a sentence holds one.

"When" asks for a time, "how much" for an amount: of two sentences that fit a question about
equally well, the one holding that kind of answer is the better quote. Questions are read by their
question words (Korean and English); sentences by the Kiwi terms the index stores for them.
"""

from __future__ import annotations

import re
from typing import Sequence

TIME = "time"
AMOUNT = "amount"

_QUESTION = (
    (TIME, re.compile(r"언제|며칠|몇\s*(?:월|년|일|시|분기)|\bwhen\b|\bwhat (?:time|year|month|day|date)\b", re.I)),
    (AMOUNT, re.compile(r"얼마|몇|\bhow (?:much|many)\b|\bwhat (?:percentage|share|amount|number)\b", re.I)),
)
_TIME_UNITS = frozenset({"월", "일", "년", "분기", "시", "주"})
"""Counters that make a number a date or period (10월, 3일, 2분기)."""
_TIME_WORDS = frozenset({"상반기", "하반기", "연말", "연초", "연내", "내년", "올해", "작년", "지난해", "전년", "이번",
                         "오늘", "내일", "어제", "최근", "향후", "당분간", "주말", "평일", "오전", "오후", "새벽"})
"""Korean time nouns: dates and periods without a number."""
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def expected(question: str) -> str | None:
    """The kind of answer ``question`` asks for, or None when it asks for no particular kind."""
    for kind, pattern in _QUESTION:
        if pattern.search(question):
            return kind
    return None


def holds(terms: Sequence[str], kind: str | None) -> bool:
    """Whether a sentence with these terms holds an answer of ``kind``."""
    if kind == TIME:
        return any(t in _TIME_WORDS for t in terms) or any(
            _NUMBER.match(a) and b in _TIME_UNITS for a, b in zip(terms, terms[1:]))
    if kind == AMOUNT:
        return any(_NUMBER.match(t) for t in terms)
    return False

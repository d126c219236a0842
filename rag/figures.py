"""Korean figures, dates and periods in English: 2조425억원 -> KRW 2.0425 trillion.

English readers cannot find a figure inside a Korean sentence; a direct answer shows it in their
terms with the Korean after it. Korean writes large numbers in myriads (만 10^4, 억 10^8, 조 10^12)
mixed with digits ("2조425억", "1200만"). PyPI offers ``korcount`` for reading such strings (one
release, 2023, unmaintained) and ``hangeul``, which reads numbers aloud rather than parsing them;
the grammar is small, so it is parsed here.
"""

from __future__ import annotations

import re

_UNITS = {"조": 10 ** 12, "억": 10 ** 8, "만": 10 ** 4, "천": 10 ** 3}
_DIGITS = r"\d+(?:[.,]\d+)*"
_PART = re.compile(rf"{_DIGITS}|[조억만천]")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PERIODS = {"상반기": "the first half (of the year)", "하반기": "the second half (of the year)",
            "연말": "the end of the year", "연초": "the start of the year", "내년": "next year",
            "올해": "this year", "작년": "last year", "지난해": "last year"}
PERIOD_PARTS = {"말": "the end of {}", "초": "the beginning of {}", "초반": "the early {}", "중반": "the mid {}",
                "후반": "the late {}", "중순": "mid-{}", "상순": "early {}", "하순": "late {}", "무렵": "around {}"}
"""Which part of a period ("10월 말", "1950년대 후반"), as English says it."""
DAY_HALVES = {"오전": "a.m.", "새벽": "a.m.", "아침": "a.m.", "오후": "p.m.", "저녁": "p.m.", "밤": "p.m."}
"""Words an hour may follow ("오전 6시")."""
_PERIOD_PART = re.compile(rf"(.+?)\s*({'|'.join(sorted(PERIOD_PARTS, key=len, reverse=True))})")
_CLOCK = re.compile(rf"(?:({'|'.join(DAY_HALVES)})\s*)?(\d{{1,2}})시(?:\s*(\d{{1,2}})분)?")
_COUNTERS = {"명": "people", "개": "", "건": "cases", "곳": "places", "배": "times", "시간": "hours",
             "년": "years", "개월": "months", "일": "days", "분": "minutes", "초": "seconds", "회": "times"}
_DURATION_UNIT = "(시간|개월|년|일|분|초)"
_DURATION = re.compile(rf"(?:\d+{_DURATION_UNIT}){{2,}}")


def parse_number(text: str) -> float | None:
    """The value of digits with Korean myriad units: "2조425억" -> 2042500000000, "1200만" ->
    12000000, "2억5천만" -> 250000000, "3천억" -> 300000000000; None for anything else ("1.2.3")."""
    compact = "".join(text.split())
    parts = _PART.findall(compact)
    if not compact[:1].isdigit() or "".join(parts) != compact:
        return None
    total = section = 0.0
    pending: float | None = None
    for part in parts:
        if part in _UNITS:
            if part == "천":
                section += (1 if pending is None else pending) * 1000
            elif pending is None and not section:
                return None  # a myriad with no number before it: "1억만"
            else:
                total += (section + (pending or 0)) * _UNITS[part]
                section = 0.0
            pending = None
        elif pending is not None or part.count(".") > 1:
            return None
        else:
            pending = float(part.replace(",", ""))
    return total + section + (pending or 0)


_MYRIADS = rf"(?:\s*[조억만천]\s*(?:{_DIGITS})?)"
_LEADING_NUMBER = re.compile(rf"{_DIGITS}{_MYRIADS}*")
_WRITTEN = re.compile(rf"(?<![\w.])({_DIGITS})(?:\s*(thousand|million|billion|trillion)\b|({_MYRIADS}+))?", re.I)
_SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}


def value_of(figure: str) -> float | None:
    """The value of the number a figure starts with: "1000만명" -> 10000000, "2조425억원" -> 2.0425e12."""
    found = _LEADING_NUMBER.match(figure.strip())
    return parse_number(found.group()) if found else None


def scaled_values(text: str) -> frozenset[float]:
    """The values of the large numbers a text writes with a scale, in English words or Korean
    myriads ("10 million", "1.5 billion", "1000만"), so that a figure a question states is known
    however the quoted sentence writes it (1000만명). Bare digits are left out: "9월 5일" states no 5위."""
    values = set()
    for found in _WRITTEN.finditer(text):
        digits, scale, myriads = found.groups()
        if scale or myriads:
            value = parse_number(digits + (myriads or ""))
            if value is not None:
                values.add(value * _SCALES[scale.lower()] if scale else value)
    return frozenset(values)


def _scale(value: float) -> str:
    for size, word in ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (10 ** 3, "thousand")):
        if value >= size:
            return f"{value / size:.4f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _when(bare: str) -> str | None:
    """A Korean date, period or time of day in English words, or None."""
    if bare in _PERIODS:
        return _PERIODS[bare]
    part = _PERIOD_PART.fullmatch(bare)
    if part and (inner := _when(part.group(1))):
        return PERIOD_PARTS[part.group(2)].format(inner.removeprefix("the "))
    dated = re.fullmatch(r"(지난해|작년|올해|내년)\s*(\d{1,2})월", bare)
    if dated and 1 <= int(dated.group(2)) <= 12:
        return f"{_MONTHS[int(dated.group(2)) - 1]} {_PERIODS[dated.group(1)]}"
    decade = re.fullmatch(r"(\d{2,4})년대", bare)
    if decade:
        return f"the {decade.group(1)}s"
    clock = _CLOCK.fullmatch(bare)
    if clock:
        part_of_day, hour, minute = clock.groups()
        told = f"{int(hour)}:{int(minute):02d}" if minute else str(int(hour))
        return f"{told} {DAY_HALVES[part_of_day]}" if part_of_day else (told if minute else f"{told} o'clock")
    date = re.fullmatch(r"(?:(\d{4})년\s*)?(?:(\d{1,2})월\s*)?(?:(\d{1,2})일)?", bare)
    if date and any(date.groups()):
        year, month, day = date.groups()
        if month and 1 <= int(month) <= 12:
            words = " ".join(x for x in (_MONTHS[int(month) - 1], day and str(int(day)), year) if x)
            return words.replace(" " + year, ", " + year) if day and year else words
        if year and not month and not day:
            return year
        if day and not month and not year:
            return f"day {int(day)} of the month"
    return None


def to_english(text: str) -> str | None:
    """An English rendering of a Korean figure, date or period, with the Korean after it; None
    when ``text`` is none of those."""
    bare = text.strip()
    when = _when(bare)
    if when:
        return f"{when} ({bare})"
    quarter = re.fullmatch(r"([1-4])분기", bare)
    if quarter:
        return f"{('first', 'second', 'third', 'fourth')[int(quarter.group(1)) - 1]} quarter ({bare})"
    percent = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(%|퍼센트)", bare)
    if percent:
        return f"{percent.group(1)}% ({bare})" if percent.group(2) != "%" else f"{percent.group(1)}%"
    money = re.fullmatch(r"(.+?)\s*원", bare)
    if money and (value := parse_number(money.group(1))) is not None:
        return f"KRW {_scale(value)} ({bare})"
    compact = "".join(bare.split())
    if _DURATION.fullmatch(compact):  # "2분50초", "1시간 30분": each part in English
        parts = re.findall(rf"(\d+){_DURATION_UNIT}", compact)
        return " ".join(f"{int(digits)} {_COUNTERS[unit][:-1] if int(digits) == 1 else _COUNTERS[unit]}"
                        for digits, unit in parts) + f" ({bare})"
    for counter, noun in sorted(_COUNTERS.items(), key=lambda kv: -len(kv[0])):
        counted = re.fullmatch(rf"(.+?)\s*{counter}", bare)
        if counted and (value := parse_number(counted.group(1))) is not None:
            if value == 1 and noun and noun != "times":
                noun = "person" if noun == "people" else noun[:-1]
            return f"{_scale(value)}{' ' + noun if noun else ''} ({bare})"
    return None

from rag.render import answer_html, highlighted, text
from rag.types import Answer, Citation

C = Citation("앞 <b>문장</b>. 핵심 & 근거. 뒤", "a.txt", "<T>", 10, 33, 0.5, 23, 31)


def test_text_is_escaped():
    assert text('<img src=x onerror=alert(1)> **b** [l](javascript:x)\n2') == (
        "&lt;img src=x onerror=alert(1)&gt; **b** [l](javascript:x)<br>2")


def test_highlight_marks_the_quote_and_escapes_the_rest():
    out = highlighted(C)
    assert out == "앞 &lt;b&gt;문장&lt;/b&gt;. <mark>핵심 &amp; 근거.</mark> 뒤"


def test_answer_html_lists_citations_or_related():
    ok = answer_html(Answer("q", "핵심 & 근거. [1]", True, [C]))
    assert "<mark>" in ok and "[1]" in ok and "&lt;T&gt;" in ok
    no = answer_html(Answer("q", "The article does not say.", False, [], [C]))
    assert "do not answer the question" in no and "<mark>" not in no


def test_long_passages_collapse_under_their_quote():
    long = Citation("가" * 300 + " 핵심.", "a", "t", 0, 304, 1.0, 301, 304)
    assert "<details><summary><mark>핵심.</mark></summary>" in answer_html(Answer("q", "핵심. [1]", True, [long]))


def test_citation_ids_are_unique_across_answers():
    import re

    page = answer_html(Answer("q", "핵심. [1]", True, [C])) + answer_html(Answer("q", "핵심. [1]", True, [C]))
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == 2 and len(set(ids)) == 2


def test_terminal_answers_wrap_at_80_columns_with_indented_quotes():
    from rag.render import answer_text

    quote = "아주 긴 문장이 이어진다. " * 12
    c = Citation(quote, "news.txt", "제목", 0, len(quote), 0.9, 0, len(quote))
    out = answer_text(Answer("q", quote + "[1]", True, [c]))
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    sources = lines[lines.index("Sources:") + 1:]
    assert sources[0].startswith("[1] 제목 (news.txt") and all(line.startswith("    ") for line in sources[1:])
    assert len(sources) > 2


def test_direct_answer_comes_first_in_bold_and_is_marked_inside_the_quote():
    from rag.render import answer_text
    from rag.short_answer import ShortAnswer

    short = ShortAnswer("근거", "evidence (근거)", 28, 30)  # document offsets: C's quote is 23-31
    answer = Answer("q", "핵심 & 근거. [1]", True, [C], short=short)
    page = answer_html(answer)
    assert page.startswith('<div class="direct"><strong>evidence (근거)</strong></div>')
    assert "<mark>핵심 &amp; <strong>근거</strong>.</mark>" in page
    assert answer_text(answer).startswith("Answer: evidence (근거)\n\n핵심 & 근거. [1]")
    outside = ShortAnswer("뒤", "뒤", 32, 33)  # not inside the quote: the quote is left unmarked
    assert "<mark>핵심 &amp; 근거.</mark>" in answer_html(Answer("q", "핵심 & 근거. [1]", True, [C], short=outside))


def test_a_completed_follow_up_says_what_was_searched():
    from rag.render import answer_text

    answer = Answer("그럼 영업이익은?", "핵심. [1]", True, [C], searched_for="카카오 2분기 영업이익은?")
    assert '<div class="searched">Searched for: 카카오 2분기 영업이익은?</div>' in answer_html(answer)
    assert "(searched for: 카카오 2분기 영업이익은?)" in answer_text(answer)
    assert "searched" not in answer_html(Answer("q", "핵심. [1]", True, [C]))

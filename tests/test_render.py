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

"""Adding and removing articles from the page, logged in, in Chromium (slow: model and browser)."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from test_web import ARGS, CHROMIUM, OUTPUT, ROOT, _ask, _last_bot, start_app

pytestmark = pytest.mark.slow

USER, PASSWORD = "editor", "correct-horse-battery"
SEED = ROOT / "corpus" / "news1-kakao-2023q2-earnings.txt"
ARTICLE = ("한빛전자, 3분기 영업이익 512억원…신형 배터리 11월 출시\n\n"
           "한빛전자는 3분기 영업이익이 512억원으로 집계됐다고 밝혔다. 매출은 4870억원이었다. "
           "회사는 신형 고체 배터리를 11월에 출시할 계획이다. 김도윤 한빛전자 대표는 "
           "\"배터리 사업이 내년 성장을 이끌 것\"이라고 말했다.\n")
LINKS = "[x](https://example.com) ![](https://example.com/p.png) 링크가 든 제목\n\n본문은 평범한 문장이다. 아무 일도 없었다.\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uploads")
    corpus = folder / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    with start_app(folder, "--allow-upload", env={"RAG_CORPUS_DIR": str(corpus), "RAG_AUTH": f"{USER}:{PASSWORD}"}) \
            as url:
        yield url, corpus, folder / "app.log"


def _status(page, name: str) -> str:
    page.wait_for_function("n => (document.querySelector('#upload-status') || {}).innerText?.includes(n)", arg=name,
                           timeout=120_000)
    return page.locator("#upload-status").inner_text()


def test_log_in_upload_ask_refuse_a_bad_file_and_remove(app, tmp_path):
    url, corpus, log = app
    files = {"hanbit.txt": ARTICLE.encode(), "legacy.txt": "카카오 옛 기사입니다.".encode("cp949"),
             "links.txt": LINKS.encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(url, wait_until="domcontentloaded")
        page.fill("input[type=text]", USER)
        page.fill("input[type=password]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector("#question textarea", state="visible", timeout=60_000)
        # The sidebar may mount after the chat box; wait for it (Gradio nests a group's id in two divs).
        page.wait_for_selector("#upload-add", state="visible", timeout=60_000)
        assert page.locator("#upload").count() >= 1

        started = time.perf_counter()
        page.set_input_files("#upload-files input[type=file]", str(tmp_path / "hanbit.txt"))
        page.click("#upload-add")
        assert "hanbit.txt: added" in _status(page, "hanbit.txt")
        page.wait_for_function("() => document.querySelector('#corpus-info').innerText.includes('한빛전자')")
        answerable_s = time.perf_counter() - started
        _ask(page, "한빛전자 3분기 영업이익은 얼마야?")
        bot = _last_bot(page)
        assert "512억원" in bot.locator(".answer").inner_text() and "hanbit.txt" in bot.locator(".citation").first.inner_text()

        page.set_input_files("#upload-files input[type=file]", [str(tmp_path / "legacy.txt"), str(tmp_path / "links.txt")])
        page.click("#upload-add")
        status = _status(page, "legacy.txt")
        assert "legacy.txt: is not valid UTF-8" in status and "links.txt: added" in status
        page.wait_for_function("() => document.querySelector('#corpus-info').innerText.includes('링크가 든 제목')")
        info = page.locator("#corpus-info")
        assert "[x](https://example.com)" in info.inner_text() and info.locator("a, img").count() == 0
        assert not (corpus / "legacy.txt").exists()

        _ask(page, "카카오 2분기 매출은 얼마야?")  # the original article is still answered
        assert "2조425억원" in _last_bot(page).locator(".answer").inner_text()

        page.click("#remove-choice input")
        page.locator("[role=option]", has_text="hanbit.txt").first.click()
        page.click("#remove")
        assert "hanbit.txt: removed" in _status(page, "removed")
        page.click("#new-conversation")
        # The chat clears asynchronously; a question typed before it has cleared can be lost with it.
        page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
        _ask(page, "한빛전자 3분기 영업이익은 얼마야?")
        assert "do not answer the question" in _last_bot(page).inner_text()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "upload-panel.png"), full_page=True)
        (OUTPUT / "upload-timing.json").write_text(json.dumps({"upload_to_listed_s": round(answerable_s, 2)}))
        browser.close()
    audit = log.read_text()
    assert "rag.audit" in audit and f"user={USER} file='hanbit.txt'" in audit and "outcome=removed" in audit
    assert PASSWORD not in audit  # never logged

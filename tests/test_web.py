"""The chat page in a real browser (Debian's Chromium via Playwright) and through gradio_client."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
INJECTIONS = ["<img src=x onerror=alert(1)>", "**bold** [link](javascript:alert(1))",
              "<b>long</b> " * 180 + "<script>alert(2)</script>"]
ARM_TIMER = """() => {
  const chat = document.querySelector('#chat');
  const before = chat.querySelectorAll('[data-testid="bot"]').length;
  const t = window.__t = {t0: null, first: null, final: null};
  document.querySelector('#question textarea').addEventListener('keydown', e => {
    if (e.key === 'Enter' && t.t0 === null) t.t0 = performance.now(); }, {capture: true, once: true});
  const obs = new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    if (t.first === null && bots.length > before && bots[bots.length - 1].innerText.trim()) t.first = performance.now();
    const st = chat.querySelector('[data-testid="status-tracker"]');
    if (t.first !== null && t.final === null && st && st.classList.contains('hide')) { t.final = performance.now(); obs.disconnect(); }
  });
  obs.observe(chat, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class']});
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_app(folder: Path, *args: str, env: dict[str, str] | None = None):
    """Run ``app.py`` on a free port with its index (unless ``env`` names one) and its log in
    ``folder``; yield its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = folder / "app.log"
    env = {**os.environ, "RAG_INDEX_DIR": str(folder / "index"), "PYTHONUNBUFFERED": "1", **(env or {})}
    with log.open("w") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), *args], cwd=ROOT, env=env,
                                stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail(f"app did not start:\n{log.read_text()}")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.dialogs = dialogs
        pg.goto(server, wait_until="domcontentloaded")
        pg.wait_for_selector("#question textarea", state="visible", timeout=60_000)
        yield pg
        browser.close()


def _ask(pg, question: str) -> tuple[float, float]:
    """Type a question, press Enter, wait for the full answer; return the seconds until the
    "searching" state shows and until the answer is complete."""
    pg.fill("#question textarea", question)
    pg.evaluate(ARM_TIMER)
    pg.press("#question textarea", "Enter")
    pg.wait_for_function("() => window.__t.final !== null", timeout=60_000)
    t = pg.evaluate("window.__t")
    return (t["first"] - t["t0"]) / 1000, (t["final"] - t["t0"]) / 1000


def _last_bot(pg):
    return pg.locator('#chat [data-testid="bot"]').last


def test_english_question_gets_a_cited_highlighted_answer(page):
    searching, final = _ask(page, "When is the AI model coming?")
    bot = _last_bot(page)
    assert "[1]" in bot.inner_text()
    assert bot.locator(".citation mark").count() >= 1
    assert bot.locator(".citation mark").first.is_visible() or bot.locator("summary mark").first.is_visible()
    assert "10월" in bot.locator(".answer").inner_text()  # the October release, not the 하반기 lightweight model
    assert "10월" in bot.locator(".citation mark").first.inner_text()
    # The direct answer comes first, in bold, in the asker's language; the span is bold in the quote too.
    assert bot.locator(".direct strong").inner_text() == "October (10월)"
    assert bot.locator(".citation mark strong").first.inner_text() == "10월"
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "chat-answer.png"), full_page=True)
    (OUTPUT / "chat-timing.json").write_text(json.dumps({"searching_shown_s": round(searching, 3),
                                                         "answer_s": round(final, 3)}))
    print(f"\nscreenshot: {OUTPUT / 'chat-answer.png'}; searching shown {searching:.3f} s, answer {final:.3f} s")
    assert final < 10


def test_unanswerable_question_is_refused(page):
    _ask(page, "김병만 명의로 가입된 사망보험은 몇 개야?")
    bot = _last_bot(page)
    assert "기사에는 이에 대한 내용이 없습니다." in bot.inner_text()
    assert "do not answer the question" in bot.inner_text()
    assert bot.locator("mark").count() == 0


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_shows_literally_and_runs_nothing(page, text):
    _ask(page, text)
    user = page.locator('#chat [data-testid="user"]').last
    assert " ".join(user.inner_text().split()) == " ".join(text.split())
    assert user.locator("img, a, strong, b, script").count() == 0
    assert page.dialogs == []


def test_empty_question_gets_a_friendly_message(page):
    _ask(page, "   ")
    assert "The question is empty" in _last_bot(page).inner_text()


def test_gradio_client_api(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    result = client.predict("카카오 2분기 매출은 얼마야?", api_name="/ask")
    assert result["answerable"] is True and "2조425억원" in result["text"]
    assert result["citations"][0]["quote"] in result["text"]
    refused = client.predict("내일 서울 날씨 어때?", api_name="/ask")
    assert refused["answerable"] is False and refused["citations"] == []
    for bad, message in (("", "The question is empty"), ("x" * 2001, "the limit is 2,000")):
        with pytest.raises(Exception, match=message):
            client.predict(bad, api_name="/ask")


def test_the_readme_http_example_runs_and_shows_the_real_keys(server):
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "gradio_client" in b]
    code, _, comment = block.partition("\n#")
    call = code.replace("http://127.0.0.1:7860/", server).strip().splitlines()
    namespace: dict = {}
    exec("\n".join(call[:-1] + ["result = " + call[-1]]), namespace)
    result = namespace["result"]
    shown = set(re.findall(r"'(\w+)':", comment))
    actual = set(result) | set(result["citations"][0]) | set(result["related"][0]) | set(result["short"])
    assert shown and shown <= actual, shown - actual
    assert set(result["citations"][0]) <= shown, "every key of a citation is shown"
    assert "2조425억원" in result["text"] and result["related"]
    assert result["short"]["text"] == "2조425억원"


def test_follow_up_is_answered_from_the_conversation_and_new_conversation_clears_it(page):
    page.click("#new-conversation button, button#new-conversation")
    page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
    _ask(page, "카카오 2분기 매출은 얼마야?")
    _ask(page, "그럼 영업이익은?")
    bot = _last_bot(page)
    assert "1135억원" in bot.locator(".answer").inner_text()
    assert bot.locator(".searched").inner_text() == "Searched for: 카카오 2분기 영업이익은?"
    page.click("#new-conversation button, button#new-conversation")
    page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
    _ask(page, "그럼 영업이익은?")  # alone, nothing is carried over
    assert _last_bot(page).locator(".searched").count() == 0


def test_without_allow_upload_there_is_no_upload_panel_and_no_upload_api(page, server):
    from gradio_client import Client

    page.wait_for_selector("#refresh", state="visible", timeout=60_000)  # the sidebar is there, without the panel
    assert page.locator("#upload").count() == 0 and page.locator("#upload-files").count() == 0
    endpoints = Client(server, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]  # nothing that writes, not even a hidden one

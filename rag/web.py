"""The Gradio chat page. Thin: answers come from :class:`RagPipeline`, HTML from ``render``."""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Iterator

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network here, and no tracking

import gradio as gr  # noqa: E402

from rag import render  # noqa: E402
from rag.corpus import MAX_FILE_BYTES  # noqa: E402
from rag.errors import QuestionError  # noqa: E402
from rag.pipeline import RagPipeline  # noqa: E402
from rag.upload_panel import add_panel  # noqa: E402
from rag.uploads import CorpusWriter  # noqa: E402

log = logging.getLogger(__name__)

EXAMPLES = [
    "When is the AI model coming?",
    "카카오 AI 모델은 언제 나와?",
    "카카오 2분기 매출은 얼마야?",
    "How many people visit Open Chat on weekdays?",
    "카카오 주가는 얼마야?",
    "Who won the baseball game yesterday?",
]
CONCURRENCY = 4
"""Questions answered at once; each takes tens of milliseconds, so more only adds contention."""


def corpus_html(rag: RagPipeline) -> str:
    """The side panel's corpus list. Plain escaped text, not Markdown: a title such as
    ``[x](https://…)`` or ``![](https://…)`` (anyone with a login may upload one) stays text."""
    info = rag.info()
    items = []
    for d in info.documents:
        meta = " · ".join(x for x in (d.get("outlet", ""), d.get("date", "")) if x)
        items.append(f"<li><b>{render.text(d['title'])}</b>" + (f"<br><small>{render.text(meta)}</small>" if meta else "")
                     + "</li>")
    parts = [f"<h3>Corpus</h3><ul>{''.join(items)}</ul>",
             f"<p><b>Passages:</b> {info.passages}<br><b>Embedding model:</b> <code>{render.text(info.model)}</code><br>"
             f"<b>Index:</b> {render.text(info.index_type)}, built {render.text(info.built_at)}</p>"]
    if info.errors:
        parts.append("<p><b>Skipped files:</b></p><ul>" + "".join(f"<li>{render.text(e)}</li>" for e in info.errors)
                     + "</ul>")
    return "".join(parts)


def build(rag: RagPipeline, writer: CorpusWriter | None = None) -> gr.Blocks:
    """The page: chat with cited answers; a side panel about the corpus, where ``writer`` (only
    with ``--allow-upload``) adds and removes articles."""

    def user_turn(message: str, history: list[dict[str, Any]]):
        return "", history + [{"role": "user", "content": render.text(message or "")}], message or ""

    def bot_turn(question: str, history: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        # An extractive answer arrives whole: say that it is being looked up, then show it. (It
        # used to be re-split word by word, which only pretended to stream.)
        earlier = history[:-1]  # the conversation before this question: follow-ups are completed from it
        history = history + [{"role": "assistant", "content": render.text("Searching the articles…")}]
        yield history
        try:
            answer = rag.ask(question, earlier)
        except QuestionError as exc:
            history[-1]["content"] = render.text(str(exc))
            yield history
            return
        except Exception:  # the page must survive anything; the log keeps the details
            log.exception("Answering %r failed", question[:200])
            history[-1]["content"] = render.text("Sorry, something went wrong answering that. Please try again.")
            yield history
            return
        history[-1]["content"] = render.answer_html(answer)
        yield history

    def api_ask(question: str, history: list[dict[str, str]] | None = None) -> dict:
        """Answer a question, a follow-up when ``history`` (earlier turns as role/content messages)
        is given; returns the answer text, whether it is answerable, the direct answer, what was
        searched for, and citations. A question that cannot be asked fails with its one-line
        message (``gr.Error`` reaches API clients; other exceptions show only as "error")."""
        try:
            return rag.ask(question, history).to_json()
        except QuestionError as exc:
            raise gr.Error(str(exc)) from exc

    def refresh() -> str:
        started = time.perf_counter()
        rebuilt = rag.refresh()
        log.info("Refresh: index %s in %.1f s", "rebuilt" if rebuilt else "unchanged", time.perf_counter() - started)
        return corpus_html(rag)

    with gr.Blocks(title="Korean news Q&A") as demo:
        with gr.Sidebar(position="left", open=True):
            info = gr.HTML(corpus_html(rag), elem_id="corpus-info")
            refresh_button = gr.Button("Re-read corpus", elem_id="refresh", size="sm")
            if writer is not None:
                add_panel(writer, info, lambda: corpus_html(rag))
        gr.Markdown("## Ask the news\nAnswers quote the article and cite it; "
                    "when the article does not say, the bot says so.")
        chatbot = gr.Chatbot(elem_id="chat", height=520, render_markdown=False, sanitize_html=True,
                             latex_delimiters=[], buttons=[], placeholder="Ask in Korean or English.")
        box = gr.Textbox(elem_id="question", show_label=False, submit_btn=True, max_lines=6,
                         placeholder="예: 카카오 AI 모델은 언제 나와? / When is the AI model coming?")
        gr.Examples(EXAMPLES, inputs=box, label="Try")
        new_button = gr.Button("New conversation", elem_id="new-conversation", size="sm")
        question = gr.State("")
        box.submit(user_turn, [box, chatbot], [box, chatbot, question], queue=False, api_visibility="private") \
            .then(bot_turn, [question, chatbot], chatbot, api_visibility="private", concurrency_id="rag")
        new_button.click(lambda: [], None, chatbot, queue=False, api_visibility="private")
        refresh_button.click(refresh, None, info, api_visibility="private", concurrency_limit=1)
        gr.api(api_ask, api_name="ask", concurrency_id="rag")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    return demo


CSS = """
.citation { margin: .5em 0; padding: .4em .6em; border-left: 3px solid #c8c8c8; }
.citations.related .citation { opacity: .8; }
mark { background: #fff1a8; padding: 0 .1em; }
.direct { font-size: 1.15em; margin-bottom: .3em; }
.searched { font-size: .85em; opacity: .75; margin-top: .2em; }
.upload-status .refused, .upload-status.refused { color: #b00020; }
"""


def serve(rag: RagPipeline, host: str = "127.0.0.1", port: int = 7860, block: bool = True,
          allow_upload: bool = False, auth: tuple[str, str] | None = None) -> gr.Blocks:
    """Start the page. ``auth`` (user, password) puts Gradio's login in front of all of it;
    ``allow_upload`` adds the upload panel (check :func:`rag.serving.upload_problem` first)."""
    writer = CorpusWriter(rag) if allow_upload else None
    if allow_upload and auth is None:
        log.warning("Uploads are allowed without a login: anyone who can reach %s:%d can change the corpus", host, port)
    demo = build(rag, writer)
    log.info("Serving on http://%s:%d%s%s", host, port, " (login required)" if auth else "",
             ", uploads allowed" if allow_upload else "")
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=not block, auth=auth,
                css=CSS, footer_links=["api"], ssr_mode=False, max_file_size=MAX_FILE_BYTES)
    return demo

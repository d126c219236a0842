"""The chat page's side panel for adding and removing articles (only with ``--allow-upload``).

Thin: checks, writes and index updates are :class:`rag.uploads.CorpusWriter`'s. Every string that
came from an upload (file names, titles, messages) is shown as escaped text, never as Markdown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import gradio as gr

from rag import render
from rag.errors import RagError
from rag.uploads import CorpusWriter, Result, UploadError


def _status(results: list[Result] | str) -> str:
    if isinstance(results, str):
        return f'<div class="upload-status refused">{render.text(results)}</div>'
    rows = "".join(f'<li class="{r.outcome}"><b>{render.text(r.name)}</b>: {render.text(r.message)}</li>'
                   for r in results)
    return f'<ul class="upload-status">{rows}</ul>'


def _user(request: gr.Request | None) -> str:
    return (getattr(request, "username", None) or "anonymous") if request is not None else "anonymous"


def add_panel(writer: CorpusWriter, info: gr.HTML, corpus_html: Callable[[], str]) -> None:
    """Build the upload controls inside an element with id ``upload`` and wire them to ``writer``;
    ``info`` (the corpus list) is redrawn after every change."""

    def choices() -> Any:
        return gr.update(choices=writer.articles(), value=None)

    def add(files: list[str] | None, title: str, body: str, replace: bool, request: gr.Request):
        user = _user(request)
        results: list[Result] = []
        try:
            if files:
                writer.check_upload([Path(f).stat().st_size for f in files], user)  # before reading any
                uploaded = [(Path(f).name, Path(f).read_bytes()) for f in files]
                results += writer.add(uploaded, replace=replace, user=user)
            if (title or "").strip() or (body or "").strip():
                results.append(writer.add_text(title, body, replace=replace, user=user))
        except (UploadError, RagError, OSError) as exc:
            return _status(str(exc)), corpus_html(), choices(), None
        if not results:
            return _status("Choose .txt or .md files, or paste an article with its title."), corpus_html(), \
                choices(), None
        return _status(results), corpus_html(), choices(), None

    def remove(name: str | None, request: gr.Request):
        if not name:
            return _status("Choose an article to remove."), corpus_html(), choices()
        return _status([writer.remove(name, user=_user(request))]), corpus_html(), choices()

    with gr.Group(elem_id="upload"):
        gr.HTML("<b>Add articles</b>")
        files = gr.File(label="Articles (.txt, .md; UTF-8)", file_count="multiple", file_types=[".txt", ".md"],
                        type="filepath", elem_id="upload-files")
        title = gr.Textbox(label="Or paste one: title", max_lines=1, elem_id="paste-title")
        body = gr.Textbox(label="Article text", lines=4, max_lines=12, elem_id="paste-text")
        replace = gr.Checkbox(label="Replace an article of the same name", value=False, elem_id="upload-replace")
        add_button = gr.Button("Add", elem_id="upload-add", size="sm")
        status = gr.HTML(elem_id="upload-status")
        article = gr.Dropdown(choices=writer.articles(), value=None, label="Remove an article",
                              elem_id="remove-choice")
        remove_button = gr.Button("Remove", elem_id="remove", size="sm", variant="stop")
    # One index update at a time: later uploads queue behind it, questions are not held up.
    add_button.click(add, [files, title, body, replace], [status, info, article, files],
                     api_visibility="private", concurrency_id="corpus-writes", concurrency_limit=1)
    remove_button.click(remove, [article], [status, info, article], api_visibility="private",
                        concurrency_id="corpus-writes", concurrency_limit=1)

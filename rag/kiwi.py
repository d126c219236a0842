"""The one Kiwi analyser of the process, and what decides how it cuts text.

Kiwi is the Korean morphological analyser behind sentence splitting (``chunking``) and lexical
terms (``lexical``). Loading its model is the slowest step of a start, so there is one per process.
"""

from __future__ import annotations

import json
from functools import lru_cache

from kiwipiepy import Kiwi

from rag.cache import package_version

KIWI_OPTIONS = {"load_multi_dict": False}
"""Kiwi without its multi-word dictionary starts in 1.7 s instead of 3.6 s (most of the cold
start); it analyses the article and every golden question identically with and without it."""


@lru_cache(maxsize=1)
def kiwi() -> Kiwi:
    return Kiwi(**KIWI_OPTIONS)


@lru_cache(maxsize=1)
def analyser_version() -> str:
    """Kiwi's code, model and options decide sentence boundaries and terms: after a change every
    document is cut again."""
    found = [json.dumps(KIWI_OPTIONS, sort_keys=True)]
    for name in ("kiwipiepy", "kiwipiepy_model"):
        found.append(f"{name}={package_version(name) or '?'}")
    return " ".join(found)

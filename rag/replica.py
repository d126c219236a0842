"""Page replicas that share one index folder: each follows the index job's ``CURRENT`` version.

Several ``app.py --replica`` processes serve one index folder read-only while a separate
``rag index`` builds the next version into it. A replica never builds: it loads whatever version
``CURRENT`` names and polls the pointer; when the index job swaps in a new version, the replica
loads it and swaps its live state in one assignment, so requests in flight finish on the old
version, whose files stay on disk for :data:`rag.index.GRACE_SECONDS`.
"""

from __future__ import annotations

import logging
import threading

from rag.errors import RagError
from rag.index import current_version
from rag.pipeline import RagPipeline

log = logging.getLogger(__name__)

class IndexFollower:
    """Polls a read-only pipeline's index folder and swaps in each new version."""

    def __init__(self, rag: RagPipeline, interval: float | None = None) -> None:
        """``interval`` defaults to ``Settings.follow_seconds``."""
        if not rag.read_only:
            raise ValueError("only a read-only pipeline (RagPipeline.load(read_only=True)) follows an index job")
        interval = rag.settings.follow_seconds if interval is None else interval
        if interval <= 0:
            raise ValueError(f"interval must be positive, got {interval}")
        self.rag = rag
        self.interval = interval
        self.seen = current_version(rag.settings.index_dir)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """Swap in the version ``CURRENT`` names if it is new; True when it was."""
        name = current_version(self.rag.settings.index_dir)
        if name is None or name == self.seen:
            return False
        try:
            self.rag.refresh()
        except RagError:  # a damaged version: keep serving the current one, and look again later
            log.exception("Could not load index version %s; still serving %s", name, self.seen)
            return False
        log.info("Now serving index version %s (%d passages)", name, len(self.rag.passages))
        self.seen = name
        return True

    def start(self) -> "IndexFollower":
        self._thread = threading.Thread(target=self._run, name="index-follower", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval * 2)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the follower must outlive any one failed look; the log keeps it
                log.exception("Looking for a new index version failed; trying again in %.1f s", self.interval)

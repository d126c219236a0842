"""Verified cache folders: the pieces every folder that is built once and trusted later needs.

The converted model, its ONNX export and the index are all expensive to build and cheap to
check. Each is built under an exclusive lock (concurrent processes wait for one build instead of
racing), in a staging folder next to its final place, with a marker written last (so an
interrupted build never looks complete), then swapped in by renaming. Later loads check the
files against the marker: sizes plus a sampled sha256 for big files, a full one for small ones.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

try:  # POSIX only; elsewhere concurrent builds fall back to rename-wins.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

def _umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, at import, before any thread starts
    os.umask(mask)
    return mask


UMASK = _umask()
"""The process's umask: temporary files and folders are private (0600, 0700) until they take the
mode an ordinary file or folder would have, so that a replica or an index job running as another
user can read what they hold."""


def shared(path: Path, folder: bool = False) -> None:
    """Give a temporary file or folder the mode of an ordinary one (``UMASK``)."""
    os.chmod(path, (0o777 if folder else 0o666) & ~UMASK)


SAMPLE_BYTES = 1 << 20
"""Big files are checked by size plus sha256 of their first and last MiB: a full sha256 of the
470 MB weights costs ~1.2 s on a 2-core machine, on every start. Truncation, a partial copy or a
file from another build changes the size, the header or the tail; bit rot in the middle is not
caught by the sample (a full check is)."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ends_sha256(path: Path) -> str:
    """sha256 of the first and last :data:`SAMPLE_BYTES` (the whole file when it is smaller)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest.update(fh.read(SAMPLE_BYTES))
        if size > SAMPLE_BYTES:
            fh.seek(max(SAMPLE_BYTES, size - SAMPLE_BYTES))
            digest.update(fh.read(SAMPLE_BYTES))
    return digest.hexdigest()


def file_digest(path: Path) -> dict[str, Any]:
    """Size and sampled sha256: a few ms for any file."""
    return {"size": Path(path).stat().st_size, "ends_sha256": ends_sha256(path)}


def package_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@contextmanager
def exclusive(lock_path: Path, what: str) -> Iterator[bool]:
    """Hold an exclusive lock on ``lock_path`` while ``what`` happens; yields False where locking
    is unavailable. Raises ``OSError`` when the lock file cannot be created."""
    if fcntl is None:  # pragma: no cover - Windows
        yield False
        return
    with Path(lock_path).open("a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("Waiting for another process that is %s", what)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A new empty folder beside ``target`` to build into; removed afterwards unless swapped in."""
    folder = target.with_name(f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    folder.mkdir()
    try:
        yield folder
    finally:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


def swap_in(staging_folder: Path, target: Path) -> None:
    """Move a finished folder into place; an old folder is moved aside first, then deleted.

    Folders cannot be replaced atomically, so for a moment ``target`` may be absent; readers then
    see "absent", take the lock and wait, never a half-built folder.
    """
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
        os.rename(staging_folder, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging_folder, target)


def remove_leftovers(target: Path) -> None:
    """Delete staging and old folders of killed builds of ``target``; only safe under its lock."""
    for path in target.parent.glob(f".{target.name}.*-*"):
        if path.is_dir():
            log.info("Removing leftover %s", path)
            shutil.rmtree(path, ignore_errors=True)

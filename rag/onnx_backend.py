"""Sentence embeddings on ONNX Runtime: the same vectors as sentence-transformers, without torch.

Why: importing torch and sentence-transformers takes 5-8 s and one short query costs 30-40 ms on
2 cores; onnxruntime runs the same graph in a fraction of that, and a dynamically quantised
(int8) graph is faster again. A model is exported once, with torch; later processes need only
onnxruntime, ``tokenizers`` and numpy.

What the export writes, into a folder of the cache (:func:`export_dir`):

- ``model.onnx``: the transformer (input ids + attention mask -> last hidden state), traced by
  ``torch.onnx.export(dynamo=False)`` with dynamic batch and sequence axes;
- ``model-int8.onnx``: the same graph with int8 weights (``quantize_dynamic``, QInt8), made only
  when the ``onnx-int8`` backend is asked for (it is opt-in), and checked against the float graph;
- ``tokenizer.json``: the tokenizer exactly as sentence-transformers runs it. transformers 5
  rebuilds an XLM-R tokenizer's pre-tokenizer and normaliser instead of using the model's own
  ``tokenizer.json``, and the two disagree on whitespace (e.g. a trailing space is a token in one,
  not in the other); that mismatch, not the graph, cost cosine agreement on padded batches;
- ``onnx.json``: the marker, written last (what was exported from what, with which versions, and
  how well it agreed with torch), so an interrupted export never looks complete.

Each export is checked against sentence-transformers on one padded batch of Korean and English
texts of mixed lengths before it is used. The folder is a verified cache folder (:mod:`rag.cache`):
built under a lock in a staging folder and swapped in, so concurrent processes export once; every
load re-checks the files against the marker (size plus sampled sha256, a few ms) and the source
model against its fingerprint, and a damaged or stale export is redone with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from rag import cache
from rag.config import SETUP_LOG
from rag.errors import RagError

log = logging.getLogger(__name__)

FORMAT = 1
"""Layout and export-settings version; bump it to make old exports redo themselves."""

MARKER = "onnx.json"
FLOAT_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17
ATTENTION = "eager"
"""Plain matmul-softmax attention in the graph; "sdpa" exported the same numbers (cosine 1.0)."""

MIN_FLOAT_COSINE = 0.9999
"""The float export must reproduce torch; measured min cosine 1.000000 on the check batch."""
MIN_INT8_COSINE = 0.95
"""Sanity floor for the int8 graph (measured min 0.98-0.99 on the check batch); it is no proof of
quality: per-channel int8 still moved the golden metrics (see ``rag.embeddings.AUTO_BACKEND``)."""

FAILED = "export-failed.json"
"""Written when an export fails, so later starts fall back at once instead of failing again
for a minute each; it applies only to the same model, settings and library versions."""

CHECK_TEXTS = (
    "query: 카카오 AI 모델은 언제 나와?",
    "passage: 카카오는 3일 연결 기준 2분기 매출이 2조425억원으로 전년 동기 대비 17% 늘었다고 공시했다. ",
    "query: When will Kakao release its AI model?",
    "passage: Kakao Talk  ad revenue grew\tin the second quarter.\n",
    "query: 매출",
    "passage: " + "카카오톡 광고와 커머스 매출이 성장했다. " * 60,  # longer than 512 tokens: truncated
    "passage: hi",
)
"""Korean and English, 3 to 512+ tokens, odd whitespace: one padded batch exercises masking and truncation."""


class OnnxUnavailable(RagError):
    """This model cannot run on ONNX Runtime here; the message says why."""


# --------------------------------------------------------------------------- model folder


@dataclass(frozen=True)
class ModelSpec:
    """What the export and the encoder need to know about a sentence-transformers folder."""

    folder: Path
    prompts: dict[str, str]
    dimension: int
    max_length: int


def inspect_model(folder: Path) -> ModelSpec:
    """The spec of a local sentence-transformers folder; ``OnnxUnavailable`` when the ONNX path
    cannot reproduce it (only transformer -> mean pooling -> optional normalisation is supported)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OnnxUnavailable(f"{folder} is not a local model folder (ONNX export needs one)")
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise OnnxUnavailable(f"{folder} has no readable modules.json/config.json ({exc})") from exc
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]) or modules[0].get("path"):
        raise OnnxUnavailable(f"modules {kinds} are not Transformer, Pooling[, Normalize]")
    pooling = _read_json(folder / str(modules[1].get("path", "")) / "config.json")
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True)
    if modes != ["pooling_mode_mean_tokens"] or pooling.get("include_prompt", True) is not True:
        raise OnnxUnavailable(f"pooling {modes} (include_prompt={pooling.get('include_prompt', True)}) "
                              "is not plain mean pooling")
    st_config = _read_json(folder / "config_sentence_transformers.json")
    bert_config = _read_json(folder / "sentence_bert_config.json")
    limits = [v for v in (bert_config.get("max_seq_length"), config.get("max_position_embeddings")) if v]
    if not limits:
        raise OnnxUnavailable("neither sentence_bert_config.json nor config.json gives a maximum length")
    prompts = {str(k): str(v) for k, v in (st_config.get("prompts") or {}).items()}
    dimension = int(pooling.get("word_embedding_dimension") or config.get("hidden_size") or 0)
    return ModelSpec(folder, prompts, dimension, int(min(limits)))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OnnxUnavailable(f"{path} is unreadable ({exc})") from exc
    return value if isinstance(value, dict) else {}


def export_dir(folder: Path, cache_dir: Path | None = None) -> Path:
    """Where the export of ``folder`` lives: next to it when it sits in the cache's ``models/``
    (the provisioned default model), else in ``<cache>/onnx/<name>-<hash of its path>``."""
    from rag.config import default_cache_dir

    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    folder = Path(folder).resolve()
    if folder.parent == (cache / "models").resolve():
        return folder.parent / f"{folder.name}-onnx"
    digest = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:10]
    return cache / "onnx" / f"{folder.name}-{digest}"


# --------------------------------------------------------------------------- cache checks


def source_fingerprint(folder: Path) -> dict[str, Any]:
    """Every file of the model folder by size and sampled sha256: a re-provisioned, retrained or
    edited model makes its export stale."""
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.name.startswith("."))
    return {p.relative_to(folder).as_posix(): cache.file_digest(p) for p in files}


def _versions() -> dict[str, str | None]:
    """Versions that make an export stale: the quantiser's output depends on onnxruntime."""
    return {"onnxruntime": cache.package_version("onnxruntime")}


def _settings() -> dict[str, Any]:
    return {"opset": OPSET, "attention": ATTENTION, "quantization": "quantize_dynamic QInt8 per channel"}


def export_problem(spec: ModelSpec, target: Path) -> str | None:
    """Why the export in ``target`` cannot be used for ``spec``, or None when it is current."""
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not exported yet"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"{MARKER} is unreadable ({exc})"
    if not isinstance(marker, dict) or marker.get("format") != FORMAT or marker.get("settings") != _settings():
        return "it was exported with other settings"
    if marker.get("versions") != _versions():
        return f"it was made with {marker.get('versions')}, {_versions()} is installed"
    if marker.get("source") != source_fingerprint(spec.folder):
        return f"the model in {spec.folder} has changed since the export"
    files = marker.get("files")
    if not isinstance(files, dict) or not {FLOAT_FILE, TOKENIZER_FILE} <= set(files) <= {
            FLOAT_FILE, INT8_FILE, TOKENIZER_FILE}:
        return f"{MARKER} lists the wrong files"
    for name, expected in files.items():
        try:
            actual = cache.file_digest(target / name)
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as exc:
            return f"{name} is unreadable ({exc})"
        if actual != expected:
            return f"{name} has changed (size or sampled sha256 differs)"
    return None


def ensure_export(spec: ModelSpec, target: Path | None = None, int8: bool = False) -> Path:
    """The folder holding a current export of ``spec``, exporting (with torch) when needed; with
    ``int8``, also its int8 graph, quantised from the float one on first use."""
    target = Path(target) if target is not None else export_dir(spec.folder)
    problem = export_problem(spec, target)
    if problem is None:
        if int8:
            _ensure_int8(spec, target)
        return target
    failed = _earlier_failure(spec, target)
    if failed:
        raise OnnxUnavailable(f"exporting failed before with these versions ({failed}); "
                              f"delete {target / FAILED} to try again")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OnnxUnavailable(f"cannot create {target} ({exc})") from exc
    with cache.exclusive(target.parent / f".{target.name}.lock", f"exporting {spec.folder.name}") as locked:
        problem = export_problem(spec, target)  # another process may have exported while we waited
        if problem is None:
            return target
        if locked:
            cache.remove_leftovers(target)
        if problem == "not exported yet":
            logging.getLogger(SETUP_LOG).info("Exporting %s to ONNX in %s (one-time, about a minute)", spec.folder,
                                              target)
        else:
            log.warning("Exporting %s to ONNX again: the export in %s is not usable (%s)", spec.folder, target, problem)
        try:
            _export(spec, target)
        except OnnxUnavailable as exc:
            _record_failure(spec, target, str(exc))
            raise
        except OSError as exc:  # a full disk or a permission: worth trying again next time, not recorded
            raise OnnxUnavailable(f"the ONNX export could not be written ({exc})") from exc
        # torch.onnx raises many types; with the same versions they fail the same way every time.
        except (RuntimeError, ValueError, TypeError, AttributeError) as exc:
            _record_failure(spec, target, f"{type(exc).__name__}: {exc}")
            raise OnnxUnavailable(f"the ONNX export failed ({type(exc).__name__}: {exc})") from exc
        (target / FAILED).unlink(missing_ok=True)
    if int8:
        _ensure_int8(spec, target)
    return target


def forget_failure(spec: ModelSpec, target: Path | None = None) -> bool:
    """Drop the record of a failed export, so the next start tries again; True if there was one."""
    record = (Path(target) if target is not None else export_dir(spec.folder)) / FAILED
    existed = record.exists()
    record.unlink(missing_ok=True)
    return existed


def _ensure_int8(spec: ModelSpec, target: Path) -> None:
    """Quantise the float graph into ``model-int8.onnx`` unless the marker already lists it."""
    marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    if INT8_FILE in marker["files"]:
        return
    with cache.exclusive(target.parent / f".{target.name}.lock", f"quantising {spec.folder.name}"):
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
        if INT8_FILE in marker["files"]:
            return
        log.info("Quantising %s to int8 (one-time)", target / FLOAT_FILE)
        temp = target / f".{INT8_FILE}.tmp-{os.getpid()}"
        try:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            with _exporter_messages():
                quantize_dynamic(target / FLOAT_FILE, temp, weight_type=QuantType.QInt8, per_channel=True)
            reference = OnnxEncoder(spec, target, quantized=False).encode(list(CHECK_TEXTS), len(CHECK_TEXTS))
            vectors = OnnxEncoder(spec, target, quantized=False, path=temp).encode(list(CHECK_TEXTS),
                                                                                   len(CHECK_TEXTS))
            cosine = float(np.min(np.sum(vectors * reference, axis=1)))
            if cosine < MIN_INT8_COSINE:
                raise OnnxUnavailable(f"the int8 graph agrees with the float one only at cosine {cosine:.4f} "
                                      f"(needs {MIN_INT8_COSINE})")
            os.replace(temp, target / INT8_FILE)
        except (RuntimeError, ValueError, OSError) as exc:
            raise OnnxUnavailable(f"quantising to int8 failed ({type(exc).__name__}: {exc})") from exc
        finally:
            temp.unlink(missing_ok=True)
        marker["files"][INT8_FILE] = cache.file_digest(target / INT8_FILE)
        marker["min_cosine_vs_torch"][INT8_FILE] = round(cosine, 6)
        staged = target / f".{MARKER}.tmp-{os.getpid()}"
        staged.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        os.replace(staged, target / MARKER)
        log.info("Quantised to int8 (min cosine vs the float graph %.4f)", cosine)


def _export_key(spec: ModelSpec) -> dict[str, Any]:
    """What an export depends on: recorded in the marker of a good one and the record of a failed one."""
    return {"settings": _settings(), "versions": _versions(), "source": source_fingerprint(spec.folder)}


def _earlier_failure(spec: ModelSpec, target: Path) -> str | None:
    """The reason an export of this same model with these same versions failed, if one did."""
    try:
        record = json.loads((target / FAILED).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or {k: record.get(k) for k in ("settings", "versions", "source")} != _export_key(spec):
        return None
    return str(record.get("reason", "no reason recorded"))


def _record_failure(spec: ModelSpec, target: Path, reason: str) -> None:
    record = dict(_export_key(spec), reason=reason[:2000], when=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    try:
        (target / FAILED).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        log.warning("Could not record the failed export in %s: %s", target, exc)


# --------------------------------------------------------------------------- export


def _export(spec: ModelSpec, target: Path) -> None:
    """Trace, quantise and check against torch in a staging folder; the marker goes last, then
    the folder is swapped in."""
    started = time.perf_counter()
    with cache.staging(target) as staging:
        with _exporter_messages():
            reference, tokenizer_json = _trace(spec, staging / FLOAT_FILE)
        (staging / TOKENIZER_FILE).write_text(tokenizer_json, encoding="utf-8")
        encoder = OnnxEncoder(spec, staging, quantized=False)
        cosine = float(np.min(np.sum(encoder.encode(list(CHECK_TEXTS), batch_size=len(CHECK_TEXTS)) * reference,
                                     axis=1)))
        if cosine < MIN_FLOAT_COSINE:
            raise OnnxUnavailable(f"the ONNX graph {FLOAT_FILE} agrees with torch only at cosine {cosine:.4f} "
                                  f"(needs {MIN_FLOAT_COSINE}) on a padded batch")
        agreement = {FLOAT_FILE: round(cosine, 6)}
        files = {name: cache.file_digest(staging / name) for name in (FLOAT_FILE, TOKENIZER_FILE)}
        marker = {
            "format": FORMAT,
            **_export_key(spec),
            "exported_with": {name: cache.package_version(name)
                              for name in ("torch", "transformers", "sentence-transformers", "onnx")},
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "model": str(spec.folder),
            "min_cosine_vs_torch": agreement,
            "files": files,
        }
        (staging / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        cache.swap_in(staging, target)
    log.info("Exported %s to ONNX in %.0f s (min cosine vs torch on a padded batch: %s)",
             spec.folder, time.perf_counter() - started, agreement)


@contextmanager
def _exporter_messages() -> Iterator[None]:
    """What torch.onnx and the quantiser print while exporting a graph that is then verified:
    tracer and deprecation warnings and the quantiser's advice go to this log at DEBUG, not to the
    terminal. The legacy TorchScript exporter is used on purpose: the dynamo exporter needs
    ``onnxscript``, which is not a dependency, and the result is checked against torch anyway."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs per tensor, and its advice, to the root logger
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        root.setLevel(level)
        for w in caught:
            log.debug("exporter: %s: %s", w.category.__name__, w.message)


def _trace(spec: ModelSpec, path: Path) -> tuple[np.ndarray, str]:
    """Export the transformer to ``path``; returns torch's vectors for :data:`CHECK_TEXTS` and the
    tokenizer exactly as sentence-transformers runs it (JSON)."""
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise OnnxUnavailable(f"exporting needs torch and sentence-transformers ({exc})") from exc

    model = SentenceTransformer(str(spec.folder), device="cpu", local_files_only=True)
    reference = np.asarray(model.encode(list(CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True))
    transformer = model[0]
    tokenizer = getattr(getattr(transformer, "tokenizer", None), "backend_tokenizer", None)
    if tokenizer is None:
        raise OnnxUnavailable("the model has no fast (tokenizers) tokenizer to run without transformers")
    pad_id = getattr(transformer.tokenizer, "pad_token_id", None)
    pad_token = getattr(transformer.tokenizer, "pad_token", None)
    if pad_id is not None and pad_token is not None:  # recorded so the encoder pads with the same token
        tokenizer.enable_padding(pad_id=int(pad_id), pad_token=str(pad_token))
    network = transformer.auto_model.eval()
    if hasattr(network, "set_attn_implementation"):
        network.set_attn_implementation(ATTENTION)

    class Wrapper(torch.nn.Module):
        """transformers 5 rejects positional export arguments: call the model with keywords."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # A padded example, so no "the mask is all ones" shortcut can be traced into the graph.
    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 100, 2, 1, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            Wrapper(network), (ids, mask), str(path), dynamo=False, opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )
    return reference, tokenizer.to_str()


# --------------------------------------------------------------------------- inference


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class OnnxEncoder:
    """Tokenise, run the graph, mean-pool over the attention mask and L2-normalise, in numpy.

    Texts are sorted by length before batching, as sentence-transformers does, so little
    padding is computed. One thread per core for each operator; spinning is off, because
    busy-waiting threads starve everything else on a small shared machine.
    """

    def __init__(self, spec: ModelSpec, folder: Path, quantized: bool, threads: int | None = None,
                 path: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.spec = spec
        self.path = path or Path(folder) / (INT8_FILE if quantized else FLOAT_FILE)
        self.tokenizer = Tokenizer.from_file(str(Path(folder) / TOKENIZER_FILE))
        self.pad_id = int(self.tokenizer.padding["pad_id"]) if self.tokenizer.padding else 0
        self.tokenizer.no_padding()  # padded per batch below, after sorting by length
        self.tokenizer.enable_truncation(spec.max_length)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _cores()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch_size: int = 8, progress: bool = False) -> np.ndarray:
        """Unit vectors for ``texts`` (prompts already prepended), in input order."""
        out = np.zeros((len(texts), self.spec.dimension), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=True)]
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        batches = range(0, len(order), batch_size)
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="Batches", unit="batch")
        for start in batches:
            chosen = order[start:start + batch_size]
            width = max(len(ids[i]) for i in chosen)
            input_ids = np.full((len(chosen), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, i in enumerate(chosen):
                input_ids[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1
            hidden = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[chosen] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out

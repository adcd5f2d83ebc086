"""Scale-out: organizations on different PostgreSQL nodes (postgres_fdw foreign partitions)
answer exactly like one node."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.chunking import CHUNKER_VERSION, chunk_document
from tests.fakes import FakeEmbedder

PROJECT_DIR = Path(__file__).resolve().parents[2]
GOLD = PROJECT_DIR / "eval" / "gold.jsonl"
SEEDS = PROJECT_DIR / "corpus" / "seeds"


@pytest.fixture
def second_node(pg_data_root, pg_server):
    from embeddings.pgserver import LocalServer

    node = LocalServer(pg_data_root / "node-b", durable=False)
    node.start()
    yield node.url
    node.stop()


def test_two_nodes_through_postgres_fdw_answer_like_one(pg_url, pg_server, second_node, seed_documents, tmp_path):
    import psycopg

    from assistant.service import Assistant
    from assistant.settings import Settings
    from embeddings.pgschema import _partition, attach_remote_organization
    from embeddings.postgres import PostgresIndex
    from tests.embeddings.conftest import drop_database, new_database

    single = new_database(pg_server)
    try:
        PostgresIndex.open(single, seed_documents, FakeEmbedder(), chunk_document, chunker_version=CHUNKER_VERSION)
        # The coordinator: schema first, then Enschede's and Deventer's partitions on node B.
        PostgresIndex.open(pg_url, [], FakeEmbedder(), chunk_document, chunker_version=CHUNKER_VERSION)
        remote = {"Enschede", "Deventer"}
        for org in sorted(remote):
            attach_remote_organization(pg_url, org, second_node, "node_b")
        PostgresIndex.open(pg_url, seed_documents, FakeEmbedder(), chunk_document, chunker_version=CHUNKER_VERSION)

        with psycopg.connect(second_node) as node, psycopg.connect(pg_url) as coordinator:
            for doc in seed_documents:
                part = _partition("chunks", doc.meta.municipality or "")
                kind = coordinator.execute("SELECT relkind FROM pg_class WHERE relname = %s", [part]).fetchone()[0]
                if doc.meta.municipality in remote:
                    assert kind == "f"  # a foreign table: the rows are on node B
                    n = node.execute(f"SELECT count(*) FROM {part} WHERE doc_id = %s", [doc.id]).fetchone()[0]
                    assert n > 0
                else:
                    assert kind == "r"
        assert {d.meta.municipality for d in seed_documents} - remote  # some stay on the coordinator

        shutil.copytree(SEEDS, tmp_path / "corpus")
        settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", data_dir=tmp_path / "data")
        questions = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
        one = Assistant.load(settings.with_(store=single), embedder=FakeEmbedder())
        two = Assistant.load(settings.with_(store=pg_url), embedder=FakeEmbedder())
        asked = [q for q in questions if q["kind"] in ("passage", "cross", "budget")][::5]
        assert len(asked) > 20
        for q in asked:
            a, b = one.ask(q["question"]), two.ask(q["question"])
            assert (b.text, [p.chunk.id for p in b.passages]) == (a.text, [p.chunk.id for p in a.passages]), q["id"]
    finally:
        drop_database(pg_server, single)

"""The PostgreSQL store against a real server: the same answers as the file index, one
transaction per document, and a lost connection retried or reported in Dutch."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.models import Filters
from assistant.retrieval import Retriever, document_mask
from corpus.chunking import CHUNKER_VERSION, chunk_document
from corpus.store import load_corpus
from embeddings.index import HybridIndex
from embeddings.protocols import conforms
from tests.fakes import FakeEmbedder

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEEDS = PROJECT_DIR / "corpus" / "seeds"
GOLD = PROJECT_DIR / "eval" / "gold.jsonl"
# A made-up word, so only the changed version of a document can match it.
NEW_WORD = "Zeppelinhavenregeling"


def _open_pg(url, docs, embedder=None):
    from embeddings.postgres import PostgresIndex

    return PostgresIndex.open(url, docs, embedder or FakeEmbedder(), chunk_document, chunker_version=CHUNKER_VERSION)


@pytest.fixture
def corpus(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "corpus")
    return tmp_path / "corpus"


def _changed_copy(corpus: Path, stem: str, sentence: str) -> None:
    path = next(p for p in corpus.iterdir() if p.stem == stem)
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{sentence}\n", encoding="utf-8")


def test_both_backends_satisfy_the_index_protocols(pg_url, seed_documents, tmp_path):
    files = HybridIndex.open(tmp_path / "index", seed_documents[:1], FakeEmbedder(), chunk_document)
    pg = _open_pg(pg_url, seed_documents[:1])
    assert conforms(files) and conforms(pg)
    assert not conforms(object())


def test_same_questions_give_the_same_answers_on_files_and_postgres(pg_url, corpus, tmp_path):
    """Every gold question, through the whole assistant, on both stores (fake embedder)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    base = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    on_files = Assistant.load(base, embedder=FakeEmbedder())
    on_pg = Assistant.load(base.with_(store=pg_url), embedder=FakeEmbedder())
    assert type(on_pg.index).__name__ == "PostgresIndex"
    assert [c.id for c in on_pg.index.chunks] == [c.id for c in on_files.index.chunks]
    questions = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) > 100
    differences = []
    for q in questions:
        a = on_files.ask(q["question"], q.get("history", []))
        b = on_pg.ask(q["question"], q.get("history", []))
        if (a.text, [p.chunk.id for p in a.passages]) != (b.text, [p.chunk.id for p in b.passages]):
            differences.append((q["id"], a.text[:80], b.text[:80]))
    assert differences == []


@pytest.fixture(scope="module")
def seed_indexes(pg_server, seed_documents, tmp_path_factory):
    """The seed corpus in both stores, built once for the search comparisons."""
    from tests.embeddings.conftest import drop_database, new_database

    url = new_database(pg_server)
    embedder = FakeEmbedder()
    files = HybridIndex.open(
        tmp_path_factory.mktemp("index"), seed_documents, embedder, chunk_document, chunker_version=CHUNKER_VERSION
    )
    yield files, _open_pg(url, seed_documents, embedder), embedder
    drop_database(pg_server, url)


@pytest.mark.parametrize("municipality", [None, "Deventer", "Enschede"])
def test_each_search_ranks_like_the_file_index(seed_indexes, municipality):
    files, pg, embedder = seed_indexes
    mask = document_mask([c.doc_id for c in files.chunks], files.documents, Filters(municipality=municipality))
    for text in ("schuldhulpverlening wachttijd", "lasten inkomensvoorziening", "verblijfsduur opvang", "jeugdzorg"):
        vec = embedder.embed_queries([text])[0]
        assert [p for p, _ in pg.lexical_search(text, 20, mask)] == [p for p, _ in files.lexical_search(text, 20, mask)]
        assert [p for p, _ in pg.dense_search(vec, 20, mask)] == [p for p, _ in files.dense_search(vec, 20, mask)]
        assert [p for p, _ in pg.sentence_search(vec, 20, mask)] == [p for p, _ in files.sentence_search(vec, 20, mask)]
        np.testing.assert_allclose(pg.sentence_scores(vec), files.sentence_scores(vec), atol=1e-5)
        fused = Retriever(pg, embedder).ranked(text, mask, 10)
        assert fused == Retriever(files, embedder).ranked(text, mask, 10)  # RRF scores come from ranks only


def test_documents_live_in_their_municipality_partition(seed_indexes, seed_documents):
    import psycopg

    from embeddings.pgschema import _partition

    with psycopg.connect(seed_indexes[1]._conn.url) as conn:
        for doc in seed_documents:
            part = _partition("chunks", doc.meta.municipality or "")
            n = conn.execute(f"SELECT count(*) FROM {part} WHERE doc_id = %s", [doc.id]).fetchone()[0]
            assert n > 0, doc.id
        plan = "\n".join(
            r[0] for r in conn.execute("EXPLAIN SELECT count(*) FROM chunks WHERE org = 'Deventer'").fetchall()
        )
    assert _partition("chunks", "Deventer") in plan and _partition("chunks", "Enschede") not in plan


def test_a_model_that_cannot_pool_is_stored_the_embedded_way_and_says_so(pg_url, corpus):
    from embeddings.plan import embedding_plan
    from embeddings.postgres import PostgresIndex
    from tests.embeddings.test_pooled import PassagesOnly

    docs = list(load_corpus(corpus).documents)[:1]
    emb, events = PassagesOnly(), []
    index = PostgresIndex.open(pg_url, docs, emb, chunk_document, progress=events.append, chunker_version=CHUNKER_VERSION)
    assert any(e.stage == "melding" and "apart ingebed" in e.message for e in events)
    assert sorted(emb.texts) == sorted(embedding_plan(index.chunks, "embedded").texts)


def test_unchanged_corpus_embeds_nothing_and_a_change_embeds_one_document(pg_url, corpus):
    docs = list(load_corpus(corpus).documents)
    _open_pg(pg_url, docs)
    again = FakeEmbedder()
    _open_pg(pg_url, docs, again)
    assert again.passages_embedded == 0
    _changed_copy(corpus, docs[0].id, f"De {NEW_WORD} geldt vanaf 2026.")
    changed = FakeEmbedder()
    index = _open_pg(pg_url, list(load_corpus(corpus).documents), changed)
    own = [pos for pos, c in enumerate(index.chunks) if c.doc_id == docs[0].id]
    assert changed.passages_embedded == len(own)  # its chunks, once (their sentences pooled from them)
    assert any(pos in own for pos, _, _ in index.sentences)
    hits = index.lexical_search(NEW_WORD, 5)
    assert hits and index.chunks[hits[0][0]].doc_id == docs[0].id
    smaller = _open_pg(pg_url, list(load_corpus(corpus).documents)[1:])
    assert docs[0].id not in smaller.documents and all(c.doc_id != docs[0].id for c in smaller.chunks)


_WRITER = """
import sys, time
from pathlib import Path
from corpus.chunking import CHUNKER_VERSION, chunk_document
from corpus.store import load_corpus
from embeddings.pgdocuments import replace_document
from tests.fakes import FakeEmbedder
url, corpus, doc_id = sys.argv[1:4]
doc = next(d for d in load_corpus(Path(corpus)).documents if d.id == doc_id)
def stop_here():
    print("midden", flush=True)
    time.sleep(120)
replace_document(url, doc, FakeEmbedder(), chunk_document, CHUNKER_VERSION, after_chunks=stop_here)
"""


def test_killed_writer_mid_document_leaves_the_previous_version_and_blocks_no_other_writer(pg_url, corpus):
    from embeddings.pgdocuments import replace_document
    from embeddings.postgres import PostgresIndex

    docs = list(load_corpus(corpus).documents)
    first, other = docs[0], docs[1]
    before = [c.text for c in _open_pg(pg_url, docs).chunks if c.doc_id == first.id]
    _changed_copy(corpus, first.id, f"De {NEW_WORD} is ingetrokken.")
    _changed_copy(corpus, other.id, f"Ook de {NEW_WORD}commissie stopt.")
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, pg_url, str(corpus), first.id],
        cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = writer.stdout.readline()
        assert line.strip() == "midden", writer.stderr.read()
        # Mid-transaction: readers see the old version, at once.
        started = time.monotonic()
        during = PostgresIndex.read(pg_url, FakeEmbedder().name)
        assert [c.text for c in during.chunks if c.doc_id == first.id] == before
        assert during.lexical_search(NEW_WORD, 5) == []
        # A writer of another document does not wait for it.
        changed_other = next(d for d in load_corpus(corpus).documents if d.id == other.id)
        assert replace_document(pg_url, changed_other, FakeEmbedder(), chunk_document, CHUNKER_VERSION, wait=False)
        assert time.monotonic() - started < 20
        # ... and one of the same document is told it is busy instead of waiting.
        changed_first = next(d for d in load_corpus(corpus).documents if d.id == first.id)
        assert not replace_document(pg_url, changed_first, FakeEmbedder(), chunk_document, CHUNKER_VERSION, wait=False)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
        writer.stderr.close()
    after = PostgresIndex.read(pg_url, FakeEmbedder().name)
    assert [c.text for c in after.chunks if c.doc_id == first.id] == before
    assert {after.chunks[p].doc_id for p, _ in after.lexical_search(NEW_WORD, 5)} == {other.id}
    # The next writer finds the old fingerprint and writes the new version.
    updated = _open_pg(pg_url, list(load_corpus(corpus).documents))
    assert {updated.chunks[p].doc_id for p, _ in updated.lexical_search(NEW_WORD, 5)} == {first.id, other.id}


def test_concurrent_writers_of_different_documents_both_land(pg_url, seed_documents):
    from embeddings.pgdocuments import replace_document
    from embeddings.postgres import PostgresIndex

    _open_pg(pg_url, seed_documents[:1])
    errors: list[BaseException] = []

    def write(doc):
        try:
            replace_document(pg_url, doc, FakeEmbedder(), chunk_document, CHUNKER_VERSION)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(d,)) for d in seed_documents[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert set(PostgresIndex.read(pg_url, FakeEmbedder().name).documents) == {d.id for d in seed_documents}


def test_lost_connection_is_retried_on_a_fresh_one(pg_url, seed_documents):
    import psycopg

    index = _open_pg(pg_url, seed_documents[:2])
    expected = index.lexical_search("zorg jeugd", 5)
    assert expected
    with psycopg.connect(pg_url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert killed >= 1
    assert index.lexical_search("zorg jeugd", 5) == expected


def test_server_gone_gives_one_dutch_sentence_never_a_traceback(tmp_path, pg_data_root, pg_server, seed_documents):
    from embeddings.pgserver import LocalServer
    from embeddings.pgconnection import StoreUnavailable

    # A server of its own, stopped under the loaded index.
    server = LocalServer(pg_data_root / "gone", durable=False)
    url = server.start()
    try:
        index = _open_pg(url, seed_documents[:1])
    finally:
        server.stop()
    with pytest.raises(StoreUnavailable, match=r"^De database 127\.0\.0\.1:\d+/assistant is niet bereikbaar \(.+\); probeer het"):
        index.dense_search(FakeEmbedder().embed_queries(["zorg"])[0], 5)

    shutil.copytree(SEEDS, tmp_path / "corpus")
    env = {**os.environ, "ASSISTANT_STORE": url, "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus"), "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    code = "from tests.workers import FAKE_EMBEDDER; exec(FAKE_EMBEDDER); from assistant.cli import main; raise SystemExit(main(['ask', 'Wat kost de jeugdzorg?']))"
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "is niet bereikbaar" in out.stderr and "probeer het over enkele ogenblikken opnieuw" in out.stderr


def test_store_setting_takes_a_postgres_url_or_nothing():
    from assistant.settings import Settings, SettingsError

    assert Settings.from_env({}).store == ""
    assert Settings.from_env({"ASSISTANT_STORE": "postgresql://u@h:5432/db"}).store == "postgresql://u@h:5432/db"
    with pytest.raises(SettingsError, match="ASSISTANT_STORE=.*geen PostgreSQL-adres"):
        Settings.from_env({"ASSISTANT_STORE": "mysql://h/db"})


def test_serve_db_prints_the_url_to_use_and_stops_on_sigterm(pg_data_root, pg_server):
    import psycopg

    data = pg_data_root / "served"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve-db", "--data", str(data)],
        cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = []
        while not any("export ASSISTANT_STORE=" in line for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        url = lines[-1].split("export ASSISTANT_STORE=", 1)[1].strip()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            assert conn.execute("SELECT '[1,2]'::vector <=> '[2,4]'::vector").fetchone()[0] == pytest.approx(0.0)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "De database is gestopt." in out
    assert not (data / "postmaster.pid").exists()


def test_one_index_serves_several_threads_at_once(seed_indexes):
    """The app asks one assistant from several sessions' threads: each gets its own answer."""
    from tests.workers import run_threads

    files, pg, embedder = seed_indexes
    texts = ["schuldhulpverlening wachttijd", "lasten inkomensvoorziening", "verblijfsduur opvang", "jeugdzorg"]
    expected = {t: files.lexical_search(t, 10) for t in texts}

    def work(n: int) -> bool:
        for _ in range(5):
            for t in texts[n:] + texts[:n]:
                got = pg.lexical_search(t, 10)
                if [p for p, _ in got] != [p for p, _ in expected[t]]:
                    return False
        return True

    assert run_threads(work, count=4) == [True] * 4


def test_vector_searches_can_use_the_halfvec_hnsw_indexes(seed_indexes):
    """At scale the planner must be able to answer the nearest-neighbour queries from the
    HNSW indexes (over embedding::halfvec); with sequential scans off it has to."""
    import psycopg
    from pgvector.psycopg import register_vector

    _, pg, embedder = seed_indexes
    q = embedder.embed_queries(["jeugdzorg"])[0]
    with psycopg.connect(pg._conn.url, autocommit=True) as conn:
        register_vector(conn)
        conn.execute("SET enable_seqscan = off")
        for table in ("chunks", "sentences"):
            plan = "\n".join(
                r[0]
                for r in conn.execute(
                    f"EXPLAIN SELECT doc_id FROM {table} "
                    f"ORDER BY embedding::halfvec({pg.dim}) <=> %s::halfvec({pg.dim}) LIMIT 10",
                    [q],
                ).fetchall()
            )
            assert "Index Scan using" in plan and "embedding" in plan, plan
